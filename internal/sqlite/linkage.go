package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"alliance"
	"alliance/internal/sqlstore"
)

const linkageRoundColumns = `id, name, orgs, threshold, status, progress, error, records, people, created_by,
	created_at, matched_at, revision`

// refRound is the foreign key of a submission or a match to its round.
var refRound = &alliance.Error{Field: "round", Message: "no such linkage round"}

func scanLinkageRound(s sqlstore.Scanner) (*alliance.LinkageRound, error) {
	var r alliance.LinkageRound
	var orgs string
	var created int64
	var matched sql.NullInt64
	if err := s.Scan(&r.ID, &r.Name, &orgs, &r.Threshold, &r.Status, &r.Progress, &r.Error, &r.Records,
		&r.People, &r.CreatedBy, &created, &matched, &r.Revision); err != nil {
		return nil, err
	}
	var err error
	if r.Orgs, err = sqlstore.SplitIDs(orgs); err != nil {
		return nil, fmt.Errorf("linkage round %d: %w", r.ID, err)
	}
	r.CreatedAt, r.MatchedAt = fromMicro(created), timePtr(matched)
	return &r, nil
}

// LinkageRounds lists every linkage round, newest first (then the last made
// first).
func (r *reader) LinkageRounds(ctx context.Context) ([]alliance.LinkageRound, error) {
	return sqlstore.List(ctx, r.q, "list linkage rounds", scanLinkageRound,
		`SELECT `+linkageRoundColumns+` FROM linkage_rounds ORDER BY created_at DESC, id DESC`)
}

