package main

import (
	"bufio"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestKeyRotateWhileServing rotates the data key with the command line while a
// server runs on the same database: the server keeps reading and writing.
func TestKeyRotateWhileServing(t *testing.T) {
	c := newCLI(t)
	c.must("", "org", "add", "--name", "A", "--type", "ngo", "--country", "FR")
	c.must("a long enough password\n", "user", "add", "--org", "1", "--email", "ana@example.org", "--role", "analyst", "--name", "Ana")
	base, _ := startServer(t, c.env)
	if page := signInHTTP(t, base, "ana@example.org", "a long enough password"); !strings.Contains(page, "Ana") {
		t.Fatal("sign-in before rotation failed")
	}
	done := make(chan string, 1)
	go func() {
		_, out, errs := c.run("", "key", "rotate", "--settle", "1500ms")
		done <- out + errs
	}()
	// sign-ins during the rotation write sessions and audit entries and read
	// the sealed email through the blind index
	for i := 0; i < 3; i++ {
		signInHTTP(t, base, "ana@example.org", "a long enough password")
		time.Sleep(400 * time.Millisecond)
	}
	if out := <-done; !strings.Contains(out, "new data key active") {
		t.Fatalf("key rotate: %s", out)
	}
	c.must("a long enough password\n", "user", "add", "--org", "1", "--email", "bo@example.org", "--role", "analyst", "--name", "Bo")
	if page := signInHTTP(t, base, "bo@example.org", "a long enough password"); !strings.Contains(page, "Bo") {
		t.Error("the running server cannot read a user sealed under the new key")
	}
	if page := signInHTTP(t, base, "ana@example.org", "a long enough password"); !strings.Contains(page, "Ana") {
		t.Error("the running server cannot read a user re-encrypted by the rotation")
	}
	c.must("", "audit", "verify")
}

// TestSIGTERM builds the binary, starts it, and stops it with SIGTERM: it must
// shut down cleanly with exit status 0.
func TestSIGTERM(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "alliance")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", "sqlite:"+filepath.Join(dir, "a.db"))
	cmd.Env = append(os.Environ(), "ALLIANCE_DB=", "ALLIANCE_KEY_FILE=")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	re := regexp.MustCompile(`listening on http://`)
	for sc.Scan() && !re.MatchString(sc.Text()) {
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("after SIGTERM: %v, want exit status 0", err)
		}
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatal("no exit within 20 s of SIGTERM")
	}
}

// TestServeNextSteps loads a deployment's next steps: a malformed file stops
// the server before it starts, naming the file and the fault; a good one is
// what the API proposes for a result.
func TestServeNextSteps(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad-steps.json")
	os.WriteFile(bad, []byte(`{"version":"1","steps":[{"id":"x","when":"sometimes","labels":{"en":"Do x"}}]}`), 0o600)
	code, _, stderr := c.run("", "serve", "--addr", "127.0.0.1:0", "--next-steps", bad)
	if code != 2 || !strings.Contains(stderr, "bad-steps.json") || !strings.Contains(stderr, "sometimes") {
		t.Errorf("bad file: exit %d, stderr %q; want 2 naming the file and the condition", code, stderr)
	}
	code, _, stderr = c.run("", "serve", "--addr", "127.0.0.1:0", "--reflection-days", "20")
	if code != 2 || !strings.Contains(stderr, "at least 30") {
		t.Errorf("a reflection period under 30 days: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = c.run("", "serve", "--addr", "127.0.0.1:0", "--next-steps", filepath.Join(dir, "absent.json"))
	if code != 2 || !strings.Contains(stderr, "absent.json") {
		t.Errorf("missing file: exit %d, stderr %q", code, stderr)
	}

	good := filepath.Join(dir, "steps.json")
	os.WriteFile(good, []byte(`{"version":"local-1","steps":[
		{"id":"call_hotline","when":"always","labels":{"en":"Call the regional hotline","fr":"Appeler la ligne régionale"}},
		{"id":"inspect","when":"positive:exploitative_conditions","labels":{"en":"Ask for an inspection"}}]}`), 0o600)
	base, _ := startServer(t, c.env, "--demo", "--next-steps", good)
	tok := strings.TrimSpace(lastLine(c.must("", "token", "create", "--email", "caseworker@inspectorate.example", "--name", "steps")))
	req, _ := http.NewRequest("POST", base+"/api/v1/assessments?lang=fr", strings.NewReader(`{"worker_lang":"en","answers":{"questions":{"work.long_hours":"yes","work.little_pay":"yes"}}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct {
		NextSteps []struct{ ID, Text string } `json:"next_steps"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != 201 {
		t.Fatalf("create: %d %v", resp.StatusCode, err)
	}
	want := []struct{ ID, Text string }{{"call_hotline", "Appeler la ligne régionale"}, {"inspect", "Ask for an inspection"}}
	if !reflect.DeepEqual(got.NextSteps, want) {
		t.Errorf("next steps %+v, want %+v", got.NextSteps, want)
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
