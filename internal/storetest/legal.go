package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"alliance"

	"github.com/google/go-cmp/cmp"
)

// Plaintexts the legal tests store, distinctive enough to find in a raw row.
const (
	secretPermitRef       = "RP-2025-0042719"
	secretResidenceNotes  = "waits at the immigration office in Iasi with her daughter"
	secretCourtRef        = "Dosar 1234/P/2025"
	secretProceedingNotes = "she will testify against the foreman on 12 May"
)

// legalSecrets are the plaintexts, and distinctive parts of them, that no raw
// row may hold.
var legalSecrets = []string{secretPermitRef, "0042719", secretResidenceNotes, "immigration office",
	secretCourtRef, "1234/P", secretProceedingNotes, "testify"}

// residence returns a new residence step on case caseID recorded by user at
// base, changed by each mod; it is not stored.
func residence(caseID, user int64, mods ...func(*alliance.Residence)) *alliance.Residence {
	x := &alliance.Residence{CaseID: caseID, Status: "granted", PermitType: "victim_cooperation",
		Reference: secretPermitRef, ValidFrom: "2025-02-01", ValidUntil: "2026-01-31", Notes: secretResidenceNotes,
		By: user, At: base}
	for _, mod := range mods {
		mod(x)
	}
	return x
}

// proceeding returns a new proceeding on case caseID recorded by user at
// base, changed by each mod; it is not stored.
func proceeding(caseID, user int64, mods ...func(*alliance.Proceeding)) *alliance.Proceeding {
	p := &alliance.Proceeding{CaseID: caseID, Kind: "criminal", Role: "injured_party", Authority: "Tribunalul Iași",
		Reference: secretCourtRef, Status: "open", Outcome: "", OpenedOn: "2025-01-15", Notes: secretProceedingNotes,
		By: user, At: base}
	for _, mod := range mods {
		mod(p)
	}
	return p
}

// addLegal stores each residence step and proceeding in one transaction.
func (e *env) addLegal(xs []*alliance.Residence, ps ...*alliance.Proceeding) {
	e.t.Helper()
	e.update(func(tx alliance.Tx) error {
		var errs []error
		for _, x := range xs {
			errs = append(errs, tx.AddResidence(e.ctx, x))
		}
		for _, p := range ps {
			errs = append(errs, tx.AddProceeding(e.ctx, p))
		}
		return errors.Join(errs...)
	})
}

// checkLegal reads the residence steps and proceedings of case caseID back
// through r, and each proceeding by its id. It only reports errors, never
// stops the test, so that it may run inside a transaction (whose function
// the SQLite store runs on its writer goroutine).
func checkLegal(t *testing.T, e *env, r alliance.Reader, caseID int64, xs []*alliance.Residence, ps []*alliance.Proceeding) {
	t.Helper()
	wantXs, wantPs := []alliance.Residence{}, []alliance.Proceeding{}
	for _, x := range xs {
		wantXs = append(wantXs, *x)
	}
	for _, p := range ps {
		wantPs = append(wantPs, *p)
	}
	gotXs, err := r.Residences(e.ctx, caseID)
	if diff := cmp.Diff(wantXs, gotXs); err != nil || diff != "" || gotXs == nil {
		t.Errorf("Residences(%d): error %v, mismatch (-want +got):\n%s", caseID, err, diff)
	}
	gotPs, err := r.Proceedings(e.ctx, caseID)
	if diff := cmp.Diff(wantPs, gotPs); err != nil || diff != "" || gotPs == nil {
		t.Errorf("Proceedings(%d): error %v, mismatch (-want +got):\n%s", caseID, err, diff)
	}
	for _, p := range ps {
		got, err := r.Proceeding(e.ctx, p.ID)
		if diff := cmp.Diff(p, got); err != nil || diff != "" {
			t.Errorf("Proceeding(%d): error %v, mismatch (-want +got):\n%s", p.ID, err, diff)
		}
	}
}

