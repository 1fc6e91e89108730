package sqlstore

import (
	"fmt"
	"time"

	"alliance"
)

// The number of assessments a list returns when the filter gives no limit, and
// the most it returns whatever the filter asks.
const (
	AssessmentDefaultLimit = 100
	AssessmentMaxLimit     = 1000
)

// AssessmentLimit checks f and returns the number of rows its list may return.
// A list never crosses organisations, so f.OrgID is required.
func AssessmentLimit(f alliance.AssessmentFilter) (int, error) {
	if f.OrgID == 0 {
		return 0, alliance.Invalid("organisation", "give the organisation whose assessments to list")
	}
	switch {
	case f.Limit <= 0:
		return AssessmentDefaultLimit, nil
	case f.Limit > AssessmentMaxLimit:
		return AssessmentMaxLimit, nil
	}
	return f.Limit, nil
}

// SealAssessment seals the answers and the result of a with c, under
// alliance.ColAssessmentAnswers and alliance.ColAssessmentResult; a nil value
// is sealed as an empty one. The errors never contain the values.
func SealAssessment(c alliance.FieldCipher, a *alliance.Assessment) (answers, result []byte, err error) {
	if answers, err = c.Seal(alliance.ColAssessmentAnswers, NonNil(a.Answers)); err != nil {
		return nil, nil, fmt.Errorf("encrypt answers: %w", err)
	}
	if result, err = c.Seal(alliance.ColAssessmentResult, NonNil(a.Result)); err != nil {
		return nil, nil, fmt.Errorf("encrypt result: %w", err)
	}
	return answers, result, nil
}

// OpenAssessment opens the sealed answers and result with c and sets them on a.
// An empty value is set as an empty, non-nil slice: only a list leaves them
// nil. The errors never contain the values.
func OpenAssessment(c alliance.FieldCipher, a *alliance.Assessment, answers, result []byte) error {
	pt, err := c.Open(alliance.ColAssessmentAnswers, answers)
	if err != nil {
		return fmt.Errorf("decrypt answers: %w", err)
	}
	a.Answers = NonNil(pt)
	if pt, err = c.Open(alliance.ColAssessmentResult, result); err != nil {
		return fmt.Errorf("decrypt result: %w", err)
	}
	a.Result = NonNil(pt)
	return nil
}

// StampAssessment prepares the times of a new assessment: CreatedAt is now when
// zero, UpdatedAt is CreatedAt when zero, and all are truncated to what the
// stores keep.
func StampAssessment(a *alliance.Assessment) {
	Stamp(&a.CreatedAt)
	if a.UpdatedAt.IsZero() {
		a.UpdatedAt = a.CreatedAt
	}
	Stamp(&a.UpdatedAt)
	a.CompletedAt = Truncated(a.CompletedAt)
}

// Truncated returns a copy of *t truncated to what the stores keep
// (microseconds, UTC), or nil when t is nil. The caller's time is not changed.
func Truncated(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.UTC().Truncate(time.Microsecond)
	return &v
}

// AssessmentChanged is the error of an update from a stale revision.
func AssessmentChanged() error {
	return alliance.Errorf(alliance.CodeConflict, "the assessment was changed by someone else; reload it")
}
