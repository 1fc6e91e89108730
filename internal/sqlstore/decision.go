package sqlstore

import (
	"bytes"
	"slices"
	"time"

	"alliance"
)

// The number of case ids CasesWithNameTokens returns when the caller gives no
// limit, and the most it returns whatever the caller asks.
const (
	NameTokenDefaultLimit = 20
	NameTokenMaxLimit     = 200
)

// NameTokenLimit checks a look-up by name tokens and returns the number of
// ids it may return. A look-up never crosses organisations, so orgID is
// required.
func NameTokenLimit(orgID int64, n int) (int, error) {
	if orgID == 0 {
		return 0, alliance.Invalid("organisation", "give the organisation whose cases to search")
	}
	return limit(n, NameTokenDefaultLimit, NameTokenMaxLimit), nil
}

// NameKeys returns the keyed blind indexes (alliance.ColCaseNameKey) of the
// distinct non-empty tokens, in the order of their first appearance: what
// case_name_keys holds in place of the tokens, which are never stored.
func NameKeys(c alliance.FieldCipher, tokens []string) [][]byte {
	keys := [][]byte{}
	for _, tok := range tokens {
		if tok == "" {
			continue
		}
		k := c.Index(alliance.ColCaseNameKey, tok)
		if !slices.ContainsFunc(keys, func(x []byte) bool { return bytes.Equal(x, k) }) {
			keys = append(keys, k)
		}
	}
	return keys
}

// DecidedOn checks the day of a decision, "YYYY-MM-DD", and returns it as
// midnight UTC. Both stores refuse the same values, with the same error,
// before the database sees them.
func DecidedOn(s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, alliance.Invalid("decided_on", "%q: give the date as YYYY-MM-DD", s)
	}
	return t, nil
}