// testLegal checks the round trip of residence steps and proceedings and
// their order, oldest recorded first, then as recorded; inside a transaction
// too.
func testLegal(t *testing.T, e *env) {
	a := e.org("Org A")
	u, v := e.user(a.ID, "a@example.org"), e.user(a.ID, "v@example.org")
	k, other := newCase(a.ID, u.ID, "P-1"), newCase(a.ID, u.ID, "P-2")
	e.createCases(k, other)
	kyiv := time.FixedZone("Kyiv", 3*3600)
	x1 := residence(k.ID, u.ID, func(x *alliance.Residence) {
		x.Status, x.PermitType, x.ValidUntil, x.At = "applied", "", "", base.Add(time.Hour)
	})
	x2 := residence(k.ID, v.ID, func(x *alliance.Residence) { x.Notes = "у неї дозвіл\nдо 2026 року" })
	x3 := residence(k.ID, u.ID, func(x *alliance.Residence) { // nothing but a status, same time as x1
		x.Status, x.PermitType, x.Reference, x.ValidFrom, x.ValidUntil, x.Notes = "none", "", "", "", "", ""
		x.At = base.Add(time.Hour)
	})
	x4 := residence(other.ID, u.ID, func(x *alliance.Residence) {
		x.ValidFrom, x.At = "2024-02-29", time.Date(2025, 3, 1, 15, 0, 0, 123456789, kyiv)
	})
	p1 := proceeding(k.ID, u.ID, func(p *alliance.Proceeding) { p.At = base.Add(time.Hour) })
	p2 := proceeding(k.ID, v.ID, func(p *alliance.Proceeding) {
		p.Kind, p.Role, p.Authority, p.Status, p.Outcome = "labour", "claimant", "Judecătoria Iași", "closed", "wages awarded"
		p.OpenedOn, p.ClosedOn, p.Reference, p.Notes = "2024-06-01", "2025-02-28", "", ""
	})
	p3 := proceeding(k.ID, u.ID, func(p *alliance.Proceeding) {
		p.Kind, p.Role, p.Status, p.OpenedOn, p.At = "administrative", "witness", "planned", "", base.Add(time.Hour)
	})
	p4 := proceeding(other.ID, u.ID, func(p *alliance.Proceeding) {
		p.At = time.Date(2025, 3, 1, 15, 0, 0, 123456789, kyiv)
	})
	e.addLegal([]*alliance.Residence{x1, x2, x3, x4}, p1, p2, p3, p4)
	if x1.ID == 0 || x1.ID == x2.ID || x2.ID == x3.ID || p1.ID == 0 || p1.ID == p2.ID || p2.ID == p3.ID {
		t.Errorf("ids = %d, %d, %d and %d, %d, %d; want distinct ids", x1.ID, x2.ID, x3.ID, p1.ID, p2.ID, p3.ID)
	}
	for _, p := range []*alliance.Proceeding{p1, p2, p3, p4} {
		if p.Revision != 1 {
			t.Errorf("Revision of new proceeding %d = %d, want 1", p.ID, p.Revision)
		}
	}
	want := time.Date(2025, 3, 1, 12, 0, 0, 123456000, time.UTC)
	if !x4.At.Equal(want) || x4.At.Location() != time.UTC || !p4.At.Equal(want) || p4.At.Location() != time.UTC {
		t.Errorf("At of a new residence step and proceeding = %v, %v; want %v, truncated, in UTC", x4.At, p4.At, want)
	}
	checkLegal(t, e, e.store, k.ID, []*alliance.Residence{x2, x1, x3}, []*alliance.Proceeding{p2, p1, p3})
	checkLegal(t, e, e.store, other.ID, []*alliance.Residence{x4}, []*alliance.Proceeding{p4})

	// Inside a transaction, and at now when no time is given.
	before := time.Now().Add(-time.Second)
	x5 := residence(other.ID, v.ID, func(x *alliance.Residence) { x.At, x.Status = time.Time{}, "expired" })
	p5 := proceeding(other.ID, v.ID, func(p *alliance.Proceeding) { p.At, p.Kind = time.Time{}, "civil" })
	e.update(func(tx alliance.Tx) error {
		if err := errors.Join(tx.AddResidence(e.ctx, x5), tx.AddProceeding(e.ctx, p5)); err != nil {
			return err
		}
		checkLegal(t, e, tx, other.ID, []*alliance.Residence{x4, x5}, []*alliance.Proceeding{p4, p5})
		return nil
	})
	if x5.At.Before(before) || p5.At.Before(before) {
		t.Errorf("times of a residence step and a proceeding given none = %v, %v; want now", x5.At, p5.At)
	}
	checkLegal(t, e, e.store, other.ID, []*alliance.Residence{x4, x5}, []*alliance.Proceeding{p4, p5})

	// A case with none lists none, as empty lists; a missing proceeding is
	// not found.
	bare := newCase(a.ID, u.ID, "P-3")
	e.createCases(bare)
	checkLegal(t, e, e.store, bare.ID, nil, nil)
	_, err := e.store.Proceeding(e.ctx, p5.ID+1000)
	checkNotFound(t, "Proceeding", err)
}

