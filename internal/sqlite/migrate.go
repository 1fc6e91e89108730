package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"time"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrate applies, in name order, the embedded migrations not yet recorded in
// schema_migrations, each in its own transaction together with its record.
func (s *Store) Migrate(ctx context.Context) error {
	_, err := s.writer.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT`)
	if err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := s.migrate(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

// migrate applies one migration unless it is recorded as applied. The write
// transaction begins IMMEDIATE, so another process migrating the same file waits
// and then sees the record.
func (s *Store) migrate(ctx context.Context, file string) error {
	name := file[len("migrations/"):]
	body, err := migrations.ReadFile(file)
	if err != nil {
		return err
	}
	return s.write(ctx, func(t *sql.Tx) error {
		var n int
		err := t.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = ?`, name).Scan(&n)
		if err != nil || n > 0 {
			return err
		}
		if _, err := t.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
		_, err = t.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`,
			name, micro(time.Now()))
		return err
	})
}
