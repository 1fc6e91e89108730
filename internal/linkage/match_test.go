package linkage

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// randomParties returns parties of random filters with planted near-copies, so that
// some pairs pass any threshold.
func randomParties(sizes []int, words int, seed uint64) []*Party {
	rng := rand.New(rand.NewPCG(seed, 1))
	s := DefaultSchema()
	s.FilterBits = words * 64
	base := make([]uint64, 50*words)
	for i := range base {
		base[i] = rng.Uint64() & rng.Uint64()
	}
	var parties []*Party
	for pi, n := range sizes {
		p := &Party{Name: fmt.Sprint("p", pi), Header: Header{Schema: s, SchemaFingerprint: "x", SecretFingerprint: "y"}}
		for i := range n {
			p.IDs = append(p.IDs, fmt.Sprint(i))
			src := base[rng.IntN(50)*words:][:words]
			for _, w := range src {
				p.Filters = append(p.Filters, w^(rng.Uint64()&rng.Uint64()&rng.Uint64()&rng.Uint64()))
			}
		}
		parties = append(parties, p)
	}
	return parties
}

// bruteForce is the reference: every pair, Dice computed directly.
func bruteForce(parties []*Party, th float64, dedup bool) []Pair {
	var out []Pair
	for a := range parties {
		for b := a; b < len(parties); b++ {
			if a == b && !dedup {
				continue
			}
			for i := range parties[a].IDs {
				for j := range parties[b].IDs {
					if a == b && j <= i {
						continue
					}
					if s := Dice(parties[a].Filter(i), parties[b].Filter(j)); s >= th {
						out = append(out, Pair{Ref{int32(a), int32(i)}, Ref{int32(b), int32(j)}, s})
					}
				}
			}
		}
	}
	sortPairs(out)
	return out
}

func TestMatchExactEqualsBruteForce(t *testing.T) {
	tests := []struct {
		sizes []int
		words int
		th    float64
		dedup bool
	}{
		{[]int{300, 250}, 16, 0.7, false},
		{[]int{200, 0, 150, 100}, 16, 0.8, false},
		{[]int{200, 150}, 3, 0.6, true},
		{[]int{5000, 3}, 16, 0.75, false}, // more than one block of candidates
	}
	for _, tt := range tests {
		parties := randomParties(tt.sizes, tt.words, uint64(len(tt.sizes)))
		want := bruteForce(parties, tt.th, tt.dedup)
		got, err := Match(parties, Options{Threshold: tt.th, Dedup: tt.dedup, Blocking: BlockingExact})
		if err != nil {
			t.Fatal(err)
		}
		if len(want) == 0 {
			t.Fatalf("%v: no pairs to find; the test data is wrong", tt.sizes)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%v at %.2f (dedup %v): %d pairs, want %d; diff (-want +got):\n%.2000s", tt.sizes, tt.th, tt.dedup, len(got), len(want), diff)
		}
	}
}

func TestMatchLSHFindsOnlyTruePairs(t *testing.T) {
	parties := randomParties([]int{400, 300, 200}, 16, 7)
	want := bruteForce(parties, 0.8, false)
	got, err := Match(parties, Options{Threshold: 0.8, Blocking: BlockingLSH})
	if err != nil {
		t.Fatal(err)
	}
	in := map[[2]Ref]float64{}
	for _, p := range want {
		in[[2]Ref{p.A, p.B}] = p.Score
	}
	seen := map[[2]Ref]bool{}
	for _, p := range got {
		k := [2]Ref{p.A, p.B}
		if s, ok := in[k]; !ok || s != p.Score || seen[k] {
			t.Fatalf("LSH pair %+v: in brute force %v (score %v), seen before %v", p, ok, s, seen[k])
		}
		seen[k] = true
	}
	if len(got) < len(want)*9/10 {
		t.Errorf("LSH found %d of %d pairs", len(got), len(want))
	}
}

func TestMatchRefuses(t *testing.T) {
	a := randomParties([]int{3}, 16, 1)[0]
	b := randomParties([]int{3}, 16, 1)[0]
	b.Name = "b"
	b.Header.SecretFingerprint = "z"
	tests := []struct {
		name    string
		parties []*Party
		th      float64
	}{
		{"other secret", []*Party{a, b}, 0.8},
		{"no parties", nil, 0.8},
		{"threshold 0", []*Party{a, a}, 0},
		{"threshold above 1", []*Party{a, a}, 1.5},
	}
	for _, tt := range tests {
		if _, err := Match(tt.parties, Options{Threshold: tt.th}); err == nil {
			t.Errorf("%s: accepted", tt.name)
		}
	}
}

func TestCluster(t *testing.T) {
	r := func(p, i int32) Ref { return Ref{p, i} }
	tests := []struct {
		name  string
		pairs []Pair
		dedup bool
		want  [][]Ref
	}{
		{"chain across three partners", []Pair{{r(0, 0), r(1, 0), 0.95}, {r(1, 0), r(2, 0), 0.9}},
			false, [][]Ref{{r(0, 0), r(1, 0), r(2, 0)}}},
		{"one record per partner: the better pair wins", []Pair{{r(0, 0), r(1, 0), 0.95}, {r(0, 1), r(1, 0), 0.9}},
			false, [][]Ref{{r(0, 0), r(1, 0)}}},
		{"no two of one partner through others", []Pair{{r(0, 0), r(1, 0), 0.95}, {r(0, 1), r(2, 0), 0.9}, {r(1, 0), r(2, 0), 0.85}},
			false, [][]Ref{{r(0, 0), r(1, 0)}, {r(0, 1), r(2, 0)}}},
		{"dedup: direct duplicates join", []Pair{{r(0, 0), r(0, 1), 0.97}, {r(0, 0), r(1, 0), 0.95}, {r(0, 1), r(1, 0), 0.9}},
			true, [][]Ref{{r(0, 0), r(0, 1), r(1, 0)}}},
		{"dedup: not through a chain", []Pair{{r(0, 0), r(1, 0), 0.95}, {r(0, 1), r(1, 0), 0.9}},
			true, [][]Ref{{r(0, 0), r(1, 0)}}},
	}
	for _, tt := range tests {
		got := Cluster(tt.pairs, tt.dedup)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: (-want +got)\n%s", tt.name, diff)
		}
	}
}

func TestPopRange(t *testing.T) {
	for pa := 0; pa <= 1024; pa += 7 {
		for _, th := range []float64{0.5, 0.78, 0.9, 1} {
			lo, hi := popRange(pa, th, 1024)
			for pb := 0; pb <= 1024; pb++ {
				possible := pa+pb > 0 && 2*float64(min(pa, pb))/float64(pa+pb) >= th
				if possible && (pb < lo || pb > hi) {
					t.Fatalf("popRange(%d, %v) = %d..%d excludes %d, which may reach the threshold", pa, th, lo, hi, pb)
				}
			}
		}
	}
}
