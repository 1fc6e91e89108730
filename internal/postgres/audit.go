package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"alliance"
	"alliance/internal/sqlstore"
)

const auditColumns = `seq, occurred_at, actor_user_id, actor_org_id, action, resource_type, resource_id,
	resource_org_id, remote_addr, outcome, detail, prev_hash, hash`

// The page sizes of AuditEntries and the batch size of ScanAudit.
const (
	auditDefaultLimit = 50
	auditMaxLimit     = 500
	auditScanBatch    = 500
)

func scanAudit(r sqlstore.Scanner) (*alliance.AuditEntry, error) {
	var e alliance.AuditEntry
	err := r.Scan(&e.Seq, &e.Time, &e.ActorUserID, &e.ActorOrgID, &e.Action, &e.ResourceType, &e.ResourceID,
		&e.ResourceOrg, &e.RemoteAddr, &e.Outcome, &e.Detail, &e.PrevHash, &e.Hash)
	if err != nil {
		return nil, err
	}
	e.Time = utc(e.Time)
	return &e, nil
}

// AppendAudit links e to the last entry and stores it. A transaction-scoped
// advisory lock serialises appenders, from this server and every other one, so
// that each reads the entry the previous one committed; under READ COMMITTED the
// read after the lock sees it. The lock is held until the transaction ends, so
// callers append last, just before they commit.
func (t *tx) AppendAudit(ctx context.Context, e *alliance.AuditEntry) error {
	chain, err := t.keys.Chainer()
	if err != nil {
		return err
	}
	if _, err := t.q.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, `+schemaKey+`)`, lockAudit); err != nil {
		return fmt.Errorf("append audit entry: take the audit lock: %w", err)
	}
	var last int64
	var prev []byte
	err = t.q.QueryRowContext(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&last, &prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("append audit entry: read last entry: %w", err)
	}
	e.Seq = last + 1
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	e.Time = e.Time.UTC().Truncate(time.Microsecond)
	chain.Seal(e, prev)
	_, err = t.q.ExecContext(ctx, `INSERT INTO audit_log (`+auditColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		e.Seq, e.Time, e.ActorUserID, e.ActorOrgID, e.Action, e.ResourceType, e.ResourceID,
		e.ResourceOrg, e.RemoteAddr, e.Outcome, e.Detail, sqlstore.NonNil(e.PrevHash), e.Hash)
	if err != nil {
		return fmt.Errorf("append audit entry %d: %w", e.Seq, translate(err))
	}
	return nil
}

// args collects query arguments and names their placeholders.
type args []any

func (a *args) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// auditQuery builds the query for f: the conditions are ANDed, and each has an
// index that starts with its column and ends with seq. The organisation condition
// is an OR whose two branches use audit_log_resource_org and audit_log_actor_org.
func auditQuery(f alliance.AuditFilter) (string, []any) {
	var where []string
	var a args
	if f.OrgID != 0 {
		p := a.add(f.OrgID)
		where = append(where, `(resource_org_id = `+p+` OR actor_org_id = `+p+`)`)
	}
	if f.ActorUserID != 0 {
		where = append(where, `actor_user_id = `+a.add(f.ActorUserID))
	}
	if f.ResourceType != "" {
		where = append(where, `resource_type = `+a.add(f.ResourceType))
	}
	if f.ResourceID != "" {
		where = append(where, `resource_id = `+a.add(f.ResourceID))
	}
	if !f.Since.IsZero() {
		where = append(where, `occurred_at >= `+a.add(f.Since.UTC()))
	}
	if !f.Until.IsZero() {
		where = append(where, `occurred_at < `+a.add(f.Until.UTC()))
	}
	if f.BeforeSeq > 0 {
		where = append(where, `seq < `+a.add(f.BeforeSeq))
	}
	query := `SELECT ` + auditColumns + ` FROM audit_log`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	return query + ` ORDER BY seq DESC LIMIT ` + a.add(auditLimit(f.Limit)), a
}

func auditLimit(n int) int {
	switch {
	case n <= 0:
		return auditDefaultLimit
	case n > auditMaxLimit:
		return auditMaxLimit
	}
	return n
}

// AuditEntries returns the entries matching f, newest first: at most f.Limit
// (default 50, at most 500). An entry belongs to organisation f.OrgID when it is
// about a resource of that organisation, or when its actor belongs to it and it is
// about no organisation's resource (resource org 0, or -1 for a missing record):
// what a superadmin does in another organisation shows there, not at home.
func (r *reader) AuditEntries(ctx context.Context, f alliance.AuditFilter) ([]alliance.AuditEntry, error) {
	query, args := auditQuery(f)
	return r.auditList(ctx, query, args...)
}

func (r *reader) auditList(ctx context.Context, query string, args ...any) ([]alliance.AuditEntry, error) {
	return sqlstore.List(ctx, r.q, "list audit entries", scanAudit, query, args...)
}

// ScanAudit calls fn for every audit entry in sequence order. It reads the log
// in batches, and holds no connection while fn runs.
func (s *Store) ScanAudit(ctx context.Context, fn func(*alliance.AuditEntry) error) error {
	var after int64
	for {
		batch, err := s.auditList(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE seq > $1
			ORDER BY seq LIMIT $2`, after, auditScanBatch)
		if err != nil {
			return err
		}
		for i := range batch {
			if err := fn(&batch[i]); err != nil {
				return err
			}
		}
		if len(batch) < auditScanBatch {
			return nil
		}
		after = batch[len(batch)-1].Seq
	}
}
