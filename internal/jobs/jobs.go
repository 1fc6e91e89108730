// Package jobs runs the server's periodic background work — ending expired
// sessions, picking up rotated keys — and counts each run in the metrics.
package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"alliance/internal/metrics"
)

// Every runs fn every interval until ctx ends. A failed run is logged and counted;
// the next run happens as planned.
func Every(ctx context.Context, reg *metrics.Registry, log *slog.Logger, name string, interval time.Duration, fn func(context.Context) error) {
	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if !runOnce(ctx, reg, log, name, fn) {
					return
				}
			}
		}
	}()
}

// NextDaily returns the first time after now at hour:00 UTC.
func NextDaily(now time.Time, hour int) time.Time {
	now = now.UTC()
	next := time.Date(now.Year(), now.Month(), now.Day(), hour, 0, 0, 0, time.UTC)
	if !next.After(now) {
		next = next.AddDate(0, 0, 1)
	}
	return next
}

// Daily runs fn every day at hour:00 UTC until ctx ends; a failed run is
// logged and counted like Every's.
func Daily(ctx context.Context, reg *metrics.Registry, log *slog.Logger, name string, hour int, fn func(context.Context) error) {
	go func() {
		for {
			t := time.NewTimer(time.Until(NextDaily(time.Now(), hour)))
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
				if !runOnce(ctx, reg, log, name, fn) {
					return
				}
			}
		}
	}()
}

// runOnce runs fn, counts and logs a failure, and reports whether the jobs
// should go on (ctx has not ended).
func runOnce(ctx context.Context, reg *metrics.Registry, log *slog.Logger, name string, fn func(context.Context) error) bool {
	err := safely(ctx, fn)
	if ctx.Err() != nil {
		return false
	}
	reg.ObserveJob(name, err)
	if err != nil {
		log.Error("background job failed", "job", name, "err", err)
	}
	return true
}

// safely runs fn, turning a panic into an error: a fault in one job must not
// take the server down with it.
func safely(ctx context.Context, fn func(context.Context) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return fn(ctx)
}
