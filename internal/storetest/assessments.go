package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"alliance"

	"github.com/google/go-cmp/cmp"
)

// Plaintexts the assessment tests store, distinctive enough to find in a raw row.
const (
	secretAnswers = `{"q_passport_held":"yes","q_debt":"owes recruiter 4000 EUR"}`
	secretResult  = `{"level":"high","reasons":["passport withheld by employer"]}`
)

// assessment returns a new open assessment of org, created by user at base,
// changed by each mod; it is not stored.
func assessment(orgID, userID int64, mods ...func(*alliance.Assessment)) *alliance.Assessment {
	a := &alliance.Assessment{OrgID: orgID, Catalog: "ilo-forced-labour", CatalogVersion: "2025.1",
		Questionnaire: "screening-short", QuestionnaireVersion: "3", WorkerLang: "ro",
		Status: alliance.AssessmentOpen, Answers: []byte(secretAnswers), Result: []byte(secretResult),
		CreatedBy: userID, CreatedAt: base}
	for _, mod := range mods {
		mod(a)
	}
	return a
}

// createAssessments stores each assessment in one transaction.
func (e *env) createAssessments(list ...*alliance.Assessment) {
	e.t.Helper()
	e.update(func(tx alliance.Tx) error {
		for _, a := range list {
			if err := tx.CreateAssessment(e.ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
}

func checkAssessment(t *testing.T, e *env, r alliance.Reader, want *alliance.Assessment) {
	t.Helper()
	got, err := r.Assessment(e.ctx, want.ID)
	if err != nil {
		t.Fatalf("Assessment(%d): %v", want.ID, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Assessment(%d) mismatch (-want +got):\n%s", want.ID, diff)
	}
}

// testAssessments stores assessments with every field set and unset, and
// reads them back, outside and inside a transaction.
func testAssessments(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "interviewer@example.org")
	completed := base.Add(2 * time.Hour)
	full := assessment(a.ID, u.ID, func(x *alliance.Assessment) {
		x.CaseID, x.Status, x.WorkerLang = 4242, alliance.AssessmentCompleted, "pt-BR"
		x.UpdatedAt, x.CompletedAt = base.Add(time.Hour), &completed
	})
	bare := assessment(a.ID, u.ID, func(x *alliance.Assessment) { x.Answers, x.Result, x.WorkerLang = nil, []byte{}, "" })
	e.createAssessments(full, bare)
	for _, x := range []*alliance.Assessment{full, bare} {
		if x.ID == 0 || x.Revision != 1 {
			t.Errorf("after CreateAssessment ID, Revision = %d, %d; want an id and 1", x.ID, x.Revision)
		}
	}
	if full.ID == bare.ID {
		t.Errorf("two assessments got the same id %d", full.ID)
	}
	if !bare.UpdatedAt.Equal(base) {
		t.Errorf("UpdatedAt of a new assessment without one = %v, want its CreatedAt %v", bare.UpdatedAt, base)
	}
	checkAssessment(t, e, e.store, full)
	// Nil and empty values are sealed as empty ones and read back as empty.
	bare.Answers = []byte{}
	checkAssessment(t, e, e.store, bare)

	e.update(func(tx alliance.Tx) error {
		x := assessment(a.ID, u.ID)
		if err := tx.CreateAssessment(e.ctx, x); err != nil {
			return err
		}
		checkAssessment(t, e, tx, x)
		list, err := tx.Assessments(e.ctx, alliance.AssessmentFilter{OrgID: a.ID})
		if err != nil || len(list) != 3 {
			t.Errorf("tx.Assessments = %d assessments, %v; want 3", len(list), err)
		}
		return nil
	})

	now := assessment(a.ID, u.ID, func(x *alliance.Assessment) { x.CreatedAt = time.Time{} })
	before := time.Now()
	e.createAssessments(now)
	if now.CreatedAt.Before(before.Add(-time.Second)) || !now.UpdatedAt.Equal(now.CreatedAt) {
		t.Errorf("CreatedAt, UpdatedAt of an assessment without times = %v, %v; want now, twice", now.CreatedAt, now.UpdatedAt)
	}
	checkAssessment(t, e, e.store, now)
}

// testAssessmentEncryptedAtRest reads the stored row and checks that no column
// holds the answers or the result, and that the sealed columns open to them,
// each only under its own column name.
func testAssessmentEncryptedAtRest(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "interviewer@example.org")
	x, empty := assessment(a.ID, u.ID), assessment(a.ID, u.ID, func(x *alliance.Assessment) { x.Answers, x.Result = nil, nil })
	e.createAssessments(x, empty)
	secrets := []string{secretAnswers, "recruiter", "4000 EUR", secretResult, "passport withheld"}
	for col, v := range rawRow(t, e, `SELECT * FROM assessments WHERE id = $1`, x.ID) {
		for _, s := range secrets {
			if bytes.Contains(bytes.ToLower(v), bytes.ToLower([]byte(s))) {
				t.Errorf("column %s holds the plaintext %q", col, s)
			}
		}
	}
	sealed := []struct{ column, name, other, want string }{
		{"answers", alliance.ColAssessmentAnswers, alliance.ColAssessmentResult, secretAnswers},
		{"result", alliance.ColAssessmentResult, alliance.ColAssessmentAnswers, secretResult},
	}
	for _, c := range sealed {
		var ct, ctEmpty []byte
		if err := e.raw().QueryRow(`SELECT `+c.column+` FROM assessments WHERE id = $1`, x.ID).Scan(&ct); err != nil {
			t.Fatalf("read %s: %v", c.column, err)
		}
		if pt, err := e.keys.Open(c.name, ct); err != nil || string(pt) != c.want {
			t.Errorf("%s opens to %q, %v; want %q", c.column, pt, err, c.want)
		}
		if _, err := e.keys.Open(c.other, ct); err == nil {
			t.Errorf("%s opens under the column name %s too; want it bound to %s", c.column, c.other, c.name)
		}
		err := e.raw().QueryRow(`SELECT `+c.column+` FROM assessments WHERE id = $1`, empty.ID).Scan(&ctEmpty)
		if err != nil || !e.keys.Current(ctEmpty) {
			t.Errorf("%s of an assessment given none = %x, %v; want an empty value sealed", c.column, ctEmpty, err)
		}
	}
}

// testAssessmentList checks the filters, the order and the limit of the list,
// and that it never carries answers or results.
func testAssessmentList(t *testing.T, e *env) {
	a, b := e.org("Org A"), e.org("Org B")
	ua, ub := e.user(a.ID, "a@example.org"), e.user(b.ID, "b@example.org")
	at := func(minutes int, status string) func(*alliance.Assessment) {
		return func(x *alliance.Assessment) {
			x.UpdatedAt, x.Status = base.Add(time.Duration(minutes)*time.Minute), status
		}
	}
	open, done := alliance.AssessmentOpen, alliance.AssessmentCompleted
	// a2 and a3 were updated at the same moment: the later id comes first.
	a1, a2, a3, a4 := assessment(a.ID, ua.ID, at(10, open)), assessment(a.ID, ua.ID, at(30, done)),
		assessment(a.ID, ua.ID, at(30, open)), assessment(a.ID, ua.ID, at(20, done))
	b1 := assessment(b.ID, ub.ID, at(40, open))
	e.createAssessments(a1, a2, a3, a4, b1)
	tests := []struct {
		f    alliance.AssessmentFilter
		want []*alliance.Assessment
	}{
		{alliance.AssessmentFilter{OrgID: a.ID}, []*alliance.Assessment{a3, a2, a4, a1}},
		{alliance.AssessmentFilter{OrgID: a.ID, Status: done}, []*alliance.Assessment{a2, a4}},
		{alliance.AssessmentFilter{OrgID: a.ID, Status: open}, []*alliance.Assessment{a3, a1}},
		{alliance.AssessmentFilter{OrgID: a.ID, Limit: 2}, []*alliance.Assessment{a3, a2}},
		{alliance.AssessmentFilter{OrgID: a.ID, Status: open, Limit: 1}, []*alliance.Assessment{a3}},
		{alliance.AssessmentFilter{OrgID: b.ID}, []*alliance.Assessment{b1}},
		{alliance.AssessmentFilter{OrgID: b.ID, Status: done}, []*alliance.Assessment{}},
		{alliance.AssessmentFilter{OrgID: a.ID + b.ID + 100}, []*alliance.Assessment{}},
	}
	for _, tc := range tests {
		checkList(t, e, tc.f, tc.want)
	}
	_, err := e.store.Assessments(e.ctx, alliance.AssessmentFilter{Status: open})
	wantCode(t, "Assessments without an organisation", err, alliance.CodeInvalid, "")
}

// checkList compares a list with want, whose answers and results it expects
// left out.
func checkList(t *testing.T, e *env, f alliance.AssessmentFilter, want []*alliance.Assessment) {
	t.Helper()
	got, err := e.store.Assessments(e.ctx, f)
	if err != nil {
		t.Fatalf("Assessments(%+v): %v", f, err)
	}
	w := make([]alliance.Assessment, len(want))
	for i, x := range want {
		w[i] = *x
		w[i].Answers, w[i].Result = nil, nil
	}
	if diff := cmp.Diff(w, got); diff != "" || got == nil {
		t.Errorf("Assessments(%+v) mismatch (-want +got):\n%s", f, diff)
	}
}

// testAssessmentListLimits checks the default and the largest limit.
func testAssessmentListLimits(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "a@example.org")
	list := make([]*alliance.Assessment, 1001)
	for i := range list {
		list[i] = assessment(a.ID, u.ID, func(x *alliance.Assessment) { x.Answers, x.Result = nil, nil })
	}
	e.createAssessments(list...)
	for _, tc := range []struct{ limit, want int }{{0, 100}, {-1, 100}, {7, 7}, {1000, 1000}, {5000, 1000}} {
		got, err := e.store.Assessments(e.ctx, alliance.AssessmentFilter{OrgID: a.ID, Limit: tc.limit})
		if err != nil || len(got) != tc.want {
			t.Errorf("Assessments(Limit %d) = %d assessments, %v; want %d", tc.limit, len(got), err, tc.want)
			continue
		}
		if got[0].ID != list[len(list)-1].ID {
			t.Errorf("Assessments(Limit %d) starts with %d, want the last created, %d", tc.limit, got[0].ID, list[len(list)-1].ID)
		}
	}
}

// testAssessmentUpdate checks what an update writes, and that a stale revision
// or a missing assessment changes nothing.
func testAssessmentUpdate(t *testing.T, e *env) {
	a, b := e.org("Org A"), e.org("Org B")
	u := e.user(a.ID, "interviewer@example.org")
	x := assessment(a.ID, u.ID)
	e.createAssessments(x)
	stale := *x

	completed := base.Add(3 * time.Hour)
	x.CaseID, x.Status, x.Answers, x.Result = 77, alliance.AssessmentCompleted, []byte(`{"q":"changed"}`), []byte(`{"level":"low"}`)
	x.WorkerLang = "ar" // the interviewer may switch to another language
	x.UpdatedAt, x.CompletedAt = completed, &completed
	e.update(func(tx alliance.Tx) error { return tx.UpdateAssessment(e.ctx, x) })
	if x.Revision != 2 {
		t.Errorf("Revision after an update = %d, want 2", x.Revision)
	}
	checkAssessment(t, e, e.store, x)

	// Only the case, status, worker language, answers, result and times are written.
	moved := *x
	moved.OrgID, moved.Catalog, moved.CatalogVersion, moved.CreatedBy = b.ID, "other", "9", u.ID+100
	moved.CaseID, moved.Answers, moved.Result, moved.CompletedAt = 0, nil, nil, nil
	e.update(func(tx alliance.Tx) error { return tx.UpdateAssessment(e.ctx, &moved) })
	x.CaseID, x.Answers, x.Result, x.CompletedAt, x.Revision = 0, []byte{}, []byte{}, nil, 3
	checkAssessment(t, e, e.store, x)

	stale.Answers, stale.Status = []byte(`{"q":"stale write"}`), alliance.AssessmentCompleted
	before := stale
	err := e.store.Update(e.ctx, func(tx alliance.Tx) error { return tx.UpdateAssessment(e.ctx, &stale) })
	wantCode(t, "UpdateAssessment with a stale revision", err, alliance.CodeConflict, "")
	if err != nil && !strings.Contains(alliance.ErrorMessage(err), "reload") {
		t.Errorf("stale update: message %q, want one telling to reload", alliance.ErrorMessage(err))
	}
	if diff := cmp.Diff(before, stale); diff != "" {
		t.Errorf("a refused update changed the assessment given (-before +after):\n%s", diff)
	}
	checkAssessment(t, e, e.store, x)

	missing := *x
	missing.ID += 1000
	err = e.store.Update(e.ctx, func(tx alliance.Tx) error { return tx.UpdateAssessment(e.ctx, &missing) })
	checkNotFound(t, "UpdateAssessment", err)
}

// testAssessmentInvalid checks the errors of bad references and statuses, and
// that none repeats the sealed values.
func testAssessmentInvalid(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "interviewer@example.org")
	x := assessment(a.ID, u.ID)
	e.createAssessments(x)
	tests := []struct {
		name  string
		fn    func(tx alliance.Tx) error
		field string
	}{
		{"unknown organisation", func(tx alliance.Tx) error {
			return tx.CreateAssessment(e.ctx, assessment(a.ID+1000, u.ID))
		}, "organisation"},
		{"unknown creator", func(tx alliance.Tx) error {
			return tx.CreateAssessment(e.ctx, assessment(a.ID, u.ID+1000))
		}, "user"},
		{"unknown status", func(tx alliance.Tx) error {
			return tx.CreateAssessment(e.ctx, assessment(a.ID, u.ID, func(y *alliance.Assessment) { y.Status = "closed" }))
		}, "status"},
		{"no status", func(tx alliance.Tx) error {
			return tx.CreateAssessment(e.ctx, assessment(a.ID, u.ID, func(y *alliance.Assessment) { y.Status = "" }))
		}, "status"},
		{"update to an unknown status", func(tx alliance.Tx) error {
			y := *x
			y.Status = "closed"
			return tx.UpdateAssessment(e.ctx, &y)
		}, "status"},
	}
	for _, tc := range tests {
		err := e.store.Update(e.ctx, tc.fn)
		wantCode(t, tc.name, err, alliance.CodeInvalid, tc.field)
		if err != nil && (strings.Contains(err.Error(), "recruiter") || strings.Contains(err.Error(), "passport")) {
			t.Errorf("%s: error %q repeats the answers or the result", tc.name, err)
		}
	}
	if n := count(t, e.raw(), `SELECT count(*) FROM assessments`); n != 1 {
		t.Errorf("assessments rows = %d after refused writes, want 1", n)
	}
	checkAssessment(t, e, e.store, x)
}

// testReencryptAssessments rotates the data key and checks that Reencrypt
// re-seals the answers and results with the users' fields, within its limit.
func testReencryptAssessments(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "interviewer@example.org")
	list := []*alliance.Assessment{assessment(a.ID, u.ID), assessment(a.ID, u.ID),
		assessment(a.ID, u.ID, func(x *alliance.Assessment) { x.Answers, x.Result = nil, nil })}
	e.createAssessments(list...)
	reencrypt(t, e, 0, 0)
	e.keys.Rotate()
	reencrypt(t, e, 3, 3) // the user's email and name, and one assessment value
	reencrypt(t, e, 0, 5) // 2 user values + 3 × 2 assessment values - 3
	reencrypt(t, e, 0, 0)
	for _, col := range []string{"answers", "result"} {
		rows, err := e.raw().QueryContext(e.ctx, `SELECT id, `+col+` FROM assessments`)
		if err != nil {
			t.Fatalf("read %s: %v", col, err)
		}
		for rows.Next() {
			var id int64
			var ct []byte
			if err := rows.Scan(&id, &ct); err != nil {
				t.Fatal(err)
			}
			if !e.keys.Current(ct) {
				t.Errorf("assessment %d %s is not sealed under the new key after Reencrypt", id, col)
			}
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			t.Fatal(err)
		}
	}
	for _, x := range list {
		x.Answers, x.Result = nonNil(x.Answers), nonNil(x.Result)
		checkAssessment(t, e, e.store, x)
	}
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// testReencryptKeepsAssessmentChange updates an assessment while Reencrypt is
// re-sealing its old answers: the update must survive.
func testReencryptKeepsAssessmentChange(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "interviewer@example.org")
	x := assessment(a.ID, u.ID)
	e.createAssessments(x)
	e.keys.Rotate()
	changed := *x
	changed.Answers = []byte(`{"q":"changed meanwhile"}`)
	hook := &hookKeys{Keys: e.keys, column: alliance.ColAssessmentAnswers}
	hook.onOpen = func() { e.update(func(tx alliance.Tx) error { return tx.UpdateAssessment(e.ctx, &changed) }) }
	e.store.UseKeys(hook, e.chain)
	// The user's two values are re-sealed; the update sealed both assessment
	// values anew, so neither old one is replaced. Re-sealing is no update: the
	// revision stays the one the concurrent update left.
	reencrypt(t, e, 0, 2)
	checkAssessment(t, e, e.store, &changed)
	reencrypt(t, e, 0, 0)
}

