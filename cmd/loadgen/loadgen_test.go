package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const (
	fakeEmail    = "worker@example.test"
	fakePassword = "correct horse"
	fakeSession  = "session-value-1"
	fakeCSRF     = "session-csrf-1"
	fakeToken    = "api-token-1"
)

// fakeServer is a tiny stand-in for the Alliance server: a login form guarded by
// a double-submit CSRF cookie, a session cookie, a CSRF-protected JSON write, and
// endpoints that answer with a chosen status.
type fakeServer struct {
	mu     sync.Mutex
	hits   int      // authenticated GET /data answered 200
	bodies []string // bodies of accepted PATCH /write
	logins int
}

func newFakeServer(t *testing.T) (*fakeServer, *httptest.Server) {
	t.Helper()
	f := &fakeServer{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", f.loginForm)
	mux.HandleFunc("POST /login", f.login)
	mux.HandleFunc("GET /account", f.account)
	mux.HandleFunc("GET /data", f.data)
	mux.HandleFunc("PATCH /write", f.write)
	mux.HandleFunc("GET /status/{code}", func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(r.PathValue("code"))
		w.WriteHeader(code)
	})
	mux.HandleFunc("GET /redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/data", http.StatusSeeOther)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeServer) loginForm(w http.ResponseWriter, r *http.Request) {
	tok := "login-csrf-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	http.SetCookie(w, &http.Cookie{Name: loginCSRF, Value: tok, Path: "/login", HttpOnly: true})
	fmt.Fprintf(w, `<form method="post" action="/login"><input type="hidden" name="csrf" value="%s"><input name="email"></form>`, tok)
}

func (f *fakeServer) login(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(loginCSRF)
	if err != nil || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" || c.Value != r.PostFormValue("csrf") {
		http.Error(w, "csrf", http.StatusForbidden)
		return
	}
	if r.PostFormValue("email") != fakeEmail || r.PostFormValue("password") != fakePassword {
		http.Error(w, "wrong email or password", http.StatusUnauthorized)
		return
	}
	f.mu.Lock()
	f.logins++
	f.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: fakeSession, Path: "/", HttpOnly: true})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func signedIn(r *http.Request) bool {
	if r.Header.Get("Authorization") == "Bearer "+fakeToken {
		return true
	}
	c, err := r.Cookie(sessionCookie)
	return err == nil && c.Value == fakeSession
}

func (f *fakeServer) account(w http.ResponseWriter, r *http.Request) {
	if !signedIn(r) {
		http.Error(w, "sign in first", http.StatusUnauthorized)
		return
	}
	fmt.Fprintf(w, `<form method="post" action="/account/language"><input type="hidden" name="csrf" value="%s"></form>`, fakeCSRF)
}

func (f *fakeServer) data(w http.ResponseWriter, r *http.Request) {
	if !signedIn(r) {
		http.Error(w, "sign in first", http.StatusUnauthorized)
		return
	}
	f.mu.Lock()
	f.hits++
	f.mu.Unlock()
	io.WriteString(w, `{"ok":true}`)
}

