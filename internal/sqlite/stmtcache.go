package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"sync"
)

// maxCachedStatements bounds the cache. Queries are built from fixed fragments,
// so the set is small; the bound only guards against a future mistake.
const maxCachedStatements = 256

// stmtCache prepares each query once per pool and reuses the statement: parsing
// SQL was about a sixth of the CPU time of a page view. database/sql keeps one
// prepared copy per connection and re-prepares on a new connection by itself.
type stmtCache struct {
	db      *sql.DB
	mu      sync.Mutex
	m       map[string]*sql.Stmt
	pending map[string]bool // queries seen in transactions, to prepare afterwards
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, m: map[string]*sql.Stmt{}, pending: map[string]bool{}}
}

// cached returns the statement for query if it is prepared already; otherwise it
// notes the query for preparePending and returns nil. Transactions use it: the
// writer pool's one connection is theirs, so preparing on the pool would wait
// for the transaction to end, for ever.
func (c *stmtCache) cached(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	st, ok := c.m[query]
	if !ok && len(c.pending) < maxCachedStatements {
		c.pending[query] = true
	}
	return st
}

// preparePending prepares the queries that transactions noted, once no
// transaction holds the connection.
func (c *stmtCache) preparePending(ctx context.Context) {
	c.mu.Lock()
	queries := make([]string, 0, len(c.pending))
	for q := range c.pending {
		queries = append(queries, q)
	}
	clear(c.pending)
	c.mu.Unlock()
	for _, q := range queries {
		c.get(ctx, q)
	}
}

// get returns the prepared statement for query, or nil when it is not to be
// cached: a script of several statements (SQLite would prepare only the first),
// or a full cache.
func (c *stmtCache) get(ctx context.Context, query string) *sql.Stmt {
	c.mu.Lock()
	st, ok := c.m[query]
	c.mu.Unlock()
	if ok {
		return st
	}
	if strings.Contains(strings.TrimRight(strings.TrimSpace(query), ";"), ";") {
		return nil
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil // the unprepared call reports the error
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.m[query]; ok {
		st.Close()
		return prev
	}
	if len(c.m) >= maxCachedStatements {
		st.Close()
		return nil
	}
	c.m[query] = st
	return st
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.m {
		st.Close()
		delete(c.m, q)
	}
}

// pooled is a querier over a pool that uses cached statements.
type pooled struct{ c *stmtCache }

func (p pooled) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := p.c.get(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return p.c.db.ExecContext(ctx, query, args...)
}

func (p pooled) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.c.get(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.c.db.QueryContext(ctx, query, args...)
}

func (p pooled) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.c.get(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.c.db.QueryRowContext(ctx, query, args...)
}

// inTx is a querier inside a transaction that uses the writer's cached
// statements (the writer has one connection, so each is prepared once); a query
// not yet prepared runs unprepared and is prepared after the transaction.
type inTx struct {
	t *sql.Tx
	c *stmtCache
}

// A transaction's statements run without the caller's cancellation: SQLite
// answers an interrupted write by rolling back the whole transaction, which
// group commit shares with other callers.

func (x inTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx = context.WithoutCancel(ctx)
	if st := x.c.cached(query); st != nil {
		return x.t.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return x.t.ExecContext(ctx, query, args...)
}

func (x inTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx = context.WithoutCancel(ctx)
	if st := x.c.cached(query); st != nil {
		return x.t.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return x.t.QueryContext(ctx, query, args...)
}

func (x inTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = context.WithoutCancel(ctx)
	if st := x.c.cached(query); st != nil {
		return x.t.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return x.t.QueryRowContext(ctx, query, args...)
}
