package linkage

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"
)

// naiveAndCount is the reference the kernels are checked against.
func naiveAndCount(a, b []uint64) uint32 {
	n := 0
	for i := range a {
		for bit := 0; bit < 64; bit++ {
			if a[i]>>bit&1 == 1 && b[i]>>bit&1 == 1 {
				n++
			}
		}
	}
	return uint32(n)
}

// kernelCases returns query filters and candidate blocks of words words: random
// fills of several densities and the edge cases.
func kernelCases(words int, rng *rand.Rand) (queries [][]uint64, block []uint64) {
	mk := func(f func(i int) uint64) []uint64 {
		v := make([]uint64, words)
		for i := range v {
			v[i] = f(i)
		}
		return v
	}
	ones, zeros := mk(func(int) uint64 { return ^uint64(0) }), mk(func(int) uint64 { return 0 })
	first := mk(func(i int) uint64 { return map[bool]uint64{true: 1}[i == 0] })
	last := mk(func(i int) uint64 { return map[bool]uint64{true: 1 << 63}[i == words-1] })
	queries = [][]uint64{ones, zeros, first, last}
	for _, p := range []float64{0.02, 0.3, 0.5, 0.9} {
		queries = append(queries, mk(func(int) uint64 { return sparse(rng, p) }))
	}
	for _, q := range queries {
		block = append(block, q...)
	}
	for range 13 {
		block = append(block, mk(func(int) uint64 { return rng.Uint64() })...)
	}
	return queries, block
}

// sparse returns a word whose bits are set with probability about p.
func sparse(rng *rand.Rand, p float64) uint64 {
	var w uint64
	for bit := range 64 {
		if rng.Float64() < p {
			w |= 1 << bit
		}
	}
	return w
}

func TestKernelsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ks := kernels()
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range ks {
			if !yield(k) {
				return
			}
		}
	})
	t.Logf("kernels on this CPU: %v; chosen: %s", names, Kernel())
	for words := 1; words <= 64; words++ {
		queries, block := kernelCases(words, rng)
		n := len(block) / words
		for qi, q := range queries {
			want := make([]uint32, n)
			for i := range want {
				want[i] = naiveAndCount(q, block[i*words:(i+1)*words])
			}
			for _, name := range names {
				// Every prefix length, so that odd counts reach each code path.
				for _, m := range []int{n, n - 1, 1, 0} {
					got := make([]uint32, m)
					ks[name](q, block[:m*words], got)
					if !slices.Equal(got, want[:m]) {
						t.Fatalf("%s, %d bits, query %d, %d filters: got %v, want %v", name, words*64, qi, m, got, want[:m])
					}
				}
			}
		}
	}
}

func TestDice(t *testing.T) {
	tests := []struct {
		a, b []uint64
		want float64
	}{
		{[]uint64{0, 0}, []uint64{0, 0}, 0},
		{[]uint64{0xF, 0}, []uint64{0xF, 0}, 1},
		{[]uint64{0xF, 0}, []uint64{0xF0, 0}, 0},
		{[]uint64{0x3, 0}, []uint64{0x1, 0}, 2.0 / 3},
		{[]uint64{^uint64(0), 1}, []uint64{1, 1}, 4.0 / 67},
	}
	for _, tt := range tests {
		if got := Dice(tt.a, tt.b); got != tt.want {
			t.Errorf("Dice(%x, %x) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// benchBlock is a block of random filters of about 40% fill (as CLKs are), sized to
// stay in the L2 cache as the matcher's blocks do.
func benchBlock(words, n int) (q, block []uint64) {
	rng := rand.New(rand.NewPCG(3, 4))
	block = make([]uint64, words*n)
	for i := range block {
		block[i] = rng.Uint64()&rng.Uint64() | rng.Uint64()&rng.Uint64()&rng.Uint64()
	}
	return block[:words], block
}

// BenchmarkDice1024 measures the comparisons per second of one 1024-bit filter
// against a block of 1024-bit filters, the matcher's inner loop, with the kernel
// chosen for this CPU. Run with -cpu 1.
func BenchmarkDice1024(b *testing.B) {
	benchKernel(b, 16, andCounts)
}

// BenchmarkKernels1024 measures each kernel this CPU can run on 1024-bit filters.
func BenchmarkKernels1024(b *testing.B) {
	for name, k := range kernels() {
		b.Run(name, func(b *testing.B) { benchKernel(b, 16, k) })
	}
}

// BenchmarkDiceSizes measures the chosen kernel on other filter lengths.
func BenchmarkDiceSizes(b *testing.B) {
	for _, words := range []int{8, 24, 32, 64} {
		b.Run(fmt.Sprint(words*64), func(b *testing.B) { benchKernel(b, words, andCounts) })
	}
}

func benchKernel(b *testing.B, words int, k func(a, bs []uint64, out []uint32)) {
	b.Helper()
	const n = 1024
	q, block := benchBlock(words, n)
	out := make([]uint32, n)
	sink := uint32(0)
	for b.Loop() {
		k(q, block, out)
		sink += out[n-1]
	}
	_ = bits.OnesCount32(sink)
	b.ReportMetric(float64(b.N)*n/b.Elapsed().Seconds()/1e6, "Mcmp/s")
}

// BenchmarkDiceNaive is the straightforward loop the portable kernel must not be
// slower than.
func BenchmarkDiceNaive(b *testing.B) {
	const n = 1024
	q, block := benchBlock(16, n)
	out := make([]uint32, n)
	for b.Loop() {
		for i := range out {
			c := 0
			for j, x := range q {
				c += bits.OnesCount64(x & block[i*16+j])
			}
			out[i] = uint32(c)
		}
	}
	b.ReportMetric(float64(b.N)*n/b.Elapsed().Seconds()/1e6, "Mcmp/s")
}
