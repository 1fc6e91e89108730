package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"alliance"
	"alliance/internal/sqlite"
	"alliance/internal/storetest"
	"alliance/internal/vault"
)

// cli runs the binary's run function in a directory of its own.
type cli struct {
	t   *testing.T
	dir string
	env map[string]string
}

func newCLI(t *testing.T) *cli {
	dir := t.TempDir()
	return &cli{t: t, dir: dir, env: map[string]string{"ALLIANCE_DB": "sqlite:" + filepath.Join(dir, "a.db")}}
}

func (c *cli) run(stdin string, args ...string) (code int, stdout, stderr string) {
	c.t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, func(k string) string { return c.env[k] }, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func (c *cli) must(stdin string, args ...string) string {
	c.t.Helper()
	code, out, errs := c.run(stdin, args...)
	if code != 0 {
		c.t.Fatalf("alliance %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

func TestUsage(t *testing.T) {
	c := newCLI(t)
	tests := []struct {
		args   []string
		code   int
		outHas string
		errHas string
	}{
		{[]string{"help"}, 0, "key rotate", ""},
		{[]string{"serve", "-h"}, 0, "-addr", ""},
		{[]string{"help", "user", "add"}, 0, "-email", ""},
		{[]string{"serve", "--bogus"}, 2, "", "bogus"},
		{[]string{"frobnicate"}, 2, "", "unknown command"},
		{[]string{"version"}, 0, "alliance dev", ""},
		{[]string{"migrate", "--db", "mysql://x"}, 2, "", "sqlite:PATH"},
		{[]string{"migrate", "--db", "postgres://a:secret@/x"}, 2, "", "malformed PostgreSQL URL"},
		{[]string{"org", "add", "--name", "X", "--type", "bank", "--country", "DE"}, 2, "", "unknown organisation type"},
		{[]string{"user", "add", "--org", "1", "--email", "a@example.org", "--role", "viewer"}, 2, "", "standard input"},
		{[]string{"backup"}, 2, "", "--out"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errs := c.run("", tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errs)
			}
			if !strings.Contains(out, tc.outHas) || !strings.Contains(errs, tc.errHas) {
				t.Errorf("stdout %q should contain %q; stderr %q should contain %q", out, tc.outHas, errs, tc.errHas)
			}
			if strings.Contains(errs, "secret") {
				t.Errorf("the password of the URL leaked: %s", errs)
			}
		})
	}
}

func TestUnreachablePostgres(t *testing.T) {
	c := newCLI(t)
	code, _, errs := c.run("", "migrate", "--db", "postgres://postgres:hunter2@127.0.0.1:1/x?sslmode=disable&connect_timeout=2")
	if code == 0 || !strings.Contains(errs, "127.0.0.1:1") || strings.Contains(errs, "hunter2") {
		t.Errorf("exit %d, stderr %q: want a failure naming the server and hiding the password", code, errs)
	}
}

func TestAdministration(t *testing.T) {
	c := newCLI(t)
	out := c.must("", "org", "add", "--name", "Inspectorate", "--type", "labour_inspectorate", "--country", "PL", "--languages", "pl,en")
	if !strings.HasPrefix(out, "organisation 1:") {
		t.Fatalf("org add printed %q", out)
	}
	c.must("a long enough password\n", "user", "add", "--org", "1", "--email", "Admin@Example.org", "--role", "admin")
	if code, _, errs := c.run("a long enough password\n", "user", "add", "--org", "1", "--email", "admin@example.org", "--role", "admin"); code == 0 || !strings.Contains(errs, "already exists") {
		t.Errorf("duplicate email: exit %d, %q", code, errs)
	}
	if code, _, errs := c.run("short\n", "user", "add", "--org", "1", "--email", "b@example.org", "--role", "viewer"); code != 2 || !strings.Contains(errs, "12 characters") {
		t.Errorf("short password: exit %d, %q", code, errs)
	}
	tok := strings.TrimSpace(c.must("", "token", "create", "--email", "admin@example.org", "--name", "export"))
	if !strings.HasPrefix(tok, "alt_") || len(tok) < 40 {
		t.Errorf("token create printed %q", tok)
	}
	c.must("", "user", "reset-2fa", "--email", "ADMIN@example.org")
	out = c.must("", "audit", "verify")
	if !regexp.MustCompile(`intact: [1-9][0-9]* entries`).MatchString(out) {
		t.Errorf("audit verify printed %q", out)
	}
}

// tamper opens the SQLite file directly, as an attacker with file access would,
// drops the append-only triggers and runs sql.
func tamper(t *testing.T, path, stmt string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range []string{"DROP TRIGGER IF EXISTS audit_log_no_update", "DROP TRIGGER IF EXISTS audit_log_no_delete", stmt} {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func TestAuditVerifyDetectsTampering(t *testing.T) {
	tests := []struct {
		name, stmt, want string
	}{
		{"altered", "UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 3", "audit entry 3: altered"},
		{"removed", "DELETE FROM audit_log WHERE seq = 2", "entries 2 to 2 were removed"},
		{"inserted", "INSERT INTO audit_log SELECT 100, occurred_at, actor_user_id, actor_org_id, action, resource_type, resource_id, resource_org_id, remote_addr, outcome, detail, prev_hash, hash FROM audit_log WHERE seq = 4", "audit entry 100"},
		{"rehashed without key", "UPDATE audit_log SET detail = 'x', hash = prev_hash WHERE seq = 4", "audit entry 4"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t)
			c.must("", "org", "add", "--name", "A", "--type", "ngo", "--country", "FR")
			for i := 0; i < 4; i++ {
				c.must("a long enough password\n", "user", "add", "--org", "1", "--email", fmt.Sprintf("u%d@example.org", i), "--role", "viewer")
			}
			c.must("", "audit", "verify")
			tamper(t, filepath.Join(c.dir, "a.db"), tc.stmt)
			code, _, errs := c.run("", "audit", "verify")
			if code != 1 || !strings.Contains(errs, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit 1 naming %q", code, errs, tc.want)
			}
		})
	}
}

func TestKeyFile(t *testing.T) {
	c := newCLI(t)
	c.must("", "org", "add", "--name", "A", "--type", "ngo", "--country", "FR")
	c.must("a long enough password\n", "user", "add", "--org", "1", "--email", "u@example.org", "--role", "viewer")
	keyPath := filepath.Join(c.dir, "a.db.key")
	fi, err := os.Stat(keyPath)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file next to the database: %v, mode %v; want 0600", err, fi)
	}
	// a different key file cannot decrypt this database: refused at once
	other := filepath.Join(c.dir, "other.key")
	if _, _, err := vault.LoadOrCreateMasterKey(other); err != nil {
		t.Fatal(err)
	}
	c.env["ALLIANCE_KEY_FILE"] = other
	if code, _, errs := c.run("", "audit", "verify"); code != 2 || !strings.Contains(errs, "cannot decrypt") {
		t.Errorf("wrong key file: exit %d, %q", code, errs)
	}
	// the key file is missing: refused, not silently replaced
	delete(c.env, "ALLIANCE_KEY_FILE")
	os.Rename(keyPath, keyPath+".moved")
	if code, _, errs := c.run("", "audit", "verify"); code != 2 || !strings.Contains(errs, "does not exist") {
		t.Errorf("missing key file: exit %d, %q", code, errs)
	}
	if _, err := os.Stat(keyPath); err == nil {
		t.Error("a new key file was created for a database that has data")
	}
	os.Rename(keyPath+".moved", keyPath)
	out := c.must("", "key", "rotate", "--settle", "0s")
	if !strings.Contains(out, "2 values re-encrypted") { // the user's email and name
		t.Errorf("key rotate printed %q", out)
	}
	c.must("", "user", "reset-2fa", "--email", "u@example.org") // blind index and decryption still work
	c.must("", "audit", "verify")
}

func TestBackup(t *testing.T) {
	c := newCLI(t)
	c.must("", "org", "add", "--name", "A", "--type", "ngo", "--country", "FR")
	if got := c.must("", "audit", "verify"); !strings.Contains(got, "intact: 1 entries") {
		t.Fatalf("verify before the backup: %q", got)
	}
	out := filepath.Join(c.dir, "copy.db")
	c.must("", "backup", "--out", out)
	if code, _, errs := c.run("", "backup", "--out", out); code == 0 || !strings.Contains(errs, "exists") {
		t.Errorf("backup over an existing file: exit %d, %q", code, errs)
	}
	// The copy holds password hashes and the audit log: owner only, like the database.
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("backup file: mode %v, error %v; want no permissions for group or others", fi.Mode(), err)
	}
	// The successful backup, and only it, is in the live database's audit log.
	if got := c.must("", "audit", "verify"); !strings.Contains(got, "intact: 2 entries") {
		t.Errorf("verify after the backup: %q, want one entry more than before", got)
	}
	checkBackupEntry(t, filepath.Join(c.dir, "a.db"))

	c.env["ALLIANCE_DB"] = "sqlite:" + out
	c.env["ALLIANCE_KEY_FILE"] = filepath.Join(c.dir, "a.db.key")
	if got := c.must("", "audit", "verify"); !strings.Contains(got, "intact: 1 entries") {
		t.Errorf("verify of the backup: %q", got)
	}
	if os.Getenv("ALLIANCE_TEST_POSTGRES") != "" {
		c.env["ALLIANCE_DB"] = storetest.PostgresSchema(t)
		c.env["ALLIANCE_KEY_FILE"] = filepath.Join(c.dir, "pg.key")
		if code, _, errs := c.run("", "backup", "--out", filepath.Join(c.dir, "pg")); code != 2 || !strings.Contains(errs, "pg_dump") {
			t.Errorf("backup of PostgreSQL: exit %d, %q", code, errs)
		}
	}
}

