package screening

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// benchData is a list of 50,000 invented entities and 100,000 names to screen
// against it: a fifth are variants of listed entities, the rest invented names
// that are not listed, as in a supplier file.
var benchData = sync.OnceValues(func() (*Snapshot, []Query) {
	g := newGen(7)
	snap := &Snapshot{Version: Version{Source: "bench", SHA256: "0000", LoadedAt: time.Unix(0, 0)}}
	var ents []*synthEnt
	for i := 0; i < 50000; i++ {
		e := g.entity(fmt.Sprintf("b-%06d", i))
		ents = append(ents, e)
		snap.Entities = append(snap.Entities, e.listed(g))
	}
	qs := make([]Query, 100000)
	for i := range qs {
		name := ""
		if i%5 == 0 {
			name = g.variant(ents[g.r.IntN(len(ents))])
		} else {
			name = g.variant(g.entity("q"))
		}
		qs[i] = Query{ID: fmt.Sprint(i), Name: name}
	}
	return snap, qs
})

// BenchmarkScreenBatch screens 100,000 names against 50,000 listed entities on
// all cores (GOMAXPROCS), from a fresh screener each time so that no answer is
// cached from the run before; one op is the whole batch, index build included.
func BenchmarkScreenBatch(b *testing.B) {
	snap, qs := benchData()
	hits := 0
	for b.Loop() {
		s := NewScreener(snap)
		res, err := s.ScreenAll(b.Context(), qs, DefaultThreshold, 0, nil)
		if err != nil {
			b.Fatal(err)
		}
		hits = 0
		for _, r := range res {
			hits += len(r.Hits)
		}
	}
	b.ReportMetric(float64(hits), "hits")
}

// BenchmarkBuildIndex measures indexing the 50,000 listed entities.
func BenchmarkBuildIndex(b *testing.B) {
	snap, _ := benchData()
	for b.Loop() {
		NewScreener(snap)
	}
}

// BenchmarkScreenOne screens one name at a time against 50,000 listed entities,
// as the search box of the app does; each op is another name, so the cache of
// word look-ups helps only as much as it would in use.
func BenchmarkScreenOne(b *testing.B) {
	snap, qs := benchData()
	s := NewScreener(snap)
	i := 0
	for b.Loop() {
		if _, err := s.Screen(qs[i%len(qs)], DefaultThreshold); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
