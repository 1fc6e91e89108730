package alliance

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Linkage round statuses.
const (
	RoundCollecting = "collecting" // waiting for the organisations' encodings
	RoundMatching   = "matching"   // the hub is matching the encodings
	RoundDone       = "done"
	RoundFailed     = "failed"
)

// LinkageRound is a privacy-preserving record linkage across organisations,
// started by an analyst: each participating organisation encodes its own
// records with the alliance's shared secret on its own side (alliance link
// encode) and submits the encodings; the hub matches encodings only. Each
// organisation then learns which of its records matched records held
// elsewhere, and the alliance learns how many people there are, counted once.
type LinkageRound struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	Orgs      []int64    `json:"orgs"` // the participating organisations
	Threshold float64    `json:"threshold"`
	Status    string     `json:"status"`
	Progress  int        `json:"progress"` // percent, while matching
	Error     string     `json:"error,omitempty"`
	Records   int        `json:"records"` // encodings submitted, in all
	People    int        `json:"people"`  // people counted once: clusters plus records matched nowhere
	CreatedBy int64      `json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
	MatchedAt *time.Time `json:"matched_at,omitempty"`
	Revision  int64      `json:"revision"`
}

// Validate checks a round as it is started.
func (r *LinkageRound) Validate() error {
	if strings.TrimSpace(r.Name) == "" || utf8.RuneCountInString(r.Name) > 200 {
		return Invalid("name", "give the round a name of at most 200 characters")
	}
	if len(r.Orgs) < 2 {
		return Invalid("orgs", "choose at least two organisations")
	}
	seen := map[int64]bool{}
	for _, o := range r.Orgs {
		if o <= 0 || seen[o] {
			return Invalid("orgs", "an organisation is listed twice, or is not one")
		}
		seen[o] = true
	}
	if r.Threshold < 0.5 || r.Threshold > 1 {
		return Invalid("threshold", "give a threshold from 0.5 to 1")
	}
	return nil
}

// LinkageSubmission is one organisation's encodings for a round: the .clk
// file its staff made with alliance link encode. It holds record ids and
// Bloom filters, no name.
type LinkageSubmission struct {
	RoundID     int64     `json:"round_id"`
	OrgID       int64     `json:"org_id"`
	Records     int       `json:"records"`
	CLK         []byte    `json:"-"`
	SubmittedBy int64     `json:"submitted_by"`
	SubmittedAt time.Time `json:"submitted_at"`
}

// LinkageMatch says that a record of an organisation belongs to a cluster
// with records of other organisations: what that organisation learns.
type LinkageMatch struct {
	RoundID   int64   `json:"round_id"`
	OrgID     int64   `json:"org_id"`
	RecordID  string  `json:"record_id"` // as the organisation submitted it (its case id)
	Cluster   int     `json:"cluster"`
	OtherOrgs []int64 `json:"other_orgs"` // the organisations that hold the cluster's other records
}
