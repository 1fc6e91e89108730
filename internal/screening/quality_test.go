package screening

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// labelled is a query of the test set with the entity it must find ("" for a hard
// negative, which must find nothing).
type labelled struct {
	q    Query
	want string
	from *synthEnt
}

// testSet builds a list of n invented entities and, for every entity, variants
// positive queries and one hard negative.
func testSet(t testing.TB, seed uint64, n, variants int) (*Snapshot, []labelled) {
	t.Helper()
	g := newGen(seed)
	seen := map[string]bool{}
	kw := keywords{}
	var ents []*synthEnt
	snap := &Snapshot{Version: Version{Source: "synthetic", SHA256: "0000", LoadedAt: time.Unix(0, 0)}}
	for i := 0; len(ents) < n; i++ {
		e := g.entity(fmt.Sprintf("syn-%05d", i))
		k := normKey(e.write(style{}))
		if seen[k] || kw.confusable(e.keywords()...) {
			continue
		}
		seen[k] = true
		kw.add(e.keywords()...)
		ents = append(ents, e)
		snap.Entities = append(snap.Entities, e.listed(g))
	}
	var qs []labelled
	for _, e := range ents {
		country := ""
		if g.chance(0.5) {
			country = e.lang.country
		}
		for v := 0; v < variants; v++ {
			qs = append(qs, labelled{q: Query{ID: fmt.Sprintf("%s/%d", e.id, v), Name: g.variant(e), Country: country}, want: e.id, from: e})
		}
		for try := 0; try < 20; try++ {
			neg := g.negative(e)
			name := g.variant(neg)
			if !seen[normKey(neg.write(style{}))] && !seen[normKey(name)] && !kw.confusable(newWords(neg, e)...) {
				qs = append(qs, labelled{q: Query{ID: neg.id, Name: name, Country: country}, from: neg})
				break
			}
		}
	}
	return snap, qs
}

// keywords are the distinctive words of the listed entities (company words,
// family names), folded, bucketed by their first letter.
type keywords map[byte][]string

func (k keywords) add(words ...string) {
	for _, w := range words {
		f := foldOne(w)
		k[f[0]] = append(k[f[0]], f)
	}
}

// confusable reports whether any of words is within a typo of a listed keyword
// (tooClose): the list of the test set holds no two entities that a typo could
// turn into each other, or every misspelt query would rightly hit both.
func (k keywords) confusable(words ...string) bool {
	for _, w := range words {
		f := foldOne(w)
		for _, c := range []byte{f[0], f[min(1, len(f)-1)]} {
			for _, o := range k[c] {
				if tooClose(f, o) {
					return true
				}
			}
		}
	}
	return false
}

// newWords returns the keywords of neg that its source e does not have.
func newWords(neg, e *synthEnt) []string {
	old := map[string]bool{}
	for _, w := range e.keywords() {
		old[w] = true
	}
	var out []string
	for _, w := range neg.keywords() {
		if !old[w] {
			out = append(out, w)
		}
	}
	return out
}

func normKey(s string) string {
	toks, _ := NormalizeName(s)
	slices.Sort(toks)
	return strings.Join(toks, " ")
}

// figures are the quality of one run at one threshold.
type figures struct {
	threshold          float64
	positives, found   int
	hits, correct      int
	negatives, falseNg int // hard negatives, and those with any hit
}

func (f figures) recall() float64    { return float64(f.found) / float64(f.positives) }
func (f figures) precision() float64 { return float64(f.correct) / float64(max(1, f.hits)) }

func measure(results []Result, qs []labelled, threshold float64) figures {
	f := figures{threshold: threshold}
	for i, r := range results {
		want := qs[i].want
		if want == "" {
			f.negatives++
		} else {
			f.positives++
		}
		any, found := false, false
		for _, h := range r.Hits {
			if h.Score < threshold {
				continue
			}
			f.hits++
			any = true
			if h.Entity.ID == want {
				f.correct++
				found = true
			}
		}
		if found {
			f.found++
		}
		if want == "" && any {
			f.falseNg++
		}
	}
	return f
}

func runSet(t testing.TB, snap *Snapshot, qs []labelled, threshold float64) []Result {
	t.Helper()
	s := NewScreener(snap)
	in := make([]Query, len(qs))
	for i := range qs {
		in[i] = qs[i].q
	}
	res, err := s.ScreenAll(t.Context(), in, threshold, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Err != nil {
			t.Fatalf("query %q: %v", qs[i].q.Name, r.Err)
		}
	}
	return res
}

// TestQuality checks precision and recall on the synthetic multilingual test set
// at the default threshold, and logs the figures at other thresholds (go test -v).
func TestQuality(t *testing.T) {
	snap, qs := testSet(t, 1, 1500, 3)
	res := runSet(t, snap, qs, 0.5)
	for _, th := range []float64{0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9} {
		f := measure(res, qs, th)
		t.Logf("threshold %.2f: recall %.4f (%d/%d) precision %.4f (%d/%d) hard negatives with a hit %d/%d",
			th, f.recall(), f.found, f.positives, f.precision(), f.correct, f.hits, f.falseNg, f.negatives)
	}
	f := measure(res, qs, DefaultThreshold)
	if f.positives < 4000 || f.negatives < 1000 {
		t.Fatalf("test set too small: %d positives, %d negatives", f.positives, f.negatives)
	}
	if got := f.recall(); got < 0.95 {
		t.Errorf("recall at the default threshold %.2f = %.4f, want ≥ 0.95", DefaultThreshold, got)
		logMisses(t, res, qs, true)
	}
	if got := f.precision(); got < 0.90 {
		t.Errorf("precision at the default threshold %.2f = %.4f, want ≥ 0.90", DefaultThreshold, got)
		logMisses(t, res, qs, false)
	}
}

// logMisses logs up to 40 positives that missed their entity or, with positives
// false, hits that were not the entity wanted, with their explanations.
func logMisses(t *testing.T, res []Result, qs []labelled, positives bool) {
	t.Helper()
	shown := 0
	for i, r := range res {
		if shown >= 40 || (qs[i].want != "") != positives {
			continue
		}
		var wrong []string
		found := false
		for _, h := range r.Hits {
			switch {
			case h.Score < DefaultThreshold:
			case h.Entity.ID == qs[i].want:
				found = true
			default:
				wrong = append(wrong, fmt.Sprintf("%s %.3f %q [%s]", h.Entity.ID, h.Score, h.Name, h.Explanation))
			}
		}
		if positives && !found || !positives && len(wrong) > 0 {
			shown++
			t.Logf("%q want %q (from %s); other hits: %v", qs[i].q.Name, qs[i].want, qs[i].from, wrong)
		}
	}
}
