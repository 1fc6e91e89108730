package main

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// transportError is the key under which requests that got no answer are counted.
const transportError = "transport"

// result is what all workers observed during the measured period.
type result struct {
	latencies []time.Duration // every measured request that got an answer
	errors    map[string]int  // failed requests by status code, or transportError
	elapsed   time.Duration   // from the end of the warm-up to the last answer
	sampleErr error           // one transport failure, to show what went wrong
}

// workerResult is one worker's share of a result; workers never share memory
// while the load runs.
type workerResult struct {
	latencies []time.Duration
	errors    map[string]int
	lastErr   error
}

// load is one run's fixed request template.
type load struct {
	client    *http.Client
	cfg       config
	creds     credentials
	url       string
	templated bool // the path or body holds {n}
	counter   atomic.Uint64
}

// generate runs cfg.concurrency closed-loop workers for the warm-up and the
// measured duration and merges what they saw. A request counts when it starts
// after the warm-up; requests still in flight at the end are waited for.
func generate(ctx context.Context, client *http.Client, cfg config, creds credentials) result {
	l := &load{
		client:    client,
		cfg:       cfg,
		creds:     creds,
		url:       cfg.base.String(),
		templated: strings.Contains(cfg.path, "{n}") || strings.Contains(cfg.body, "{n}"),
	}
	start := time.Now()
	measureFrom := start.Add(cfg.warmup)
	stopAt := measureFrom.Add(cfg.duration)
	results := make([]workerResult, cfg.concurrency)
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() { results[i] = l.worker(ctx, measureFrom, stopAt) })
	}
	wg.Wait()
	end := time.Now()
	return merge(results, end.Sub(measureFrom))
}

// worker sends requests one after another until stopAt or until ctx ends.
func (l *load) worker(ctx context.Context, measureFrom, stopAt time.Time) workerResult {
	wr := workerResult{errors: map[string]int{}}
	if expected := l.cfg.duration.Seconds() * 2000 / float64(l.cfg.concurrency); expected > 0 {
		wr.latencies = make([]time.Duration, 0, min(int(expected), 1<<20))
	}
	for ctx.Err() == nil {
		t0 := time.Now()
		if !t0.Before(stopAt) {
			break
		}
		status, err := l.do(ctx)
		d := time.Since(t0)
		if t0.Before(measureFrom) || ctx.Err() != nil {
			continue // warm-up, or cut short by an interrupt: not measured
		}
		if err != nil {
			wr.errors[transportError]++
			wr.lastErr = err
			continue
		}
		wr.latencies = append(wr.latencies, d)
		if !l.ok(status) {
			wr.errors[strconv.Itoa(status)]++
		}
	}
	return wr
}

// do sends one request and reads the whole answer.
func (l *load) do(ctx context.Context) (int, error) {
	path, body := l.cfg.path, l.cfg.body
	if l.templated {
		n := strconv.FormatUint(l.counter.Add(1), 10)
		path = strings.ReplaceAll(path, "{n}", n)
		body = strings.ReplaceAll(body, "{n}", n)
	}
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, l.cfg.method, l.url+path, rd)
	if err != nil {
		return 0, err
	}
	l.creds.apply(req.Header)
	if body != "" {
		req.Header.Set("Content-Type", l.cfg.contentType)
	}
	resp, err := l.client.Do(req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// ok reports whether a status counts as a success.
func (l *load) ok(status int) bool {
	switch {
	case status >= 200 && status < 300:
		return true
	case status >= 300 && status < 400:
		return l.cfg.acceptRedirect
	}
	return false
}

func merge(parts []workerResult, elapsed time.Duration) result {
	n := 0
	for _, p := range parts {
		n += len(p.latencies)
	}
	res := result{
		latencies: make([]time.Duration, 0, n),
		errors:    map[string]int{},
		elapsed:   max(elapsed, 0),
	}
	for _, p := range parts {
		res.latencies = append(res.latencies, p.latencies...)
		for k, v := range p.errors {
			res.errors[k] += v
		}
		if res.sampleErr == nil {
			res.sampleErr = p.lastErr
		}
	}
	return res
}
