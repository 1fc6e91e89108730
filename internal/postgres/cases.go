package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"alliance"
	"alliance/internal/sqlstore"
)

// caseColumns are the columns of a case, in the order scanCase reads them.
const caseColumns = `id, org_id, reference, stage, assigned_to, person, gender, citizenships, languages,
	trafficking_status, status_decided_by, status_decided_at, exploitation, methods_of_control, industry,
	recruitment, created_by, created_at, updated_at, closed_at, referred, erased_at, revision`

// scanCase reads a case row; the person and the lists are left in cols, for
// sqlstore.OpenCase.
func scanCase(r sqlstore.Scanner) (*alliance.Case, *sqlstore.CaseColumns, error) {
	var k alliance.Case
	var cols sqlstore.CaseColumns
	var assigned, decidedBy sql.NullInt64
	var decidedAt, closed, erased sql.NullTime
	err := r.Scan(&k.ID, &k.OrgID, &k.Reference, &k.Stage, &assigned, &cols.Person, &k.Person.Gender,
		&cols.Citizenships, &cols.Languages, &k.TraffickingStatus, &decidedBy, &decidedAt, &cols.Exploitation,
		&cols.MethodsOfControl, &k.Industry, &cols.Recruitment, &k.CreatedBy, &k.CreatedAt, &k.UpdatedAt, &closed,
		&k.Referred, &erased, &k.Revision)
	if err != nil {
		return nil, nil, err
	}
	k.AssignedTo, k.StatusDecidedBy, k.StatusDecidedAt = assigned.Int64, decidedBy.Int64, timePtr(decidedAt)
	k.CreatedAt, k.UpdatedAt, k.ClosedAt = utc(k.CreatedAt), utc(k.UpdatedAt), timePtr(closed)
	k.ErasedAt = timePtr(erased)
	return &k, &cols, nil
}

// Case returns the case with the given id, its person opened.
func (r *reader) Case(ctx context.Context, id int64) (*alliance.Case, error) {
	return r.readCase(ctx, id, "")
}

// Case reads the case and locks its row until the transaction ends, as
// Assessment does: two changes of one case at once (a stage change and an
// edit of the person, say) then run one after the other and both merge,
// instead of the second failing on a revision the first moved. The lock
// lets rows that refer to the case (transitions, consents, referrals) be
// added meanwhile.
func (t *tx) Case(ctx context.Context, id int64) (*alliance.Case, error) {
	return t.readCase(ctx, id, " FOR NO KEY UPDATE")
}