// testAssessmentConcurrentSaves runs read-merge-write transactions on one
// assessment at once, each adding its own answer, as an interview page does
// when an answer is sent while the page's form is saved. Reading the
// assessment inside Update must serialise them: every transaction commits,
// and every answer is kept.
func testAssessmentConcurrentSaves(t *testing.T, e *env) {
	org := e.org("Concurrent")
	u := e.user(org.ID, "concurrent@example.org")
	a := assessment(org.ID, u.ID, func(x *alliance.Assessment) { x.Answers = []byte("") })
	e.createAssessments(a)
	const savers = 8
	var wg sync.WaitGroup
	errs := make(chan error, savers)
	for i := range savers {
		wg.Go(func() {
			errs <- e.store.Update(e.ctx, func(tx alliance.Tx) error {
				cur, err := tx.Assessment(e.ctx, a.ID)
				if err != nil {
					return err
				}
				cur.Answers = append(cur.Answers, fmt.Sprintf("[%d]", i)...)
				return tx.UpdateAssessment(e.ctx, cur)
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent save: %v", err)
		}
	}
	got, err := e.store.Assessment(e.ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range savers {
		if !strings.Contains(string(got.Answers), fmt.Sprintf("[%d]", i)) {
			t.Errorf("answer %d lost: %q", i, got.Answers)
		}
	}
	if got.Revision != 1+savers {
		t.Errorf("Revision %d after %d saves, want %d", got.Revision, savers, 1+savers)
	}
}