// testLegalInvalid checks that residence steps and proceedings that refer to
// what does not exist, or hold values out of their lists, are refused with
// CodeInvalid and the field at fault, store nothing, and repeat no sealed
// value.
func testLegalInvalid(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "a@example.org")
	k := newCase(a.ID, u.ID, "P-1")
	e.createCases(k)
	const none = 1000
	add := func(mod func(*alliance.Residence)) func(tx alliance.Tx) error {
		return func(tx alliance.Tx) error { return tx.AddResidence(e.ctx, residence(k.ID, u.ID, mod)) }
	}
	addP := func(mod func(*alliance.Proceeding)) func(tx alliance.Tx) error {
		return func(tx alliance.Tx) error { return tx.AddProceeding(e.ctx, proceeding(k.ID, u.ID, mod)) }
	}
	tests := []struct {
		name  string
		fn    func(tx alliance.Tx) error
		field string
	}{
		{"residence on an unknown case", add(func(x *alliance.Residence) { x.CaseID += none }), "case"},
		{"residence by an unknown user", add(func(x *alliance.Residence) { x.By += none }), "user"},
		{"residence of an unknown status", add(func(x *alliance.Residence) { x.Status = "pending" }), "status"},
		{"residence of no status", add(func(x *alliance.Residence) { x.Status = "" }), "status"},
		{"residence of an unknown permit", add(func(x *alliance.Residence) { x.PermitType = "work" }), "permit_type"},
		{"residence from a day that does not exist", add(func(x *alliance.Residence) { x.ValidFrom = "2025-02-30" }), "valid_from"},
		{"residence until a date written otherwise", add(func(x *alliance.Residence) { x.ValidUntil = "31/01/2026" }), "valid_until"},
		{"proceeding on an unknown case", addP(func(p *alliance.Proceeding) { p.CaseID += none }), "case"},
		{"proceeding by an unknown user", addP(func(p *alliance.Proceeding) { p.By += none }), "user"},
		{"proceeding of an unknown kind", addP(func(p *alliance.Proceeding) { p.Kind = "military" }), "kind"},
		{"proceeding of an unknown role", addP(func(p *alliance.Proceeding) { p.Role = "judge" }), "role"},
		{"proceeding of an unknown status", addP(func(p *alliance.Proceeding) { p.Status = "suspended" }), "status"},
		{"proceeding opened on a day that does not exist", addP(func(p *alliance.Proceeding) { p.OpenedOn = "2025-13-01" }), "opened_on"},
		{"proceeding closed on a date written otherwise", addP(func(p *alliance.Proceeding) { p.ClosedOn = "2025" }), "closed_on"},
	}
	for _, tc := range tests {
		err := e.store.Update(e.ctx, tc.fn)
		wantCode(t, tc.name, err, alliance.CodeInvalid, tc.field)
		for _, s := range legalSecrets {
			if err != nil && strings.Contains(err.Error(), s) {
				t.Errorf("%s: error %q repeats the sealed value %q", tc.name, err, s)
			}
		}
	}
	for _, table := range []string{"residence", "proceedings"} {
		if n := count(t, e.raw(), `SELECT count(*) FROM `+table); n != 0 {
			t.Errorf("%s rows = %d after refused writes, want 0", table, n)
		}
	}
}

