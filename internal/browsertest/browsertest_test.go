package browsertest

import (
	"bytes"
	"fmt"
	"html/template"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/network"
)

// strictCSP is the policy that the web interface sends; the harness must work
// under it.
const strictCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// pixelPNG is a 1×1 transparent PNG.
var pixelPNG = func() []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewNRGBA(image.Rect(0, 0, 1, 1))); err != nil {
		panic(err)
	}
	return buf.Bytes()
}()

var pages = template.Must(template.New("").Parse(`
{{define "top"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.}}</title>
<link rel="stylesheet" href="/style.css"></head><body><main><h1>{{.}}</h1>{{end}}
{{define "bottom"}}</main></body></html>{{end}}

{{define "form"}}{{template "top" "Greeting"}}
<form method="post" action="/greet">
<label for="name">Name</label> <input id="name" name="name" autocomplete="name">
<label for="lang">Language</label>
<select id="lang" name="lang"><option value="en">English</option><option value="fr">Français</option></select>
<label for="born">Date of birth</label> <input type="date" id="born" name="born">
<button type="submit">Greet</button>
</form>{{template "bottom"}}{{end}}

{{define "hello"}}{{template "top" "Hello"}}
<p id="greeting">Hello, {{.Name}}</p><p id="lang">{{.Lang}}</p><p id="born">{{.Born}}</p>{{template "bottom"}}{{end}}

{{define "faulty"}}{{template "top" "Faulty"}}
<img src="/pixel.png"><input name="q">{{template "bottom"}}{{end}}

{{define "foreign"}}{{template "top" "Foreign"}}
<script>document.title = "inline script ran";</script>
<img src="{{.}}/pixel.png" alt="pixel">{{template "bottom"}}{{end}}
`))

// testSite is the server under test and a second, foreign host.
type testSite struct {
	URL        string
	ForeignURL string
	foreignHit atomic.Int32 // requests that reached the foreign host
}

func newTestSite(t *testing.T) *testSite {
	t.Helper()
	site := &testSite{}
	foreign := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		site.foreignHit.Add(1)
		w.Header().Set("Content-Type", "image/png")
		w.Write(pixelPNG)
	}))
	t.Cleanup(foreign.Close)
	site.ForeignURL = foreign.URL
	srv := httptest.NewServer(site.routes())
	t.Cleanup(srv.Close)
	site.URL = srv.URL
	return site
}

func (s *testSite) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.page("form", nil))
	mux.HandleFunc("GET /faulty", s.page("faulty", nil))
	mux.HandleFunc("GET /csp", s.page("foreign", func() any { return s.ForeignURL }))
	mux.HandleFunc("GET /hello", func(w http.ResponseWriter, r *http.Request) {
		data := struct{ Name, Lang, Born string }{r.FormValue("name"), r.FormValue("lang"), r.FormValue("born")}
		s.page("hello", func() any { return data })(w, r)
	})
	mux.HandleFunc("POST /greet", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "s1", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		q := url.Values{"name": {r.FormValue("name")}, "lang": {r.FormValue("lang")}, "born": {r.FormValue("born")}}
		http.Redirect(w, r, "/hello?"+q.Encode(), http.StatusSeeOther)
	})
	mux.HandleFunc("GET /style.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		fmt.Fprint(w, "body { font-family: sans-serif; color: #111; background: #fff; }")
	})
	mux.HandleFunc("GET /pixel.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(pixelPNG)
	})
	return withCSP(mux)
}

// page renders a template with the data that data returns.
func (s *testSite) page(name string, data func() any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var d any
		if data != nil {
			d = data()
		}
		var buf bytes.Buffer
		if err := pages.ExecuteTemplate(&buf, name, d); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(buf.Bytes())
	}
}

// withCSP sends the strict policy with every response except those of
// /leaky, which shows what the harness sees when no policy protects a page.
func withCSP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/leaky" {
			w.Header().Set("Content-Security-Policy", strictCSP)
		} else {
			r.URL.Path = "/csp"
		}
		next.ServeHTTP(w, r)
	})
}

func TestBrowser(t *testing.T) {
	site := newTestSite(t)
	b := New(t)

	t.Run("fill and submit a form", func(t *testing.T) { testForm(t, b, site) })
	t.Run("accessible page passes axe", func(t *testing.T) { testAccessible(t, b, site) })
	t.Run("faulty page fails axe", func(t *testing.T) { testFaulty(t, b, site) })
	t.Run("CSP violations and foreign requests are recorded", func(t *testing.T) { testCSP(t, b, site) })
	t.Run("foreign requests without CSP are recorded", func(t *testing.T) { testLeaky(t, b, site) })
	t.Run("tabs share no cookies", func(t *testing.T) { testIsolation(t, b, site) })
}

func testForm(t *testing.T, b *Browser, site *testSite) {
	tab := b.NewTab(t)
	tab.Navigate(site.URL + "/")
	if got, want := tab.Title(), "Greeting"; got != want {
		t.Errorf("Title() = %q, want %q", got, want)
	}
	tab.Fill("#name", "Амина Ñusta")
	tab.Fill("#lang", "fr")
	tab.Fill("#born", "1990-02-28")
	tab.Submit("button[type=submit]")

	if got, want := tab.Text("#greeting"), "Hello, Амина Ñusta"; got != want {
		t.Errorf("Text(#greeting) = %q, want %q", got, want)
	}
	for sel, want := range map[string]string{"#lang": "fr", "#born": "1990-02-28"} {
		if got := tab.Text(sel); got != want {
			t.Errorf("Text(%s) = %q, want %q", sel, got, want)
		}
	}
	if got := tab.URL(); !strings.HasPrefix(got, site.URL+"/hello?") {
		t.Errorf("URL() = %q, want the /hello page after the redirect", got)
	}
	if got := tab.Status(); got != http.StatusOK {
		t.Errorf("Status() = %d, want 200", got)
	}
	if !tab.Exists("#greeting") || tab.Exists("#missing") {
		t.Errorf("Exists: want #greeting present and #missing absent")
	}
	if got := tab.HTML(); !strings.Contains(got, `<p id="greeting">`) {
		t.Errorf("HTML() lacks the greeting paragraph:\n%s", got)
	}
	testEvalCookiesScreenshot(t, tab)
	if errs := tab.ConsoleErrors(); len(errs) != 0 {
		t.Errorf("ConsoleErrors() = %q, want none", errs)
	}
	if got := tab.ForeignRequests(site.URL); len(got) != 0 {
		t.Errorf("ForeignRequests() = %q, want none", got)
	}
}

