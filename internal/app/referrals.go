package app

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"alliance"
)

// Consents lists the consents of a case (its holder only).
func (s *Service) Consents(ctx context.Context, c Caller, caseID int64) ([]alliance.Consent, error) {
	if err := s.readOwnCase(ctx, c, caseID, "consents"); err != nil {
		return nil, err
	}
	return s.store.Consents(ctx, caseID)
}

// RecordConsent records what the person agreed to. A consent replaces the one
// before it from now on: sharing it no longer names stops at once.
func (s *Service) RecordConsent(ctx context.Context, c Caller, caseID int64, in alliance.Consent) (*alliance.Consent, error) {
	k, err := s.caseFor(ctx, c, alliance.ActCaseUpdate, caseID)
	if err != nil {
		return nil, err
	}
	con := in
	con.ID, con.CaseID, con.RecordedBy, con.WithdrawnAt, con.WithdrawnBy = 0, caseID, c.UserID, nil, 0
	if err := con.Validate(); err != nil {
		return nil, err
	}
	err = s.commit(ctx, c, alliance.ActCaseUpdate, caseResource(k), func(tx alliance.Tx, e *alliance.AuditEntry) error {
		// Lock the case (on PostgreSQL) so that consents and referrals of one
		// case are decided one after the other, on the consent in force.
		if _, err := tx.Case(ctx, caseID); err != nil {
			return err
		}
		con.GivenAt = s.now()
		for _, sh := range con.Shares {
			if _, err := tx.Organisation(ctx, sh.OrgID); err != nil || sh.OrgID == k.OrgID {
				return alliance.Invalid("shares", "organisation %d is not another partner of the alliance", sh.OrgID)
			}
		}
		// The newest consent is the one in force: end the one before.
		prev, err := tx.Consents(ctx, caseID)
		if err != nil {
			return err
		}
		if len(prev) > 0 && prev[0].WithdrawnAt == nil {
			if err := tx.WithdrawConsent(ctx, prev[0].ID, con.GivenAt, c.UserID); err != nil {
				return err
			}
		}
		if err := tx.CreateConsent(ctx, &con); err != nil {
			return err
		}
		e.Detail = "consent " + describeConsent(&con)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &con, nil
}

func describeConsent(con *alliance.Consent) string {
	parts := []string{con.Method}
	if con.Services {
		parts = append(parts, "services")
	}
	if con.Statistics {
		parts = append(parts, "statistics")
	}
	for _, sh := range con.Shares {
		parts = append(parts, fmt.Sprintf("org %d: %s", sh.OrgID, strings.Join(sh.Groups, "+")))
	}
	return strings.Join(parts, ", ")
}

// WithdrawConsent ends the consent in force: from now on no referral shares
// anything it covered.
func (s *Service) WithdrawConsent(ctx context.Context, c Caller, caseID, consentID int64) error {
	k, err := s.caseFor(ctx, c, alliance.ActCaseUpdate, caseID)
	if err != nil {
		return err
	}
	return s.commit(ctx, c, alliance.ActCaseUpdate, caseResource(k), func(tx alliance.Tx, e *alliance.AuditEntry) error {
		if _, err := tx.Case(ctx, caseID); err != nil {
			return err
		}
		list, err := tx.Consents(ctx, caseID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(list, func(x alliance.Consent) bool { return x.ID == consentID })
		if i < 0 {
			return alliance.ErrNotFound
		}
		e.Detail = fmt.Sprintf("consent %d withdrawn", consentID)
		return tx.WithdrawConsent(ctx, consentID, s.now(), c.UserID)
	})
}

func referralResource(r *alliance.Referral, org int64) alliance.Resource {
	return alliance.Resource{Type: "referral", ID: strconv.FormatInt(r.ID, 10), OrgID: org}
}

// Refer sends a person to another organisation. It needs a consent in force
// that shares with the receiver every part the referral names; without one it
// is refused, unless it carries an override: a written reason why it cannot
// wait, which the audit log and the administrators see.
func (s *Service) Refer(ctx context.Context, c Caller, caseID int64, in alliance.Referral) (*alliance.Referral, error) {
	k, err := s.caseFor(ctx, c, alliance.ActReferralCreate, caseID)
	if err != nil {
		return nil, err
	}
	if k.ErasedAt != nil {
		return nil, alliance.Errorf(alliance.CodeConflict, "the person's identity was erased from this case; it cannot be referred")
	}
	r := in
	r.ID, r.CaseID, r.FromOrg, r.Status, r.CreatedBy, r.CreatedAt = 0, caseID, k.OrgID, alliance.ReferralPending, c.UserID, s.now()
	r.AnsweredBy, r.AnsweredAt, r.AnswerReason = 0, nil, ""
	r.Override, r.Details = strings.TrimSpace(r.Override), strings.TrimSpace(r.Details)
	if err := r.Validate(); err != nil {
		return nil, err
	}
	err = s.commit(ctx, c, alliance.ActReferralCreate, caseResource(k), func(tx alliance.Tx, e *alliance.AuditEntry) error {
		if _, err := tx.Case(ctx, caseID); err != nil {
			return err
		}
		r.CreatedAt = s.now()
		if _, err := tx.Organisation(ctx, r.ToOrg); err != nil {
			return alliance.Invalid("to_org", "organisation %d is not a partner of the alliance", r.ToOrg)
		}
		if err := s.checkConsent(ctx, tx, &r); err != nil {
			return err
		}
		if err := tx.CreateReferral(ctx, &r); err != nil {
			return err
		}
		e.Detail = fmt.Sprintf("referral %d to org %d: %s", r.ID, r.ToOrg, strings.Join(r.Groups, ", "))
		if r.Override != "" {
			e.Detail += "; OVERRIDE without consent"
		}
		return s.notify(ctx, tx, alliance.EventReferralSent, referralPayload(&r), r.FromOrg, r.ToOrg)
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// checkConsent refuses a referral that the consent in force does not cover,
// unless it carries an override.
func (s *Service) checkConsent(ctx context.Context, tx alliance.Tx, r *alliance.Referral) error {
	consents, err := tx.Consents(ctx, r.CaseID)
	if err != nil {
		return err
	}
	var allowed []string
	if len(consents) > 0 && consents[0].Active(s.now()) {
		allowed = consents[0].SharedWith(r.ToOrg)
	}
	if len(consents) > 0 && !consents[0].Active(s.now()) && r.Override != "" {
		return alliance.Invalid("override", "the person has withdrawn their consent; an override cannot go against their decision")
	}
	var missing []string
	for _, g := range r.Groups {
		if !slices.Contains(allowed, g) {
			missing = append(missing, g)
		}
	}
	if len(missing) == 0 || r.Override != "" {
		return nil
	}
	if allowed == nil {
		return alliance.Invalid("consent", "the person has not consented to sharing with this organisation; record their consent first, or give an override reason if it cannot wait")
	}
	return alliance.Invalid("groups", "the person's consent does not cover %s for this organisation", strings.Join(missing, ", "))
}

// Referrals lists the referrals the caller's organisation sent ("outbox") or
// received ("inbox"), in a status or all.
func (s *Service) Referrals(ctx context.Context, c Caller, box, status string) ([]alliance.Referral, error) {
	return s.ReferralPage(ctx, c, box, status, 0, 0)
}

// ReferralPage lists up to limit (0: 100) referrals of a box, older than
// referral after when it is not 0: the next page of a list.
func (s *Service) ReferralPage(ctx context.Context, c Caller, box, status string, after int64, limit int) ([]alliance.Referral, error) {
	f := alliance.ReferralFilter{Status: status, Limit: limit}
	if after != 0 {
		prev, err := s.store.Referral(ctx, after)
		if err != nil || (prev.FromOrg != c.OrgID && prev.ToOrg != c.OrgID) {
			return nil, alliance.Invalid("after", "%d is not a referral of the list", after)
		}
		f.After = prev
	}
	switch box {
	case "inbox":
		f.ToOrg = c.OrgID
	case "outbox":
		f.FromOrg = c.OrgID
	default:
		return nil, alliance.Invalid("box", "%q is not inbox or outbox", box)
	}
	if err := s.read(ctx, c, alliance.ActReferralList, alliance.Resource{Type: "referral", OrgID: c.OrgID}); err != nil {
		return nil, err
	}
	list, err := s.store.Referrals(ctx, f)
	if err != nil || box == "outbox" {
		return list, err
	}
	// The details are about the person: the receiver reads them while the
	// consent in force shares something with it, or an override stands.
	for i := range list {
		consents, err := s.store.Consents(ctx, list[i].CaseID)
		if err != nil {
			return nil, err
		}
		if len(s.refGroups(&list[i], consents)) == 0 {
			list[i].Details, list[i].Override, list[i].Withheld = "", "", true
		}
	}
	return list, nil
}

// AnswerReferral accepts or declines a referral received by the caller's
// organisation, with a reason (required to decline).
func (s *Service) AnswerReferral(ctx context.Context, c Caller, id int64, accept bool, reason string) (*alliance.Referral, error) {
	reason = strings.TrimSpace(reason)
	if !accept && reason == "" {
		return nil, alliance.Invalid("answer_reason", "say why the referral is declined")
	}
	if utf8.RuneCountInString(reason) > 4000 {
		return nil, alliance.Invalid("answer_reason", "at most 4000 characters")
	}
	r, err := s.store.Referral(ctx, id)
	if alliance.IsNotFound(err) && !c.Operator {
		return nil, s.authorize(ctx, c, alliance.ActReferralAnswer, alliance.Resource{Type: "referral", ID: strconv.FormatInt(id, 10), OrgID: -1})
	}
	if err != nil {
		return nil, err
	}
	res := referralResource(r, r.ToOrg) // the receiver answers
	if err := s.authorize(ctx, c, alliance.ActReferralAnswer, res); err != nil {
		return nil, err
	}
	var out *alliance.Referral
	err = s.commit(ctx, c, alliance.ActReferralAnswer, res, func(tx alliance.Tx, e *alliance.AuditEntry) error {
		cur, err := tx.Referral(ctx, id)
		if err != nil {
			return err
		}
		if cur.Status != alliance.ReferralPending {
			return alliance.Errorf(alliance.CodeConflict, "the referral is %s already", cur.Status)
		}
		now := s.now()
		cur.Status, cur.AnsweredBy, cur.AnsweredAt, cur.AnswerReason = alliance.ReferralDeclined, c.UserID, &now, reason
		if accept {
			cur.Status = alliance.ReferralAccepted
		}
		e.Detail = "referral " + cur.Status
		out = cur
		if err := tx.UpdateReferral(ctx, cur); err != nil {
			return err
		}
		return s.notify(ctx, tx, alliance.EventReferralAnswered, referralPayload(cur), cur.FromOrg, cur.ToOrg)
	})
	return out, err
}

// referralPayload is what a webhook is told of a referral: ids and status.
func referralPayload(r *alliance.Referral) map[string]any {
	return map[string]any{"referral_id": r.ID, "case_id": r.CaseID, "from_org": r.FromOrg, "to_org": r.ToOrg,
		"status": r.Status, "urgency": r.Urgency}
}
