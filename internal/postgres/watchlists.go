package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"alliance"
	"alliance/internal/sqlstore"
)

// watchBatch is how many names or hits one INSERT writes: the rows travel
// as arrays, a dozen parameters whatever their number, so a batch only
// bounds the size of one message.
const watchBatch = 5000

const watchListColumns = `id, name, source, format, sha256, entities, loaded_by, loaded_at, rescreened_at`

// WatchLists lists every version of every watch list, newest loaded first
// (then the last loaded first), with the files as loaded only when withData
// is set (Data nil otherwise).
func (r *reader) WatchLists(ctx context.Context, withData bool) ([]alliance.WatchList, error) {
	data := "NULL::bytea"
	if withData {
		data = "data"
	}
	return sqlstore.List(ctx, r.q, "list watch lists", func(s sqlstore.Scanner) (*alliance.WatchList, error) {
		var w alliance.WatchList
		var rescreened sql.NullTime
		var by sql.NullInt64
		if err := s.Scan(&w.ID, &w.Name, &w.Source, &w.Format, &w.SHA256, &w.Entities, &by, &w.LoadedAt,
			&rescreened, &w.Data); err != nil {
			return nil, err
		}
		if withData && w.Data == nil {
			w.Data = []byte{}
		}
		w.LoadedBy, w.LoadedAt, w.RescreenedAt = by.Int64, utc(w.LoadedAt), timePtr(rescreened)
		return &w, nil
	}, `SELECT `+watchListColumns+`, `+data+` FROM watch_lists ORDER BY loaded_at DESC, id DESC`)
}

// AddWatchList stores w and sets its ID (and LoadedAt when zero).
func (t *tx) AddWatchList(ctx context.Context, w *alliance.WatchList) error {
	at := w.LoadedAt
	sqlstore.Stamp(&at)
	rescreened := sqlstore.TruncatePtr(w.RescreenedAt)
	var id int64
	err := t.q.QueryRowContext(ctx, `INSERT INTO watch_lists (name, source, format, sha256, entities, data,
		loaded_by, loaded_at, rescreened_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		w.Name, w.Source, w.Format, w.SHA256, w.Entities, sqlstore.NonNil(w.Data), sqlstore.NullID(w.LoadedBy), at,
		ptrTime(rescreened)).Scan(&id)
	if err != nil {
		return fmt.Errorf("add watch list: %w", translate(err))
	}
	w.ID, w.LoadedAt, w.RescreenedAt = id, at, rescreened
	return nil
}

// MarkRescreened records that the saved names were screened against the
// list listID at at; ErrNotFound when there is no such list.
func (t *tx) MarkRescreened(ctx context.Context, listID int64, at time.Time) error {
	res, err := t.q.ExecContext(ctx, `UPDATE watch_lists SET rescreened_at = $1 WHERE id = $2`,
		at.UTC().Truncate(time.Microsecond), listID)
	if err != nil {
		return fmt.Errorf("mark watch list %d rescreened: %w", listID, translate(err))
	}
	if n, err := sqlstore.Affected(res); err != nil || n == 0 {
		return fmt.Errorf("mark watch list %d rescreened: %w", listID, sqlstore.OrNotFound(err))
	}
	return nil
}

// watchCheckColumns are the columns of a check and the count of its open
// hits, of watch_checks c.
const watchCheckColumns = `c.id, c.org_id, c.label, c.names, c.created_by, c.created_at,
	(SELECT count(*) FROM watch_hits h WHERE h.check_id = c.id AND h.status = 'open')`

func scanWatchCheck(s sqlstore.Scanner) (*alliance.WatchCheck, error) {
	var c alliance.WatchCheck
	if err := s.Scan(&c.ID, &c.OrgID, &c.Label, &c.Names, &c.CreatedBy, &c.CreatedAt, &c.OpenHits); err != nil {
		return nil, err
	}
	c.CreatedAt = utc(c.CreatedAt)
	return &c, nil
}

// WatchChecks lists the checks of an organisation, newest first (then the
// last made first), with their open hits counted.
func (r *reader) WatchChecks(ctx context.Context, orgID int64) ([]alliance.WatchCheck, error) {
	return sqlstore.List(ctx, r.q, "list watch-list checks", scanWatchCheck, `SELECT `+watchCheckColumns+`
		FROM watch_checks c WHERE c.org_id = $1 ORDER BY c.created_at DESC, c.id DESC`, orgID)
}

// WatchCheck returns the check with the given id, its open hits counted.
func (r *reader) WatchCheck(ctx context.Context, id int64) (*alliance.WatchCheck, error) {
	c, err := scanWatchCheck(r.q.QueryRowContext(ctx, `SELECT `+watchCheckColumns+` FROM watch_checks c
		WHERE c.id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("watch-list check %d: %w", id, translate(err))
	}
	return c, nil
}

