// Package jobs runs the server's periodic background work — ending expired
// sessions, picking up rotated keys — and counts each run in the metrics.
package jobs

import (
	"context"
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
				err := fn(ctx)
				if ctx.Err() != nil {
					return
				}
				reg.ObserveJob(name, err)
				if err != nil {
					log.Error("background job failed", "job", name, "err", err)
				}
			}
		}
	}()
}
