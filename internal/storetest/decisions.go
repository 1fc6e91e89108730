package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"alliance"

	"github.com/google/go-cmp/cmp"
)

// Plaintexts the decision tests store, distinctive enough to find in a raw row.
const (
	secretNotes     = "the competent authority heard her twice, with an interpreter"
	secretExtension = "still in hospital after the surgery in Brasov"
)

// Name tokens the tests store the blind indexes of; long enough that finding
// one by chance in an index of 32 random-looking bytes is out of the question.
var nameTokens = []string{"OLENA", "SHEVCHENKO", "ШЕВЧЕНКО", "PETRIVNA"}

// decision returns a new decision on case caseID, decided by org decider on
// day on and recorded by user, changed by each mod; it is not stored.
func decision(caseID int64, kind, outcome, on string, decider, user int64, mods ...func(*alliance.GroundsDecision)) *alliance.GroundsDecision {
	d := &alliance.GroundsDecision{CaseID: caseID, Kind: kind, Outcome: outcome, DecidedBy: decider, DecidedOn: on,
		RecordedBy: user, RecordedAt: base}
	for _, mod := range mods {
		mod(d)
	}
	return d
}

// addDecisions stores each decision and extension in one transaction.
func (e *env) addDecisions(ds []*alliance.GroundsDecision, xs ...*alliance.Extension) {
	e.t.Helper()
	e.update(func(tx alliance.Tx) error {
		for _, d := range ds {
			if err := tx.AddDecision(e.ctx, d); err != nil {
				return err
			}
		}
		for _, x := range xs {
			if err := tx.AddExtension(e.ctx, x); err != nil {
				return err
			}
		}
		return nil
	})
}

func checkDecisions(t *testing.T, e *env, r alliance.Reader, caseID int64, want ...*alliance.GroundsDecision) {
	t.Helper()
	got, err := r.Decisions(e.ctx, caseID)
	if err != nil {
		t.Fatalf("Decisions(%d): %v", caseID, err)
	}
	w := []alliance.GroundsDecision{}
	for _, d := range want {
		w = append(w, *d)
	}
	if diff := cmp.Diff(w, got); diff != "" || got == nil {
		t.Errorf("Decisions(%d) mismatch (-want +got):\n%s", caseID, diff)
	}
}

func checkExtensions(t *testing.T, e *env, r alliance.Reader, caseID int64, want ...*alliance.Extension) {
	t.Helper()
	got, err := r.Extensions(e.ctx, caseID)
	if err != nil {
		t.Fatalf("Extensions(%d): %v", caseID, err)
	}
	w := []alliance.Extension{}
	for _, x := range want {
		w = append(w, *x)
	}
	if diff := cmp.Diff(w, got); diff != "" || got == nil {
		t.Errorf("Extensions(%d) mismatch (-want +got):\n%s", caseID, diff)
	}
}

