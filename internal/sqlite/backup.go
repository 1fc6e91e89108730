package sqlite

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"alliance"
)

// Backup writes a consistent, compacted copy of the database to path with VACUUM
// INTO. It refuses to overwrite an existing file.
func (s *Store) Backup(ctx context.Context, path string) error {
	if path == "" {
		return alliance.Invalid("path", "give the file to write the backup to, e.g. alliance-backup.db")
	}
	if _, err := os.Stat(path); err == nil {
		return &alliance.Error{Code: alliance.CodeConflict, Field: "path",
			Message: fmt.Sprintf("%s already exists; choose a new file name or move the old file away, a backup never overwrites", path)}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	if _, err := s.readDB.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}
