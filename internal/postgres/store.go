// Package postgres implements alliance.Store on PostgreSQL through pgx's
// database/sql driver, with hand-written SQL and embedded migrations. It is the
// scale-out path: several Alliance servers may share one database, so schema
// changes and audit appends are serialised with advisory locks.
package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"alliance"
	"alliance/internal/sqlstore"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// Pool settings. A server handles many short requests; PostgreSQL's default
// max_connections (100) leaves room for several servers at this size.
const (
	maxConns       = 20
	maxIdle        = 5 * time.Minute
	connectTimeout = 15 * time.Second
)

// Store is an alliance.Store on one PostgreSQL database (and schema: the first
// schema of the search_path).
type Store struct {
	reader

	db   *sql.DB
	keys *sqlstore.Keyring
}

var _ alliance.Store = (*Store)(nil)

// Open connects to the database named by dsn (postgres://user:password@host:5432/db)
// and checks that it answers. It does not apply migrations: call Migrate.
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		// The cause is left out: it may quote the connection string, password included.
		return nil, alliance.Invalid("dsn", "the PostgreSQL connection string is not valid; "+
			"use the form postgres://user:password@host:5432/alliance?sslmode=verify-full")
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	db.SetConnMaxIdleTime(maxIdle)
	pctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, connectError(cfg, err)
	}
	k := &sqlstore.Keyring{}
	return &Store{reader: reader{q: db, keys: k}, db: db, keys: k}, nil
}

// connectError explains why the server could not be reached or refused us,
// naming the server but never the password.
func connectError(cfg *pgconn.Config, err error) error {
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port)))
	var pgErr *pgconn.PgError
	msg := fmt.Sprintf("the PostgreSQL server at %s did not answer: check that PostgreSQL is running there, "+
		"that the host and port in the connection string are right, and that no firewall blocks the port", addr)
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "28P01", "28000":
			msg = fmt.Sprintf("the PostgreSQL server at %s refused the login of user %q: check the user name and "+
				"password in the connection string, and pg_hba.conf on the server", addr, cfg.User)
		case "3D000":
			msg = fmt.Sprintf("the PostgreSQL server at %s has no database %q: create it (createdb %s) or "+
				"correct the connection string", addr, cfg.Database, cfg.Database)
		default:
			msg = fmt.Sprintf("the PostgreSQL server at %s refused the connection (%s): check the connection string "+
				"and the server log", addr, pgErr.Message)
		}
	}
	return &alliance.Error{Code: alliance.CodeInternal, Message: msg, Err: err}
}

// RawDB returns the connection pool, for tests and maintenance tools that must
// inspect or alter rows directly. Application code uses the Store methods.
func (s *Store) RawDB() *sql.DB { return s.db }

// UseKeys installs the cipher for identity fields and the audit chainer.
func (s *Store) UseKeys(c alliance.FieldCipher, a *alliance.AuditChainer) {
	s.keys.Set(c, a)
}

// Update runs fn in a transaction and commits when fn returns nil.
func (s *Store) Update(ctx context.Context, fn func(alliance.Tx) error) error {
	return s.write(ctx, func(t *sql.Tx) error {
		return fn(&tx{reader{q: t, keys: s.keys}})
	})
}

// write runs fn in a transaction, rolled back when fn returns an error or panics.
func (s *Store) write(ctx context.Context, fn func(*sql.Tx) error) error {
	t, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = t.Rollback()
			panic(p)
		}
	}()
	if err := fn(t); err != nil {
		_ = t.Rollback()
		return err
	}
	if err := t.Commit(); err != nil {
		return fmt.Errorf("commit transaction: %w", translate(err))
	}
	return nil
}

// Backup refuses: a PostgreSQL database is backed up with pg_dump, which the
// operator runs with the server's own credentials and retention.
func (s *Store) Backup(ctx context.Context, path string) error {
	return &alliance.Error{Code: alliance.CodeInvalid, Message: "Alliance does not back up a PostgreSQL " +
		"database itself; use pg_dump, e.g. pg_dump --format=custom --file=alliance-$(date +%F).dump " +
		"'postgres://alliance@db.example.org:5432/alliance', and restore with pg_restore"}
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("ping postgres: %w", err)
	}
	return nil
}

// PoolStats reports the connection pool statistics.
func (s *Store) PoolStats() alliance.PoolStats {
	st := s.db.Stats()
	return alliance.PoolStats{OpenConnections: st.OpenConnections, InUse: st.InUse, Idle: st.Idle,
		WaitCount: st.WaitCount, WaitDuration: st.WaitDuration}
}

// Close closes the connection pool.
func (s *Store) Close() error { return s.db.Close() }