// testLegalEncryptedAtRest reads the stored rows of a residence step and a
// proceeding, and checks that no column holds a plaintext, that the facts are
// kept in clear and that the sealed columns open, each only under its own
// column name.
func testLegalEncryptedAtRest(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "a@example.org")
	k := newCase(a.ID, u.ID, "P-1")
	e.createCases(k)
	x, p := residence(k.ID, u.ID), proceeding(k.ID, u.ID)
	e.addLegal([]*alliance.Residence{x}, p)
	rows := map[string]map[string][]byte{
		"residence":   rawRow(t, e, `SELECT * FROM residence WHERE id = $1`, x.ID),
		"proceedings": rawRow(t, e, `SELECT * FROM proceedings WHERE id = $1`, p.ID),
	}
	for table, row := range rows {
		for col, v := range row {
			for _, s := range legalSecrets {
				if bytes.Contains(bytes.ToLower(v), bytes.ToLower([]byte(s))) {
					t.Errorf("%s.%s holds the plaintext %q", table, col, s)
				}
			}
		}
	}
	for _, c := range []struct{ table, col, want string }{
		{"residence", "status", "granted"}, {"residence", "permit_type", "victim_cooperation"},
		{"proceedings", "kind", "criminal"}, {"proceedings", "role", "injured_party"},
		{"proceedings", "authority", "Tribunalul Iași"}, {"proceedings", "status", "open"},
	} {
		if got := string(rows[c.table][c.col]); got != c.want {
			t.Errorf("%s.%s = %q, want %q in clear", c.table, c.col, got, c.want)
		}
	}
	sealed := []struct {
		table, column, name, other, want string
		id                               int64
	}{
		{"residence", "reference", alliance.ColResidenceReference, alliance.ColProceedingReference, secretPermitRef, x.ID},
		{"residence", "notes", alliance.ColResidenceNotes, alliance.ColResidenceReference, secretResidenceNotes, x.ID},
		{"proceedings", "reference", alliance.ColProceedingReference, alliance.ColResidenceReference, secretCourtRef, p.ID},
		{"proceedings", "notes", alliance.ColProceedingNotes, alliance.ColProceedingReference, secretProceedingNotes, p.ID},
	}
	for _, s := range sealed {
		var ct []byte
		if err := e.raw().QueryRow(`SELECT `+s.column+` FROM `+s.table+` WHERE id = $1`, s.id).Scan(&ct); err != nil {
			t.Fatalf("read %s.%s: %v", s.table, s.column, err)
		}
		if !e.keys.Current(ct) {
			t.Errorf("%s.%s of %d = %x; want a value sealed under the active key", s.table, s.column, s.id, ct)
		}
		if pt, err := e.keys.Open(s.name, ct); err != nil || string(pt) != s.want {
			t.Errorf("%s.%s opens under %s to %q, %v; want %q", s.table, s.column, s.name, pt, err, s.want)
		}
		if _, err := e.keys.Open(s.other, ct); err == nil {
			t.Errorf("%s.%s opens under the column name %s too; want it bound to %s", s.table, s.column, s.other, s.name)
		}
	}
}