// testDecisions checks the round trip of decisions and extensions and their
// order: decisions by the day decided, then as recorded; extensions as made.
func testDecisions(t *testing.T, e *env) {
	a, b := e.org("Org A"), e.org("Org B")
	u, v := e.user(a.ID, "a@example.org"), e.user(a.ID, "v@example.org")
	k, other := newCase(a.ID, u.ID, "D-1"), newCase(a.ID, u.ID, "D-2")
	e.createCases(k, other)
	kyiv := time.FixedZone("Kyiv", 3*3600)
	d1 := decision(k.ID, alliance.DecisionReasonableGrounds, alliance.OutcomePositive, "2025-03-10", b.ID, u.ID,
		func(d *alliance.GroundsDecision) { d.Notes = secretNotes })
	d2 := decision(k.ID, alliance.DecisionConclusiveGrounds, alliance.OutcomeNegative, "2025-02-01", a.ID, v.ID,
		func(d *alliance.GroundsDecision) { d.RecordedAt = base.Add(time.Hour) })
	// The same day as d1, recorded after it; the time given in another zone
	// and below the microsecond.
	d3 := decision(k.ID, alliance.DecisionReasonableGrounds, alliance.OutcomeNegative, "2025-03-10", b.ID, u.ID,
		func(d *alliance.GroundsDecision) {
			d.Notes, d.RecordedAt = "قرار\nمع ملاحظات", time.Date(2025, 3, 1, 15, 0, 0, 123456789, kyiv)
		})
	d4 := decision(other.ID, alliance.DecisionReasonableGrounds, alliance.OutcomePositive, "2024-12-31", b.ID, u.ID)
	x1 := &alliance.Extension{CaseID: k.ID, Days: 30, Reason: secretExtension, By: u.ID, At: base.Add(2 * time.Hour)}
	x2 := &alliance.Extension{CaseID: k.ID, Days: 1, Reason: "short", By: v.ID, At: base.Add(time.Hour)}
	x3 := &alliance.Extension{CaseID: k.ID, Days: 365, By: u.ID, At: base.Add(2 * time.Hour)}
	x4 := &alliance.Extension{CaseID: other.ID, Days: 14, Reason: "other", By: u.ID, At: base}
	e.addDecisions([]*alliance.GroundsDecision{d1, d2, d3, d4}, x1, x2, x3, x4)
	if d1.ID == 0 || d1.ID == d2.ID || d2.ID == d3.ID || x1.ID == 0 || x1.ID == x2.ID {
		t.Errorf("ids = %d, %d, %d and %d, %d; want distinct ids", d1.ID, d2.ID, d3.ID, x1.ID, x2.ID)
	}
	want := time.Date(2025, 3, 1, 12, 0, 0, 123456000, time.UTC)
	if !d3.RecordedAt.Equal(want) || d3.RecordedAt.Location() != time.UTC {
		t.Errorf("RecordedAt of a new decision = %v; want %v, truncated, in UTC", d3.RecordedAt, want)
	}
	checkDecisions(t, e, e.store, k.ID, d2, d1, d3)
	checkDecisions(t, e, e.store, other.ID, d4)
	checkExtensions(t, e, e.store, k.ID, x2, x1, x3)
	checkExtensions(t, e, e.store, other.ID, x4)

	// Inside a transaction, and at now when no time is given.
	before := time.Now().Add(-time.Second)
	d5 := decision(other.ID, alliance.DecisionConclusiveGrounds, alliance.OutcomePositive, "2025-01-31", a.ID, v.ID,
		func(d *alliance.GroundsDecision) { d.RecordedAt = time.Time{} })
	x5 := &alliance.Extension{CaseID: other.ID, Days: 7, Reason: "now", By: v.ID}
	e.update(func(tx alliance.Tx) error {
		if err := errors.Join(tx.AddDecision(e.ctx, d5), tx.AddExtension(e.ctx, x5)); err != nil {
			return err
		}
		checkDecisions(t, e, tx, other.ID, d4, d5)
		checkExtensions(t, e, tx, other.ID, x4, x5)
		return nil
	})
	if d5.RecordedAt.Before(before) || x5.At.Before(before) {
		t.Errorf("times of a decision and an extension given none = %v, %v; want now", d5.RecordedAt, x5.At)
	}
	checkDecisions(t, e, e.store, other.ID, d4, d5)
	checkExtensions(t, e, e.store, other.ID, x4, x5)

	// A missing case has none.
	checkDecisions(t, e, e.store, other.ID+1000)
	checkExtensions(t, e, e.store, other.ID+1000)
}

