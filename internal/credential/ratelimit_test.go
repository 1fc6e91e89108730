package credential

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func TestRateLimiterSequence(t *testing.T) {
	l := NewRateLimiter(5, time.Minute) // burst 5, then one per 12 s
	steps := []struct {
		at   time.Duration
		key  string
		want bool
	}{
		{0, "a", true}, {0, "a", true}, {0, "a", true}, {0, "a", true}, {0, "a", true},
		{0, "a", false},
		{time.Second, "a", false},
		{0, "b", true}, // keys are independent
		{11 * time.Second, "a", false},
		{12 * time.Second, "a", true},
		{12 * time.Second, "a", false},
		{24 * time.Second, "a", true},
		{25 * time.Second, "a", false},
		{84 * time.Second, "a", true}, // a full window later: the whole burst again
		{84 * time.Second, "a", true},
		{84 * time.Second, "a", true},
		{84 * time.Second, "a", true},
		{84 * time.Second, "a", true},
		{84 * time.Second, "a", false},
	}
	for i, s := range steps {
		if got := l.Allow(s.key, t0.Add(s.at)); got != s.want {
			t.Errorf("step %d: Allow(%q, t0+%v) = %v, want %v", i, s.key, s.at, got, s.want)
		}
	}
}

func TestRateLimiterRefusalsDoNotCount(t *testing.T) {
	l := NewRateLimiter(2, 10*time.Second)
	l.Allow("k", t0)
	l.Allow("k", t0)
	for i := range 100 {
		l.Allow("k", t0.Add(time.Duration(i)*10*time.Millisecond))
	}
	if !l.Allow("k", t0.Add(5*time.Second)) {
		t.Errorf("refused attempts postponed the next allowance")
	}
}

func TestRateLimiterReset(t *testing.T) {
	l := NewRateLimiter(1, time.Hour)
	if !l.Allow("k", t0) || l.Allow("k", t0) {
		t.Fatal("limit of 1 not applied")
	}
	l.Reset("k")
	if !l.Allow("k", t0) {
		t.Errorf("Allow after Reset = false, want true")
	}
}

func TestRateLimiterBoundedMemory(t *testing.T) {
	l := NewRateLimiter(3, time.Minute)
	l.maxKeys = 100
	for i := range 1000 {
		if !l.Allow(fmt.Sprint("addr-", i), t0) {
			t.Fatalf("first event of new key %d refused", i)
		}
		if n := len(l.tat); n > 100 {
			t.Fatalf("after %d keys the limiter holds %d, want at most 100", i+1, n)
		}
	}
}

func TestRateLimiterEvictsStaleKeysFirst(t *testing.T) {
	tests := []struct {
		name    string
		at      time.Duration // when the 101st key arrives
		wantLen int
	}{
		{"all stale: forget them all", time.Hour, 1},
		{"none stale: forget an eighth", time.Second, 100 - 100/8 + 1},
	}
	for _, tt := range tests {
		l := NewRateLimiter(3, time.Minute)
		l.maxKeys = 100
		for i := range 100 {
			l.Allow(fmt.Sprint("addr-", i), t0)
		}
		if !l.Allow("new", t0.Add(tt.at)) {
			t.Errorf("%s: new key refused", tt.name)
		}
		if got := len(l.tat); got != tt.wantLen {
			t.Errorf("%s: %d keys held, want %d", tt.name, got, tt.wantLen)
		}
	}
}

func TestRateLimiterConcurrent(t *testing.T) {
	l := NewRateLimiter(50, time.Hour)
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				if l.Allow("shared", t0) {
					allowed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if got := allowed.Load(); got != 50 {
		t.Errorf("800 concurrent attempts: %d allowed, want 50", got)
	}
}

func TestNewRateLimiterPanics(t *testing.T) {
	for _, tt := range []struct {
		limit  int
		window time.Duration
	}{{0, time.Minute}, {-1, time.Minute}, {10, 5}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewRateLimiter(%d, %v) did not panic", tt.limit, tt.window)
				}
			}()
			NewRateLimiter(tt.limit, tt.window)
		}()
	}
}