func testEvalCookiesScreenshot(t *testing.T, tab *Tab) {
	var n int
	tab.Eval(`new Promise(resolve => resolve(document.querySelectorAll("p").length))`, &n)
	if n != 3 {
		t.Errorf("Eval counted %d paragraphs, want 3", n)
	}
	cookies := tab.Cookies()
	if len(cookies) != 1 || cookies[0].Name != "session" || !cookies[0].HTTPOnly {
		t.Errorf("Cookies() = %q, want the HttpOnly session cookie", cookieNames(cookies))
	}
	path := filepath.Join(t.TempDir(), "page.png")
	tab.Screenshot(path)
	shot, err := os.ReadFile(path)
	if err != nil || !bytes.HasPrefix(shot, []byte("\x89PNG")) {
		t.Errorf("Screenshot wrote no PNG: %v", err)
	}
}

func testAccessible(t *testing.T, b *Browser, site *testSite) {
	tab := b.NewTab(t)
	tab.Navigate(site.URL + "/")
	if v := tab.Axe(); len(v) != 0 {
		t.Errorf("Axe() on an accessible page found %d violations:\n%s", len(v), joinViolations(v))
	}
	// A second run reuses the library that the first one loaded.
	if v := SeriousViolations(tab.Axe()); len(v) != 0 {
		t.Errorf("second Axe() found serious violations:\n%s", joinViolations(v))
	}
}

func testFaulty(t *testing.T, b *Browser, site *testSite) {
	tab := b.NewTab(t)
	tab.Navigate(site.URL + "/faulty")
	serious := SeriousViolations(tab.Axe())
	var ids []string
	for _, v := range serious {
		ids = append(ids, v.ID)
		if len(v.Targets) == 0 || v.Help == "" {
			t.Errorf("violation %s lacks its targets or help: %+v", v.ID, v)
		}
	}
	for _, want := range []string{"image-alt", "label"} {
		if !slices.Contains(ids, want) {
			t.Errorf("serious violations = %q, want %q among them", ids, want)
		}
	}
}

func testCSP(t *testing.T, b *Browser, site *testSite) {
	tab := b.NewTab(t)
	tab.Navigate(site.URL + "/csp")
	if got := tab.Title(); got != "Foreign" {
		t.Errorf("Title() = %q: the inline script ran despite script-src 'self'", got)
	}
	errs := tab.ConsoleErrors()
	if !containsText(errs, "Content Security Policy") {
		t.Errorf("ConsoleErrors() = %q, want the CSP violations", errs)
	}
	foreign := site.ForeignURL + "/pixel.png"
	if got := tab.ForeignRequests(site.URL); !slices.Contains(got, foreign) {
		t.Errorf("ForeignRequests() = %q, want %q", got, foreign)
	}
	if got := tab.FailedRequests(); !containsText(got, "blocked: csp") {
		t.Errorf("FailedRequests() = %q, want the image blocked by CSP", got)
	}
	if n := site.foreignHit.Load(); n != 0 {
		t.Errorf("the foreign host got %d requests through the CSP", n)
	}
	if got := tab.ForeignRequests(site.ForeignURL); slices.Contains(got, foreign) {
		t.Errorf("ForeignRequests(%s) reports a request to that very host", site.ForeignURL)
	}
}

func testLeaky(t *testing.T, b *Browser, site *testSite) {
	tab := b.NewTab(t)
	tab.Navigate(site.URL + "/leaky")
	foreign := site.ForeignURL + "/pixel.png"
	if got := tab.ForeignRequests(site.URL); !slices.Contains(got, foreign) {
		t.Errorf("ForeignRequests() = %q, want %q", got, foreign)
	}
	if errs := tab.ConsoleErrors(); len(errs) != 0 {
		t.Errorf("ConsoleErrors() = %q, want none on a page without a policy", errs)
	}
}

func testIsolation(t *testing.T, b *Browser, site *testSite) {
	first := b.NewTab(t)
	first.Navigate(site.URL + "/")
	first.Fill("#name", "A")
	first.Submit("button[type=submit]")
	if len(first.Cookies()) != 1 {
		t.Fatalf("the first tab got no session cookie")
	}
	second := b.NewTab(t)
	second.Navigate(site.URL + "/")
	if got := second.Cookies(); len(got) != 0 {
		t.Errorf("second tab Cookies() = %q, want none", cookieNames(got))
	}
}

func cookieNames(cookies []*network.Cookie) []string {
	var names []string
	for _, c := range cookies {
		names = append(names, c.Name)
	}
	return names
}

func containsText(list []string, sub string) bool {
	return slices.ContainsFunc(list, func(s string) bool { return strings.Contains(s, sub) })
}

func joinViolations(v []Violation) string {
	var b strings.Builder
	for _, x := range v {
		b.WriteString("  " + x.String() + "\n")
	}
	return b.String()
}
