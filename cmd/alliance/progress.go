package main

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// meter writes the progress of a long command to standard error, at most
// every two seconds, so that a short run stays silent: work done, rate and
// time left. what names the command ("link encode").
type meter struct {
	mu          sync.Mutex
	w           io.Writer
	quiet       bool
	what, unit  string
	total       int64
	start, last time.Time
	every       time.Duration
	printed     bool
}

func newMeter(w io.Writer, quiet bool, what, unit string, total int64) *meter {
	now := time.Now()
	return &meter{w: w, quiet: quiet, what: what, unit: unit, total: total, start: now, last: now, every: 2 * time.Second}
}

func (m *meter) update(done int64) {
	if m.quiet {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := time.Now()
	if now.Sub(m.last) < m.every {
		return
	}
	m.last, m.printed = now, true
	el := now.Sub(m.start).Seconds()
	rate := float64(done) / el
	left := "?"
	if rate > 0 && m.total > 0 {
		left = (time.Duration(float64(m.total-done)/rate) * time.Second).Round(time.Second).String()
	}
	fmt.Fprintf(m.w, "alliance %s: %d of %d %s, %.0f/s, %s left\n", m.what, done, m.total, m.unit, rate, left)
}

func (m *meter) finish() {
	if !m.quiet && m.printed {
		fmt.Fprintf(m.w, "alliance %s: done in %s\n", m.what, time.Since(m.start).Round(time.Millisecond))
	}
}
