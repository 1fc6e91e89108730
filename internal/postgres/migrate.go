package postgres

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Advisory lock namespaces (the first key); the second key is a hash of the
// schema, so that stores in different schemas of one database do not wait on
// each other.
const (
	lockMigrate = 0x616c6c69 // "alli"
	lockAudit   = 0x61756469 // "audi"
)

const schemaKey = `hashtext(coalesce(current_schema(), ''))`

// Migrate applies, in name order, the embedded migrations not yet recorded in
// schema_migrations, each in its own transaction together with its record. It
// holds an advisory lock meanwhile, so two servers starting at once do not race.
func (s *Store) Migrate(ctx context.Context) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1, `+schemaKey+`)`, lockMigrate); err != nil {
		return fmt.Errorf("migrate: take the migration lock: %w", err)
	}
	// Unlock even when ctx is cancelled: the connection goes back to the pool.
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1, `+schemaKey+`)`, lockMigrate)
	_, err = conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`)
	if err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := migrate(ctx, conn, name); err != nil {
			return err
		}
	}
	return nil
}

// migrate applies one migration unless it is recorded as applied.
func migrate(ctx context.Context, conn *sql.Conn, file string) error {
	name := file[len("migrations/"):]
	body, err := migrations.ReadFile(file)
	if err != nil {
		return err
	}
	t, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration %s: %w", name, err)
	}
	defer t.Rollback()
	var n int
	if err := t.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = $1`, name).Scan(&n); err != nil || n > 0 {
		return err
	}
	if _, err := t.ExecContext(ctx, string(body)); err != nil {
		return fmt.Errorf("migration %s: %w", name, err)
	}
	if _, err := t.ExecContext(ctx, `INSERT INTO schema_migrations (name) VALUES ($1)`, name); err != nil {
		return fmt.Errorf("migration %s: %w", name, err)
	}
	if err := t.Commit(); err != nil {
		return fmt.Errorf("migration %s: %w", name, err)
	}
	return nil
}
