package linkage

import (
	"os"
	"strconv"
	"testing"
	"time"

	"alliance/internal/linkage/synth"
)

// BenchmarkEncode measures encoding with the default schema, records per second
// on the cores given with -cpu.
func BenchmarkEncode(b *testing.B) {
	recs := synth.Generate(synth.Config{Seed: 3, People: 10000, Partners: 1, Presence: 1, Noise: synth.Realistic})[0]
	rows := make([][]string, len(recs))
	for i, r := range recs {
		rows[i] = []string{r.ID, r.Given, r.Family, r.DateOfBirth, r.Sex, r.Nationality}
	}
	enc, err := NewEncoder(DefaultSchema(), testSecret)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		enc.EncodeAll(rows, nil)
	}
	b.ReportMetric(float64(b.N)*float64(len(rows))/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkMatch measures matching three partners of 20,000 records each, exact
// and with LSH blocking.
func BenchmarkMatch(b *testing.B) {
	cfg := synth.Config{Seed: 4, People: 30000, Partners: 3, Presence: 0.67, Noise: synth.Realistic}
	parties, _ := encodeSynth(b, DefaultSchema(), synth.Generate(cfg))
	for _, mode := range []string{BlockingExact, BlockingLSH} {
		b.Run(mode, func(b *testing.B) {
			for b.Loop() {
				if _, err := Match(parties, Options{Threshold: DefaultThreshold, Blocking: mode}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestScale encodes and matches three partners of ALLIANCE_LINKAGE_SCALE records
// each, end to end, and logs the time of each step (ALLIANCE_LINKAGE_THRESHOLD
// overrides the threshold). It is skipped unless the variable is set:
// ALLIANCE_LINKAGE_SCALE=1000000 go test -run Scale -v -cpu 2.
func TestScale(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("ALLIANCE_LINKAGE_SCALE"))
	if n <= 0 {
		t.Skip("set ALLIANCE_LINKAGE_SCALE to the number of records per partner")
	}
	start := time.Now()
	recs := synth.Generate(synth.Config{Seed: 5, People: n * 3 / 2, Partners: 3, Presence: 0.6, Noise: synth.Realistic})
	t.Logf("generated %d+%d+%d records in %v (not counted)", len(recs[0]), len(recs[1]), len(recs[2]), time.Since(start))
	start = time.Now()
	parties, truth := encodeSynth(t, DefaultSchema(), recs)
	enc := time.Since(start)
	start = time.Now()
	th := DefaultThreshold
	if v, err := strconv.ParseFloat(os.Getenv("ALLIANCE_LINKAGE_THRESHOLD"), 64); err == nil {
		th = v
	}
	pairs, err := Match(parties, Options{Threshold: th})
	if err != nil {
		t.Fatal(err)
	}
	match := time.Since(start)
	start = time.Now()
	clusters := Cluster(pairs, false)
	cl := time.Since(start)
	s := evaluate(clusters, truth)
	t.Logf("encode %v, match %v (%d pairs), cluster %v, total %v; P %.4f R %.4f F1 %.4f",
		enc, match, len(pairs), cl, enc+match+cl, s.precision, s.recall, s.f1)
}
