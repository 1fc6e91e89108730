package web

import (
	"testing"
)

// BenchmarkPageView serves the start page to a signed-in user through the whole
// handler stack (session, user, organisation, template), without the network.
func BenchmarkPageView(b *testing.B) {
	e := newTestEnv(b, testConfig())
	s := e.session("admin@0")
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if w := e.do("GET", "/", s.cookie, "", ""); w.Code != 200 {
				b.Errorf("status %d", w.Code)
			}
		}
	})
}

// BenchmarkAPIRead reads an organisation through the API with a token.
func BenchmarkAPIRead(b *testing.B) {
	e := newTestEnv(b, testConfig())
	s := e.session("admin@0")
	w := e.do("POST", "/api/v1/tokens", s.cookie, "application/json", `{"name":"bench"}`, "X-CSRF-Token", s.csrf)
	tok := tokenOf(b, w.Body.Bytes())
	path := "/api/v1/organisations/" + itoa(e.orgs[0].ID)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if w := e.do("GET", path, "", "", "", "Authorization", "Bearer "+tok); w.Code != 200 {
				b.Errorf("status %d", w.Code)
			}
		}
	})
}
