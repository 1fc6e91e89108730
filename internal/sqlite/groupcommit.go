package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// maxBatch bounds how many waiting writes share one transaction.
const maxBatch = 64

// writeJob is one write waiting for the writer connection.
type writeJob struct {
	ctx      context.Context
	fn       func(*sql.Tx) error
	done     chan error
	panicked any // fn's panic, raised again in the caller's goroutine
}

// errPanicked answers a job whose fn panicked; write re-raises the panic.
var errPanicked = errors.New("write panicked")

// groupCommit owns the writer connection. It takes writes in the order they
// arrived and runs all that are waiting (up to maxBatch) in one transaction,
// each inside a savepoint: a failing write rolls back to its savepoint and
// fails alone, the others commit together. SQLite has one writer; one commit
// for many writes writes the shared pages (the audit log's tail and its
// indexes) once, and the queue serves writers first come, first served where
// database/sql would hand the connection to a random waiter.
func (s *Store) groupCommit() {
	defer close(s.stopped)
	for {
		select {
		case <-s.quit:
			return
		case job := <-s.jobs:
			s.runBatch(s.collect(job))
		}
	}
}

// collect returns first and the writes already waiting behind it.
func (s *Store) collect(first *writeJob) []*writeJob {
	batch := []*writeJob{first}
	for len(batch) < maxBatch {
		select {
		case j := <-s.jobs:
			batch = append(batch, j)
		default:
			return batch
		}
	}
	return batch
}

// runBatch runs a batch in one transaction and answers every job. The batch
// uses a context of its own: one caller giving up must not roll back the
// others' writes.
func (s *Store) runBatch(batch []*writeJob) {
	ctx := context.Background()
	t, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		answer(batch, fmt.Errorf("begin transaction: %w", translate(err, nil)))
		return
	}
	var passed []*writeJob
	for i, j := range batch {
		ok, err := s.runJob(ctx, t, j)
		if err != nil { // the transaction is unusable: nothing of the batch stays
			_ = t.Rollback()
			answer(passed, err)
			answer(batch[i:], err)
			return
		}
		if ok {
			passed = append(passed, j)
		}
	}
	if err := t.Commit(); err != nil {
		answer(passed, fmt.Errorf("commit transaction: %w", translate(err, nil)))
		return
	}
	answer(passed, nil)
	s.writeStmts.preparePending(ctx)
}

// runJob runs one job inside a savepoint. It reports whether the job's writes
// stay in the transaction; a job that failed has been answered already. A
// non-nil error means the transaction itself failed.
func (s *Store) runJob(ctx context.Context, t *sql.Tx, j *writeJob) (bool, error) {
	if err := j.ctx.Err(); err != nil {
		j.done <- err
		return false, nil
	}
	q := inTx{t, s.writeStmts}
	if _, err := q.ExecContext(ctx, "SAVEPOINT w"); err != nil {
		return false, fmt.Errorf("savepoint: %w", translate(err, nil))
	}
	if err := callJob(j, t); err != nil {
		if _, rerr := q.ExecContext(ctx, "ROLLBACK TO w"); rerr != nil {
			return false, fmt.Errorf("roll back to savepoint: %w", translate(rerr, nil))
		}
		if _, rerr := q.ExecContext(ctx, "RELEASE w"); rerr != nil {
			return false, fmt.Errorf("release savepoint: %w", translate(rerr, nil))
		}
		j.done <- err
		return false, nil
	}
	// A statement interrupted inside fn may have rolled back the whole
	// transaction, which also ends the savepoint: then this fails, and so does
	// the batch, rather than report writes that did not happen.
	if _, err := q.ExecContext(ctx, "RELEASE w"); err != nil {
		return false, fmt.Errorf("release savepoint: %w", translate(err, nil))
	}
	return true, nil
}

// callJob runs j's fn, catching a panic so that the writer goroutine survives
// and the caller's goroutine can raise it again.
func callJob(j *writeJob, t *sql.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			j.panicked, err = p, errPanicked
		}
	}()
	return j.fn(t)
}

func answer(jobs []*writeJob, err error) {
	for _, j := range jobs {
		j.done <- err
	}
}
