package screening

import (
	"strings"
	"unicode/utf8"
)

// tokenCredit is how much two tokens count as one, in [0, 1]: 1 for equal words or
// equal sector concepts, less for words within a typo or two of each other, by
// their letters or, slightly less, by their phonetic keys (which absorb the
// transliteration habits of English, German, French and Polish). Initials match
// the words they begin. Words with digits match only exactly: "Textile 1" is not
// "Textile 2".
//
// The credit rests on the edit distance rather than on Jaro-Winkler: Jaro-Winkler
// rewards a shared beginning, so that "Yılcan" and "Yılçahan", or "Kreuvolhardt"
// and "Kreuvolinger", different names, would rate as high as a typo.
func tokenCredit(a, b *tok) float32 {
	if a.key == b.key || a.fold == b.fold {
		return 1
	}
	if a.isInitial() || b.isInitial() {
		return initialCredit(a, b)
	}
	if hasDigit(a.fold) || hasDigit(b.fold) {
		return 0
	}
	c := editCredit(a.fold, b.fold)
	if c < 0.95 {
		c = max(c, 0.95*editCredit(a.phon, b.phon))
	}
	return c
}

// initialCredit is 0.9 when one of a and b is an initial that begins the other,
// by letters or by phonetic key ("Kh." begins "Hasan", "Ю." begins "Yuri").
func initialCredit(a, b *tok) float32 {
	if b.isInitial() && (!a.isInitial() || len(b.fold) > len(a.fold)) {
		a, b = b, a
	}
	if strings.HasPrefix(b.fold, a.fold) || a.phon != "" && strings.HasPrefix(b.phon, a.phon) {
		return 0.9
	}
	return 0
}

// editCredit rates two words by their optimal-string-alignment distance (a
// transposition is one edit) and the length of the longer: one edit in a word of
// five letters or more is a typo, two edits only in a long word.
func editCredit(a, b string) float32 {
	if a == b {
		return 1
	}
	la, lb := utf8.RuneCountInString(a), utf8.RuneCountInString(b)
	l := max(la, lb)
	if abs(la-lb) > 3 || l < 4 {
		return 0
	}
	switch d := osa(a, b, 3); {
	case d == 1 && l >= 5:
		return 0.95
	case d == 1:
		return 0.85
	case d == 2 && l >= 10:
		return 0.8
	case d == 2 && l >= 8:
		return 0.6
	}
	return 0
}

// osa is the optimal-string-alignment distance of a and b over runes, or limit+1
// when it is larger than limit.
func osa(a, b string, limit int) int {
	var bufA, bufB [48]rune
	ra, rb := appendRunes(bufA[:0], a), appendRunes(bufB[:0], b)
	n, m := len(ra), len(rb)
	var rows [3][49]int
	if m > 48 {
		return limit + 1
	}
	prev2, prev, cur := rows[0][:m+1], rows[1][:m+1], rows[2][:m+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= n; i++ {
		cur[0] = i
		low := cur[0]
		for j := 1; j <= m; j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			low = min(low, v)
		}
		if low > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[m]
}

func appendRunes(dst []rune, s string) []rune {
	for _, r := range s {
		dst = append(dst, r)
	}
	return dst
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}
