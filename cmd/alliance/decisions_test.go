package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"alliance"
	"alliance/internal/storetest"

	"github.com/google/go-cmp/cmp"
)

// TestKeyRotateKeepsNameKeys rotates the data key with the command line over
// a case with decisions and name tokens: the notes and reasons are re-sealed,
// and the blind indexes of the name tokens, which cannot be, still match, for
// the vault keys them from the master key alone.
func TestKeyRotateKeepsNameKeys(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testKeyRotateKeepsNameKeys(t, newCLI(t)) })
	t.Run("postgres", func(t *testing.T) {
		c := newCLI(t)
		c.env["ALLIANCE_DB"] = storetest.PostgresSchema(t)
		c.env["ALLIANCE_KEY_FILE"] = filepath.Join(c.dir, "pg.key")
		testKeyRotateKeepsNameKeys(t, c)
	})
}

func testKeyRotateKeepsNameKeys(t *testing.T, c *cli) {
	c.must("", "org", "add", "--name", "A", "--type", "ngo", "--country", "FR")
	c.must("a long enough password\n", "user", "add", "--org", "1", "--email", "u@example.org", "--role", "caseworker")
	tokens := []string{"OLENA", "SHEVCHENKO"}
	k := &alliance.Case{OrgID: 1, Reference: "R-1", Stage: alliance.StageAssistance,
		Person: alliance.Person{GivenName: "Olena", FamilyName: "Shevchenko"}, CreatedBy: 1}
	d := &alliance.GroundsDecision{Kind: alliance.DecisionReasonableGrounds, Outcome: alliance.OutcomePositive,
		DecidedBy: 1, DecidedOn: "2025-03-10", Notes: "heard twice, with an interpreter", RecordedBy: 1}
	x := &alliance.Extension{Days: 30, Reason: "still in hospital", By: 1}
	var keys [][]byte
	var notes []byte
	withStore(t, c, func(ctx context.Context, st alliance.Store) {
		err := st.Update(ctx, func(tx alliance.Tx) error {
			if err := tx.CreateCase(ctx, k); err != nil {
				return err
			}
			d.CaseID, x.CaseID = k.ID, k.ID
			return errors.Join(tx.AddDecision(ctx, d), tx.AddExtension(ctx, x), tx.SetNameTokens(ctx, k.ID, tokens))
		})
		if err != nil {
			t.Fatal(err)
		}
		keys, notes = nameKeys(t, st, k.ID), sealedNotes(t, st, d.ID)
	})

	out := c.must("", "key", "rotate", "--settle", "0s")
	if !strings.Contains(out, "5 values re-encrypted") { // the user's email and name, the person, the notes and the reason
		t.Errorf("key rotate printed %q", out)
	}

	withStore(t, c, func(ctx context.Context, st alliance.Store) {
		if bytes.Equal(notes, sealedNotes(t, st, d.ID)) {
			t.Error("the notes of the decision were not re-sealed by key rotate")
		}
		if diff := cmp.Diff(keys, nameKeys(t, st, k.ID)); diff != "" {
			t.Errorf("case_name_keys changed in key rotate (-before +after):\n%s", diff)
		}
		for _, tok := range tokens {
			if ids, err := st.CasesWithNameTokens(ctx, 1, []string{tok}, 0); err != nil || !slices.Equal(ids, []int64{k.ID}) {
				t.Errorf("CasesWithNameTokens(%q) after key rotate = %v, %v; want [%d]", tok, ids, err, k.ID)
			}
		}
		// Set again under the new data key, the tokens have the same indexes.
		if err := st.Update(ctx, func(tx alliance.Tx) error { return tx.SetNameTokens(ctx, k.ID, tokens) }); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(keys, nameKeys(t, st, k.ID)); diff != "" {
			t.Errorf("case_name_keys set under the new data key differ (-before +after):\n%s", diff)
		}
		ds, err := st.Decisions(ctx, k.ID)
		if err != nil || len(ds) != 1 || ds[0].Notes != d.Notes {
			t.Errorf("Decisions after key rotate = %+v, %v; want the notes %q", ds, err, d.Notes)
		}
		xs, err := st.Extensions(ctx, k.ID)
		if err != nil || len(xs) != 1 || xs[0].Reason != x.Reason {
			t.Errorf("Extensions after key rotate = %+v, %v; want the reason %q", xs, err, x.Reason)
		}
	})
}

// withStore opens the database of c with its key file, as the commands do,
// and calls fn.
func withStore(t *testing.T, c *cli, fn func(context.Context, alliance.Store)) {
	t.Helper()
	d := dbFlags{db: c.env["ALLIANCE_DB"], keyFile: c.env["ALLIANCE_KEY_FILE"]}
	o, err := d.open(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	fn(t.Context(), o.store)
}

// nameKeys returns the blind indexes stored for a case, sorted.
func nameKeys(t *testing.T, st alliance.Store, caseID int64) [][]byte {
	t.Helper()
	rows, err := st.(storetest.RawDBer).RawDB().QueryContext(t.Context(),
		`SELECT key FROM case_name_keys WHERE case_id = $1 ORDER BY key`, caseID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var keys [][]byte
	for rows.Next() {
		var k []byte
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil || len(keys) == 0 {
		t.Fatalf("case_name_keys of case %d: %d keys, %v", caseID, len(keys), err)
	}
	return keys
}

// sealedNotes returns the stored ciphertext of a decision's notes.
func sealedNotes(t *testing.T, st alliance.Store, id int64) []byte {
	t.Helper()
	var ct []byte
	err := st.(storetest.RawDBer).RawDB().QueryRowContext(t.Context(), `SELECT notes FROM decisions WHERE id = $1`, id).Scan(&ct)
	if err != nil {
		t.Fatal(err)
	}
	return ct
}
