package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"alliance"
	"alliance/internal/indicator"
	"alliance/internal/interview"
)

// FuzzDecodeJSON feeds arbitrary request bodies to the API's JSON reader: it must
// never panic, and every refusal must be an invalid-input error naming a field.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"name":"A","type":"ngo","country":"DE","languages":["en"]}`, `{`, `[]`, `{"x":1}`, `{"name":5}`, `{} {}`, ``, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest("POST", "/", strings.NewReader(string(body)))
		r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 1<<16)
		var in orgInput
		err := decodeJSON(r, &in)
		if err == nil {
			return
		}
		var mbe *http.MaxBytesError
		var ae *alliance.Error
		if errors.As(err, &mbe) {
			return
		}
		if !errors.As(err, &ae) || ae.Code != alliance.CodeInvalid || ae.Field == "" {
			t.Errorf("decodeJSON(%q) = %v; want an invalid-input error with a field", body, err)
		}
	})
}

// FuzzAuditFilter feeds arbitrary query strings to the audit filter parser.
func FuzzAuditFilter(f *testing.F) {
	for _, s := range []string{"user=1&since=2026-01-01", "limit=0", "before=x", "until=2026-13-01", "org=%zz", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		r := httptest.NewRequest("GET", "/audit", nil)
		r.URL.RawQuery = q
		flt, _, err := auditFilter(r)
		if err != nil {
			if alliance.ErrorCode(err) != alliance.CodeInvalid {
				t.Errorf("auditFilter(%q): %v, want an invalid-input error", q, err)
			}
			return
		}
		if flt.Limit < 1 || flt.Limit > 500 {
			t.Errorf("auditFilter(%q) accepted limit %d", q, flt.Limit)
		}
	})
}

// FuzzSafeNext checks that no redirect target leaves the site.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/account", "//evil.example", "https://evil.example", `/\evil`, "", "/a?b=c", "/\t/evil.example"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.ContainsAny(got, "\\\t\r\n") {
			t.Errorf("safeNext(%q) = %q leaves the site", next, got)
		}
	})
}

// FuzzAssessmentPatch feeds arbitrary bodies to the reader of POST and PATCH
// /api/v1/assessments and the answers it accepts to the questionnaire's
// check: nothing panics, a refusal is an invalid-input error naming a field,
// and answers that pass the check can be assessed.
func FuzzAssessmentPatch(f *testing.F) {
	for _, s := range []string{
		`{"worker_lang":"ar","answers":{"questions":{"rec.debt":"yes"}},"age":30}`,
		`{"answers":{"indicators":{"vr.family":"present"}},"age":null,"notes":"x","complete":true}`,
		`{"age":"old"}`, `{"age":1e400}`, `{"answers":{"questions":{"":""}}}`, `{"revision":-1}`, `{`,
	} {
		f.Add([]byte(s))
	}
	q := interview.Builtin()
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest("PATCH", "/", strings.NewReader(string(body)))
		r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 1<<16)
		_, u, err := readPatch(r)
		if err != nil {
			var mbe *http.MaxBytesError
			var ae *alliance.Error
			if !errors.As(err, &mbe) && (!errors.As(err, &ae) || ae.Code != alliance.CodeInvalid || ae.Field == "") {
				t.Errorf("readPatch(%q) = %v; want an invalid-input error with a field", body, err)
			}
			return
		}
		a := interview.Merge(interview.Answers{}, u.Answers)
		if u.SetAge {
			a.Age = u.Age
		}
		if q.Check(a) != nil {
			return
		}
		if _, err := indicator.Assess(q.Catalog(), q.Input(a)); err != nil {
			t.Errorf("checked answers %+v do not assess: %v", a, err)
		}
	})
}