func (r *reader) readCase(ctx context.Context, id int64, lock string) (*alliance.Case, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	k, cols, err := scanCase(r.q.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM cases WHERE id = $1`+lock, id))
	if err != nil {
		return nil, fmt.Errorf("case %d: %w", id, translate(err))
	}
	if err := sqlstore.OpenCase(c, k, cols); err != nil {
		return nil, fmt.Errorf("case %d: %w", id, err)
	}
	return k, nil
}

// Cases lists the cases of f.OrgID that match f, newest first (by id, below
// f.After when set), at most f.Limit (default 50, at most 500), their persons
// opened.
func (r *reader) Cases(ctx context.Context, f alliance.CaseFilter) ([]alliance.Case, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	query, args, err := casesQuery(f)
	if err != nil {
		return nil, err
	}
	return sqlstore.List(ctx, r.q, "list cases", func(s sqlstore.Scanner) (*alliance.Case, error) {
		k, cols, err := scanCase(s)
		if err != nil {
			return nil, err
		}
		if err := sqlstore.OpenCase(c, k, cols); err != nil {
			return nil, fmt.Errorf("case %d: %w", k.ID, err)
		}
		return k, nil
	}, query, args...)
}

// casesQuery builds the list query of f: the conditions are ANDed in a fixed
// order. A list value is found whole with strpos(column, ',value,').
func casesQuery(f alliance.CaseFilter) (string, []any, error) {
	limit, err := sqlstore.CaseLimit(f)
	if err != nil {
		return "", nil, err
	}
	var a args
	where := []string{`org_id = ` + a.add(f.OrgID)}
	if f.Stage != "" {
		where = append(where, `stage = `+a.add(string(f.Stage)))
	}
	if f.HTCDSStatus != "" {
		cond, err := sqlstore.HTCDSCondition(f.HTCDSStatus)
		if err != nil {
			return "", nil, err
		}
		where = append(where, cond)
	}
	if f.AssignedTo != 0 {
		where = append(where, `assigned_to = `+a.add(f.AssignedTo))
	}
	if f.Exploitation != "" {
		where = append(where, `strpos(exploitation, `+a.add(sqlstore.ListItem(f.Exploitation))+`) > 0`)
	}
	if f.Industry != "" {
		where = append(where, `industry = `+a.add(f.Industry))
	}
	if f.Citizenship != "" {
		where = append(where, `strpos(citizenships, `+a.add(sqlstore.ListItem(f.Citizenship))+`) > 0`)
	}
	if f.After > 0 {
		where = append(where, `id < `+a.add(f.After))
	}
	return `SELECT ` + caseColumns + ` FROM cases WHERE ` + strings.Join(where, ` AND `) +
		` ORDER BY id DESC LIMIT ` + a.add(limit), a, nil
}

// CreateCase stores k, sealing its person, sets its ID and Revision 1,
// CreatedAt when zero and UpdatedAt, when zero, to CreatedAt. A reference
// already used in the organisation is refused with CodeConflict.
func (t *tx) CreateCase(ctx context.Context, k *alliance.Case) error {
	c, err := t.keys.Cipher()
	if err != nil {
		return err
	}
	cols, err := sqlstore.SealCase(c, k)
	if err != nil {
		return fmt.Errorf("create case: %w", err)
	}
	sqlstore.StampCase(k)
	err = t.q.QueryRowContext(ctx, `INSERT INTO cases (org_id, reference, stage, assigned_to, person, gender,
		citizenships, languages, trafficking_status, status_decided_by, status_decided_at, exploitation,
		methods_of_control, industry, recruitment, created_by, created_at, updated_at, closed_at, referred, erased_at,
		revision) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
		$21, 1) RETURNING id`,
		k.OrgID, k.Reference, string(k.Stage), sqlstore.NullID(k.AssignedTo), cols.Person, k.Person.Gender,
		cols.Citizenships, cols.Languages, k.TraffickingStatus, sqlstore.NullID(k.StatusDecidedBy),
		ptrTime(k.StatusDecidedAt), cols.Exploitation, cols.MethodsOfControl, k.Industry, cols.Recruitment,
		k.CreatedBy, k.CreatedAt, k.UpdatedAt, ptrTime(k.ClosedAt), k.Referred, ptrTime(k.ErasedAt)).Scan(&k.ID)
	if err != nil {
		return fmt.Errorf("create case: %w", sqlstore.ReferenceUsed(translate(err), k.Reference))
	}
	k.Revision = 1
	return nil
}

// UpdateCase writes every field of k but its organisation, creator and
// creation time, UpdatedAt now when zero, if the stored revision is still
// k.Revision, and then increments k.Revision. When it fails, k is left as it
// was.
func (t *tx) UpdateCase(ctx context.Context, k *alliance.Case) error {
	c, err := t.keys.Cipher()
	if err != nil {
		return err
	}
	cols, err := sqlstore.SealCase(c, k)
	if err != nil {
		return fmt.Errorf("update case %d: %w", k.ID, err)
	}
	updated, decidedAt, closed := k.UpdatedAt, sqlstore.Truncated(k.StatusDecidedAt), sqlstore.Truncated(k.ClosedAt)
	erased := sqlstore.Truncated(k.ErasedAt)
	sqlstore.Stamp(&updated)
	res, err := t.q.ExecContext(ctx, `UPDATE cases SET reference = $1, stage = $2, assigned_to = $3, person = $4,
		gender = $5, citizenships = $6, languages = $7, trafficking_status = $8, status_decided_by = $9,
		status_decided_at = $10, exploitation = $11, methods_of_control = $12, industry = $13, recruitment = $14,
		updated_at = $15, closed_at = $16, referred = $17, erased_at = $18, revision = revision + 1
		WHERE id = $19 AND revision = $20`,
		k.Reference, string(k.Stage), sqlstore.NullID(k.AssignedTo), cols.Person, k.Person.Gender,
		cols.Citizenships, cols.Languages, k.TraffickingStatus, sqlstore.NullID(k.StatusDecidedBy),
		ptrTime(decidedAt), cols.Exploitation, cols.MethodsOfControl, k.Industry, cols.Recruitment,
		updated, ptrTime(closed), k.Referred, ptrTime(erased), k.ID, k.Revision)
	if err != nil {
		return fmt.Errorf("update case %d: %w", k.ID, sqlstore.ReferenceUsed(translate(err), k.Reference))
	}
	n, err := sqlstore.Affected(res)
	if err == nil && n == 0 {
		err = t.missed(ctx, "cases", k.ID, sqlstore.CaseChanged)
	}
	if err != nil {
		return fmt.Errorf("update case %d: %w", k.ID, err)
	}
	k.UpdatedAt, k.StatusDecidedAt, k.ClosedAt, k.ErasedAt = updated, decidedAt, closed, erased
	k.Revision++
	return nil
}

// Transitions lists the stage changes of a case, oldest first.
func (r *reader) Transitions(ctx context.Context, caseID int64) ([]alliance.Transition, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	return sqlstore.List(ctx, r.q, "list transitions", func(s sqlstore.Scanner) (*alliance.Transition, error) {
		var tr alliance.Transition
		var reason []byte
		if err := s.Scan(&tr.ID, &tr.CaseID, &tr.From, &tr.To, &reason, &tr.By, &tr.At); err != nil {
			return nil, err
		}
		tr.At = utc(tr.At)
		if tr.Reason, err = sqlstore.OpenText(c, alliance.ColTransitionReason, reason); err != nil {
			return nil, fmt.Errorf("transition %d: %w", tr.ID, err)
		}
		return &tr, nil
	}, `SELECT id, case_id, from_stage, to_stage, reason, moved_by, moved_at FROM case_transitions
		WHERE case_id = $1 ORDER BY moved_at, id`, caseID)
}

// AddTransition stores tr, sealing its reason, and sets its ID (and At when
// zero).
func (t *tx) AddTransition(ctx context.Context, tr *alliance.Transition) error {
	c, err := t.keys.Cipher()
	if err != nil {
		return err
	}
	reason, err := sqlstore.SealText(c, alliance.ColTransitionReason, tr.Reason)
	if err != nil {
		return fmt.Errorf("add transition: %w", err)
	}
	sqlstore.Stamp(&tr.At)
	err = t.q.QueryRowContext(ctx, `INSERT INTO case_transitions (case_id, from_stage, to_stage, reason, moved_by,
		moved_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		tr.CaseID, string(tr.From), string(tr.To), reason, tr.By, tr.At).Scan(&tr.ID)
	if err != nil {
		return fmt.Errorf("add transition: %w", translate(err))
	}
	return nil
}

