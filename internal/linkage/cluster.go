package linkage

import "slices"

// Cluster groups the records of pairs (sorted by descending score, as Match returns
// them) greedily, best pair first, and returns the clusters of two or more
// records, each sorted, ordered by their first record.
//
// Across partners a cluster holds at most one record of each partner: a pair whose
// two clusters both hold a record of one partner is skipped, because that partner
// would then hold one person twice, which the better pairs already decided against.
//
// With dedup (pairs within a partner), a cluster may hold several records of one
// partner, the duplicates, but only if each two of them were paired directly: records
// of one partner are never joined through a chain of others' records (A1~B1~A2 with
// A1 and A2 unlike), which is where single-linkage clustering goes wrong.
func Cluster(pairs []Pair, dedup bool) [][]Ref {
	c := newClusterer(pairs)
	if dedup {
		c.direct = map[[2]int32]bool{}
		for _, p := range pairs {
			if p.A.Party == p.B.Party {
				c.direct[[2]int32{c.id(p.A), c.id(p.B)}] = true
			}
		}
	}
	for _, p := range pairs {
		ra, rb := c.find(c.id(p.A)), c.find(c.id(p.B))
		if ra != rb && c.allowed(ra, rb) {
			c.union(ra, rb)
		}
	}
	var out [][]Ref
	for root, m := range c.members {
		if len(m) > 1 && c.parent[root] == int32(root) {
			refs := make([]Ref, len(m))
			for i, id := range m {
				refs[i] = c.ref(id)
			}
			slices.SortFunc(refs, cmpRef)
			out = append(out, refs)
		}
	}
	slices.SortFunc(out, func(a, b []Ref) int { return cmpRef(a[0], b[0]) })
	return out
}

// clusterer is a union-find over the records of the pairs, numbered densely:
// party by party, in the order of their indexes.
type clusterer struct {
	offset  []int32 // first number of each party
	parent  []int32
	members [][]int32 // at roots of clusters of two or more
	direct  map[[2]int32]bool
}

func newClusterer(pairs []Pair) *clusterer {
	var size []int32
	for _, p := range pairs {
		for _, r := range []Ref{p.A, p.B} {
			for int(r.Party) >= len(size) {
				size = append(size, 0)
			}
			size[r.Party] = max(size[r.Party], r.Index+1)
		}
	}
	c := &clusterer{offset: make([]int32, len(size)+1)}
	for i, n := range size {
		c.offset[i+1] = c.offset[i] + n
	}
	n := c.offset[len(size)]
	c.parent, c.members = make([]int32, n), make([][]int32, n)
	for i := range c.parent {
		c.parent[i] = int32(i)
	}
	return c
}

func (c *clusterer) id(r Ref) int32 { return c.offset[r.Party] + r.Index }

func (c *clusterer) ref(id int32) Ref {
	p, _ := slices.BinarySearch(c.offset, id+1)
	return Ref{int32(p - 1), id - c.offset[p-1]}
}

// cluster returns the members of the cluster at root.
func (c *clusterer) cluster(root int32) []int32 {
	if m := c.members[root]; m != nil {
		return m
	}
	return []int32{root}
}

func (c *clusterer) find(x int32) int32 {
	root := x
	for c.parent[root] != root {
		root = c.parent[root]
	}
	for x != root {
		next := c.parent[x]
		c.parent[x] = root
		x = next
	}
	return root
}

// allowed reports whether the clusters at roots a and b may be joined.
func (c *clusterer) allowed(a, b int32) bool {
	ma, mb := c.members[a], c.members[b]
	var sa, sb [1]int32 // singletons, without allocating
	if ma == nil {
		sa[0], ma = a, sa[:]
	}
	if mb == nil {
		sb[0], mb = b, sb[:]
	}
	for _, x := range ma {
		for _, y := range mb {
			if c.ref(x).Party != c.ref(y).Party {
				continue
			}
			if c.direct == nil || !c.direct[[2]int32{min(x, y), max(x, y)}] {
				return false
			}
		}
	}
	return true
}

func (c *clusterer) union(a, b int32) {
	ma, mb := c.cluster(a), c.cluster(b)
	if len(ma) < len(mb) {
		a, b, ma, mb = b, a, mb, ma
	}
	c.parent[b] = a
	c.members[a] = append(ma, mb...)
	c.members[b] = nil
}
