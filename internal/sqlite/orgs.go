package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"alliance"
	"alliance/internal/sqlstore"
)

const orgColumns = `id, name, type, country, languages, retention_days, created_at`

func scanOrg(r sqlstore.Scanner) (*alliance.Organisation, error) {
	var o alliance.Organisation
	var langs string
	var created int64
	if err := r.Scan(&o.ID, &o.Name, &o.Type, &o.Country, &langs, &o.RetentionDays, &created); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(langs), &o.Languages); err != nil {
		return nil, fmt.Errorf("organisation %d: languages: %w", o.ID, err)
	}
	if o.Languages == nil {
		o.Languages = []string{}
	}
	o.CreatedAt = fromMicro(created)
	return &o, nil
}

func languagesJSON(langs []string) string {
	if langs == nil {
		langs = []string{}
	}
	b, _ := json.Marshal(langs) // a []string always marshals
	return string(b)
}

// Organisation returns the organisation with the given id.
func (r *reader) Organisation(ctx context.Context, id int64) (*alliance.Organisation, error) {
	o, err := scanOrg(r.q.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("organisation %d: %w", id, translate(err, nil))
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
		retention_days, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		o.Name, sqlstore.NameKey(o.Name), o.Type, o.Country, languagesJSON(o.Languages), o.RetentionDays,
		micro(o.CreatedAt)).Scan(&o.ID)
	if err != nil {
		return fmt.Errorf("create organisation: %w", translate(err, nil))
	}
	return nil
}

// UpdateOrganisation writes the name, type, country, languages and retention
// period of o.
func (t *tx) UpdateOrganisation(ctx context.Context, o *alliance.Organisation) error {
	res, err := t.q.ExecContext(ctx, `UPDATE organisations
		SET name = ?, name_key = ?, type = ?, country = ?, languages = ?, retention_days = ? WHERE id = ?`,
		o.Name, sqlstore.NameKey(o.Name), o.Type, o.Country, languagesJSON(o.Languages), o.RetentionDays, o.ID)
	if err != nil {
		return fmt.Errorf("update organisation %d: %w", o.ID, translate(err, nil))
	}
	if n, err := sqlstore.Affected(res); err != nil || n == 0 {
		return fmt.Errorf("update organisation %d: %w", o.ID, sqlstore.OrNotFound(err))
	}
	return nil
}
