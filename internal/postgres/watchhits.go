package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"alliance"
	"alliance/internal/sqlstore"
)

const watchHitColumns = `id, check_id, name_id, list_id, list_name, entity_id, listed_name, score, explanation,
	status, reason, reviewed_by, reviewed_at, found_at, revision`

// scanWatchHit scans watchHitColumns and opens the reason.
func scanWatchHit(c alliance.FieldCipher) func(sqlstore.Scanner) (*alliance.WatchHit, error) {
	return func(s sqlstore.Scanner) (*alliance.WatchHit, error) {
		var h alliance.WatchHit
		var reason []byte
		var by sql.NullInt64
		var reviewed sql.NullTime
		if err := s.Scan(&h.ID, &h.CheckID, &h.NameID, &h.ListID, &h.ListName, &h.EntityID, &h.ListedName,
			&h.Score, &h.Explanation, &h.Status, &reason, &by, &reviewed, &h.FoundAt, &h.Revision); err != nil {
			return nil, err
		}
		var err error
		if h.Reason, err = sqlstore.OpenText(c, alliance.ColWatchHitReason, reason); err != nil {
			return nil, fmt.Errorf("watch-list hit %d: %w", h.ID, err)
		}
		h.ReviewedBy, h.ReviewedAt, h.FoundAt = by.Int64, timePtr(reviewed), utc(h.FoundAt)
		return &h, nil
	}
}

// WatchHits lists the hits of a check by name id, then highest score first
// (then by id), their reasons opened.
func (r *reader) WatchHits(ctx context.Context, checkID int64) ([]alliance.WatchHit, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	return sqlstore.List(ctx, r.q, "list watch-list hits", scanWatchHit(c), `SELECT `+watchHitColumns+`
		FROM watch_hits WHERE check_id = $1 ORDER BY name_id, score DESC, id`, checkID)
}

