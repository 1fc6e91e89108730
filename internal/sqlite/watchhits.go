package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

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
		var by, reviewed sql.NullInt64
		var found int64
		if err := s.Scan(&h.ID, &h.CheckID, &h.NameID, &h.ListID, &h.ListName, &h.EntityID, &h.ListedName,
			&h.Score, &h.Explanation, &h.Status, &reason, &by, &reviewed, &found, &h.Revision); err != nil {
			return nil, err
		}
		var err error
		if h.Reason, err = sqlstore.OpenText(c, alliance.ColWatchHitReason, reason); err != nil {
			return nil, fmt.Errorf("watch-list hit %d: %w", h.ID, err)
		}
		h.ReviewedBy, h.ReviewedAt, h.FoundAt = by.Int64, timePtr(reviewed), fromMicro(found)
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
		FROM watch_hits WHERE check_id = ? ORDER BY name_id, score DESC, id`, checkID)
}

// WatchHit returns the hit with the given id, its reason opened.
func (r *reader) WatchHit(ctx context.Context, id int64) (*alliance.WatchHit, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	h, err := scanWatchHit(c)(r.q.QueryRowContext(ctx, `SELECT `+watchHitColumns+` FROM watch_hits WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("watch-list hit %d: %w", id, translate(err, nil))
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
	var first int64
	if err := t.q.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) + 1 FROM watch_hits`).Scan(&first); err != nil {
		return 0, fmt.Errorf("add watch-list hits: %w", err)
	}
	added := make(map[int64]bool, len(xs))
	if err := t.insertWatchHits(ctx, first, xs, reasons, added); err != nil {
		var ref *alliance.Error
		if isForeignKey(err) {
			ref = t.watchHitRef(ctx, xs)
		}
		return 0, fmt.Errorf("add watch-list hits: %w", translate(err, ref))
	}
	for i := range xs {
		if id := first + int64(i); added[id] {
			xs[i].ID, xs[i].Revision = id, 1
			hits[i] = xs[i]
		}
	}
	return len(added), nil
}

// insertWatchHits inserts hits, with reasons their sealed reasons, under the
// ids from first on, in batches of decreasing size, and records in added the
// ids of the rows inserted: a hit already stored is skipped. The write
// transaction is the only writer, so the ids above the largest are free.
func (t *tx) insertWatchHits(ctx context.Context, first int64, hits []alliance.WatchHit, reasons [][]byte, added map[int64]bool) error {
	id := first
	args := make([]any, 0, 14*watchBatch)
	for _, size := range []int{watchBatch, watchBatch / 10, 1} {
		query := `INSERT INTO watch_hits (id, check_id, name_id, list_id, list_name, entity_id, listed_name, score,
			explanation, status, reason, reviewed_by, reviewed_at, found_at, revision) VALUES ` +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1), ", size), ", ") +
			` ON CONFLICT (name_id, list_name, entity_id) DO NOTHING RETURNING id`
		for len(hits) >= size {
			args = args[:0]
			for i, h := range hits[:size] {
				args = append(args, id+int64(i), h.CheckID, h.NameID, h.ListID, h.ListName, h.EntityID, h.ListedName,
					h.Score, h.Explanation, h.Status, reasons[i], sqlstore.NullID(h.ReviewedBy), ptrMicro(h.ReviewedAt),
					micro(h.FoundAt))
			}
			if err := t.returnedIDs(ctx, query, args, added); err != nil {
				return err
			}
			hits, reasons, id = hits[size:], reasons[size:], id+int64(size)
		}
	}
	return nil
}

// returnedIDs runs an INSERT … RETURNING id and records the ids in added.
func (t *tx) returnedIDs(ctx context.Context, query string, args []any, added map[int64]bool) error {
	rows, err := t.q.QueryContext(ctx, query, args...)
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

// watchHitRef tells which foreign key of hits broke: the first check, name,
// list or reviewer that does not exist.
func (t *tx) watchHitRef(ctx context.Context, hits []alliance.WatchHit) *alliance.Error {
	for _, h := range hits {
		ref := t.missingRef(ctx, nil, refCheck{"watch_checks", h.CheckID, refWatchCheck},
			refCheck{"watch_names", h.NameID, refWatchName}, refCheck{"watch_lists", h.ListID, refWatchList},
			refCheck{"users", h.ReviewedBy, refReviewer})
		if ref != nil {
			return ref
		}
	}
	return nil
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
	res, err := t.q.ExecContext(ctx, `UPDATE watch_hits SET status = ?, reason = ?, reviewed_by = ?, reviewed_at = ?,
		revision = revision + 1 WHERE id = ? AND revision = ?`,
		h.Status, reason, sqlstore.NullID(h.ReviewedBy), ptrMicro(reviewed), h.ID, h.Revision)
	if err != nil {
		return fmt.Errorf("review watch-list hit %d: %w", h.ID, translate(err, refReviewer))
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
