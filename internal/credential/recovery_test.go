package credential

import (
	"bytes"
	"math"
	"regexp"
	"strings"
	"testing"
)

func TestNewRecoveryCodes(t *testing.T) {
	codes, err := NewRecoveryCodes(10)
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != 10 {
		t.Fatalf("got %d codes, want 10", len(codes))
	}
	re := regexp.MustCompile(`^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$`)
	seen := map[string]bool{}
	for _, c := range codes {
		if !re.MatchString(c) {
			t.Errorf("code %q does not match %s", c, re)
		}
		if seen[c] {
			t.Errorf("code %q repeated", c)
		}
		seen[c] = true
	}
	if bits := 12 * math.Log2(float64(len(recoveryAlphabet))); bits < 60 {
		t.Errorf("entropy per code = %.1f bits, want at least 60", bits)
	}
	for _, n := range []int{0, -1, 101} {
		if _, err := NewRecoveryCodes(n); err == nil {
			t.Errorf("NewRecoveryCodes(%d): got no error", n)
		}
	}
}

// TestRecoveryCodesUseWholeAlphabet checks that generation is not biased to
// part of the alphabet (a wrong modulus would show here).
func TestRecoveryCodesUseWholeAlphabet(t *testing.T) {
	codes, err := NewRecoveryCodes(100)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.ReplaceAll(strings.Join(codes, ""), "-", "")
	for _, r := range recoveryAlphabet {
		if n := strings.Count(all, string(r)); n < 10 || n > 90 {
			t.Errorf("symbol %q appears %d times in 1200, want about 37", r, n)
		}
	}
}

func TestHashRecoveryCode(t *testing.T) {
	want := HashRecoveryCode("k7fq-2m9x-t4pd")
	if len(want) != 32 {
		t.Fatalf("len(hash) = %d, want 32", len(want))
	}
	same := []string{"k7fq2m9xt4pd", "K7FQ-2M9X-T4PD", " k7fq 2m9x t4pd ", "k7fq–2m9x—t4pd", "k-7-f-q-2m9xt4pd"}
	for _, s := range same {
		if got := HashRecoveryCode(s); !bytes.Equal(got, want) {
			t.Errorf("HashRecoveryCode(%q) differs from that of k7fq-2m9x-t4pd", s)
		}
	}
	if !bytes.Equal(HashRecoveryCode("a0b1-c1d0"), HashRecoveryCode("aObI-cLdo")) {
		t.Errorf("look-alikes o, i, l are not read as 0, 1, 1")
	}
	differ := []string{"k7fq-2m9x-t4pe", "k7fq-2m9x-t4p", "", "k7fq-2m9x-t4pd-"}
	for _, s := range differ[:3] {
		if bytes.Equal(HashRecoveryCode(s), want) {
			t.Errorf("HashRecoveryCode(%q) equals that of k7fq-2m9x-t4pd", s)
		}
	}
}
