package names

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

var fuzzSeeds = []string{
	"Шевченко Тарас", "Đoković", "O´Brien-Smith", "Γεώργιος", "ბიძინა", "Երևան",
	"山田 太郎", "محمد أحمد", "ｶﾞｰ", "İstanbul", "ŉ ŀl", "ᄀ'ᅡ", "a\u0301", "ъ", "ў", "υ",
	"\xff\xfe", "क'ि", "Ǆ", " - ", "ǅ'", "\u0345", "ԫ",
}

// FuzzFold checks that Fold never panics, writes valid UTF-8 with only a–z, 0–9,
// single inner spaces and letters (or vowel signs) of the scripts it keeps, and is
// idempotent.
func FuzzFold(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Fold(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Fold(%q) = %q is not valid UTF-8", s, got)
		}
		if strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") || strings.Contains(got, "  ") {
			t.Fatalf("Fold(%q) = %q has stray spaces", s, got)
		}
		for _, r := range got {
			switch {
			case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == ' ':
			case (unicode.IsLetter(r) || unicode.IsMark(r)) && !claimed(r):
			default:
				t.Fatalf("Fold(%q) = %q holds %q U+%04X", s, got, r, r)
			}
		}
		if again := Fold(got); again != got {
			t.Fatalf("Fold is not idempotent: Fold(%q) = %q, Fold(%q) = %q", s, got, got, again)
		}
	})
}

// FuzzPhonetic checks that Phonetic is deterministic and idempotent, on raw input and
// on folded tokens, and that keys of folded Latin tokens hold only capitals and digits.
func FuzzPhonetic(f *testing.F) {
	for _, s := range append(fuzzSeeds, "shchsch", "tschtsch", "jouou", "hhh", "yiyi", "eff", "ivanoff", "ieie") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := Phonetic(s)
		if k != Phonetic(s) {
			t.Fatalf("Phonetic(%q) is not deterministic", s)
		}
		if again := Phonetic(k); again != k {
			t.Fatalf("Phonetic is not idempotent: Phonetic(%q) = %q, Phonetic(%q) = %q", s, k, k, again)
		}
		for _, tok := range Tokens(s) {
			k := Phonetic(tok)
			if Phonetic(k) != k {
				t.Fatalf("Phonetic is not idempotent on token %q", tok)
			}
			if isLowerASCII(tok) && strings.Trim(k, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
				t.Fatalf("Phonetic(%q) = %q, want capitals only", tok, k)
			}
		}
	})
}

// FuzzParseDate checks that ParseDate never panics, that its errors wrap
// ErrInvalidDate, and that a parsed date survives String and matches itself.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"1985", "1985-03", "1985-03-07", "1985-00-00", "2000-02-29", "", "0000", "1985-13", "1985-3-7", "１９８５"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidDate) {
				t.Fatalf("ParseDate(%q) error %v does not wrap ErrInvalidDate", s, err)
			}
			return
		}
		if d.Year < 1 || d.Year > 9999 || d.Month < 0 || d.Month > 12 || d.Day < 0 || d.Day > 31 {
			t.Fatalf("ParseDate(%q) = %#v out of range", s, d)
		}
		back, err := ParseDate(d.String())
		if err != nil || back != d {
			t.Fatalf("ParseDate(%q) = %#v, but ParseDate(%q) = %#v, %v", s, d, d.String(), back, err)
		}
		if !DatesMatch(d, d) {
			t.Fatalf("%v does not match itself", d)
		}
	})
}
