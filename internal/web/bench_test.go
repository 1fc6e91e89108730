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

// BenchmarkScreeningSave saves one answer of an interview through the API, as
// the page does at every click: session, policy, read, decrypt, merge, assess,
// encrypt, write and audit in one transaction.
func BenchmarkScreeningSave(b *testing.B) {
	e := newTestEnv(b, testConfig())
	s := e.session("caseworker@0")
	path := "/api/v1/assessments/" + itoa(e.screening(b, 0).ID)
	bodies := []string{`{"answers":{"questions":{"work.long_hours":"yes"}}}`, `{"answers":{"questions":{"work.long_hours":"no"}}}`}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if w := e.do("PATCH", path, s.cookie, "application/json", bodies[i%2], "X-CSRF-Token", s.csrf); w.Code != 200 {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}

// BenchmarkInterviewPage serves one stage of an interview (11 questions in two
// languages side by side).
func BenchmarkInterviewPage(b *testing.B) {
	e := newTestEnv(b, testConfig())
	s := e.session("caseworker@0")
	id := itoa(e.screening(b, 0).ID)
	if w := e.do("PATCH", "/api/v1/assessments/"+id, s.cookie, "application/json", `{"worker_lang":"ar"}`, "X-CSRF-Token", s.csrf); w.Code != 200 {
		b.Fatalf("switch to Arabic: %d", w.Code)
	}
	path := "/screenings/" + id + "?stage=treatment"
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if w := e.do("GET", path, s.cookie, "", ""); w.Code != 200 {
				b.Errorf("status %d", w.Code)
			}
		}
	})
}
