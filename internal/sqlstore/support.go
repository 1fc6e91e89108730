package sqlstore

import (
	"strings"
	"time"

	"alliance"
)

// SupportPlanChanged is the error of a support plan update from a stale
// revision.
func SupportPlanChanged() error {
	return alliance.Errorf(alliance.CodeConflict, "the support plan was changed by someone else; reload it")
}

// SupportTypeMessage is the message of a support plan of an unknown type,
// the same in both stores.
var SupportTypeMessage = "the type must be one of " + strings.Join(alliance.SupportPlanTypes, ", ")

// PlanDay checks a day of a support plan, a residence step or a proceeding,
// "YYYY-MM-DD" or "" for none, and returns it as midnight UTC, or nil for
// none. Both stores refuse the same values, with the same error, before the
// database sees them.
func PlanDay(field, s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil, alliance.Invalid(field, "%q: give the date as YYYY-MM-DD", s)
	}
	return &t, nil
}

// SupportTexts are the sealed texts of a support plan.
type SupportTexts struct {
	Objectives, ActionPlan []byte
}

// SealSupportPlan checks the days of p and seals its objectives and actions
// under their column names.
func SealSupportPlan(c alliance.FieldCipher, p *alliance.SupportPlan) (planned, actual *time.Time, s SupportTexts, err error) {
	if planned, err = PlanDay("planned_end", p.PlannedEnd); err != nil {
		return
	}
	if actual, err = PlanDay("actual_end", p.ActualEnd); err != nil {
		return
	}
	if s.Objectives, err = SealText(c, alliance.ColSupportObjectives, p.Objectives); err != nil {
		return
	}
	s.ActionPlan, err = SealText(c, alliance.ColSupportActions, p.ActionPlan)
	return
}

// OpenSupportPlan opens the sealed texts of p.
func OpenSupportPlan(c alliance.FieldCipher, p *alliance.SupportPlan, s SupportTexts) (err error) {
	if p.Objectives, err = OpenText(c, alliance.ColSupportObjectives, s.Objectives); err != nil {
		return err
	}
	p.ActionPlan, err = OpenText(c, alliance.ColSupportActions, s.ActionPlan)
	return err
}
