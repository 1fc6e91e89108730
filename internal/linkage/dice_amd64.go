//go:build amd64 && !purego

package linkage

import "golang.org/x/sys/cpu"

// The assembly kernels count whole vectors (512 bits for VPOPCNTQ, 256 for AVX2,
// 64 for POPCNT) of each filter; stride is the filter length in words.

//go:noescape
func andCountsVPOPCNTQ(a *uint64, chunks, stride int, bs *uint64, n int, out *uint32)

//go:noescape
func andCountsAVX2(a *uint64, chunks, stride int, bs *uint64, n int, out *uint32)

//go:noescape
func andCountsPOPCNT(a *uint64, words, stride int, bs *uint64, n int, out *uint32)

var hasVPOPCNTQ = cpu.X86.HasAVX512F && cpu.X86.HasAVX512VPOPCNTDQ

var kernelName, andCounts = chooseKernel()

func chooseKernel() (string, func(a, bs []uint64, out []uint32)) {
	switch {
	case hasVPOPCNTQ:
		return "avx512-vpopcntq", andCountsAVX512
	case cpu.X86.HasAVX2:
		return "avx2", andCountsAVX2Go
	case cpu.X86.HasPOPCNT:
		return "popcnt", andCountsPOPCNTGo
	}
	return "go", andCountsGo
}

// kernels lists every kernel this CPU can run, for the tests and benchmarks.
func kernels() map[string]func(a, bs []uint64, out []uint32) {
	k := map[string]func(a, bs []uint64, out []uint32){"go": andCountsGo}
	if cpu.X86.HasPOPCNT {
		k["popcnt"] = andCountsPOPCNTGo
	}
	if cpu.X86.HasAVX2 {
		k["avx2"] = andCountsAVX2Go
	}
	if hasVPOPCNTQ {
		k["avx512-vpopcntq"] = andCountsAVX512
	}
	return k
}

func andCountsAVX512(a, bs []uint64, out []uint32) {
	vectorKernel(a, bs, out, 8, andCountsVPOPCNTQ)
}

func andCountsAVX2Go(a, bs []uint64, out []uint32) {
	vectorKernel(a, bs, out, 4, andCountsAVX2)
}

func andCountsPOPCNTGo(a, bs []uint64, out []uint32) {
	vectorKernel(a, bs, out, 1, andCountsPOPCNT)
}

// vectorKernel runs an assembly kernel over the whole vectors of width words and
// adds the remaining words in Go.
func vectorKernel(a, bs []uint64, out []uint32, width int,
	k func(a *uint64, chunks, stride int, bs *uint64, n int, out *uint32)) {
	w, n := len(a), len(out)
	chunks := w / width
	if n == 0 {
		return
	}
	if chunks == 0 {
		andCountsGo(a, bs, out)
		return
	}
	_ = bs[n*w-1]
	k(&a[0], chunks, w, &bs[0], n, &out[0])
	if chunks*width < w {
		addTail(a, bs, out, chunks*width)
	}
}
