package screening

import (
	"math"
)

// term is one distinct word of the indexed lists, or one sector concept, which
// stands for all the words of the concept.
type term struct {
	key, fold, phon string
	df              int32   // entities whose names hold the term
	idf             float32 // ln(1 + N/df)
	postings        []int32 // names that hold it, ascending
}

// listedName is one name (or alias) of one listed entity, normalised.
type listedName struct {
	entity int32
	text   string // as listed
	form   form
	terms  []int32   // term of each token of form: its concept, else its word
	folds  []int32   // the word's own term of each token
	w      []float32 // weight of each token
	total  float32   // sum of w
	// initials bounds the gain of the name's initials, which the index does not
	// lead to (pairWeight).
	initials float32
	nInit    int     // initials among the words
	maxW     float32 // the heaviest word
}

// listedEntity is an entity together with the list it came from.
type listedEntity struct {
	e    *Entity
	list int // index into Screener.versions
}

// index holds the lists' names, their vocabulary with rarity weights, and the
// look-ups that lead from a query word to similar listed words.
type index struct {
	entities []listedEntity
	names    []listedName
	terms    []term
	byKey    map[string]int32
	byPhon   map[string][]int32
	byFold   delIndex // terms by their folded word, within two edits
	byPhonD  delIndex // terms by their phonetic key, within two edits
	maxIDF   float32
}

func buildIndex(snaps []*Snapshot) *index {
	ix := &index{byKey: map[string]int32{}, byPhon: map[string][]int32{}}
	for li, s := range snaps {
		for i := range s.Entities {
			ix.addEntity(&s.Entities[i], li)
		}
	}
	n := float64(len(ix.entities))
	ix.maxIDF = float32(math.Log1p(n))
	for i := range ix.terms {
		ix.terms[i].idf = float32(math.Log1p(n / float64(ix.terms[i].df)))
	}
	for i := range ix.names {
		ix.weigh(&ix.names[i])
	}
	folds, phons := make([]string, len(ix.terms)), make([]string, len(ix.terms))
	for i, t := range ix.terms {
		folds[i], phons[i] = t.fold, t.phon
	}
	ix.byFold, ix.byPhonD = buildDelIndex(folds), buildDelIndex(phons)
	return ix
}

func (ix *index) addEntity(e *Entity, list int) {
	id := int32(len(ix.entities))
	ix.entities = append(ix.entities, listedEntity{e: e, list: list})
	org := e.Type != TypePerson
	seen := map[int32]bool{}
	for _, text := range e.Names() {
		f := normalize(text, org)
		if len(f.toks) == 0 {
			continue
		}
		ln := listedName{entity: id, text: text, form: f, terms: make([]int32, len(f.toks)), folds: make([]int32, len(f.toks))}
		nameID := int32(len(ix.names))
		for i := range f.toks {
			t := &f.toks[i]
			ft := ix.term(t.fold, t.fold, t.phon)
			ln.terms[i], ln.folds[i] = ft, ft
			ix.post(ft, nameID, seen)
			if t.key != t.fold {
				ln.terms[i] = ix.term(t.key, "", "")
				ix.post(ln.terms[i], nameID, seen)
			}
		}
		ix.names = append(ix.names, ln)
	}
}

// post records that name holds term t; seen counts each entity once in df.
func (ix *index) post(t, name int32, seen map[int32]bool) {
	if p := ix.terms[t].postings; len(p) == 0 || p[len(p)-1] != name {
		ix.terms[t].postings = append(p, name)
	}
	if !seen[t] {
		seen[t] = true
		ix.terms[t].df++
	}
}

// term returns the id of the term key, adding it to the vocabulary if new. Words
// (fold != "") are also reachable by phonetic key and by near spellings
// (delIndex); sector concepts ("#textile") only by their key.
func (ix *index) term(key, fold, phon string) int32 {
	if id, ok := ix.byKey[key]; ok {
		return id
	}
	id := int32(len(ix.terms))
	ix.terms = append(ix.terms, term{key: key, fold: fold, phon: phon})
	ix.byKey[key] = id
	if fold != "" {
		ix.byPhon[phon] = append(ix.byPhon[phon], id)
	}
	return id
}

func (ix *index) weigh(ln *listedName) {
	ln.w = make([]float32, len(ln.terms))
	ln.total = 0
	for i, t := range ln.terms {
		w := ln.form.toks[i].weight(ix.terms[t].idf)
		ln.w[i] = w
		ln.total += w
		ln.maxW = max(ln.maxW, w)
		if ln.form.toks[i].isInitial() {
			ln.initials += 0.9 * (w + initialWeight)
			ln.nInit++
		}
	}
}

// has reports whether the name holds term t, as a word or as a concept.
func (ln *listedName) has(t int32) bool {
	for i := range ln.terms {
		if ln.terms[i] == t || ln.folds[i] == t {
			return true
		}
	}
	return false
}