// LinkageRound returns the linkage round with the given id.
func (r *reader) LinkageRound(ctx context.Context, id int64) (*alliance.LinkageRound, error) {
	x, err := scanLinkageRound(r.q.QueryRowContext(ctx,
		`SELECT `+linkageRoundColumns+` FROM linkage_rounds WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("linkage round %d: %w", id, translate(err, nil))
	}
	return x, nil
}

// LinkageSubmissions lists the submissions of a round by organisation id,
// their encodings only when withCLK is set (CLK nil otherwise).
func (r *reader) LinkageSubmissions(ctx context.Context, roundID int64, withCLK bool) ([]alliance.LinkageSubmission, error) {
	clk := "NULL"
	if withCLK {
		clk = "clk"
	}
	return sqlstore.List(ctx, r.q, "list linkage submissions", func(s sqlstore.Scanner) (*alliance.LinkageSubmission, error) {
		var x alliance.LinkageSubmission
		var at int64
		if err := s.Scan(&x.RoundID, &x.OrgID, &x.Records, &x.CLK, &x.SubmittedBy, &at); err != nil {
			return nil, err
		}
		if withCLK && x.CLK == nil {
			x.CLK = []byte{}
		}
		x.SubmittedAt = fromMicro(at)
		return &x, nil
	}, `SELECT round_id, org_id, records, `+clk+`, submitted_by, submitted_at FROM linkage_submissions
		WHERE round_id = ? ORDER BY org_id`, roundID)
}

// LinkageMatches lists the matches of an organisation's records in a round,
// by cluster, then by record id.
func (r *reader) LinkageMatches(ctx context.Context, roundID, orgID int64) ([]alliance.LinkageMatch, error) {
	return sqlstore.List(ctx, r.q, "list linkage matches", func(s sqlstore.Scanner) (*alliance.LinkageMatch, error) {
		var m alliance.LinkageMatch
		var others string
		if err := s.Scan(&m.RoundID, &m.OrgID, &m.RecordID, &m.Cluster, &others); err != nil {
			return nil, err
		}
		var err error
		if m.OtherOrgs, err = sqlstore.SplitIDs(others); err != nil {
			return nil, fmt.Errorf("match of record %q: %w", m.RecordID, err)
		}
		return &m, nil
	}, `SELECT round_id, org_id, record_id, cluster, other_orgs FROM linkage_matches
		WHERE round_id = ? AND org_id = ? ORDER BY cluster, record_id`, roundID, orgID)
}

// CreateLinkageRound stores r, after checking that each of its organisations
// exists, and sets its ID, Revision 1, Status collecting when empty and
// CreatedAt when zero.
func (t *tx) CreateLinkageRound(ctx context.Context, r *alliance.LinkageRound) error {
	if err := t.checkOrgs(ctx, r.Orgs); err != nil {
		return fmt.Errorf("create linkage round: %w", err)
	}
	x := *r
	sqlstore.StampLinkageRound(&x)
	err := t.q.QueryRowContext(ctx, `INSERT INTO linkage_rounds (name, orgs, threshold, status, progress, error,
		records, people, created_by, created_at, matched_at, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
		RETURNING id`, x.Name, sqlstore.JoinIDs(x.Orgs), x.Threshold, x.Status, x.Progress, x.Error, x.Records,
		x.People, x.CreatedBy, micro(x.CreatedAt), ptrMicro(x.MatchedAt)).Scan(&x.ID)
	if err != nil {
		return fmt.Errorf("create linkage round: %w", translate(err, refUser))
	}
	x.Revision = 1
	*r = x
	return nil
}

// checkOrgs refuses a list naming an organisation that does not exist.
func (t *tx) checkOrgs(ctx context.Context, orgs []int64) error {
	ids, err := sqlstore.DistinctIDs("orgs", orgs)
	if err != nil || len(ids) == 0 {
		return err
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	var n int
	err = t.q.QueryRowContext(ctx, `SELECT count(*) FROM organisations WHERE id IN (`+
		strings.Repeat("?, ", len(ids)-1)+`?)`, args...).Scan(&n)
	if err != nil {
		return err
	}
	if n != len(ids) {
		return sqlstore.NoSuchOrgs()
	}
	return nil
}

// UpdateLinkageRound writes the status, progress, error, counts and matching
// time of r if the stored revision is still r.Revision, and then increments
// r.Revision. When it fails, r is left as it was.
func (t *tx) UpdateLinkageRound(ctx context.Context, r *alliance.LinkageRound) error {
	matched := sqlstore.TruncatePtr(r.MatchedAt)
	res, err := t.q.ExecContext(ctx, `UPDATE linkage_rounds SET status = ?, progress = ?, error = ?, records = ?,
		people = ?, matched_at = ?, revision = revision + 1 WHERE id = ? AND revision = ?`,
		r.Status, r.Progress, r.Error, r.Records, r.People, ptrMicro(matched), r.ID, r.Revision)
	if err != nil {
		return fmt.Errorf("update linkage round %d: %w", r.ID, translate(err, nil))
	}
	n, err := sqlstore.Affected(res)
	if err == nil && n == 0 {
		err = t.missed(ctx, "linkage_rounds", r.ID, sqlstore.LinkageRoundChanged)
	}
	if err != nil {
		return fmt.Errorf("update linkage round %d: %w", r.ID, err)
	}
	r.MatchedAt = matched
	r.Revision++
	return nil
}

// PutLinkageSubmission stores s as its organisation's submission for its
// round, replacing the one made before, and sets SubmittedAt when zero.
func (t *tx) PutLinkageSubmission(ctx context.Context, s *alliance.LinkageSubmission) error {
	at := s.SubmittedAt
	sqlstore.Stamp(&at)
	_, err := t.q.ExecContext(ctx, `INSERT INTO linkage_submissions (round_id, org_id, records, clk, submitted_by,
		submitted_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (round_id, org_id) DO UPDATE SET records = excluded.records,
		clk = excluded.clk, submitted_by = excluded.submitted_by, submitted_at = excluded.submitted_at`,
		s.RoundID, s.OrgID, s.Records, sqlstore.NonNil(s.CLK), s.SubmittedBy, micro(at))
	if err != nil {
		var ref *alliance.Error
		if isForeignKey(err) {
			ref = t.missingRef(ctx, refUser, refCheck{"linkage_rounds", s.RoundID, refRound},
				refCheck{"organisations", s.OrgID, refOrganisation})
		}
		return fmt.Errorf("put linkage submission: %w", translate(err, ref))
	}
	s.SubmittedAt = at
	return nil
}

// matchBatch is how many matches one INSERT writes: five parameters a row
// stay far below SQLite's limit of 32,766, and three statement texts (of
// matchBatch, matchBatch/10 and one row) serve every count from the
// statement cache.
const matchBatch = 500

// SetLinkageMatches replaces every match of a round with ms, in statements
// of up to matchBatch rows.
func (t *tx) SetLinkageMatches(ctx context.Context, roundID int64, ms []alliance.LinkageMatch) error {
	others, err := sqlstore.CheckMatches(roundID, ms)
	if err != nil {
		return fmt.Errorf("set matches of linkage round %d: %w", roundID, err)
	}
	var n int
	if err := t.q.QueryRowContext(ctx, `SELECT count(*) FROM linkage_rounds WHERE id = ?`, roundID).Scan(&n); err != nil {
		return fmt.Errorf("set matches of linkage round %d: %w", roundID, err)
	}
	if n == 0 {
		return fmt.Errorf("set matches of linkage round %d: %w", roundID, alliance.Invalid(refRound.Field, "%s", refRound.Message))
	}
	if _, err := t.q.ExecContext(ctx, `DELETE FROM linkage_matches WHERE round_id = ?`, roundID); err != nil {
		return fmt.Errorf("set matches of linkage round %d: %w", roundID, err)
	}
	if err := t.insertMatches(ctx, roundID, ms, others); err != nil {
		return fmt.Errorf("set matches of linkage round %d: %w", roundID, translate(err, refOrganisation))
	}
	return nil
}

// insertMatches inserts ms, with others their stored other organisations, in
// batches of decreasing size.
func (t *tx) insertMatches(ctx context.Context, roundID int64, ms []alliance.LinkageMatch, others []string) error {
	args := make([]any, 0, 5*matchBatch)
	for _, size := range []int{matchBatch, matchBatch / 10, 1} {
		query := `INSERT INTO linkage_matches (round_id, org_id, record_id, cluster, other_orgs) VALUES ` +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?), ", size), ", ")
		for len(ms) >= size {
			args = args[:0]
			for i := range size {
				args = append(args, roundID, ms[i].OrgID, ms[i].RecordID, ms[i].Cluster, others[i])
			}
			if _, err := t.q.ExecContext(ctx, query, args...); err != nil {
				return err
			}
			ms, others = ms[size:], others[size:]
		}
	}
	return nil
}
