package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"alliance"
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