const consentColumns = `id, case_id, services, statistics, shares, method, language, given_at, recorded_by,
	withdrawn_at, withdrawn_by`

func scanConsent(r sqlstore.Scanner) (*alliance.Consent, error) {
	var k alliance.Consent
	var shares string
	var withdrawn sql.NullTime
	var withdrawnBy sql.NullInt64
	err := r.Scan(&k.ID, &k.CaseID, &k.Services, &k.Statistics, &shares, &k.Method, &k.Language, &k.GivenAt,
		&k.RecordedBy, &withdrawn, &withdrawnBy)
	if err != nil {
		return nil, err
	}
	if k.Shares, err = sqlstore.ParseJSONList[alliance.ConsentShare](shares); err != nil {
		return nil, fmt.Errorf("consent %d: shares: %w", k.ID, err)
	}
	k.GivenAt, k.WithdrawnAt, k.WithdrawnBy = utc(k.GivenAt), timePtr(withdrawn), withdrawnBy.Int64
	return &k, nil
}

// Consents lists the consents of a case, newest first.
func (r *reader) Consents(ctx context.Context, caseID int64) ([]alliance.Consent, error) {
	return sqlstore.List(ctx, r.q, "list consents", scanConsent, `SELECT `+consentColumns+` FROM consents
		WHERE case_id = $1 ORDER BY given_at DESC, id DESC`, caseID)
}