// testDecisionInvalid checks the errors of bad references, kinds, outcomes,
// days and lengths, and that none repeats a sealed value or leaves a row.
func testDecisionInvalid(t *testing.T, e *env) {
	a, b := e.org("Org A"), e.org("Org B")
	u := e.user(a.ID, "a@example.org")
	k := newCase(a.ID, u.ID, "D-1")
	e.createCases(k)
	const none = 1000
	add := func(mod func(*alliance.GroundsDecision)) func(tx alliance.Tx) error {
		return func(tx alliance.Tx) error {
			return tx.AddDecision(e.ctx, decision(k.ID, alliance.DecisionReasonableGrounds, alliance.OutcomePositive,
				"2025-03-01", b.ID, u.ID, func(d *alliance.GroundsDecision) { d.Notes = secretNotes }, mod))
		}
	}
	extend := func(mod func(*alliance.Extension)) func(tx alliance.Tx) error {
		return func(tx alliance.Tx) error {
			x := &alliance.Extension{CaseID: k.ID, Days: 30, Reason: secretExtension, By: u.ID, At: base}
			mod(x)
			return tx.AddExtension(e.ctx, x)
		}
	}
	tests := []struct {
		name  string
		fn    func(tx alliance.Tx) error
		field string
	}{
		{"decision on an unknown case", add(func(d *alliance.GroundsDecision) { d.CaseID += none }), "case"},
		{"decision by an unknown organisation", add(func(d *alliance.GroundsDecision) { d.DecidedBy += none }), "decided_by"},
		{"decision recorded by an unknown user", add(func(d *alliance.GroundsDecision) { d.RecordedBy += none }), "user"},
		{"decision of an unknown kind", add(func(d *alliance.GroundsDecision) { d.Kind = "provisional" }), "kind"},
		{"decision with no kind", add(func(d *alliance.GroundsDecision) { d.Kind = "" }), "kind"},
		{"decision with an unknown outcome", add(func(d *alliance.GroundsDecision) { d.Outcome = "pending" }), "outcome"},
		{"decision on a day that does not exist", add(func(d *alliance.GroundsDecision) { d.DecidedOn = "2025-02-30" }), "decided_on"},
		{"decision on a day written otherwise", add(func(d *alliance.GroundsDecision) { d.DecidedOn = "01/03/2025" }), "decided_on"},
		{"decision on a month", add(func(d *alliance.GroundsDecision) { d.DecidedOn = "2025-03" }), "decided_on"},
		{"decision on no day", add(func(d *alliance.GroundsDecision) { d.DecidedOn = "" }), "decided_on"},
		{"extension of an unknown case", extend(func(x *alliance.Extension) { x.CaseID += none }), "case"},
		{"extension by an unknown user", extend(func(x *alliance.Extension) { x.By += none }), "user"},
		{"extension by no days", extend(func(x *alliance.Extension) { x.Days = 0 }), "days"},
		{"extension by negative days", extend(func(x *alliance.Extension) { x.Days = -30 }), "days"},
		{"extension by more than a year", extend(func(x *alliance.Extension) { x.Days = 366 }), "days"},
	}
	for _, tc := range tests {
		err := e.store.Update(e.ctx, tc.fn)
		wantCode(t, tc.name, err, alliance.CodeInvalid, tc.field)
		if err != nil {
			for _, s := range []string{secretNotes, "interpreter", secretExtension, "hospital"} {
				if strings.Contains(err.Error(), s) {
					t.Errorf("%s: error %q repeats the sealed value %q", tc.name, err, s)
				}
			}
		}
	}
	for _, table := range []string{"decisions", "reflection_extensions"} {
		if n := count(t, e.raw(), `SELECT count(*) FROM `+table); n != 0 {
			t.Errorf("%s rows = %d after refused writes, want 0", table, n)
		}
	}
	// The bounds themselves are allowed.
	x1 := &alliance.Extension{CaseID: k.ID, Days: 1, By: u.ID, At: base}
	x365 := &alliance.Extension{CaseID: k.ID, Days: 365, By: u.ID, At: base}
	e.addDecisions(nil, x1, x365)
	checkExtensions(t, e, e.store, k.ID, x1, x365)
}

