package linkage

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// Ref names one record: its party's position in the input and its index there.
type Ref struct{ Party, Index int32 }

// Pair is two records whose Dice coefficient reaches the threshold.
type Pair struct {
	A, B  Ref
	Score float64
}

// Blocking modes of Options.
const (
	BlockingAuto  = "auto"  // exact up to ExactLimit comparisons, LSH beyond
	BlockingExact = "exact" // compare every pair the popcounts allow
	BlockingLSH   = "lsh"   // compare only pairs that share an LSH band
)

// ExactLimit is the number of pairs (the product of the input sizes, summed over
// the pairs of partners) up to which BlockingAuto compares every pair: a few
// seconds on one core.
const ExactLimit = 4e9

// Options tune Match.
type Options struct {
	Threshold float64 // Dice coefficient a pair must reach
	Dedup     bool    // also pair records of one partner with each other
	Blocking  string  // BlockingAuto (default), BlockingExact or BlockingLSH
	Workers   int     // goroutines; 0 means GOMAXPROCS
	// Progress, when not nil, is called from the workers (one at a time) with the
	// work done and the total, in units of the chosen method.
	Progress func(done, total int64)
}

// sortedParty is a party's filters sorted by popcount, so that the records a
// query may match lie in one contiguous range.
type sortedParty struct {
	order   []int32  // sorted position → index in the party
	pops    []uint16 // popcounts, ascending
	filters []uint64 // filters in sorted order
	start   []int32  // start[p]: the first sorted position with popcount ≥ p
}

func sortParty(p *Party) *sortedParty {
	w, n := p.Words(), len(p.IDs)
	sp := &sortedParty{order: make([]int32, n), pops: make([]uint16, n), filters: make([]uint64, n*w)}
	pops := make([]uint16, n)
	for i := range n {
		sp.order[i] = int32(i)
		pops[i] = uint16(Popcount(p.Filter(i)))
	}
	slices.SortStableFunc(sp.order, func(a, b int32) int { return cmp.Compare(pops[a], pops[b]) })
	for i, o := range sp.order {
		sp.pops[i] = pops[o]
		copy(sp.filters[i*w:(i+1)*w], p.Filter(int(o)))
	}
	bits := w * 64
	sp.start = make([]int32, bits+2)
	j := 0
	for v := range bits + 2 {
		for j < n && int(sp.pops[j]) < v {
			j++
		}
		sp.start[v] = int32(j)
	}
	return sp
}

// popRange returns the popcounts [lo, hi] a filter of popcount pa may be paired
// with at threshold t: Dice ≤ 2·min(pa,pb)/(pa+pb).
func popRange(pa int, t float64, bits int) (lo, hi int) {
	if t <= 0 {
		return 0, bits
	}
	const eps = 1e-9
	lo = int(math.Ceil(float64(pa)*t/(2-t) - eps))
	hi = int(math.Floor(float64(pa)*(2-t)/t + eps))
	return max(lo, 0), min(hi, bits)
}

// Match returns the pairs of records, across parties (and within a party when
// opt.Dedup), whose Dice coefficient reaches opt.Threshold, each pair once with
// A before B, sorted by descending score.
func Match(parties []*Party, opt Options) ([]Pair, error) {
	if err := Compatible(parties); err != nil {
		return nil, err
	}
	if opt.Threshold <= 0 || opt.Threshold > 1 {
		return nil, fmt.Errorf("threshold %v: must be above 0 and at most 1", opt.Threshold)
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	sorted := make([]*sortedParty, len(parties))
	for i, p := range parties {
		sorted[i] = sortParty(p)
	}
	var pairs []Pair
	switch mode := chooseBlocking(parties, opt); mode {
	case BlockingExact:
		pairs = matchExact(sorted, opt)
	case BlockingLSH:
		pairs = matchLSH(sorted, opt)
	default:
		return nil, errors.New("blocking must be auto, exact or lsh")
	}
	sortPairs(pairs)
	return pairs, nil
}

// chooseBlocking resolves BlockingAuto from the number of pairs to compare.
func chooseBlocking(parties []*Party, opt Options) string {
	if opt.Blocking != "" && opt.Blocking != BlockingAuto {
		return opt.Blocking
	}
	var product float64
	for i, p := range parties {
		for j := i; j < len(parties); j++ {
			if i != j || opt.Dedup {
				product += float64(len(p.IDs)) * float64(len(parties[j].IDs))
			}
		}
	}
	if product <= ExactLimit {
		return BlockingExact
	}
	return BlockingLSH
}

// sortPairs orders pairs by descending score, then by their records, so that the
// result does not depend on the order the workers finished in.
func sortPairs(pairs []Pair) {
	slices.SortFunc(pairs, func(x, y Pair) int {
		if c := cmp.Compare(y.Score, x.Score); c != 0 {
			return c
		}
		return cmpPairRefs(x, y)
	})
}

func cmpPairRefs(x, y Pair) int {
	if c := cmpRef(x.A, y.A); c != 0 {
		return c
	}
	return cmpRef(x.B, y.B)
}

func cmpRef(a, b Ref) int {
	if c := cmp.Compare(a.Party, b.Party); c != 0 {
		return c
	}
	return cmp.Compare(a.Index, b.Index)
}

// progress counts work done across workers and reports it, one call at a time.
type progress struct {
	mu    sync.Mutex
	done  atomic.Int64
	total int64
	f     func(done, total int64)
}

func (p *progress) add(n int64) {
	d := p.done.Add(n)
	if p.f != nil {
		p.mu.Lock()
		p.f(d, p.total)
		p.mu.Unlock()
	}
}
