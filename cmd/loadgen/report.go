package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// report is the outcome of one run, as printed.
type report struct {
	Method          string         `json:"method"`
	URL             string         `json:"url"`
	Auth            string         `json:"auth"`
	Concurrency     int            `json:"concurrency"`
	WarmupSeconds   float64        `json:"warmup_s"`
	ElapsedSeconds  float64        `json:"elapsed_s"`
	Requests        int            `json:"requests"`
	Failed          int            `json:"failed"`
	Errors          map[string]int `json:"errors"`
	Throughput      float64        `json:"throughput_rps"`
	P50             float64        `json:"p50_ms"`
	P90             float64        `json:"p90_ms"`
	P99             float64        `json:"p99_ms"`
	P999            float64        `json:"p99_9_ms"`
	Max             float64        `json:"max_ms"`
	SampleTransport string         `json:"transport_error,omitempty"`
}

// percentile returns the p-th percentile (0 ≤ p ≤ 100) of sorted by the
// nearest-rank method: the smallest value with at least p per cent of the values
// at or below it. It returns 0 for no values.
func percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	// The small epsilon keeps 99.9% of 1000 at rank 999, not 1000, despite
	// floating-point rounding.
	rank := int(math.Ceil(p/100*float64(n) - 1e-9))
	return sorted[min(max(rank, 1), n)-1]
}

// summarise turns a run's raw observations into its report.
func summarise(cfg config, res result) report {
	lat := slices.Clone(res.latencies)
	slices.Sort(lat)
	rep := report{
		Method:         cfg.method,
		URL:            cfg.base.String() + cfg.path,
		Auth:           authKind(cfg),
		Concurrency:    cfg.concurrency,
		WarmupSeconds:  cfg.warmup.Seconds(),
		ElapsedSeconds: res.elapsed.Seconds(),
		Requests:       len(lat) + res.errors[transportError],
		Errors:         res.errors,
		P50:            ms(percentile(lat, 50)),
		P90:            ms(percentile(lat, 90)),
		P99:            ms(percentile(lat, 99)),
		P999:           ms(percentile(lat, 99.9)),
		Max:            ms(percentile(lat, 100)),
	}
	for _, v := range res.errors {
		rep.Failed += v
	}
	if res.elapsed > 0 {
		rep.Throughput = float64(rep.Requests) / res.elapsed.Seconds()
	}
	if res.sampleErr != nil {
		rep.SampleTransport = res.sampleErr.Error()
	}
	return rep
}

func authKind(cfg config) string {
	switch {
	case cfg.token != "":
		return "token"
	case cfg.email != "":
		return "session " + cfg.email
	}
	return "none"
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func writeJSON(w io.Writer, rep report) error {
	return json.NewEncoder(w).Encode(rep)
}

func writeTable(w io.Writer, rep report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "target\t%s %s\n", rep.Method, rep.URL)
	fmt.Fprintf(tw, "auth\t%s\n", rep.Auth)
	fmt.Fprintf(tw, "concurrency\t%d\n", rep.Concurrency)
	fmt.Fprintf(tw, "measured\t%.2f s (after %.0f s warm-up)\n", rep.ElapsedSeconds, rep.WarmupSeconds)
	fmt.Fprintf(tw, "requests\t%d\n", rep.Requests)
	fmt.Fprintf(tw, "errors\t%d%s\n", rep.Failed, errorDetail(rep.Errors))
	fmt.Fprintf(tw, "throughput\t%.1f req/s\n", rep.Throughput)
	fmt.Fprintf(tw, "latency ms\tp50 %.2f\tp90 %.2f\tp99 %.2f\tp99.9 %.2f\tmax %.2f\n", rep.P50, rep.P90, rep.P99, rep.P999, rep.Max)
	if rep.SampleTransport != "" {
		fmt.Fprintf(tw, "transport error\t%s\n", rep.SampleTransport)
	}
	return tw.Flush()
}

// errorDetail lists the error counts by status, e.g. " (403: 2, transport: 1)".
func errorDetail(errs map[string]int) string {
	if len(errs) == 0 {
		return ""
	}
	keys := make([]string, 0, len(errs))
	for k := range errs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s: %d", k, errs[k])
	}
	return " (" + strings.Join(parts, ", ") + ")"
}
