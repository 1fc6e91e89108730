package app

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"alliance"
)

// AddResidence records a step of the person's residence status: the latest
// is the status in force. Steps are never rewritten.
func (s *Service) AddResidence(ctx context.Context, c Caller, caseID int64, in alliance.Residence) (*alliance.Residence, error) {
	x := in
	x.ID, x.CaseID, x.By, x.At = 0, caseID, c.UserID, s.now()
	x.Reference, x.Notes = strings.TrimSpace(x.Reference), strings.TrimSpace(x.Notes)
	if err := x.Validate(); err != nil {
		return nil, err
	}
	k, err := s.writableCase(ctx, c, caseID)
	if err != nil {
		return nil, err
	}
	err = s.commit(ctx, c, alliance.ActCaseUpdate, caseResource(k), func(tx alliance.Tx, e *alliance.AuditEntry) error {
		if err := stillWritable(ctx, tx, caseID); err != nil {
			return err
		}
		e.Detail = "residence " + x.Status
		return tx.AddResidence(ctx, &x)
	})
	if err != nil {
		return nil, err
	}
	return &x, nil
}

// stillWritable reads the case again in tx, which locks it on PostgreSQL as
// EraseIdentity does, and refuses it when its person's identity was erased
// since writableCase looked: the sealed texts must not name them again.
func stillWritable(ctx context.Context, tx alliance.Tx, caseID int64) error {
	k, err := tx.Case(ctx, caseID)
	if err != nil {
		return err
	}
	if k.ErasedAt != nil {
		return alliance.Errorf(alliance.CodeConflict, "the person's identity was erased from this case; it no longer changes")
	}
	return nil
}

// trimProceeding trims the texts of p.
func trimProceeding(p *alliance.Proceeding) {
	p.Authority, p.Reference = strings.TrimSpace(p.Authority), strings.TrimSpace(p.Reference)
	p.Outcome, p.Notes = strings.TrimSpace(p.Outcome), strings.TrimSpace(p.Notes)
}

// AddProceeding records a proceeding the person takes part in.
func (s *Service) AddProceeding(ctx context.Context, c Caller, caseID int64, in alliance.Proceeding) (*alliance.Proceeding, error) {
	p := in
	p.ID, p.CaseID, p.By, p.At, p.Revision = 0, caseID, c.UserID, s.now(), 0
	trimProceeding(&p)
	if err := p.Validate(); err != nil {
		return nil, err
	}
	k, err := s.writableCase(ctx, c, caseID)
	if err != nil {
		return nil, err
	}
	err = s.commit(ctx, c, alliance.ActCaseUpdate, caseResource(k), func(tx alliance.Tx, e *alliance.AuditEntry) error {
		if err := stillWritable(ctx, tx, caseID); err != nil {
			return err
		}
		e.Detail = "proceeding " + p.Kind
		return tx.AddProceeding(ctx, &p)
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// UpdateProceeding replaces what is recorded of a proceeding; in.Revision
// must be the one read, so that two people editing it are told, not
// overwritten. The case it belongs to does not change.
func (s *Service) UpdateProceeding(ctx context.Context, c Caller, id int64, in alliance.Proceeding) (*alliance.Proceeding, error) {
	cur, err := s.store.Proceeding(ctx, id)
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
	out := in
	out.ID, out.CaseID, out.By, out.At = id, cur.CaseID, c.UserID, s.now()
	trimProceeding(&out)
	if err := out.Validate(); err != nil {
		return nil, err
	}
	// The store writes only under the revision read, so a change committed
	// since cur was read is refused, not overwritten.
	err = s.commit(ctx, c, alliance.ActCaseUpdate, caseResource(k), func(tx alliance.Tx, e *alliance.AuditEntry) error {
		if err := stillWritable(ctx, tx, out.CaseID); err != nil {
			return err
		}
		e.Detail = fmt.Sprintf("proceeding %d", id)
		return tx.UpdateProceeding(ctx, &out)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ResidenceAndProceedings returns the residence steps and the proceedings of
// a case when the caller may see its decisions: the holder, or a receiver
// with whom the decisions are shared. The read is part of the case's,
// already audited.
func (s *Service) ResidenceAndProceedings(ctx context.Context, v *CaseView) ([]alliance.Residence, []alliance.Proceeding, error) {
	if !slices.Contains(v.Groups, alliance.GroupLegal) {
		return nil, nil, nil
	}
	rs, err := s.store.Residences(ctx, v.ID)
	if err != nil {
		return nil, nil, err
	}
	ps, err := s.store.Proceedings(ctx, v.ID)
	return rs, ps, err
}
