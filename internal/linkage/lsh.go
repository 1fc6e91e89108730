package linkage

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
)

// LSH blocking by bit sampling (Indyk and Motwani): each band reads lshBits bits
// of every filter, and only records that agree on all of them in at least one band
// are compared. Because every feature sets bits at positions drawn by a keyed hash,
// bit positions carry no structure and a band may read a run of consecutive bits
// (at an offset drawn with a fixed public seed), which costs two shifts instead of
// lshBits lookups. Two filters at Dice D with popcounts near p agree on one bit with
// probability q = 1 − p(2−2D)/bits, and become candidates with probability
// 1 − (1 − q^r)^L. For the default people schema (p ≈ 410 of 1024, r = 24, L = 100)
// that is about 0.62 at D = 0.78, 0.98 at D = 0.84 and 0.99999 at D = 0.9, while
// unrelated records (q ≈ 0.52) meet with probability about L·q^r ≈ 2·10⁻⁵ and
// records that share only a common given name, sex and nationality (D ≈ 0.65) with
// about 0.04. Most pairs of one person score above 0.9: on the synthetic set LSH
// keeps 97.7% of the pairs that exact matching finds, and F1 falls from 0.981 to
// 0.975 (lsh_test.go). BlockingAuto uses LSH only beyond ExactLimit.
const (
	lshBits  = 24
	lshBands = 100
)

// lshOffsets returns the first bit of each band.
func lshOffsets(bits int) []int {
	rng := rand.New(rand.NewPCG(0x616c6c69, 0x616e6365)) // public: the hub knows it
	offs := make([]int, lshBands)
	for b := range offs {
		offs[b] = rng.IntN(bits)
	}
	return offs
}

// bandKey returns the lshBits bits of f from bit off on, wrapping around.
func bandKey(f []uint64, off int) uint64 {
	w, s := off/64, uint(off%64)
	k := f[w] >> s
	if s > 64-lshBits {
		k |= f[(w+1)%len(f)] << (64 - s)
	}
	return k & (1<<lshBits - 1)
}

// lshIndex numbers the records of all parties one after the other (global
// indexes) and holds what the bands share.
type lshIndex struct {
	sorted []*sortedParty
	offset []int // first global index of each party
	words  int
	offs   []int    // first bit of each band
	sigMax []uint16 // sigBounds
}

func (x *lshIndex) locate(g int) (party, i int) {
	p, _ := slices.BinarySearch(x.offset, g+1)
	return p - 1, g - x.offset[p-1]
}

// matchLSH compares the records that share a band key.
func matchLSH(sorted []*sortedParty, opt Options) []Pair {
	x := &lshIndex{sorted: sorted}
	n := 0
	for _, sp := range sorted {
		x.offset = append(x.offset, n)
		n += len(sp.order)
		if len(sp.order) > 0 {
			x.words = len(sp.filters) / len(sp.order)
		}
	}
	x.offs = lshOffsets(x.words * 64)
	x.sigMax = sigBounds(x.words*64, opt.Threshold)
	pr := &progress{total: int64(len(x.offs)), f: opt.Progress}
	batches := (len(x.offs) + lshBatch - 1) / lshBatch
	return runTasks(batches, opt.Workers, func(b int, c *collector) {
		first := b * lshBatch
		for band := first; band < min(first+lshBatch, len(x.offs)); band++ {
			x.band(band, n, opt, c)
			pr.add(1)
		}
		x.compareCandidates(first, opt.Threshold, c)
	})
}

// lshBatch is the number of bands whose candidate pairs are gathered, sorted and
// made unique before they are compared: a pair of similar records meets in many
// bands, and fetching its filters each time would cost a cache miss each time.
const lshBatch = 10

// compareCandidates compares the unique candidate pairs of one batch of bands,
// which starts at band first, in the order of their first record. The filters of
// the second records are gathered into one block per first record, so that their
// cache misses overlap, and compared with one kernel call.
func (x *lshIndex) compareCandidates(first int, t float64, c *collector) {
	cands := c.cands
	radixSort64(cands, &c.tmp64)
	cands = slices.Compact(cands)
	w := x.words
	for lo := 0; lo < len(cands); {
		ga := cands[lo] >> 32
		hi := lo + 1
		for hi < len(cands) && cands[hi]>>32 == ga {
			hi++
		}
		pa, ia := x.locate(int(ga))
		fa := x.sorted[pa].filters[ia*w : (ia+1)*w]
		block, out := c.block[:0], c.out[:0]
		for _, pair := range cands[lo:hi] {
			pb, ib := x.locate(int(uint32(pair)))
			block = append(block, x.sorted[pb].filters[ib*w:(ib+1)*w]...)
			out = append(out, 0)
		}
		andCounts(fa, block, out)
		c.block, c.out = block, out
		for j, pair := range cands[lo:hi] {
			pb, ib := x.locate(int(uint32(pair)))
			pops := int(x.sorted[pa].pops[ia]) + int(x.sorted[pb].pops[ib])
			s := 2 * float64(out[j]) / float64(pops)
			if s >= t && !x.metBefore(first, fa, block[j*w:(j+1)*w]) {
				c.pairs = append(c.pairs, orderedPair(Ref{int32(pa), x.sorted[pa].order[ia]},
					Ref{int32(pb), x.sorted[pb].order[ib]}, s))
			}
		}
		lo = hi
	}
	c.cands = c.cands[:0]
}