// CreateWatchCheck stores c with its names, sealing them, and sets c.ID,
// c.Names to the number of names, c.CreatedAt when zero, and the ID and
// CheckID of each name. When it fails, c and names are left as they were.
func (t *tx) CreateWatchCheck(ctx context.Context, c *alliance.WatchCheck, names []alliance.WatchName) error {
	k, err := t.keys.Cipher()
	if err != nil {
		return err
	}
	sealed, err := sqlstore.SealWatchNames(k, names)
	if err != nil {
		return fmt.Errorf("create watch-list check: %w", err)
	}
	x := *c
	sqlstore.Stamp(&x.CreatedAt)
	x.Names, x.OpenHits = len(names), 0
	err = t.q.QueryRowContext(ctx, `INSERT INTO watch_checks (org_id, label, names, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, x.OrgID, x.Label, x.Names, x.CreatedBy, x.CreatedAt).Scan(&x.ID)
	if err != nil {
		return fmt.Errorf("create watch-list check: %w", translate(err))
	}
	ids, err := t.nextIDs(ctx, "watch_names", len(names))
	if err != nil {
		return fmt.Errorf("create watch-list check: %w", err)
	}
	for start := 0; start < len(names); start += watchBatch {
		end := min(start+watchBatch, len(names))
		if err := t.insertWatchNames(ctx, x.ID, ids[start:end], names[start:end], sealed[start:end]); err != nil {
			return fmt.Errorf("create watch-list check: %w", translate(err))
		}
	}
	for i := range names {
		names[i].ID, names[i].CheckID = ids[i], x.ID
	}
	*c = x
	return nil
}

// nextIDs draws n ids from the identity of table's id, so that the ids of
// rows inserted together are known without relying on the order of
// RETURNING.
func (t *tx) nextIDs(ctx context.Context, table string, n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	if n == 0 {
		return ids, nil
	}
	rows, err := t.q.QueryContext(ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id'))
		FROM generate_series(1, $2)`, table, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// insertWatchNames inserts names of check checkID under ids, with sealed
// their sealed names, in one statement.
func (t *tx) insertWatchNames(ctx context.Context, checkID int64, ids []int64, names []alliance.WatchName, sealed [][]byte) error {
	queries, countries := make([]string, len(names)), make([]string, len(names))
	for i, n := range names {
		queries[i], countries[i] = n.QueryID, n.Country
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO watch_names (id, check_id, query_id, name, country)
		SELECT u.id, $1, u.query_id, u.name, u.country
		FROM unnest($2::bigint[], $3::text[], $4::bytea[], $5::text[]) AS u (id, query_id, name, country)`,
		checkID, ids, queries, sealed, countries)
	return err
}

// scanWatchName scans a name and opens it.
func scanWatchName(c alliance.FieldCipher) func(sqlstore.Scanner) (*alliance.WatchName, error) {
	return func(s sqlstore.Scanner) (*alliance.WatchName, error) {
		var n alliance.WatchName
		var sealed []byte
		if err := s.Scan(&n.ID, &n.CheckID, &n.QueryID, &sealed, &n.Country); err != nil {
			return nil, err
		}
		var err error
		if n.Name, err = sqlstore.OpenText(c, alliance.ColWatchName, sealed); err != nil {
			return nil, fmt.Errorf("watch-list name %d: %w", n.ID, err)
		}
		return &n, nil
	}
}

// WatchNames lists the names of every check whose id is above afterID, by
// id, at most limit (sqlstore.WatchNamesLimit), opened.
func (r *reader) WatchNames(ctx context.Context, afterID int64, limit int) ([]alliance.WatchName, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	return sqlstore.List(ctx, r.q, "list watch-list names", scanWatchName(c), `SELECT id, check_id, query_id,
		name, country FROM watch_names WHERE id > $1 ORDER BY id LIMIT $2`, afterID, sqlstore.WatchNamesLimit(limit))
}

// WatchNamesOf lists the names of a check, by id, opened.
func (r *reader) WatchNamesOf(ctx context.Context, checkID int64) ([]alliance.WatchName, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	return sqlstore.List(ctx, r.q, "list watch-list names", scanWatchName(c), `SELECT id, check_id, query_id,
		name, country FROM watch_names WHERE check_id = $1 ORDER BY id`, checkID)
}
