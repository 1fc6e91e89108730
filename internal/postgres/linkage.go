package postgres

import (
	"context"
	"database/sql"
	"fmt"

	"alliance"
	"alliance/internal/sqlstore"
)

const linkageRoundColumns = `id, name, orgs, threshold, status, progress, error, records, people, created_by,
	created_at, matched_at, revision`

func scanLinkageRound(s sqlstore.Scanner) (*alliance.LinkageRound, error) {
	var r alliance.LinkageRound
	var orgs string
	var matched sql.NullTime
	if err := s.Scan(&r.ID, &r.Name, &orgs, &r.Threshold, &r.Status, &r.Progress, &r.Error, &r.Records,
		&r.People, &r.CreatedBy, &r.CreatedAt, &matched, &r.Revision); err != nil {
		return nil, err
	}
	var err error
	if r.Orgs, err = sqlstore.SplitIDs(orgs); err != nil {
		return nil, fmt.Errorf("linkage round %d: %w", r.ID, err)
	}
	r.CreatedAt, r.MatchedAt = utc(r.CreatedAt), timePtr(matched)
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
		`SELECT `+linkageRoundColumns+` FROM linkage_rounds WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("linkage round %d: %w", id, translate(err))
	}
	return x, nil
}

// LinkageSubmissions lists the submissions of a round by organisation id,
// their encodings only when withCLK is set (CLK nil otherwise).
func (r *reader) LinkageSubmissions(ctx context.Context, roundID int64, withCLK bool) ([]alliance.LinkageSubmission, error) {
	clk := "NULL::bytea"
	if withCLK {
		clk = "clk"
	}
	return sqlstore.List(ctx, r.q, "list linkage submissions", func(s sqlstore.Scanner) (*alliance.LinkageSubmission, error) {
		var x alliance.LinkageSubmission
		if err := s.Scan(&x.RoundID, &x.OrgID, &x.Records, &x.CLK, &x.SubmittedBy, &x.SubmittedAt); err != nil {
			return nil, err
		}
		if withCLK && x.CLK == nil {
			x.CLK = []byte{}
		}
		x.SubmittedAt = utc(x.SubmittedAt)
		return &x, nil
	}, `SELECT round_id, org_id, records, `+clk+`, submitted_by, submitted_at FROM linkage_submissions
		WHERE round_id = $1 ORDER BY org_id`, roundID)
}

// LinkageMatches lists the matches of an organisation's records in a round,
// by cluster, then by record id, compared byte by byte (as SQLite does)
// whatever the database's collation.
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
		WHERE round_id = $1 AND org_id = $2 ORDER BY cluster, record_id COLLATE "C"`, roundID, orgID)
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
		records, people, created_by, created_at, matched_at, revision)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1) RETURNING id`,
		x.Name, sqlstore.JoinIDs(x.Orgs), x.Threshold, x.Status, x.Progress, x.Error, x.Records, x.People,
		x.CreatedBy, x.CreatedAt, ptrTime(x.MatchedAt)).Scan(&x.ID)
	if err != nil {
		return fmt.Errorf("create linkage round: %w", translate(err))
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
	var n int
	err = t.q.QueryRowContext(ctx, `SELECT count(*) FROM organisations WHERE id = ANY($1::bigint[])`, ids).Scan(&n)
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
	res, err := t.q.ExecContext(ctx, `UPDATE linkage_rounds SET status = $1, progress = $2, error = $3, records = $4,
		people = $5, matched_at = $6, revision = revision + 1 WHERE id = $7 AND revision = $8`,
		r.Status, r.Progress, r.Error, r.Records, r.People, ptrTime(matched), r.ID, r.Revision)
	if err != nil {
		return fmt.Errorf("update linkage round %d: %w", r.ID, translate(err))
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
		submitted_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (round_id, org_id) DO UPDATE SET
		records = excluded.records, clk = excluded.clk, submitted_by = excluded.submitted_by,
		submitted_at = excluded.submitted_at`,
		s.RoundID, s.OrgID, s.Records, sqlstore.NonNil(s.CLK), s.SubmittedBy, at)
	if err != nil {
		return fmt.Errorf("put linkage submission: %w", translate(err))
	}
	s.SubmittedAt = at
	return nil
}

// matchBatch is how many matches one INSERT writes: the rows travel as four
// arrays (and the round id), five parameters whatever their number, so a
// batch only bounds the size of one message.
const matchBatch = 20000

// SetLinkageMatches replaces every match of a round with ms, in statements
// of up to matchBatch rows.
func (t *tx) SetLinkageMatches(ctx context.Context, roundID int64, ms []alliance.LinkageMatch) error {
	others, err := sqlstore.CheckMatches(roundID, ms)
	if err != nil {
		return fmt.Errorf("set matches of linkage round %d: %w", roundID, err)
	}
	var n int
	if err := t.q.QueryRowContext(ctx, `SELECT count(*) FROM linkage_rounds WHERE id = $1`, roundID).Scan(&n); err != nil {
		return fmt.Errorf("set matches of linkage round %d: %w", roundID, err)
	}
	if n == 0 {
		return fmt.Errorf("set matches of linkage round %d: %w", roundID, alliance.Invalid("round", "no such linkage round"))
	}
	if _, err := t.q.ExecContext(ctx, `DELETE FROM linkage_matches WHERE round_id = $1`, roundID); err != nil {
		return fmt.Errorf("set matches of linkage round %d: %w", roundID, err)
	}
	for start := 0; start < len(ms); start += matchBatch {
		end := min(start+matchBatch, len(ms))
		if err := t.insertMatches(ctx, roundID, ms[start:end], others[start:end]); err != nil {
			return fmt.Errorf("set matches of linkage round %d: %w", roundID, translate(err))
		}
	}
	return nil
}

// insertMatches inserts ms, with others their stored other organisations, in
// one statement.
func (t *tx) insertMatches(ctx context.Context, roundID int64, ms []alliance.LinkageMatch, others []string) error {
	orgs, records, clusters := make([]int64, len(ms)), make([]string, len(ms)), make([]int64, len(ms))
	for i, m := range ms {
		orgs[i], records[i], clusters[i] = m.OrgID, m.RecordID, int64(m.Cluster)
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO linkage_matches (round_id, org_id, record_id, cluster, other_orgs)
		SELECT $1, u.org_id, u.record_id, u.cluster, u.other_orgs
		FROM unnest($2::bigint[], $3::text[], $4::integer[], $5::text[]) AS u (org_id, record_id, cluster, other_orgs)`,
		roundID, orgs, records, clusters, others)
	return err
}
