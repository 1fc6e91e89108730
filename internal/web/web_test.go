package web

import (
	"context"
	"encoding/json"
	"html/template"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"alliance"
	"alliance/internal/app"
)

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

func TestSecurityHeaders(t *testing.T) {
	e := newTestEnv(t, testConfig())
	w := e.do("GET", "/login", "", "", "")
	csp := w.Header().Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "frame-ancestors 'none'", "form-action 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if got := w.Header().Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q", got)
	}
	if strings.Contains(w.Body.String(), "http://") || strings.Contains(w.Body.String(), "https://") {
		t.Errorf("login page refers to another host:\n%s", w.Body.String())
	}
}

// TestLoginFormFlow signs in through the HTML form with its CSRF cookie.
func TestLoginFormFlow(t *testing.T) {
	e := newTestEnv(t, testConfig())
	get := e.do("GET", "/login", "", "", "")
	m := csrfField.FindStringSubmatch(get.Body.String())
	if m == nil {
		t.Fatal("login form has no CSRF field")
	}
	var csrfCookie string
	for _, c := range get.Result().Cookies() {
		if c.Name == loginCSRF {
			csrfCookie = c.Value
		}
	}
	post := func(token, cookie, password string) (int, string) {
		vals := url.Values{"csrf": {token}, "email": {"analyst0@example.org"}, "password": {password}, "next": {"/account"}}
		w := e.do("POST", "/login", "", "application/x-www-form-urlencoded", vals.Encode(), "Cookie", loginCSRF+"="+cookie)
		return w.Code, w.Header().Get("Location")
	}
	if code, _ := post("forged", csrfCookie, testPassword); code != 403 {
		t.Errorf("forged CSRF token: status %d, want 403", code)
	}
	if code, _ := post(m[1], csrfCookie, "wrong password!"); code != 401 {
		t.Errorf("wrong password: status %d, want 401", code)
	}
	code, loc := post(m[1], csrfCookie, testPassword)
	if code != 303 || loc != "/account" {
		t.Errorf("analyst sign-in: %d → %q, want 303 → /account (no second factor for analysts)", code, loc)
	}
}

