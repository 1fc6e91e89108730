package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"alliance"
	"alliance/internal/sqlstore"
)

// Residences lists the residence steps of a case, oldest recorded first
// (then in the order they were recorded), their references and notes opened.
func (r *reader) Residences(ctx context.Context, caseID int64) ([]alliance.Residence, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	return sqlstore.List(ctx, r.q, "list residence steps", func(s sqlstore.Scanner) (*alliance.Residence, error) {
		var x alliance.Residence
		var sealed sqlstore.LegalTexts
		var from, until sql.NullString
		var at int64
		if err := s.Scan(&x.ID, &x.CaseID, &x.Status, &x.PermitType, &sealed.Reference, &from, &until,
			&sealed.Notes, &x.By, &at); err != nil {
			return nil, err
		}
		x.ValidFrom, x.ValidUntil, x.At = from.String, until.String, fromMicro(at)
		if err := sqlstore.OpenResidence(c, &x, sealed); err != nil {
			return nil, fmt.Errorf("residence step %d: %w", x.ID, err)
		}
		return &x, nil
	}, `SELECT id, case_id, status, permit_type, reference, valid_from, valid_until, notes, recorded_by, recorded_at
		FROM residence WHERE case_id = ? ORDER BY recorded_at, id`, caseID)
}

// AddResidence stores x, sealing its reference and notes, and sets its ID
// (and At when zero).
func (t *tx) AddResidence(ctx context.Context, x *alliance.Residence) error {
	c, err := t.keys.Cipher()
	if err != nil {
		return err
	}
	_, sealed, err := sqlstore.SealResidence(c, x)
	if err != nil {
		return fmt.Errorf("add residence step: %w", err)
	}
	sqlstore.Stamp(&x.At)
	err = t.q.QueryRowContext(ctx, `INSERT INTO residence (case_id, status, permit_type, reference, valid_from,
		valid_until, notes, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		x.CaseID, x.Status, x.PermitType, sealed.Reference, dayOrNull(x.ValidFrom), dayOrNull(x.ValidUntil),
		sealed.Notes, x.By, micro(x.At)).Scan(&x.ID)
	if err != nil {
		var ref *alliance.Error
		if isForeignKey(err) {
			ref = t.missingRef(ctx, refUser, refCheck{"cases", x.CaseID, refCase})
		}
		return fmt.Errorf("add residence step: %w", translate(err, ref))
	}
	return nil
}

const proceedingColumns = `id, case_id, kind, role, authority, reference, status, outcome, opened_on, closed_on,
	notes, recorded_by, recorded_at, revision`

func scanProceeding(s sqlstore.Scanner, c alliance.FieldCipher) (*alliance.Proceeding, error) {
	var p alliance.Proceeding
	var sealed sqlstore.LegalTexts
	var opened, closed sql.NullString
	var at int64
	if err := s.Scan(&p.ID, &p.CaseID, &p.Kind, &p.Role, &p.Authority, &sealed.Reference, &p.Status, &p.Outcome,
		&opened, &closed, &sealed.Notes, &p.By, &at, &p.Revision); err != nil {
		return nil, err
	}
	p.OpenedOn, p.ClosedOn, p.At = opened.String, closed.String, fromMicro(at)
	if err := sqlstore.OpenProceeding(c, &p, sealed); err != nil {
		return nil, fmt.Errorf("proceeding %d: %w", p.ID, err)
	}
	return &p, nil
}

// Proceedings lists the proceedings of a case, least recently recorded first
// (then in the order they were made), their references and notes opened.
func (r *reader) Proceedings(ctx context.Context, caseID int64) ([]alliance.Proceeding, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	return sqlstore.List(ctx, r.q, "list proceedings", func(s sqlstore.Scanner) (*alliance.Proceeding, error) {
		return scanProceeding(s, c)
	}, `SELECT `+proceedingColumns+` FROM proceedings WHERE case_id = ? ORDER BY recorded_at, id`, caseID)
}

// Proceeding returns the proceeding with the given id, its texts opened.
func (r *reader) Proceeding(ctx context.Context, id int64) (*alliance.Proceeding, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	p, err := scanProceeding(r.q.QueryRowContext(ctx, `SELECT `+proceedingColumns+` FROM proceedings WHERE id = ?`, id), c)
	if err != nil {
		return nil, fmt.Errorf("proceeding %d: %w", id, translate(err, nil))
	}
	return p, nil
}

// AddProceeding stores p, sealing its reference and notes, and sets its ID,
// Revision 1 and At when zero.
func (t *tx) AddProceeding(ctx context.Context, p *alliance.Proceeding) error {
	c, err := t.keys.Cipher()
	if err != nil {
		return err
	}
	_, sealed, err := sqlstore.SealProceeding(c, p)
	if err != nil {
		return fmt.Errorf("add proceeding: %w", err)
	}
	sqlstore.Stamp(&p.At)
	err = t.q.QueryRowContext(ctx, `INSERT INTO proceedings (case_id, kind, role, authority, reference, status,
		outcome, opened_on, closed_on, notes, recorded_by, recorded_at, revision)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`,
		p.CaseID, p.Kind, p.Role, p.Authority, sealed.Reference, p.Status, p.Outcome, dayOrNull(p.OpenedOn),
		dayOrNull(p.ClosedOn), sealed.Notes, p.By, micro(p.At)).Scan(&p.ID)
	if err != nil {
		var ref *alliance.Error
		if isForeignKey(err) {
			ref = t.missingRef(ctx, refUser, refCheck{"cases", p.CaseID, refCase})
		}
		return fmt.Errorf("add proceeding: %w", translate(err, ref))
	}
	p.Revision = 1
	return nil
}

// UpdateProceeding writes every field of p but its case if the stored
// revision is still p.Revision, and then increments p.Revision. When it
// fails, p is left as it was, but for At, stamped (now when zero, truncated
// to microseconds, UTC) as it is stored.
func (t *tx) UpdateProceeding(ctx context.Context, p *alliance.Proceeding) error {
	c, err := t.keys.Cipher()
	if err != nil {
		return err
	}
	_, sealed, err := sqlstore.SealProceeding(c, p)
	if err != nil {
		return fmt.Errorf("update proceeding %d: %w", p.ID, err)
	}
	sqlstore.Stamp(&p.At)
	res, err := t.q.ExecContext(ctx, `UPDATE proceedings SET kind = ?, role = ?, authority = ?, reference = ?,
		status = ?, outcome = ?, opened_on = ?, closed_on = ?, notes = ?, recorded_by = ?, recorded_at = ?,
		revision = revision + 1 WHERE id = ? AND revision = ?`,
		p.Kind, p.Role, p.Authority, sealed.Reference, p.Status, p.Outcome, dayOrNull(p.OpenedOn),
		dayOrNull(p.ClosedOn), sealed.Notes, p.By, micro(p.At), p.ID, p.Revision)
	if err != nil {
		var ref *alliance.Error
		if isForeignKey(err) {
			ref = refUser
		}
		return fmt.Errorf("update proceeding %d: %w", p.ID, translate(err, ref))
	}
	n, err := sqlstore.Affected(res)
	if err == nil && n == 0 {
		err = t.missed(ctx, "proceedings", p.ID, sqlstore.ProceedingChanged)
	}
	if err != nil {
		return fmt.Errorf("update proceeding %d: %w", p.ID, err)
	}
	p.Revision++
	return nil
}
