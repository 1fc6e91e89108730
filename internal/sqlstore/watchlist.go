package sqlstore

import (
	"strings"

	"alliance"
)

// WatchHitStatusMessage is the message of a watch-list hit of an unknown
// status, the same in both stores.
var WatchHitStatusMessage = "the status must be one of " + strings.Join([]string{alliance.HitOpen,
	alliance.HitConfirmed, alliance.HitDismissed}, ", ")

// The limits of a page of WatchNames.
const (
	WatchNamesDefaultLimit = 1000
	WatchNamesMaxLimit     = 10000
)

// WatchNamesLimit returns the number of names a page of WatchNames holds:
// the default when n <= 0, at most WatchNamesMaxLimit.
func WatchNamesLimit(n int) int { return limit(n, WatchNamesDefaultLimit, WatchNamesMaxLimit) }

// WatchHitChanged is the error of a review of a watch-list hit from a stale
// revision.
func WatchHitChanged() error {
	return alliance.Errorf(alliance.CodeConflict, "the hit was reviewed meanwhile; reload it")
}

// SealWatchNames seals the names of ns under alliance.ColWatchName. The
// errors never contain the names.
func SealWatchNames(c alliance.FieldCipher, ns []alliance.WatchName) ([][]byte, error) {
	sealed := make([][]byte, len(ns))
	for i := range ns {
		ct, err := SealText(c, alliance.ColWatchName, ns[i].Name)
		if err != nil {
			return nil, err
		}
		sealed[i] = ct
	}
	return sealed, nil
}

// PrepareWatchHits stamps new hits for storage (Status open when empty,
// FoundAt now when zero, times truncated) and seals their reasons under
// alliance.ColWatchHitReason. It changes copies: the caller's hits change
// only once they are stored.
func PrepareWatchHits(c alliance.FieldCipher, hits []alliance.WatchHit) ([]alliance.WatchHit, [][]byte, error) {
	xs := make([]alliance.WatchHit, len(hits))
	reasons := make([][]byte, len(hits))
	for i, h := range hits {
		if h.Status == "" {
			h.Status = alliance.HitOpen
		}
		Stamp(&h.FoundAt)
		h.ReviewedAt = TruncatePtr(h.ReviewedAt)
		ct, err := SealText(c, alliance.ColWatchHitReason, h.Reason)
		if err != nil {
			return nil, nil, err
		}
		xs[i], reasons[i] = h, ct
	}
	return xs, reasons, nil
}
