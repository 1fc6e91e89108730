package names

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// kind says what Fold does with one rune (after NFKC).
type kind uint8

const (
	kOut     kind = iota // write out (empty: drop)
	kSpace               // word break
	kKeep                // write base: a letter of a script that is not transliterated
	kMark                // write base only right after a kept letter (a vowel sign)
	kContext             // depends on the neighbours: folder.context
)

// entry is the precomputed fold of one rune. base is the lower-case base letter
// (without diacritics) for letters, the rune itself for kept marks, and 0 otherwise.
type entry struct {
	out  string
	base rune
	kind kind
}

// denseRanges are the blocks whose entries are computed once at start-up: Latin,
// Greek, Cyrillic, Armenian, Hebrew, Arabic, Georgian and the general punctuation.
// Other runes are folded on the fly by buildEntry.
var denseRanges = [...]struct{ lo, hi rune }{
	{0x0080, 0x06FF},
	{0x10A0, 0x10FF},
	{0x1C90, 0x1CBF},
	{0x1E00, 0x206F},
	{0x2C60, 0x2C7F},
	{0x2D00, 0x2D2F},
	{0xA720, 0xA7FF},
}

var (
	dense          [len(denseRanges)][]entry
	spacingAccents = map[rune]struct{}{}
	translit       = map[rune]string{}
)

func init() {
	for _, m := range []map[rune]string{latin, cyrillic, greek, georgian, armenian} {
		for r, s := range m {
			translit[r] = s
		}
	}
	var buf [utf8.UTFMax]byte
	for i, rg := range denseRanges {
		dense[i] = make([]entry, rg.hi-rg.lo+1)
		for r := rg.lo; r <= rg.hi; r++ {
			n := utf8.EncodeRune(buf[:], r)
			dense[i][r-rg.lo] = buildEntry(r, string(buf[:n]))
		}
	}
	for r := rune(0xA0); r < 0x10000; r++ {
		d := norm.NFKD.Properties(buf[:utf8.EncodeRune(buf[:], r)]).Decomposition()
		if len(d) > 1 && d[0] == ' ' && allMarks(d[1:]) {
			spacingAccents[r] = struct{}{}
		}
	}
}

func allMarks(b []byte) bool {
	for _, r := range string(b) {
		if !unicode.IsMark(r) {
			return false
		}
	}
	return true
}

// lookup returns the entry of r, whose UTF-8 encoding is src.
func lookup(r rune, src string) entry {
	for i, rg := range denseRanges {
		if r < rg.lo {
			break
		}
		if r <= rg.hi {
			return dense[i][r-rg.lo]
		}
	}
	return buildEntry(r, src)
}

// lower lower-cases r and brings the old Georgian scripts to Mkhedruli (Asomtavruli
// lower-cases to Nuskhuri, which runs parallel to Mkhedruli).
func lower(r rune) rune {
	l := unicode.ToLower(r)
	if l >= 0x2D00 && l <= 0x2D2D {
		return l - 0x2D00 + 0x10D0
	}
	return l
}

// claimed reports whether r lies in a block whose letters Fold transliterates, so that
// no letter of it may survive into the output.
func claimed(r rune) bool {
	switch {
	case r < 0x0300, r >= 0x0370 && r <= 0x058F, r >= 0x10A0 && r <= 0x10FF,
		r >= 0x1C90 && r <= 0x1CBF, r >= 0x1E00 && r <= 0x1FFF,
		r >= 0x2C60 && r <= 0x2C7F, r >= 0x2D00 && r <= 0x2D2F, r >= 0xA720 && r <= 0xA7FF:
		return true
	}
	return false
}

func isContextLetter(r rune) bool {
	switch r {
	case 'ъ', 'ў', 'υ', 'γ', 'ե', 'ո', 'ւ':
		return true
	}
	return false
}

