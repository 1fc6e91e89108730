package web

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestDecisionsReflectionAndDeadlines(t *testing.T) {
	e := newTestEnv(t, testConfig())
	ngo := e.client(t, "caseworker@0")
	k := decodeCase(t, ngo.must(201, "POST", "/api/v1/cases", `{"person":{"given_name":"Ana","family_name":"Rusu"}}`))
	path := "/api/v1/cases/" + itoa(k.ID)
	org := itoa(e.orgs[0].ID)

	ngo.must(400, "POST", path+"/reflection/extensions", `{"days":10,"reason":"before any decision"}`)
	ngo.must(400, "POST", path+"/decisions", `{"kind":"maybe","outcome":"positive","decided_by":`+org+`,"decided_on":"2026-11-01"}`)
	ngo.must(400, "POST", path+"/decisions", `{"kind":"reasonable_grounds","outcome":"positive","decided_by":`+org+`,"decided_on":"1 Nov"}`)
	// Decided 35 days ago: a 30-day period has ended 6 days ago.
	today := time.Now().UTC()
	day := func(n int) string { return today.AddDate(0, 0, n).Format("2006-01-02") }
	ngo.must(201, "POST", path+"/decisions", `{"kind":"reasonable_grounds","outcome":"positive","decided_by":`+org+`,"decided_on":"`+day(-35)+`"}`)
	var got struct {
		Context struct {
			TraffickingStatus string `json:"trafficking_status"`
		} `json:"context"`
	}
	json.Unmarshal(ngo.must(200, "GET", path, ""), &got)
	if got.Context.TraffickingStatus != "PossibleVictimOfTrafficking" {
		t.Errorf("after a positive reasonable-grounds decision: %q", got.Context.TraffickingStatus)
	}
	deadlines := func() []map[string]any {
		var d struct{ Deadlines []map[string]any }
		json.Unmarshal(ngo.must(200, "GET", "/api/v1/deadlines", ""), &d)
		return d.Deadlines
	}
	if d := deadlines(); len(d) != 1 || d[0]["kind"] != "reflection_ends" || d[0]["date"] != day(-6) || d[0]["days_left"] != -6.0 {
		t.Errorf("a period that ended 6 days ago: %v", d)
	}
	// Extended by 10 days: it ends in 4 days.
	ngo.must(204, "POST", path+"/reflection/extensions", `{"days":10,"reason":"medical treatment continues"}`)
	var ds struct {
		Reflection struct {
			Start, End string
			Days       int
		}
	}
	json.Unmarshal(ngo.must(200, "GET", path+"/decisions", ""), &ds)
	if ds.Reflection.Start != day(-35) || ds.Reflection.End != day(4) || ds.Reflection.Days != 40 {
		t.Errorf("reflection %+v, want %s to %s, 40 days", ds.Reflection, day(-35), day(4))
	}
	if d := deadlines(); len(d) != 1 || d[0]["days_left"] != 4.0 {
		t.Errorf("a period ending in 4 days: %v", d)
	}
	if home := e.do("GET", "/", ngo.s.cookie, "", "").Body.String(); !strings.Contains(home, `id="deadlines"`) {
		t.Error("the home page does not show the deadlines")
	}
	// A conclusive decision ends the deadlines and sets the status.
	ngo.must(201, "POST", path+"/decisions", `{"kind":"conclusive_grounds","outcome":"positive","decided_by":`+org+`,"decided_on":"`+day(0)+`"}`)
	if d := deadlines(); len(d) != 0 {
		t.Errorf("after the conclusive decision: %v", d)
	}
	json.Unmarshal(ngo.must(200, "GET", path, ""), &got)
	if got.Context.TraffickingStatus != "ActualVictimOfTrafficking" {
		t.Errorf("after a positive conclusive decision: %q", got.Context.TraffickingStatus)
	}
	// Another organisation sees the decisions only when they are shared.
	e.client(t, "caseworker@1").must(403, "GET", path+"/decisions", "")
}

func TestPossibleDuplicates(t *testing.T) {
	e := newTestEnv(t, testConfig())
	ngo := e.client(t, "caseworker@0")
	k := decodeCase(t, ngo.must(201, "POST", "/api/v1/cases", `{"person":{"given_name":"Олена","family_name":"Ткаченко","birth_date":"1994-03-12"}}`))
	for _, tc := range []struct {
		name, person string
		found        bool
	}{
		{"transliterated", `{"given_name":"Olena","family_name":"Tkachenko","birth_date":"1994-03-12"}`, true},
		{"German habit, swapped, day and month swapped", `{"given_name":"Tkatschenko","family_name":"Olena","birth_date":"1994-12-03"}`, true},
		{"typo, year only", `{"given_name":"Olena","family_name":"Tkachencko","birth_date":"1994"}`, true},
		{"same name, another generation", `{"given_name":"Olena","family_name":"Tkachenko","birth_date":"1960-05-01"}`, false},
		{"another name", `{"given_name":"Ivan","family_name":"Petrenko","birth_date":"1994-03-12"}`, false},
	} {
		var d struct {
			Duplicates []struct {
				CaseID int64 `json:"case_id"`
			}
		}
		json.Unmarshal(ngo.must(200, "POST", "/api/v1/cases/duplicates", `{"person":`+tc.person+`}`), &d)
		if found := len(d.Duplicates) == 1 && d.Duplicates[0].CaseID == k.ID; found != tc.found {
			t.Errorf("%s: duplicates %+v, want found=%v", tc.name, d.Duplicates, tc.found)
		}
	}
	// Never across organisations.
	var d struct{ Duplicates []any }
	json.Unmarshal(e.client(t, "caseworker@1").must(200, "POST", "/api/v1/cases/duplicates", `{"person":{"given_name":"Olena","family_name":"Tkachenko"}}`), &d)
	if len(d.Duplicates) != 0 {
		t.Errorf("another organisation finds %v", d.Duplicates)
	}
	// The form says so before saving, and saves when told it is another person.
	form := url.Values{"given_name": {"Olena"}, "family_name": {"Tkachenko"}, "birth_date": {"1994-03"}}
	w := e.form("/cases", ngo.s.cookie, ngo.s.csrf, form)
	if w.Code != 409 || !strings.Contains(w.Body.String(), `id="duplicates"`) || !strings.Contains(w.Body.String(), "/cases/"+itoa(k.ID)) {
		t.Fatalf("possible duplicate: %d", w.Code)
	}
	form.Set("confirm_new", "on")
	if w := e.form("/cases", ngo.s.cookie, ngo.s.csrf, form); w.Code != 303 {
		t.Errorf("confirmed new person: %d", w.Code)
	}
}