func (f *fakeServer) write(w http.ResponseWriter, r *http.Request) {
	if !signedIn(r) || r.Header.Get("X-CSRF-Token") != fakeCSRF || r.Header.Get("Content-Type") != "application/json" {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	b, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.bodies = append(f.bodies, string(b))
	f.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// runJSON runs loadgen with --json and a short, warm-up-free run, and returns the
// exit code, the report and standard error.
func runJSON(t *testing.T, args ...string) (int, report, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	args = append([]string{"--json", "--concurrency", "4", "--duration", "150ms", "--warmup", "0s"}, args...)
	code := run(context.Background(), args, &out, &errOut)
	var rep report
	if out.Len() > 0 {
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			t.Fatalf("report is not JSON: %v\n%s", err, out.String())
		}
	}
	return code, rep, errOut.String()
}

func TestSignInWithSession(t *testing.T) {
	f, srv := newFakeServer(t)
	code, rep, stderr := runJSON(t, "--url", srv.URL, "--email", fakeEmail, "--password", fakePassword, "--path", "/data")
	if code != exitOK {
		t.Fatalf("exit code = %d, want %d; stderr: %s", code, exitOK, stderr)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.logins != 1 {
		t.Errorf("logins = %d, want 1 (one sign-in for all workers)", f.logins)
	}
	if rep.Requests == 0 || rep.Failed != 0 {
		t.Errorf("requests = %d, failed = %d; want some requests and no failures", rep.Requests, rep.Failed)
	}
	if rep.Requests != f.hits {
		t.Errorf("report counts %d requests, server answered %d authenticated ones", rep.Requests, f.hits)
	}
	if rep.Auth != "session "+fakeEmail {
		t.Errorf("auth = %q, want session", rep.Auth)
	}
}

func TestSignInWithToken(t *testing.T) {
	f, srv := newFakeServer(t)
	code, rep, stderr := runJSON(t, "--url", srv.URL, "--token", fakeToken, "--path", "/data")
	if code != exitOK {
		t.Fatalf("exit code = %d, want %d; stderr: %s", code, exitOK, stderr)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.logins != 0 || rep.Requests != f.hits || rep.Requests == 0 {
		t.Errorf("logins = %d, requests = %d, server hits = %d; want 0 logins and requests = hits > 0", f.logins, rep.Requests, f.hits)
	}
}

func TestWrongPasswordFails(t *testing.T) {
	_, srv := newFakeServer(t)
	code, rep, stderr := runJSON(t, "--url", srv.URL, "--email", fakeEmail, "--password", "wrong", "--path", "/data")
	if code != exitFail {
		t.Errorf("exit code = %d, want %d", code, exitFail)
	}
	if !strings.Contains(stderr, "401") {
		t.Errorf("stderr = %q, want it to name the 401", stderr)
	}
	if rep.Requests != 0 {
		t.Errorf("requests = %d, want none sent after a failed sign-in", rep.Requests)
	}
}

func TestCSRFHeaderAndCounter(t *testing.T) {
	f, srv := newFakeServer(t)
	code, rep, stderr := runJSON(t, "--url", srv.URL, "--email", fakeEmail, "--password", fakePassword,
		"--csrf-header", "--method", "patch", "--path", "/write", "--body", `{"name":"Bench {n}"}`)
	if code != exitOK {
		t.Fatalf("exit code = %d, want %d; stderr: %s", code, exitOK, stderr)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.bodies) != rep.Requests || rep.Requests == 0 {
		t.Fatalf("server accepted %d writes, report counts %d; want equal and > 0", len(f.bodies), rep.Requests)
	}
	seen := map[string]bool{}
	for _, b := range f.bodies {
		if strings.Contains(b, "{n}") || seen[b] {
			t.Fatalf("body %q: want {n} replaced by a counter unique to the request", b)
		}
		seen[b] = true
	}
}

func TestWriteWithoutCSRFHeaderIsCounted(t *testing.T) {
	_, srv := newFakeServer(t)
	code, rep, _ := runJSON(t, "--url", srv.URL, "--email", fakeEmail, "--password", fakePassword,
		"--method", "PATCH", "--path", "/write", "--body", `{}`)
	if code != exitFail {
		t.Errorf("exit code = %d, want %d", code, exitFail)
	}
	if rep.Requests == 0 || rep.Errors["403"] != rep.Requests || rep.Failed != rep.Requests {
		t.Errorf("requests = %d, errors = %v; want every request counted as 403", rep.Requests, rep.Errors)
	}
}

func TestErrorsCountedByStatus(t *testing.T) {
	_, srv := newFakeServer(t)
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantKey  string // the errors key every request lands in; "" for none
	}{
		{"server error", []string{"--path", "/status/500"}, exitFail, "500"},
		{"not found", []string{"--path", "/status/404"}, exitFail, "404"},
		{"unauthenticated", []string{"--path", "/data"}, exitFail, "401"},
		{"redirect", []string{"--path", "/redirect"}, exitFail, "303"},
		{"redirect accepted", []string{"--path", "/redirect", "--accept-redirect"}, exitOK, ""},
		{"success", []string{"--path", "/status/201"}, exitOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, rep, stderr := runJSON(t, append([]string{"--url", srv.URL}, tt.args...)...)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d; stderr: %s", code, tt.wantCode, stderr)
			}
			if rep.Requests == 0 {
				t.Fatal("no requests sent")
			}
			want := map[string]int{}
			if tt.wantKey != "" {
				want[tt.wantKey] = rep.Requests
			}
			if diff := cmp.Diff(want, rep.Errors); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTransportErrorsCounted(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	code, rep, _ := runJSON(t, "--url", url, "--concurrency", "1", "--duration", "50ms")
	if code != exitFail {
		t.Errorf("exit code = %d, want %d", code, exitFail)
	}
	if rep.Requests == 0 || rep.Errors[transportError] != rep.Requests || rep.SampleTransport == "" {
		t.Errorf("requests = %d, errors = %v, sample = %q; want every request a transport error, with a sample", rep.Requests, rep.Errors, rep.SampleTransport)
	}
}

func TestBadFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"no url", nil, "--url is required"},
		{"bad url", []string{"--url", "ftp://x"}, "--url"},
		{"unknown flag", []string{"--url", "http://127.0.0.1:1", "--nope"}, "nope"},
		{"email without password", []string{"--url", "http://127.0.0.1:1", "--email", "a@b"}, "--password"},
		{"email and token", []string{"--url", "http://127.0.0.1:1", "--email", "a@b", "--password", "p", "--token", "t"}, "not both"},
		{"csrf without session", []string{"--url", "http://127.0.0.1:1", "--token", "t", "--csrf-header"}, "--csrf-header"},
		{"zero concurrency", []string{"--url", "http://127.0.0.1:1", "--concurrency", "0"}, "--concurrency"},
		{"zero duration", []string{"--url", "http://127.0.0.1:1", "--duration", "0s"}, "--duration"},
		{"negative warm-up", []string{"--url", "http://127.0.0.1:1", "--warmup", "-1s"}, "--warmup"},
		{"relative path", []string{"--url", "http://127.0.0.1:1", "--path", "data"}, "--path"},
		{"stray argument", []string{"--url", "http://127.0.0.1:1", "extra"}, "extra"},
		{"bad duration", []string{"--url", "http://127.0.0.1:1", "--duration", "soon"}, "duration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := run(context.Background(), tt.args, &out, &errOut); code != exitUsage {
				t.Errorf("exit code = %d, want %d", code, exitUsage)
			}
			if !strings.Contains(errOut.String(), tt.want) {
				t.Errorf("stderr = %q, want it to mention %q", errOut.String(), tt.want)
			}
		})
	}
}

