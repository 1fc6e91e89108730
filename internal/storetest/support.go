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

// Plaintexts the support tests store, distinctive enough to find in a raw row.
const (
	secretComment    = "she called from the bus station in Chisinau"
	secretObjectives = "a safe flat near her sister in Iasi"
	secretActions    = "pay the deposit; enrol her son at school"
)

// supportSecrets are the plaintexts, and distinctive parts of them, that no
// raw row may hold.
var supportSecrets = []string{secretComment, "Chisinau", secretObjectives, "sister in Iasi", secretActions, "deposit"}

// plan returns a new support plan on case caseID made by user at base,
// changed by each mod; it is not stored.
func plan(caseID, user int64, mods ...func(*alliance.SupportPlan)) *alliance.SupportPlan {
	p := &alliance.SupportPlan{CaseID: caseID, Type: "Health", Objectives: secretObjectives, ActionPlan: secretActions,
		PlannedEnd: "2025-09-30", By: user, At: base}
	for _, mod := range mods {
		mod(p)
	}
	return p
}

// addSupport stores each comment and plan in one transaction.
func (e *env) addSupport(cs []*alliance.Comment, ps ...*alliance.SupportPlan) {
	e.t.Helper()
	e.update(func(tx alliance.Tx) error {
		var errs []error
		for _, c := range cs {
			errs = append(errs, tx.AddComment(e.ctx, c))
		}
		for _, p := range ps {
			errs = append(errs, tx.CreateSupportPlan(e.ctx, p))
		}
		return errors.Join(errs...)
	})
}

// checkSupport reads the comments and support plans of case caseID back
// through r, and each plan by id. It only reports errors, never stops the
// test, so that it may run inside a transaction (whose function the SQLite
// store runs on its writer goroutine).
func checkSupport(t *testing.T, e *env, r alliance.Reader, caseID int64, cs []*alliance.Comment, ps []*alliance.SupportPlan) {
	t.Helper()
	wantCs, wantPs := []alliance.Comment{}, []alliance.SupportPlan{}
	for _, c := range cs {
		wantCs = append(wantCs, *c)
	}
	for _, p := range ps {
		wantPs = append(wantPs, *p)
	}
	gotCs, err := r.Comments(e.ctx, caseID)
	if diff := cmp.Diff(wantCs, gotCs); err != nil || diff != "" || gotCs == nil {
		t.Errorf("Comments(%d): error %v, mismatch (-want +got):\n%s", caseID, err, diff)
	}
	gotPs, err := r.SupportPlans(e.ctx, caseID)
	if diff := cmp.Diff(wantPs, gotPs); err != nil || diff != "" || gotPs == nil {
		t.Errorf("SupportPlans(%d): error %v, mismatch (-want +got):\n%s", caseID, err, diff)
	}
	for _, p := range ps {
		got, err := r.SupportPlan(e.ctx, p.ID)
		if diff := cmp.Diff(p, got); err != nil || diff != "" {
			t.Errorf("SupportPlan(%d): error %v, mismatch (-want +got):\n%s", p.ID, err, diff)
		}
	}
}

