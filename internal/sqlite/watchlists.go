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

// The foreign keys of watch-list screening.
var (
	refWatchCheck = &alliance.Error{Field: "check", Message: "no such watch-list check"}
	refWatchName  = &alliance.Error{Field: "name", Message: "no such name of a watch-list check"}
	refWatchList  = &alliance.Error{Field: "list", Message: "no such watch list"}
	refReviewer   = &alliance.Error{Field: "reviewed_by", Message: "no such user"}
)

// watchBatch is how many names or hits one INSERT writes: fifteen parameters
// a row stay far below SQLite's limit of 32,766, and three statement texts
// (of watchBatch, watchBatch/10 and one row) serve every count from the
// statement cache.
const watchBatch = 500

const watchListColumns = `id, name, source, format, sha256, entities, loaded_by, loaded_at, rescreened_at`

// WatchLists lists every version of every watch list, newest loaded first
// (then the last loaded first), with the files as loaded only when withData
// is set (Data nil otherwise).
func (r *reader) WatchLists(ctx context.Context, withData bool) ([]alliance.WatchList, error) {
	data := "NULL"
	if withData {
		data = "data"
	}
	return sqlstore.List(ctx, r.q, "list watch lists", func(s sqlstore.Scanner) (*alliance.WatchList, error) {
		var w alliance.WatchList
		var loaded int64
		var rescreened sql.NullInt64
		var by sql.NullInt64
		if err := s.Scan(&w.ID, &w.Name, &w.Source, &w.Format, &w.SHA256, &w.Entities, &by, &loaded,
			&rescreened, &w.Data); err != nil {
			return nil, err
		}
		if withData && w.Data == nil {
			w.Data = []byte{}
		}
		w.LoadedBy, w.LoadedAt, w.RescreenedAt = by.Int64, fromMicro(loaded), timePtr(rescreened)
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
		loaded_by, loaded_at, rescreened_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		w.Name, w.Source, w.Format, w.SHA256, w.Entities, sqlstore.NonNil(w.Data), sqlstore.NullID(w.LoadedBy), micro(at),
		ptrMicro(rescreened)).Scan(&id)
	if err != nil {
		return fmt.Errorf("add watch list: %w", translate(err, refUser))
	}
	w.ID, w.LoadedAt, w.RescreenedAt = id, at, rescreened
	return nil
}

// MarkRescreened records that the saved names were screened against the
// list listID at at; ErrNotFound when there is no such list.
func (t *tx) MarkRescreened(ctx context.Context, listID int64, at time.Time) error {
	res, err := t.q.ExecContext(ctx, `UPDATE watch_lists SET rescreened_at = ? WHERE id = ?`,
		micro(at.UTC().Truncate(time.Microsecond)), listID)
	if err != nil {
		return fmt.Errorf("mark watch list %d rescreened: %w", listID, translate(err, nil))
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
	var at int64
	if err := s.Scan(&c.ID, &c.OrgID, &c.Label, &c.Names, &c.CreatedBy, &at, &c.OpenHits); err != nil {
		return nil, err
	}
	c.CreatedAt = fromMicro(at)
	return &c, nil
}

// WatchChecks lists the checks of an organisation, newest first (then the
// last made first), with their open hits counted.
func (r *reader) WatchChecks(ctx context.Context, orgID int64) ([]alliance.WatchCheck, error) {
	return sqlstore.List(ctx, r.q, "list watch-list checks", scanWatchCheck, `SELECT `+watchCheckColumns+`
		FROM watch_checks c WHERE c.org_id = ? ORDER BY c.created_at DESC, c.id DESC`, orgID)
}

// WatchCheck returns the check with the given id, its open hits counted.
func (r *reader) WatchCheck(ctx context.Context, id int64) (*alliance.WatchCheck, error) {
	c, err := scanWatchCheck(r.q.QueryRowContext(ctx, `SELECT `+watchCheckColumns+` FROM watch_checks c
		WHERE c.id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("watch-list check %d: %w", id, translate(err, nil))
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
		VALUES (?, ?, ?, ?, ?) RETURNING id`, x.OrgID, x.Label, x.Names, x.CreatedBy, micro(x.CreatedAt)).Scan(&x.ID)
	if err != nil {
		var ref *alliance.Error
		if isForeignKey(err) {
			ref = t.missingRef(ctx, refUser, refCheck{"organisations", x.OrgID, refOrganisation})
		}
		return fmt.Errorf("create watch-list check: %w", translate(err, ref))
	}
	first, err := t.insertWatchNames(ctx, x.ID, names, sealed)
	if err != nil {
		return fmt.Errorf("create watch-list check: %w", translate(err, nil))
	}
	for i := range names {
		names[i].ID, names[i].CheckID = first+int64(i), x.ID
	}
	*c = x
	return nil
}

// insertWatchNames inserts the names of check checkID, with sealed their
// sealed names, in batches of decreasing size, under consecutive ids, and
// returns the id of the first. The write transaction is the only writer, so
// the ids above the largest are free.
func (t *tx) insertWatchNames(ctx context.Context, checkID int64, names []alliance.WatchName, sealed [][]byte) (int64, error) {
	var first int64
	if err := t.q.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) + 1 FROM watch_names`).Scan(&first); err != nil {
		return 0, err
	}
	id := first
	args := make([]any, 0, 5*watchBatch)
	for _, size := range []int{watchBatch, watchBatch / 10, 1} {
		query := `INSERT INTO watch_names (id, check_id, query_id, name, country) VALUES ` +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?), ", size), ", ")
		for len(names) >= size {
			args = args[:0]
			for i := range size {
				args = append(args, id+int64(i), checkID, names[i].QueryID, sealed[i], names[i].Country)
			}
			if _, err := t.q.ExecContext(ctx, query, args...); err != nil {
				return 0, err
			}
			names, sealed, id = names[size:], sealed[size:], id+int64(size)
		}
	}
	return first, nil
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
		name, country FROM watch_names WHERE id > ? ORDER BY id LIMIT ?`, afterID, sqlstore.WatchNamesLimit(limit))
}

// WatchNamesOf lists the names of a check, by id, opened.
func (r *reader) WatchNamesOf(ctx context.Context, checkID int64) ([]alliance.WatchName, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	return sqlstore.List(ctx, r.q, "list watch-list names", scanWatchName(c), `SELECT id, check_id, query_id,
		name, country FROM watch_names WHERE check_id = ? ORDER BY id`, checkID)
}
