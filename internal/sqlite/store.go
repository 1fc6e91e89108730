// Package sqlite implements alliance.Store on an SQLite database file through the
// pure-Go driver modernc.org/sqlite. Writes go through a single connection that
// takes the write lock when a transaction begins; reads outside transactions go
// through a pool of read-only connections, which write-ahead logging lets run
// alongside the writer. The SQL is hand-written and the schema is kept in
// embedded migrations.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"alliance"
	"alliance/internal/sqlstore"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// pragmas are set on every connection, writer and readers alike.
const pragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
	"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"

// Store is an alliance.Store on one SQLite database file.
type Store struct {
	reader // queries on the Store itself go through the read-only pool

	writer *sql.DB
	readDB *sql.DB
	keys   *sqlstore.Keyring
	// prepared statements of each pool, reused across queries
	readStmts, writeStmts *stmtCache
	// the queue of the group-commit writer (groupcommit.go)
	jobs      chan *writeJob
	quit      chan struct{}
	stopped   chan struct{}
	closeOnce sync.Once
}

var _ alliance.Store = (*Store)(nil)

// Open opens (creating if needed) the SQLite database at path. It does not apply
// migrations: call Migrate.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, alliance.Invalid("path", "give the path of the SQLite database file, e.g. /var/lib/alliance/alliance.db")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open sqlite database: %w", err)
	}
	if fi, err := os.Stat(filepath.Dir(abs)); err != nil || !fi.IsDir() {
		return nil, alliance.Invalid("path", "the directory %s does not exist; create it, or give another path for the database file", filepath.Dir(abs))
	}
	if err := createPrivate(abs); err != nil {
		return nil, err
	}
	writer, err := openPool(ctx, fileURI(abs, pragmas+"&_txlock=immediate"), 1)
	if err != nil {
		return nil, fmt.Errorf("open sqlite database %s: %w", abs, err)
	}
	readDB, err := openPool(ctx, fileURI(abs, "mode=ro&"+pragmas), max(4, runtime.NumCPU()))
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("open sqlite database %s for reading: %w", abs, err)
	}
	k := &sqlstore.Keyring{}
	rs, ws := newStmtCache(readDB), newStmtCache(writer)
	st := &Store{reader: reader{q: pooled{rs}, keys: k}, writer: writer, readDB: readDB, keys: k, readStmts: rs, writeStmts: ws,
		jobs: make(chan *writeJob), quit: make(chan struct{}), stopped: make(chan struct{})}
	go st.groupCommit()
	return st, nil
}

// createPrivate creates a new database file readable by its owner only; SQLite
// gives its -wal and -shm files the same permissions.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create sqlite database %s: %w", path, err)
	}
	return f.Close()
}

// fileURI returns a "file:" URI for path, so that SQLite's own parameters (mode)
// apply and characters such as '?' in the path are escaped.
func fileURI(path, query string) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: query}
	return u.String()
}

func openPool(ctx context.Context, dsn string, conns int) (*sql.DB, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	// The connections are kept open: when the last one closes, SQLite removes the
	// WAL index that the read-only connections need.
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// RawDB returns the writer connection pool, for tests and maintenance tools that
// must inspect or alter rows directly. Application code uses the Store methods.
func (s *Store) RawDB() *sql.DB { return s.writer }

// UseKeys installs the cipher for identity fields and the audit chainer.
func (s *Store) UseKeys(c alliance.FieldCipher, a *alliance.AuditChainer) {
	s.keys.Set(c, a)
}

// Update runs fn in a write transaction and commits when fn returns nil. Reads
// through the Tx see the transaction's own writes.
func (s *Store) Update(ctx context.Context, fn func(alliance.Tx) error) error {
	return s.write(ctx, func(t *sql.Tx) error {
		return fn(&tx{reader{q: inTx{t, s.writeStmts}, keys: s.keys}})
	})
}

// write runs fn in a transaction on the writer connection and returns when that
// transaction has committed, or fn's error after its changes were rolled back.
// The writes of callers waiting at the same moment share one transaction (see
// groupCommit); each caller's fn still succeeds or fails on its own.
func (s *Store) write(ctx context.Context, fn func(*sql.Tx) error) error {
	job := &writeJob{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case s.jobs <- job:
	case <-s.quit:
		return alliance.Errorf(alliance.CodeInternal, "the database is closed")
	case <-ctx.Done():
		return ctx.Err()
	}
	err := <-job.done
	if job.panicked != nil {
		panic(job.panicked)
	}
	return err
}

// Ping checks that the writer and a reader connection answer.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.writer.PingContext(ctx); err != nil {
		return fmt.Errorf("ping sqlite writer: %w", err)
	}
	if err := s.readDB.PingContext(ctx); err != nil {
		return fmt.Errorf("ping sqlite reader: %w", err)
	}
	return nil
}

// PoolStats sums the statistics of the writer and reader pools.
func (s *Store) PoolStats() alliance.PoolStats {
	w, r := s.writer.Stats(), s.readDB.Stats()
	return alliance.PoolStats{
		OpenConnections: w.OpenConnections + r.OpenConnections,
		InUse:           w.InUse + r.InUse,
		Idle:            w.Idle + r.Idle,
		WaitCount:       w.WaitCount + r.WaitCount,
		WaitDuration:    w.WaitDuration + r.WaitDuration,
	}
}

// Close closes both connection pools.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { close(s.quit) })
	<-s.stopped
	s.readStmts.close()
	s.writeStmts.close()
	return errors.Join(s.readDB.Close(), s.writer.Close())
}
