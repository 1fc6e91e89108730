package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"alliance/internal/indicator"
)

// cmdAssess explains an assessment read as JSON from a file or standard input
// against an embedded indicator catalogue and prints the result as JSON.
func cmdAssess(_ context.Context, e env, args []string) error {
	fs := newFlags(e, "assess", "[--catalog ID] [--lang L] [FILE]")
	catalog := fs.String("catalog", "", "catalogue to assess against (default: the input's \"catalog\", else "+indicator.DefaultCatalog+")")
	lang := fs.String("lang", "en", "language of the labels in the output (falls back to English)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return errUsage{fmt.Sprintf("at most one FILE, got %q", fs.Args())}
	}
	data, err := readAssessInput(e, fs.Arg(0))
	if err != nil {
		return err
	}
	in, err := indicator.ParseInput(data)
	if err != nil {
		return errUsage{"input: " + err.Error()}
	}
	cat, err := chooseCatalog(*catalog, in.Catalog)
	if err != nil {
		return err
	}
	in.Lang = *lang
	res, err := indicator.Assess(cat, in)
	if err != nil {
		var ie *indicator.InputError
		if errors.As(err, &ie) {
			return errUsage{"input: " + err.Error()}
		}
		return err
	}
	out, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "%s\n", out)
	return err
}

func readAssessInput(e env, name string) ([]byte, error) {
	if name == "" || name == "-" {
		data, err := io.ReadAll(e.stdin)
		if err != nil {
			return nil, fmt.Errorf("read standard input: %w", err)
		}
		return data, nil
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, errUsage{fmt.Sprintf("cannot read input file %q: %v", name, errors.Unwrap(err))}
	}
	return data, nil
}

// chooseCatalog resolves the catalogue from the flag and the input, which must
// agree when both are given.
func chooseCatalog(flagID, inputID string) (*indicator.Catalog, error) {
	id := flagID
	switch {
	case id == "":
		id = inputID
	case inputID != "" && inputID != flagID:
		return nil, errUsage{fmt.Sprintf("--catalog %q and the input's catalog %q differ", flagID, inputID)}
	}
	if id == "" {
		id = indicator.DefaultCatalog
	}
	set := indicator.Builtin()
	cat, ok := set.Catalog(id)
	if !ok {
		return nil, errUsage{fmt.Sprintf("unknown catalogue %q; known: %s", id, strings.Join(set.IDs(), ", "))}
	}
	if cat.Kind != indicator.KindOperational {
		return nil, errUsage{fmt.Sprintf("catalogue %q is a view of %q, which is assessed with it; use --catalog %s", id, cat.BasedOn, cat.BasedOn)}
	}
	return cat, nil
}