// radixSort64 sorts keys (least significant digit first, 11 bits at a time, as
// far as the largest key needs); tmp is grown to scratch space.
func radixSort64(keys []uint64, tmp *[]uint64) {
	var top uint64
	for _, k := range keys {
		top |= k
	}
	if cap(*tmp) < len(keys) {
		*tmp = make([]uint64, len(keys))
	}
	src, dst := keys, (*tmp)[:len(keys)]
	for shift := 0; top>>shift != 0; shift += 11 {
		var count [2049]int
		for _, k := range src {
			count[(k>>shift)&0x7ff+1]++
		}
		for i := 1; i < len(count); i++ {
			count[i] += count[i-1]
		}
		for _, k := range src {
			d := (k >> shift) & 0x7ff
			dst[count[d]] = k
			count[d]++
		}
		src, dst = dst, src
	}
	if len(keys) > 0 && &src[0] != &keys[0] {
		copy(keys, src)
	}
}

// entry is one record in one band: its key and global index (key<<32 | index),
// and a signature: the sigWords·64 bits of its filter after the key. Two records of one group are
// compared only if their signatures differ in few enough bits for the pair to reach
// the threshold (sigBounds): that test needs no access to the filters, which are
// scattered in memory, and rules out nearly every unrelated pair.
type entry struct {
	key uint64
	sig [sigWords]uint64
}

// sigWords is the length of a signature in 64-bit words.
const sigWords = 4

// sigBounds returns, for each sum of popcounts s, the most bits two signatures of
// a pair at the threshold differ in, with a margin of three standard deviations:
// a pair at Dice t differs in at most s(1−t) of the filter's bits, and the bits of
// the signature are a sample of them.
func sigBounds(bits int, t float64) []uint16 {
	b := make([]uint16, 2*bits+1)
	for s := range b {
		if bits < (sigWords+1)*64 {
			b[s] = sigWords * 64 // too short to sample: no test
			continue
		}
		frac := min(float64(s)*(1-t)/float64(bits), 1)
		const n = sigWords * 64
		mean := n * frac
		sd := math.Sqrt(n * frac * (1 - frac))
		b[s] = uint16(min(math.Ceil(mean+3*sd), n))
	}
	return b
}

// window returns the 64 bits of f from bit off on, wrapping around.
func window(f []uint64, off int) uint64 {
	w, s := off/64%len(f), uint(off%64)
	k := f[w] >> s
	if s > 0 {
		k |= f[(w+1)%len(f)] << (64 - s)
	}
	return k
}

// band sorts all records by their key in one band and compares each group.
func (x *lshIndex) band(band int, n int, opt Options, c *collector) {
	off, w := x.offs[band], x.words
	if cap(c.entries) < n {
		c.entries, c.tmp = make([]entry, n), make([]entry, n)
	}
	es := c.entries[:n]
	for p, sp := range x.sorted {
		base := x.offset[p]
		for i := range sp.order {
			f := sp.filters[i*w : (i+1)*w]
			e := &es[base+i]
			e.key = bandKey(f, off)<<32 | uint64(base+i)
			for j := range e.sig {
				e.sig[j] = window(f, off+lshBits+64*j)
			}
		}
	}
	radixSort(es, c.tmp[:n], 32, 32+lshBits)
	for lo := 0; lo < n; {
		hi := lo + 1
		for hi < n && es[hi].key>>32 == es[lo].key>>32 {
			hi++
		}
		if hi-lo > 1 {
			x.group(es[lo:hi], opt, c)
		}
		lo = hi
	}
}

// member is one record of a group, located once.
type member struct {
	g, party, pop int
}

// group gathers the candidate pairs of one group: records of different parties
// (or of one, with Dedup) whose popcounts and signatures allow the threshold.
func (x *lshIndex) group(es []entry, opt Options, c *collector) {
	ms := c.members[:0]
	for _, e := range es {
		g := int(uint32(e.key))
		p, i := x.locate(g)
		ms = append(ms, member{g, p, int(x.sorted[p].pops[i])})
	}
	c.members = ms
	for i, a := range ms {
		lo, hi := popRange(a.pop, opt.Threshold, x.words*64)
		sa := &es[i].sig
		for j := i + 1; j < len(ms); j++ {
			b := ms[j]
			if a.party == b.party && !opt.Dedup || b.pop < lo || b.pop > hi {
				continue
			}
			sb := &es[j].sig
			d := bits.OnesCount64(sa[0]^sb[0]) + bits.OnesCount64(sa[1]^sb[1]) +
				bits.OnesCount64(sa[2]^sb[2]) + bits.OnesCount64(sa[3]^sb[3])
			if d <= int(x.sigMax[a.pop+b.pop]) {
				c.cands = append(c.cands, uint64(min(a.g, b.g))<<32|uint64(max(a.g, b.g)))
			}
		}
	}
}

// metBefore reports whether two filters share the key of a band before band, so
// that a pair found by several batches is kept by the first only.
func (x *lshIndex) metBefore(band int, a, b []uint64) bool {
	for _, off := range x.offs[:band] {
		if bandKey(a, off) == bandKey(b, off) {
			return true
		}
	}
	return false
}

// radixSort sorts entries by the bits from..to-1 of their keys (least significant
// digit first, 8 bits at a time), stably; tmp is scratch space of the same length.
func radixSort(es, tmp []entry, from, to int) {
	src, dst := es, tmp
	for shift := from; shift < to; shift += 8 {
		var count [257]int
		for _, e := range src {
			count[(e.key>>shift)&0xff+1]++
		}
		for i := 1; i < 257; i++ {
			count[i] += count[i-1]
		}
		for _, e := range src {
			d := (e.key >> shift) & 0xff
			dst[count[d]] = e
			count[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &es[0] {
		copy(es, src)
	}
}
