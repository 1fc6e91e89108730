package sqlite

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"alliance"
)

// Backup writes a consistent, compacted copy of the database to path with VACUUM
// INTO. It refuses to overwrite an existing file. The copy holds password hashes
// and the audit log, so it is created readable by its owner only, like the
// database: VACUUM INTO would create it with the process umask, so the empty file
// is created first (VACUUM INTO accepts one) and removed again if the copy fails.
func (s *Store) Backup(ctx context.Context, path string) error {
	if path == "" {
		return alliance.Invalid("path", "give the file to write the backup to, e.g. alliance-backup.db")
	}
	// An absolute path names the same file for os.OpenFile and for SQLite, which
	// would read a relative name starting "file:" as a URI.
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	if err := createBackupFile(abs, path); err != nil {
		return err
	}
	if _, err := s.readDB.ExecContext(ctx, `VACUUM INTO ?`, abs); err != nil {
		err = fmt.Errorf("backup to %s: %w", path, err)
		if rmErr := os.Remove(abs); rmErr != nil && !errors.Is(rmErr, fs.ErrNotExist) {
			err = errors.Join(err, fmt.Errorf("remove the incomplete backup: %w", rmErr))
		}
		return err
	}
	return nil
}

// createBackupFile creates the empty file abs, mode 0600, failing if it exists;
// path is the name the user gave, for the messages.
func createBackupFile(abs, path string) error {
	f, err := os.OpenFile(abs, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case errors.Is(err, fs.ErrExist):
		return &alliance.Error{Code: alliance.CodeConflict, Field: "path",
			Message: fmt.Sprintf("%s already exists; choose a new file name or move the old file away, a backup never overwrites", path)}
	case errors.Is(err, fs.ErrNotExist):
		return alliance.Invalid("path", "the directory %s does not exist; create it, or give another path for the backup", filepath.Dir(abs))
	case err != nil:
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(abs)
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}
