package main

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParseDB feeds arbitrary --db values to the parser: it never panics, refuses
// with a usage error, and never repeats a password it was given.
func FuzzParseDB(f *testing.F) {
	for _, s := range []string{"sqlite:a.db", "sqlite:", "postgres://u:secretpw@h:5432/d", "postgres://%zz", "mysql://x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tg, err := parseDB(s)
		if err != nil {
			var ue errUsage
			if !errors.As(err, &ue) {
				t.Errorf("parseDB(%q): %v is not a usage error", s, err)
			}
			if strings.Contains(s, ":secretpw@") && strings.Contains(err.Error(), "secretpw") {
				t.Errorf("parseDB(%q) repeated the password: %v", s, err)
			}
			return
		}
		if (tg.sqlitePath == "") == (tg.postgresDSN == "") {
			t.Errorf("parseDB(%q) = %+v; want exactly one target", s, tg)
		}
	})
}
