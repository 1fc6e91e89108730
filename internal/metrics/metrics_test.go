package metrics

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestWrite(t *testing.T) {
	r := New()
	r.ObserveRequest("/login", "GET", 200, 3*time.Millisecond)
	r.ObserveRequest("/login", "GET", 200, 30*time.Millisecond)
	r.ObserveRequest("/login", "POST", 401, time.Millisecond)
	r.ObserveJob("session_cleanup", nil)
	r.ObserveJob("session_cleanup", errors.New("boom"))
	r.Gauge("alliance_db_connections", "Connections.", func() []Sample {
		return []Sample{{Labels: `state="open"`, Value: 3}}
	})
	var b strings.Builder
	if err := r.Write(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		`alliance_http_requests_total{route="/login",method="GET",status="200"} 2`,
		`alliance_http_requests_total{route="/login",method="POST",status="401"} 1`,
		`alliance_http_request_duration_seconds_bucket{route="/login",le="0.0025"} 1`, // the 1 ms request
		`alliance_http_request_duration_seconds_bucket{route="/login",le="0.005"} 2`,  // and the 3 ms one
		`alliance_http_request_duration_seconds_bucket{route="/login",le="0.05"} 3`,
		`alliance_http_request_duration_seconds_bucket{route="/login",le="+Inf"} 3`,
		`alliance_http_request_duration_seconds_count{route="/login"} 3`,
		`alliance_job_runs_total{job="session_cleanup"} 2`,
		`alliance_job_failures_total{job="session_cleanup"} 1`,
		`# TYPE alliance_db_connections gauge`,
		`alliance_db_connections{state="open"} 3`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestBucketBoundaryInclusive(t *testing.T) {
	r := New()
	r.ObserveRequest("/x", "GET", 200, 10*time.Millisecond) // exactly the 0.01 bound
	var b strings.Builder
	r.Write(&b)
	if !strings.Contains(b.String(), `le="0.01"} 1`) {
		t.Errorf("a value equal to a bucket's bound must count in it (le is ≤):\n%s", b.String())
	}
}
