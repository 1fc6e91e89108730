package names

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold returns the canonical folded form of a personal or organisation name: NFKC,
// case folding, transliteration of Cyrillic, Greek, Georgian and Armenian (tables.go),
// removal of diacritics, apostrophes (' ’ ‘ ʼ ʻ ` ´ and the like) dropped, hyphens and
// other punctuation and symbols turned into spaces, runs of spaces collapsed and
// trimmed. Latin output is lower-case ASCII; letters of scripts that are not
// transliterated are kept (see the package documentation). Fold is idempotent:
// Fold(Fold(s)) == Fold(s).
func Fold(s string) string {
	if isFolded(s) {
		return s
	}
	if !isASCII(s) {
		s = dropSpacingAccents(s)
		s = norm.NFKC.String(s)
	}
	f := folder{}
	f.b.Grow(len(s))
	f.run(s)
	out := f.b.String()
	if f.kept {
		// Dropping a character between two kept letters can leave a sequence that
		// NFKC composes (Hangul jamo, for example); compose it now so that folding
		// the result again changes nothing.
		out = norm.NFKC.String(out)
	}
	return out
}

// Tokens folds s and splits it into name tokens.
func Tokens(s string) []string {
	return strings.Fields(Fold(s))
}

// isFolded reports whether s is already a folded ASCII string, so that Fold can
// return it without allocating.
func isFolded(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case c == ' ':
			if i == 0 || i == len(s)-1 || s[i-1] == ' ' {
				return false
			}
		default:
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// dropSpacingAccents removes the spacing accents (´ ¨ ˜ ΄ ...) that NFKC would turn
// into a space followed by a combining mark: typed between letters, they stand for an
// apostrophe ("O´Brien"), not for a word break.
func dropSpacingAccents(s string) string {
	i := strings.IndexFunc(s, isSpacingAccent)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		if !isSpacingAccent(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isSpacingAccent(r rune) bool {
	_, ok := spacingAccents[r]
	return ok
}

// folder writes the folded form. Spaces are written lazily so that the result never
// starts or ends with one and never holds two in a row.
type folder struct {
	b        strings.Builder
	pending  bool // a space is due before the next output
	keptLast bool // the last output was a kept letter, so a vowel sign may follow
	kept     bool // some letter of a script that is not transliterated was written
	prev     rune // base of the previous letter, 0 after anything else
}

func (f *folder) run(s string) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			f.ascii(c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		e := lookup(r, s[i:i+size])
		i += size
		if e.kind == kContext {
			i += f.context(e.base, s[i:])
			continue
		}
		f.apply(e)
	}
}

func (f *folder) ascii(c byte) {
	switch {
	case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
	case 'A' <= c && c <= 'Z':
		c += 'a' - 'A'
	case c == '\'' || c == '`':
		f.prev = 0
		return
	default:
		f.space()
		return
	}
	f.flush()
	f.b.WriteByte(c)
	f.keptLast = false
	f.prev = rune(c)
}

func (f *folder) apply(e entry) {
	switch e.kind {
	case kOut:
		f.prev = e.base
		f.str(e.out)
	case kSpace:
		f.space()
	case kKeep:
		f.flush()
		f.b.WriteRune(e.base)
		f.keptLast, f.kept, f.prev = true, true, e.base
	case kMark:
		if f.keptLast && !f.pending {
			f.b.WriteRune(e.base)
		}
	}
}

func (f *folder) space() {
	if f.b.Len() > 0 {
		f.pending = true
	}
	f.keptLast = false
	f.prev = 0
}

func (f *folder) flush() {
	if f.pending {
		f.b.WriteByte(' ')
		f.pending = false
	}
}

func (f *folder) str(s string) {
	if s == "" {
		return
	}
	f.flush()
	f.b.WriteString(s)
	f.keptLast = false
}

// context writes a letter whose reading depends on its neighbours (see tables.go) and
// returns how many bytes of rest it consumed as well.
func (f *folder) context(base rune, rest string) int {
	next, size := peek(rest)
	out, used := "", 0
	switch base {
	case 'ъ':
		if isCyrillicConsonant(next) {
			out = "a"
		}
	case 'ў':
		out = "o"
		if strings.ContainsRune("аеиоуыэюяієї", f.prev) {
			out = "u"
		}
	case 'υ':
		out = greekUpsilon(f.prev, next)
	case 'γ':
		out = "g"
		if next == 'γ' || next == 'ξ' || next == 'χ' {
			out = "n"
		}
	case 'ե':
		out = "e"
		if f.prev == 0 {
			out = "ye"
		}
	case 'ո':
		switch {
		case next == 'ւ':
			out, used = "u", size
		case f.prev == 0:
			out = "vo"
		default:
			out = "o"
		}
	case 'ւ':
		out = "v"
	}
	f.prev = base
	f.str(out)
	return used
}

// peek returns the base letter of the next rune of s and its size.
func peek(s string) (rune, int) {
	if s == "" {
		return 0, 0
	}
	r, size := utf8.DecodeRuneInString(s)
	if r < utf8.RuneSelf {
		return unicode.ToLower(r), size
	}
	return lookup(r, s[:size]).base, size
}

func isCyrillicConsonant(r rune) bool {
	return r >= 'а' && r <= 'я' && !strings.ContainsRune("аеиоуыэюяъь", r) ||
		r == 'ђ' || r == 'ј' || r == 'љ' || r == 'њ' || r == 'ћ' || r == 'џ'
}

// greekUpsilon reads υ after α, ε, η as v or f (ELOT 743: f before a voiceless
// consonant or at the end of the word), after ο as the u of ου, and elsewhere as y.
func greekUpsilon(prev, next rune) string {
	switch prev {
	case 'ο':
		return "u"
	case 'α', 'ε', 'η':
		if next == 0 || strings.ContainsRune("θκξπσςτφχψ", next) || next < utf8.RuneSelf {
			return "f"
		}
		return "v"
	}
	return "y"
}
