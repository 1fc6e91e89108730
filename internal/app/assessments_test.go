package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"alliance"
	"alliance/internal/apptest"
	"alliance/internal/indicator"
	"alliance/internal/interview"
	"alliance/internal/sqlite"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// screeningEnv is a service over a real SQLite store and vault, with two
// organisations and one member of each role.
type screeningEnv struct {
	t     *testing.T
	ctx   context.Context
	store *sqlite.Store
	svc   *Service
	now   time.Time

	caseworker, admin, analyst, viewer, superadmin, otherCaseworker Caller
}

func newScreeningEnv(t *testing.T) *screeningEnv {
	t.Helper()
	ctx := t.Context()
	e := &screeningEnv{t: t, ctx: ctx, store: apptest.Store(t), now: t0}
	e.svc = New(e.store, DefaultConfig(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	// Every call sees a later time, so that updates and completions can be told
	// apart from the start.
	e.svc.SetClock(func() time.Time { e.now = e.now.Add(time.Second); return e.now })
	orgA := e.org("Labour Inspectorate")
	orgB := e.org("Shelter Association")
	e.caseworker = e.member(orgA, "ana.pop@example.org", alliance.RoleCaseworker)
	e.admin = e.member(orgA, "admin@example.org", alliance.RoleAdmin)
	e.analyst = e.member(orgA, "analyst@example.org", alliance.RoleAnalyst)
	e.viewer = e.member(orgA, "viewer@example.org", alliance.RoleViewer)
	e.superadmin = e.member(orgA, "root@example.org", alliance.RoleSuperadmin)
	e.otherCaseworker = e.member(orgB, "ion.ionescu@example.org", alliance.RoleCaseworker)
	return e
}

func (e *screeningEnv) org(name string) int64 {
	e.t.Helper()
	o := &alliance.Organisation{Name: name, Type: alliance.OrgLabourInspectorate, Country: "RO", Languages: []string{"ro"}}
	if err := e.svc.CreateOrganisation(e.ctx, System(), o); err != nil {
		e.t.Fatalf("CreateOrganisation: %v", err)
	}
	return o.ID
}

// member creates a user and returns them as a caller who passed the second
// factor.
func (e *screeningEnv) member(orgID int64, email string, role alliance.Role) Caller {
	e.t.Helper()
	u, err := e.svc.CreateUser(e.ctx, System(), NewUser{OrgID: orgID, Email: email, Name: "Staff " + string(role),
		Role: role, Password: testPassword})
	if err != nil {
		e.t.Fatalf("CreateUser(%s): %v", role, err)
	}
	return Caller{Actor: alliance.Actor{UserID: u.ID, OrgID: u.OrgID, Role: u.Role, SecondFactor: true},
		RemoteAddr: "192.0.2.20"}
}

// start opens a screening as the caseworker, failing the test on an error.
func (e *screeningEnv) start(first AssessmentUpdate) *Screening {
	e.t.Helper()
	sc, err := e.svc.StartAssessment(e.ctx, e.caseworker, "ro", first)
	if err != nil {
		e.t.Fatalf("StartAssessment: %v", err)
	}
	return sc
}

func (e *screeningEnv) update(id int64, u AssessmentUpdate) *Screening {
	e.t.Helper()
	sc, err := e.svc.UpdateAssessment(e.ctx, e.caseworker, id, u)
	if err != nil {
		e.t.Fatalf("UpdateAssessment(%+v): %v", u, err)
	}
	return sc
}

// stored reads an assessment straight from the store, unaudited.
func (e *screeningEnv) stored(id int64) *alliance.Assessment {
	e.t.Helper()
	a, err := e.store.Assessment(e.ctx, id)
	if err != nil {
		e.t.Fatalf("store.Assessment(%d): %v", id, err)
	}
	return a
}

// storedAnswers decodes the answers stored with an assessment.
func (e *screeningEnv) storedAnswers(id int64) interview.Answers {
	e.t.Helper()
	var a interview.Answers
	if err := json.Unmarshal(e.stored(id).Answers, &a); err != nil {
		e.t.Fatalf("stored answers: %v", err)
	}
	return a
}

// count returns how many assessments the store holds for the caseworker's
// organisation.
func (e *screeningEnv) count() int {
	e.t.Helper()
	list, err := e.store.Assessments(e.ctx, alliance.AssessmentFilter{OrgID: e.caseworker.OrgID})
	if err != nil {
		e.t.Fatalf("store.Assessments: %v", err)
	}
	return len(list)
}

// audit returns the audit entries of act by c, oldest first.
func (e *screeningEnv) audit(c Caller, act alliance.Action) []alliance.AuditEntry {
	e.t.Helper()
	entries, err := e.store.AuditEntries(e.ctx, alliance.AuditFilter{ActorUserID: c.UserID, Limit: 1000})
	if err != nil {
		e.t.Fatalf("AuditEntries: %v", err)
	}
	var out []alliance.AuditEntry
	for i := len(entries) - 1; i >= 0; i-- {
		if entries[i].Action == string(act) {
			out = append(out, entries[i])
		}
	}
	return out
}

func wantCode(t *testing.T, what string, err error, want alliance.Code) {
	t.Helper()
	if got := alliance.ErrorCode(err); got != want {
		t.Errorf("%s: error %v (code %s), want code %s", what, err, got, want)
	}
}

func intp(n int) *int                  { return &n }
func boolp(b bool) *bool               { return &b }
func strp(s string) *string            { return &s }
func screeningID(sc *Screening) string { return strconv.FormatInt(sc.ID, 10) }

// wantResult checks that got is what the engine computes from answers with the
// builtin questionnaire, recomputed here independently of the service.
func wantResult(t *testing.T, q *interview.Questionnaire, answers interview.Answers, got indicator.Result, stored []byte) {
	t.Helper()
	want, err := indicator.Assess(q.Catalog(), q.Input(answers))
	if err != nil {
		t.Fatalf("Assess: %v", err)
	}
	if got.Trafficking != want.Trafficking {
		t.Errorf("Result.Trafficking = %v, want %v", got.Trafficking, want.Trafficking)
	}
	if got.CatalogVersion != want.CatalogVersion || got.Child != want.Child {
		t.Errorf("Result catalogue version, child = %q, %v; want %q, %v", got.CatalogVersion, got.Child, want.CatalogVersion, want.Child)
	}
	type dim struct {
		ID                   string
		Positive             bool
		Strong, Medium, Weak int
		Indicators           []string
		Unanswered           int
	}
	dims := func(r indicator.Result) []dim {
		var out []dim
		for _, d := range r.Dimensions {
			out = append(out, dim{d.ID, d.Positive, d.Strong, d.Medium, d.Weak, d.Indicators, d.Unanswered})
		}
		return out
	}
	if diff := cmp.Diff(dims(want), dims(got)); diff != "" {
		t.Errorf("result dimensions (-want +got):\n%s", diff)
	}
	wantJSON, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(stored, wantJSON) {
		t.Errorf("stored result differs from the recomputed one:\nstored %s\nwant   %s", stored, wantJSON)
	}
}

func TestStartAssessment(t *testing.T) {
	e := newScreeningEnv(t)
	q := interview.Builtin()
	sc := e.start(AssessmentUpdate{})
	a := e.stored(sc.ID)
	if a.Status != alliance.AssessmentOpen || a.Revision != 1 || a.CreatedBy != e.caseworker.UserID ||
		a.OrgID != e.caseworker.OrgID || a.WorkerLang != "ro" || a.CompletedAt != nil {
		t.Errorf("stored status %q, revision %d, created by %d, org %d, language %q, completed %v; want open, 1, %d, %d, ro, nil",
			a.Status, a.Revision, a.CreatedBy, a.OrgID, a.WorkerLang, a.CompletedAt, e.caseworker.UserID, e.caseworker.OrgID)
	}
	if a.Catalog != q.Catalog().ID || a.CatalogVersion != q.Catalog().Version ||
		a.Questionnaire != q.ID || a.QuestionnaireVersion != q.Version {
		t.Errorf("stored catalogue %s %s, questionnaire %s %s; want %s %s, %s %s", a.Catalog, a.CatalogVersion,
			a.Questionnaire, a.QuestionnaireVersion, q.Catalog().ID, q.Catalog().Version, q.ID, q.Version)
	}
	if a.Catalog == "" || a.CatalogVersion == "" || a.Questionnaire == "" || a.QuestionnaireVersion == "" {
		t.Errorf("stored catalogue or questionnaire id or version is empty: %+v", a)
	}
	if sc.Revision != 1 || sc.Status != alliance.AssessmentOpen || sc.Stale {
		t.Errorf("returned revision %d, status %q, stale %v; want 1, open, false", sc.Revision, sc.Status, sc.Stale)
	}
	wantResult(t, q, interview.Answers{}, sc.Result, a.Result)

	// Initial answers are applied and stored in the same call.
	first := AssessmentUpdate{Answers: interview.Answers{Questions: map[string]string{"rec.debt": interview.Yes, "work.long_hours": interview.No}},
		SetAge: true, Age: intp(34), Notes: strp("  met at the bus station  ")}
	sc2 := e.start(first)
	got := e.storedAnswers(sc2.ID)
	want := interview.Answers{Questions: first.Answers.Questions, Age: intp(34), Notes: "met at the bus station"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stored initial answers (-want +got):\n%s", diff)
	}
	if sc2.Revision != 1 {
		t.Errorf("revision after a start with answers = %d, want 1", sc2.Revision)
	}
	wantResult(t, q, want, sc2.Result, e.stored(sc2.ID).Result)

	list, err := e.svc.Assessments(e.ctx, e.caseworker, "")
	if err != nil {
		t.Fatalf("Assessments: %v", err)
	}
	if len(list) != 2 {
		t.Errorf("Assessments lists %d screenings, want 2", len(list))
	}
}

func TestStartAssessmentRefused(t *testing.T) {
	for _, tc := range []struct {
		name      string
		lang      string
		first     AssessmentUpdate
		wantField string
	}{
		{"unknown worker language", "xx", AssessmentUpdate{}, "worker_lang"},
		{"empty worker language", "", AssessmentUpdate{}, "worker_lang"},
		{"unknown question", "ro", AssessmentUpdate{Answers: interview.Answers{Questions: map[string]string{
			"rec.debt": interview.Yes, "no.such.question": interview.Yes}}}, "questions.no.such.question"},
		{"answer not one of the four", "ro", AssessmentUpdate{Answers: interview.Answers{Questions: map[string]string{
			"rec.debt": "maybe"}}}, "questions.rec.debt"},
		{"unknown indicator", "ro", AssessmentUpdate{Answers: interview.Answers{Indicators: map[string]string{
			"xx.nothing": indicator.Present}}}, "indicators.xx.nothing"},
		{"age out of range", "ro", AssessmentUpdate{SetAge: true, Age: intp(131)}, "age"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newScreeningEnv(t)
			sc, err := e.svc.StartAssessment(e.ctx, e.caseworker, tc.lang, tc.first)
			var ae *alliance.Error
			if sc != nil || !asError(err, &ae) || ae.Code != alliance.CodeInvalid || ae.Field != tc.wantField {
				t.Errorf("StartAssessment = %v, %v; want an invalid error on field %q", sc, err, tc.wantField)
			}
			list, err := e.svc.Assessments(e.ctx, e.caseworker, "")
			if err != nil {
				t.Fatalf("Assessments: %v", err)
			}
			if len(list) != 0 || e.count() != 0 {
				t.Errorf("after a refused start %d screenings are listed, %d stored; want none", len(list), e.count())
			}
			if n := len(e.audit(e.caseworker, alliance.ActAssessmentCreate)); n != 0 {
				t.Errorf("a refused start wrote %d assessment.create entries, want 0", n)
			}
		})
	}
}

func asError(err error, target **alliance.Error) bool { return errors.As(err, target) }

func TestUpdateAssessment(t *testing.T) {
	e := newScreeningEnv(t)
	q := interview.Builtin()
	sc := e.start(AssessmentUpdate{})
	steps := []struct {
		name string
		u    AssessmentUpdate
		want interview.Answers
	}{
		{"first answer", AssessmentUpdate{Answers: interview.Answers{Questions: map[string]string{"rec.debt": interview.Yes}}},
			interview.Answers{Questions: map[string]string{"rec.debt": interview.Yes}}},
		{"another question keeps the first", AssessmentUpdate{Answers: interview.Answers{Questions: map[string]string{"work.long_hours": interview.No}}},
			interview.Answers{Questions: map[string]string{"rec.debt": interview.Yes, "work.long_hours": interview.No}}},
		{"a changed answer replaces", AssessmentUpdate{Answers: interview.Answers{Questions: map[string]string{"work.long_hours": interview.Declined}}},
			interview.Answers{Questions: map[string]string{"rec.debt": interview.Yes, "work.long_hours": interview.Declined}}},
		{"an observation", AssessmentUpdate{Answers: interview.Answers{Indicators: map[string]string{"vd.personal": indicator.Present}}},
			interview.Answers{Questions: map[string]string{"rec.debt": interview.Yes, "work.long_hours": interview.Declined},
				Indicators: map[string]string{"vd.personal": indicator.Present}}},
		{"age, recruitment event and trimmed notes", AssessmentUpdate{SetAge: true, Age: intp(16), RecruitmentEvent: boolp(true),
			Notes: strp("\n  worked in a greenhouse \t")},
			interview.Answers{Questions: map[string]string{"rec.debt": interview.Yes, "work.long_hours": interview.Declined},
				Indicators: map[string]string{"vd.personal": indicator.Present}, Age: intp(16), RecruitmentEvent: true,
				Notes: "worked in a greenhouse"}},
		{"empty answers remove", AssessmentUpdate{Answers: interview.Answers{Questions: map[string]string{"rec.debt": ""},
			Indicators: map[string]string{"vd.personal": ""}}},
			interview.Answers{Questions: map[string]string{"work.long_hours": interview.Declined}, Age: intp(16),
				RecruitmentEvent: true, Notes: "worked in a greenhouse"}},
		{"unset fields are kept", AssessmentUpdate{},
			interview.Answers{Questions: map[string]string{"work.long_hours": interview.Declined}, Age: intp(16),
				RecruitmentEvent: true, Notes: "worked in a greenhouse"}},
		{"SetAge with nil clears the age", AssessmentUpdate{SetAge: true, RecruitmentEvent: boolp(false), Notes: strp("")},
			interview.Answers{Questions: map[string]string{"work.long_hours": interview.Declined}}},
		{"the current revision is accepted", AssessmentUpdate{Revision: 9, // replaced below by the current one
			Answers: interview.Answers{Questions: map[string]string{"jou.hurt": interview.Unknown}}},
			interview.Answers{Questions: map[string]string{"work.long_hours": interview.Declined, "jou.hurt": interview.Unknown}}},
	}
	rev := sc.Revision
	for _, st := range steps {
		if st.u.Revision != 0 {
			st.u.Revision = rev
		}
		got := e.update(sc.ID, st.u)
		rev++
		if got.Revision != rev {
			t.Errorf("%s: returned revision %d, want %d", st.name, got.Revision, rev)
		}
		if a := e.stored(sc.ID); a.Revision != rev || a.Status != alliance.AssessmentOpen {
			t.Errorf("%s: stored revision %d, status %q; want %d, open", st.name, a.Revision, a.Status, rev)
		}
		stored := e.storedAnswers(sc.ID)
		if diff := cmp.Diff(st.want, stored); diff != "" {
			t.Errorf("%s: stored answers (-want +got):\n%s", st.name, diff)
		}
		if diff := cmp.Diff(st.want, got.Answers, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: returned answers (-want +got):\n%s", st.name, diff)
		}
		read, err := e.svc.Assessment(e.ctx, e.caseworker, sc.ID)
		if err != nil {
			t.Fatalf("%s: Assessment: %v", st.name, err)
		}
		wantResult(t, q, st.want, read.Result, e.stored(sc.ID).Result)
	}

	// A stale revision, and refused answers, change nothing.
	before := e.stored(sc.ID)
	for _, tc := range []struct {
		name string
		u    AssessmentUpdate
		code alliance.Code
	}{
		{"stale revision", AssessmentUpdate{Revision: rev - 1, Answers: interview.Answers{Questions: map[string]string{"rec.debt": interview.Yes}}},
			alliance.CodeConflict},
		{"unknown question", AssessmentUpdate{Answers: interview.Answers{Questions: map[string]string{"rec.debt": interview.Yes, "no.such": interview.Yes}}},
			alliance.CodeInvalid},
		{"unknown worker language", AssessmentUpdate{WorkerLang: "xx", Notes: strp("changed")}, alliance.CodeInvalid},
		{"notes too long", AssessmentUpdate{Notes: strp(strings.Repeat("n", interview.MaxNotes+1))}, alliance.CodeInvalid},
	} {
		_, err := e.svc.UpdateAssessment(e.ctx, e.caseworker, sc.ID, tc.u)
		wantCode(t, tc.name, err, tc.code)
		if diff := cmp.Diff(before, e.stored(sc.ID)); diff != "" {
			t.Errorf("%s: the refused update changed the stored screening (-before +after):\n%s", tc.name, diff)
		}
	}
}

func TestAssessmentResult(t *testing.T) {
	yes := func(ids ...string) interview.Answers {
		a := interview.Answers{Questions: map[string]string{}}
		for _, id := range ids {
			a.Questions[id] = interview.Yes
		}
		return a
	}
	// Each pair is a strong and a medium indicator of one dimension, which the
	// rules make positive.
	recruitment := []string{"rec.job_different", "rec.pay_different"} // deceptive recruitment
	exploitation := []string{"work.long_hours", "work.little_pay"}    // exploitative conditions
	coercion := []string{"liv.papers_held", "work.pay_kept"}          // coercion at destination
	join := func(parts ...[]string) []string {
		var out []string
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	for _, tc := range []struct {
		name        string
		answers     interview.Answers
		trafficking bool
		positive    []string
	}{
		{"nothing answered", interview.Answers{}, false, nil},
		{"all three clauses", yes(join(recruitment, exploitation, coercion)...), true,
			[]string{"deceptive_recruitment", "exploitative_conditions", "coercion_at_destination"}},
		{"no coercion", yes(join(recruitment, exploitation)...), false,
			[]string{"deceptive_recruitment", "exploitative_conditions"}},
		{"no recruitment", yes(join(exploitation, coercion)...), false,
			[]string{"exploitative_conditions", "coercion_at_destination"}},
		{"one indicator short", yes(join(recruitment[:1], exploitation, coercion)...), false,
			[]string{"exploitative_conditions", "coercion_at_destination"}},
		{"observation completes the recruitment", func() interview.Answers {
			a := yes(join(recruitment[:1], exploitation, coercion)...)
			a.Indicators = map[string]string{"dr.conditions": indicator.Present}
			return a
		}(), true, []string{"deceptive_recruitment", "exploitative_conditions", "coercion_at_destination"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newScreeningEnv(t)
			q := interview.Builtin()
			sc := e.start(AssessmentUpdate{})
			e.update(sc.ID, AssessmentUpdate{Answers: tc.answers})
			read, err := e.svc.Assessment(e.ctx, e.caseworker, sc.ID)
			if err != nil {
				t.Fatalf("Assessment: %v", err)
			}
			if read.Result.Trafficking != tc.trafficking {
				t.Errorf("Trafficking = %v, want %v", read.Result.Trafficking, tc.trafficking)
			}
			var positive []string
			for _, d := range read.Result.Dimensions {
				if d.Positive {
					positive = append(positive, d.ID)
				}
			}
			if diff := cmp.Diff(tc.positive, positive, cmpSorted); diff != "" {
				t.Errorf("positive dimensions (-want +got):\n%s", diff)
			}
			wantResult(t, q, tc.answers, read.Result, e.stored(sc.ID).Result)
		})
	}
}

var cmpSorted = cmp.Transformer("sorted", func(in []string) map[string]bool {
	m := map[string]bool{}
	for _, s := range in {
		m[s] = true
	}
	return m
})

func TestCompleteAssessment(t *testing.T) {
	e := newScreeningEnv(t)
	sc := e.start(AssessmentUpdate{Answers: interview.Answers{Questions: map[string]string{"rec.debt": interview.Yes}}})
	done := e.update(sc.ID, AssessmentUpdate{Answers: interview.Answers{Questions: map[string]string{"work.hurt": interview.No}}, Complete: true})
	a := e.stored(sc.ID)
	if a.Status != alliance.AssessmentCompleted || done.Status != alliance.AssessmentCompleted {
		t.Errorf("status stored %q, returned %q; want completed", a.Status, done.Status)
	}
	if a.CompletedAt == nil || a.CompletedAt.Before(a.CreatedAt) || !a.CompletedAt.Equal(a.UpdatedAt) {
		t.Errorf("stored CompletedAt %v, CreatedAt %v, UpdatedAt %v; want it set, at the last update", a.CompletedAt, a.CreatedAt, a.UpdatedAt)
	}
	want := interview.Answers{Questions: map[string]string{"rec.debt": interview.Yes, "work.hurt": interview.No}}
	if diff := cmp.Diff(want, e.storedAnswers(sc.ID)); diff != "" {
		t.Errorf("answers stored with the completion (-want +got):\n%s", diff)
	}
	before := e.stored(sc.ID)
	for _, tc := range []struct {
		name string
		u    AssessmentUpdate
	}{
		{"change an answer", AssessmentUpdate{Answers: interview.Answers{Questions: map[string]string{"rec.debt": interview.No}}}},
		{"remove an answer", AssessmentUpdate{Answers: interview.Answers{Questions: map[string]string{"rec.debt": ""}}}},
		{"add an answer", AssessmentUpdate{Answers: interview.Answers{Questions: map[string]string{"jou.hurt": interview.Yes}}}},
		{"age", AssessmentUpdate{SetAge: true, Age: intp(15)}},
		{"notes", AssessmentUpdate{Notes: strp("afterthought")}},
		{"complete again", AssessmentUpdate{Complete: true}},
		{"nothing", AssessmentUpdate{}},
		{"with the current revision", AssessmentUpdate{Revision: before.Revision, Notes: strp("afterthought")}},
	} {
		_, err := e.svc.UpdateAssessment(e.ctx, e.caseworker, sc.ID, tc.u)
		wantCode(t, tc.name, err, alliance.CodeConflict)
		if diff := cmp.Diff(before, e.stored(sc.ID)); diff != "" {
			t.Errorf("%s: update of a completed screening changed it (-before +after):\n%s", tc.name, diff)
		}
	}
	if diff := cmp.Diff(want, e.storedAnswers(sc.ID)); diff != "" {
		t.Errorf("answers after refused updates (-want +got):\n%s", diff)
	}
}

// readData reads the files of a data directory of the source tree.
func readData(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, en := range entries {
		if en.IsDir() || filepath.Ext(en.Name()) != ".json" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, en.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[en.Name()] = b
	}
	return out
}

// withVersion returns the JSON document data with its top-level "version" set.
func withVersion(t *testing.T, data []byte, version string) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m["version"]; !ok {
		t.Fatalf("document has no version")
	}
	m["version"], _ = json.Marshal(version)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// questionnaire builds the questionnaire of the source tree, with the
// operational catalogue's version and the questionnaire's replaced when not
// empty.
func questionnaire(t *testing.T, catalogVersion, questionnaireVersion string) *interview.Questionnaire {
	t.Helper()
	builtin := interview.Builtin()
	var cats []*indicator.Catalog
	var rules []*indicator.Rules
	for name, data := range readData(t, filepath.Join("..", "indicator", "data")) {
		if strings.HasPrefix(name, "rules-") {
			r, err := indicator.ParseRules(data)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			rules = append(rules, r)
			continue
		}
		c, err := indicator.ParseCatalog(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if c.ID == builtin.Catalog().ID && catalogVersion != "" {
			if c, err = indicator.ParseCatalog(withVersion(t, data, catalogVersion)); err != nil {
				t.Fatalf("%s with version %s: %v", name, catalogVersion, err)
			}
		}
		cats = append(cats, c)
	}
	set, err := indicator.NewSet(cats, rules)
	if err != nil {
		t.Fatalf("NewSet: %v", err)
	}
	qdata, err := os.ReadFile(filepath.Join("..", "interview", "data", "questionnaire-ilo-ec-2009.json"))
	if err != nil {
		t.Fatal(err)
	}
	if questionnaireVersion != "" {
		qdata = withVersion(t, qdata, questionnaireVersion)
	}
	q, err := interview.Parse(qdata, readData(t, filepath.Join("..", "interview", "data", "lang")), set)
	if err != nil {
		t.Fatalf("interview.Parse: %v", err)
	}
	return q
}

func TestStaleAssessment(t *testing.T) {
	builtin := interview.Builtin()
	for _, tc := range []struct {
		name                         string
		catalogVersion, questVersion string
		wantOld, wantNew             string // named by the conflict
	}{
		{"new catalogue version", "2099.9", "", builtin.Catalog().Version, "2099.9"},
		{"new questionnaire version", "", "2099.7", builtin.Version, "2099.7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newScreeningEnv(t)
			answers := interview.Answers{Questions: map[string]string{"rec.job_different": interview.Yes, "rec.pay_different": interview.Yes}}
			old := e.start(AssessmentUpdate{Answers: answers})
			before := e.stored(old.ID)

			q := questionnaire(t, tc.catalogVersion, tc.questVersion)
			if q.Catalog().Version == builtin.Catalog().Version && q.Version == builtin.Version {
				t.Fatalf("the new questionnaire has the builtin's versions")
			}
			e.svc.SetInterview(q, interview.BuiltinNextSteps())

			read, err := e.svc.Assessment(e.ctx, e.caseworker, old.ID)
			if err != nil {
				t.Fatalf("Assessment: %v", err)
			}
			if !read.Stale {
				t.Errorf("Stale = false for a screening of %s %s under %s %s", before.CatalogVersion, before.QuestionnaireVersion,
					q.Catalog().Version, q.Version)
			}
			if read.CatalogVersion != before.CatalogVersion || read.QuestionnaireVersion != before.QuestionnaireVersion ||
				read.Result.CatalogVersion != builtin.Catalog().Version {
				t.Errorf("read catalogue %s, questionnaire %s, result catalogue %s; want the stored %s, %s, %s",
					read.CatalogVersion, read.QuestionnaireVersion, read.Result.CatalogVersion,
					before.CatalogVersion, before.QuestionnaireVersion, builtin.Catalog().Version)
			}
			if diff := cmp.Diff(old.Result, read.Result); diff != "" {
				t.Errorf("the result of a stale screening changed (-at start +read):\n%s", diff)
			}

			for _, u := range []AssessmentUpdate{
				{Answers: interview.Answers{Questions: map[string]string{"work.long_hours": interview.Yes}}},
				{Complete: true},
				{},
			} {
				_, err = e.svc.UpdateAssessment(e.ctx, e.caseworker, old.ID, u)
				wantCode(t, "update of a stale screening", err, alliance.CodeConflict)
				if msg := alliance.ErrorMessage(err); !strings.Contains(msg, tc.wantOld) || !strings.Contains(msg, tc.wantNew) {
					t.Errorf("conflict %q does not name both %s and %s", msg, tc.wantOld, tc.wantNew)
				}
				if diff := cmp.Diff(before, e.stored(old.ID)); diff != "" {
					t.Errorf("update of a stale screening changed it (-before +after):\n%s", diff)
				}
			}

			// A screening started now records the new versions and goes on.
			fresh := e.start(AssessmentUpdate{})
			if fresh.Stale || fresh.CatalogVersion != q.Catalog().Version || fresh.QuestionnaireVersion != q.Version {
				t.Errorf("new screening: stale %v, versions %s %s; want false, %s %s", fresh.Stale,
					fresh.CatalogVersion, fresh.QuestionnaireVersion, q.Catalog().Version, q.Version)
			}
			up := e.update(fresh.ID, AssessmentUpdate{Answers: answers})
			if up.Result.CatalogVersion != q.Catalog().Version {
				t.Errorf("new screening's result catalogue version %s, want %s", up.Result.CatalogVersion, q.Catalog().Version)
			}
		})
	}
}

func TestAssessmentPolicy(t *testing.T) {
	e := newScreeningEnv(t)
	sc := e.start(AssessmentUpdate{Answers: interview.Answers{Questions: map[string]string{"rec.debt": interview.Yes}}})
	const missing = 987654
	type op func(c Caller) error
	list := func(c Caller) error { _, err := e.svc.Assessments(e.ctx, c, ""); return err }
	read := func(id int64) op {
		return func(c Caller) error { _, err := e.svc.Assessment(e.ctx, c, id); return err }
	}
	update := func(id int64) op {
		return func(c Caller) error {
			_, err := e.svc.UpdateAssessment(e.ctx, c, id, AssessmentUpdate{Answers: interview.Answers{Questions: map[string]string{"rec.debt": interview.No}}})
			return err
		}
	}
	start := func(c Caller) error { _, err := e.svc.StartAssessment(e.ctx, c, "ro", AssessmentUpdate{}); return err }
	noSecondFactor := e.caseworker
	noSecondFactor.SecondFactor = false
	const ok = alliance.Code("")
	for _, tc := range []struct {
		name   string
		caller Caller
		op     op
		want   alliance.Code
	}{
		{"caseworker lists", e.caseworker, list, ok},
		{"caseworker reads", e.caseworker, read(sc.ID), ok},
		{"admin reads", e.admin, read(sc.ID), ok},
		{"analyst lists", e.analyst, list, alliance.CodeForbidden},
		{"analyst reads", e.analyst, read(sc.ID), alliance.CodeForbidden},
		{"analyst updates", e.analyst, update(sc.ID), alliance.CodeForbidden},
		{"analyst starts", e.analyst, start, alliance.CodeForbidden},
		{"viewer lists", e.viewer, list, ok},
		{"viewer reads", e.viewer, read(sc.ID), ok},
		{"viewer updates", e.viewer, update(sc.ID), alliance.CodeForbidden},
		{"viewer starts", e.viewer, start, alliance.CodeForbidden},
		{"other organisation reads", e.otherCaseworker, read(sc.ID), alliance.CodeForbidden},
		{"other organisation updates", e.otherCaseworker, update(sc.ID), alliance.CodeForbidden},
		{"caseworker reads a missing id", e.caseworker, read(missing), alliance.CodeForbidden},
		{"caseworker updates a missing id", e.caseworker, update(missing), alliance.CodeForbidden},
		{"superadmin lists", e.superadmin, list, alliance.CodeForbidden},
		{"superadmin reads", e.superadmin, read(sc.ID), alliance.CodeForbidden},
		{"superadmin updates", e.superadmin, update(sc.ID), alliance.CodeForbidden},
		{"superadmin starts", e.superadmin, start, alliance.CodeForbidden},
		{"caseworker without second factor reads", noSecondFactor, read(sc.ID), alliance.CodeForbidden},
	} {
		before := e.stored(sc.ID)
		n := e.count()
		err := tc.op(tc.caller)
		if tc.want == ok {
			if err != nil {
				t.Errorf("%s: %v, want success", tc.name, err)
			}
			continue
		}
		wantCode(t, tc.name, err, tc.want)
		if diff := cmp.Diff(before, e.stored(sc.ID)); diff != "" {
			t.Errorf("%s: the refused call changed the screening (-before +after):\n%s", tc.name, diff)
		}
		if e.count() != n {
			t.Errorf("%s: the refused call changed the number of screenings from %d to %d", tc.name, n, e.count())
		}
	}
	// Another organisation's caseworker is answered the same for a missing id
	// and an existing one of another organisation: ids cannot be probed.
	for _, op := range []struct {
		name            string
		existing, other op
	}{{"read", read(sc.ID), read(missing)}, {"update", update(sc.ID), update(missing)}} {
		errExisting, errMissing := op.existing(e.otherCaseworker), op.other(e.otherCaseworker)
		if alliance.ErrorCode(errExisting) != alliance.ErrorCode(errMissing) || alliance.ErrorCode(errMissing) != alliance.CodeForbidden {
			t.Errorf("%s by another organisation: existing %v, missing %v; want the same forbidden answer", op.name, errExisting, errMissing)
		}
	}
	// The other organisation's list does not show the screening.
	other, err := e.svc.Assessments(e.ctx, e.otherCaseworker, "")
	if err != nil || len(other) != 0 {
		t.Errorf("another organisation's list = %d screenings, %v; want none", len(other), err)
	}
}

func TestAssessmentAudit(t *testing.T) {
	e := newScreeningEnv(t)
	const notes = "she cried when asked about the passport"
	first := AssessmentUpdate{Answers: interview.Answers{Questions: map[string]string{"rec.debt": interview.Yes}}, Notes: strp(notes)}
	sc := e.start(first)
	creates := e.audit(e.caseworker, alliance.ActAssessmentCreate)
	if len(creates) != 1 {
		t.Fatalf("%d assessment.create entries, want 1", len(creates))
	}
	c := creates[0]
	if c.Outcome != alliance.OutcomeSuccess || c.ResourceType != "assessment" || c.ResourceID != screeningID(sc) || c.ResourceOrg != e.caseworker.OrgID {
		t.Errorf("create entry %+v; want success on assessment %s of org %d", c, screeningID(sc), e.caseworker.OrgID)
	}

	if _, err := e.svc.Assessment(e.ctx, e.caseworker, sc.ID); err != nil {
		t.Fatalf("Assessment: %v", err)
	}
	reads := e.audit(e.caseworker, alliance.ActAssessmentRead)
	if len(reads) != 1 || reads[0].Outcome != alliance.OutcomeSuccess || reads[0].ResourceID != screeningID(sc) {
		t.Errorf("read entries %+v; want one success on %s", reads, screeningID(sc))
	}

	u := AssessmentUpdate{
		Answers: interview.Answers{Questions: map[string]string{"work.long_hours": interview.Yes, "jou.hurt": interview.Declined},
			Indicators: map[string]string{"vd.personal": indicator.Present}},
		SetAge: true, Age: intp(17), Notes: strp(notes + " again"),
	}
	e.update(sc.ID, u)
	updates := e.audit(e.caseworker, alliance.ActAssessmentUpdate)
	if len(updates) != 1 || updates[0].Outcome != alliance.OutcomeSuccess || updates[0].ResourceID != screeningID(sc) {
		t.Fatalf("update entries %+v; want one success on %s", updates, screeningID(sc))
	}
	if d := updates[0].Detail; !strings.Contains(d, "2 answers") || !strings.Contains(d, "1 observations") {
		t.Errorf("update detail %q does not count 2 answers and 1 observation", d)
	}

	forbidden := []string{interview.Yes, interview.Declined, indicator.Present, notes, "passport", "17",
		"rec.debt", "work.long_hours", "jou.hurt", "vd.personal"}
	for _, en := range []alliance.AuditEntry{c, updates[0]} {
		for _, s := range forbidden {
			if strings.Contains(strings.ToLower(en.Detail), strings.ToLower(s)) {
				t.Errorf("%s detail %q contains %q", en.Action, en.Detail, s)
			}
		}
	}

	// A denied read is recorded as denied, for an existing and a missing id.
	for _, target := range []int64{sc.ID, 987654} {
		if _, err := e.svc.Assessment(e.ctx, e.analyst, target); alliance.ErrorCode(err) != alliance.CodeForbidden {
			t.Fatalf("analyst read of %d: %v, want forbidden", target, err)
		}
	}
	denied := e.audit(e.analyst, alliance.ActAssessmentRead)
	if len(denied) != 2 {
		t.Fatalf("analyst read entries %+v; want 2", denied)
	}
	for i, target := range []int64{sc.ID, 987654} {
		if en := denied[i]; en.Outcome != alliance.OutcomeDenied || en.ResourceID != strconv.FormatInt(target, 10) || en.ResourceType != "assessment" {
			t.Errorf("analyst read entry %+v; want denied on assessment %d", en, target)
		}
	}
	if denied[0].ResourceOrg != e.caseworker.OrgID {
		t.Errorf("denied read of an existing screening records resource org %d, want %d", denied[0].ResourceOrg, e.caseworker.OrgID)
	}
	// Another organisation's denied read is recorded too.
	if _, err := e.svc.Assessment(e.ctx, e.otherCaseworker, sc.ID); alliance.ErrorCode(err) != alliance.CodeForbidden {
		t.Fatalf("other organisation's read: %v, want forbidden", err)
	}
	if en := e.audit(e.otherCaseworker, alliance.ActAssessmentRead); len(en) != 1 || en[0].Outcome != alliance.OutcomeDenied {
		t.Errorf("other organisation's read entries %+v; want one denied", en)
	}
}