// testSupport checks the round trip of comments and support plans and their
// order, oldest first, then as recorded; inside a transaction too.
func testSupport(t *testing.T, e *env) {
	a := e.org("Org A")
	u, v := e.user(a.ID, "a@example.org"), e.user(a.ID, "v@example.org")
	k, other := newCase(a.ID, u.ID, "P-1"), newCase(a.ID, u.ID, "P-2")
	e.createCases(k, other)
	kyiv := time.FixedZone("Kyiv", 3*3600)
	c1 := &alliance.Comment{CaseID: k.ID, Text: secretComment, By: u.ID, At: base.Add(time.Hour)}
	c2 := &alliance.Comment{CaseID: k.ID, Text: "коментар\nз рядками", By: v.ID, At: base}
	c3 := &alliance.Comment{CaseID: k.ID, By: u.ID, At: base.Add(time.Hour)} // empty, same time as c1
	c4 := &alliance.Comment{CaseID: other.ID, Text: "other", By: u.ID,
		At: time.Date(2025, 3, 1, 15, 0, 0, 123456789, kyiv)}
	p1 := plan(k.ID, u.ID, func(p *alliance.SupportPlan) { p.At = base.Add(time.Hour) })
	p2 := plan(k.ID, v.ID, func(p *alliance.SupportPlan) {
		p.Type, p.ActionPlan, p.PlannedEnd, p.ActualEnd = "SocialCare", "", "", "2025-04-01"
	})
	p3 := plan(k.ID, u.ID, func(p *alliance.SupportPlan) {
		p.Type, p.At, p.PlannedEnd, p.ActualEnd = "LabourExploitationRehabilitation", base.Add(time.Hour), "2024-02-29", "2025-12-31"
	})
	p4 := plan(other.ID, u.ID, func(p *alliance.SupportPlan) {
		p.Type, p.At = "Legal", time.Date(2025, 3, 1, 15, 0, 0, 123456789, kyiv)
	})
	e.addSupport([]*alliance.Comment{c1, c2, c3, c4}, p1, p2, p3, p4)
	if c1.ID == 0 || c1.ID == c2.ID || c2.ID == c3.ID || p1.ID == 0 || p1.ID == p2.ID || p2.ID == p3.ID {
		t.Errorf("ids = %d, %d, %d and %d, %d, %d; want distinct ids", c1.ID, c2.ID, c3.ID, p1.ID, p2.ID, p3.ID)
	}
	if p1.Revision != 1 || p4.Revision != 1 {
		t.Errorf("revisions of new plans = %d, %d; want 1", p1.Revision, p4.Revision)
	}
	want := time.Date(2025, 3, 1, 12, 0, 0, 123456000, time.UTC)
	if !c4.At.Equal(want) || c4.At.Location() != time.UTC || !p4.At.Equal(want) || p4.At.Location() != time.UTC {
		t.Errorf("At of a new comment and plan = %v, %v; want %v, truncated, in UTC", c4.At, p4.At, want)
	}
	checkSupport(t, e, e.store, k.ID, []*alliance.Comment{c2, c1, c3}, []*alliance.SupportPlan{p2, p1, p3})
	checkSupport(t, e, e.store, other.ID, []*alliance.Comment{c4}, []*alliance.SupportPlan{p4})

	// Inside a transaction, and at now when no time is given.
	before := time.Now().Add(-time.Second)
	c5 := &alliance.Comment{CaseID: other.ID, Text: "now", By: v.ID}
	p5 := plan(other.ID, v.ID, func(p *alliance.SupportPlan) { p.At, p.Type = time.Time{}, "Education" })
	e.update(func(tx alliance.Tx) error {
		if err := errors.Join(tx.AddComment(e.ctx, c5), tx.CreateSupportPlan(e.ctx, p5)); err != nil {
			return err
		}
		checkSupport(t, e, tx, other.ID, []*alliance.Comment{c4, c5}, []*alliance.SupportPlan{p4, p5})
		return nil
	})
	if c5.At.Before(before) || p5.At.Before(before) {
		t.Errorf("times of a comment and a plan given none = %v, %v; want now", c5.At, p5.At)
	}
	checkSupport(t, e, e.store, other.ID, []*alliance.Comment{c4, c5}, []*alliance.SupportPlan{p4, p5})

	// A missing case has none; a missing plan is not found.
	checkSupport(t, e, e.store, other.ID+1000, nil, nil)
	_, err := e.store.SupportPlan(e.ctx, p5.ID+1000)
	checkNotFound(t, "SupportPlan", err)
	err = e.store.Update(e.ctx, func(tx alliance.Tx) error {
		_, err := tx.SupportPlan(e.ctx, p5.ID+1000)
		return err
	})
	checkNotFound(t, "tx.SupportPlan", err)
}

