package linkage

import "math/bits"

// Dice returns the Sørensen–Dice coefficient 2|a∧b| / (|a|+|b|) of two filters of
// equal length, and 0 when both are empty.
func Dice(a, b []uint64) float64 {
	pa, pb := Popcount(a), Popcount(b)
	if pa+pb == 0 {
		return 0
	}
	return 2 * float64(AndCount(a, b)) / float64(pa+pb)
}

// Popcount returns the number of set bits of a filter.
func Popcount(a []uint64) int {
	n := 0
	for _, w := range a {
		n += bits.OnesCount64(w)
	}
	return n
}

// AndCount returns the number of bits set in both a and b, which must have the same
// length.
func AndCount(a, b []uint64) int {
	var out [1]uint32
	andCounts(a, b[:len(a)], out[:])
	return int(out[0])
}

// AndCounts writes to out[i] the number of bits set both in a and in the i-th filter
// of bs, which holds len(out) filters of len(a) words each, one after the other. It is
// the inner loop of matching and runs the fastest kernel this CPU supports (Kernel).
func AndCounts(a, bs []uint64, out []uint32) {
	if len(bs) != len(a)*len(out) {
		panic("linkage: AndCounts: bs must hold len(out) filters of len(a) words")
	}
	andCounts(a, bs, out)
}

// Kernel names the Dice kernel chosen for this CPU: "avx512-vpopcntq", "avx2",
// "popcnt" or "go".
func Kernel() string { return kernelName }

// andCountsGo is the portable kernel. The 1024-bit case is unrolled so that the
// compiler keeps the loop free of bounds checks.
func andCountsGo(a, bs []uint64, out []uint32) {
	w := len(a)
	if w == 16 {
		andCounts16Go((*[16]uint64)(a), bs, out)
		return
	}
	for i := range out {
		b := bs[i*w : i*w+w]
		var n int
		for j, x := range a {
			n += bits.OnesCount64(x & b[j])
		}
		out[i] = uint32(n)
	}
}

func andCounts16Go(a *[16]uint64, bs []uint64, out []uint32) {
	for i := range out {
		b := (*[16]uint64)(bs[i*16 : i*16+16])
		n0 := bits.OnesCount64(a[0]&b[0]) + bits.OnesCount64(a[1]&b[1]) +
			bits.OnesCount64(a[2]&b[2]) + bits.OnesCount64(a[3]&b[3])
		n1 := bits.OnesCount64(a[4]&b[4]) + bits.OnesCount64(a[5]&b[5]) +
			bits.OnesCount64(a[6]&b[6]) + bits.OnesCount64(a[7]&b[7])
		n2 := bits.OnesCount64(a[8]&b[8]) + bits.OnesCount64(a[9]&b[9]) +
			bits.OnesCount64(a[10]&b[10]) + bits.OnesCount64(a[11]&b[11])
		n3 := bits.OnesCount64(a[12]&b[12]) + bits.OnesCount64(a[13]&b[13]) +
			bits.OnesCount64(a[14]&b[14]) + bits.OnesCount64(a[15]&b[15])
		out[i] = uint32(n0 + n1 + n2 + n3)
	}
}

// addTail adds to out the counts of the words from `from` on, for the assembly
// kernels that handle whole vectors only.
func addTail(a, bs []uint64, out []uint32, from int) {
	w := len(a)
	for i := range out {
		b := bs[i*w : i*w+w]
		n := 0
		for j := from; j < w; j++ {
			n += bits.OnesCount64(a[j] & b[j])
		}
		out[i] += uint32(n)
	}
}