// testDecisionEncryptedAtRest reads the stored rows of a decision and an
// extension, and checks that no column holds a sealed value, that the sealed
// columns open, each only under its own column name, and that empty notes are
// sealed as an empty value.
func testDecisionEncryptedAtRest(t *testing.T, e *env) {
	a, b := e.org("Org A"), e.org("Org B")
	u := e.user(a.ID, "a@example.org")
	k := newCase(a.ID, u.ID, "D-1")
	e.createCases(k)
	d := decision(k.ID, alliance.DecisionReasonableGrounds, alliance.OutcomePositive, "2025-03-10", b.ID, u.ID,
		func(d *alliance.GroundsDecision) { d.Notes = secretNotes })
	bare := decision(k.ID, alliance.DecisionConclusiveGrounds, alliance.OutcomePositive, "2025-06-10", b.ID, u.ID)
	x := &alliance.Extension{CaseID: k.ID, Days: 30, Reason: secretExtension, By: u.ID, At: base}
	e.addDecisions([]*alliance.GroundsDecision{d, bare}, x)
	secrets := []string{secretNotes, "competent authority", "interpreter", secretExtension, "hospital", "Brasov"}
	rows := map[string]map[string][]byte{
		"decisions":             rawRow(t, e, `SELECT * FROM decisions WHERE id = $1`, d.ID),
		"reflection_extensions": rawRow(t, e, `SELECT * FROM reflection_extensions WHERE id = $1`, x.ID),
	}
	for table, row := range rows {
		for col, v := range row {
			for _, s := range secrets {
				if bytes.Contains(bytes.ToLower(v), bytes.ToLower([]byte(s))) {
					t.Errorf("%s.%s holds the plaintext %q", table, col, s)
				}
			}
		}
	}
	// The kind, outcome and day are kept in clear, for the deadlines.
	for col, want := range map[string]string{"kind": alliance.DecisionReasonableGrounds, "outcome": alliance.OutcomePositive,
		"decided_on": "2025-03-10"} {
		if !strings.Contains(string(rows["decisions"][col]), want) {
			t.Errorf("decisions.%s = %q, want it in clear, holding %q", col, rows["decisions"][col], want)
		}
	}
	sealed := []struct {
		table, column, name, other, want string
		id                               int64
	}{
		{"decisions", "notes", alliance.ColDecisionNotes, alliance.ColExtensionReason, secretNotes, d.ID},
		{"decisions", "notes", alliance.ColDecisionNotes, alliance.ColTransitionReason, "", bare.ID},
		{"reflection_extensions", "reason", alliance.ColExtensionReason, alliance.ColDecisionNotes, secretExtension, x.ID},
	}
	for _, c := range sealed {
		var ct []byte
		if err := e.raw().QueryRow(`SELECT `+c.column+` FROM `+c.table+` WHERE id = $1`, c.id).Scan(&ct); err != nil {
			t.Fatalf("read %s.%s: %v", c.table, c.column, err)
		}
		if !e.keys.Current(ct) {
			t.Errorf("%s.%s of %d = %x; want a value sealed under the active key", c.table, c.column, c.id, ct)
		}
		pt, err := e.keys.Open(c.name, ct)
		if err != nil || string(pt) != c.want {
			t.Errorf("%s.%s of %d opens under %s to %q, %v; want %q", c.table, c.column, c.id, c.name, pt, err, c.want)
		}
		if _, err := e.keys.Open(c.other, ct); err == nil {
			t.Errorf("%s.%s opens under the column name %s too; want it bound to %s", c.table, c.column, c.other, c.name)
		}
	}
}

