package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"alliance/internal/storetest"
)

// TestPostgres runs the binary's commands and the demo server against PostgreSQL,
// in a schema of its own: everything behaves as on SQLite.
func TestPostgres(t *testing.T) {
	c := newCLI(t)
	c.env["ALLIANCE_DB"] = storetest.PostgresSchema(t)
	c.env["ALLIANCE_KEY_FILE"] = filepath.Join(c.dir, "pg.key")
	c.must("", "org", "add", "--name", "Shelter", "--type", "shelter", "--country", "IT", "--languages", "it")
	c.must("a long enough password\n", "user", "add", "--org", "1", "--email", "u@example.org", "--role", "caseworker")
	if out := c.must("", "key", "rotate", "--settle", "0s"); !strings.Contains(out, "2 values re-encrypted") {
		t.Errorf("key rotate: %q", out)
	}
	c.must("", "user", "reset-2fa", "--email", "U@example.org")
	if out := c.must("", "audit", "verify"); !strings.Contains(out, "intact: 4 entries") {
		t.Errorf("audit verify: %q", out)
	}

	c.must("a long enough password\n", "user", "add", "--org", "1", "--email", "analyst@example.org", "--role", "analyst", "--name", "Ana Lyst")
	base, _ := startServer(t, c.env)
	page := signInHTTP(t, base, "analyst@example.org", "a long enough password")
	if !strings.Contains(page, "Ana Lyst") {
		t.Errorf("the start page after signing in on PostgreSQL does not greet the user:\n%s", page)
	}
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signInHTTP signs in through the login form as a browser would and returns the
// page it lands on.
func signInHTTP(t *testing.T, base, email, password string) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	body := func(resp *http.Response, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: status %d", resp.Request.URL, resp.StatusCode)
		}
		return string(b)
	}
	m := csrfInput.FindStringSubmatch(body(client.Get(base + "/login")))
	if m == nil {
		t.Fatal("no CSRF field on the login page")
	}
	return body(client.PostForm(base+"/login", url.Values{"csrf": {m[1]}, "email": {email}, "password": {password}}))
}
