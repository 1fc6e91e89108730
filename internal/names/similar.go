package names

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// Name is a personal name as recorded. Any field may be empty or hold several words
// ("García López"). Middle holds middle names and patronymics.
type Name struct {
	Given, Family, Middle string
}

// Key returns the blocking key of n: the phonetic keys of the given and family name
// tokens, sorted and joined by spaces, so that swapped given and family names and the
// transliteration variants that Phonetic merges give one key. The middle name is left
// out because it is so often missing. Two names with one Key are candidates, not
// proof; score them with Similar. The key is a personal identifier: store it only as a
// keyed blind index.
func Key(n Name) string {
	keys := append(Tokens(n.Given), Tokens(n.Family)...)
	for i, t := range keys {
		keys[i] = Phonetic(t)
	}
	sort.Strings(keys)
	return strings.Join(keys, " ")
}

// Similar scores how alike two names are, from 0 (nothing in common, or nothing to
// compare) to 1. Names are folded and tokenised; each pair of tokens scores
//
//	1      the same folded spelling
//	0.9    an initial against a name with that initial (J. against Julia), else 0
//	       for a one-letter token
//	else   the higher of Jaro-Winkler on the folded tokens and 0.95 × Jaro-Winkler on
//	       the Phonetic keys; so at least 0.95 for transliteration variants (Shevchenko,
//	       Szewczenko), about 0.93–0.98 for one typo (substitution, insertion,
//	       deletion or transposition) in a token of five letters or more, 0.8–0.9 in
//	       shorter tokens, and mostly below 0.8 for different names
//
// Given and family names are compared field by field, straight and swapped (a swap
// costs nothing: forms and scripts disagree on the order), and the two field scores
// multiplied, so that every part must match; when one side lacks a field the other
// counts alone at 0.9 of its score. Within a field (and between middle names) tokens
// are paired best first and their scores multiplied; tokens left without a partner
// cost up to 10%. Middle names count only when both sides have one: a mismatch there
// costs up to 15%. Finally all tokens are compared as one bag at 0.95, for names typed
// into the wrong fields.
//
// As a rule of thumb 0.9 and above is the same name written differently, 0.8 to 0.9
// deserves a look, and below 0.8 is another name. The date of birth (DatesMatch) and
// other facts must decide between people who share a name.
func Similar(a, b Name) float64 {
	ga, fa, ma := tokenize(a.Given), tokenize(a.Family), tokenize(a.Middle)
	gb, fb, mb := tokenize(b.Given), tokenize(b.Family), tokenize(b.Middle)
	core := max(pairSim(ga, gb, fa, fb), pairSim(ga, fb, fa, gb))
	if m, ok := fieldSim(ma, mb); ok {
		core *= 0.85 + 0.15*m
	}
	all := func(g, m, f []token) []token {
		return append(append(append([]token(nil), g...), m...), f...)
	}
	bag, _ := fieldSim(all(ga, ma, fa), all(gb, mb, fb))
	return min(1, max(core, 0.95*bag))
}

// token is a folded name token with its phonetic key.
type token struct{ fold, key string }

func tokenize(s string) []token {
	ts := Tokens(s)
	out := make([]token, len(ts))
	for i, t := range ts {
		out[i] = token{fold: t, key: Phonetic(t)}
	}
	return out
}

func pairSim(g1, g2, f1, f2 []token) float64 {
	g, gok := fieldSim(g1, g2)
	f, fok := fieldSim(f1, f2)
	switch {
	case gok && fok:
		return g * f
	case gok:
		return 0.9 * g
	case fok:
		return 0.9 * f
	}
	return 0
}

// fieldSim pairs the tokens of a and b best first and multiplies the pair scores; ok
// is false when either side is empty.
func fieldSim(a, b []token) (sim float64, ok bool) {
	if len(a) == 0 || len(b) == 0 {
		return 0, false
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	m := make([]float64, len(a)*len(b))
	for i := range a {
		for j := range b {
			m[i*len(b)+j] = tokenSim(a[i], b[j])
		}
	}
	usedA, usedB := make([]bool, len(a)), make([]bool, len(b))
	prod := 1.0
	for range a {
		bi, bj, best := -1, -1, -1.0
		for i := range a {
			for j := range b {
				if !usedA[i] && !usedB[j] && m[i*len(b)+j] > best {
					bi, bj, best = i, j, m[i*len(b)+j]
				}
			}
		}
		usedA[bi], usedB[bj] = true, true
		prod *= best
	}
	extra := float64(len(b)-len(a)) / float64(len(b))
	return prod * (1 - 0.1*extra), true
}

func tokenSim(x, y token) float64 {
	if x.fold == y.fold {
		return 1
	}
	if utf8.RuneCountInString(x.fold) == 1 || utf8.RuneCountInString(y.fold) == 1 {
		rx, _ := utf8.DecodeRuneInString(x.fold)
		ry, _ := utf8.DecodeRuneInString(y.fold)
		if rx == ry {
			return 0.9
		}
		return 0
	}
	return max(JaroWinkler(x.fold, y.fold), 0.95*JaroWinkler(x.key, y.key))
}

// JaroWinkler returns the Jaro-Winkler similarity of a and b (rune by rune) in [0,1]:
// 1 for equal strings, 0 when no rune matches. The prefix bonus (scale 0.1, up to four
// runes) applies when the Jaro similarity exceeds 0.7, as in Winkler's original.
func JaroWinkler(a, b string) float64 {
	if a == b {
		return 1
	}
	var bufA, bufB [32]rune
	ra, rb := appendRunes(bufA[:0], a), appendRunes(bufB[:0], b)
	j := jaro(ra, rb)
	if j <= 0.7 {
		return j
	}
	p := 0
	for p < 4 && p < len(ra) && p < len(rb) && ra[p] == rb[p] {
		p++
	}
	return j + float64(p)*0.1*(1-j)
}

func appendRunes(dst []rune, s string) []rune {
	for _, r := range s {
		dst = append(dst, r)
	}
	return dst
}

func jaro(a, b []rune) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	window := max(len(a), len(b))/2 - 1
	var bufA, bufB [32]bool
	ma, mb := flags(bufA[:], len(a)), flags(bufB[:], len(b))
	matches := 0
	for i, r := range a {
		for j := max(0, i-window); j <= min(len(b)-1, i+window); j++ {
			if !mb[j] && b[j] == r {
				ma[i], mb[j] = true, true
				matches++
				break
			}
		}
	}
	if matches == 0 {
		return 0
	}
	transpositions, j := 0, 0
	for i := range a {
		if !ma[i] {
			continue
		}
		for !mb[j] {
			j++
		}
		if a[i] != b[j] {
			transpositions++
		}
		j++
	}
	m := float64(matches)
	return (m/float64(len(a)) + m/float64(len(b)) + (m-float64(transpositions)/2)/m) / 3
}

func flags(buf []bool, n int) []bool {
	if n <= len(buf) {
		return buf[:n]
	}
	return make([]bool, n)
}