// testProceedingUpdate checks that an update writes every field but the
// case under the revision rule: a stale revision, an invalid value or an
// unknown user changes nothing, and a missing proceeding is not found.
func testProceedingUpdate(t *testing.T, e *env) {
	a := e.org("Org A")
	u, v := e.user(a.ID, "a@example.org"), e.user(a.ID, "v@example.org")
	k := newCase(a.ID, u.ID, "P-1")
	e.createCases(k)
	p, untouched := proceeding(k.ID, u.ID), proceeding(k.ID, u.ID, func(p *alliance.Proceeding) { p.Kind = "civil" })
	e.addLegal(nil, p, untouched)

	stale := *p
	changed := *p
	changed.Kind, changed.Role, changed.Authority, changed.Reference = "labour", "claimant", "Curtea de Apel Iași", "Dosar 77/2025"
	changed.Status, changed.Outcome, changed.ClosedOn, changed.Notes = "closed", "conviction", "2025-03-01", ""
	changed.By, changed.At = v.ID, base.Add(2*time.Hour)
	e.update(func(tx alliance.Tx) error {
		got, err := tx.Proceeding(e.ctx, p.ID) // locks the row on PostgreSQL
		if diff := cmp.Diff(p, got); err != nil || diff != "" {
			t.Errorf("tx.Proceeding(%d): error %v, mismatch (-want +got):\n%s", p.ID, err, diff)
		}
		return tx.UpdateProceeding(e.ctx, &changed)
	})
	if changed.Revision != 2 {
		t.Errorf("Revision after an update = %d, want 2", changed.Revision)
	}
	// The list is least recently recorded first: the update moved it last.
	checkLegal(t, e, e.store, k.ID, nil, []*alliance.Proceeding{untouched, &changed})

	// The case is not the proceeding's to change.
	moved := changed
	moved.CaseID = k.ID + 1000
	e.update(func(tx alliance.Tx) error { return tx.UpdateProceeding(e.ctx, &moved) })
	moved.CaseID = k.ID
	changed = moved
	checkLegal(t, e, e.store, k.ID, nil, []*alliance.Proceeding{untouched, &changed})

	// A stale revision is refused, and changes nothing.
	stale.Notes = "stale"
	err := e.store.Update(e.ctx, func(tx alliance.Tx) error { return tx.UpdateProceeding(e.ctx, &stale) })
	wantCode(t, "an update from a stale revision", err, alliance.CodeConflict, "")
	if err == nil || !strings.Contains(err.Error(), "the proceeding was changed by someone else; reload it") {
		t.Errorf("stale update: error %v, want the proceeding's conflict message", err)
	}
	if stale.Revision != 1 {
		t.Errorf("Revision after a refused update = %d, want 1 as it was", stale.Revision)
	}
	// Invalid updates change nothing either.
	for _, tc := range []struct {
		field string
		mod   func(*alliance.Proceeding)
	}{
		{"kind", func(p *alliance.Proceeding) { p.Kind = "military" }},
		{"role", func(p *alliance.Proceeding) { p.Role = "judge" }},
		{"status", func(p *alliance.Proceeding) { p.Status = "suspended" }},
		{"closed_on", func(p *alliance.Proceeding) { p.ClosedOn = "2025-02-30" }},
		{"user", func(p *alliance.Proceeding) { p.By = v.ID + 1000 }},
	} {
		bad := changed
		tc.mod(&bad)
		err := e.store.Update(e.ctx, func(tx alliance.Tx) error { return tx.UpdateProceeding(e.ctx, &bad) })
		wantCode(t, "an update to a bad "+tc.field, err, alliance.CodeInvalid, tc.field)
	}
	checkLegal(t, e, e.store, k.ID, nil, []*alliance.Proceeding{untouched, &changed})

	// Twice in one transaction.
	e.update(func(tx alliance.Tx) error {
		changed.ClosedOn, changed.Status = "", "open"
		if err := tx.UpdateProceeding(e.ctx, &changed); err != nil {
			return err
		}
		changed.Notes = secretProceedingNotes
		return tx.UpdateProceeding(e.ctx, &changed)
	})
	if changed.Revision != 5 {
		t.Errorf("Revision after four updates = %d, want 5", changed.Revision)
	}
	checkLegal(t, e, e.store, k.ID, nil, []*alliance.Proceeding{untouched, &changed})

	missing := changed
	missing.ID += 1000
	err = e.store.Update(e.ctx, func(tx alliance.Tx) error { return tx.UpdateProceeding(e.ctx, &missing) })
	checkNotFound(t, "UpdateProceeding", err)
}