// testReflectionStarts checks which cases have a reflection period running,
// from when, extended by how much, and with a conclusive decision or not.
func testReflectionStarts(t *testing.T, e *env) {
	a, b, c := e.org("Org A"), e.org("Org B"), e.org("Org C")
	u, ub := e.user(a.ID, "a@example.org"), e.user(b.ID, "b@example.org")
	none := newCase(a.ID, u.ID, "S-none")
	negative := newCase(a.ID, u.ID, "S-negative")
	twice := newCase(a.ID, u.ID, "S-twice", func(k *alliance.Case) { k.Stage = alliance.StageAssistance })
	conclusive := newCase(a.ID, u.ID, "S-conclusive", func(k *alliance.Case) { k.Stage = alliance.StageDecision })
	closed := newCase(a.ID, u.ID, "S-closed", func(k *alliance.Case) { k.Stage = alliance.StageClosure })
	sameDay := newCase(a.ID, u.ID, "S-same-day")
	onlyCG := newCase(a.ID, u.ID, "S-only-cg")
	elsewhere := newCase(b.ID, ub.ID, "S-elsewhere")
	e.createCases(none, negative, twice, conclusive, closed, sameDay, onlyCG, elsewhere)
	rg := func(k *alliance.Case, outcome, on string) *alliance.GroundsDecision {
		return decision(k.ID, alliance.DecisionReasonableGrounds, outcome, on, c.ID, k.CreatedBy)
	}
	cg := func(k *alliance.Case, outcome, on string) *alliance.GroundsDecision {
		return decision(k.ID, alliance.DecisionConclusiveGrounds, outcome, on, c.ID, k.CreatedBy)
	}
	ext := func(k *alliance.Case, days int) *alliance.Extension {
		return &alliance.Extension{CaseID: k.ID, Days: days, Reason: "r", By: k.CreatedBy, At: base}
	}
	e.addDecisions([]*alliance.GroundsDecision{
		rg(negative, alliance.OutcomeNegative, "2025-01-05"),
		// Recorded later but decided earlier: the earliest positive one starts
		// the period, not the first recorded, and not the negative one before.
		rg(twice, alliance.OutcomeNegative, "2025-01-01"),
		rg(twice, alliance.OutcomePositive, "2025-03-10"),
		rg(twice, alliance.OutcomePositive, "2025-02-20"),
		rg(conclusive, alliance.OutcomePositive, "2025-01-15"),
		cg(conclusive, alliance.OutcomeNegative, "2025-04-01"),
		rg(closed, alliance.OutcomePositive, "2025-01-02"),
		rg(sameDay, alliance.OutcomePositive, "2025-02-20"),
		cg(sameDay, alliance.OutcomePositive, "2025-05-01"),
		cg(onlyCG, alliance.OutcomePositive, "2025-01-03"),
		rg(elsewhere, alliance.OutcomePositive, "2025-01-01"),
	}, ext(twice, 10), ext(twice, 20), ext(sameDay, 5), ext(none, 30), ext(closed, 9), ext(elsewhere, 3))

	want := []alliance.ReflectionStart{
		{CaseID: conclusive.ID, Reference: "S-conclusive", Start: "2025-01-15", ExtraDays: 0, Conclusive: true},
		{CaseID: twice.ID, Reference: "S-twice", Start: "2025-02-20", ExtraDays: 30, Conclusive: false},
		{CaseID: sameDay.ID, Reference: "S-same-day", Start: "2025-02-20", ExtraDays: 5, Conclusive: true},
	}
	checkStarts := func(r alliance.Reader, orgID int64, want []alliance.ReflectionStart) {
		t.Helper()
		got, err := r.ReflectionStarts(e.ctx, orgID)
		if err != nil {
			t.Fatalf("ReflectionStarts(%d): %v", orgID, err)
		}
		if diff := cmp.Diff(want, got); diff != "" || got == nil {
			t.Errorf("ReflectionStarts(%d) mismatch (-want +got):\n%s", orgID, diff)
		}
	}
	checkStarts(e.store, a.ID, want)
	checkStarts(e.store, b.ID, []alliance.ReflectionStart{
		{CaseID: elsewhere.ID, Reference: "S-elsewhere", Start: "2025-01-01", ExtraDays: 3}})
	checkStarts(e.store, c.ID, []alliance.ReflectionStart{})

	// A case closed leaves the list, and comes back when reopened.
	e.update(func(tx alliance.Tx) error {
		conclusive.Stage = alliance.StageClosure
		if err := tx.UpdateCase(e.ctx, conclusive); err != nil {
			return err
		}
		checkStarts(tx, a.ID, want[1:])
		return nil
	})
	checkStarts(e.store, a.ID, want[1:])
	conclusive.Stage = alliance.StageAssistance
	e.update(func(tx alliance.Tx) error { return tx.UpdateCase(e.ctx, conclusive) })
	checkStarts(e.store, a.ID, want)
}

// setNameTokens replaces the name tokens of case caseID.
func (e *env) setNameTokens(caseID int64, tokens ...string) {
	e.t.Helper()
	e.update(func(tx alliance.Tx) error { return tx.SetNameTokens(e.ctx, caseID, tokens) })
}

