package credential

import (
	"fmt"
	"sync"
	"time"
)

// defaultMaxKeys bounds the memory of a RateLimiter: about 100,000 keys of a
// few dozen bytes each.
const defaultMaxKeys = 100_000

// RateLimiter allows each key (a client address, an account) a burst of limit
// events, refilled at limit per window: after a burst, one more event every
// window/limit. It is the generic cell rate algorithm, which keeps one
// timestamp per key. It is safe for concurrent use and lives in memory only, so
// each server process limits on its own.
//
// Memory is bounded: keys whose allowance is full again are forgotten, and when
// more than 100,000 keys are active at once the limiter forgets arbitrary ones
// rather than refusing newcomers, so that a flood of addresses cannot lock
// everyone out. The account lockout kept in the database stays in force either
// way.
type RateLimiter struct {
	interval time.Duration // between events at the sustained rate
	burst    time.Duration // interval × limit
	maxKeys  int

	mu  sync.Mutex
	tat map[string]int64 // theoretical arrival time of the next event, Unix ns
}

// NewRateLimiter returns a limiter allowing limit events per window for each
// key. It panics unless limit ≥ 1 and window ≥ limit nanoseconds.
func NewRateLimiter(limit int, window time.Duration) *RateLimiter {
	if limit < 1 || window < time.Duration(limit) {
		panic(fmt.Sprintf("credential: NewRateLimiter(%d, %v): want limit ≥ 1 and a longer window", limit, window))
	}
	interval := window / time.Duration(limit)
	return &RateLimiter{
		interval: interval,
		burst:    interval * time.Duration(limit),
		maxKeys:  defaultMaxKeys,
		tat:      make(map[string]int64),
	}
}

// Allow reports whether an event for key at time now is within the limit, and
// if so counts it. Events refused are not counted.
func (l *RateLimiter) Allow(key string, now time.Time) bool {
	t := now.UnixNano()
	l.mu.Lock()
	defer l.mu.Unlock()
	tat, ok := l.tat[key]
	if !ok && len(l.tat) >= l.maxKeys {
		l.makeRoom(t)
	}
	tat = max(tat, t)
	next := tat + int64(l.interval)
	if next-t > int64(l.burst) {
		return false
	}
	l.tat[key] = next
	return true
}

// Reset forgets key, restoring its full allowance (after a successful login,
// for instance).
func (l *RateLimiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.tat, key)
}

// makeRoom forgets the keys whose allowance is full at t, since forgetting them
// changes nothing; if that leaves the map more than 7/8 full, it forgets
// arbitrary keys down to 7/8. Freeing an eighth at a time keeps the cost of
// the scan at O(1) per new key.
func (l *RateLimiter) makeRoom(t int64) {
	for k, tat := range l.tat {
		if tat <= t {
			delete(l.tat, k)
		}
	}
	target := l.maxKeys - max(1, l.maxKeys/8)
	for k := range l.tat {
		if len(l.tat) <= target {
			break
		}
		delete(l.tat, k) // map iteration order is random: victims are arbitrary
	}
}
