package app

import (
	"testing"
	"time"

	"alliance"

	"github.com/google/go-cmp/cmp"
)

func TestDeadlines(t *testing.T) {
	today := time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)
	starts := []alliance.ReflectionStart{
		{CaseID: 1, Reference: "A", Start: "2027-01-01"},                   // 30 days: ends 2027-01-30, past
		{CaseID: 2, Reference: "B", Start: "2027-01-01", ExtraDays: 5},     // ends 2027-02-04, in 3 days
		{CaseID: 3, Reference: "C", Start: "2026-10-20", ExtraDays: 200},   // period far off; decision due 2027-01-18, overdue
		{CaseID: 4, Reference: "D", Start: "2026-10-20", Conclusive: true}, // decided: nothing due
		{CaseID: 5, Reference: "E", Start: "2027-01-20"},                   // ends 2027-02-18: not yet shown
		{CaseID: 6, Reference: "F", Start: "not a date"},                   // skipped
	}
	got := deadlines(starts, today, 30, 90, 7)
	want := []Deadline{
		{CaseID: 3, Reference: "C", Kind: "decision_overdue", Date: "2027-01-18", DaysLeft: -14},
		{CaseID: 1, Reference: "A", Kind: "reflection_ends", Date: "2027-01-30", DaysLeft: -2},
		{CaseID: 2, Reference: "B", Kind: "reflection_ends", Date: "2027-02-04", DaysLeft: 3},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("deadlines (-want +got):\n%s", diff)
	}
}

func TestReflectionFor(t *testing.T) {
	ds := []alliance.GroundsDecision{
		{Kind: alliance.DecisionReasonableGrounds, Outcome: alliance.OutcomeNegative, DecidedOn: "2027-01-01"},
		{Kind: alliance.DecisionReasonableGrounds, Outcome: alliance.OutcomePositive, DecidedOn: "2027-03-10"},
		{Kind: alliance.DecisionReasonableGrounds, Outcome: alliance.OutcomePositive, DecidedOn: "2027-03-01"}, // reconsidered, earlier
		{Kind: alliance.DecisionConclusiveGrounds, Outcome: alliance.OutcomePositive, DecidedOn: "2027-02-01"},
	}
	r := alliance.ReflectionFor(ds, []alliance.Extension{{Days: 10}, {Days: 5}}, 30)
	if r == nil || r.Start != "2027-03-01" || r.Days != 45 || r.End != "2027-04-14" {
		t.Errorf("ReflectionFor = %+v, want 2027-03-01 to 2027-04-14, 45 days", r)
	}
	if r := alliance.ReflectionFor(ds[:1], nil, 30); r != nil {
		t.Errorf("a negative decision starts a period: %+v", r)
	}
}