// CreateConsent stores k and sets its ID (and GivenAt when zero).
func (t *tx) CreateConsent(ctx context.Context, k *alliance.Consent) error {
	shares, err := sqlstore.JSONList(k.Shares)
	if err != nil {
		return fmt.Errorf("create consent: shares: %w", err)
	}
	sqlstore.Stamp(&k.GivenAt)
	k.WithdrawnAt = sqlstore.Truncated(k.WithdrawnAt)
	err = t.q.QueryRowContext(ctx, `INSERT INTO consents (case_id, services, statistics, shares, method, language,
		given_at, recorded_by, withdrawn_at, withdrawn_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		k.CaseID, k.Services, k.Statistics, shares, k.Method, k.Language, k.GivenAt, k.RecordedBy,
		ptrTime(k.WithdrawnAt), sqlstore.NullID(k.WithdrawnBy)).Scan(&k.ID)
	if err != nil {
		return fmt.Errorf("create consent: %w", translate(err))
	}
	return nil
}

// WithdrawConsent ends consent id at at (now when zero), withdrawn by user by.
// A consent already withdrawn is refused with CodeConflict, a missing one
// with CodeNotFound.
func (t *tx) WithdrawConsent(ctx context.Context, id int64, at time.Time, by int64) error {
	sqlstore.Stamp(&at)
	res, err := t.q.ExecContext(ctx, `UPDATE consents SET withdrawn_at = $1, withdrawn_by = $2
		WHERE id = $3 AND withdrawn_at IS NULL`, at, sqlstore.NullID(by), id)
	if err != nil {
		return fmt.Errorf("withdraw consent %d: %w", id, translate(err))
	}
	n, err := sqlstore.Affected(res)
	if err == nil && n == 0 {
		err = t.missed(ctx, "consents", id, sqlstore.ConsentWithdrawn)
	}
	if err != nil {
		return fmt.Errorf("withdraw consent %d: %w", id, err)
	}
	return nil
}

const referralColumns = `id, case_id, from_org, to_org, reason, details, urgency, groups, override, status,
	created_by, created_at, answered_by, answered_at, answer_reason, revision`

// scanReferral reads a referral row and opens its sealed columns with c.
func scanReferral(r sqlstore.Scanner, c alliance.FieldCipher) (*alliance.Referral, error) {
	var x alliance.Referral
	var sealed sqlstore.SealedReferral
	var groups string
	var answeredBy sql.NullInt64
	var answered sql.NullTime
	err := r.Scan(&x.ID, &x.CaseID, &x.FromOrg, &x.ToOrg, &x.Reason, &sealed.Details, &x.Urgency, &groups,
		&sealed.Override, &x.Status, &x.CreatedBy, &x.CreatedAt, &answeredBy, &answered, &sealed.AnswerReason, &x.Revision)
	if err != nil {
		return nil, err
	}
	x.CreatedAt, x.AnsweredBy, x.AnsweredAt = utc(x.CreatedAt), answeredBy.Int64, timePtr(answered)
	if x.Groups, err = sqlstore.ParseJSONList[string](groups); err != nil {
		return nil, fmt.Errorf("referral %d: groups: %w", x.ID, err)
	}
	if err := sqlstore.OpenReferral(c, &x, &sealed); err != nil {
		return nil, fmt.Errorf("referral %d: %w", x.ID, err)
	}
	return &x, nil
}

// Referral returns the referral with the given id, its sealed fields opened.
func (r *reader) Referral(ctx context.Context, id int64) (*alliance.Referral, error) {
	return r.readReferral(ctx, id, "")
}

// Referral reads the referral and locks its row until the transaction ends,
// as Case does: two answers at once run one after the other.
func (t *tx) Referral(ctx context.Context, id int64) (*alliance.Referral, error) {
	return t.readReferral(ctx, id, " FOR NO KEY UPDATE")
}

func (r *reader) readReferral(ctx context.Context, id int64, lock string) (*alliance.Referral, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	x, err := scanReferral(r.q.QueryRowContext(ctx, `SELECT `+referralColumns+` FROM referrals WHERE id = $1`+lock, id), c)
	if err != nil {
		return nil, fmt.Errorf("referral %d: %w", id, translate(err))
	}
	return x, nil
}

// Referrals lists the referrals matching f, newest first, at most f.Limit
// (default 100, at most 1000).
func (r *reader) Referrals(ctx context.Context, f alliance.ReferralFilter) ([]alliance.Referral, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	query, args, err := referralsQuery(f)
	if err != nil {
		return nil, err
	}
	return sqlstore.List(ctx, r.q, "list referrals", func(s sqlstore.Scanner) (*alliance.Referral, error) {
		return scanReferral(s, c)
	}, query, args...)
}

// referralsQuery builds the list query of f, its conditions in a fixed order.
func referralsQuery(f alliance.ReferralFilter) (string, []any, error) {
	limit, err := sqlstore.ReferralLimit(f)
	if err != nil {
		return "", nil, err
	}
	var where []string
	var a args
	for _, c := range []struct {
		col string
		set bool
		val any
	}{
		{`case_id`, f.CaseID != 0, f.CaseID},
		{`from_org`, f.FromOrg != 0, f.FromOrg},
		{`to_org`, f.ToOrg != 0, f.ToOrg},
		{`status`, f.Status != "", f.Status},
	} {
		if c.set {
			where = append(where, c.col+` = `+a.add(c.val))
		}
	}
	if after := f.After; after != nil {
		at := after.CreatedAt.UTC().Truncate(time.Microsecond)
		where = append(where, `(created_at < `+a.add(at)+` OR (created_at = `+a.add(at)+` AND id < `+a.add(after.ID)+`))`)
	}
	return `SELECT ` + referralColumns + ` FROM referrals WHERE ` + strings.Join(where, ` AND `) +
		` ORDER BY created_at DESC, id DESC LIMIT ` + a.add(limit), a, nil
}

// CreateReferral stores x, sealing its details, override and answer reason,
// and sets its ID, Revision 1 and CreatedAt when zero.
func (t *tx) CreateReferral(ctx context.Context, x *alliance.Referral) error {
	c, err := t.keys.Cipher()
	if err != nil {
		return err
	}
	sealed, err := sqlstore.SealReferral(c, x)
	if err != nil {
		return fmt.Errorf("create referral: %w", err)
	}
	groups, err := sqlstore.JSONList(x.Groups)
	if err != nil {
		return fmt.Errorf("create referral: groups: %w", err)
	}
	sqlstore.Stamp(&x.CreatedAt)
	x.AnsweredAt = sqlstore.Truncated(x.AnsweredAt)
	err = t.q.QueryRowContext(ctx, `INSERT INTO referrals (case_id, from_org, to_org, reason, details, urgency,
		groups, override, status, created_by, created_at, answered_by, answered_at, answer_reason, revision)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1) RETURNING id`,
		x.CaseID, x.FromOrg, x.ToOrg, x.Reason, sealed.Details, x.Urgency, groups, sealed.Override, x.Status,
		x.CreatedBy, x.CreatedAt, sqlstore.NullID(x.AnsweredBy), ptrTime(x.AnsweredAt),
		sealed.AnswerReason).Scan(&x.ID)
	if err != nil {
		return fmt.Errorf("create referral: %w", translate(err))
	}
	x.Revision = 1
	return nil
}

// UpdateReferral writes the status, the answering user, time and reason of x
// if the stored revision is still x.Revision, and then increments x.Revision.
// When it fails, x is left as it was.
func (t *tx) UpdateReferral(ctx context.Context, x *alliance.Referral) error {
	c, err := t.keys.Cipher()
	if err != nil {
		return err
	}
	answer, err := sqlstore.SealText(c, alliance.ColReferralAnswer, x.AnswerReason)
	if err != nil {
		return fmt.Errorf("update referral %d: %w", x.ID, err)
	}
	answered := sqlstore.Truncated(x.AnsweredAt)
	res, err := t.q.ExecContext(ctx, `UPDATE referrals SET status = $1, answered_by = $2, answered_at = $3,
		answer_reason = $4, revision = revision + 1 WHERE id = $5 AND revision = $6`,
		x.Status, sqlstore.NullID(x.AnsweredBy), ptrTime(answered), answer, x.ID, x.Revision)
	if err != nil {
		return fmt.Errorf("update referral %d: %w", x.ID, translate(err))
	}
	n, err := sqlstore.Affected(res)
	if err == nil && n == 0 {
		err = t.missed(ctx, "referrals", x.ID, sqlstore.ReferralChanged)
	}
	if err != nil {
		return fmt.Errorf("update referral %d: %w", x.ID, err)
	}
	x.AnsweredAt = answered
	x.Revision++
	return nil
}

// missed explains why an update of the row id of table changed none: the row
// does not exist, or it changed (the error of changed).
func (t *tx) missed(ctx context.Context, table string, id int64, changed func() error) error {
	var n int
	if err := t.q.QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE id = $1`, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return alliance.ErrNotFound
	}
	return changed()
}
