package names

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
)

// checkFold asserts the properties that FuzzFold checks, for one input.
func checkFold(t *testing.T, s string) {
	t.Helper()
	got := Fold(s)
	for _, r := range got {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == ' ':
		case (unicode.IsLetter(r) || unicode.IsMark(r)) && !claimed(r):
		default:
			t.Fatalf("Fold(%q) = %q holds %q U+%04X", s, got, r, r)
		}
	}
	if strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") || strings.Contains(got, "  ") {
		t.Fatalf("Fold(%q) = %q has stray spaces", s, got)
	}
	if again := Fold(got); again != got {
		t.Fatalf("Fold(%q) = %q but Fold(%q) = %q", s, got, got, again)
	}
}

// TestFoldEveryRune runs the properties of FuzzFold over every code point of the
// first three planes, then over random short strings drawn from them, which the
// byte-level fuzzer reaches only rarely.
func TestFoldEveryRune(t *testing.T) {
	var runes []rune
	for r := rune(0); r <= 0x2FFFF; r++ {
		if unicode.Is(unicode.Cs, r) {
			continue
		}
		checkFold(t, string(r))
		if unicode.IsPrint(r) || unicode.Is(unicode.Cf, r) {
			runes = append(runes, r)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	pools := [][]rune{runes, []rune("aeiouυοαγъўուե' -\u0301\u0308각가क़िꞌ´ʼ·ـ")}
	n := 20000
	if testing.Short() {
		n = 2000
	}
	for range n {
		var b strings.Builder
		for range 1 + rng.IntN(6) {
			p := pools[rng.IntN(2)]
			b.WriteRune(p[rng.IntN(len(p))])
		}
		checkFold(t, b.String())
	}
}
