package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"alliance"
	"alliance/internal/sqlstore"
)

// Comments lists the comments of a case, oldest first (then in the order
// they were written), their texts opened.
func (r *reader) Comments(ctx context.Context, caseID int64) ([]alliance.Comment, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	return sqlstore.List(ctx, r.q, "list comments", func(s sqlstore.Scanner) (*alliance.Comment, error) {
		var x alliance.Comment
		var text []byte
		if err := s.Scan(&x.ID, &x.CaseID, &text, &x.By, &x.At); err != nil {
			return nil, err
		}
		x.At = utc(x.At)
		if x.Text, err = sqlstore.OpenText(c, alliance.ColCommentText, text); err != nil {
			return nil, fmt.Errorf("comment %d: %w", x.ID, err)
		}
		return &x, nil
	}, `SELECT id, case_id, text, written_by, written_at FROM case_comments
		WHERE case_id = $1 ORDER BY written_at, id`, caseID)
}

// AddComment stores x, sealing its text, and sets its ID (and At when zero).
func (t *tx) AddComment(ctx context.Context, x *alliance.Comment) error {
	c, err := t.keys.Cipher()
	if err != nil {
		return err
	}
	text, err := sqlstore.SealText(c, alliance.ColCommentText, x.Text)
	if err != nil {
		return fmt.Errorf("add comment: %w", err)
	}
	sqlstore.Stamp(&x.At)
	err = t.q.QueryRowContext(ctx, `INSERT INTO case_comments (case_id, text, written_by, written_at)
		VALUES ($1, $2, $3, $4) RETURNING id`, x.CaseID, text, x.By, x.At).Scan(&x.ID)
	if err != nil {
		return fmt.Errorf("add comment: %w", translate(err))
	}
	return nil
}

const supportColumns = `id, case_id, type, objectives, action_plan, planned_end, actual_end, created_by,
	created_at, revision`

func scanSupportPlan(s sqlstore.Scanner, c alliance.FieldCipher) (*alliance.SupportPlan, error) {
	var p alliance.SupportPlan
	var sealed sqlstore.SupportTexts
	var planned, actual sql.NullTime
	if err := s.Scan(&p.ID, &p.CaseID, &p.Type, &sealed.Objectives, &sealed.ActionPlan, &planned, &actual,
		&p.By, &p.At, &p.Revision); err != nil {
		return nil, err
	}
	p.PlannedEnd, p.ActualEnd, p.At = day(planned), day(actual), utc(p.At)
	if err := sqlstore.OpenSupportPlan(c, &p, sealed); err != nil {
		return nil, fmt.Errorf("support plan %d: %w", p.ID, err)
	}
	return &p, nil
}

// day reads a date column back as "YYYY-MM-DD", or "" for NULL.
func day(v sql.NullTime) string {
	if !v.Valid {
		return ""
	}
	return v.Time.Format(time.DateOnly)
}

// dayOrNull stores a day of sqlstore.PlanDay as a date, or NULL.
func dayOrNull(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

// SupportPlans lists the support plans of a case, oldest first (then in the
// order they were made), their texts opened.
func (r *reader) SupportPlans(ctx context.Context, caseID int64) ([]alliance.SupportPlan, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	return sqlstore.List(ctx, r.q, "list support plans", func(s sqlstore.Scanner) (*alliance.SupportPlan, error) {
		return scanSupportPlan(s, c)
	}, `SELECT `+supportColumns+` FROM support_plans WHERE case_id = $1 ORDER BY created_at, id`, caseID)
}

// SupportPlan returns the support plan with the given id, its texts opened.
func (r *reader) SupportPlan(ctx context.Context, id int64) (*alliance.SupportPlan, error) {
	return r.readSupportPlan(ctx, id, "")
}

// SupportPlan reads the support plan and locks its row until the transaction
// ends, as Case does: two updates at once run one after the other.
func (t *tx) SupportPlan(ctx context.Context, id int64) (*alliance.SupportPlan, error) {
	return t.readSupportPlan(ctx, id, " FOR NO KEY UPDATE")
}

func (r *reader) readSupportPlan(ctx context.Context, id int64, lock string) (*alliance.SupportPlan, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	p, err := scanSupportPlan(r.q.QueryRowContext(ctx, `SELECT `+supportColumns+` FROM support_plans WHERE id = $1`+lock, id), c)
	if err != nil {
		return nil, fmt.Errorf("support plan %d: %w", id, translate(err))
	}
	return p, nil
}

// CreateSupportPlan stores p, sealing its objectives and actions, and sets
// its ID, Revision 1 and At when zero.
func (t *tx) CreateSupportPlan(ctx context.Context, p *alliance.SupportPlan) error {
	c, err := t.keys.Cipher()
	if err != nil {
		return err
	}
	planned, actual, sealed, err := sqlstore.SealSupportPlan(c, p)
	if err != nil {
		return fmt.Errorf("create support plan: %w", err)
	}
	sqlstore.Stamp(&p.At)
	err = t.q.QueryRowContext(ctx, `INSERT INTO support_plans (case_id, type, objectives, action_plan,
		planned_end, actual_end, created_by, created_at, revision)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1) RETURNING id`,
		p.CaseID, p.Type, sealed.Objectives, sealed.ActionPlan, dayOrNull(planned), dayOrNull(actual),
		p.By, p.At).Scan(&p.ID)
	if err != nil {
		return fmt.Errorf("create support plan: %w", translate(err))
	}
	p.Revision = 1
	return nil
}

// UpdateSupportPlan writes the type, texts and days of p if the stored
// revision is still p.Revision, and then increments p.Revision. When it
// fails, p is left as it was.
func (t *tx) UpdateSupportPlan(ctx context.Context, p *alliance.SupportPlan) error {
	c, err := t.keys.Cipher()
	if err != nil {
		return err
	}
	planned, actual, sealed, err := sqlstore.SealSupportPlan(c, p)
	if err != nil {
		return fmt.Errorf("update support plan %d: %w", p.ID, err)
	}
	res, err := t.q.ExecContext(ctx, `UPDATE support_plans SET type = $1, objectives = $2, action_plan = $3,
		planned_end = $4, actual_end = $5, revision = revision + 1 WHERE id = $6 AND revision = $7`,
		p.Type, sealed.Objectives, sealed.ActionPlan, dayOrNull(planned), dayOrNull(actual), p.ID, p.Revision)
	if err != nil {
		return fmt.Errorf("update support plan %d: %w", p.ID, translate(err))
	}
	n, err := sqlstore.Affected(res)
	if err == nil && n == 0 {
		err = t.missed(ctx, "support_plans", p.ID, sqlstore.SupportPlanChanged)
	}
	if err != nil {
		return fmt.Errorf("update support plan %d: %w", p.ID, err)
	}
	p.Revision++
	return nil
}
