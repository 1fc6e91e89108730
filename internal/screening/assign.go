package screening

import "math"

// assign finds the assignment of rows to columns of the gain matrix g (rows×cols,
// row-major) with the largest total gain, each row and column used at most once.
// It returns, for each row, its column or -1. This is the Hungarian algorithm
// (Kuhn–Munkres with potentials), O(n²m) for n ≤ m; names have few tokens, so it
// costs microseconds, and unlike a greedy pairing it never lets one good pair
// steal the word another pair needed.
func assign(g []float32, rows, cols int) []int {
	if rows > cols {
		t := make([]float32, len(g))
		for i := 0; i < rows; i++ {
			for j := 0; j < cols; j++ {
				t[j*rows+i] = g[i*cols+j]
			}
		}
		byCol := assign(t, cols, rows)
		out := make([]int, rows)
		for i := range out {
			out[i] = -1
		}
		for j, i := range byCol {
			if i >= 0 {
				out[i] = j
			}
		}
		return out
	}
	return hungarian(g, rows, cols)
}

// hungarian solves the case rows ≤ cols, minimising the negated gain.
func hungarian(g []float32, n, m int) []int {
	cost := func(i, j int) float64 { return -float64(g[(i-1)*m+(j-1)]) }
	u, v := make([]float64, n+1), make([]float64, m+1)
	p, way := make([]int, m+1), make([]int, m+1)
	minv, used := make([]float64, m+1), make([]bool, m+1)
	for i := 1; i <= n; i++ {
		p[0] = i
		j0 := 0
		for j := range minv {
			minv[j], used[j] = math.Inf(1), false
		}
		for p[j0] != 0 {
			used[j0] = true
			i0, delta, j1 := p[j0], math.Inf(1), 0
			for j := 1; j <= m; j++ {
				if used[j] {
					continue
				}
				if cur := cost(i0, j) - u[i0] - v[j]; cur < minv[j] {
					minv[j], way[j] = cur, j0
				}
				if minv[j] < delta {
					delta, j1 = minv[j], j
				}
			}
			for j := 0; j <= m; j++ {
				if used[j] {
					u[p[j]] += delta
					v[j] -= delta
				} else {
					minv[j] -= delta
				}
			}
			j0 = j1
		}
		for j0 != 0 {
			j1 := way[j0]
			p[j0] = p[j1]
			j0 = j1
		}
	}
	out := make([]int, n)
	for j := 1; j <= m; j++ {
		if p[j] != 0 {
			out[p[j]-1] = j - 1
		}
	}
	return out
}
