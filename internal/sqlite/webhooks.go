package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"alliance"
	"alliance/internal/sqlstore"
)

const webhookColumns = `id, org_id, url, events, secret, created_by, created_at, disabled_at`

func scanWebhook(s sqlstore.Scanner, c alliance.FieldCipher) (*alliance.Webhook, error) {
	var w alliance.Webhook
	var events string
	var secret []byte
	var created int64
	var disabled sql.NullInt64
	if err := s.Scan(&w.ID, &w.OrgID, &w.URL, &events, &secret, &w.CreatedBy, &created, &disabled); err != nil {
		return nil, err
	}
	w.CreatedAt, w.DisabledAt = fromMicro(created), timePtr(disabled)
	if err := sqlstore.OpenWebhook(c, &w, events, secret); err != nil {
		return nil, fmt.Errorf("webhook %d: %w", w.ID, err)
	}
	return &w, nil
}

// Webhooks lists the webhooks of an organisation, oldest first (then in the
// order they were made), the disabled ones too, their secrets opened.
func (r *reader) Webhooks(ctx context.Context, orgID int64) ([]alliance.Webhook, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	return sqlstore.List(ctx, r.q, "list webhooks", func(s sqlstore.Scanner) (*alliance.Webhook, error) {
		return scanWebhook(s, c)
	}, `SELECT `+webhookColumns+` FROM webhooks WHERE org_id = ? ORDER BY created_at, id`, orgID)
}