// checkBackupEntry checks that the newest audit entry of the SQLite database at
// path records a backup, naming the copy's file but not its directory.
func checkBackupEntry(t *testing.T, path string) {
	t.Helper()
	st, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got, err := st.AuditEntries(t.Context(), alliance.AuditFilter{Limit: 1})
	if err != nil || len(got) != 1 {
		t.Fatalf("newest audit entry: %v, %v", got, err)
	}
	e := got[0]
	if e.Action != "backup" || e.ResourceType != "database" || e.RemoteAddr != "cli" ||
		e.Outcome != alliance.OutcomeSuccess || e.Detail != "copy written to copy.db" {
		t.Errorf("newest audit entry = %+v; want a successful backup by the cli, detail %q", e, "copy written to copy.db")
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServer runs `alliance serve` with args until the test ends, and returns its
// base URL and standard output.
func startServer(t *testing.T, env map[string]string, args ...string) (string, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("serve exited %d after SIGTERM-like cancel; stderr: %s", code, errb.String())
			}
		case <-time.After(20 * time.Second):
			t.Error("serve did not shut down within 20 s")
		}
	})
	re := regexp.MustCompile(`listening on (http://\S+)`)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m[1], &out
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited %d: %s %s", code, out.String(), errb.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("serve did not start: %s %s", out.String(), errb.String())
	return "", nil
}

