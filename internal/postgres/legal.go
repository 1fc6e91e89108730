package postgres

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
		var from, until sql.NullTime
		if err := s.Scan(&x.ID, &x.CaseID, &x.Status, &x.PermitType, &sealed.Reference, &from, &until,
			&sealed.Notes, &x.By, &x.At); err != nil {
			return nil, err
		}
		x.ValidFrom, x.ValidUntil, x.At = day(from), day(until), utc(x.At)
		if err := sqlstore.OpenResidence(c, &x, sealed); err != nil {
			return nil, fmt.Errorf("residence step %d: %w", x.ID, err)
		}
		return &x, nil
	}, `SELECT id, case_id, status, permit_type, reference, valid_from, valid_until, notes, recorded_by, recorded_at
		FROM residence WHERE case_id = $1 ORDER BY recorded_at, id`, caseID)
}

// AddResidence stores x, sealing its reference and notes, and sets its ID
// (and At when zero).
func (t *tx) AddResidence(ctx context.Context, x *alliance.Residence) error {
	c, err := t.keys.Cipher()
	if err != nil {
		return err
	}
	days, sealed, err := sqlstore.SealResidence(c, x)
	if err != nil {
		return fmt.Errorf("add residence step: %w", err)
	}
	sqlstore.Stamp(&x.At)
	err = t.q.QueryRowContext(ctx, `INSERT INTO residence (case_id, status, permit_type, reference, valid_from,
		valid_until, notes, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		x.CaseID, x.Status, x.PermitType, sealed.Reference, dayOrNull(days.From), dayOrNull(days.Until),
		sealed.Notes, x.By, x.At).Scan(&x.ID)
	if err != nil {
		return fmt.Errorf("add residence step: %w", translate(err))
	}
	return nil
}

const proceedingColumns = `id, case_id, kind, role, authority, reference, status, outcome, opened_on, closed_on,
	notes, recorded_by, recorded_at, revision`

func scanProceeding(s sqlstore.Scanner, c alliance.FieldCipher) (*alliance.Proceeding, error) {
	var p alliance.Proceeding
	var sealed sqlstore.LegalTexts
	var opened, closed sql.NullTime
	if err := s.Scan(&p.ID, &p.CaseID, &p.Kind, &p.Role, &p.Authority, &sealed.Reference, &p.Status, &p.Outcome,
		&opened, &closed, &sealed.Notes, &p.By, &p.At, &p.Revision); err != nil {
		return nil, err
	}
	p.OpenedOn, p.ClosedOn, p.At = day(opened), day(closed), utc(p.At)
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
	}, `SELECT `+proceedingColumns+` FROM proceedings WHERE case_id = $1 ORDER BY recorded_at, id`, caseID)
}

// Proceeding returns the proceeding with the given id, its texts opened.
func (r *reader) Proceeding(ctx context.Context, id int64) (*alliance.Proceeding, error) {
	return r.readProceeding(ctx, id, "")
}

// Proceeding reads the proceeding and locks its row until the transaction
// ends, as Case does: two updates at once run one after the other.
func (t *tx) Proceeding(ctx context.Context, id int64) (*alliance.Proceeding, error) {
	return t.readProceeding(ctx, id, " FOR NO KEY UPDATE")
}

func (r *reader) readProceeding(ctx context.Context, id int64, lock string) (*alliance.Proceeding, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	p, err := scanProceeding(r.q.QueryRowContext(ctx, `SELECT `+proceedingColumns+` FROM proceedings WHERE id = $1`+lock, id), c)
	if err != nil {
		return nil, fmt.Errorf("proceeding %d: %w", id, translate(err))
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
	days, sealed, err := sqlstore.SealProceeding(c, p)
	if err != nil {
		return fmt.Errorf("add proceeding: %w", err)
	}
	sqlstore.Stamp(&p.At)
	err = t.q.QueryRowContext(ctx, `INSERT INTO proceedings (case_id, kind, role, authority, reference, status,
		outcome, opened_on, closed_on, notes, recorded_by, recorded_at, revision)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1) RETURNING id`,
		p.CaseID, p.Kind, p.Role, p.Authority, sealed.Reference, p.Status, p.Outcome, dayOrNull(days.Opened),
		dayOrNull(days.Closed), sealed.Notes, p.By, p.At).Scan(&p.ID)
	if err != nil {
		return fmt.Errorf("add proceeding: %w", translate(err))
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
	days, sealed, err := sqlstore.SealProceeding(c, p)
	if err != nil {
		return fmt.Errorf("update proceeding %d: %w", p.ID, err)
	}
	sqlstore.Stamp(&p.At)
	res, err := t.q.ExecContext(ctx, `UPDATE proceedings SET kind = $1, role = $2, authority = $3, reference = $4,
		status = $5, outcome = $6, opened_on = $7, closed_on = $8, notes = $9, recorded_by = $10, recorded_at = $11,
		revision = revision + 1 WHERE id = $12 AND revision = $13`,
		p.Kind, p.Role, p.Authority, sealed.Reference, p.Status, p.Outcome, dayOrNull(days.Opened),
		dayOrNull(days.Closed), sealed.Notes, p.By, p.At, p.ID, p.Revision)
	if err != nil {
		return fmt.Errorf("update proceeding %d: %w", p.ID, translate(err))
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
