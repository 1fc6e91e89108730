package app

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"alliance"
)

// CaseView is a case as one caller may see it. For the organisation that holds
// it, everything; for an organisation the person was referred to, only the
// parts (Groups) that the accepted referral and the person's consent both
// allow, the rest left empty.
type CaseView struct {
	alliance.Case
	Own    bool     // the caller's organisation holds the case
	Groups []string // the parts the caller may see
}

func caseResource(c *alliance.Case) alliance.Resource {
	return alliance.Resource{Type: "case", ID: strconv.FormatInt(c.ID, 10), OrgID: c.OrgID}
}

// newReference makes a case reference when the caseworker gives none: the
// year and six random letters and digits (no 0/O or 1/I to misread).
func (s *Service) newReference() string {
	const alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	b := make([]byte, 6)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return fmt.Sprintf("%d-%s", s.now().Year(), b)
}

// CreateCase opens a case in the caller's organisation, at the identification
// stage unless another is given.
func (s *Service) CreateCase(ctx context.Context, c Caller, in alliance.Case) (*alliance.Case, error) {
	res := alliance.Resource{Type: "case", OrgID: c.OrgID}
	if err := s.authorize(ctx, c, alliance.ActCaseCreate, res); err != nil {
		return nil, err
	}
	now := s.now()
	k := in
	k.ID, k.OrgID, k.CreatedBy, k.CreatedAt, k.UpdatedAt, k.ClosedAt, k.Referred = 0, c.OrgID, c.UserID, now, now, nil, false
	if k.Stage == "" {
		k.Stage = alliance.StageIdentification
	}
	if strings.TrimSpace(k.Reference) == "" {
		k.Reference = s.newReference()
	}
	k.Normalise()
	if err := k.Validate(); err != nil {
		return nil, err
	}
	err := s.commit(ctx, c, alliance.ActCaseCreate, res, func(tx alliance.Tx, e *alliance.AuditEntry) error {
		if err := s.checkAssignee(ctx, tx, c.OrgID, k.AssignedTo); err != nil {
			return err
		}
		if err := tx.CreateCase(ctx, &k); err != nil {
			return err
		}
		e.ResourceID = strconv.FormatInt(k.ID, 10)
		return tx.AddTransition(ctx, &alliance.Transition{CaseID: k.ID, To: k.Stage, Reason: "case opened", By: c.UserID, At: now})
	})
	if err != nil {
		return nil, err
	}
	return &k, nil
}

// checkAssignee refuses to assign a case to someone outside its organisation.
func (s *Service) checkAssignee(ctx context.Context, r alliance.Reader, org, user int64) error {
	if user == 0 {
		return nil
	}
	u, err := r.User(ctx, user)
	if err != nil || u.OrgID != org || u.DisabledAt != nil {
		return alliance.Invalid("assigned_to", "assign the case to an active member of the organisation")
	}
	return nil
}

// Cases lists the caller's organisation's cases; the read of the persons'
// names is audited.
func (s *Service) Cases(ctx context.Context, c Caller, f alliance.CaseFilter) ([]alliance.Case, error) {
	f.OrgID = c.OrgID
	if err := s.read(ctx, c, alliance.ActCaseList, alliance.Resource{Type: "case", OrgID: c.OrgID}); err != nil {
		return nil, err
	}
	return s.store.Cases(ctx, f)
}

