package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"alliance"
)

// RecordDecision records a reasonable- or conclusive-grounds decision on a
// case held by the caller's organisation, and sets the person's trafficking
// status from it: a positive reasonable-grounds decision makes them a
// possible victim (and starts the reflection period), a positive conclusive
// one an actual victim, a negative one not a victim.
func (s *Service) RecordDecision(ctx context.Context, c Caller, caseID int64, in alliance.GroundsDecision) (*alliance.GroundsDecision, error) {
	k, err := s.caseFor(ctx, c, alliance.ActCaseUpdate, caseID)
	if err != nil {
		return nil, err
	}
	d := in
	d.ID, d.CaseID, d.RecordedBy, d.RecordedAt, d.Notes = 0, caseID, c.UserID, s.now(), strings.TrimSpace(d.Notes)
	if err := d.Validate(); err != nil {
		return nil, err
	}
	err = s.commit(ctx, c, alliance.ActCaseUpdate, caseResource(k), func(tx alliance.Tx, e *alliance.AuditEntry) error {
		if _, err := tx.Organisation(ctx, d.DecidedBy); err != nil {
			return alliance.Invalid("decided_by", "organisation %d is not a partner of the alliance", d.DecidedBy)
		}
		if err := tx.AddDecision(ctx, &d); err != nil {
			return err
		}
		_, err := s.mutateCase(ctx, tx, c, caseID, 0, func(k *alliance.Case) error {
			at, _ := time.Parse("2006-01-02", d.DecidedOn)
			k.TraffickingStatus, k.StatusDecidedBy, k.StatusDecidedAt = statusAfter(d), d.DecidedBy, &at
			return nil
		})
		e.Detail = fmt.Sprintf("%s %s", d.Kind, d.Outcome)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &d, nil
}

func statusAfter(d alliance.GroundsDecision) string {
	switch {
	case d.Outcome == alliance.OutcomeNegative:
		return alliance.StatusNot
	case d.Kind == alliance.DecisionConclusiveGrounds:
		return alliance.StatusActual
	}
	return alliance.StatusPossible
}

// ExtendReflection lengthens a case's reflection period, which must have
// started, by days, for a reason that is kept.
func (s *Service) ExtendReflection(ctx context.Context, c Caller, caseID int64, days int, reason string) error {
	reason = strings.TrimSpace(reason)
	if days < 1 || days > 365 {
		return alliance.Invalid("days", "give 1 to 365 days")
	}
	if reason == "" {
		return alliance.Invalid("reason", "say why the period is extended")
	}
	k, err := s.writableCase(ctx, c, caseID)
	if err != nil {
		return err
	}
	return s.commit(ctx, c, alliance.ActCaseUpdate, caseResource(k), func(tx alliance.Tx, e *alliance.AuditEntry) error {
		ds, err := tx.Decisions(ctx, caseID)
		if err != nil {
			return err
		}
		if alliance.ReflectionFor(ds, nil, s.cfg.ReflectionDays) == nil {
			return alliance.Invalid("days", "the reflection period starts with a positive reasonable-grounds decision; there is none yet")
		}
		e.Detail = fmt.Sprintf("reflection period extended by %d days", days)
		return tx.AddExtension(ctx, &alliance.Extension{CaseID: caseID, Days: days, Reason: reason, By: c.UserID, At: s.now()})
	})
}

// Decisions returns a case's decisions and its reflection period, when the
// caller may see them: the holder, or a referral's receiver with whom the
// decisions are shared. The read is part of the case's, already audited.
func (s *Service) Decisions(ctx context.Context, v *CaseView) ([]alliance.GroundsDecision, *alliance.Reflection, error) {
	if !slices.Contains(v.Groups, alliance.GroupDecisions) {
		return nil, nil, nil
	}
	ds, err := s.store.Decisions(ctx, v.ID)
	if err != nil {
		return nil, nil, err
	}
	exts, err := s.store.Extensions(ctx, v.ID)
	if err != nil {
		return nil, nil, err
	}
	return ds, alliance.ReflectionFor(ds, exts, s.cfg.ReflectionDays), nil
}

// Deadline is a case's date that needs attention.
type Deadline struct {
	CaseID    int64  `json:"case_id"`
	Reference string `json:"reference"`
	Kind      string `json:"kind"`      // "reflection_ends" or "decision_overdue"
	Date      string `json:"date"`      // YYYY-MM-DD
	DaysLeft  int    `json:"days_left"` // negative when past
}

// Dashboard is what an organisation must act on: reflection periods ending
// soon or ended, conclusive decisions overdue, and referrals waiting for an
// answer, received or sent.
type Dashboard struct {
	Deadlines     []Deadline
	PendingInbox  []alliance.Referral
	PendingOutbox []alliance.Referral
	// Overrides are the referrals the organisation sent without consent in
	// the last 30 days, shown to its administrators.
	Overrides []alliance.Referral
}

// Deadlines gathers the caller's organisation's dashboard, as of today.
func (s *Service) Deadlines(ctx context.Context, c Caller) (*Dashboard, error) {
	if err := s.authorize(ctx, c, alliance.ActCaseList, alliance.Resource{Type: "case", OrgID: c.OrgID}); err != nil {
		return nil, err
	}
	d, err := s.dashboard(ctx, c.OrgID)
	if err != nil {
		return nil, err
	}
	if c.Role == alliance.RoleAdmin {
		sent, err := s.store.Referrals(ctx, alliance.ReferralFilter{FromOrg: c.OrgID, Limit: 1000})
		if err != nil {
			return nil, err
		}
		since := s.now().AddDate(0, 0, -30)
		for _, r := range sent {
			if r.Override != "" && r.CreatedAt.After(since) {
				d.Overrides = append(d.Overrides, r)
			}
		}
	}
	return d, nil
}

// pendingShown is how many waiting referrals the dashboard and the digest
// read: the most a store lists at once.
const pendingShown = 1000

// dashboard gathers an organisation's deadlines and waiting referrals.
func (s *Service) dashboard(ctx context.Context, org int64) (*Dashboard, error) {
	starts, err := s.store.ReflectionStarts(ctx, org)
	if err != nil {
		return nil, err
	}
	today := s.now().UTC().Truncate(24 * time.Hour)
	d := &Dashboard{Deadlines: deadlines(starts, today, s.cfg.ReflectionDays, s.cfg.ConclusiveWithinDays, s.cfg.DeadlineWarningDays)}
	// As many as a store lists at once: the digest counts them and names
	// the oldest waiting, which would be cut off first.
	if d.PendingInbox, err = s.store.Referrals(ctx, alliance.ReferralFilter{ToOrg: org, Status: alliance.ReferralPending, Limit: pendingShown}); err != nil {
		return nil, err
	}
	if d.PendingOutbox, err = s.store.Referrals(ctx, alliance.ReferralFilter{FromOrg: org, Status: alliance.ReferralPending, Limit: pendingShown}); err != nil {
		return nil, err
	}
	return d, nil
}

// deadlines turns the reflection starts of open cases into the deadlines
// due within warnDays of today, or past: the end of the reflection period
// (while no conclusive decision is made) and the conclusive decision due
// conclusiveDays after the reasonable-grounds one.
func deadlines(starts []alliance.ReflectionStart, today time.Time, reflectionDays, conclusiveDays, warnDays int) []Deadline {
	var out []Deadline
	add := func(st alliance.ReflectionStart, kind string, due time.Time) {
		left := int(due.Sub(today).Hours() / 24)
		if left <= warnDays {
			out = append(out, Deadline{CaseID: st.CaseID, Reference: st.Reference, Kind: kind, Date: due.Format("2006-01-02"), DaysLeft: left})
		}
	}
	for _, st := range starts {
		start, err := time.Parse("2006-01-02", st.Start)
		if err != nil || st.Conclusive {
			continue
		}
		add(st, "reflection_ends", start.AddDate(0, 0, reflectionDays+st.ExtraDays-1))
		add(st, "decision_overdue", start.AddDate(0, 0, conclusiveDays))
	}
	slices.SortFunc(out, func(a, b Deadline) int { return strings.Compare(a.Date, b.Date) })
	return out
}