func TestServeDemo(t *testing.T) {
	c := newCLI(t)
	base, out := startServer(t, c.env, "--demo")
	for _, want := range []string{"DEMO MODE", "demo-alliance-2026", "superadmin@inspectorate.example", "viewer@shelter.example"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("serve --demo output lacks %q:\n%s", want, out.String())
		}
	}
	// the database pool and the background jobs show in the metrics (the key
	// refresh runs every second)
	var metrics string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		resp, err := http.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if metrics = string(b); strings.Contains(metrics, `alliance_job_runs_total{job="key_refresh"}`) {
			break
		}
	}
	for _, want := range []string{`alliance_job_runs_total{job="key_refresh"}`, `alliance_db_connections{state="open"}`, `alliance_db_wait_count`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s:\n%s", want, metrics)
		}
	}
	for path, want := range map[string]int{"/healthz": 200, "/login": 200, "/api/v1/me": 401, "/api/v1/openapi.json": 200} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, want)
		}
	}
}

func TestLoggerJSONOffTerminal(t *testing.T) {
	var b bytes.Buffer
	newLogger(&b, slog.LevelInfo).Info("hello", "n", 1)
	var v map[string]any
	if err := json.Unmarshal(b.Bytes(), &v); err != nil || v["msg"] != "hello" {
		t.Errorf("log line %q is not JSON with msg=hello: %v", b.String(), err)
	}
}

func TestDatabaseFilePrivate(t *testing.T) {
	c := newCLI(t)
	c.must("", "migrate")
	for _, name := range []string{"a.db", "a.db.key"} {
		fi, err := os.Stat(filepath.Join(c.dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("%s has mode %v; want no access for group and others", name, perm)
		}
	}
}

// TestDemoRefusesRealDatabase: demo mode waives the second factor, so it must
// never start over real organisations.
func TestDemoRefusesRealDatabase(t *testing.T) {
	c := newCLI(t)
	c.must("", "org", "add", "--name", "Real Inspectorate", "--type", "labour_inspectorate", "--country", "PL")
	code, _, errs := c.run("", "serve", "--demo", "--addr", "127.0.0.1:0")
	if code != 2 || !strings.Contains(errs, "real organisations") {
		t.Errorf("serve --demo on a real database: exit %d, %q; want exit 2 refusing", code, errs)
	}
}

// TestDemoRestart: a demo database can be served again with --demo.
func TestDemoRestart(t *testing.T) {
	c := newCLI(t)
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "--demo", "--addr", "127.0.0.1:0"}, func(k string) string { return c.env[k] }, strings.NewReader(""), &out, &out)
	}()
	for deadline := time.Now().Add(60 * time.Second); !strings.Contains(out.String(), "listening"); {
		if time.Now().After(deadline) {
			t.Fatalf("the first demo server did not start: %s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("first demo server: exit %d: %s", code, out.String())
	}
	_, out2 := startServer(t, c.env, "--demo")
	if !strings.Contains(out2.String(), "already in this database") || !strings.Contains(out2.String(), "admin@police.example") {
		t.Errorf("second demo start:\n%s", out2.String())
	}
}
