package app

import (
	"context"
	"fmt"
	"io"

	"alliance"
	"alliance/internal/htcds"
)

// ImportResult says what an import stored.
type ImportResult struct {
	Cases        int   `json:"cases"`
	Events       int   `json:"events"`
	Perpetrators int   `json:"perpetrators"`
	FirstID      int64 `json:"first_id"`
	LastID       int64 `json:"last_id"`
}

// ImportCases reads an HTCDS file (htcds.Read: CSV, JSON lines or XLSX) and
// stores its cases, events and perpetrators in the caller's organisation, in
// one transaction: when any row is wrong, or a case id is already a reference
// of the organisation, nothing is stored and the *htcds.ImportError lists
// the faults. Imported cases open at the stage their HTCDS status stands for;
// each has a transition that names its row. The import is audited
// as one entry with the range of case ids.
func (s *Service) ImportCases(ctx context.Context, c Caller, file, format string, r io.Reader) (*ImportResult, error) {
	res := alliance.Resource{Type: "case", OrgID: c.OrgID}
	if err := s.authorize(ctx, c, alliance.ActCaseCreate, res); err != nil {
		return nil, err
	}
	recs, err := htcds.Read(file, format, r)
	if err != nil {
		return nil, err
	}
	out := &ImportResult{}
	err = s.commit(ctx, c, alliance.ActCaseCreate, res, func(tx alliance.Tx, e *alliance.AuditEntry) error {
		*out = ImportResult{}
		for i := range recs {
			if err := s.importOne(ctx, tx, c, file, &recs[i], out); err != nil {
				return err
			}
		}
		// Not the file's name: it is chosen by people and may name one,
		// and the audit log is never erased.
		e.Detail = fmt.Sprintf("HTCDS import of %d cases (ids %d to %d), %d events, %d perpetrators (%s)",
			out.Cases, out.FirstID, out.LastID, out.Events, out.Perpetrators, format)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// importOne stores one record of an import.
func (s *Service) importOne(ctx context.Context, tx alliance.Tx, c Caller, file string, rec *htcds.Record, out *ImportResult) error {
	now := s.now()
	k := rec.Case
	k.OrgID, k.CreatedBy, k.CreatedAt, k.UpdatedAt = c.OrgID, c.UserID, now, now
	if k.Reference == "" {
		k.Reference = s.newReference()
	}
	if k.Stage == alliance.StageClosure {
		k.ClosedAt = &now
	}
	if err := tx.CreateCase(ctx, &k); err != nil {
		if alliance.ErrorCode(err) == alliance.CodeConflict {
			return &htcds.ImportError{Total: 1, Errors: []htcds.FieldError{{File: file, Table: htcds.TableCases, Row: rec.Row,
				Field: "cas_CaseId", Reason: fmt.Sprintf("%q is already the reference of a case of the organisation", k.Reference)}}}
		}
		return err
	}
	if err := tx.SetNameTokens(ctx, k.ID, nameTokens(k.Person)); err != nil {
		return err
	}
	reason := fmt.Sprintf("imported (HTCDS, row %d)", rec.Row)
	if err := tx.AddTransition(ctx, &alliance.Transition{CaseID: k.ID, To: k.Stage, Reason: reason, By: c.UserID, At: now}); err != nil {
		return err
	}
	for _, ev := range rec.Events {
		ev.CaseID, ev.By, ev.At = k.ID, c.UserID, now
		if err := tx.AddEvent(ctx, &ev); err != nil {
			return err
		}
	}
	for _, p := range rec.Perpetrators {
		p.CaseID, p.By, p.At = k.ID, c.UserID, now
		if err := tx.AddPerpetrator(ctx, &p); err != nil {
			return err
		}
	}
	if err := s.notify(ctx, tx, alliance.EventCaseCreated, map[string]any{"case_id": k.ID, "org_id": k.OrgID}, k.OrgID); err != nil {
		return err
	}
	if out.FirstID == 0 {
		out.FirstID = k.ID
	}
	out.Cases, out.LastID = out.Cases+1, k.ID
	out.Events += len(rec.Events)
	out.Perpetrators += len(rec.Perpetrators)
	return nil
}
