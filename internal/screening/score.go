package screening

import (
	"fmt"
	"strings"
)

// Adjustments, all small: the name decides; the legal form and the country only
// order names that score alike. maxBonus is the largest share of the distance to 1
// that the bonuses can close together.
const (
	countryBonus    = 0.10 // share of the distance to 1 closed when the countries agree
	countryPenalty  = 0.95 // factor when both sides name countries and none agree
	legalBonus      = 0.05 // share closed when the legal forms agree
	legalPenalty    = 0.97 // factor when they conflict (GmbH and A.Ş.)
	personPenalty   = 0.90 // factor when the query has a legal form and the entity is a person
	initialReduce   = 0.5  // share of an initial's partner's weight left out of the total
	sectorPenalty   = 0.90 // factor when both name sectors and share none ("Öztürk Gıda", "Öztürk Tekstil")
	maxBonus        = 1 - (1-countryBonus)*(1-legalBonus)
	minPairCreditUI = 0.01 // pairs below this are shown as unmatched
)

// Match is one pair of words in an explanation: a query word and the listed word
// it was matched with (folded), and their credit in [0, 1].
type Match struct {
	Query, Listed string
	Concept       string // the shared sector concept, if the words are sector words
	Credit        float64
}

// scored is the outcome of scoring one query against one listed name.
type scored struct {
	score     float64
	matches   []Match
	unmatched []string // query words without a partner
	missing   []string // listed words without a partner
	notes     []string
}

// score compares q with listed name n: the best assignment of query words to
// listed words, each pair gaining its credit times the weights of its two words,
// over the weight of all words on both sides.
// Only with explain does it spell out the matches and the adjustments, which
// most candidates, below the threshold, never need.
func (ix *index) score(q *query, n *listedName, s *scratch, explain bool) scored {
	ent := ix.entities[n.entity].e
	f := q.org
	if ent.Type == TypePerson {
		f = q.plain
	}
	rows, cols := len(f.toks), len(n.form.toks)
	if rows == 0 || cols == 0 || f.total+n.total == 0 {
		return scored{}
	}
	s.gain, s.credit = grow(s.gain, rows*cols), grow(s.credit, rows*cols)
	g, c := s.gain, s.credit
	for i := range f.toks {
		for j := range n.form.toks {
			c[i*cols+j] = f.pairCredit(i, n, j)
			g[i*cols+j] = c[i*cols+j] * pairWeight(&f.toks[i], f.w[i], &n.form.toks[j], n.w[j])
		}
	}
	out, t := tally(f, n, assign(g, rows, cols), g, c, explain)
	if t.words > 0 { // initials alone confirm nothing
		out.score = min(1, float64(t.gain/(f.total+n.total-t.reduce)))
	}
	notes := &out.notes
	if !explain {
		notes = nil
	}
	out.score = adjust(out.score, q, f, n, ent, notes)
	return out
}

func grow(b []float32, n int) []float32 {
	if cap(b) < n {
		return make([]float32, n)
	}
	return b[:n]
}

// pairTally sums an assignment: the gain, the gain of pairs of whole words, and
// the weight that pairs with an initial take off the total (pairWeight).
type pairTally struct{ gain, words, reduce float32 }

func tally(f *qform, n *listedName, pairs []int, g, c []float32, explain bool) (scored, pairTally) {
	var out scored
	var t pairTally
	cols := len(n.form.toks)
	for i, j := range pairs {
		if j < 0 || c[i*cols+j] < minPairCreditUI {
			continue
		}
		a, b := &f.toks[i], &n.form.toks[j]
		t.gain += g[i*cols+j]
		if initialPair(a, b) {
			t.reduce += initialReduce * (f.w[i] - min(f.w[i], initialWeight) + n.w[j] - min(n.w[j], initialWeight))
		} else {
			t.words += g[i*cols+j]
		}
	}
	if explain {
		out.matches, out.unmatched, out.missing = explainPairs(f, n, pairs, c)
	}
	return out, t
}

// explainPairs lists the matched pairs, the query words without a partner and the
// listed words without one.
func explainPairs(f *qform, n *listedName, pairs []int, c []float32) (matches []Match, unmatched, missing []string) {
	cols := len(n.form.toks)
	usedCol := make([]bool, cols)
	for i, j := range pairs {
		if j < 0 || c[i*cols+j] < minPairCreditUI {
			unmatched = append(unmatched, f.toks[i].fold)
			continue
		}
		usedCol[j] = true
		matches = append(matches, match(&f.toks[i], &n.form.toks[j], c[i*cols+j]))
	}
	for j, used := range usedCol {
		if !used {
			missing = append(missing, n.form.toks[j].fold)
		}
	}
	return matches, unmatched, missing
}