func TestSecondFactorRequired(t *testing.T) {
	e := newTestEnv(t, testConfig())
	l, err := e.svc.Login(context.Background(), "caseworker0@example.org", testPassword, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	w := e.do("GET", "/account", l.Token, "", "")
	if w.Code != 303 || w.Header().Get("Location") != "/account/2fa" {
		t.Errorf("caseworker without second factor: %d → %q, want 303 → /account/2fa", w.Code, w.Header().Get("Location"))
	}
	if w := e.do("GET", "/api/v1/me", l.Token, "", ""); w.Code != 401 {
		t.Errorf("API with pending session: %d, want 401", w.Code)
	}
	w = e.do("GET", "/account/2fa", l.Token, "", "")
	if w.Code != 200 || !strings.Contains(w.Body.String(), `src="data:image/png;base64,`) {
		t.Errorf("enrolment page: %d, want 200 with an inline QR code", w.Code)
	}
}

func TestLockoutAndAudit(t *testing.T) {
	e := newTestEnv(t, testConfig())
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		if _, err := e.svc.Login(ctx, "viewer0@example.org", "not the password", "192.0.2.9"); alliance.ErrorCode(err) != alliance.CodeUnauthorised {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	if _, err := e.svc.Login(ctx, "viewer0@example.org", testPassword, "192.0.2.9"); alliance.ErrorCode(err) != alliance.CodeUnauthorised {
		t.Fatalf("right password while locked: %v, want the answer to a wrong password", err)
	}
	entries, err := e.store.AuditEntries(ctx, alliance.AuditFilter{ActorUserID: e.users["viewer@0"].ID, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	failures := 0
	for _, en := range entries {
		if en.Action == "login" && en.Outcome == alliance.OutcomeFailure && en.RemoteAddr == "192.0.2.9" {
			failures++
		}
	}
	if failures != 6 {
		t.Errorf("audited %d failed logins, want 6 (5 wrong passwords and 1 while locked)", failures)
	}
	// the lockout ends
	e.svc.SetClock(func() time.Time { return time.Now().Add(16 * time.Minute) })
	if _, err := e.svc.Login(ctx, "viewer0@example.org", testPassword, "192.0.2.9"); err != nil {
		t.Errorf("after the lockout: %v", err)
	}
}

func TestSessionTimeouts(t *testing.T) {
	e := newTestEnv(t, testConfig())
	s := e.session("analyst@0")
	if w := e.do("GET", "/account", s.cookie, "", ""); w.Code != 200 {
		t.Fatalf("fresh session: %d", w.Code)
	}
	e.svc.SetClock(func() time.Time { return time.Now().Add(31 * time.Minute) })
	if w := e.do("GET", "/account", s.cookie, "", ""); w.Code != 303 || !strings.HasPrefix(w.Header().Get("Location"), "/login") {
		t.Errorf("idle session: %d → %q, want redirect to /login", w.Code, w.Header().Get("Location"))
	}
}

func TestLogoutEverywhere(t *testing.T) {
	e := newTestEnv(t, testConfig())
	a := e.session("analyst@0")
	c2, _ := e.signIn("analyst@0")
	if w := e.form("/account/logout-everywhere", a.cookie, a.csrf, nil); w.Code != 303 {
		t.Fatalf("logout everywhere: %d", w.Code)
	}
	for _, c := range []string{a.cookie, c2} {
		if w := e.do("GET", "/account", c, "", ""); w.Code != 303 {
			t.Errorf("session after logout everywhere: %d, want redirect", w.Code)
		}
	}
}

func TestFormCSRF(t *testing.T) {
	e := newTestEnv(t, testConfig())
	s := e.session("admin@0")
	vals := url.Values{"language": {"de"}}
	if w := e.do("POST", "/account/language", s.cookie, "application/x-www-form-urlencoded", vals.Encode()); w.Code != 403 {
		t.Errorf("form without CSRF token: %d, want 403", w.Code)
	}
	if w := e.form("/account/language", s.cookie, s.csrf, vals); w.Code != 303 {
		t.Errorf("form with CSRF token: %d, want 303", w.Code)
	}
	w := e.do("GET", "/account", s.cookie, "", "")
	if !strings.Contains(w.Body.String(), `lang="de"`) {
		t.Error("after choosing German the page is not in German")
	}
}

func TestHealthAndMetrics(t *testing.T) {
	e := newTestEnv(t, testConfig())
	if w := e.do("GET", "/healthz", "", "", ""); w.Code != 200 || !strings.Contains(w.Body.String(), `"ok"`) {
		t.Errorf("healthz: %d %s", w.Code, w.Body)
	}
	e.do("GET", "/login", "", "", "")
	w := e.do("GET", "/metrics", "", "", "")
	if !strings.Contains(w.Body.String(), `alliance_http_requests_total{route="/login",method="GET",status="200"} 1`) {
		t.Errorf("metrics lack the /login request:\n%s", w.Body)
	}
	if strings.Contains(w.Body.String(), "example.org") {
		t.Error("metrics contain personal data")
	}
}

func TestStaticAssetsHashed(t *testing.T) {
	e := newTestEnv(t, testConfig())
	u := e.srv.assets.url("style.css")
	w := e.do("GET", u, "", "", "")
	if w.Code != 200 || !strings.Contains(w.Header().Get("Cache-Control"), "immutable") {
		t.Errorf("GET %s: %d, cache %q", u, w.Code, w.Header().Get("Cache-Control"))
	}
	if w := e.do("GET", "/static/style.css", "", "", ""); w.Code != 404 {
		t.Errorf("unhashed name: %d, want 404", w.Code)
	}
}

// TestFormFieldErrorsLocalised holds the catalogue to the fields that services
// and pages name in their invalid-input errors: each has a message of its own.
func TestFormFieldErrorsLocalised(t *testing.T) {
	e := newTestEnv(t, testConfig())
	fieldRe := regexp.MustCompile(`Invalid\("([a-z_]+)"`)
	files, _ := filepath.Glob("../../*.go")
	more, _ := filepath.Glob("../app/*.go")
	files = append(append(files, more...), "admin.go", "pages.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range fieldRe.FindAllStringSubmatch(string(src), -1) {
			if key := "err.invalid." + m[1]; !e.srv.cat.Has(key) {
				t.Errorf("%s names field %q in an error, but the catalogue has no %s", f, m[1], key)
			}
		}
	}
}

func TestFormErrorInUserLanguage(t *testing.T) {
	e := newTestEnv(t, testConfig())
	s := e.session("admin@0")
	if w := e.form("/account/language", s.cookie, s.csrf, url.Values{"language": {"de"}}); w.Code != 303 {
		t.Fatalf("set language: %d", w.Code)
	}
	vals := url.Values{"name": {"Neue Organisation"}, "type": {"ngo"}, "country": {"Germany"}, "languages": {"de"}}
	w := e.form("/organisations/"+itoa(e.orgs[0].ID), s.cookie, s.csrf, vals)
	if w.Code != 400 {
		t.Fatalf("bad country: status %d, want 400", w.Code)
	}
	body := w.Body.String()
	want := e.srv.cat.T("de", "err.invalid.country")
	if want == e.srv.cat.T("en", "err.invalid.country") || !strings.Contains(body, want) {
		t.Errorf("the page does not give the German message %q", want)
	}
	if !regexp.MustCompile(`(?i)<input id="org-country"[^>]*value="germany"[^>]*aria-invalid="true"`).MatchString(body) {
		t.Error("the country field is not marked invalid with the value kept")
	}
}

// TestLogsHoldNoPersonalData drives sign-ins, failures and form errors that all
// carry emails and names, and checks that none of them reaches the log.
func TestLogsHoldNoPersonalData(t *testing.T) {
	e := newTestEnv(t, testConfig())
	ctx := context.Background()
	e.svc.Login(ctx, "nobody-here@example.org", "whatever password", "192.0.2.7")
	e.svc.Login(ctx, "viewer0@example.org", "wrong password!!", "192.0.2.7")
	s := e.session("admin@0")
	e.form("/organisations/"+itoa(e.orgs[0].ID)+"/users", s.cookie, s.csrf, url.Values{"email": {"viewer0@example.org"}, "name": {"Zebulon Quaxley"}, "role": {"viewer"}, "password": {testPassword}})
	e.form("/organisations/"+itoa(e.orgs[0].ID)+"/users", s.cookie, s.csrf, url.Values{"email": {"fresh@example.org"}, "name": {"Zebulon Quaxley"}, "role": {"viewer"}, "password": {testPassword}})
	e.do("GET", "/users/"+itoa(e.users["target@1"].ID), s.cookie, "", "")
	e.do("POST", "/api/v1/organisations/"+itoa(e.orgs[0].ID)+"/users", s.cookie, "application/json", `{"email":"x@example.org","name":"Zebulon"`, "X-CSRF-Token", s.csrf)
	logs := e.logs.String()
	if !strings.Contains(logs, `"route"`) {
		t.Fatalf("nothing was logged; the test would prove nothing:\n%s", logs)
	}
	for _, secret := range []string{"example.org", "Zebulon", "Quaxley", testPassword, "wrong password"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log contains %q:\n%s", secret, logs)
		}
	}
}

func TestAuditPageFilters(t *testing.T) {
	e := newTestEnv(t, testConfig())
	ctx := context.Background()
	e.svc.Login(ctx, "viewer0@example.org", "wrong password!!", "198.51.100.4")
	e.svc.Login(ctx, "viewer1@example.org", "wrong password!!", "198.51.100.5")
	s := e.session("admin@0")
	w := e.do("GET", "/audit?user=viewer0@example.org", s.cookie, "", "")
	if w.Code != 200 {
		t.Fatalf("filter by email: %d", w.Code)
	}
	body := w.Body.String()
	if !strings.Contains(body, "198.51.100.4") {
		t.Error("the failed sign-in of viewer0 is not listed")
	}
	if strings.Contains(body, "198.51.100.5") {
		t.Error("an entry of another organisation's user is listed")
	}
	w = e.do("GET", "/audit", s.cookie, "", "")
	if strings.Contains(w.Body.String(), "198.51.100.5") {
		t.Error("the unfiltered audit page shows another organisation's entries")
	}
	w = e.do("GET", "/audit?user=viewer1@example.org", s.cookie, "", "")
	if w.Code != 400 || !strings.Contains(w.Body.String(), template.HTMLEscapeString(e.srv.cat.T("en", "err.invalid.user"))) {
		t.Errorf("filter by another organisation's user: %d, want 400 saying no such user", w.Code)
	}
	w = e.do("GET", "/api/v1/audit?user="+itoa(e.users["viewer@0"].ID)+"&limit=1", s.cookie, "", "")
	var page struct {
		Items      []alliance.AuditEntry `json:"items"`
		NextBefore int64                 `json:"next_before"`
	}
	json.Unmarshal(w.Body.Bytes(), &page)
	if len(page.Items) != 1 || page.Items[0].ActorUserID != e.users["viewer@0"].ID || page.NextBefore == 0 {
		t.Errorf("API audit page: %+v", page)
	}
}

// TestSessionAbsoluteTimeout keeps a session busy (never idle) and checks that it
// still ends 12 hours after sign-in.
func TestSessionAbsoluteTimeout(t *testing.T) {
	e := newTestEnv(t, testConfig())
	s := e.session("analyst@0")
	start := time.Now()
	for elapsed := time.Duration(0); elapsed < 12*time.Hour; elapsed += 20 * time.Minute {
		e.svc.SetClock(func() time.Time { return start.Add(elapsed) })
		if w := e.do("GET", "/account", s.cookie, "", ""); w.Code != 200 {
			t.Fatalf("busy session ended after %v: %d", elapsed, w.Code)
		}
	}
	e.svc.SetClock(func() time.Time { return start.Add(12*time.Hour + time.Minute) })
	if w := e.do("GET", "/account", s.cookie, "", ""); w.Code != 303 {
		t.Errorf("session after 12 h: %d, want a redirect to sign in", w.Code)
	}
}

// TestLoginRateLimit: one address may try 20 sign-ins a minute, whatever the
// accounts.
func TestLoginRateLimit(t *testing.T) {
	e := newTestEnv(t, app.DefaultConfig())
	ctx := context.Background()
	now := time.Now()
	e.svc.SetClock(func() time.Time { return now }) // no refill, however slow the machine
	for i := 0; i < 20; i++ {
		if _, err := e.svc.Login(ctx, "nobody@example.org", "wrong password!!", "203.0.113.50"); alliance.ErrorCode(err) != alliance.CodeUnauthorised {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	if _, err := e.svc.Login(ctx, "admin0@example.org", testPassword, "203.0.113.50"); alliance.ErrorCode(err) != alliance.CodeTooMany {
		t.Errorf("21st attempt from one address: %v, want too many requests", err)
	}
	if _, err := e.svc.Login(ctx, "admin0@example.org", testPassword, "203.0.113.51"); err != nil {
		t.Errorf("another address: %v", err)
	}
}