// buildEntry folds one rune (src is its encoding). It is the slow path behind the
// dense tables and the rule book for every rune.
func buildEntry(r rune, src string) entry {
	if r < utf8.RuneSelf {
		c := byte(unicode.ToLower(r))
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			return entry{kind: kOut, out: string(c), base: rune(c)}
		case c == '\'' || c == '`':
			return entry{kind: kOut}
		}
		return entry{kind: kSpace}
	}
	lr := lower(r)
	if out, ok := translit[lr]; ok {
		return entry{kind: kOut, out: out, base: lr}
	}
	if isContextLetter(lr) {
		return entry{kind: kContext, base: lr}
	}
	switch {
	case isApostrophe(r), r == 0x00B7, r == 0x0640: // middle dot (l·l), tatweel
		return entry{kind: kOut}
	case unicode.IsSpace(r), unicode.IsControl(r), unicode.In(r, unicode.Z):
		return entry{kind: kSpace}
	case unicode.In(r, unicode.Cf):
		return entry{kind: kOut}
	case unicode.IsMark(r):
		if droppableMark(r) || unicode.In(r, unicode.Me) || claimed(r) {
			return entry{kind: kOut}
		}
		return entry{kind: kMark, base: r}
	case unicode.IsDigit(r):
		return entry{kind: kOut, out: string(rune('0' + digitValue(r)))}
	case unicode.IsLetter(r):
		if claimed(r) && unicode.In(r, unicode.Lm) {
			return entry{kind: kOut} // modifier letters: ʼ ʻ ˈ ...
		}
		return letterEntry(r, lr, src)
	case claimed(r) && unicode.In(r, unicode.Sk):
		return entry{kind: kOut} // spacing modifier symbols: ˆ ˇ ˘ ...
	}
	return entry{kind: kSpace} // other numbers, punctuation, symbols
}

// letterEntry folds a letter without a table entry: a letter with diacritics is folded
// as its base letter; a letter of a kept script stays, without Arabic and Hebrew
// vowel points.
func letterEntry(r, lr rune, src string) entry {
	var buf [utf8.UTFMax]byte
	if lr != r {
		src = string(buf[:utf8.EncodeRune(buf[:], lr)])
	}
	d := norm.NFD.PropertiesString(src).Decomposition()
	if len(d) == 0 {
		return entry{kind: kKeep, base: lr}
	}
	b0, n := utf8.DecodeRune(d)
	marks, diaeresis := d[n:], false
	for len(marks) > 0 {
		m, size := utf8.DecodeRune(marks)
		if !unicode.IsMark(m) || !(droppableMark(m) || claimed(b0)) {
			return entry{kind: kKeep, base: lr}
		}
		diaeresis = diaeresis || m == 0x0308
		marks = marks[size:]
	}
	e := buildEntry(b0, string(buf[:utf8.EncodeRune(buf[:], b0)]))
	if e.kind == kContext && e.base == 'υ' && diaeresis {
		return entry{kind: kOut, out: "y", base: 'υ'} // ϋ is a vowel on its own
	}
	return e
}

// isApostrophe reports the apostrophes and quote-like letters that Fold drops without
// breaking the word: O’Brien, Ngũgĩ wa Thiong’o, Oʻzbek, Qurʼan.
func isApostrophe(r rune) bool {
	switch r {
	case 0x2018, 0x2019, 0x201B, 0x2032, 0x2035, 0x02B9, 0x02BA, 0x02BB, 0x02BC,
		0x02BD, 0x02BE, 0x02BF, 0x02C8, 0x02CA, 0x02CB, 0x055A, 0x055B, 0x055C,
		0x055E, 0x055F, 0x05F3, 0x05F4, 0xA78B, 0xA78C, 0xFF07:
		return true
	}
	return false
}

// droppableMark reports the combining marks that are diacritics to remove: the
// general combining diacritics, the Cyrillic ones, Hebrew points and Arabic harakat.
// Vowel signs of the Indic and South-East Asian scripts are letters' parts and stay.
func droppableMark(r rune) bool {
	switch {
	case r >= 0x0300 && r <= 0x036F, r >= 0x0483 && r <= 0x0489,
		r >= 0x0591 && r <= 0x05C7, r >= 0x0610 && r <= 0x061A,
		r >= 0x064B && r <= 0x065F, r == 0x0670, r >= 0x06D6 && r <= 0x06ED,
		r >= 0x1AB0 && r <= 0x1AFF, r >= 0x1DC0 && r <= 0x1DFF,
		r >= 0x20D0 && r <= 0x20FF, r >= 0x2DE0 && r <= 0x2DFF,
		r >= 0xA66F && r <= 0xA67D, r >= 0xFE20 && r <= 0xFE2F:
		return true
	}
	return false
}

// digitValue returns the value of a decimal digit of any script: Unicode keeps each
// script's digits 0–9 in one contiguous run.
func digitValue(r rune) int {
	start := r
	for unicode.IsDigit(start - 1) {
		start--
	}
	return int(r-start) % 10
}
