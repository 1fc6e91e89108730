package web

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"alliance/internal/indicator"
	"alliance/internal/interview"
)

// apiAssessment is the part of the API's assessment the tests read.
type apiAssessment struct {
	ID             int64             `json:"id"`
	Status         string            `json:"status"`
	Revision       int64             `json:"revision"`
	WorkerLang     string            `json:"worker_lang"`
	CatalogVersion string            `json:"catalog_version"`
	Stale          bool              `json:"stale"`
	Answers        interview.Answers `json:"answers"`
	Result         indicator.Result  `json:"result"`
}

func decodeAssessment(t *testing.T, body []byte) apiAssessment {
	t.Helper()
	var a apiAssessment
	if err := json.Unmarshal(body, &a); err != nil {
		t.Fatalf("assessment JSON: %v: %s", err, body)
	}
	return a
}

// traffickingAnswers answers "yes" to one question for each of deceptive
// recruitment (strong + medium), exploitative conditions (strong + medium)
// and coercion at destination (two strong): every clause of the formula.
var traffickingAnswers = map[string]string{
	"rec.job_different": "yes", "rec.pay_different": "yes",
	"work.long_hours": "yes", "work.little_pay": "yes",
	"liv.papers_held": "yes", "work.hurt": "yes",
}

func TestAPIAssessmentLifecycle(t *testing.T) {
	e := newTestEnv(t, testConfig())
	s := e.session("caseworker@0")
	hdr := []string{"X-CSRF-Token", s.csrf}
	send := func(method, path, body string) ([]byte, int) {
		w := e.do(method, path, s.cookie, "application/json", body, hdr...)
		return w.Body.Bytes(), w.Code
	}

	body, code := send("POST", "/api/v1/assessments", `{"worker_lang":"ar","answers":{"questions":{"rec.job_different":"yes"}}}`)
	if code != 201 {
		t.Fatalf("create: %d %s", code, body)
	}
	a := decodeAssessment(t, body)
	cat, _ := indicator.Builtin().Catalog(indicator.DefaultCatalog)
	if a.Status != "open" || a.WorkerLang != "ar" || a.CatalogVersion != cat.Version || a.Revision != 1 {
		t.Errorf("created %+v", a)
	}
	if a.Result.Dimensions[0].Strong != 1 || a.Result.Trafficking {
		t.Errorf("after one strong deceptive indicator: %+v", a.Result.Dimensions[0])
	}
	path := "/api/v1/assessments/" + itoa(a.ID)

	// Save answer by answer, as the interview page does.
	for q, v := range traffickingAnswers {
		if body, code := send("PATCH", path, `{"answers":{"questions":{"`+q+`":"`+v+`"}}}`); code != 200 {
			t.Fatalf("answer %s: %d %s", q, code, body)
		}
	}
	body, code = send("PATCH", path, `{"age":34,"notes":"  met at the bus station  "}`)
	if code != 200 {
		t.Fatalf("age: %d %s", code, body)
	}
	a = decodeAssessment(t, body)
	if !a.Result.Trafficking || len(a.Answers.Questions) != len(traffickingAnswers) || a.Answers.Age == nil || *a.Answers.Age != 34 || a.Answers.Notes != "met at the bus station" {
		t.Errorf("after all answers: trafficking %v, answers %+v", a.Result.Trafficking, a.Answers)
	}
	body, _ = send("GET", path+"?lang=fr", "")
	var steps struct {
		NextSteps []struct{ ID, Text string } `json:"next_steps"`
	}
	json.Unmarshal(body, &steps)
	var ids []string
	for _, st := range steps.NextSteps {
		ids = append(ids, st.ID)
		if st.ID == "refer_nrm" && !strings.Contains(st.Text, "mécanisme national") {
			t.Errorf("next step in French: %q", st.Text)
		}
	}
	if !slices.Contains(ids, "refer_nrm") || slices.Contains(ids, "continue_interview") || slices.Contains(ids, "child_protection") {
		t.Errorf("next steps for an adult presumed victim: %v", ids)
	}
	// An empty answer removes one; age null makes it unknown.
	body, _ = send("PATCH", path, `{"answers":{"questions":{"work.hurt":""}},"age":null}`)
	a = decodeAssessment(t, body)
	if _, ok := a.Answers.Questions["work.hurt"]; ok || a.Answers.Age != nil {
		t.Errorf("removal: %+v", a.Answers)
	}
	if a.Result.Trafficking {
		t.Error("coercion at destination is still positive with one strong indicator")
	}

	// Bad input names the field and changes nothing.
	for _, tc := range []struct{ body, field string }{
		{`{"answers":{"questions":{"rec.nothing":"yes"}}}`, "questions.rec.nothing"},
		{`{"answers":{"questions":{"rec.debt":"maybe"}}}`, "questions.rec.debt"},
		{`{"answers":{"indicators":{"vr.family":"sure"}}}`, "indicators.vr.family"},
		{`{"age":"old"}`, "age"},
		{`{"age":200}`, "age"},
		{`{"worker_lang":"xx"}`, "worker_lang"},
		{`{"revision":1}`, ""},
	} {
		body, code := send("PATCH", path, tc.body)
		if tc.field == "" {
			if code != 409 {
				t.Errorf("stale revision: %d %s", code, body)
			}
			continue
		}
		if code != 400 || !strings.Contains(string(body), tc.field) {
			t.Errorf("%s: %d %s, want 400 naming %s", tc.body, code, body, tc.field)
		}
	}
	body, _ = send("GET", path, "")
	if b := decodeAssessment(t, body); b.Revision != a.Revision {
		t.Errorf("refused changes moved the revision from %d to %d", a.Revision, b.Revision)
	}

	// Complete; then nothing changes.
	body, code = send("PATCH", path, `{"revision":`+itoa(a.Revision)+`,"complete":true}`)
	if code != 200 || decodeAssessment(t, body).Status != "completed" {
		t.Fatalf("complete: %d %s", code, body)
	}
	if _, code := send("PATCH", path, `{"answers":{"questions":{"work.hurt":"yes"}}}`); code != 409 {
		t.Errorf("update after completion: %d, want 409", code)
	}

	body, _ = send("GET", "/api/v1/assessments?status=completed", "")
	var list struct {
		Assessments []map[string]any `json:"assessments"`
	}
	json.Unmarshal(body, &list)
	if len(list.Assessments) != 1 || list.Assessments[0]["answers"] != nil {
		t.Errorf("completed list: %s", body)
	}
	if _, code := send("GET", "/api/v1/assessments?status=other", ""); code != 400 {
		t.Errorf("bad status filter: %d", code)
	}
	if body, code := send("POST", "/api/v1/assessments", `{"worker_lang":"en","answers":{"questions":{"nope":"yes"}}}`); code != 400 {
		t.Errorf("create with a bad answer: %d %s", code, body)
	}
	if _, code := send("POST", "/api/v1/assessments?lang=EN_", `{"worker_lang":"en"}`); code != 400 {
		t.Errorf("create with a malformed lang: %d", code)
	}
	if body, code := send("POST", "/api/v1/assessments", `{"worker_lang":"en","answers":{"age":30}}`); code != 400 || !strings.Contains(string(body), "age") {
		t.Errorf("age inside answers: %d %s, want 400 naming it", code, body)
	}
	body, _ = send("GET", "/api/v1/assessments", "")
	json.Unmarshal(body, &list)
	if len(list.Assessments) != 1 {
		t.Errorf("refused creates left %d assessments, want 1", len(list.Assessments))
	}
}

