package credential

import (
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"strings"
)

// recoveryAlphabet is Crockford's base32 in lower case: digits and letters
// without i, l, o and u, 32 symbols, so each character carries 5 bits.
const recoveryAlphabet = "0123456789abcdefghjkmnpqrstvwxyz"

// Recovery code shape: 3 groups of 4 characters, 60 bits of entropy.
const (
	recoveryGroups    = 3
	recoveryGroupSize = 4
)

// maxRecoveryCodes bounds NewRecoveryCodes; a user needs ten or so.
const maxRecoveryCodes = 100

// NewRecoveryCodes returns n random single-use recovery codes such as
// "k7fq-2m9x-t4pd" (60 bits each). Show them to the user once and store only
// HashRecoveryCode of each.
func NewRecoveryCodes(n int) ([]string, error) {
	if n < 1 || n > maxRecoveryCodes {
		return nil, fmt.Errorf("recovery codes: want 1 to %d, got %d", maxRecoveryCodes, n)
	}
	codes := make([]string, n)
	buf := make([]byte, recoveryGroups*recoveryGroupSize)
	for i := range codes {
		if _, err := rand.Read(buf); err != nil {
			return nil, fmt.Errorf("recovery codes: %w", err)
		}
		codes[i] = formatRecoveryCode(buf)
	}
	return codes, nil
}

// formatRecoveryCode maps each random byte to a symbol (256 is a multiple of
// 32, so the mapping is uniform) and groups them with dashes.
func formatRecoveryCode(random []byte) string {
	var b strings.Builder
	for i, r := range random {
		if i > 0 && i%recoveryGroupSize == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(recoveryAlphabet[r%32])
	}
	return b.String()
}

// HashRecoveryCode returns the SHA-256 of the normalised code, which is what the
// store keeps. Normalising lowercases the code, drops spaces and dashes, and
// reads the look-alikes o as 0 and i and l as 1, so that "K7FQ 2M9X T4PD" and
// "k7fq-2m9x-t4pd" match.
func HashRecoveryCode(code string) []byte {
	sum := sha256.Sum256([]byte(normaliseRecoveryCode(code)))
	return sum[:]
}

// normaliseRecoveryCode returns code in the canonical form that is hashed.
func normaliseRecoveryCode(code string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(code) {
		switch r {
		case ' ', '\t', '\n', '\r', '-', '‐', '‑', '–', '—':
			continue
		case 'o':
			r = '0'
		case 'i', 'l':
			r = '1'
		}
		b.WriteRune(r)
	}
	return b.String()
}
