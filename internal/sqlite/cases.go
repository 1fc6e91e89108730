package sqlite

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
	var assigned, decidedBy, decidedAt, closed, erased sql.NullInt64
	var created, updated int64
	err := r.Scan(&k.ID, &k.OrgID, &k.Reference, &k.Stage, &assigned, &cols.Person, &k.Person.Gender,
		&cols.Citizenships, &cols.Languages, &k.TraffickingStatus, &decidedBy, &decidedAt, &cols.Exploitation,
		&cols.MethodsOfControl, &k.Industry, &cols.Recruitment, &k.CreatedBy, &created, &updated, &closed,
		&k.Referred, &erased, &k.Revision)
	if err != nil {
		return nil, nil, err
	}
	k.AssignedTo, k.StatusDecidedBy, k.StatusDecidedAt = assigned.Int64, decidedBy.Int64, timePtr(decidedAt)
	k.CreatedAt, k.UpdatedAt, k.ClosedAt = fromMicro(created), fromMicro(updated), timePtr(closed)
	k.ErasedAt = timePtr(erased)
	return &k, &cols, nil
}

// Case returns the case with the given id, its person opened.
func (r *reader) Case(ctx context.Context, id int64) (*alliance.Case, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	k, cols, err := scanCase(r.q.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM cases WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("case %d: %w", id, translate(err, nil))
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
// order, so that the statement cache holds one statement per combination of
// filters. A list value is found whole with instr(column, ',value,').
func casesQuery(f alliance.CaseFilter) (string, []any, error) {
	limit, err := sqlstore.CaseLimit(f)
	if err != nil {
		return "", nil, err
	}
	where, args := []string{`org_id = ?`}, []any{f.OrgID}
	add := func(cond string, vals ...any) {
		where = append(where, cond)
		args = append(args, vals...)
	}
	if f.Stage != "" {
		add(`stage = ?`, string(f.Stage))
	}
	if f.HTCDSStatus != "" {
		cond, err := sqlstore.HTCDSCondition(f.HTCDSStatus)
		if err != nil {
			return "", nil, err
		}
		add(cond)
	}
	if f.AssignedTo != 0 {
		add(`assigned_to = ?`, f.AssignedTo)
	}
	if f.Exploitation != "" {
		add(`instr(exploitation, ?) > 0`, sqlstore.ListItem(f.Exploitation))
	}
	if f.Industry != "" {
		add(`industry = ?`, f.Industry)
	}
	if f.Citizenship != "" {
		add(`instr(citizenships, ?) > 0`, sqlstore.ListItem(f.Citizenship))
	}
	if f.After > 0 {
		add(`id < ?`, f.After)
	}
	return `SELECT ` + caseColumns + ` FROM cases WHERE ` + strings.Join(where, ` AND `) +
		` ORDER BY id DESC LIMIT ?`, append(args, limit), nil
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
		revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`,
		k.OrgID, k.Reference, string(k.Stage), sqlstore.NullID(k.AssignedTo), cols.Person, k.Person.Gender,
		cols.Citizenships, cols.Languages, k.TraffickingStatus, sqlstore.NullID(k.StatusDecidedBy),
		ptrMicro(k.StatusDecidedAt), cols.Exploitation, cols.MethodsOfControl, k.Industry, cols.Recruitment,
		k.CreatedBy, micro(k.CreatedAt), micro(k.UpdatedAt), ptrMicro(k.ClosedAt), k.Referred,
		ptrMicro(k.ErasedAt)).Scan(&k.ID)
	if err != nil {
		var ref *alliance.Error
		if isForeignKey(err) {
			ref = t.missingRef(ctx, refUser, refCheck{"organisations", k.OrgID, refOrganisation},
				refCheck{"users", k.AssignedTo, refAssignee}, refCheck{"organisations", k.StatusDecidedBy, refDecidedBy})
		}
		return fmt.Errorf("create case: %w", sqlstore.ReferenceUsed(translate(err, ref), k.Reference))
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
	res, err := t.q.ExecContext(ctx, `UPDATE cases SET reference = ?, stage = ?, assigned_to = ?, person = ?,
		gender = ?, citizenships = ?, languages = ?, trafficking_status = ?, status_decided_by = ?,
		status_decided_at = ?, exploitation = ?, methods_of_control = ?, industry = ?, recruitment = ?,
		updated_at = ?, closed_at = ?, referred = ?, erased_at = ?, revision = revision + 1 WHERE id = ? AND revision = ?`,
		k.Reference, string(k.Stage), sqlstore.NullID(k.AssignedTo), cols.Person, k.Person.Gender,
		cols.Citizenships, cols.Languages, k.TraffickingStatus, sqlstore.NullID(k.StatusDecidedBy),
		ptrMicro(decidedAt), cols.Exploitation, cols.MethodsOfControl, k.Industry, cols.Recruitment,
		micro(updated), ptrMicro(closed), k.Referred, ptrMicro(erased), k.ID, k.Revision)
	if err != nil {
		var ref *alliance.Error
		if isForeignKey(err) {
			ref = t.missingRef(ctx, refDecidedBy, refCheck{"users", k.AssignedTo, refAssignee})
		}
		return fmt.Errorf("update case %d: %w", k.ID, sqlstore.ReferenceUsed(translate(err, ref), k.Reference))
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
		var at int64
		if err := s.Scan(&tr.ID, &tr.CaseID, &tr.From, &tr.To, &reason, &tr.By, &at); err != nil {
			return nil, err
		}
		tr.At = fromMicro(at)
		if tr.Reason, err = sqlstore.OpenText(c, alliance.ColTransitionReason, reason); err != nil {
			return nil, fmt.Errorf("transition %d: %w", tr.ID, err)
		}
		return &tr, nil
	}, `SELECT id, case_id, from_stage, to_stage, reason, moved_by, moved_at FROM case_transitions
		WHERE case_id = ? ORDER BY moved_at, id`, caseID)
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
		moved_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		tr.CaseID, string(tr.From), string(tr.To), reason, tr.By, micro(tr.At)).Scan(&tr.ID)
	if err != nil {
		var ref *alliance.Error
		if isForeignKey(err) {
			ref = t.missingRef(ctx, refUser, refCheck{"cases", tr.CaseID, refCase})
		}
		return fmt.Errorf("add transition: %w", translate(err, ref))
	}
	return nil
}

const consentColumns = `id, case_id, services, statistics, shares, method, language, given_at, recorded_by,
	withdrawn_at, withdrawn_by`

func scanConsent(r sqlstore.Scanner) (*alliance.Consent, error) {
	var k alliance.Consent
	var shares string
	var given int64
	var withdrawn, withdrawnBy sql.NullInt64
	err := r.Scan(&k.ID, &k.CaseID, &k.Services, &k.Statistics, &shares, &k.Method, &k.Language, &given,
		&k.RecordedBy, &withdrawn, &withdrawnBy)
	if err != nil {
		return nil, err
	}
	if k.Shares, err = sqlstore.ParseJSONList[alliance.ConsentShare](shares); err != nil {
		return nil, fmt.Errorf("consent %d: shares: %w", k.ID, err)
	}
	k.GivenAt, k.WithdrawnAt, k.WithdrawnBy = fromMicro(given), timePtr(withdrawn), withdrawnBy.Int64
	return &k, nil
}

// Consents lists the consents of a case, newest first.
func (r *reader) Consents(ctx context.Context, caseID int64) ([]alliance.Consent, error) {
	return sqlstore.List(ctx, r.q, "list consents", scanConsent, `SELECT `+consentColumns+` FROM consents
		WHERE case_id = ? ORDER BY given_at DESC, id DESC`, caseID)
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
		given_at, recorded_by, withdrawn_at, withdrawn_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		k.CaseID, k.Services, k.Statistics, shares, k.Method, k.Language, micro(k.GivenAt), k.RecordedBy,
		ptrMicro(k.WithdrawnAt), sqlstore.NullID(k.WithdrawnBy)).Scan(&k.ID)
	if err != nil {
		var ref *alliance.Error
		if isForeignKey(err) {
			ref = t.missingRef(ctx, refUser, refCheck{"cases", k.CaseID, refCase})
		}
		return fmt.Errorf("create consent: %w", translate(err, ref))
	}
	return nil
}

// WithdrawConsent ends consent id at at (now when zero), withdrawn by user by.
// A consent already withdrawn is refused with CodeConflict, a missing one
// with CodeNotFound.
func (t *tx) WithdrawConsent(ctx context.Context, id int64, at time.Time, by int64) error {
	sqlstore.Stamp(&at)
	res, err := t.q.ExecContext(ctx, `UPDATE consents SET withdrawn_at = ?, withdrawn_by = ?
		WHERE id = ? AND withdrawn_at IS NULL`, micro(at), sqlstore.NullID(by), id)
	if err != nil {
		return fmt.Errorf("withdraw consent %d: %w", id, translate(err, refUser))
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
	var created int64
	var answeredBy, answered sql.NullInt64
	err := r.Scan(&x.ID, &x.CaseID, &x.FromOrg, &x.ToOrg, &x.Reason, &sealed.Details, &x.Urgency, &groups,
		&sealed.Override, &x.Status, &x.CreatedBy, &created, &answeredBy, &answered, &sealed.AnswerReason, &x.Revision)
	if err != nil {
		return nil, err
	}
	x.CreatedAt, x.AnsweredBy, x.AnsweredAt = fromMicro(created), answeredBy.Int64, timePtr(answered)
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
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	x, err := scanReferral(r.q.QueryRowContext(ctx, `SELECT `+referralColumns+` FROM referrals WHERE id = ?`, id), c)
	if err != nil {
		return nil, fmt.Errorf("referral %d: %w", id, translate(err, nil))
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
	var args []any
	for _, c := range []struct {
		cond string
		set  bool
		val  any
	}{
		{`case_id = ?`, f.CaseID != 0, f.CaseID},
		{`from_org = ?`, f.FromOrg != 0, f.FromOrg},
		{`to_org = ?`, f.ToOrg != 0, f.ToOrg},
		{`status = ?`, f.Status != "", f.Status},
	} {
		if c.set {
			where = append(where, c.cond)
			args = append(args, c.val)
		}
	}
	if a := f.After; a != nil {
		at := micro(a.CreatedAt)
		where = append(where, `(created_at < ? OR (created_at = ? AND id < ?))`)
		args = append(args, at, at, a.ID)
	}
	return `SELECT ` + referralColumns + ` FROM referrals WHERE ` + strings.Join(where, ` AND `) +
		` ORDER BY created_at DESC, id DESC LIMIT ?`, append(args, limit), nil
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
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`,
		x.CaseID, x.FromOrg, x.ToOrg, x.Reason, sealed.Details, x.Urgency, groups, sealed.Override, x.Status,
		x.CreatedBy, micro(x.CreatedAt), sqlstore.NullID(x.AnsweredBy), ptrMicro(x.AnsweredAt),
		sealed.AnswerReason).Scan(&x.ID)
	if err != nil {
		var ref *alliance.Error
		if isForeignKey(err) {
			ref = t.missingRef(ctx, refUser, refCheck{"cases", x.CaseID, refCase},
				refCheck{"organisations", x.FromOrg, refFromOrg}, refCheck{"organisations", x.ToOrg, refToOrg})
		}
		return fmt.Errorf("create referral: %w", translate(err, ref))
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
	res, err := t.q.ExecContext(ctx, `UPDATE referrals SET status = ?, answered_by = ?, answered_at = ?,
		answer_reason = ?, revision = revision + 1 WHERE id = ? AND revision = ?`,
		x.Status, sqlstore.NullID(x.AnsweredBy), ptrMicro(answered), answer, x.ID, x.Revision)
	if err != nil {
		return fmt.Errorf("update referral %d: %w", x.ID, translate(err, refUser))
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

// refCheck is a foreign key of a statement: the id it refers to in table,
// and the error to give when that row does not exist.
type refCheck struct {
	table string
	id    int64
	ref   *alliance.Error
}

// missingRef tells which foreign key of a statement broke, as PostgreSQL does
// by itself: the first of checks whose row does not exist, else otherwise. A
// check of id 0 (NULL, no reference) never broke.
func (t *tx) missingRef(ctx context.Context, otherwise *alliance.Error, checks ...refCheck) *alliance.Error {
	for _, c := range checks {
		if c.id == 0 {
			continue
		}
		var n int
		err := t.q.QueryRowContext(ctx, `SELECT count(*) FROM `+c.table+` WHERE id = ?`, c.id).Scan(&n)
		if err == nil && n == 0 {
			return c.ref
		}
	}
	return otherwise
}

// missed explains why an update of the row id of table changed none: the row
// does not exist, or it changed (the error of changed).
func (t *tx) missed(ctx context.Context, table string, id int64, changed func() error) error {
	var n int
	if err := t.q.QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE id = ?`, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return alliance.ErrNotFound
	}
	return changed()
}