// WatchHit returns the hit with the given id, its reason opened.
func (r *reader) WatchHit(ctx context.Context, id int64) (*alliance.WatchHit, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	h, err := scanWatchHit(c)(r.q.QueryRowContext(ctx, `SELECT `+watchHitColumns+` FROM watch_hits WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("watch-list hit %d: %w", id, translate(err))
	}
	return h, nil
}

// AddWatchHits stores the hits that are new, skipping each whose name was
// already hit by the same entity of the same list (or by an earlier hit of
// hits), and returns how many it stored. It sets the ID, Revision 1, Status
// open when empty and FoundAt when zero of the hits stored; a skipped hit
// keeps ID 0. When it fails, hits are left as they were.
func (t *tx) AddWatchHits(ctx context.Context, hits []alliance.WatchHit) (int, error) {
	c, err := t.keys.Cipher()
	if err != nil {
		return 0, err
	}
	xs, reasons, err := sqlstore.PrepareWatchHits(c, hits)
	if err != nil {
		return 0, fmt.Errorf("add watch-list hits: %w", err)
	}
	ids, err := t.nextIDs(ctx, "watch_hits", len(xs))
	if err != nil {
		return 0, fmt.Errorf("add watch-list hits: %w", err)
	}
	added := make(map[int64]bool, len(xs))
	for start := 0; start < len(xs); start += watchBatch {
		end := min(start+watchBatch, len(xs))
		if err := t.insertWatchHits(ctx, ids[start:end], xs[start:end], reasons[start:end], added); err != nil {
			return 0, fmt.Errorf("add watch-list hits: %w", translate(err))
		}
	}
	for i := range xs {
		if added[ids[i]] {
			xs[i].ID, xs[i].Revision = ids[i], 1
			hits[i] = xs[i]
		}
	}
	return len(added), nil
}

// watchHitArrays are the columns of hits as arrays, for unnest.
type watchHitArrays struct {
	checks, names, lists        []int64
	reviewers                   []*int64
	listNames, entities, listed []string
	explanations, statuses      []string
	scores                      []float64
	reviewed                    []*time.Time
	found                       []time.Time
}

func hitArrays(hits []alliance.WatchHit) *watchHitArrays {
	n := len(hits)
	a := &watchHitArrays{checks: make([]int64, n), names: make([]int64, n), lists: make([]int64, n),
		reviewers: make([]*int64, n), listNames: make([]string, n), entities: make([]string, n),
		listed: make([]string, n), explanations: make([]string, n), statuses: make([]string, n),
		scores: make([]float64, n), reviewed: make([]*time.Time, n), found: make([]time.Time, n)}
	for i, h := range hits {
		a.checks[i], a.names[i], a.lists[i] = h.CheckID, h.NameID, h.ListID
		if h.ReviewedBy != 0 {
			a.reviewers[i] = &h.ReviewedBy
		}
		a.listNames[i], a.entities[i], a.listed[i] = h.ListName, h.EntityID, h.ListedName
		a.explanations[i], a.statuses[i], a.scores[i] = h.Explanation, h.Status, h.Score
		a.reviewed[i], a.found[i] = h.ReviewedAt, h.FoundAt
	}
	return a
}

// insertWatchHits inserts hits under ids, with reasons their sealed reasons,
// in one statement, and records in added the ids of the rows inserted: a hit
// already stored is skipped.
func (t *tx) insertWatchHits(ctx context.Context, ids []int64, hits []alliance.WatchHit, reasons [][]byte, added map[int64]bool) error {
	a := hitArrays(hits)
	rows, err := t.q.QueryContext(ctx, `INSERT INTO watch_hits (id, check_id, name_id, list_id, list_name, entity_id,
		listed_name, score, explanation, status, reason, reviewed_by, reviewed_at, found_at, revision)
		SELECT u.id, u.check_id, u.name_id, u.list_id, u.list_name, u.entity_id, u.listed_name, u.score,
			u.explanation, u.status, u.reason, u.reviewed_by, u.reviewed_at, u.found_at, 1
		FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[],
			$8::double precision[], $9::text[], $10::text[], $11::bytea[], $12::bigint[], $13::timestamptz[],
			$14::timestamptz[])
			AS u (id, check_id, name_id, list_id, list_name, entity_id, listed_name, score, explanation, status,
				reason, reviewed_by, reviewed_at, found_at)
		ORDER BY u.id
		ON CONFLICT (name_id, list_name, entity_id) DO NOTHING RETURNING id`,
		ids, a.checks, a.names, a.lists, a.listNames, a.entities, a.listed, a.scores, a.explanations, a.statuses,
		reasons, a.reviewers, a.reviewed, a.found)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		added[id] = true
	}
	return rows.Err()
}

// ReviewWatchHit writes the status, reason, reviewer and review time of h if
// the stored revision is still h.Revision, and then increments h.Revision.
// When it fails, h is left as it was.
func (t *tx) ReviewWatchHit(ctx context.Context, h *alliance.WatchHit) error {
	c, err := t.keys.Cipher()
	if err != nil {
		return err
	}
	reason, err := sqlstore.SealText(c, alliance.ColWatchHitReason, h.Reason)
	if err != nil {
		return fmt.Errorf("review watch-list hit %d: %w", h.ID, err)
	}
	reviewed := sqlstore.TruncatePtr(h.ReviewedAt)
	res, err := t.q.ExecContext(ctx, `UPDATE watch_hits SET status = $1, reason = $2, reviewed_by = $3,
		reviewed_at = $4, revision = revision + 1 WHERE id = $5 AND revision = $6`,
		h.Status, reason, sqlstore.NullID(h.ReviewedBy), ptrTime(reviewed), h.ID, h.Revision)
	if err != nil {
		return fmt.Errorf("review watch-list hit %d: %w", h.ID, translate(err))
	}
	n, err := sqlstore.Affected(res)
	if err == nil && n == 0 {
		err = t.missed(ctx, "watch_hits", h.ID, sqlstore.WatchHitChanged)
	}
	if err != nil {
		return fmt.Errorf("review watch-list hit %d: %w", h.ID, err)
	}
	h.ReviewedAt = reviewed
	h.Revision++
	return nil
}