func match(a, b *tok, c float32) Match {
	m := Match{Query: a.fold, Listed: b.fold, Credit: float64(c)}
	if a.key == b.key && strings.HasPrefix(a.key, "#") {
		m.Concept = a.key[1:]
	}
	return m
}

// adjust applies the legal-form, country, sector and type adjustments to a name
// score, and says so in notes unless notes is nil.
func adjust(s float64, q *query, f *qform, n *listedName, ent *Entity, notes *[]string) float64 {
	note := func(format string, args ...any) {
		if notes != nil {
			*notes = append(*notes, fmt.Sprintf(format, args...))
		}
	}
	switch legalAgree(f.legal, n.form.legal) {
	case 1:
		s = 1 - (1-s)*(1-legalBonus)
		note("legal form agrees")
	case -1:
		s *= legalPenalty
		note("legal form differs (%s / %s)", strings.Join(f.forms, " "), strings.Join(n.form.forms, " "))
	}
	if q.country != "" && len(ent.Countries) > 0 {
		if hasCountry(ent.Countries, q.country) {
			s = 1 - (1-s)*(1-countryBonus)
			note("country agrees")
		} else {
			s *= countryPenalty
			note("country differs (%s / %s)", q.country, strings.Join(ent.Countries, ";"))
		}
	}
	if sectorsDiffer(f.toks, n.form.toks) {
		s *= sectorPenalty
		note("sectors differ")
	}
	if ent.Type == TypePerson && len(q.org.forms) > 0 {
		s *= personPenalty
		note("query has a legal form, listed entity is a person")
	}
	return s
}

func hasCountry(list []string, c string) bool {
	for _, x := range list {
		if x == c {
			return true
		}
	}
	return false
}

// explain renders the matches as "query=listed 0.95" pairs, then the words left
// over on each side, then the adjustments.
func (s *scored) explain() string {
	var parts []string
	for _, m := range s.matches {
		p := fmt.Sprintf("%s=%s %.2f", m.Query, m.Listed, m.Credit)
		if m.Concept != "" {
			p += " (" + m.Concept + ")"
		}
		parts = append(parts, p)
	}
	if len(s.unmatched) > 0 {
		parts = append(parts, "query only: "+strings.Join(s.unmatched, " "))
	}
	if len(s.missing) > 0 {
		parts = append(parts, "list only: "+strings.Join(s.missing, " "))
	}
	parts = append(parts, s.notes...)
	return strings.Join(parts, "; ")
}

// sectorsDiffer reports names that both name a sector (other than the generic
// ones) and share none.
func sectorsDiffer(a, b []tok) bool {
	seenA, seenB := false, false
	for i := range a {
		if !isSector(&a[i]) {
			continue
		}
		seenA = true
		for j := range b {
			if isSector(&b[j]) {
				seenB = true
				if a[i].key == b[j].key {
					return false
				}
			}
		}
	}
	return seenA && seenB
}

func isSector(t *tok) bool {
	return strings.HasPrefix(t.key, "#") && !genericConcepts[t.key[1:]] && t.key != "#and"
}

// pairCredit is tokenCredit of query word i and word j of listed name n, read
// from the word's expansions, which hold every listed word of positive credit.
func (f *qform) pairCredit(i int, n *listedName, j int) float32 {
	a, b := &f.toks[i], &n.form.toks[j]
	switch {
	case a.key == b.key || a.fold == b.fold:
		return 1
	case a.isInitial() || b.isInitial():
		return tokenCredit(a, b)
	}
	return f.credit[i][n.folds[j]]
}

// pairWeight is the weight a pair of words brings when they match. An initial
// brings no more than its own small weight on either side: "S." standing for
// "Steininger" confirms little of it. Half the rest of the word's weight is then
// left out of the total too (tally): "T. Shevchenko" says what it can of "Taras
// Shevchenko", but "T." would fit "Tetiana" as well, so it scores less than the
// full name.
func pairWeight(a *tok, wa float32, b *tok, wb float32) float32 {
	if initialPair(a, b) {
		return min(wa, initialWeight) + min(wb, initialWeight)
	}
	return wa + wb
}

// initialPair reports an initial paired with a word it begins; two equal
// letters ("A.Ş." and "A.S.") are a match of words.
func initialPair(a, b *tok) bool {
	return (a.init || b.init) && a.fold != b.fold
}
