package screening

import "slices"

// delIndex finds the listed words within one or two edits of a word without
// comparing it with every listed word: each word is filed under the hashes of
// itself with up to maxDeletes(n) letters deleted, and two words within that many
// edits (insertions, deletions, substitutions, transpositions) share at least one
// such variant (the symmetric-deletion method of SymSpell). Hash collisions only
// bring extra candidates, which tokenCredit then turns away.
type delIndex struct {
	keys  []uint64 // sorted
	ids   []int32  // ids[i] is filed under keys[i]
	dir   []int32  // dir[h>>shift] is the first i with keys[i]>>shift ≥ h>>shift
	shift uint
}

// maxDeletes is the number of deletions filed for a word of n letters: one, and
// two from seven letters on, which covers every pair that editCredit credits.
func maxDeletes(n int) int {
	if n >= 7 {
		return 2
	}
	return 1
}

type delPair struct {
	key uint64
	id  int32
}

// build files the words; words[i] has id i, and "" is not filed.
func buildDelIndex(words []string) delIndex {
	var pairs []delPair
	var rs []rune
	for id, w := range words {
		if w == "" {
			continue
		}
		rs = appendRunes(rs[:0], w)
		deletionHashes(rs, func(h uint64) { pairs = append(pairs, delPair{h, int32(id)}) })
	}
	slices.SortFunc(pairs, func(a, b delPair) int {
		switch {
		case a.key < b.key:
			return -1
		case a.key > b.key:
			return 1
		}
		return int(a.id - b.id)
	})
	pairs = slices.Compact(pairs)
	ix := delIndex{keys: make([]uint64, len(pairs)), ids: make([]int32, len(pairs))}
	for i, p := range pairs {
		ix.keys[i], ix.ids[i] = p.key, p.id
	}
	ix.directory()
	return ix
}

// directory builds dir, about one slot per key, so that a look-up reads a few
// neighbouring keys instead of searching them all.
func (d *delIndex) directory() {
	bits := uint(1)
	for 1<<bits < len(d.keys) && bits < 26 {
		bits++
	}
	d.shift = 64 - bits
	d.dir = make([]int32, 1<<bits+1)
	i := 0
	for slot := range d.dir {
		for i < len(d.keys) && d.keys[i]>>d.shift < uint64(slot) {
			i++
		}
		d.dir[slot] = int32(i)
	}
}

// lookup calls f with the ids of the words that share a deletion variant with w;
// an id may come more than once.
func (d *delIndex) lookup(w string, f func(id int32)) {
	var buf [32]rune
	rs := appendRunes(buf[:0], w)
	if len(d.keys) == 0 {
		return
	}
	deletionHashes(rs, func(h uint64) {
		slot := h >> d.shift
		for i := d.dir[slot]; i < d.dir[slot+1]; i++ {
			if d.keys[i] == h {
				f(d.ids[i])
			}
		}
	})
}

// deletionHashes calls f with the hash of rs and of rs with each one, and each two
// (if maxDeletes allows), of its letters deleted.
func deletionHashes(rs []rune, f func(uint64)) {
	n := len(rs)
	f(hashSkip(rs, -1, -1))
	if n <= 1 || n > 48 {
		return
	}
	two := maxDeletes(n) >= 2
	for i := 0; i < n; i++ {
		f(hashSkip(rs, i, -1))
		if !two {
			continue
		}
		for j := i + 1; j < n; j++ {
			f(hashSkip(rs, i, j))
		}
	}
}

// hashSkip is the 64-bit FNV-1a hash of rs without positions i and j.
func hashSkip(rs []rune, i, j int) uint64 {
	h := uint64(14695981039346656037)
	for k, r := range rs {
		if k == i || k == j {
			continue
		}
		for r > 0 || k == 0 {
			h ^= uint64(r & 0xff)
			h *= 1099511628211
			r >>= 8
			if r == 0 {
				break
			}
		}
		h ^= 0xff // rune separator
		h *= 1099511628211
	}
	return h
}