// checkNameMatch checks the ids CasesWithNameTokens returns.
func checkNameMatch(t *testing.T, e *env, r alliance.Reader, orgID int64, tokens []string, limit int, want ...*alliance.Case) {
	t.Helper()
	got, err := r.CasesWithNameTokens(e.ctx, orgID, tokens, limit)
	if err != nil {
		t.Errorf("CasesWithNameTokens(%d, %q, %d): %v", orgID, tokens, limit, err)
		return
	}
	ids := []int64{}
	for _, k := range want {
		ids = append(ids, k.ID)
	}
	if diff := cmp.Diff(ids, got); diff != "" || got == nil {
		t.Errorf("CasesWithNameTokens(%d, %q, %d) mismatch (-want +got):\n%s", orgID, tokens, limit, diff)
	}
}

// rawNameKeys returns the keys stored for a case, sorted.
func rawNameKeys(t *testing.T, e *env, caseID int64) [][]byte {
	t.Helper()
	rows, err := e.raw().QueryContext(e.ctx, `SELECT key FROM case_name_keys WHERE case_id = $1`, caseID)
	if err != nil {
		t.Fatalf("read case_name_keys: %v", err)
	}
	defer rows.Close()
	keys := [][]byte{}
	for rows.Next() {
		var k []byte
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(keys, bytes.Compare)
	return keys
}

// indexes returns the blind indexes of tokens under column, sorted.
func indexes(c alliance.FieldCipher, column string, tokens ...string) [][]byte {
	keys := [][]byte{}
	for _, tok := range tokens {
		keys = append(keys, c.Index(column, tok))
	}
	slices.SortFunc(keys, bytes.Compare)
	return keys
}

// testNameTokens checks the look-up of cases by the blind indexes of their
// name tokens: by any one token, within one organisation, newest first, after
// a replacement, and that the tokens themselves are not stored.
func testNameTokens(t *testing.T, e *env) {
	a, b := e.org("Org A"), e.org("Org B")
	u, ub := e.user(a.ID, "a@example.org"), e.user(b.ID, "b@example.org")
	k1, k2, k3 := newCase(a.ID, u.ID, "N-1"), newCase(a.ID, u.ID, "N-2"), newCase(a.ID, u.ID, "N-3")
	kb := newCase(b.ID, ub.ID, "N-1")
	e.createCases(k1, k2, k3, kb)
	olena, shev, cyr, petr := nameTokens[0], nameTokens[1], nameTokens[2], nameTokens[3]
	// Repeated and empty tokens are stored once, and not at all.
	e.setNameTokens(k1.ID, olena, shev, cyr, olena, "")
	e.setNameTokens(k2.ID, shev)
	e.setNameTokens(kb.ID, olena, shev)
	e.setNameTokens(k3.ID)

	for _, tc := range []struct {
		org    int64
		tokens []string
		want   []*alliance.Case
	}{
		{a.ID, []string{olena}, []*alliance.Case{k1}},
		{a.ID, []string{cyr}, []*alliance.Case{k1}},
		{a.ID, []string{shev}, []*alliance.Case{k2, k1}},
		{a.ID, []string{"NOBODY", cyr}, []*alliance.Case{k1}},
		{a.ID, []string{olena, shev, cyr, shev}, []*alliance.Case{k2, k1}},
		{a.ID, []string{"NOBODY"}, nil},
		{a.ID, []string{strings.ToLower(olena)}, nil}, // tokens are compared as given
		{a.ID, []string{olena[:3]}, nil},              // and whole
		{a.ID, []string{}, nil},
		{a.ID, nil, nil},
		{a.ID, []string{""}, nil},
		{b.ID, []string{olena}, []*alliance.Case{kb}},
		{b.ID, []string{cyr}, nil},
		{b.ID + 100, []string{olena}, nil},
	} {
		checkNameMatch(t, e, e.store, tc.org, tc.tokens, 0, tc.want...)
	}
	checkNameMatch(t, e, e.store, a.ID, []string{shev}, 1, k2)
	_, err := e.store.CasesWithNameTokens(e.ctx, 0, []string{olena}, 0)
	wantCode(t, "CasesWithNameTokens of no organisation", err, alliance.CodeInvalid, "organisation")

	// The table holds the keyed indexes under ColCaseNameKey, one per distinct
	// token, and no token in clear.
	if diff := cmp.Diff(indexes(e.keys, alliance.ColCaseNameKey, olena, shev, cyr), rawNameKeys(t, e, k1.ID)); diff != "" {
		t.Errorf("case_name_keys of case %d mismatch (-want +got):\n%s", k1.ID, diff)
	}
	for _, k := range rawNameKeys(t, e, k1.ID) {
		if slices.ContainsFunc(indexes(e.keys, alliance.ColUserEmail, nameTokens...), func(x []byte) bool { return bytes.Equal(x, k) }) {
			t.Errorf("case_name_keys holds the index of a token under another column name; want it bound to %s", alliance.ColCaseNameKey)
		}
	}
	for _, k := range []*alliance.Case{k1, k2, kb} {
		if n := count(t, e.raw(), `SELECT count(*) FROM case_name_keys WHERE case_id = $1 AND org_id <> $2`, k.ID, k.OrgID); n != 0 {
			t.Errorf("case_name_keys of case %d: %d rows of another organisation than the case's", k.ID, n)
		}
		row := rawRow(t, e, `SELECT * FROM case_name_keys WHERE case_id = $1`, k.ID)
		for col, v := range row {
			for _, tok := range nameTokens {
				if bytes.Contains(bytes.ToLower(v), bytes.ToLower([]byte(tok))) {
					t.Errorf("case_name_keys.%s of case %d holds the token %q", col, k.ID, tok)
				}
			}
		}
	}
	// Every row, whatever its case.
	rows, err := e.raw().QueryContext(e.ctx, `SELECT key FROM case_name_keys`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var key []byte
		if err := rows.Scan(&key); err != nil {
			t.Fatal(err)
		}
		for _, tok := range nameTokens {
			if bytes.Contains(bytes.ToLower(key), bytes.ToLower([]byte(tok))) {
				t.Errorf("case_name_keys.key %x holds the token %q", key, tok)
			}
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		t.Fatal(err)
	}
	if n := count(t, e.raw(), `SELECT count(*) FROM case_name_keys`); n != 6 {
		t.Errorf("case_name_keys rows = %d, want 6 (3 + 1 + 2)", n)
	}

	// SetNameTokens replaces: the old tokens no longer match.
	e.setNameTokens(k1.ID, petr)
	checkNameMatch(t, e, e.store, a.ID, []string{olena}, 0)
	checkNameMatch(t, e, e.store, a.ID, []string{cyr}, 0)
	checkNameMatch(t, e, e.store, a.ID, []string{shev}, 0, k2)
	checkNameMatch(t, e, e.store, a.ID, []string{petr, shev}, 0, k2, k1)
	checkNameMatch(t, e, e.store, b.ID, []string{olena}, 0, kb)
	e.setNameTokens(k2.ID)
	checkNameMatch(t, e, e.store, a.ID, []string{shev}, 0)

	// Inside a transaction, the transaction's own tokens.
	e.update(func(tx alliance.Tx) error {
		if err := tx.SetNameTokens(e.ctx, k3.ID, []string{olena}); err != nil {
			return err
		}
		checkNameMatch(t, e, tx, a.ID, []string{olena, petr}, 0, k3, k1)
		return nil
	})
	checkNameMatch(t, e, e.store, a.ID, []string{olena, petr}, 0, k3, k1)

	err = e.store.Update(e.ctx, func(tx alliance.Tx) error { return tx.SetNameTokens(e.ctx, kb.ID+1000, []string{olena}) })
	checkNotFound(t, "SetNameTokens", err)

	// The keys go with their case.
	if _, err := e.raw().ExecContext(e.ctx, `DELETE FROM cases WHERE id = $1`, k3.ID); err != nil {
		t.Fatalf("delete case %d: %v", k3.ID, err)
	}
	if n := count(t, e.raw(), `SELECT count(*) FROM case_name_keys WHERE case_id = $1`, k3.ID); n != 0 {
		t.Errorf("case_name_keys of a deleted case = %d rows, want 0", n)
	}
}

// testNameTokenLimits checks the default and the largest limit of the
// look-up by name tokens, and its order.
func testNameTokenLimits(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "a@example.org")
	list := make([]*alliance.Case, 201)
	for i := range list {
		list[i] = newCase(a.ID, u.ID, fmt.Sprintf("L-%d", i))
	}
	e.createCases(list...)
	e.update(func(tx alliance.Tx) error {
		for i, k := range list {
			tokens := []string{"COMMON"}
			if i%2 == 0 {
				tokens = append(tokens, "EVEN")
			}
			if err := tx.SetNameTokens(e.ctx, k.ID, tokens); err != nil {
				return err
			}
		}
		return nil
	})
	for _, tc := range []struct{ limit, want int }{{0, 20}, {-1, 20}, {7, 7}, {200, 200}, {5000, 200}} {
		got, err := e.store.CasesWithNameTokens(e.ctx, a.ID, []string{"EVEN", "COMMON"}, tc.limit)
		if err != nil || len(got) != tc.want {
			t.Errorf("CasesWithNameTokens(limit %d) = %d ids, %v; want %d", tc.limit, len(got), err, tc.want)
			continue
		}
		for i, id := range got {
			if w := list[len(list)-1-i].ID; id != w {
				t.Errorf("CasesWithNameTokens(limit %d)[%d] = %d, want %d: each case once, newest first", tc.limit, i, id, w)
				break
			}
		}
	}
}

// testReencryptDecisions rotates the data key and checks that Reencrypt
// re-seals the notes of decisions and the reasons of extensions, and that the
// blind indexes of name tokens, which it cannot re-seal, still match.
func testReencryptDecisions(t *testing.T, e *env) {
	a, b := e.org("Org A"), e.org("Org B")
	u := e.user(a.ID, "caseworker@example.org")
	k := newCase(a.ID, u.ID, "R-1")
	e.createCases(k)
	d1 := decision(k.ID, alliance.DecisionReasonableGrounds, alliance.OutcomePositive, "2025-03-10", b.ID, u.ID,
		func(d *alliance.GroundsDecision) { d.Notes = secretNotes })
	d2 := decision(k.ID, alliance.DecisionConclusiveGrounds, alliance.OutcomePositive, "2025-06-10", b.ID, u.ID)
	x := &alliance.Extension{CaseID: k.ID, Days: 30, Reason: secretExtension, By: u.ID, At: base}
	e.addDecisions([]*alliance.GroundsDecision{d1, d2}, x)
	e.setNameTokens(k.ID, nameTokens...)
	keys := rawNameKeys(t, e, k.ID)

	reencrypt(t, e, 0, 0)
	e.keys.Rotate()
	reencrypt(t, e, 3, 3) // the user's email and name, and the person
	reencrypt(t, e, 0, 3) // 2 decision notes, the empty one too, and 1 reason
	reencrypt(t, e, 0, 0)
	for _, c := range []struct{ table, column string }{{"decisions", "notes"}, {"reflection_extensions", "reason"}} {
		rows, err := e.raw().QueryContext(e.ctx, `SELECT id, `+c.column+` FROM `+c.table)
		if err != nil {
			t.Fatalf("read %s.%s: %v", c.table, c.column, err)
		}
		for rows.Next() {
			var id int64
			var ct []byte
			if err := rows.Scan(&id, &ct); err != nil {
				t.Fatal(err)
			}
			if !e.keys.Current(ct) {
				t.Errorf("%s %d %s is not sealed under the new key after Reencrypt", c.table, id, c.column)
			}
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			t.Fatal(err)
		}
	}
	checkDecisions(t, e, e.store, k.ID, d1, d2)
	checkExtensions(t, e, e.store, k.ID, x)

	// The blind indexes are keyed apart from the data keys: they are left as
	// they were, still match, and setting the tokens again under the new data
	// key writes the same ones.
	if diff := cmp.Diff(keys, rawNameKeys(t, e, k.ID)); diff != "" {
		t.Errorf("case_name_keys changed in Reencrypt (-before +after):\n%s", diff)
	}
	for _, tok := range nameTokens {
		checkNameMatch(t, e, e.store, a.ID, []string{tok}, 0, k)
	}
	e.setNameTokens(k.ID, nameTokens...)
	if diff := cmp.Diff(keys, rawNameKeys(t, e, k.ID)); diff != "" {
		t.Errorf("case_name_keys set under the new data key differ (-before +after):\n%s", diff)
	}
	checkNameMatch(t, e, e.store, a.ID, nameTokens[:1], 0, k)
}
