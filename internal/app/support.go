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

// writableCase loads a case for a change by its holder, refusing one whose
// person's identity was erased: no new free text may name them again.
func (s *Service) writableCase(ctx context.Context, c Caller, id int64) (*alliance.Case, error) {
	k, err := s.caseFor(ctx, c, alliance.ActCaseUpdate, id)
	if err != nil {
		return nil, err
	}
	if k.ErasedAt != nil {
		return nil, alliance.Errorf(alliance.CodeConflict, "the person's identity was erased from this case; it no longer changes")
	}
	return k, nil
}

// AddComment writes a staff note on a case.
func (s *Service) AddComment(ctx context.Context, c Caller, caseID int64, text string) (*alliance.Comment, error) {
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > 4000 {
		return nil, alliance.Invalid("text", "write the comment, at most 4000 characters")
	}
	k, err := s.writableCase(ctx, c, caseID)
	if err != nil {
		return nil, err
	}
	cm := &alliance.Comment{CaseID: caseID, Text: text, By: c.UserID, At: s.now()}
	err = s.commit(ctx, c, alliance.ActCaseUpdate, caseResource(k), func(tx alliance.Tx, e *alliance.AuditEntry) error {
		if err := stillWritable(ctx, tx, k.ID); err != nil {
			return err
		}
		e.Detail = "comment"
		return tx.AddComment(ctx, cm)
	})
	if err != nil {
		return nil, err
	}
	return cm, nil
}

// Comments returns a case's comments when the caller may see them: the
// holder, or a receiver with whom comments are shared. The read is part of
// the case's, already audited.
func (s *Service) Comments(ctx context.Context, v *CaseView) ([]alliance.Comment, error) {
	if !slices.Contains(v.Groups, alliance.GroupComments) {
		return nil, nil
	}
	return s.store.Comments(ctx, v.ID)
}

// CreateSupportPlan adds a support plan to a case.
func (s *Service) CreateSupportPlan(ctx context.Context, c Caller, caseID int64, in alliance.SupportPlan) (*alliance.SupportPlan, error) {
	p := in
	p.ID, p.CaseID, p.By, p.At, p.Revision = 0, caseID, c.UserID, s.now(), 0
	p.Objectives, p.ActionPlan = strings.TrimSpace(p.Objectives), strings.TrimSpace(p.ActionPlan)
	if err := p.Validate(); err != nil {
		return nil, err
	}
	k, err := s.writableCase(ctx, c, caseID)
	if err != nil {
		return nil, err
	}
	err = s.commit(ctx, c, alliance.ActCaseUpdate, caseResource(k), func(tx alliance.Tx, e *alliance.AuditEntry) error {
		if err := stillWritable(ctx, tx, k.ID); err != nil {
			return err
		}
		e.Detail = "support plan " + p.Type
		return tx.CreateSupportPlan(ctx, &p)
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// UpdateSupportPlan replaces a plan's type, texts and dates; Revision must be
// the one read, so that two people editing a plan are told, not overwritten.
func (s *Service) UpdateSupportPlan(ctx context.Context, c Caller, id int64, in alliance.SupportPlan) (*alliance.SupportPlan, error) {
	cur, err := s.store.SupportPlan(ctx, id)
	if alliance.IsNotFound(err) && !c.Operator {
		return nil, s.authorize(ctx, c, alliance.ActCaseUpdate, alliance.Resource{Type: "case", ID: strconv.FormatInt(id, 10), OrgID: -1})
	}
	if err != nil {
		return nil, err
	}
	k, err := s.writableCase(ctx, c, cur.CaseID)
	if err != nil {
		return nil, err
	}
	if in.Revision == 0 {
		return nil, alliance.Invalid("revision", "give the revision you read, so that a change made meanwhile is not overwritten")
	}
	var out alliance.SupportPlan
	err = s.commit(ctx, c, alliance.ActCaseUpdate, caseResource(k), func(tx alliance.Tx, e *alliance.AuditEntry) error {
		if err := stillWritable(ctx, tx, k.ID); err != nil {
			return err
		}
		p, err := tx.SupportPlan(ctx, id)
		if err != nil {
			return err
		}
		p.Type, p.Objectives, p.ActionPlan, p.PlannedEnd, p.ActualEnd, p.Revision = in.Type, strings.TrimSpace(in.Objectives),
			strings.TrimSpace(in.ActionPlan), in.PlannedEnd, in.ActualEnd, in.Revision
		if err := p.Validate(); err != nil {
			return err
		}
		e.Detail = fmt.Sprintf("support plan %d", id)
		out = *p
		return tx.UpdateSupportPlan(ctx, &out)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// SupportPlans returns a case's support plans when the caller may see them.
func (s *Service) SupportPlans(ctx context.Context, v *CaseView) ([]alliance.SupportPlan, error) {
	if !slices.Contains(v.Groups, alliance.GroupSupport) {
		return nil, nil
	}
	return s.store.SupportPlans(ctx, v.ID)
}

// AddEvent records a step of what happened to the person: recruitment,
// transit or exploitation.
func (s *Service) AddEvent(ctx context.Context, c Caller, caseID int64, in alliance.Event) (*alliance.Event, error) {
	ev := in
	ev.ID, ev.CaseID, ev.By, ev.At = 0, caseID, c.UserID, s.now()
	ev.Country, ev.City, ev.Description = strings.ToUpper(strings.TrimSpace(ev.Country)), strings.TrimSpace(ev.City), strings.TrimSpace(ev.Description)
	if err := ev.Validate(); err != nil {
		return nil, err
	}
	k, err := s.writableCase(ctx, c, caseID)
	if err != nil {
		return nil, err
	}
	err = s.commit(ctx, c, alliance.ActCaseUpdate, caseResource(k), func(tx alliance.Tx, e *alliance.AuditEntry) error {
		if err := stillWritable(ctx, tx, k.ID); err != nil {
			return err
		}
		e.Detail = "event " + ev.Type
		return tx.AddEvent(ctx, &ev)
	})
	if err != nil {
		return nil, err
	}
	return &ev, nil
}

// AddPerpetrator records a person or organisation that took part, with
// their roles.
func (s *Service) AddPerpetrator(ctx context.Context, c Caller, caseID int64, in alliance.Perpetrator) (*alliance.Perpetrator, error) {
	p := in
	p.ID, p.CaseID, p.By, p.At = 0, caseID, c.UserID, s.now()
	p.Name, p.Details = strings.TrimSpace(p.Name), strings.TrimSpace(p.Details)
	if err := p.Validate(); err != nil {
		return nil, err
	}
	k, err := s.writableCase(ctx, c, caseID)
	if err != nil {
		return nil, err
	}
	err = s.commit(ctx, c, alliance.ActCaseUpdate, caseResource(k), func(tx alliance.Tx, e *alliance.AuditEntry) error {
		if err := stillWritable(ctx, tx, k.ID); err != nil {
			return err
		}
		e.Detail = "perpetrator (" + p.Kind + ")"
		return tx.AddPerpetrator(ctx, &p)
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// EventsAndPerpetrators returns what happened and who took part, when the
// caller may see the case's context: the holder, or a receiver with whom the
// context is shared.
func (s *Service) EventsAndPerpetrators(ctx context.Context, v *CaseView) ([]alliance.Event, []alliance.Perpetrator, error) {
	if !slices.Contains(v.Groups, alliance.GroupContext) {
		return nil, nil, nil
	}
	evs, err := s.store.Events(ctx, v.ID)
	if err != nil {
		return nil, nil, err
	}
	ps, err := s.store.Perpetrators(ctx, v.ID)
	return evs, ps, err
}