// testSupportInvalid checks the errors of bad references, types and days,
// and that none repeats a sealed value or leaves a row.
func testSupportInvalid(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "a@example.org")
	k := newCase(a.ID, u.ID, "P-1")
	e.createCases(k)
	const none = 1000
	comment := func(mod func(*alliance.Comment)) func(tx alliance.Tx) error {
		return func(tx alliance.Tx) error {
			c := &alliance.Comment{CaseID: k.ID, Text: secretComment, By: u.ID, At: base}
			mod(c)
			return tx.AddComment(e.ctx, c)
		}
	}
	create := func(mod func(*alliance.SupportPlan)) func(tx alliance.Tx) error {
		return func(tx alliance.Tx) error { return tx.CreateSupportPlan(e.ctx, plan(k.ID, u.ID, mod)) }
	}
	tests := []struct {
		name  string
		fn    func(tx alliance.Tx) error
		field string
	}{
		{"comment on an unknown case", comment(func(c *alliance.Comment) { c.CaseID += none }), "case"},
		{"comment by an unknown user", comment(func(c *alliance.Comment) { c.By += none }), "user"},
		{"plan on an unknown case", create(func(p *alliance.SupportPlan) { p.CaseID += none }), "case"},
		{"plan by an unknown user", create(func(p *alliance.SupportPlan) { p.By += none }), "user"},
		{"plan of an unknown type", create(func(p *alliance.SupportPlan) { p.Type = "Housing" }), "type"},
		{"plan of no type", create(func(p *alliance.SupportPlan) { p.Type = "" }), "type"},
		{"plan ending on a day that does not exist", create(func(p *alliance.SupportPlan) { p.PlannedEnd = "2025-02-30" }), "planned_end"},
		{"plan ended on a day written otherwise", create(func(p *alliance.SupportPlan) { p.ActualEnd = "01/03/2025" }), "actual_end"},
	}
	for _, tc := range tests {
		err := e.store.Update(e.ctx, tc.fn)
		wantCode(t, tc.name, err, alliance.CodeInvalid, tc.field)
		for _, s := range supportSecrets {
			if err != nil && strings.Contains(err.Error(), s) {
				t.Errorf("%s: error %q repeats the sealed value %q", tc.name, err, s)
			}
		}
	}
	for _, table := range []string{"case_comments", "support_plans"} {
		if n := count(t, e.raw(), `SELECT count(*) FROM `+table); n != 0 {
			t.Errorf("%s rows = %d after refused writes, want 0", table, n)
		}
	}
}

