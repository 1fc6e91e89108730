package alliance

import (
	"time"
	"unicode/utf8"
)

// Decision kinds and outcomes (the two-step identification of an NRM).
const (
	DecisionReasonableGrounds = "reasonable_grounds" // presumed victim: opens assistance and the reflection period
	DecisionConclusiveGrounds = "conclusive_grounds"
	OutcomePositive           = "positive"
	OutcomeNegative           = "negative"
)

// GroundsDecision is an identification decision on a case, by the competent
// organisation, with its outcome and date.
type GroundsDecision struct {
	ID         int64     `json:"id"`
	CaseID     int64     `json:"case_id"`
	Kind       string    `json:"kind"`
	Outcome    string    `json:"outcome"`
	DecidedBy  int64     `json:"decided_by"` // organisation
	DecidedOn  string    `json:"decided_on"` // YYYY-MM-DD
	Notes      string    `json:"notes,omitempty"`
	RecordedBy int64     `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
}

// Validate checks a new decision.
func (d *GroundsDecision) Validate() error {
	if d.Kind != DecisionReasonableGrounds && d.Kind != DecisionConclusiveGrounds {
		return Invalid("kind", "%q is not reasonable_grounds or conclusive_grounds", d.Kind)
	}
	if d.Outcome != OutcomePositive && d.Outcome != OutcomeNegative {
		return Invalid("outcome", "%q is not positive or negative", d.Outcome)
	}
	if d.DecidedBy <= 0 {
		return Invalid("decided_by", "name the organisation that decided")
	}
	if _, err := time.Parse("2006-01-02", d.DecidedOn); err != nil {
		return Invalid("decided_on", "%q: give the date as YYYY-MM-DD", d.DecidedOn)
	}
	if utf8.RuneCountInString(d.Notes) > 4000 {
		return Invalid("notes", "at most 4000 characters")
	}
	return nil
}

// Extension lengthens a case's recovery and reflection period.
type Extension struct {
	ID     int64     `json:"id"`
	CaseID int64     `json:"case_id"`
	Days   int       `json:"days"`
	Reason string    `json:"reason"`
	By     int64     `json:"by"`
	At     time.Time `json:"at"`
}

// Reflection is a case's recovery and reflection period (CoE Convention
// Art. 13: at least 30 days), which a positive reasonable-grounds decision
// starts.
type Reflection struct {
	Start      string      `json:"start"` // YYYY-MM-DD, the day of the decision
	End        string      `json:"end"`   // YYYY-MM-DD, the last day
	Days       int         `json:"days"`  // the deployment's length plus the extensions
	Extensions []Extension `json:"extensions,omitempty"`
}

// ReflectionFor derives the reflection period from a case's decisions: it
// starts on the day of the first positive reasonable-grounds decision and
// lasts baseDays plus every extension. It is nil before such a decision.
func ReflectionFor(decisions []GroundsDecision, exts []Extension, baseDays int) *Reflection {
	var start time.Time
	for _, d := range decisions {
		t, err := time.Parse("2006-01-02", d.DecidedOn)
		if err != nil || d.Kind != DecisionReasonableGrounds || d.Outcome != OutcomePositive {
			continue
		}
		if start.IsZero() || t.Before(start) {
			start = t
		}
	}
	if start.IsZero() {
		return nil
	}
	days := baseDays
	for _, e := range exts {
		days += e.Days
	}
	return &Reflection{Start: start.Format("2006-01-02"), End: start.AddDate(0, 0, days-1).Format("2006-01-02"), Days: days, Extensions: exts}
}

// Column names of the sealed fields of decisions and extensions.
const (
	ColDecisionNotes   = "decisions.notes"
	ColExtensionReason = "reflection_extensions.reason"
)

// ColCaseNameKey keys the blind indexes of a person's name tokens (their
// phonetic keys), kept per case so that a new person who looks like one
// already recorded can be found without decrypting every case, and without
// the tokens themselves ever being stored.
const ColCaseNameKey = "case_name_keys.key"

// ReflectionStart is what the deadlines of an open case are computed from:
// the day of its first positive reasonable-grounds decision, the days its
// reflection period was extended by, and whether a conclusive-grounds
// decision has been made.
type ReflectionStart struct {
	CaseID     int64
	Reference  string
	Start      string // YYYY-MM-DD
	ExtraDays  int
	Conclusive bool
}
