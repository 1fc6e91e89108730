package jobs

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"alliance/internal/metrics"
)

func TestEveryRunsCountsAndStops(t *testing.T) {
	reg := metrics.New()
	ctx, cancel := context.WithCancel(context.Background())
	var runs atomic.Int32
	Every(ctx, reg, slog.New(slog.NewTextHandler(io.Discard, nil)), "probe", 5*time.Millisecond, func(context.Context) error {
		if runs.Add(1)%2 == 0 {
			return errors.New("every other run fails")
		}
		return nil
	})
	deadline := time.Now().Add(10 * time.Second)
	for runs.Load() < 4 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if runs.Load() < 4 {
		t.Fatalf("ran %d times in 10 s", runs.Load())
	}
	time.Sleep(50 * time.Millisecond)
	stopped := runs.Load()
	time.Sleep(50 * time.Millisecond)
	if runs.Load() != stopped {
		t.Error("the job kept running after its context ended")
	}
	var b strings.Builder
	reg.Write(&b)
	if !strings.Contains(b.String(), `alliance_job_failures_total{job="probe"}`) || strings.Contains(b.String(), `alliance_job_failures_total{job="probe"} 0`) {
		t.Errorf("failures not counted:\n%s", b.String())
	}
}

func TestNextDaily(t *testing.T) {
	paris := time.FixedZone("CET", 3600)
	for _, tc := range []struct {
		now  time.Time
		hour int
		want time.Time
	}{
		{time.Date(2026, 11, 29, 6, 59, 59, 0, time.UTC), 7, time.Date(2026, 11, 29, 7, 0, 0, 0, time.UTC)},
		{time.Date(2026, 11, 29, 7, 0, 0, 0, time.UTC), 7, time.Date(2026, 11, 30, 7, 0, 0, 0, time.UTC)},
		{time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC), 7, time.Date(2027, 1, 1, 7, 0, 0, 0, time.UTC)},
		{time.Date(2026, 11, 29, 7, 30, 0, 0, paris), 7, time.Date(2026, 11, 29, 7, 0, 0, 0, time.UTC)}, // 06:30 UTC
		{time.Date(2026, 11, 29, 8, 30, 0, 0, paris), 7, time.Date(2026, 11, 30, 7, 0, 0, 0, time.UTC)}, // 07:30 UTC
	} {
		if got := NextDaily(tc.now, tc.hour); !got.Equal(tc.want) {
			t.Errorf("NextDaily(%v, %d) = %v, want %v", tc.now, tc.hour, got, tc.want)
		}
	}
}

func TestSafelyRecovers(t *testing.T) {
	err := safely(context.Background(), func(context.Context) error { panic("index out of range") })
	if err == nil || !strings.Contains(err.Error(), "index out of range") {
		t.Errorf("safely = %v, want the panic as an error", err)
	}
}
