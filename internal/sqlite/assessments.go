package sqlite

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
	var caseID, completed sql.NullInt64
	var created, updated int64
	dest := append([]any{&a.ID, &a.OrgID, &caseID, &a.Catalog, &a.CatalogVersion, &a.Questionnaire,
		&a.QuestionnaireVersion, &a.WorkerLang, &a.Status, &a.CreatedBy, &created, &updated, &completed,
		&a.Revision}, sealed...)
	if err := r.Scan(dest...); err != nil {
		return nil, err
	}
	a.CaseID = caseID.Int64
	a.CreatedAt, a.UpdatedAt, a.CompletedAt = fromMicro(created), fromMicro(updated), timePtr(completed)
	return &a, nil
}

// Assessment returns the assessment with the given id, its answers and result
// opened.
func (r *reader) Assessment(ctx context.Context, id int64) (*alliance.Assessment, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	var answers, result []byte
	a, err := scanAssessment(r.q.QueryRowContext(ctx, `SELECT `+assessmentColumns+`, answers, result
		FROM assessments WHERE id = ?`, id), &answers, &result)
	if err != nil {
		return nil, fmt.Errorf("assessment %d: %w", id, translate(err, nil))
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

// assessmentsQuery builds the list query of f: a few fixed queries, so that
// the statement cache holds each once.
func assessmentsQuery(f alliance.AssessmentFilter) (string, []any, error) {
	limit, err := sqlstore.AssessmentLimit(f)
	if err != nil {
		return "", nil, err
	}
	where, args := `org_id = ?`, []any{f.OrgID}
	if f.Status != "" {
		where, args = where+` AND status = ?`, append(args, f.Status)
	}
	if f.CaseID != 0 {
		where, args = where+` AND case_id = ?`, append(args, f.CaseID)
	}
	return `SELECT ` + assessmentColumns + ` FROM assessments WHERE ` + where + `
		ORDER BY updated_at DESC, id DESC LIMIT ?`, append(args, limit), nil
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
		updated_at, completed_at, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`,
		a.OrgID, sqlstore.NullID(a.CaseID), a.Catalog, a.CatalogVersion, a.Questionnaire, a.QuestionnaireVersion,
		a.WorkerLang, a.Status, answers, result, a.CreatedBy, micro(a.CreatedAt), micro(a.UpdatedAt),
		ptrMicro(a.CompletedAt)).Scan(&a.ID)
	if err != nil {
		var ref *alliance.Error
		if isForeignKey(err) {
			ref = t.assessmentRef(ctx, a.OrgID)
		}
		return fmt.Errorf("create assessment: %w", translate(err, ref))
	}
	a.Revision = 1
	return nil
}

// assessmentRef tells which foreign key of a new assessment broke, as
// PostgreSQL does by itself: the organisation when it does not exist, else
// the user who created it.
func (t *tx) assessmentRef(ctx context.Context, orgID int64) *alliance.Error {
	var n int
	err := t.q.QueryRowContext(ctx, `SELECT count(*) FROM organisations WHERE id = ?`, orgID).Scan(&n)
	if err == nil && n == 0 {
		return refOrganisation
	}
	return refUser
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
	res, err := t.q.ExecContext(ctx, `UPDATE assessments SET case_id = ?, status = ?, worker_lang = ?, answers = ?, result = ?,
		updated_at = ?, completed_at = ?, revision = revision + 1 WHERE id = ? AND revision = ?`,
		sqlstore.NullID(a.CaseID), a.Status, a.WorkerLang, answers, result, micro(updated), ptrMicro(completed),
		a.ID, a.Revision)
	if err != nil {
		return fmt.Errorf("update assessment %d: %w", a.ID, translate(err, nil))
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
	if err := t.q.QueryRowContext(ctx, `SELECT count(*) FROM assessments WHERE id = ?`, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return alliance.ErrNotFound
	}
	return sqlstore.AssessmentChanged()
}