// Webhook returns the webhook with the given id, its secret opened.
func (r *reader) Webhook(ctx context.Context, id int64) (*alliance.Webhook, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	w, err := scanWebhook(r.q.QueryRowContext(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE id = ?`, id), c)
	if err != nil {
		return nil, fmt.Errorf("webhook %d: %w", id, translate(err, nil))
	}
	return w, nil
}

const deliveryColumns = `d.id, d.webhook_id, d.event, d.payload, d.attempts, d.next_at, d.last_status,
	d.last_error, d.delivered_at, d.failed_at, d.created_at`

func scanDelivery(s sqlstore.Scanner) (*alliance.Delivery, error) {
	var d alliance.Delivery
	var next, created int64
	var delivered, failed sql.NullInt64
	if err := s.Scan(&d.ID, &d.WebhookID, &d.Event, &d.Payload, &d.Attempts, &next, &d.LastStatus,
		&d.LastError, &delivered, &failed, &created); err != nil {
		return nil, err
	}
	d.NextAt, d.CreatedAt = fromMicro(next), fromMicro(created)
	d.DeliveredAt, d.FailedAt = timePtr(delivered), timePtr(failed)
	return &d, nil
}

// DueDeliveries lists up to limit deliveries neither delivered nor given up
// whose next attempt is due by now and whose webhook is not disabled,
// earliest due first (then in the order they were enqueued), and at most
// sqlstore.DuePerWebhook of each webhook, so that one webhook's backlog
// cannot push the others' deliveries out of the list.
func (r *reader) DueDeliveries(ctx context.Context, now time.Time, limit int) ([]alliance.Delivery, error) {
	return sqlstore.List(ctx, r.q, "list due deliveries", scanDelivery,
		`SELECT `+deliveryColumns+` FROM (SELECT x.*, ROW_NUMBER() OVER (PARTITION BY x.webhook_id ORDER BY x.next_at, x.id) AS n
		FROM webhook_deliveries x JOIN webhooks w ON w.id = x.webhook_id
		WHERE x.delivered_at IS NULL AND x.failed_at IS NULL AND x.next_at <= ? AND w.disabled_at IS NULL) d
		WHERE d.n <= `+strconv.Itoa(sqlstore.DuePerWebhook)+` ORDER BY d.next_at, d.id LIMIT ?`, micro(now), sqlstore.DeliveryLimit(limit))
}

// Deliveries lists up to limit deliveries of a webhook, newest first (then
// the last enqueued first).
func (r *reader) Deliveries(ctx context.Context, webhookID int64, limit int) ([]alliance.Delivery, error) {
	return sqlstore.List(ctx, r.q, "list deliveries", scanDelivery,
		`SELECT `+deliveryColumns+` FROM webhook_deliveries d WHERE d.webhook_id = ?
		ORDER BY d.created_at DESC, d.id DESC LIMIT ?`, webhookID, sqlstore.DeliveryLimit(limit))
}

// CreateWebhook stores w, sealing its secret, and sets its ID (and CreatedAt
// when zero).
func (t *tx) CreateWebhook(ctx context.Context, w *alliance.Webhook) error {
	c, err := t.keys.Cipher()
	if err != nil {
		return err
	}
	events, secret, err := sqlstore.SealWebhook(c, w)
	if err != nil {
		return fmt.Errorf("create webhook: %w", err)
	}
	sqlstore.Stamp(&w.CreatedAt)
	w.DisabledAt = sqlstore.TruncatePtr(w.DisabledAt)
	err = t.q.QueryRowContext(ctx, `INSERT INTO webhooks (org_id, url, events, secret, created_by, created_at,
		disabled_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		w.OrgID, w.URL, events, secret, w.CreatedBy, micro(w.CreatedAt), ptrMicro(w.DisabledAt)).Scan(&w.ID)
	if err != nil {
		var ref *alliance.Error
		if isForeignKey(err) {
			ref = t.missingRef(ctx, refUser, refCheck{"organisations", w.OrgID, refOrganisation})
		}
		return fmt.Errorf("create webhook: %w", translate(err, ref))
	}
	return nil
}

// DisableWebhook marks a webhook disabled at at (now when zero); a webhook
// already disabled keeps its first time.
func (t *tx) DisableWebhook(ctx context.Context, id int64, at time.Time) error {
	sqlstore.Stamp(&at)
	res, err := t.q.ExecContext(ctx, `UPDATE webhooks SET disabled_at = coalesce(disabled_at, ?) WHERE id = ?`,
		micro(at), id)
	if err != nil {
		return fmt.Errorf("disable webhook %d: %w", id, err)
	}
	if n, err := sqlstore.Affected(res); err != nil || n == 0 {
		return fmt.Errorf("disable webhook %d: %w", id, sqlstore.OrNotFound(err))
	}
	return nil
}

// EnqueueDeliveries adds a delivery of event, due at at, for every webhook
// of the organisation that is not disabled and subscribes to event, and
// returns how many it added.
func (t *tx) EnqueueDeliveries(ctx context.Context, orgID int64, event string, payload []byte, at time.Time) (int, error) {
	if err := sqlstore.CheckWebhookEvent(event); err != nil {
		return 0, fmt.Errorf("enqueue %s: %w", event, err)
	}
	sqlstore.Stamp(&at)
	res, err := t.q.ExecContext(ctx, `INSERT INTO webhook_deliveries (webhook_id, event, payload, attempts,
		next_at, created_at) SELECT id, ?, ?, 0, ?, ? FROM webhooks
		WHERE org_id = ? AND disabled_at IS NULL AND instr(events, ?) > 0 ORDER BY id`,
		event, sqlstore.NonNil(payload), micro(at), micro(at), orgID, sqlstore.ListItem(event))
	if err != nil {
		return 0, fmt.Errorf("enqueue %s: %w", event, translate(err, nil))
	}
	n, err := sqlstore.Affected(res)
	if err != nil {
		return 0, fmt.Errorf("enqueue %s: %w", event, err)
	}
	return n, nil
}

// UpdateDelivery writes the attempts, next attempt, last status and error,
// and delivered and failed times of d.
func (t *tx) UpdateDelivery(ctx context.Context, d *alliance.Delivery) error {
	sqlstore.TruncateDelivery(d)
	res, err := t.q.ExecContext(ctx, `UPDATE webhook_deliveries SET attempts = ?, next_at = ?, last_status = ?,
		last_error = ?, delivered_at = ?, failed_at = ? WHERE id = ?`,
		d.Attempts, micro(d.NextAt), d.LastStatus, d.LastError, ptrMicro(d.DeliveredAt), ptrMicro(d.FailedAt), d.ID)
	if err != nil {
		return fmt.Errorf("update delivery %d: %w", d.ID, translate(err, nil))
	}
	if n, err := sqlstore.Affected(res); err != nil || n == 0 {
		return fmt.Errorf("update delivery %d: %w", d.ID, sqlstore.OrNotFound(err))
	}
	return nil
}

// PurgeDeliveries deletes the deliveries delivered or given up before
// before, and returns how many.
func (t *tx) PurgeDeliveries(ctx context.Context, before time.Time) (int, error) {
	at := before.UTC().Truncate(time.Microsecond)
	res, err := t.q.ExecContext(ctx, `DELETE FROM webhook_deliveries
		WHERE (delivered_at IS NOT NULL AND delivered_at < ?) OR (failed_at IS NOT NULL AND failed_at < ?)`, micro(at), micro(at))
	if err != nil {
		return 0, fmt.Errorf("purge deliveries: %w", translate(err, nil))
	}
	return sqlstore.Affected(res)
}