// Case returns a case as the caller may see it, and audits the read, naming
// the parts shared when the caller's organisation is a referral's receiver.
func (s *Service) Case(ctx context.Context, c Caller, id int64) (*CaseView, error) {
	k, err := s.store.Case(ctx, id)
	if alliance.IsNotFound(err) && !c.Operator {
		return nil, s.authorize(ctx, c, alliance.ActCaseRead, alliance.Resource{Type: "case", ID: strconv.FormatInt(id, 10), OrgID: -1})
	}
	if err != nil {
		return nil, err
	}
	res := caseResource(k)
	v := &CaseView{Case: *k, Own: c.Operator || k.OrgID == c.OrgID, Groups: alliance.FieldGroups}
	if !v.Own {
		if res.Shared, err = s.sharedWith(ctx, s.store, k, c.OrgID); err != nil {
			return nil, err
		}
		v.Groups = res.Shared
	}
	err = s.change(ctx, c, alliance.ActCaseRead, res, func(_ alliance.Tx, e *alliance.AuditEntry) error {
		if !v.Own {
			e.Detail = "shared by referral: " + strings.Join(v.Groups, ", ")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !v.Own {
		v.Case = redact(v.Case, v.Groups)
	}
	return v, nil
}

// sharedWith returns the parts of case k that organisation org may see now:
// for each accepted referral of k to org, the groups it names that the
// consent in force shares with org; under an override, the groups it names
// while no consent has been recorded since. Withdrawing consent ends it.
func (s *Service) sharedWith(ctx context.Context, r alliance.Reader, k *alliance.Case, org int64) ([]string, error) {
	refs, err := r.Referrals(ctx, alliance.ReferralFilter{CaseID: k.ID, ToOrg: org, Status: alliance.ReferralAccepted})
	if err != nil || len(refs) == 0 {
		return nil, err
	}
	consents, err := r.Consents(ctx, k.ID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var current *alliance.Consent // the newest consent, in force or withdrawn
	if len(consents) > 0 {
		current = &consents[0]
	}
	var groups []string
	for _, ref := range refs {
		switch {
		case current != nil && current.Active(now):
			groups = append(groups, alliance.Visible(ref.Groups, current.SharedWith(org))...)
		case current == nil && ref.Override != "":
			groups = append(groups, ref.Groups...)
		}
	}
	return alliance.Visible(alliance.FieldGroups, groups), nil
}

// redact keeps of k only what the groups show.
func redact(k alliance.Case, groups []string) alliance.Case {
	out := alliance.Case{ID: k.ID, OrgID: k.OrgID, Reference: k.Reference, Stage: k.Stage, CreatedAt: k.CreatedAt, UpdatedAt: k.UpdatedAt, ClosedAt: k.ClosedAt, Referred: k.Referred}
	if slices.Contains(groups, alliance.GroupIdentity) {
		p := k.Person
		out.Person = alliance.Person{GivenName: p.GivenName, FamilyName: p.FamilyName, MiddleName: p.MiddleName, BirthDate: p.BirthDate,
			Gender: p.Gender, Citizenships: p.Citizenships, Languages: p.Languages}
	}
	if slices.Contains(groups, alliance.GroupContact) {
		out.Person.Phone, out.Person.Email, out.Person.Address = k.Person.Phone, k.Person.Email, k.Person.Address
	}
	if slices.Contains(groups, alliance.GroupContext) {
		out.VictimContext = k.VictimContext
	}
	return out
}

// mutateCase reads case id in tx (locking it on PostgreSQL), checks that the
// caller's organisation holds it and that rev, when not 0, is current, lets fn
// change it, and writes it back.
func (s *Service) mutateCase(ctx context.Context, tx alliance.Tx, c Caller, id, rev int64, fn func(k *alliance.Case) error) (*alliance.Case, error) {
	k, err := tx.Case(ctx, id)
	if err != nil {
		return nil, err
	}
	if rev != 0 && rev != k.Revision {
		return nil, alliance.Errorf(alliance.CodeConflict, "the case was changed by someone else; reload it")
	}
	if err := fn(k); err != nil {
		return nil, err
	}
	k.Normalise()
	if err := k.Validate(); err != nil {
		return nil, err
	}
	k.UpdatedAt = s.now()
	return k, tx.UpdateCase(ctx, k)
}

// caseFor loads a case for a change by the caller's organisation and asks the
// policy; a missing case is answered as another organisation's would be.
func (s *Service) caseFor(ctx context.Context, c Caller, act alliance.Action, id int64) (*alliance.Case, error) {
	k, err := s.store.Case(ctx, id)
	if alliance.IsNotFound(err) && !c.Operator {
		return nil, s.authorize(ctx, c, act, alliance.Resource{Type: "case", ID: strconv.FormatInt(id, 10), OrgID: -1})
	}
	if err != nil {
		return nil, err
	}
	return k, s.authorize(ctx, c, act, caseResource(k))
}

// CaseChange is a change to a case's record. Revision, when not 0, must be the
// stored one: the second of two people saving at once is told, not overwritten.
type CaseChange struct {
	Revision   int64
	Reference  string
	AssignedTo int64
	Person     alliance.Person
	Context    alliance.VictimContext
}

// UpdateCase replaces the person, the victim context, the reference and the
// assignee of a case.
func (s *Service) UpdateCase(ctx context.Context, c Caller, id int64, ch CaseChange) (*alliance.Case, error) {
	k, err := s.caseFor(ctx, c, alliance.ActCaseUpdate, id)
	if err != nil {
		return nil, err
	}
	var out *alliance.Case
	err = s.commit(ctx, c, alliance.ActCaseUpdate, caseResource(k), func(tx alliance.Tx, e *alliance.AuditEntry) error {
		if err := s.checkAssignee(ctx, tx, k.OrgID, ch.AssignedTo); err != nil {
			return err
		}
		out, err = s.mutateCase(ctx, tx, c, id, ch.Revision, func(k *alliance.Case) error {
			if ch.Reference != "" {
				k.Reference = ch.Reference
			}
			k.AssignedTo, k.Person, k.VictimContext = ch.AssignedTo, ch.Person, ch.Context
			return nil
		})
		e.Detail = "record"
		return err
	})
	return out, err
}

// MoveCase moves a case to another stage along the graph of stages, with the
// reason, which is kept.
func (s *Service) MoveCase(ctx context.Context, c Caller, id int64, to alliance.Stage, reason string) (*alliance.Case, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, alliance.Invalid("reason", "say why the case moves")
	}
	k, err := s.caseFor(ctx, c, alliance.ActCaseUpdate, id)
	if err != nil {
		return nil, err
	}
	var out *alliance.Case
	err = s.commit(ctx, c, alliance.ActCaseUpdate, caseResource(k), func(tx alliance.Tx, e *alliance.AuditEntry) error {
		var from alliance.Stage
		out, err = s.mutateCase(ctx, tx, c, id, 0, func(k *alliance.Case) error {
			if !k.Stage.CanMove(to) {
				return alliance.Invalid("stage", "a case at %s cannot move to %s", k.Stage, to)
			}
			from, k.Stage = k.Stage, to
			if to == alliance.StageClosure {
				now := s.now()
				k.ClosedAt = &now
			} else {
				k.ClosedAt, k.Referred = nil, false
			}
			return nil
		})
		if err != nil {
			return err
		}
		e.Detail = fmt.Sprintf("stage %s → %s", from, to)
		return tx.AddTransition(ctx, &alliance.Transition{CaseID: id, From: from, To: to, Reason: reason, By: c.UserID, At: s.now()})
	})
	return out, err
}

// Transitions lists the stage changes of a case (its holder only).
func (s *Service) Transitions(ctx context.Context, c Caller, id int64) ([]alliance.Transition, error) {
	if _, err := s.caseFor(ctx, c, alliance.ActCaseRead, id); err != nil {
		return nil, err
	}
	return s.store.Transitions(ctx, id)
}
