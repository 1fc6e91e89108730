package screening

import (
	"slices"
	"testing"
)

// TestIndexFindsWhatAFullScanFinds screens the synthetic test set through the
// index and by scoring every listed name, and wants the same hits: the index may
// skip names, but never one that would score at or above the threshold.
func TestIndexFindsWhatAFullScanFinds(t *testing.T) {
	snap, qs := testSet(t, 3, 400, 2)
	s := NewScreener(snap)
	sc := newScratch(s.ix)
	for _, th := range []float64{0.5, DefaultThreshold, 0.9} {
		missed := 0
		for _, l := range qs {
			got := hitIDs(s.screen(l.q, th, sc))
			want := hitIDs(fullScan(s, l.q, th, sc))
			if !slices.Equal(got, want) {
				missed++
				if missed < 5 {
					t.Errorf("threshold %.2f, %q: index found %v, a full scan %v", th, l.q.Name, got, want)
				}
			}
		}
		if missed > 0 {
			t.Errorf("threshold %.2f: %d of %d queries differ", th, missed, len(qs))
		}
	}
}

// fullScan scores q against every listed name.
func fullScan(s *Screener, q Query, th float64, sc *scratch) []Hit {
	pq := s.x.prepare(q.Name, q.Country, sc)
	best := map[int32]Hit{}
	for n := range s.ix.names {
		ln := &s.ix.names[n]
		if r := s.ix.score(pq, ln, sc, true); r.score >= th && r.score > best[ln.entity].Score {
			best[ln.entity] = s.hit(ln, r)
		}
	}
	var out []Hit
	for _, h := range best {
		out = append(out, h)
	}
	return out
}

func hitIDs(hits []Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Entity.ID)
	}
	slices.Sort(out)
	return out
}
