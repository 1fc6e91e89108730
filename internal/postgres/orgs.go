package postgres

import (
	"context"
	"fmt"

	"alliance"
	"alliance/internal/sqlstore"

	"github.com/jackc/pgx/v5/pgtype"
)

const orgColumns = `id, name, type, country, languages, retention_days, created_at`

func scanOrg(r sqlstore.Scanner) (*alliance.Organisation, error) {
	var o alliance.Organisation
	// A pgtype.Map is not safe for concurrent use; a fresh one is cheap.
	langs := pgtype.NewMap().SQLScanner(&o.Languages)
	if err := r.Scan(&o.ID, &o.Name, &o.Type, &o.Country, langs, &o.RetentionDays, &o.CreatedAt); err != nil {
		return nil, err
	}
	if o.Languages == nil {
		o.Languages = []string{}
	}
	o.CreatedAt = utc(o.CreatedAt)
	return &o, nil
}

func languages(langs []string) []string {
	if langs == nil {
		return []string{}
	}
	return langs
}

// Organisation returns the organisation with the given id.
func (r *reader) Organisation(ctx context.Context, id int64) (*alliance.Organisation, error) {
	o, err := scanOrg(r.q.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("organisation %d: %w", id, translate(err))
	}
	return o, nil
}

// Organisations returns every organisation in the order they were created.
func (r *reader) Organisations(ctx context.Context) ([]alliance.Organisation, error) {
	return sqlstore.List(ctx, r.q, "list organisations", scanOrg, `SELECT `+orgColumns+` FROM organisations ORDER BY id`)
}

// CreateOrganisation stores o and sets its ID (and CreatedAt when zero).
func (t *tx) CreateOrganisation(ctx context.Context, o *alliance.Organisation) error {
	sqlstore.Stamp(&o.CreatedAt)
	err := t.q.QueryRowContext(ctx, `INSERT INTO organisations (name, name_key, type, country, languages,
		retention_days, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		o.Name, sqlstore.NameKey(o.Name), o.Type, o.Country, languages(o.Languages), o.RetentionDays,
		o.CreatedAt).Scan(&o.ID)
	if err != nil {
		return fmt.Errorf("create organisation: %w", translate(err))
	}
	return nil
}

// UpdateOrganisation writes the name, type, country, languages and retention
// period of o.
func (t *tx) UpdateOrganisation(ctx context.Context, o *alliance.Organisation) error {
	res, err := t.q.ExecContext(ctx, `UPDATE organisations
		SET name = $1, name_key = $2, type = $3, country = $4, languages = $5, retention_days = $6 WHERE id = $7`,
		o.Name, sqlstore.NameKey(o.Name), o.Type, o.Country, languages(o.Languages), o.RetentionDays, o.ID)
	if err != nil {
		return fmt.Errorf("update organisation %d: %w", o.ID, translate(err))
	}
	if n, err := sqlstore.Affected(res); err != nil || n == 0 {
		return fmt.Errorf("update organisation %d: %w", o.ID, sqlstore.OrNotFound(err))
	}
	return nil
}
