package web

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestOpenAPIMatchesRoutes holds the hand-written OpenAPI document to the API
// routes actually registered, both ways.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	e := newTestEnv(t, testConfig())
	w := e.do("GET", "/api/v1/openapi.json", "", "", "")
	if w.Code != 200 {
		t.Fatalf("GET openapi.json: status %d", w.Code)
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi = %q, want 3.x", doc.OpenAPI)
	}
	var documented, registered []string
	for p, ops := range doc.Paths {
		for m := range ops {
			documented = append(documented, strings.ToUpper(m)+" "+p)
		}
	}
	for _, rt := range e.srv.routes {
		if rt.api {
			registered = append(registered, rt.method+" "+rt.pattern)
		}
	}
	sort.Strings(documented)
	sort.Strings(registered)
	if diff := cmp.Diff(registered, documented); diff != "" {
		t.Errorf("API routes (-registered +documented):\n%s", diff)
	}
}

func TestAPIErrors(t *testing.T) {
	e := newTestEnv(t, testConfig())
	s := e.session("superadmin@0")
	big := `{"name":"` + strings.Repeat("x", 2<<20) + `"}`
	tests := []struct {
		name, method, path, ctype, body string
		hdr                             []string
		status                          int
		code, msgHas                    string
	}{
		{"malformed JSON", "POST", "/api/v1/organisations", "application/json", `{"name":`, nil, 400, "invalid", "malformed JSON"},
		{"unknown field", "POST", "/api/v1/organisations", "application/json", `{"name":"A","colour":"red"}`, nil, 400, "invalid", "colour"},
		{"wrong type", "POST", "/api/v1/organisations", "application/json", `{"name":5}`, nil, 400, "invalid", "name"},
		{"two objects", "POST", "/api/v1/organisations", "application/json", `{} {}`, nil, 400, "invalid", "single JSON object"},
		{"empty body", "POST", "/api/v1/organisations", "application/json", ``, nil, 400, "invalid", "empty"},
		{"invalid country", "POST", "/api/v1/organisations", "application/json", `{"name":"A","type":"ngo","country":"QQ","languages":["en"]}`, nil, 400, "invalid", "country"},
		{"wrong content type", "POST", "/api/v1/organisations", "text/plain", `{}`, nil, 415, "unsupported_media_type", "application/json"},
		{"oversized body", "POST", "/api/v1/organisations", "application/json", big, nil, 413, "too_large", "larger than"},
		{"missing CSRF header", "POST", "/api/v1/tokens", "application/json", `{"name":"x"}`, []string{"X-CSRF-Token", ""}, 403, "forbidden", "reload"},
		{"cross-site origin", "POST", "/api/v1/tokens", "application/json", `{"name":"x"}`, []string{"Origin", "https://evil.example"}, 403, "forbidden", "cross-site"},
		{"not found", "GET", "/api/v1/organisations/999999", "", "", nil, 404, "not_found", ""},
		{"bad id", "GET", "/api/v1/users/abc", "", "", nil, 404, "not_found", ""},
		{"unknown API path", "GET", "/api/v1/nothing", "", "", nil, 404, "not_found", ""},
		{"bad limit", "GET", "/api/v1/organisations?limit=0", "", "", nil, 400, "invalid", "limit"},
		{"bad audit date", "GET", "/api/v1/audit?since=yesterday", "", "", nil, 400, "invalid", "since"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hdr := append([]string{"X-CSRF-Token", s.csrf}, tc.hdr...)
			w := e.do(tc.method, tc.path, s.cookie, tc.ctype, tc.body, hdr...)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d; body %s", w.Code, tc.status, w.Body.String())
			}
			var got struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
				t.Fatalf("error body is not the error shape: %v: %s", err, w.Body.String())
			}
			if got.Error.Code != tc.code {
				t.Errorf("code %q, want %q", got.Error.Code, tc.code)
			}
			if !strings.Contains(got.Error.Message, tc.msgHas) {
				t.Errorf("message %q does not mention %q", got.Error.Message, tc.msgHas)
			}
		})
	}
}

func TestAPITokenAuthAndPagination(t *testing.T) {
	e := newTestEnv(t, testConfig())
	s := e.session("admin@0")
	w := e.do("POST", "/api/v1/tokens", s.cookie, "application/json", `{"name":"script","days":1}`, "X-CSRF-Token", s.csrf)
	if w.Code != 201 {
		t.Fatalf("create token: %d %s", w.Code, w.Body)
	}
	var tok struct {
		ID    int64  `json:"id"`
		Token string `json:"token"`
	}
	json.Unmarshal(w.Body.Bytes(), &tok)
	bearer := func(path string) int {
		return e.do("GET", path, "", "", "", "Authorization", "Bearer "+tok.Token).Code
	}
	if got := bearer("/api/v1/me"); got != 200 {
		t.Fatalf("bearer /me: %d", got)
	}
	// pagination over the organisation's 5 users, 2 at a time
	var ids []float64
	cursor := ""
	for i := 0; i < 5; i++ {
		w := e.do("GET", "/api/v1/organisations/"+itoa(e.orgs[0].ID)+"/users?limit=2"+cursor, "", "", "", "Authorization", "Bearer "+tok.Token)
		var p struct {
			Items []map[string]any `json:"items"`
			Next  *int             `json:"next_cursor"`
		}
		json.Unmarshal(w.Body.Bytes(), &p)
		for _, u := range p.Items {
			ids = append(ids, u["id"].(float64))
		}
		if p.Next == nil {
			break
		}
		cursor = "&cursor=" + itoa(int64(*p.Next))
	}
	if len(ids) != 6 { // admin, caseworker, analyst, viewer, target, superadmin
		t.Errorf("paged through %d users, want 6", len(ids))
	}
	if w := e.do("DELETE", "/api/v1/tokens/"+itoa(tok.ID), s.cookie, "", "", "X-CSRF-Token", s.csrf); w.Code != 204 {
		t.Fatalf("revoke: %d", w.Code)
	}
	if got := bearer("/api/v1/me"); got != 401 {
		t.Errorf("revoked token: status %d, want 401", got)
	}
	if got := e.do("GET", "/api/v1/me", "", "", "", "Authorization", "Bearer alt_nonsense").Code; got != 401 {
		t.Errorf("unknown token: status %d, want 401", got)
	}
}
