package alliance

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Comment is a note written by staff on a case (HTCDS cco_CaseComment); its
// text is sealed.
type Comment struct {
	ID     int64     `json:"id"`
	CaseID int64     `json:"case_id"`
	Text   string    `json:"text"`
	By     int64     `json:"by"`
	At     time.Time `json:"at"`
}

// SupportPlanTypes are the values of spl_Type.
var SupportPlanTypes = []string{"Education", "Financial", "Health", "LabourExploitationRehabilitation", "Legal", "Livelihood",
	"RightsBasedTraining", "SexualExploitationRehabilitation", "SocialCare"}

// SupportPlan is a plan of support for the person (HTCDS spl_): its
// objectives and actions are sealed.
type SupportPlan struct {
	ID         int64     `json:"id"`
	CaseID     int64     `json:"case_id"`
	Type       string    `json:"type"`
	Objectives string    `json:"objectives"`
	ActionPlan string    `json:"action_plan"`
	PlannedEnd string    `json:"planned_end,omitempty"` // YYYY-MM-DD
	ActualEnd  string    `json:"actual_end,omitempty"`  // YYYY-MM-DD, when it ended
	By         int64     `json:"by"`
	At         time.Time `json:"at"`
	Revision   int64     `json:"revision"`
}

// Validate checks a support plan.
func (p *SupportPlan) Validate() error {
	if !slices.Contains(SupportPlanTypes, p.Type) {
		return Invalid("type", "%q is not one of %s", p.Type, strings.Join(SupportPlanTypes, ", "))
	}
	if strings.TrimSpace(p.Objectives) == "" || utf8.RuneCountInString(p.Objectives) > 4000 || utf8.RuneCountInString(p.ActionPlan) > 8000 {
		return Invalid("objectives", "give the objectives (at most 4000 characters) and the actions (at most 8000)")
	}
	for field, d := range map[string]string{"planned_end": p.PlannedEnd, "actual_end": p.ActualEnd} {
		if _, err := time.Parse("2006-01-02", d); d != "" && err != nil {
			return Invalid(field, "%q: give the date as YYYY-MM-DD", d)
		}
	}
	return nil
}

// Column names of the sealed texts of comments and support plans.
const (
	ColCommentText       = "case_comments.text"
	ColSupportObjectives = "support_plans.objectives"
	ColSupportActions    = "support_plans.action_plan"
)
