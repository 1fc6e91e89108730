package app

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"alliance"
	"alliance/internal/names"
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
// stage unless another open stage is given.
//
// A screening (screening, when not 0) of the same organisation is attached
// to the new case in the same transaction: both happen or neither.
func (s *Service) CreateCase(ctx context.Context, c Caller, in alliance.Case, screening int64) (*alliance.Case, error) {
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
	if k.Stage == alliance.StageClosure {
		return nil, alliance.Invalid("stage", "a case opens at an open stage; close it afterwards, saying why")
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
		if err := tx.SetNameTokens(ctx, k.ID, nameTokens(k.Person)); err != nil {
			return err
		}
		if err := s.attachIn(ctx, tx, screening, &k); err != nil {
			return err
		}
		e.ResourceID = strconv.FormatInt(k.ID, 10)
		if err := tx.AddTransition(ctx, &alliance.Transition{CaseID: k.ID, To: k.Stage, Reason: "case opened", By: c.UserID, At: now}); err != nil {
			return err
		}
		return s.notify(ctx, tx, alliance.EventCaseCreated, map[string]any{"case_id": k.ID, "org_id": k.OrgID}, k.OrgID)
	})
	if err != nil {
		return nil, err
	}
	return &k, nil
}

// attachIn attaches screening id, when not 0, to case k in transaction tx.
func (s *Service) attachIn(ctx context.Context, tx alliance.Tx, id int64, k *alliance.Case) error {
	if id == 0 {
		return nil
	}
	a, err := tx.Assessment(ctx, id)
	if err != nil || a.OrgID != k.OrgID {
		return alliance.Invalid("case_id", "screening %d is not a screening of this organisation", id)
	}
	a.CaseID, a.UpdatedAt = k.ID, s.now()
	return tx.UpdateAssessment(ctx, a)
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
// consent in force shares with org; and for an accepted referral sent under
// an override, the groups it names as long as no consent has been given or
// withdrawn since it was sent — from then on the person's own word decides.
func (s *Service) sharedWith(ctx context.Context, r alliance.Reader, k *alliance.Case, org int64) ([]string, error) {
	refs, err := r.Referrals(ctx, alliance.ReferralFilter{CaseID: k.ID, ToOrg: org, Status: alliance.ReferralAccepted})
	if err != nil || len(refs) == 0 {
		return nil, err
	}
	consents, err := r.Consents(ctx, k.ID)
	if err != nil {
		return nil, err
	}
	var groups []string
	for _, ref := range refs {
		groups = append(groups, s.refGroups(&ref, consents)...)
	}
	return alliance.Visible(alliance.FieldGroups, groups), nil
}

// refGroups is what one referral shares now, under the consents of its case
// (newest first).
func (s *Service) refGroups(ref *alliance.Referral, consents []alliance.Consent) []string {
	var groups []string
	if len(consents) > 0 && consents[0].Active(s.now()) {
		groups = alliance.Visible(ref.Groups, consents[0].SharedWith(ref.ToOrg))
	}
	if ref.Override != "" && !consentSince(consents, ref.CreatedAt) {
		groups = append(groups, ref.Groups...)
	}
	return groups
}

// consentSince reports whether a consent was given or withdrawn after t.
func consentSince(consents []alliance.Consent, t time.Time) bool {
	for _, c := range consents {
		if c.GivenAt.After(t) || (c.WithdrawnAt != nil && c.WithdrawnAt.After(t)) {
			return true
		}
	}
	return false
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
	if k.ErasedAt != nil {
		return nil, alliance.Errorf(alliance.CodeConflict, "the person's identity was erased from this case; it no longer changes")
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
	Revision int64
	// RequireRevision refuses a change without a Revision (the API does: a
	// client must say what it read).
	RequireRevision bool
	Reference       string
	AssignedTo      int64
	Person          alliance.Person
	Context         alliance.VictimContext
}

// UpdateCase replaces the person, the victim context, the reference and the
// assignee of a case.
func (s *Service) UpdateCase(ctx context.Context, c Caller, id int64, ch CaseChange) (*alliance.Case, error) {
	k, err := s.caseFor(ctx, c, alliance.ActCaseUpdate, id)
	if err != nil {
		return nil, err
	}
	if ch.RequireRevision && ch.Revision == 0 {
		return nil, alliance.Invalid("revision", "give the revision you read, so that a change made meanwhile is not overwritten")
	}
	var out *alliance.Case
	err = s.commit(ctx, c, alliance.ActCaseUpdate, caseResource(k), func(tx alliance.Tx, e *alliance.AuditEntry) error {
		out, err = s.mutateCase(ctx, tx, c, id, ch.Revision, func(k *alliance.Case) error {
			if ch.AssignedTo != k.AssignedTo {
				if err := s.checkAssignee(ctx, tx, k.OrgID, ch.AssignedTo); err != nil {
					return err
				}
			}
			if ch.Reference != "" {
				k.Reference = ch.Reference
			}
			k.AssignedTo, k.Person, k.VictimContext = ch.AssignedTo, ch.Person, ch.Context
			return nil
		})
		if err != nil {
			return err
		}
		e.Detail = "record"
		return tx.SetNameTokens(ctx, id, nameTokens(out.Person))
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
				// Closed because the person went on to a partner (HTCDS ClosedReferred).
				refs, err := tx.Referrals(ctx, alliance.ReferralFilter{CaseID: id, Status: alliance.ReferralAccepted, Limit: 1})
				if err != nil {
					return err
				}
				k.Referred = len(refs) > 0
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
// The reasons are free text about the person: the read is audited.
func (s *Service) Transitions(ctx context.Context, c Caller, id int64) ([]alliance.Transition, error) {
	if err := s.readOwnCase(ctx, c, id, "transitions"); err != nil {
		return nil, err
	}
	return s.store.Transitions(ctx, id)
}

// readOwnCase authorises and audits the read of a part of a case that only
// its holder sees.
func (s *Service) readOwnCase(ctx context.Context, c Caller, id int64, what string) error {
	k, err := s.caseFor(ctx, c, alliance.ActCaseRead, id)
	if err != nil {
		return err
	}
	return s.commit(ctx, c, alliance.ActCaseRead, caseResource(k), func(_ alliance.Tx, e *alliance.AuditEntry) error {
		e.Detail = what
		return nil
	})
}

// CaseReferrals lists the referrals of a case (its holder only).
func (s *Service) CaseReferrals(ctx context.Context, c Caller, id int64) ([]alliance.Referral, error) {
	if err := s.readOwnCase(ctx, c, id, "referrals"); err != nil {
		return nil, err
	}
	return s.store.Referrals(ctx, alliance.ReferralFilter{CaseID: id, Limit: 1000})
}

// nameTokens are the phonetic keys of a person's name tokens: what the store
// keeps, as keyed blind indexes, to find a person recorded twice.
func nameTokens(p alliance.Person) []string {
	var out []string
	for _, part := range []string{p.GivenName, p.MiddleName, p.FamilyName} {
		for _, t := range names.Tokens(part) {
			if k := names.Phonetic(t); k != "" && !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	return out
}

// DuplicateThreshold is the name similarity (names.Similar) from which a
// recorded person with a compatible date of birth is shown as a possible
// duplicate: recall first, since recording one person twice splits their file.
const DuplicateThreshold = 0.85

// Duplicate is a case whose person looks like the one about to be recorded.
type Duplicate struct {
	CaseID    int64
	Reference string
	Name      string
	BirthDate string
	Score     float64
}

// PossibleDuplicates finds the caller's organisation's cases whose person
// looks like p: names alike in any script or transliteration, given and
// family names possibly swapped, and dates of birth that may be the same
// (names.DatesMatch). except is a case to leave out (the one being edited).
// The read of the candidates' names is audited.
func (s *Service) PossibleDuplicates(ctx context.Context, c Caller, p alliance.Person, except int64) ([]Duplicate, error) {
	if err := s.read(ctx, c, alliance.ActCaseList, alliance.Resource{Type: "case", OrgID: c.OrgID}); err != nil {
		return nil, err
	}
	ids, err := s.store.CasesWithNameTokens(ctx, c.OrgID, nameTokens(p), 50)
	if err != nil {
		return nil, err
	}
	want := names.Name{Given: p.GivenName, Family: p.FamilyName, Middle: p.MiddleName}
	born, _ := names.ParseDate(p.BirthDate)
	var out []Duplicate
	for _, id := range ids {
		if id == except {
			continue
		}
		k, err := s.store.Case(ctx, id)
		if err != nil || k.OrgID != c.OrgID {
			continue
		}
		score := names.Similar(want, names.Name{Given: k.Person.GivenName, Family: k.Person.FamilyName, Middle: k.Person.MiddleName})
		other, _ := names.ParseDate(k.Person.BirthDate)
		if score >= DuplicateThreshold && names.DatesMatch(born, other) {
			out = append(out, Duplicate{CaseID: k.ID, Reference: k.Reference, Score: score, BirthDate: k.Person.BirthDate,
				Name: strings.TrimSpace(k.Person.GivenName + " " + k.Person.FamilyName)})
		}
	}
	slices.SortFunc(out, func(a, b Duplicate) int {
		if a.Score != b.Score {
			if a.Score > b.Score {
				return -1
			}
			return 1
		}
		return int(b.CaseID - a.CaseID)
	})
	return out, nil
}
