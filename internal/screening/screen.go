package screening

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
)

// DefaultThreshold is the score at or above which a listed entity is reported.
//
// It is chosen for recall first: a missed listed entity costs more than a false
// alarm that an analyst dismisses. On the synthetic multilingual test set of
// TestQuality (quality_test.go, synth_test.go: 1,500 invented companies and
// people of nine languages, 4,500 variant queries in another script or
// transliteration, with the legal form dropped, changed or spelled out, typos,
// another word order, lost diacritics or half translated, and about 1,400 hard
// negatives that share words with a listed name), the figures were:
//
//	threshold  recall  precision  hard negatives with a hit
//	0.60       0.986   0.875      246 of 1401
//	0.65       0.984   0.920      118
//	0.70       0.981   0.938       92
//	0.75       0.974   0.958       58
//	0.80       0.964   0.972       40
//	0.85       0.953   0.983       29
//	0.90       0.913   0.993       19
//
// 0.70 keeps recall above 0.98, with a margin over the 0.95 asked for, while
// precision stays above 0.90; below it, precision falls fast for little recall.
// Four other seeds of the test set give recall 0.976–0.981 and precision
// 0.930–0.952 at 0.70. Run go test -run TestQuality -v for the current table.
const DefaultThreshold = 0.70

// Query is one name to screen.
type Query struct {
	ID      string // the caller's id, copied to the result
	Name    string
	Country string // ISO 3166 alpha-2, optional
}

// Hit is a listed entity that a query matched at or above the threshold.
type Hit struct {
	Entity      *Entity
	List        Version // the version of the list that holds the entity
	Name        string  // the name or alias of the entity that matched best
	Score       float64 // in [0, 1]; 1 is equal after normalisation
	Matches     []Match
	Explanation string
}

// Screener answers queries against fixed snapshots of one or more lists. It is
// safe for concurrent use. Build a new one when a list changes.
type Screener struct {
	versions []Version
	ix       *index
	x        *expander
	pool     sync.Pool
}

// NewScreener indexes the entities of the snapshots.
func NewScreener(snaps ...*Snapshot) *Screener {
	s := &Screener{}
	for _, sn := range snaps {
		s.versions = append(s.versions, sn.Version)
	}
	s.ix = buildIndex(snaps)
	s.x = &expander{ix: s.ix}
	s.pool.New = func() any { return newScratch(s.ix) }
	return s
}

// Versions returns the versions of the lists the screener answers from, to be
// recorded with every result.
func (s *Screener) Versions() []Version { return append([]Version(nil), s.versions...) }

// Entities returns the number of listed entities.
func (s *Screener) Entities() int { return len(s.ix.entities) }

// Screen returns the listed entities that q matches with a score of at least
// threshold, best first. It fails only if the query's name is unusable.
func (s *Screener) Screen(q Query, threshold float64) ([]Hit, error) {
	if err := CheckName(q.Name); err != nil {
		return nil, fmt.Errorf("name %w", err)
	}
	sc := s.pool.Get().(*scratch)
	defer s.pool.Put(sc)
	return s.screen(q, threshold, sc), nil
}

func (s *Screener) screen(q Query, threshold float64, sc *scratch) []Hit {
	pq := s.x.prepare(q.Name, q.Country, sc)
	best := map[int32]int{} // entity -> index in hits
	var hits []Hit
	for _, n := range s.ix.candidates(pq, threshold, sc) {
		ln := &s.ix.names[n]
		r := s.ix.score(pq, ln, sc, false)
		i, seen := best[ln.entity]
		if r.score < threshold || seen && r.score <= hits[i].Score {
			continue
		}
		h := s.hit(ln, s.ix.score(pq, ln, sc, true))
		if seen {
			hits[i] = h
			continue
		}
		best[ln.entity] = len(hits)
		hits = append(hits, h)
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].Entity.ID < hits[j].Entity.ID
	})
	return hits
}

func (s *Screener) hit(ln *listedName, r scored) Hit {
	le := s.ix.entities[ln.entity]
	return Hit{Entity: le.e, List: s.versions[le.list], Name: ln.text, Score: r.score, Matches: r.matches, Explanation: r.explain()}
}

// Result is the answer to one query of a batch.
type Result struct {
	Query Query
	Hits  []Hit
	Err   error // the query's name is unusable (see CheckName)
}

// ScreenAll screens a batch on all cores (workers ≤ 0 means GOMAXPROCS) and returns
// the results in the order of the queries. progress, if not nil, is called now and
// then with the number of queries done; it must be safe for concurrent use.
func (s *Screener) ScreenAll(ctx context.Context, qs []Query, threshold float64, workers int, progress func(done int)) ([]Result, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	out := make([]Result, len(qs))
	var next, done atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := s.pool.Get().(*scratch)
			defer s.pool.Put(sc)
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(qs) {
					return
				}
				out[i] = s.one(qs[i], threshold, sc)
				if d := done.Add(1); progress != nil && d%1000 == 0 {
					progress(int(d))
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Screener) one(q Query, threshold float64, sc *scratch) Result {
	if err := CheckName(q.Name); err != nil {
		return Result{Query: q, Err: fmt.Errorf("name %w", err)}
	}
	return Result{Query: q, Hits: s.screen(q, threshold, sc)}
}

// HitHeader is the header of a CSV of hits: the three columns of the CLI's
// contract, then the explanation columns.
var HitHeader = []string{"query_id", "list_id", "score", "list", "listed_name", "query_name", "explanation"}

// WriteHits writes results as a CSV of hits, one row per query and listed
// entity, in the order of the results and best first within a query, and
// returns how many hits it wrote.
func WriteHits(w io.Writer, res []Result) (int, error) {
	cw := csv.NewWriter(w)
	if err := cw.Write(HitHeader); err != nil {
		return 0, err
	}
	n := 0
	for _, r := range res {
		for _, h := range r.Hits {
			n++
			row := []string{r.Query.ID, h.Entity.ID, strconv.FormatFloat(h.Score, 'f', 3, 64),
				h.List.Label(), h.Name, r.Query.Name, h.Explanation}
			if err := cw.Write(row); err != nil {
				return n, err
			}
		}
	}
	cw.Flush()
	return n, cw.Error()
}
