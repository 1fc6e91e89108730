// Package metrics keeps the server's counters and latency histograms and writes
// them in the Prometheus text exposition format (version 0.0.4). It is small on
// purpose: a handful of metric families do not justify a client library.
package metrics

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// latencyBuckets are the upper bounds, in seconds, of the request histogram.
var latencyBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

type requestKey struct {
	route  string
	method string
	status int
}

type histogram struct {
	counts []uint64 // per bucket, not cumulative
	sum    float64
	n      uint64
}

// Registry holds every metric. The zero value is not usable; call New.
type Registry struct {
	mu       sync.Mutex
	requests map[requestKey]uint64
	latency  map[string]*histogram // by route
	jobs     map[string][2]uint64  // job name → runs, failures
	gauges   []gauge
}

type gauge struct {
	name, help string
	read       func() []Sample
}

// Sample is one value of a gauge, with optional labels ("name=value" pairs).
type Sample struct {
	Labels string // e.g. `pool="writer"`; empty for none
	Value  float64
}

// New returns an empty registry.
func New() *Registry {
	return &Registry{requests: map[requestKey]uint64{}, latency: map[string]*histogram{}, jobs: map[string][2]uint64{}}
}

// ObserveRequest records one HTTP request. route is the route pattern, never the
// raw path, so that ids (and anything personal) stay out of the labels.
func (r *Registry) ObserveRequest(route, method string, status int, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests[requestKey{route, method, status}]++
	h := r.latency[route]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(latencyBuckets)+1)}
		r.latency[route] = h
	}
	sec := d.Seconds()
	i := sort.SearchFloat64s(latencyBuckets, sec)
	h.counts[i]++
	h.sum += sec
	h.n++
}

// ObserveJob records one run of a background job.
func (r *Registry) ObserveJob(name string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.jobs[name]
	c[0]++
	if err != nil {
		c[1]++
	}
	r.jobs[name] = c
}

// Gauge registers a gauge family read at every scrape.
func (r *Registry) Gauge(name, help string, read func() []Sample) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gauges = append(r.gauges, gauge{name, help, read})
}

// Write writes every metric in the Prometheus text format.
func (r *Registry) Write(w io.Writer) error {
	r.mu.Lock()
	var b strings.Builder
	r.writeRequests(&b)
	r.writeLatency(&b)
	r.writeJobs(&b)
	gauges := append([]gauge(nil), r.gauges...)
	r.mu.Unlock()
	for _, g := range gauges {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n", g.name, g.help, g.name)
		for _, s := range g.read() {
			fmt.Fprintf(&b, "%s%s %s\n", g.name, braces(s.Labels), num(s.Value))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (r *Registry) writeRequests(b *strings.Builder) {
	b.WriteString("# HELP alliance_http_requests_total HTTP requests by route, method and status.\n# TYPE alliance_http_requests_total counter\n")
	keys := make([]requestKey, 0, len(r.requests))
	for k := range r.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, c := keys[i], keys[j]
		if a.route != c.route {
			return a.route < c.route
		}
		if a.method != c.method {
			return a.method < c.method
		}
		return a.status < c.status
	})
	for _, k := range keys {
		fmt.Fprintf(b, "alliance_http_requests_total{route=%q,method=%q,status=\"%d\"} %d\n", k.route, k.method, k.status, r.requests[k])
	}
}

func (r *Registry) writeLatency(b *strings.Builder) {
	b.WriteString("# HELP alliance_http_request_duration_seconds HTTP request latency by route.\n# TYPE alliance_http_request_duration_seconds histogram\n")
	routes := make([]string, 0, len(r.latency))
	for k := range r.latency {
		routes = append(routes, k)
	}
	sort.Strings(routes)
	for _, rt := range routes {
		h := r.latency[rt]
		var cum uint64
		for i, ub := range latencyBuckets {
			cum += h.counts[i]
			fmt.Fprintf(b, "alliance_http_request_duration_seconds_bucket{route=%q,le=%q} %d\n", rt, num(ub), cum)
		}
		fmt.Fprintf(b, "alliance_http_request_duration_seconds_bucket{route=%q,le=\"+Inf\"} %d\n", rt, h.n)
		fmt.Fprintf(b, "alliance_http_request_duration_seconds_sum{route=%q} %s\n", rt, num(h.sum))
		fmt.Fprintf(b, "alliance_http_request_duration_seconds_count{route=%q} %d\n", rt, h.n)
	}
}

func (r *Registry) writeJobs(b *strings.Builder) {
	b.WriteString("# HELP alliance_job_runs_total Runs of background jobs.\n# TYPE alliance_job_runs_total counter\n")
	names := make([]string, 0, len(r.jobs))
	for k := range r.jobs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(b, "alliance_job_runs_total{job=%q} %d\n", n, r.jobs[n][0])
	}
	b.WriteString("# HELP alliance_job_failures_total Failed runs of background jobs.\n# TYPE alliance_job_failures_total counter\n")
	for _, n := range names {
		fmt.Fprintf(b, "alliance_job_failures_total{job=%q} %d\n", n, r.jobs[n][1])
	}
}

func braces(labels string) string {
	if labels == "" {
		return ""
	}
	return "{" + labels + "}"
}

func num(f float64) string {
	if math.IsInf(f, 1) {
		return "+Inf"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}