// testSupportEncryptedAtRest reads the stored rows of a comment and a plan,
// and checks that no column holds a plaintext and that the sealed columns
// open, each only under its own column name.
func testSupportEncryptedAtRest(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "a@example.org")
	k := newCase(a.ID, u.ID, "P-1")
	e.createCases(k)
	c := &alliance.Comment{CaseID: k.ID, Text: secretComment, By: u.ID, At: base}
	p := plan(k.ID, u.ID)
	e.addSupport([]*alliance.Comment{c}, p)
	rows := map[string]map[string][]byte{
		"case_comments": rawRow(t, e, `SELECT * FROM case_comments WHERE id = $1`, c.ID),
		"support_plans": rawRow(t, e, `SELECT * FROM support_plans WHERE id = $1`, p.ID),
	}
	for table, row := range rows {
		for col, v := range row {
			for _, s := range supportSecrets {
				if bytes.Contains(bytes.ToLower(v), bytes.ToLower([]byte(s))) {
					t.Errorf("%s.%s holds the plaintext %q", table, col, s)
				}
			}
		}
	}
	// The type and the days are kept in clear.
	for col, want := range map[string]string{"type": "Health", "planned_end": "2025-09-30"} {
		if !strings.Contains(string(rows["support_plans"][col]), want) {
			t.Errorf("support_plans.%s = %q, want it in clear, holding %q", col, rows["support_plans"][col], want)
		}
	}
	sealed := []struct {
		table, column, name, other, want string
		id                               int64
	}{
		{"case_comments", "text", alliance.ColCommentText, alliance.ColDecisionNotes, secretComment, c.ID},
		{"support_plans", "objectives", alliance.ColSupportObjectives, alliance.ColSupportActions, secretObjectives, p.ID},
		{"support_plans", "action_plan", alliance.ColSupportActions, alliance.ColSupportObjectives, secretActions, p.ID},
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

// testSupportPlanUpdate checks the revision rule of UpdateSupportPlan: each
// update increments the revision, a stale one is refused with CodeConflict
// and leaves the plan as it was, and a missing plan is not found.
func testSupportPlanUpdate(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "a@example.org")
	k := newCase(a.ID, u.ID, "P-1")
	e.createCases(k)
	p, untouched := plan(k.ID, u.ID), plan(k.ID, u.ID, func(p *alliance.SupportPlan) { p.Type = "Legal" })
	e.addSupport(nil, p, untouched)

	stale := *p
	changed := *p
	changed.Type, changed.Objectives, changed.ActionPlan = "Livelihood", "a job in Iasi", ""
	changed.PlannedEnd, changed.ActualEnd = "", "2025-08-01"
	e.update(func(tx alliance.Tx) error {
		got, err := tx.SupportPlan(e.ctx, p.ID) // locks the row on PostgreSQL
		if diff := cmp.Diff(p, got); err != nil || diff != "" {
			t.Errorf("tx.SupportPlan(%d): error %v, mismatch (-want +got):\n%s", p.ID, err, diff)
		}
		return tx.UpdateSupportPlan(e.ctx, &changed)
	})
	if changed.Revision != 2 {
		t.Errorf("Revision after an update = %d, want 2", changed.Revision)
	}
	// What is not the plan's to change stays.
	changed.By, changed.At, changed.CaseID = u.ID, base, k.ID
	checkSupport(t, e, e.store, k.ID, nil, []*alliance.SupportPlan{&changed, untouched})

	// A stale revision is refused, and changes nothing.
	stale.Objectives = "stale"
	err := e.store.Update(e.ctx, func(tx alliance.Tx) error { return tx.UpdateSupportPlan(e.ctx, &stale) })
	wantCode(t, "an update from a stale revision", err, alliance.CodeConflict, "")
	if err == nil || !strings.Contains(err.Error(), "the support plan was changed by someone else; reload it") {
		t.Errorf("stale update: error %v, want the support plan's conflict message", err)
	}
	if stale.Revision != 1 {
		t.Errorf("Revision after a refused update = %d, want 1 as it was", stale.Revision)
	}
	// An invalid update changes nothing either.
	bad := changed
	bad.Type = "Housing"
	err = e.store.Update(e.ctx, func(tx alliance.Tx) error { return tx.UpdateSupportPlan(e.ctx, &bad) })
	wantCode(t, "an update to an unknown type", err, alliance.CodeInvalid, "type")
	bad = changed
	bad.PlannedEnd = "2025-13-01"
	err = e.store.Update(e.ctx, func(tx alliance.Tx) error { return tx.UpdateSupportPlan(e.ctx, &bad) })
	wantCode(t, "an update to a day that does not exist", err, alliance.CodeInvalid, "planned_end")
	checkSupport(t, e, e.store, k.ID, nil, []*alliance.SupportPlan{&changed, untouched})

	// Twice in one transaction.
	e.update(func(tx alliance.Tx) error {
		changed.ActualEnd = ""
		if err := tx.UpdateSupportPlan(e.ctx, &changed); err != nil {
			return err
		}
		changed.Objectives = secretObjectives
		return tx.UpdateSupportPlan(e.ctx, &changed)
	})
	if changed.Revision != 4 {
		t.Errorf("Revision after three updates = %d, want 4", changed.Revision)
	}
	checkSupport(t, e, e.store, k.ID, nil, []*alliance.SupportPlan{&changed, untouched})

	missing := changed
	missing.ID += 1000
	err = e.store.Update(e.ctx, func(tx alliance.Tx) error { return tx.UpdateSupportPlan(e.ctx, &missing) })
	checkNotFound(t, "UpdateSupportPlan", err)
}