func TestAPICataloguesAndQuestionnaire(t *testing.T) {
	e := newTestEnv(t, testConfig())
	s := e.session("analyst@0")
	get := func(path string) ([]byte, int) {
		w := e.do("GET", path, s.cookie, "", "")
		return w.Body.Bytes(), w.Code
	}
	body, code := get("/api/v1/catalogues?lang=fr")
	if code != 200 {
		t.Fatalf("catalogues: %d %s", code, body)
	}
	var cats struct {
		Lang       string
		Catalogues []struct {
			ID         string
			Dimensions []struct{ ID, Label, Description string }
			Indicators []struct{ ID, Label string }
		}
	}
	json.Unmarshal(body, &cats)
	builtin := indicator.Builtin()
	if len(cats.Catalogues) != len(builtin.IDs()) {
		t.Fatalf("%d catalogues, want %d", len(cats.Catalogues), len(builtin.IDs()))
	}
	for _, c := range cats.Catalogues {
		bc, _ := builtin.Catalog(c.ID)
		for i, d := range c.Dimensions {
			if d.Label != bc.Dimensions[i].Labels.In("fr") || d.Label == bc.Dimensions[i].Labels["en"] {
				t.Errorf("%s: dimension %s label %q is not the French one", c.ID, d.ID, d.Label)
			}
		}
	}
	body, _ = get("/api/v1/catalogues?lang=sw") // no Swahili labels: English
	json.Unmarshal(body, &cats)
	if cats.Catalogues[0].Indicators[0].Label == "" {
		t.Error("fallback label is empty")
	}
	if _, code := get("/api/v1/catalogues?lang=not+a+tag"); code != 400 {
		t.Errorf("malformed lang: %d, want 400", code)
	}

	body, code = get("/api/v1/questionnaire?lang=ar")
	if code != 200 {
		t.Fatalf("questionnaire: %d %s", code, body)
	}
	var q struct {
		Language struct {
			Dir    string
			Review struct{ Reviewed bool }
		}
		Stages []struct {
			ID        string
			Questions []struct{ ID, Text string }
		}
		Languages []struct{ Tag string }
	}
	json.Unmarshal(body, &q)
	bq := interview.Builtin()
	if q.Language.Dir != "rtl" || q.Language.Review.Reviewed || len(q.Languages) != len(bq.Languages()) {
		t.Errorf("Arabic questionnaire: %+v", q.Language)
	}
	for _, st := range q.Stages {
		for _, qu := range st.Questions {
			if qu.Text != bq.Text("ar", "q."+qu.ID) || qu.Text == bq.Text("en", "q."+qu.ID) {
				t.Errorf("question %s: %q is not the Arabic text", qu.ID, qu.Text)
			}
		}
	}
	if _, code := get("/api/v1/questionnaire?lang=sw"); code != 400 {
		t.Errorf("a language without texts: %d, want 400", code)
	}
}

