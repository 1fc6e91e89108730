package app

import (
	"context"
	"fmt"
	"io"

	"alliance"
	"alliance/internal/htcds"
)

// Export formats.
const (
	FormatCSV        = "csv"
	FormatJSONLines  = "jsonl"
	exportPageLength = 500
)

// ExportCases streams every case of the caller's organisation to w with HTCDS
// field names, as CSV or JSON lines, a page of cases at a time, so that
// memory stays flat however many cases there are. Without identity the rows
// hold only the non-identifying facts (what statistics use; any member who
// reads cases may export them); with identity they add names, date of birth
// and contact details, which only caseworkers and administrators may export.
// The export is audited, with the number of cases, before the first row.
func (s *Service) ExportCases(ctx context.Context, c Caller, w io.Writer, format string, identity bool) (int, error) {
	act := alliance.ActCaseList
	if identity {
		act = alliance.ActCaseExport
	}
	res := alliance.Resource{Type: "case", OrgID: c.OrgID}
	if err := s.authorize(ctx, c, act, res); err != nil {
		return 0, err
	}
	if format != FormatCSV && format != FormatJSONLines {
		return 0, alliance.Invalid("format", "%q is not csv or jsonl", format)
	}
	what := "facts"
	if identity {
		what = "with identity"
	}
	err := s.commit(ctx, c, act, res, func(_ alliance.Tx, e *alliance.AuditEntry) error {
		e.Detail = "HTCDS export (" + format + ", " + what + ")"
		return nil
	})
	if err != nil {
		return 0, err
	}
	types, err := s.orgTypes(ctx)
	if err != nil {
		return 0, err
	}
	var out *htcds.Writer
	if format == FormatCSV {
		if out, err = htcds.NewCSV(w, identity, types); err != nil {
			return 0, err
		}
	} else {
		out = htcds.NewJSONLines(w, identity, types)
	}
	return s.streamCases(ctx, c.OrgID, out)
}

// streamCases writes the organisation's cases, newest first, page by page.
func (s *Service) streamCases(ctx context.Context, org int64, out *htcds.Writer) (int, error) {
	n := 0
	f := alliance.CaseFilter{OrgID: org, Limit: exportPageLength}
	for {
		page, err := s.store.Cases(ctx, f)
		if err != nil {
			return n, err
		}
		for i := range page {
			if err := out.Write(&page[i]); err != nil {
				return n, fmt.Errorf("export: %w", err)
			}
		}
		n += len(page)
		if err := out.Flush(); err != nil {
			return n, fmt.Errorf("export: %w", err)
		}
		if len(page) < f.Limit {
			return n, nil
		}
		f.After = page[len(page)-1].ID
	}
}

// orgTypes returns the type of each organisation, by id.
func (s *Service) orgTypes(ctx context.Context) (func(int64) alliance.OrgType, error) {
	orgs, err := s.store.Organisations(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[int64]alliance.OrgType, len(orgs))
	for _, o := range orgs {
		m[o.ID] = o.Type
	}
	return func(id int64) alliance.OrgType { return m[id] }, nil
}
