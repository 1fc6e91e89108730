package linkage

import (
	"math"
	"sync"
)

// Tiles: queryTile queries share each block of blockSize candidates while the
// block is in the L2 cache.
const (
	queryTile = 64
	blockSize = 2048
)

// task is one tile of queries of party a against party b.
type task struct{ a, b, lo, hi int }

// matchExact compares every pair of records that the popcounts allow.
func matchExact(sorted []*sortedParty, opt Options) []Pair {
	var tasks []task
	var total int64
	for a := range sorted {
		for b := a; b < len(sorted); b++ {
			if a == b && !opt.Dedup {
				continue
			}
			n := len(sorted[a].order)
			for lo := 0; lo < n; lo += queryTile {
				tasks = append(tasks, task{a, b, lo, min(lo+queryTile, n)})
			}
			total += int64(n)
		}
	}
	pr := &progress{total: total, f: opt.Progress}
	return runTasks(len(tasks), opt.Workers, func(i int, c *collector) {
		t := tasks[i]
		c.tile(sorted[t.a], sorted[t.b], t, opt.Threshold)
		pr.add(int64(t.hi - t.lo))
	})
}

// runTasks runs n tasks on workers goroutines and gathers their pairs.
func runTasks(n, workers int, run func(i int, c *collector)) []Pair {
	var mu sync.Mutex
	var all []Pair
	next := make(chan int, 256)
	go func() {
		for i := range n {
			next <- i
		}
		close(next)
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			c := &collector{out: make([]uint32, blockSize)}
			for i := range next {
				run(i, c)
			}
			mu.Lock()
			all = append(all, c.pairs...)
			mu.Unlock()
		})
	}
	wg.Wait()
	return all
}

// collector is one worker's scratch space and result.
type collector struct {
	out     []uint32
	pairs   []Pair
	entries []entry // LSH: one band's entries and the radix sort's scratch space
	tmp     []entry
	cands   []uint64 // LSH: candidate pairs of global indexes, first<<32 | second
	tmp64   []uint64
	members []member
	block   []uint64
}

// tile compares queries t.lo..t.hi of a with their popcount ranges in b.
func (c *collector) tile(a, b *sortedParty, t task, th float64) {
	w := len(a.filters) / max(len(a.order), 1)
	bits := w * 64
	same := t.a == t.b
	ranges := make([][2]int, t.hi-t.lo)
	from, to := math.MaxInt, 0
	for i := t.lo; i < t.hi; i++ {
		lo, hi := popRange(int(a.pops[i]), th, bits)
		l, h := int(b.start[lo]), int(b.start[hi+1])
		if same {
			l = max(l, i+1)
		}
		ranges[i-t.lo] = [2]int{l, h}
		from, to = min(from, l), max(to, h)
	}
	for blo := from; blo < to; blo += blockSize {
		bhi := min(blo+blockSize, to)
		for i := t.lo; i < t.hi; i++ {
			r := ranges[i-t.lo]
			l, h := max(r[0], blo), min(r[1], bhi)
			if l < h {
				c.compare(a, b, t.a, t.b, i, l, h, th)
			}
		}
	}
}

// compare runs the kernel for query i of a against b's sorted records l..h-1 and
// keeps the pairs that reach the threshold.
func (c *collector) compare(a, b *sortedParty, pa, pb, i, l, h int, th float64) {
	w := len(a.filters) / len(a.order)
	q := a.filters[i*w : (i+1)*w]
	out := c.out[:h-l]
	andCounts(q, b.filters[l*w:h*w], out)
	popA := uint64(a.pops[i])
	tFixed := uint64(th * 65536) // never above th: a cheap test that lets through all pairs that pass
	pops := b.pops[l:h]
	for j, n := range out {
		den := popA + uint64(pops[j])
		if uint64(n)<<17 < tFixed*den {
			continue
		}
		if s := 2 * float64(n) / float64(den); s >= th {
			c.pairs = append(c.pairs, orderedPair(
				Ref{int32(pa), a.order[i]}, Ref{int32(pb), b.order[l+j]}, s))
		}
	}
}

// orderedPair returns the pair with its records in a fixed order.
func orderedPair(x, y Ref, s float64) Pair {
	if cmpRef(y, x) < 0 {
		x, y = y, x
	}
	return Pair{A: x, B: y, Score: s}
}
