package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

func TestStmtCache(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // like the writer: one connection
	c := newStmtCache(db)
	defer c.close()
	if st := c.get(ctx, "CREATE TABLE a (x); CREATE TABLE b (y)"); st != nil {
		t.Error("a script of two statements was prepared (SQLite would run only the first)")
	}
	if _, err := (pooled{c}).ExecContext(ctx, "CREATE TABLE t (x INTEGER)"); err != nil {
		t.Fatal(err)
	}
	// Inside a transaction holding the only connection, an unknown query must
	// run at once, not wait to be prepared on the pool.
	done := make(chan error, 1)
	go func() {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			done <- err
			return
		}
		_, err = inTx{tx, c}.ExecContext(ctx, "INSERT INTO t (x) VALUES (?)", 1)
		if err == nil {
			err = tx.Commit()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a query in a transaction waited for the pool's only connection")
	}
	if c.cached("INSERT INTO t (x) VALUES (?)") != nil {
		t.Fatal("prepared during the transaction")
	}
	c.preparePending(ctx)
	if c.cached("INSERT INTO t (x) VALUES (?)") == nil {
		t.Error("the query seen in the transaction was not prepared afterwards")
	}
	var n int
	if err := (pooled{c}).QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil || n != 1 {
		t.Errorf("count = %d, %v; want 1", n, err)
	}
}
