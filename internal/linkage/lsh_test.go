package linkage

import (
	"math/rand/v2"
	"slices"
	"testing"

	"alliance/internal/linkage/synth"
)

// TestLSHRecall measures what blocking costs: the pairs LSH finds against the
// pairs exact matching finds, on the same synthetic set, and the scores after
// clustering.
func TestLSHRecall(t *testing.T) {
	s := DefaultSchema()
	parties, truth := encodeSynth(t, s, synth.Generate(qualityConfig))
	exact, err := Match(parties, Options{Threshold: s.Threshold, Blocking: BlockingExact})
	if err != nil {
		t.Fatal(err)
	}
	lsh, err := Match(parties, Options{Threshold: s.Threshold, Blocking: BlockingLSH})
	if err != nil {
		t.Fatal(err)
	}
	found := map[[2]Ref]bool{}
	for _, p := range lsh {
		found[[2]Ref{p.A, p.B}] = true
	}
	kept := 0
	for _, p := range exact {
		if found[[2]Ref{p.A, p.B}] {
			kept++
		}
	}
	if len(lsh) != kept {
		t.Errorf("LSH found %d pairs that exact matching did not", len(lsh)-kept)
	}
	pairRecall := float64(kept) / float64(len(exact))
	se, sl := evaluate(Cluster(exact, false), truth), evaluate(Cluster(lsh, false), truth)
	t.Logf("LSH keeps %d of %d pairs (%.4f); F1 exact %.4f, LSH %.4f (recall %.4f, %.4f)",
		kept, len(exact), pairRecall, se.f1, sl.f1, se.recall, sl.recall)
	if pairRecall < 0.97 {
		t.Errorf("LSH keeps %.4f of the pairs, want at least 0.97", pairRecall)
	}
}

func TestRadixSort(t *testing.T) {
	keys := []uint64{5 << 32, 3<<32 | 9, 5<<32 | 1, 0, 1 << 40}
	want := []uint64{0, 3<<32 | 9, 5 << 32, 5<<32 | 1, 1 << 40}
	es := make([]entry, len(keys))
	for i, k := range keys {
		es[i] = entry{key: k, sig: [sigWords]uint64{k + 1}}
	}
	radixSort(es, make([]entry, len(es)), 32, 48)
	for i := range want {
		if es[i].key != want[i] || es[i].sig[0] != want[i]+1 {
			t.Fatalf("got %x, want keys %x", es, want)
		}
	}
}

func TestWindow(t *testing.T) {
	f := []uint64{0x0123456789abcdef, 0xfedcba9876543210}
	tests := []struct {
		off  int
		want uint64
	}{{0, 0x0123456789abcdef}, {64, 0xfedcba9876543210}, {4, 0x00123456789abcde}, {68, 0xffedcba987654321}, {128, 0x0123456789abcdef}}
	for _, tt := range tests {
		if got := window(f, tt.off); got != tt.want {
			t.Errorf("window(%d) = %x, want %x", tt.off, got, tt.want)
		}
	}
}

func TestRadixSort64(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, n := range []int{0, 1, 2, 1000} {
		keys := make([]uint64, n)
		for i := range keys {
			keys[i] = rng.Uint64() >> rng.IntN(64)
		}
		want := slices.Clone(keys)
		slices.Sort(want)
		var tmp []uint64
		radixSort64(keys, &tmp)
		if !slices.Equal(keys, want) {
			t.Fatalf("n=%d: not sorted", n)
		}
	}
}
