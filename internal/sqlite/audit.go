package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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
	var at int64
	err := r.Scan(&e.Seq, &at, &e.ActorUserID, &e.ActorOrgID, &e.Action, &e.ResourceType, &e.ResourceID,
		&e.ResourceOrg, &e.RemoteAddr, &e.Outcome, &e.Detail, &e.PrevHash, &e.Hash)
	if err != nil {
		return nil, err
	}
	e.Time = fromMicro(at)
	return &e, nil
}

// AppendAudit links e to the last entry and stores it. The transaction holds
// SQLite's write lock from its start, so appends are serialised.
func (t *tx) AppendAudit(ctx context.Context, e *alliance.AuditEntry) error {
	chain, err := t.keys.Chainer()
	if err != nil {
		return err
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
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, micro(e.Time), e.ActorUserID, e.ActorOrgID, e.Action, e.ResourceType, e.ResourceID,
		e.ResourceOrg, e.RemoteAddr, e.Outcome, e.Detail, sqlstore.NonNil(e.PrevHash), e.Hash)
	if err != nil {
		return fmt.Errorf("append audit entry %d: %w", e.Seq, translate(err, nil))
	}
	return nil
}

// auditQuery builds the query for f: the conditions are ANDed, and each has an
// index that starts with its column and ends with seq. The organisation condition
// is an OR whose two branches use audit_log_resource_org and audit_log_actor_org.
func auditQuery(f alliance.AuditFilter) (string, []any) {
	var where []string
	var args []any
	add := func(cond string, vals ...any) {
		where = append(where, cond)
		args = append(args, vals...)
	}
	if f.OrgID != 0 {
		add(`(resource_org_id = ? OR actor_org_id = ?)`, f.OrgID, f.OrgID)
	}
	if f.ActorUserID != 0 {
		add(`actor_user_id = ?`, f.ActorUserID)
	}
	if f.ResourceType != "" {
		add(`resource_type = ?`, f.ResourceType)
	}
	if f.ResourceID != "" {
		add(`resource_id = ?`, f.ResourceID)
	}
	if !f.Since.IsZero() {
		add(`occurred_at >= ?`, micro(f.Since))
	}
	if !f.Until.IsZero() {
		add(`occurred_at < ?`, micro(f.Until))
	}
	if f.BeforeSeq > 0 {
		add(`seq < ?`, f.BeforeSeq)
	}
	query := `SELECT ` + auditColumns + ` FROM audit_log`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	return query + ` ORDER BY seq DESC LIMIT ?`, append(args, auditLimit(f.Limit))
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
		batch, err := s.auditList(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE seq > ?
			ORDER BY seq LIMIT ?`, after, auditScanBatch)
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
