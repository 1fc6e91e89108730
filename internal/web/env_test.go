package web

import (
	"alliance/internal/screening"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"alliance"
	"alliance/internal/app"
	"alliance/internal/apptest"
	"alliance/internal/metrics"
)

// testEnv is a whole server over a real SQLite database and real keys.
type testEnv struct {
	t     testing.TB
	store alliance.Store
	svc   *app.Service
	srv   *Server
	orgs  [2]*alliance.Organisation
	third *alliance.Organisation    // made on demand, for rounds the actors' organisation is not in
	users map[string]*alliance.User // "admin@0" → user
	// sessions are kept per user; codes are unused recovery codes, used to pass
	// the second factor again after enrolment (a TOTP code may not be replayed).
	sessions map[string]testSession
	codes    map[string][]string
	logs     *logBuffer // everything the server logged, at debug level
}

// logBuffer collects log output from concurrent handlers.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type testSession struct{ cookie, csrf string }

// testConfig is the default configuration without the per-address login limit,
// which the tests' many sign-ins from one address would trip.
func testConfig() app.Config {
	c := app.DefaultConfig()
	c.LoginsPerMinute = 1 << 20
	return c
}

// session returns a signed-in session of user key, signing in when needed.
func (e *testEnv) session(key string) testSession {
	if s, ok := e.sessions[key]; ok {
		return s
	}
	c, csrf := e.signIn(key)
	e.sessions[key] = testSession{c, csrf}
	return e.sessions[key]
}

const testPassword = "correct horse battery staple"

func newTestEnv(t testing.TB, cfg app.Config) *testEnv {
	t.Helper()
	ctx := context.Background()
	st := apptest.Store(t)
	logs := &logBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	svc := app.New(st, cfg, log)
	if err := svc.InstallWatchLists(context.Background(), map[string][]byte{screening.SampleSource: screening.SampleCSV}); err != nil {
		t.Fatal(err)
	}
	srv, err := New(svc, metrics.New(), log, Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	e := &testEnv{t: t, store: st, svc: svc, srv: srv, logs: logs, users: map[string]*alliance.User{}, sessions: map[string]testSession{}, codes: map[string][]string{}}
	if cfg.Demo {
		e.seedDemo(ctx)
	} else {
		e.seed(ctx)
	}
	return e
}

// seed creates two organisations, each with a user of every role plus a
// "target" viewer for destructive actions; the superadmin lives in the first.
func (e *testEnv) seed(ctx context.Context) {
	e.t.Helper()
	for i := range e.orgs {
		o := &alliance.Organisation{Name: fmt.Sprintf("Org %d", i), Type: alliance.OrgNGO, Country: "DE", Languages: []string{"en"}}
		if err := e.svc.CreateOrganisation(ctx, app.System(), o); err != nil {
			e.t.Fatal(err)
		}
		e.orgs[i] = o
		for _, r := range []string{"admin", "caseworker", "analyst", "viewer", "target"} {
			e.addUser(ctx, i, r)
		}
	}
	e.addUser(ctx, 0, "superadmin")
}

// seedDemo loads the demo alliance; users are keyed by role ("admin@demo").
func (e *testEnv) seedDemo(ctx context.Context) {
	e.t.Helper()
	accounts, err := e.svc.SeedDemo(ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, a := range accounts[:5] { // the first organisation has every role
		u, err := e.store.UserByEmail(ctx, a.Email)
		if err != nil {
			e.t.Fatal(err)
		}
		e.users[string(a.Role)+"@demo"] = u
	}
}

func (e *testEnv) addUser(ctx context.Context, org int, name string) *alliance.User {
	e.t.Helper()
	role := alliance.Role(name)
	if name == "target" {
		role = alliance.RoleViewer
	}
	u, err := e.svc.CreateUser(ctx, app.System(), app.NewUser{
		OrgID: e.orgs[org].ID, Email: fmt.Sprintf("%s%d@example.org", name, org), Name: name, Role: role, Password: testPassword,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	e.users[fmt.Sprintf("%s@%d", name, org)] = u
	return u
}

// signIn logs a user in through the service, enrols and passes TOTP when the role
// needs it, and returns the session cookie value and CSRF token.
func (e *testEnv) signIn(key string) (cookie, csrf string) {
	e.t.Helper()
	ctx := context.Background()
	u := e.users[key]
	l, err := e.svc.Login(ctx, u.Email, testPassword, "192.0.2.1")
	if err != nil {
		e.t.Fatalf("login %s: %v", key, err)
	}
	if !l.Session.SecondFactor {
		a, err := e.svc.SessionFromToken(ctx, l.Token, "192.0.2.1")
		if err != nil {
			e.t.Fatal(err)
		}
		if codes := e.codes[key]; len(codes) > 0 {
			if err := e.svc.VerifySecondFactor(ctx, a, codes[0]); err != nil {
				e.t.Fatalf("recovery code for %s: %v", key, err)
			}
			e.codes[key] = codes[1:]
			return l.Token, l.Session.CSRFToken
		}
		en, err := e.svc.StartEnrolment(ctx, a)
		if err != nil {
			e.t.Fatal(err)
		}
		code, err := totp.GenerateCode(en.Secret, time.Now())
		if err != nil {
			e.t.Fatal(err)
		}
		codes, err := e.svc.ConfirmEnrolment(ctx, a, code)
		if err != nil {
			e.t.Fatalf("enrol %s: %v", key, err)
		}
		e.codes[key] = codes
	}
	return l.Token, l.Session.CSRFToken
}

// do sends a request through the whole handler stack.
func (e *testEnv) do(method, target, cookie, contentType, body string, hdr ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	r.RemoteAddr = "192.0.2.1:5555"
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	if cookie != "" {
		r.AddCookie(&http.Cookie{Name: sessionCookie, Value: cookie})
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, r)
	return w
}

// form posts url-encoded values with the session's CSRF token.
func (e *testEnv) form(target, cookie, csrf string, vals url.Values) *httptest.ResponseRecorder {
	e.t.Helper()
	if vals == nil {
		vals = url.Values{}
	}
	vals.Set("csrf", csrf)
	return e.do("POST", target, cookie, "application/x-www-form-urlencoded", vals.Encode())
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// tokenOf reads the secret of a token the API created.
func tokenOf(t testing.TB, body []byte) string {
	t.Helper()
	var v struct{ Token string }
	if err := json.Unmarshal(body, &v); err != nil || v.Token == "" {
		t.Fatalf("no token in %s", body)
	}
	return v.Token
}