// TestScreeningPagesWithoutScript walks an interview through its forms alone,
// as a browser without JavaScript would, and reads the result page.
func TestScreeningPagesWithoutScript(t *testing.T) {
	e := newTestEnv(t, testConfig())
	s := e.session("caseworker@0")
	w := e.form("/screenings", s.cookie, s.csrf, url.Values{"worker_lang": {"uk"}})
	if w.Code != 303 {
		t.Fatalf("start: %d %s", w.Code, w.Body)
	}
	loc := w.Header().Get("Location")
	if !strings.Contains(loc, "stage=about") {
		t.Fatalf("start went to %s", loc)
	}
	page := e.do("GET", loc, s.cookie, "", "")
	q := interview.Builtin()
	html := page.Body.String()
	for _, want := range []string{templateEscape(q.Text("uk", "intro")), templateEscape(q.Text("en", "intro")), `lang="uk" dir="ltr"`, `id="review-flag"`} {
		if !strings.Contains(html, want) {
			t.Errorf("about stage lacks %q", want)
		}
	}
	id := strings.TrimPrefix(strings.Split(loc, "?")[0], "/screenings/")

	// A refused form is named and shows again what was typed on it.
	w = e.form("/screenings/"+id, s.cookie, s.csrf, url.Values{"stage": {"recruitment"}, "q.rec.job_different": {"yes"}, "q.rec.pay_different": {"perhaps"}, "go": {"before"}})
	if w.Code != 400 || !strings.Contains(w.Body.String(), `id="q-rec.pay_different" aria-invalid="true"`) ||
		!strings.Contains(w.Body.String(), `name="q.rec.job_different" value="yes" checked`) {
		t.Errorf("refused answer: %d\n%s", w.Code, w.Body)
	}
	w = e.form("/screenings/"+id, s.cookie, s.csrf, url.Values{"stage": {"about"}, "age": {"twelve"}, "go": {"recruitment"}})
	if w.Code != 400 || !strings.Contains(w.Body.String(), `aria-invalid="true"`) {
		t.Errorf("bad age: %d", w.Code)
	}
	// Notes are counted as the browser counts them: a line break is one character.
	notes := strings.Repeat("a\r\n", interview.MaxNotes/2)
	w = e.form("/screenings/"+id, s.cookie, s.csrf, url.Values{"stage": {"observations"}, "notes": {notes}, "go": {"observations"}})
	if w.Code != 303 {
		t.Errorf("notes of %d characters as the browser counts them: %d", interview.MaxNotes, w.Code)
	}
	w = e.form("/screenings/"+id, s.cookie, s.csrf, url.Values{"stage": {"about"}, "age": {"16"}, "go": {"recruitment"}})
	if w.Code != 303 || !strings.HasSuffix(w.Header().Get("Location"), "stage=recruitment") {
		t.Fatalf("about: %d %s", w.Code, w.Header().Get("Location"))
	}
	if page := e.do("GET", "/screenings/"+id+"?stage=about", s.cookie, "", "").Body.String(); !strings.Contains(page, `name="age" type="number" min="0" max="130" inputmode="numeric" value="16"`) {
		t.Error("the saved age is not shown")
	}
	// A viewer reads the interview but cannot answer: every field is
	// disabled and the page does not save.
	v := e.session("viewer@0")
	page = e.do("GET", "/screenings/"+id+"?stage=observations", v.cookie, "", "")
	vb := page.Body.String()
	if page.Code != 200 || !strings.Contains(vb, `data-can-edit="false"`) || strings.Contains(vb, `name="go"`) ||
		!strings.Contains(vb, `name="notes" rows="4" maxlength="4000" aria-describedby="notes-hint" disabled`) {
		t.Errorf("viewer's interview page: %d", page.Code)
	}
	vals := url.Values{"stage": {"work"}, "go": {"result"}}
	for qid, v := range traffickingAnswers {
		vals.Set("q."+qid, v)
	}
	w = e.form("/screenings/"+id, s.cookie, s.csrf, vals)
	if w.Code != 303 || !strings.HasSuffix(w.Header().Get("Location"), "/result") {
		t.Fatalf("save: %d %s", w.Code, w.Header().Get("Location"))
	}
	res := e.do("GET", "/screenings/"+id+"/result", s.cookie, "", "").Body.String()
	for _, want := range []string{
		"The indicators point to trafficking", "Under 18: inform the child protection service",
		"Refer the person to the National Referral Mechanism", "Deceptive recruitment", "Forced labour",
	} {
		if !strings.Contains(res, templateEscape(want)) {
			t.Errorf("result page lacks %q", want)
		}
	}
	// Completing closes the interview: its page sends to the result.
	if w := e.form("/screenings/"+id+"/complete", s.cookie, s.csrf, nil); w.Code != 303 {
		t.Fatalf("complete: %d", w.Code)
	}
	if w := e.do("GET", "/screenings/"+id+"?stage=work", s.cookie, "", ""); w.Code != 303 || !strings.HasSuffix(w.Header().Get("Location"), "/result") {
		t.Errorf("completed interview page: %d %s", w.Code, w.Header().Get("Location"))
	}
	list := e.do("GET", "/screenings", s.cookie, "", "").Body.String()
	if !strings.Contains(list, "/screenings/"+id+"/result") {
		t.Error("the completed screening is not listed")
	}
	if w := e.do("GET", "/screenings/"+id+"?stage=nowhere", s.cookie, "", ""); w.Code == 200 {
		t.Error("an unknown stage was served")
	}
}

// templateEscape escapes text as html/template does in element content.
func templateEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "'", "&#39;", "<", "&lt;", ">", "&gt;", `"`, "&#34;").Replace(s)
}