func TestHelpExitsZero(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"-h"}, &out, &errOut); code != exitOK {
		t.Errorf("exit code = %d, want %d", code, exitOK)
	}
	if !strings.Contains(out.String(), "--concurrency") && !strings.Contains(out.String(), "-concurrency") {
		t.Errorf("help = %q, want the flags listed", out.String())
	}
}

func msList(vals ...int) []time.Duration {
	ds := make([]time.Duration, len(vals))
	for i, v := range vals {
		ds[i] = time.Duration(v) * time.Millisecond
	}
	return ds
}

// repeat returns n copies of d.
func repeat(d time.Duration, n int) []time.Duration {
	ds := make([]time.Duration, n)
	for i := range ds {
		ds[i] = d
	}
	return ds
}

// oneToN returns 1 ms, 2 ms, …, n ms.
func oneToN(n int) []time.Duration {
	ds := make([]time.Duration, n)
	for i := range ds {
		ds[i] = time.Duration(i+1) * time.Millisecond
	}
	return ds
}

func TestPercentile(t *testing.T) {
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"single p0", msList(7), 0, 7 * time.Millisecond},
		{"single p50", msList(7), 50, 7 * time.Millisecond},
		{"single p100", msList(7), 100, 7 * time.Millisecond},
		{"two p50", msList(1, 9), 50, 1 * time.Millisecond},
		{"two p51", msList(1, 9), 51, 9 * time.Millisecond},
		{"ten p50", oneToN(10), 50, 5 * time.Millisecond},
		{"ten p90", oneToN(10), 90, 9 * time.Millisecond},
		{"ten p99", oneToN(10), 99, 10 * time.Millisecond},
		{"hundred p99", oneToN(100), 99, 99 * time.Millisecond},
		{"hundred p99.9", oneToN(100), 99.9, 100 * time.Millisecond},
		{"thousand p99.9", oneToN(1000), 99.9, 999 * time.Millisecond},
		{"thousand p90", oneToN(1000), 90, 900 * time.Millisecond},
		{"thousand max", oneToN(1000), 100, 1000 * time.Millisecond},
		{"tail outlier p99", append(repeat(time.Millisecond, 99), 500*time.Millisecond), 99, 1 * time.Millisecond},
		{"tail outlier max", append(oneToN(99), 500*time.Millisecond), 100, 500 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(tt.sorted, tt.p); got != tt.want {
				t.Errorf("percentile(%d values, %v) = %v, want %v", len(tt.sorted), tt.p, got, tt.want)
			}
		})
	}
}

func TestSummarise(t *testing.T) {
	cfg, err := parseFlags([]string{"--url", "http://127.0.0.1:9/", "--path", "/x", "--concurrency", "3"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	// Unsorted on purpose: summarise sorts.
	res := result{
		latencies: append(oneToN(50), oneToN(50)...)[:99],
		errors:    map[string]int{"500": 2, transportError: 1},
		elapsed:   2 * time.Second,
	}
	got := summarise(cfg, res)
	want := report{
		Method: "GET", URL: "http://127.0.0.1:9/x", Auth: "none", Concurrency: 3,
		WarmupSeconds: 3, ElapsedSeconds: 2,
		Requests: 100, Failed: 3, Errors: map[string]int{"500": 2, transportError: 1},
		Throughput: 50,
		P50:        25, P90: 45, P99: 50, P999: 50, Max: 50,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("summarise (-want +got):\n%s", diff)
	}
}

func TestTableReport(t *testing.T) {
	rep := report{Method: "GET", URL: "http://h/x", Auth: "token", Concurrency: 2, Requests: 10, Failed: 2,
		Errors: map[string]int{"503": 1, "404": 1}, Throughput: 5, P50: 1.5, P99: 3}
	var buf bytes.Buffer
	if err := writeTable(&buf, rep); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"GET http://h/x", "errors       2 (404: 1, 503: 1)", "5.0 req/s", "p50 1.50", "p99 3.00"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, buf.String())
		}
	}
}
