package names

import (
	"slices"
	"testing"
	"unicode"
)

// TestScriptRanges walks whole Unicode blocks so that no letter is forgotten: every
// letter of the transliterated blocks, in either case, must fold to lower-case ASCII
// letters, and to at least one of them unless it is a sign dropped on purpose.
func TestScriptRanges(t *testing.T) {
	blocks := []struct {
		name   string
		lo, hi rune
		silent []rune // letters dropped on purpose
	}{
		{"Cyrillic", 0x0400, 0x04FF, cyrillicSigns},
		{"Cyrillic Supplement", 0x0500, 0x052F, nil},
		{"Greek", 0x0370, 0x03FF, nil},
		{"Greek Extended", 0x1F00, 0x1FFF, nil},
		{"Georgian Mkhedruli", 0x10D0, 0x10FA, georgianSilent},
		{"Georgian", 0x10A0, 0x10FF, georgianSilent},
		{"Georgian Mtavruli", 0x1C90, 0x1CBF, georgianSilent},
		{"Georgian Nuskhuri", 0x2D00, 0x2D2F, georgianSilent},
		{"Armenian", 0x0531, 0x0587, nil},
		{"Latin-1 and Latin Extended", 0x00C0, 0x02AF, latinSilent()},
		{"Latin Extended Additional", 0x1E00, 0x1EFF, nil},
		{"Latin Extended-C", 0x2C60, 0x2C7F, nil},
		{"Latin Extended-D", 0xA720, 0xA7FF, latinSilent()},
	}
	for _, b := range blocks {
		n := 0
		for r := b.lo; r <= b.hi; r++ {
			if !unicode.IsLetter(r) || unicode.In(r, unicode.Lm) {
				continue // modifier letters (ʼ ʻ ՙ) are apostrophes, not letters
			}
			n++
			got := Fold(string(r))
			silent := slices.Contains(b.silent, lower(r))
			switch {
			case got == "" && !silent:
				t.Errorf("%s: Fold(%q U+%04X) is empty", b.name, r, r)
			case got != "" && silent:
				t.Errorf("%s: Fold(%q U+%04X) = %q, want it dropped", b.name, r, r, got)
			case !isLowerASCII(got):
				t.Errorf("%s: Fold(%q U+%04X) = %q, want lower-case ASCII letters", b.name, r, r, got)
			}
		}
		if n == 0 {
			t.Errorf("%s: no letters checked", b.name)
		}
	}
}

// latinSilent lists the Latin letters dropped on purpose: glottal stops, clicks,
// tone letters and the like (the entries of the latin table that are empty).
func latinSilent() []rune {
	var rs []rune
	for r, s := range latin {
		if s == "" {
			rs = append(rs, r)
		}
	}
	return rs
}

func isLowerASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

func TestTableKeys(t *testing.T) {
	for name, m := range map[string]map[rune]string{
		"latin": latin, "cyrillic": cyrillic, "greek": greek, "georgian": georgian, "armenian": armenian,
	} {
		for r, s := range m {
			if lower(r) != r {
				t.Errorf("%s: key %q is not lower-case", name, r)
			}
			if e := lookup(r, string(r)); e.kind != kOut || e.out != s {
				t.Errorf("%s: key %q is not in the dense tables as %q (got %+v)", name, r, s, e)
			}
			if !isLowerASCII(s) {
				t.Errorf("%s: %q maps to %q, want lower-case ASCII", name, r, s)
			}
		}
	}
}
