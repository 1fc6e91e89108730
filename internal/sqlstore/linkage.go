package sqlstore

import (
	"strconv"
	"strings"

	"alliance"
)

// RoundStatusMessage is the message of a linkage round of an unknown
// status, the same in both stores.
var RoundStatusMessage = "the status must be one of " + strings.Join([]string{alliance.RoundCollecting,
	alliance.RoundMatching, alliance.RoundDone, alliance.RoundFailed}, ", ")

// LinkageRoundChanged is the error of a linkage round update from a stale
// revision.
func LinkageRoundChanged() error {
	return alliance.Errorf(alliance.CodeConflict, "the linkage round was changed meanwhile; reload it")
}

// JoinIDs returns the stored form of a list of ids, as JoinList stores a list:
// ",3,7,"; "" when the list is empty.
func JoinIDs(ids []int64) string {
	if len(ids) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteByte(',')
	for _, id := range ids {
		b.WriteString(strconv.FormatInt(id, 10))
		b.WriteByte(',')
	}
	return b.String()
}

// SplitIDs reads a list of ids that JoinIDs stored; an empty list is nil.
func SplitIDs(s string) ([]int64, error) {
	parts := SplitList(s)
	if parts == nil {
		return nil, nil
	}
	ids := make([]int64, len(parts))
	for i, p := range parts {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return nil, alliance.Errorf(alliance.CodeInternal, "the stored list of ids %q is damaged", s)
		}
		ids[i] = id
	}
	return ids, nil
}

// StampLinkageRound prepares a new round for storage: the status it starts
// in when none is given, its creation time (now when zero), and its times
// truncated to what the stores keep.
func StampLinkageRound(r *alliance.LinkageRound) {
	if r.Status == "" {
		r.Status = alliance.RoundCollecting
	}
	Stamp(&r.CreatedAt)
	r.MatchedAt = TruncatePtr(r.MatchedAt)
}

// DistinctIDs returns the distinct ids of ids that are not 0 or less, and
// refuses a list with such an id, in field, so that a store can check that
// every one exists by counting them.
func DistinctIDs(field string, ids []int64) ([]int64, error) {
	seen := make(map[int64]bool, len(ids))
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if id <= 0 {
			return nil, alliance.Invalid(field, "%d is not an organisation", id)
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out, nil
}

// NoSuchOrgs is the error of a round that names an organisation that does
// not exist.
func NoSuchOrgs() error {
	return alliance.Invalid("orgs", "an organisation of the round does not exist")
}

// CheckMatches refuses a match that names another round than roundID (0
// stands for roundID), and returns the matches' other organisations in their
// stored form, in order.
func CheckMatches(roundID int64, ms []alliance.LinkageMatch) ([]string, error) {
	others := make([]string, len(ms))
	for i := range ms {
		if ms[i].RoundID != 0 && ms[i].RoundID != roundID {
			return nil, alliance.Invalid("round", "match %d is of round %d, not of round %d", i, ms[i].RoundID, roundID)
		}
		others[i] = JoinIDs(ms[i].OtherOrgs)
	}
	return others, nil
}
