package sqlite

import "database/sql"

// ReaderDB exposes the read-only pool to the tests.
func ReaderDB(s *Store) *sql.DB { return s.readDB }
