package sqlstore

import (
	"database/sql"
	"strings"
	"time"

	"alliance"
)

// Stamp sets *t to now when it is zero and truncates it to what the stores keep
// (microseconds, UTC).
func Stamp(t *time.Time) {
	if t.IsZero() {
		*t = time.Now()
	}
	*t = t.UTC().Truncate(time.Microsecond)
}

// NullBytes stores a nil slice as NULL.
func NullBytes(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}

// NonNil stores a nil slice as an empty byte string rather than NULL.
func NonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// NameKey is the form of an organisation name that must be unique: names that
// differ only in case or surrounding space are the same organisation. It is
// computed here, not by the database, so that both stores agree on it.
func NameKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// Affected returns the number of rows a statement changed.
func Affected(res sql.Result) (int, error) {
	n, err := res.RowsAffected()
	return int(n), err
}

// OrNotFound returns err, or ErrNotFound when a statement that should have
// changed a row changed none.
func OrNotFound(err error) error {
	if err != nil {
		return err
	}
	return alliance.ErrNotFound
}

// NullID stores the id 0, a reference not made yet, as NULL.
func NullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
