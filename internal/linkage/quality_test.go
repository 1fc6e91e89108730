package linkage

import (
	"fmt"
	"os"
	"testing"

	"alliance/internal/linkage/synth"
)

// testSecret is a secret for tests only.
var testSecret = []byte("test secret: 32 bytes or more, never used in production")

// encodeSynth encodes generated records as parties named p0, p1, ...
func encodeSynth(tb testing.TB, s *Schema, recs [][]synth.Record) ([]*Party, [][]int) {
	tb.Helper()
	enc, err := NewEncoder(s, testSecret)
	if err != nil {
		tb.Fatal(err)
	}
	var parties []*Party
	var truth [][]int
	for pi, rs := range recs {
		rows := make([][]string, len(rs))
		ids := make([]string, len(rs))
		who := make([]int, len(rs))
		for i, r := range rs {
			rows[i] = []string{r.ID, r.Given, r.Family, r.DateOfBirth, r.Sex, r.Nationality}
			ids[i], who[i] = r.ID, r.Person
		}
		p := &Party{Name: fmt.Sprintf("p%d", pi), IDs: ids, Filters: enc.EncodeAll(rows, nil),
			Header: Header{Schema: s, SchemaFingerprint: s.Fingerprint(), SecretFingerprint: enc.fp, Records: len(rs)}}
		parties = append(parties, p)
		truth = append(truth, who)
	}
	return parties, truth
}

// scores are precision, recall and F1 over the pairs of records of one person.
type scores struct{ precision, recall, f1 float64 }

// evaluate compares the clusters with the truth, pair by pair.
func evaluate(clusters [][]Ref, truth [][]int) scores {
	truePairs := 0
	count := map[int][]int{} // person → records per party
	for pi, who := range truth {
		for _, person := range who {
			if count[person] == nil {
				count[person] = make([]int, len(truth))
			}
			count[person][pi]++
		}
	}
	for _, per := range count {
		for i := range per {
			for j := i + 1; j < len(per); j++ {
				truePairs += per[i] * per[j]
			}
		}
	}
	found, correct := 0, 0
	for _, c := range clusters {
		for i := range c {
			for j := i + 1; j < len(c); j++ {
				if c[i].Party == c[j].Party {
					continue
				}
				found++
				if truth[c[i].Party][c[i].Index] == truth[c[j].Party][c[j].Index] {
					correct++
				}
			}
		}
	}
	s := scores{precision: float64(correct) / float64(max(found, 1)), recall: float64(correct) / float64(max(truePairs, 1))}
	if s.precision+s.recall > 0 {
		s.f1 = 2 * s.precision * s.recall / (s.precision + s.recall)
	}
	return s
}

func linkSynth(tb testing.TB, s *Schema, cfg synth.Config, opt Options) scores {
	tb.Helper()
	parties, truth := encodeSynth(tb, s, synth.Generate(cfg))
	pairs, err := Match(parties, opt)
	if err != nil {
		tb.Fatal(err)
	}
	return evaluate(Cluster(pairs, false), truth)
}

var qualityConfig = synth.Config{Seed: 1, People: 4000, Partners: 3, Presence: 0.6, Noise: synth.Realistic}

// TestQuality checks the default schema and threshold on a synthetic set: F1 at
// least 0.95.
func TestQuality(t *testing.T) {
	s := DefaultSchema()
	got := linkSynth(t, s, qualityConfig, Options{Threshold: s.Threshold})
	t.Logf("threshold %.2f: precision %.4f recall %.4f F1 %.4f", s.Threshold, got.precision, got.recall, got.f1)
	if got.f1 < 0.95 {
		t.Errorf("F1 = %.4f, want at least 0.95 (precision %.4f, recall %.4f)", got.f1, got.precision, got.recall)
	}
}

// TestTuning logs precision, recall and F1 over a range of thresholds for the
// default schema and for each hardening option, the figures of the README. It is a
// tuning aid, skipped unless ALLIANCE_LINKAGE_TUNE is set.
func TestTuning(t *testing.T) {
	if os.Getenv("ALLIANCE_LINKAGE_TUNE") == "" {
		t.Skip("set ALLIANCE_LINKAGE_TUNE=1 to tune")
	}
	variants := []struct {
		name   string
		change func(s *Schema)
	}{
		{"default", func(*Schema) {}},
		{"xor-fold", func(s *Schema) { s.Hardening.XORFold = true }},
		{"balance", func(s *Schema) { s.Hardening.Balance = true }},
		{"xor-fold+balance", func(s *Schema) { s.Hardening = Hardening{XORFold: true, Balance: true} }},
		{"salt name by sex", func(s *Schema) { s.Fields[0].Salt = "sex" }},
	}
	for _, v := range variants {
		s := DefaultSchema()
		v.change(s)
		best, bestT := scores{}, 0.0
		for th := 0.60; th < 0.95; th += 0.02 {
			got := linkSynth(t, s, qualityConfig, Options{Threshold: th})
			t.Logf("%s, threshold %.2f: precision %.4f recall %.4f F1 %.4f", v.name, th, got.precision, got.recall, got.f1)
			if got.f1 > best.f1 {
				best, bestT = got, th
			}
		}
		t.Logf("%s: best threshold %.2f: precision %.4f recall %.4f F1 %.4f", v.name, bestT, best.precision, best.recall, best.f1)
	}
}
