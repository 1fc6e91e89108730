//go:build !amd64 || purego

package linkage

const kernelName = "go"

var andCounts = andCountsGo

// kernels lists every kernel this build can run, for the tests and benchmarks.
func kernels() map[string]func(a, bs []uint64, out []uint32) {
	return map[string]func(a, bs []uint64, out []uint32){"go": andCountsGo}
}
