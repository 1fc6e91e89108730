package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
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