// rawSupportTexts returns the stored values of the sealed columns of the
// comments and plans of case caseID, keyed "table.column id".
func rawSupportTexts(t *testing.T, e *env, caseID int64) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, c := range supportColumns {
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

// supportColumns are the sealed columns of comments and support plans.
var supportColumns = []struct{ table, column, name string }{
	{"case_comments", "text", alliance.ColCommentText},
	{"support_plans", "objectives", alliance.ColSupportObjectives},
	{"support_plans", "action_plan", alliance.ColSupportActions},
}

// checkSupportSealed checks that every sealed column of the comments and
// plans of case caseID is sealed under the active key and, when blank, opens
// to an empty text; it returns how many values it saw.
func checkSupportSealed(t *testing.T, e *env, caseID int64, blank bool) int {
	t.Helper()
	stored := rawSupportTexts(t, e, caseID)
	for key, ct := range stored {
		name := ""
		for _, c := range supportColumns {
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

// testEraseSupportTexts checks that EraseCaseText blanks the comments and the
// objectives and actions of the support plans of one case, and only of that
// case, leaving their other fields, and that a rotation re-seals the blanks.
func testEraseSupportTexts(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "a@example.org")
	k, other := newCase(a.ID, u.ID, "P-1"), newCase(a.ID, u.ID, "P-2")
	e.createCases(k, other)
	cs := []*alliance.Comment{
		{CaseID: k.ID, Text: secretComment, By: u.ID, At: base},
		{CaseID: k.ID, By: u.ID, At: base.Add(time.Hour)},
	}
	ps := []*alliance.SupportPlan{plan(k.ID, u.ID), plan(k.ID, u.ID, func(p *alliance.SupportPlan) {
		p.ActionPlan, p.ActualEnd, p.At = "", "2025-05-05", base.Add(time.Hour)
	})}
	otherCs := []*alliance.Comment{{CaseID: other.ID, Text: secretComment + " (P-2)", By: u.ID, At: base}}
	otherPs := []*alliance.SupportPlan{plan(other.ID, u.ID)}
	e.addSupport(append(cs, otherCs...), append(ps, otherPs...)...)
	old, otherOld := rawSupportTexts(t, e, k.ID), rawSupportTexts(t, e, other.ID)

	blankCs, blankPs := []*alliance.Comment{}, []*alliance.SupportPlan{}
	for _, c := range cs {
		x := *c
		x.Text = ""
		blankCs = append(blankCs, &x)
	}
	for _, p := range ps {
		x := *p
		x.Objectives, x.ActionPlan = "", ""
		blankPs = append(blankPs, &x)
	}
	e.update(func(tx alliance.Tx) error {
		if err := tx.EraseCaseText(e.ctx, k.ID); err != nil {
			return err
		}
		checkSupport(t, e, tx, k.ID, blankCs, blankPs)
		return nil
	})
	checkSupport(t, e, e.store, k.ID, blankCs, blankPs)
	checkSupport(t, e, e.store, other.ID, otherCs, otherPs)
	if diff := cmp.Diff(otherOld, rawSupportTexts(t, e, other.ID)); diff != "" {
		t.Errorf("the stored texts of another case changed (-before +after):\n%s", diff)
	}
	if n := checkSupportSealed(t, e, k.ID, true); n != 6 {
		t.Errorf("sealed support values of case %d = %d, want 6", k.ID, n)
	}
	for _, table := range []string{"case_comments", "support_plans"} {
		rows, err := e.raw().QueryContext(e.ctx, `SELECT id FROM `+table+` WHERE case_id = $1`, k.ID)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			for col, v := range rawRow(t, e, `SELECT * FROM `+table+` WHERE id = $1`, id) {
				for _, s := range supportSecrets {
					if bytes.Contains(bytes.ToLower(v), bytes.ToLower([]byte(s))) {
						t.Errorf("%s.%s of %d holds the plaintext %q after EraseCaseText", table, col, id, s)
					}
				}
				for key, was := range old {
					if len(was) > 0 && bytes.Contains(v, was) {
						t.Errorf("%s.%s of %d still holds the old value of %s", table, col, id, key)
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
	checkSupportSealed(t, e, k.ID, true)
	checkSupport(t, e, e.store, k.ID, blankCs, blankPs)
	checkSupport(t, e, e.store, other.ID, otherCs, otherPs)
}

// testReencryptSupport rotates the data key and checks that Reencrypt
// re-seals the texts of comments and the objectives and actions of support
// plans, the empty ones too.
func testReencryptSupport(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "caseworker@example.org")
	k := newCase(a.ID, u.ID, "R-1")
	e.createCases(k)
	cs := []*alliance.Comment{
		{CaseID: k.ID, Text: secretComment, By: u.ID, At: base},
		{CaseID: k.ID, By: u.ID, At: base.Add(time.Hour)},
	}
	ps := []*alliance.SupportPlan{plan(k.ID, u.ID), plan(k.ID, u.ID, func(p *alliance.SupportPlan) {
		p.ActionPlan, p.At = "", base.Add(time.Hour)
	})}
	e.addSupport(cs, ps...)
	old := rawSupportTexts(t, e, k.ID)

	reencrypt(t, e, 0, 0)
	e.keys.Rotate()
	reencrypt(t, e, 3, 3) // the user's email and name, and the person
	reencrypt(t, e, 0, 6) // 2 comments, 2 objectives and 2 actions, the empty ones too
	reencrypt(t, e, 0, 0)
	if n := checkSupportSealed(t, e, k.ID, false); n != 6 {
		t.Errorf("sealed support values = %d, want 6", n)
	}
	for key, ct := range rawSupportTexts(t, e, k.ID) {
		if bytes.Equal(ct, old[key]) {
			t.Errorf("%s is unchanged after Reencrypt", key)
		}
	}
	checkSupport(t, e, e.store, k.ID, cs, ps)
}
