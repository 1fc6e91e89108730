package screening

import (
	"sort"
	"sync"
	"sync/atomic"
)

// exp is a listed term that a query word may stand for, with its credit.
type exp struct {
	term   int32
	credit float32
}

// maxExpansions bounds the listed words one query word may stand for.
const maxExpansions = 64

// expander finds the listed words similar to a query word. It caches its answers:
// the words of supplier names repeat, so a batch asks the same few thousand words
// again and again.
type expander struct {
	ix    *index
	cache sync.Map // key "\x00" fold -> []exp
	size  atomic.Int64
}

const maxCached = 1 << 20

// scratch is one worker's reusable memory.
type scratch struct {
	counts  []uint8 // 1 for the terms in touched
	touched []int32
	acc     []float32 // per listed name: upper bound of the gain so far
	best    []float32 // per name: gain of the current query word
	mark    []int32   // per name: 1 + the query word that set best
	names   []int32   // names touched by the current query
	scan    []int32
	gain    []float32 // score: the gain matrix
	credit  []float32 // score: the credit matrix
}

func newScratch(ix *index) *scratch {
	return &scratch{
		counts: make([]uint8, len(ix.terms)),
		acc:    make([]float32, len(ix.names)),
		best:   make([]float32, len(ix.names)),
		mark:   make([]int32, len(ix.names)),
	}
}

func (x *expander) expand(t *tok, s *scratch) []exp {
	ck := t.key + "\x00" + t.fold
	if v, ok := x.cache.Load(ck); ok {
		return v.([]exp)
	}
	out := x.compute(t, s)
	if x.size.Load() < maxCached {
		x.size.Add(1)
		x.cache.Store(ck, out)
	}
	return out
}

func (x *expander) compute(t *tok, s *scratch) []exp {
	ix := x.ix
	var out []exp
	add := func(id int32, c float32) {
		for i := range out {
			if out[i].term == id {
				out[i].credit = max(out[i].credit, c)
				return
			}
		}
		out = append(out, exp{id, c})
	}
	if id, ok := ix.byKey[t.key]; ok {
		add(id, 1)
	}
	if id, ok := ix.byKey[t.fold]; ok && t.fold != t.key {
		add(id, 1)
	}
	if t.isInitial() {
		return out
	}
	for _, id := range x.neighbours(t.fold, t.phon, s) {
		tt := ix.termTok(id)
		if c := tokenCredit(t, &tt); c > 0 {
			add(id, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].credit > out[j].credit })
	return out[:min(len(out), maxExpansions)]
}

// neighbours returns the words within two edits of fold or of phon, each once.
func (x *expander) neighbours(fold, phon string, s *scratch) []int32 {
	s.touched = s.touched[:0]
	note := func(id int32) {
		if s.counts[id] == 0 {
			s.counts[id] = 1
			s.touched = append(s.touched, id)
		}
	}
	x.ix.byFold.lookup(fold, note)
	if phon != "" {
		x.ix.byPhonD.lookup(phon, note)
	}
	out := append([]int32(nil), s.touched...)
	for _, id := range s.touched {
		s.counts[id] = 0
	}
	return out
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func (ix *index) termTok(id int32) tok {
	t := &ix.terms[id]
	return tok{fold: t.fold, key: t.key, phon: t.phon, factor: 1, init: oneRune(t.fold)}
}
