package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"alliance/internal/screening"
)

// screenSampleList is the --list value that names the embedded synthetic sample list.
const screenSampleList = "builtin:sample"

// screenListFlags collects repeated --list flags.
type screenListFlags []string

func (l *screenListFlags) String() string { return strings.Join(*l, ",") }

func (l *screenListFlags) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// cmdScreen screens the names of a CSV file against watch lists and writes the
// hits as CSV.
func cmdScreen(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "screen", "--list FILE [--list FILE ...] --in names.csv [--threshold T] [--out hits.csv] [--quiet]")
	var lists screenListFlags
	fs.Var(&lists, "list", "watch list: alliance CSV (id,name,aliases,country,type), OpenSanctions FtM JSON lines or targets.simple.csv; repeatable; "+screenSampleList+" is the synthetic demo list")
	in := fs.String("in", "", "names to screen: CSV with the header id,name or id,name,country; - for standard input")
	threshold := fs.Float64("threshold", screening.DefaultThreshold, "report listed entities scoring at least this, in (0, 1]")
	out := fs.String("out", "", "write the hits to this CSV file instead of standard output")
	quiet := fs.Bool("quiet", false, "no progress or summary on standard error")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return errUsage{fmt.Sprintf("unexpected arguments %q", fs.Args())}
	case len(lists) == 0:
		return errUsage{"--list is required (a watch list file, or " + screenSampleList + ")"}
	case *in == "":
		return errUsage{"--in is required (a CSV file with the header id,name[,country], or - for standard input)"}
	case !(*threshold > 0 && *threshold <= 1):
		return errUsage{fmt.Sprintf("--threshold %v: want a number greater than 0 and at most 1", *threshold)}
	}
	snaps, err := loadScreenLists(lists, time.Now())
	if err != nil {
		return err
	}
	queries, err := readScreenNames(e, *in)
	if err != nil {
		return err
	}
	return screenAndWrite(ctx, e, snaps, queries, *threshold, *out, *quiet)
}

// loadScreenLists reads every list; a list that fails to load stops the run, since
// screening against fewer lists than asked would look like a clean result.
func loadScreenLists(paths []string, now time.Time) ([]*screening.Snapshot, error) {
	var out []*screening.Snapshot
	for _, p := range paths {
		if p == screenSampleList {
			out = append(out, screening.SampleList(now))
			continue
		}
		f, err := os.Open(p)
		if err != nil {
			return nil, errUsage{fmt.Sprintf("cannot read list %q: %v", p, errors.Unwrap(err))}
		}
		s, err := screening.ReadSnapshot(p, f, "", now)
		f.Close()
		if err != nil {
			return nil, screenInputError(err)
		}
		out = append(out, s)
	}
	return out, nil
}

// screenInputError turns problems of a file into a usage error (exit code 2).
func screenInputError(err error) error {
	var le *screening.LoadError
	if errors.As(err, &le) {
		return errUsage{err.Error()}
	}
	return err
}

func readScreenNames(e env, path string) ([]screening.Query, error) {
	if path == "-" {
		qs, err := screening.ReadQueries("standard input", e.stdin)
		return qs, screenInputError(err)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, errUsage{fmt.Sprintf("cannot read input file %q: %v", path, errors.Unwrap(err))}
	}
	defer f.Close()
	qs, err := screening.ReadQueries(path, f)
	return qs, screenInputError(err)
}

func screenAndWrite(ctx context.Context, e env, snaps []*screening.Snapshot, qs []screening.Query, threshold float64, out string, quiet bool) error {
	start := time.Now()
	s := screening.NewScreener(snaps...)
	if !quiet {
		for _, v := range s.Versions() {
			fmt.Fprintf(e.stderr, "list %s: %d entities, %s, loaded %s, sha256 %s\n", v.Source, v.Entities, v.Format, v.LoadedAt.Format(time.RFC3339), v.SHA256)
		}
	}
	m := newMeter(e.stderr, quiet, "screen", "names", int64(len(qs)))
	res, err := s.ScreenAll(ctx, qs, threshold, 0, func(done int) { m.update(int64(done)) })
	m.finish()
	if err != nil {
		return err
	}
	hits, err := writeScreenHits(e, out, res)
	if err != nil {
		return err
	}
	if !quiet {
		fmt.Fprintf(e.stderr, "screened %d names against %d listed entities in %s: %d hits at or above %.2f\n",
			len(qs), s.Entities(), time.Since(start).Round(time.Millisecond), hits, threshold)
	}
	return nil
}

// writeScreenHits writes the hits to path, or to standard output when path is empty.
// A file is written under a temporary name and renamed when complete, so a failed
// run never leaves half a result that looks whole.
func writeScreenHits(e env, path string, res []screening.Result) (int, error) {
	if path == "" {
		return screening.WriteHits(e.stdout, res)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return 0, errUsage{fmt.Sprintf("cannot write --out %q: %v", path, err)}
	}
	defer os.Remove(tmp.Name())
	n, err := screening.WriteHits(tmp, res)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	return n, nil
}
