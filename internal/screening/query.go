package screening

import (
	"sort"
	"strings"
)

// qform is a normalised query with the weight of every word and the listed words
// each may stand for.
type qform struct {
	form
	w      []float32
	total  float32
	exps   [][]exp
	credit []map[int32]float32 // per word: listed word term -> credit, from exps
}

// query is a prepared query: the organisation reading (legal form set aside,
// sector words as concepts) and the person reading (every word as written).
type query struct {
	org, plain *qform
	country    string
}

func (x *expander) prepare(name, country string, s *scratch) *query {
	q := &query{country: strings.ToLower(strings.TrimSpace(country))}
	q.org = x.weigh(normalize(name, true), s)
	plain := normalize(name, false)
	if sameKeys(plain, q.org.form) {
		q.plain = q.org
	} else {
		q.plain = x.weigh(plain, s)
	}
	return q
}

// queryWeight is the rarity of the listed word a query word stands for: the
// concept or the word itself if listed, else its closest listed word, else that of
// a word listed once.
func (ix *index) queryWeight(t *tok, exps []exp) float32 {
	if id, ok := ix.byKey[t.key]; ok {
		return ix.terms[id].idf
	}
	if len(exps) > 0 {
		return ix.terms[exps[0].term].idf
	}
	return ix.maxIDF
}

func sameKeys(a, b form) bool {
	if len(a.toks) != len(b.toks) {
		return false
	}
	for i := range a.toks {
		if a.toks[i].key != b.toks[i].key {
			return false
		}
	}
	return true
}

// weigh gives each query word the rarity of the listed word it stands for: its own
// if listed, else that of its closest listed word (a typo weighs what the word
// weighs), else the weight of a word seen once.
func (x *expander) weigh(f form, s *scratch) *qform {
	q := &qform{form: f, w: make([]float32, len(f.toks)), exps: make([][]exp, len(f.toks)), credit: make([]map[int32]float32, len(f.toks))}
	for i := range f.toks {
		t := &f.toks[i]
		q.exps[i] = x.expand(t, s)
		q.credit[i] = make(map[int32]float32, len(q.exps[i]))
		for _, e := range q.exps[i] {
			q.credit[i][e.term] = e.credit
		}
		w := t.weight(x.ix.queryWeight(t, q.exps[i]))
		q.w[i] = w
		q.total += w
	}
	return q
}

// candidates returns the listed names that may score at least threshold against
// q. It walks the postings of the listed words that the query's words stand for,
// the weightiest first, and keeps an upper bound of each name's score; once the
// words left could not lift a name that none of the earlier words reached to the
// threshold, they only add to names already found. A common word ("Textile")
// therefore never drags in its thousands of names, while a misspelt rare word
// still finds its name through its neighbours or through the other words.
func (ix *index) candidates(q *query, threshold float64, s *scratch) []int32 {
	f := q.org
	order, maxW := ix.wordOrder(f)
	remQ, remE := make([]float32, len(order)+1), make([]float32, len(order)+1)
	for k := len(order) - 1; k >= 0; k-- {
		remQ[k] = remQ[k+1] + f.w[order[k]]
		remE[k] = remE[k+1] + maxW[order[k]]
	}
	s.names = s.names[:0]
	for k, i := range order {
		create := boost(float64((remQ[k]+remE[k])/(f.total+remE[k]))) >= threshold*pruneSlack
		ix.collect(f, i, int32(k+1), create, s)
	}
	b := initialBounds(f)
	out := make([]int32, 0, len(s.names))
	for _, n := range s.names {
		ln := &ix.names[n]
		reduce := float32(b.n)*max(0, ln.maxW-initialWeight) + float32(ln.nInit)*max(0, b.maxQ-initialWeight)
		ub := boost(float64((s.acc[n] + b.gain + ln.initials) / max(1e-6, f.total+ln.total-reduce)))
		if ub >= threshold*pruneSlack || (ix.entities[ln.entity].e.Type == TypePerson && q.plain != q.org) {
			out = append(out, n)
		}
		s.acc[n], s.best[n], s.mark[n] = 0, 0, 0
	}
	return out
}

// wordOrder returns the query words that lead to listed words, the weightiest
// first, with the largest weight of a listed word each leads to.
func (ix *index) wordOrder(f *qform) (order []int, maxW []float32) {
	maxW = make([]float32, len(f.toks))
	for i := range f.toks {
		if len(f.exps[i]) == 0 {
			continue
		}
		for _, e := range f.exps[i] {
			maxW[i] = max(maxW[i], ix.terms[e.term].idf)
		}
		order = append(order, i)
	}
	sort.SliceStable(order, func(a, b int) bool {
		return f.w[order[a]]+maxW[order[a]] > f.w[order[b]]+maxW[order[b]]
	})
	return order, maxW
}

// initBound bounds what a query's initials add to a name found through its other
// words, since the index leads from no initial to the words it begins
// (pairWeight, tally).
type initBound struct {
	gain float32 // gain of the initials
	maxQ float32 // the heaviest query word, which a listed initial may stand for
	n    int     // initials
}

func initialBounds(f *qform) initBound {
	var b initBound
	for i := range f.toks {
		b.maxQ = max(b.maxQ, f.w[i])
		if f.toks[i].isInitial() {
			b.gain += 0.9 * (f.w[i] + initialWeight)
			b.n++
		}
	}
	return b
}

// pruneSlack keeps names whose bound falls a little short of the threshold, so
// that rounding in the bound never costs a hit.
const pruneSlack = 0.98

// boost is the highest score that the adjustments (legal form, country) can make
// of a name score.
func boost(s float64) float64 { return 1 - (1-s)*(1-maxBonus) }

func (ix *index) collect(f *qform, i int, stamp int32, create bool, s *scratch) {
	for _, e := range f.exps[i] {
		t := &ix.terms[e.term]
		v := e.credit * (f.w[i] + t.idf)
		postings := t.postings
		if !create && len(postings) > 8*len(s.names) {
			// A common word that creates no candidate: visit the names found so
			// far rather than its long list of names.
			postings = s.scan[:0]
			for _, n := range s.names {
				if ix.names[n].has(e.term) {
					postings = append(postings, n)
				}
			}
			s.scan = postings
		}
		for _, n := range postings {
			switch {
			case s.mark[n] == stamp:
				if v > s.best[n] {
					s.acc[n] += v - s.best[n]
					s.best[n] = v
				}
			case s.mark[n] != 0 || create:
				if s.mark[n] == 0 {
					s.names = append(s.names, n)
				}
				s.mark[n], s.best[n] = stamp, v
				s.acc[n] += v
			}
		}
	}
}