// legalColumns are the sealed columns of residence steps and proceedings.
var legalColumns = []struct{ table, column, name string }{
	{"residence", "reference", alliance.ColResidenceReference},
	{"residence", "notes", alliance.ColResidenceNotes},
	{"proceedings", "reference", alliance.ColProceedingReference},
	{"proceedings", "notes", alliance.ColProceedingNotes},
}

// rawLegalTexts returns the stored values of the sealed columns of the
// residence steps and proceedings of case caseID, keyed "table.column id".
func rawLegalTexts(t *testing.T, e *env, caseID int64) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, c := range legalColumns {
		rows, err := e.raw().QueryContext(e.ctx, `SELECT id, `+c.column+` FROM `+c.table+` WHERE case_id = $1`, caseID)
		if err != nil {
			t.Fatalf("read %s.%s: %v", c.table, c.column, err)
		}
		for rows.Next() {
			var id int64
			var ct []byte
			if err := rows.Scan(&id, &ct); err != nil {
				t.Fatal(err)
			}
			out[fmt.Sprintf("%s.%s %d", c.table, c.column, id)] = ct
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// checkLegalSealed checks that every sealed column of the residence steps
// and proceedings of case caseID is sealed under the active key and, when
// blank is set, opens to an empty text; it returns how many values it saw.
func checkLegalSealed(t *testing.T, e *env, caseID int64, blank bool) int {
	t.Helper()
	stored := rawLegalTexts(t, e, caseID)
	for key, ct := range stored {
		name := ""
		for _, c := range legalColumns {
			if strings.HasPrefix(key, c.table+"."+c.column+" ") {
				name = c.name
			}
		}
		pt, err := e.keys.Open(name, ct)
		if err != nil || !e.keys.Current(ct) || (blank && len(pt) != 0) {
			t.Errorf("%s = %x, opens under %s to %q, %v; want a value sealed under the active key (empty: %t)",
				key, ct, name, pt, err, blank)
		}
	}
	return len(stored)
}

// testEraseLegalTexts checks that EraseCaseText blanks the references and
// notes of the residence steps and proceedings of one case, and only of that
// case, keeping their facts (status, kind, role, authority, days, revision),
// and that a rotation re-seals the blanks.
func testEraseLegalTexts(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "a@example.org")
	k, other := newCase(a.ID, u.ID, "P-1"), newCase(a.ID, u.ID, "P-2")
	e.createCases(k, other)
	xs := []*alliance.Residence{residence(k.ID, u.ID), residence(k.ID, u.ID, func(x *alliance.Residence) {
		x.Status, x.Reference, x.Notes, x.At = "expired", "", "", base.Add(time.Hour)
	})}
	ps := []*alliance.Proceeding{proceeding(k.ID, u.ID), proceeding(k.ID, u.ID, func(p *alliance.Proceeding) {
		p.Kind, p.Notes, p.At = "labour", "", base.Add(time.Hour)
	})}
	otherXs := []*alliance.Residence{residence(other.ID, u.ID)}
	otherPs := []*alliance.Proceeding{proceeding(other.ID, u.ID)}
	e.addLegal(append(xs, otherXs...), append(ps, otherPs...)...)
	old, otherOld := rawLegalTexts(t, e, k.ID), rawLegalTexts(t, e, other.ID)

	blankXs, blankPs := []*alliance.Residence{}, []*alliance.Proceeding{}
	for _, x := range xs {
		y := *x
		y.Reference, y.Notes = "", ""
		blankXs = append(blankXs, &y)
	}
	for _, p := range ps {
		y := *p
		y.Reference, y.Notes = "", ""
		blankPs = append(blankPs, &y)
	}
	e.update(func(tx alliance.Tx) error {
		if err := tx.EraseCaseText(e.ctx, k.ID); err != nil {
			return err
		}
		checkLegal(t, e, tx, k.ID, blankXs, blankPs)
		return nil
	})
	checkLegal(t, e, e.store, k.ID, blankXs, blankPs)
	checkLegal(t, e, e.store, other.ID, otherXs, otherPs)
	if diff := cmp.Diff(otherOld, rawLegalTexts(t, e, other.ID)); diff != "" {
		t.Errorf("the stored texts of another case changed (-before +after):\n%s", diff)
	}
	if n := checkLegalSealed(t, e, k.ID, true); n != 8 {
		t.Errorf("sealed legal values of case %d = %d, want 8", k.ID, n)
	}
	// Every stored value was sealed anew, the empty ones too.
	now := rawLegalTexts(t, e, k.ID)
	for key, was := range old {
		if bytes.Equal(now[key], was) {
			t.Errorf("%s is unchanged after EraseCaseText", key)
		}
	}
	for table, ids := range map[string][]int64{"residence": {xs[0].ID}, "proceedings": {ps[0].ID}} {
		for _, id := range ids {
			for col, v := range rawRow(t, e, `SELECT * FROM `+table+` WHERE id = $1`, id) {
				for _, s := range legalSecrets {
					if bytes.Contains(bytes.ToLower(v), bytes.ToLower([]byte(s))) {
						t.Errorf("%s.%s of %d holds %q after EraseCaseText", table, col, id, s)
					}
				}
			}
		}
	}

	// The blanks are sealed under the data key like any other value.
	e.keys.Rotate()
	if n, err := e.store.Reencrypt(e.ctx, 0); err != nil || n == 0 {
		t.Fatalf("Reencrypt = %d, %v; want values re-sealed", n, err)
	}
	checkLegalSealed(t, e, k.ID, true)
	checkLegal(t, e, e.store, k.ID, blankXs, blankPs)
	checkLegal(t, e, e.store, other.ID, otherXs, otherPs)
}

// testReencryptLegal rotates the data key and checks that Reencrypt re-seals
// the references and notes of residence steps and proceedings, the empty
// ones too.
func testReencryptLegal(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "caseworker@example.org")
	k := newCase(a.ID, u.ID, "R-1")
	e.createCases(k)
	xs := []*alliance.Residence{residence(k.ID, u.ID), residence(k.ID, u.ID, func(x *alliance.Residence) {
		x.Reference, x.Notes, x.At = "", "", base.Add(time.Hour)
	})}
	ps := []*alliance.Proceeding{proceeding(k.ID, u.ID), proceeding(k.ID, u.ID, func(p *alliance.Proceeding) {
		p.Notes, p.At = "", base.Add(time.Hour)
	})}
	e.addLegal(xs, ps...)
	old := rawLegalTexts(t, e, k.ID)

	reencrypt(t, e, 0, 0)
	e.keys.Rotate()
	reencrypt(t, e, 3, 3) // the user's email and name, and the person
	reencrypt(t, e, 0, 8) // 2 references and 2 notes of each table, the empty ones too
	reencrypt(t, e, 0, 0)
	if n := checkLegalSealed(t, e, k.ID, false); n != 8 {
		t.Errorf("sealed legal values = %d, want 8", n)
	}
	for key, ct := range rawLegalTexts(t, e, k.ID) {
		if bytes.Equal(ct, old[key]) {
			t.Errorf("%s is unchanged after Reencrypt", key)
		}
	}
	checkLegal(t, e, e.store, k.ID, xs, ps)
}
