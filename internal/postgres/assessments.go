package postgres

import (
	"context"
	"database/sql"
	"fmt"

	"alliance"
	"alliance/internal/sqlstore"
)

// assessmentColumns are the columns of a list; a full read adds the sealed
// answers and result.
const assessmentColumns = `id, org_id, case_id, catalog, catalog_version, questionnaire,
	questionnaire_version, worker_lang, status, created_by, created_at, updated_at, completed_at, revision`

// scanAssessment reads an assessment row; sealed receives the columns that
// follow assessmentColumns, if any.
func scanAssessment(r sqlstore.Scanner, sealed ...any) (*alliance.Assessment, error) {
	var a alliance.Assessment
	var caseID sql.NullInt64
	var completed sql.NullTime
	dest := append([]any{&a.ID, &a.OrgID, &caseID, &a.Catalog, &a.CatalogVersion, &a.Questionnaire,
		&a.QuestionnaireVersion, &a.WorkerLang, &a.Status, &a.CreatedBy, &a.CreatedAt, &a.UpdatedAt, &completed,
		&a.Revision}, sealed...)
	if err := r.Scan(dest...); err != nil {
		return nil, err
	}
	a.CaseID = caseID.Int64
	a.CreatedAt, a.UpdatedAt, a.CompletedAt = utc(a.CreatedAt), utc(a.UpdatedAt), timePtr(completed)
	return &a, nil
}

// Assessment returns the assessment with the given id, its answers and result
// opened.
func (r *reader) Assessment(ctx context.Context, id int64) (*alliance.Assessment, error) {
	return r.readAssessment(ctx, id, "")
}

// Assessment reads the assessment and locks its row until the transaction
// ends, as User does: two saves of one interview at once (an answer sent as it
// is given, and the form of its page) then run one after the other and both
// merge, instead of the second failing on a revision the first moved.
func (t *tx) Assessment(ctx context.Context, id int64) (*alliance.Assessment, error) {
	return t.readAssessment(ctx, id, " FOR NO KEY UPDATE")
}

func (r *reader) readAssessment(ctx context.Context, id int64, lock string) (*alliance.Assessment, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	var answers, result []byte
	a, err := scanAssessment(r.q.QueryRowContext(ctx, `SELECT `+assessmentColumns+`, answers, result
		FROM assessments WHERE id = $1`+lock, id), &answers, &result)
	if err != nil {
		return nil, fmt.Errorf("assessment %d: %w", id, translate(err))
	}
	if err := sqlstore.OpenAssessment(c, a, answers, result); err != nil {
		return nil, fmt.Errorf("assessment %d: %w", id, err)
	}
	return a, nil
}

// Assessments lists the assessments of f.OrgID, most recently updated first,
// at most f.Limit (default 100, at most 1000). It reads neither the answers
// nor the results, and leaves them nil.
func (r *reader) Assessments(ctx context.Context, f alliance.AssessmentFilter) ([]alliance.Assessment, error) {
	query, args, err := assessmentsQuery(f)
	if err != nil {
		return nil, err
	}
	return sqlstore.List(ctx, r.q, "list assessments", func(s sqlstore.Scanner) (*alliance.Assessment, error) {
		return scanAssessment(s)
	}, query, args...)
}

// assessmentsQuery builds the list query of f.
func assessmentsQuery(f alliance.AssessmentFilter) (string, []any, error) {
	limit, err := sqlstore.AssessmentLimit(f)
	if err != nil {
		return "", nil, err
	}
	where, args := `org_id = $1`, []any{f.OrgID}
	if f.Status != "" {
		args = append(args, f.Status)
		where += fmt.Sprintf(` AND status = $%d`, len(args))
	}
	if f.CaseID != 0 {
		args = append(args, f.CaseID)
		where += fmt.Sprintf(` AND case_id = $%d`, len(args))
	}
	args = append(args, limit)
	return `SELECT ` + assessmentColumns + ` FROM assessments WHERE ` + where + fmt.Sprintf(`
		ORDER BY updated_at DESC, id DESC LIMIT $%d`, len(args)), args, nil
}

// CreateAssessment stores a, sealing its answers and result, sets its ID and
// Revision 1, CreatedAt when zero and UpdatedAt, when zero, to CreatedAt.
func (t *tx) CreateAssessment(ctx context.Context, a *alliance.Assessment) error {
	c, err := t.keys.Cipher()
	if err != nil {
		return err
	}
	answers, result, err := sqlstore.SealAssessment(c, a)
	if err != nil {
		return fmt.Errorf("create assessment: %w", err)
	}
	sqlstore.StampAssessment(a)
	err = t.q.QueryRowContext(ctx, `INSERT INTO assessments (org_id, case_id, catalog, catalog_version,
		questionnaire, questionnaire_version, worker_lang, status, answers, result, created_by, created_at,
		updated_at, completed_at, revision) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1)
		RETURNING id`,
		a.OrgID, sqlstore.NullID(a.CaseID), a.Catalog, a.CatalogVersion, a.Questionnaire, a.QuestionnaireVersion,
		a.WorkerLang, a.Status, answers, result, a.CreatedBy, a.CreatedAt, a.UpdatedAt,
		ptrTime(a.CompletedAt)).Scan(&a.ID)
	if err != nil {
		return fmt.Errorf("create assessment: %w", translate(err))
	}
	a.Revision = 1
	return nil
}

// UpdateAssessment writes the case, status, answers, result, UpdatedAt (now
// when zero) and CompletedAt of a if the stored revision is still a.Revision,
// and then increments a.Revision. When it fails, a is left as it was.
func (t *tx) UpdateAssessment(ctx context.Context, a *alliance.Assessment) error {
	c, err := t.keys.Cipher()
	if err != nil {
		return err
	}
	answers, result, err := sqlstore.SealAssessment(c, a)
	if err != nil {
		return fmt.Errorf("update assessment %d: %w", a.ID, err)
	}
	updated, completed := a.UpdatedAt, sqlstore.Truncated(a.CompletedAt)
	sqlstore.Stamp(&updated)
	res, err := t.q.ExecContext(ctx, `UPDATE assessments SET case_id = $1, status = $2, worker_lang = $3, answers = $4, result = $5,
		updated_at = $6, completed_at = $7, revision = revision + 1 WHERE id = $8 AND revision = $9`,
		sqlstore.NullID(a.CaseID), a.Status, a.WorkerLang, answers, result, updated, ptrTime(completed),
		a.ID, a.Revision)
	if err != nil {
		return fmt.Errorf("update assessment %d: %w", a.ID, translate(err))
	}
	n, err := sqlstore.Affected(res)
	if err == nil && n == 0 {
		err = t.assessmentMissed(ctx, a.ID)
	}
	if err != nil {
		return fmt.Errorf("update assessment %d: %w", a.ID, err)
	}
	a.UpdatedAt, a.CompletedAt = updated, completed
	a.Revision++
	return nil
}

// assessmentMissed explains why an update changed no row: the assessment does
// not exist, or its revision moved on.
func (t *tx) assessmentMissed(ctx context.Context, id int64) error {
	var n int
	if err := t.q.QueryRowContext(ctx, `SELECT count(*) FROM assessments WHERE id = $1`, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return alliance.ErrNotFound
	}
	return sqlstore.AssessmentChanged()
}
