// Package browsertest drives a real headless Chromium from Go tests, so that
// the pages of the web interface are tested as a person meets them: forms are
// filled and submitted, the Content-Security-Policy is enforced, console
// errors and requests to other hosts are recorded, and axe-core checks
// accessibility.
//
// A test starts one browser with [New] and opens a [Tab] for each user with
// [Browser.NewTab]. Every tab has its own browser context, so cookies do not
// leak from one login to another. Every Tab method fails the test with a clear
// message when the action fails or takes longer than [ActionTimeout]. A tab
// fails the test that opened it, so open one in each subtest, and call its
// methods from that test's goroutine.
//
// The browser is Debian's chromium, found through the environment variable
// ALLIANCE_CHROMIUM, /usr/bin/chromium or "chromium" on PATH. Without it the
// test is skipped, unless ALLIANCE_REQUIRE_SERVICES=1, as it is in CI, where
// the test fails instead.
package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// startTimeout bounds the start of the browser, which is slower than one
// action on a busy two-core machine.
const startTimeout = 60 * time.Second

// closeTimeout bounds the graceful close of the browser at cleanup.
const closeTimeout = 10 * time.Second

// Browser is one headless Chromium process. Share it between the subtests of
// a test and open a Tab for each of them.
type Browser struct {
	ctx    context.Context // chromedp context that owns the browser process
	output *syncBuffer     // stdout and stderr of the browser, for failures
}

// New starts a headless Chromium for the test and stops it when the test ends.
// It skips the test when no browser is installed, or fails it when
// ALLIANCE_REQUIRE_SERVICES=1.
func New(t testing.TB) *Browser {
	t.Helper()
	path := chromiumPath(t)
	output := &syncBuffer{}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.NoSandbox, // the tests run as root, where the sandbox refuses to start
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.CombinedOutput(output),
	)
	allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	b := &Browser{ctx: ctx, output: output}
	t.Cleanup(func() { b.close(cancel, allocCancel) })

	// The first run binds the life of the browser to ctx, so it must not carry
	// a deadline; the timer bounds it instead.
	timer := time.AfterFunc(startTimeout, cancel)
	err := chromedp.Do(ctx)
	if !timer.Stop() {
		err = fmt.Errorf("no answer within %s: %w", startTimeout, err)
	}
	if err != nil {
		t.Fatalf("browsertest: start %s: %v\nbrowser output:\n%s", path, err, output)
	}
	return b
}

// close stops the browser gracefully, and forcefully when that takes too long.
func (b *Browser) close(cancel, allocCancel context.CancelFunc) {
	ctx, stop := context.WithTimeout(b.ctx, closeTimeout)
	defer stop()
	_ = chromedp.Cancel(ctx) // the browser is going away; nothing to do with an error
	cancel()
	allocCancel()
}

// chromiumPath returns the browser to run, or skips or fails the test when
// there is none.
func chromiumPath(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("ALLIANCE_CHROMIUM"); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			t.Fatalf("browsertest: ALLIANCE_CHROMIUM=%q is not an executable: %v", p, err)
		}
		return p
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	skipOrFail(t, "chromium not found; install Debian's chromium")
	return ""
}

// requireServices reports whether a missing service must fail the test rather
// than skip it, as CI asks.
func requireServices() bool {
	return os.Getenv("ALLIANCE_REQUIRE_SERVICES") == "1"
}

// skipOrFail skips the test, or fails it when ALLIANCE_REQUIRE_SERVICES=1.
func skipOrFail(t testing.TB, msg string) {
	t.Helper()
	if requireServices() {
		t.Fatal("browsertest: " + msg + " (ALLIANCE_REQUIRE_SERVICES=1 forbids skipping)")
	}
	t.Skip(msg)
}

// syncBuffer collects the output of the browser process, which is written from
// another goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p to the buffer.
func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

// String returns the output so far, or a note that there was none.
func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if out := strings.TrimSpace(s.buf.String()); out != "" {
		return out
	}
	return "(none)"
}
