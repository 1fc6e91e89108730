package sqlite

import (
	"context"
	"fmt"
	"strings"
	"time"

	"alliance"
	"alliance/internal/sqlstore"
)

// EraseCaseText sets every sealed free text attached to case caseID (the
// reasons of its transitions, the details, overrides and answers of its
// referrals, the notes of its decisions, the reasons of its extensions, the
// texts of its comments and the objectives and actions of its support plans)
// to an empty value sealed under its column name; the rows themselves stay. A
// missing case is refused with CodeNotFound.
func (t *tx) EraseCaseText(ctx context.Context, caseID int64) error {
	c, err := t.keys.Cipher()
	if err != nil {
		return err
	}
	var id int64
	if err := t.q.QueryRowContext(ctx, `SELECT id FROM cases WHERE id = ?`, caseID).Scan(&id); err != nil {
		return fmt.Errorf("erase texts of case %d: %w", caseID, translate(err, nil))
	}
	err = sqlstore.EraseCaseText(ctx, t.q, c, caseID, func(table string, cols []string) string {
		return `UPDATE ` + table + ` SET ` + strings.Join(cols, ` = ?, `) + ` = ? WHERE case_id = ?`
	})
	if err != nil {
		return fmt.Errorf("erase texts of case %d: %w", caseID, err)
	}
	return nil
}

// CasesToErase returns the ids of the closed cases, of every organisation,
// not yet erased, whose organisation keeps identities for retention_days > 0
// days (of 24 hours) after closed_at and whose period ended at or before now;
// oldest closed first, at most limit (default 100, at most 1000). The stage
// and erased_at are written in the query, so that the partial index
// cases_to_erase serves it.
func (r *reader) CasesToErase(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	return sqlstore.List(ctx, r.q, "list cases to erase", func(s sqlstore.Scanner) (*int64, error) {
		var id int64
		return &id, s.Scan(&id)
	}, `SELECT c.id FROM cases c JOIN organisations o ON o.id = c.org_id
		WHERE c.stage = '`+string(alliance.StageClosure)+`' AND c.erased_at IS NULL AND c.closed_at IS NOT NULL
			AND o.retention_days > 0 AND c.closed_at + o.retention_days * ? <= ?
		ORDER BY c.closed_at, c.id LIMIT ?`, sqlstore.MicrosPerDay, micro(now), sqlstore.EraseLimit(limit))
}
