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
	FormatCSV        = htcds.FormatCSV
	FormatJSONLines  = htcds.FormatJSONLines
	FormatXLSX       = htcds.FormatXLSX
	exportPageLength = 500
)

// ExportCases streams every case of the caller's organisation to w with HTCDS
// field names, as CSV or JSON lines (the cases table), a page of cases at a
// time, so that memory stays flat however many cases there are; or as an
// XLSX workbook with a sheet for cases, events and perpetrators each. Without identity the rows
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
	if format != FormatCSV && format != FormatJSONLines && format != FormatXLSX {
		return 0, alliance.Invalid("format", "%q is not csv, jsonl or xlsx", format)
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
	if format == FormatXLSX {
		return s.exportXLSX(ctx, c.OrgID, w, htcds.NewXLSX(identity, types))
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

// streamCases writes the organisation's cases, newest first, flushing after
// every page.
func (s *Service) streamCases(ctx context.Context, org int64, out *htcds.Writer) (int, error) {
	i := 0
	n, err := s.eachCase(ctx, org, func(k *alliance.Case) error {
		if err := out.Write(k); err != nil {
			return err
		}
		if i++; i%exportPageLength == 0 {
			return out.Flush()
		}
		return nil
	})
	if err == nil {
		err = out.Flush()
	}
	if err != nil {
		return n, fmt.Errorf("export: %w", err)
	}
	return n, nil
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

// eachCase calls fn for every case of the organisation, newest first, a page
// at a time.
func (s *Service) eachCase(ctx context.Context, org int64, fn func(k *alliance.Case) error) (int, error) {
	n := 0
	f := alliance.CaseFilter{OrgID: org, Limit: exportPageLength}
	for {
		page, err := s.store.Cases(ctx, f)
		if err != nil {
			return n, err
		}
		for i := range page {
			if err := fn(&page[i]); err != nil {
				return n, err
			}
		}
		n += len(page)
		if len(page) < f.Limit {
			return n, nil
		}
		f.After = page[len(page)-1].ID
	}
}

// exportXLSX writes the organisation's cases, their events and their
// perpetrators, a sheet each, and then the workbook to w.
func (s *Service) exportXLSX(ctx context.Context, org int64, w io.Writer, x *htcds.XLSX) (int, error) {
	if err := x.Begin(htcds.TableCases); err != nil {
		return 0, err
	}
	n, err := s.eachCase(ctx, org, x.Case)
	if err != nil {
		return n, fmt.Errorf("export: %w", err)
	}
	if err := x.Begin(htcds.TableEvents); err != nil {
		return n, err
	}
	_, err = s.eachCase(ctx, org, func(k *alliance.Case) error {
		evs, err := s.store.Events(ctx, k.ID)
		for i := 0; err == nil && i < len(evs); i++ {
			err = x.Event(k.ID, &evs[i])
		}
		return err
	})
	if err != nil {
		return n, fmt.Errorf("export: %w", err)
	}
	if err := x.Begin(htcds.TablePerpetrators); err != nil {
		return n, err
	}
	_, err = s.eachCase(ctx, org, func(k *alliance.Case) error {
		ps, err := s.store.Perpetrators(ctx, k.ID)
		for i := 0; err == nil && i < len(ps); i++ {
			err = x.Perpetrator(k.ID, &ps[i])
		}
		return err
	})
	if err != nil {
		return n, fmt.Errorf("export: %w", err)
	}
	if _, err := x.WriteTo(w); err != nil {
		return n, fmt.Errorf("export: %w", err)
	}
	return n, nil
}
