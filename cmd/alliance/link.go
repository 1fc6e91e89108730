package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"alliance/internal/linkage"
)

// cmdLinkEncode encodes a partner's records into a .clk file for record linkage.
func cmdLinkEncode(_ context.Context, e env, args []string) error {
	fs := newFlags(e, "link encode", "[--schema S.json] --secret-file K --in people.csv --out people.clk [--quiet]")
	schemaFile := fs.String("schema", "", "linkage schema (JSON); default: the built-in people schema")
	secretFile := fs.String("secret-file", "", "file holding the alliance's shared secret (at least 32 bytes)")
	in := fs.String("in", "", "input CSV with a header row")
	out := fs.String("out", "", "output .clk file")
	quiet := fs.Bool("quiet", false, "no progress on standard error")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *secretFile == "" || *in == "" || *out == "" || fs.NArg() > 0 {
		return errUsage{"--secret-file, --in and --out are required, and nothing else; run 'alliance link encode -h'"}
	}
	schema, err := loadSchema(*schemaFile)
	if err != nil {
		return err
	}
	secret, err := loadSecret(*secretFile)
	if err != nil {
		return err
	}
	enc, err := linkage.NewEncoder(schema, secret)
	if err != nil {
		return errUsage{err.Error()}
	}
	rows, err := readInput(*in, schema)
	if err != nil {
		return err
	}
	p := newMeter(e.stderr, *quiet, "link encode", "records", int64(len(rows)))
	filters := enc.EncodeAll(rows, func(done int) { p.update(int64(done)) })
	p.finish()
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r[0]
	}
	return writeFile(*out, func(w io.Writer) error { return linkage.WriteCLK(w, enc, ids, filters) })
}

func loadSchema(name string) (*linkage.Schema, error) {
	if name == "" {
		return linkage.DefaultSchema(), nil
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, errUsage{fmt.Sprintf("cannot read schema: %v", err)}
	}
	s, err := linkage.ParseSchema(name, data)
	if err != nil {
		return nil, errUsage{err.Error()}
	}
	return s, nil
}

func loadSecret(name string) ([]byte, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, errUsage{fmt.Sprintf("cannot read the secret file: %v", err)}
	}
	s, err := linkage.ParseSecret(data)
	if err != nil {
		return nil, errUsage{name + ": " + err.Error()}
	}
	return s, nil
}

func readInput(name string, s *linkage.Schema) ([][]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, errUsage{fmt.Sprintf("cannot read input: %v", err)}
	}
	defer f.Close()
	rows, err := linkage.ReadCSV(f, name, s)
	if err != nil {
		return nil, errUsage{err.Error()}
	}
	return rows, nil
}

// writeFile writes through a temporary file renamed into place, so that a failed
// run never leaves a half-written output.
func writeFile(name string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return fmt.Errorf("create %s: %w", name, err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return os.Rename(tmp.Name(), name)
}

// cmdLinkMatch matches partners' .clk files and writes the clusters.
func cmdLinkMatch(_ context.Context, e env, args []string) error {
	fs := newFlags(e, "link match", "[--threshold T] [--dedup] --out clusters.csv [--quiet] A.clk B.clk [C.clk ...]")
	threshold := fs.Float64("threshold", 0, "Dice coefficient a pair must reach (default: the schema's, "+strconv.FormatFloat(linkage.DefaultThreshold, 'g', -1, 64)+" for the people schema)")
	dedup := fs.Bool("dedup", false, "also pair records of one partner (duplicate detection)")
	blocking := fs.String("blocking", linkage.BlockingAuto, "auto, exact or lsh")
	out := fs.String("out", "", "output CSV: source,id,cluster")
	quiet := fs.Bool("quiet", false, "no progress on standard error")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case *out == "":
		return errUsage{"--out is required; run 'alliance link match -h'"}
	case fs.NArg() < 2 && !(*dedup && fs.NArg() == 1):
		return errUsage{"give at least two .clk files, one per partner (or one with --dedup)"}
	}
	parties, err := readParties(fs.Args())
	if err != nil {
		return err
	}
	th := *threshold
	if th == 0 {
		th = parties[0].Header.Schema.Threshold
	}
	if th == 0 {
		th = linkage.DefaultThreshold
	}
	p := newMeter(e.stderr, *quiet, "link match", "steps", 0)
	pairs, err := linkage.Match(parties, linkage.Options{Threshold: th, Dedup: *dedup, Blocking: *blocking,
		Progress: func(done, total int64) { p.total = total; p.update(done) }})
	if err != nil {
		return errUsage{err.Error()}
	}
	p.finish()
	clusters := linkage.Cluster(pairs, *dedup)
	if !*quiet {
		fmt.Fprintf(e.stderr, "alliance link match: %d pairs at threshold %g, %d clusters (kernel %s)\n", len(pairs), th, len(clusters), linkage.Kernel())
	}
	return writeFile(*out, func(w io.Writer) error { return writeClusters(w, parties, clusters) })
}

// readParties reads the .clk files, names each partner after its file, and checks
// that they were made with one schema and one secret.
func readParties(files []string) ([]*linkage.Party, error) {
	var parties []*linkage.Party
	seen := map[string]string{}
	for _, name := range files {
		p, err := readParty(name)
		if err != nil {
			return nil, err
		}
		p.Name = strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
		if other, dup := seen[p.Name]; dup {
			return nil, errUsage{fmt.Sprintf("%s and %s give one partner name %q; rename one file", other, name, p.Name)}
		}
		seen[p.Name] = name
		parties = append(parties, p)
	}
	if err := linkage.Compatible(parties); err != nil {
		return nil, errUsage{err.Error()}
	}
	return parties, nil
}

func readParty(name string) (*linkage.Party, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, errUsage{fmt.Sprintf("cannot read %v", errors.Unwrap(err))}
	}
	defer f.Close()
	p, err := linkage.ReadCLK(f, name)
	if err != nil {
		return nil, errUsage{err.Error()}
	}
	return p, nil
}

func writeClusters(w io.Writer, parties []*linkage.Party, clusters [][]linkage.Ref) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"source", "id", "cluster"})
	for ci, c := range clusters {
		for _, r := range c {
			p := parties[r.Party]
			cw.Write([]string{p.Name, p.IDs[r.Index], strconv.Itoa(ci + 1)})
		}
	}
	cw.Flush()
	return cw.Error()
}
