package sqlite

import (
	"context"
	"database/sql"
	"fmt"

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
		var at int64
		if err := s.Scan(&x.ID, &x.CaseID, &text, &x.By, &at); err != nil {
			return nil, err
		}
		x.At = fromMicro(at)
		if x.Text, err = sqlstore.OpenText(c, alliance.ColCommentText, text); err != nil {
			return nil, fmt.Errorf("comment %d: %w", x.ID, err)
		}
		return &x, nil
	}, `SELECT id, case_id, text, written_by, written_at FROM case_comments
		WHERE case_id = ? ORDER BY written_at, id`, caseID)
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
		VALUES (?, ?, ?, ?) RETURNING id`, x.CaseID, text, x.By, micro(x.At)).Scan(&x.ID)
	if err != nil {
		var ref *alliance.Error
		if isForeignKey(err) {
			ref = t.missingRef(ctx, refUser, refCheck{"cases", x.CaseID, refCase})
		}
		return fmt.Errorf("add comment: %w", translate(err, ref))
	}
	return nil
}

const supportColumns = `id, case_id, type, objectives, action_plan, planned_end, actual_end, created_by,
	created_at, revision`

func scanSupportPlan(s sqlstore.Scanner, c alliance.FieldCipher) (*alliance.SupportPlan, error) {
	var p alliance.SupportPlan
	var sealed sqlstore.SupportTexts
	var planned, actual sql.NullString
	var created int64
	if err := s.Scan(&p.ID, &p.CaseID, &p.Type, &sealed.Objectives, &sealed.ActionPlan, &planned, &actual,
		&p.By, &created, &p.Revision); err != nil {
		return nil, err
	}
	p.PlannedEnd, p.ActualEnd, p.At = planned.String, actual.String, fromMicro(created)
	if err := sqlstore.OpenSupportPlan(c, &p, sealed); err != nil {
		return nil, fmt.Errorf("support plan %d: %w", p.ID, err)
	}
	return &p, nil
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
	}, `SELECT `+supportColumns+` FROM support_plans WHERE case_id = ? ORDER BY created_at, id`, caseID)
}

// SupportPlan returns the support plan with the given id, its texts opened.
func (r *reader) SupportPlan(ctx context.Context, id int64) (*alliance.SupportPlan, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	p, err := scanSupportPlan(r.q.QueryRowContext(ctx, `SELECT `+supportColumns+` FROM support_plans WHERE id = ?`, id), c)
	if err != nil {
		return nil, fmt.Errorf("support plan %d: %w", id, translate(err, nil))
	}
	return p, nil
}

// dayOrNull stores a day checked by sqlstore.PlanDay as its text, or NULL.
func dayOrNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CreateSupportPlan stores p, sealing its objectives and actions, and sets
// its ID, Revision 1 and At when zero.
func (t *tx) CreateSupportPlan(ctx context.Context, p *alliance.SupportPlan) error {
	c, err := t.keys.Cipher()
	if err != nil {
		return err
	}
	_, _, sealed, err := sqlstore.SealSupportPlan(c, p)
	if err != nil {
		return fmt.Errorf("create support plan: %w", err)
	}
	sqlstore.Stamp(&p.At)
	err = t.q.QueryRowContext(ctx, `INSERT INTO support_plans (case_id, type, objectives, action_plan,
		planned_end, actual_end, created_by, created_at, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`,
		p.CaseID, p.Type, sealed.Objectives, sealed.ActionPlan, dayOrNull(p.PlannedEnd), dayOrNull(p.ActualEnd),
		p.By, micro(p.At)).Scan(&p.ID)
	if err != nil {
		var ref *alliance.Error
		if isForeignKey(err) {
			ref = t.missingRef(ctx, refUser, refCheck{"cases", p.CaseID, refCase})
		}
		return fmt.Errorf("create support plan: %w", translate(err, ref))
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
	_, _, sealed, err := sqlstore.SealSupportPlan(c, p)
	if err != nil {
		return fmt.Errorf("update support plan %d: %w", p.ID, err)
	}
	res, err := t.q.ExecContext(ctx, `UPDATE support_plans SET type = ?, objectives = ?, action_plan = ?,
		planned_end = ?, actual_end = ?, revision = revision + 1 WHERE id = ? AND revision = ?`,
		p.Type, sealed.Objectives, sealed.ActionPlan, dayOrNull(p.PlannedEnd), dayOrNull(p.ActualEnd),
		p.ID, p.Revision)
	if err != nil {
		return fmt.Errorf("update support plan %d: %w", p.ID, translate(err, nil))
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
