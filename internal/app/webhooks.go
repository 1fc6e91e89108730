package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"alliance"
	"alliance/internal/webhook"
)

const (
	webhookTimeout    = 10 * time.Second
	deliveriesPerRun  = 500                    // due deliveries one run of the job reads
	perWebhookPerRun  = alliance.DuePerWebhook // of which it attempts at most this many per webhook
	webhooksAtOnce    = 4                      // webhooks served side by side
	deliveriesPerView = 10                     // latest deliveries shown with a webhook
)

// WebhookView is a webhook with its latest deliveries, as the
// organisation's administrators see it.
type WebhookView struct {
	alliance.Webhook
	Deliveries []alliance.Delivery `json:"deliveries"`
}

func webhookResource(org, id int64) alliance.Resource {
	return alliance.Resource{Type: "webhook", ID: strconv.FormatInt(id, 10), OrgID: org}
}

// CreateWebhook adds a webhook to the caller's organisation with a new
// random secret, which the result holds: it is shown this once.
func (s *Service) CreateWebhook(ctx context.Context, c Caller, rawURL string, events []string) (*alliance.Webhook, error) {
	secret := make([]byte, 32)
	rand.Read(secret)
	w := alliance.Webhook{OrgID: c.OrgID, URL: strings.TrimSpace(rawURL), Events: events, Secret: "whsec_" + hex.EncodeToString(secret),
		CreatedBy: c.UserID, CreatedAt: s.now()}
	if err := s.authorize(ctx, c, alliance.ActWebhookManage, webhookResource(c.OrgID, 0)); err != nil {
		return nil, err
	}
	if err := w.Validate(); err != nil {
		return nil, err
	}
	if u, _ := url.Parse(w.URL); u.Scheme != "https" && !s.cfg.WebhookAllowPrivate {
		return nil, alliance.Invalid("url", "give an https:// address: the requests carry what happened to people's cases")
	}
	err := s.commit(ctx, c, alliance.ActWebhookManage, webhookResource(c.OrgID, 0), func(tx alliance.Tx, e *alliance.AuditEntry) error {
		existing, err := tx.Webhooks(ctx, c.OrgID)
		if err != nil {
			return err
		}
		if active(existing) >= alliance.MaxWebhooksPerOrg {
			return alliance.Invalid("url", "an organisation has at most %d webhooks; disable one first", alliance.MaxWebhooksPerOrg)
		}
		if err := tx.CreateWebhook(ctx, &w); err != nil {
			return err
		}
		u, _ := url.Parse(w.URL)
		e.ResourceID, e.Detail = strconv.FormatInt(w.ID, 10), "webhook to "+u.Host+" for "+strings.Join(w.Events, ", ")
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &w, nil
}

func active(ws []alliance.Webhook) int {
	n := 0
	for _, w := range ws {
		if w.DisabledAt == nil {
			n++
		}
	}
	return n
}

// Webhooks lists the caller's organisation's webhooks, without their
// secrets, each with its latest deliveries.
func (s *Service) Webhooks(ctx context.Context, c Caller) ([]WebhookView, error) {
	if err := s.authorize(ctx, c, alliance.ActWebhookManage, webhookResource(c.OrgID, 0)); err != nil {
		return nil, err
	}
	ws, err := s.store.Webhooks(ctx, c.OrgID)
	if err != nil {
		return nil, err
	}
	out := make([]WebhookView, len(ws))
	for i, w := range ws {
		w.Secret = ""
		out[i].Webhook = w
		if out[i].Deliveries, err = s.store.Deliveries(ctx, w.ID, deliveriesPerView); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// DisableWebhook stops a webhook of the caller's organisation: nothing more
// is sent to it, and deliveries still waiting are dropped.
func (s *Service) DisableWebhook(ctx context.Context, c Caller, id int64) error {
	w, err := s.store.Webhook(ctx, id)
	if err != nil {
		return err
	}
	res := webhookResource(w.OrgID, id)
	return s.change(ctx, c, alliance.ActWebhookManage, res, func(tx alliance.Tx, e *alliance.AuditEntry) error {
		if w.DisabledAt != nil {
			return nil
		}
		e.Detail = "webhook disabled"
		return tx.DisableWebhook(ctx, id, s.now())
	})
}

// notify queues event for the webhooks of each organisation in orgs, in the
// transaction of the change it tells of: the event goes out if and only if
// the change is committed. The payload names records by id only.
func (s *Service) notify(ctx context.Context, tx alliance.Tx, event string, payload map[string]any, orgs ...int64) error {
	at := s.now()
	payload["event"], payload["occurred_at"] = event, at.UTC().Format(time.RFC3339)
	body, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	for i, org := range orgs {
		if i > 0 && org == orgs[i-1] {
			continue
		}
		if _, err := tx.EnqueueDeliveries(ctx, org, event, body, at); err != nil {
			return fmt.Errorf("queue %s: %w", event, err)
		}
	}
	return nil
}

// DeliverWebhooks attempts the deliveries that are due; the server runs it
// every few seconds. A delivery that fails waits alliance.RetryDelay before
// the next attempt, and is given up after alliance.MaxDeliveryAttempts.
// Delivery is at least once: a receiver tells repeats by X-Alliance-Delivery.
//
// Webhooks are served side by side, a few at a time and at most
// perWebhookPerRun deliveries each per run, so that one organisation's flood
// (an import of many cases) or one slow endpoint does not hold back the
// others' events.
func (s *Service) DeliverWebhooks(ctx context.Context) error {
	due, err := s.store.DueDeliveries(ctx, s.now(), deliveriesPerRun)
	if err != nil {
		return err
	}
	byHook := map[int64][]*alliance.Delivery{}
	var order []int64
	for i := range due {
		id := due[i].WebhookID
		if len(byHook[id]) == 0 {
			order = append(order, id)
		}
		if len(byHook[id]) < perWebhookPerRun {
			byHook[id] = append(byHook[id], &due[i])
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, len(order))
	slots := make(chan struct{}, webhooksAtOnce)
	for i, id := range order {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			errs[i] = s.deliverTo(ctx, id, byHook[id])
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// deliverTo attempts deliveries of one webhook, in order.
func (s *Service) deliverTo(ctx context.Context, hookID int64, ds []*alliance.Delivery) error {
	w, err := s.store.Webhook(ctx, hookID)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if err := s.attempt(ctx, w, d); err != nil {
			return err
		}
	}
	return nil
}

// attempt sends one delivery and records the outcome.
func (s *Service) attempt(ctx context.Context, w *alliance.Webhook, d *alliance.Delivery) error {
	status, sendErr := s.webhooks.Send(ctx, webhook.Request{URL: w.URL, Secret: w.Secret, Event: d.Event, Delivery: d.ID, Body: d.Payload})
	if ctx.Err() != nil {
		return ctx.Err() // shutting down: the delivery stays due
	}
	now := s.now()
	d.Attempts++
	d.LastStatus, d.LastError = status, ""
	switch {
	case sendErr == nil:
		d.DeliveredAt = &now
	case d.Attempts >= alliance.MaxDeliveryAttempts:
		d.LastError, d.FailedAt = webhook.Reason(sendErr), &now
		s.log.WarnContext(ctx, "webhook delivery given up", "webhook", w.ID, "delivery", d.ID, "err", sendErr)
	default:
		d.LastError, d.NextAt = webhook.Reason(sendErr), now.Add(alliance.RetryDelay(d.Attempts))
	}
	return s.store.Update(ctx, func(tx alliance.Tx) error { return tx.UpdateDelivery(ctx, d) })
}

// deliveryRetention is how long a delivered or given-up delivery is kept,
// for its webhook's page: its payload holds ids, and it is no record of
// the alliance's.
const deliveryRetention = 30 * 24 * time.Hour

// PurgeWebhookDeliveries deletes the deliveries delivered or given up more
// than deliveryRetention ago; the retention job runs it.
func (s *Service) PurgeWebhookDeliveries(ctx context.Context) error {
	return s.store.Update(ctx, func(tx alliance.Tx) error {
		_, err := tx.PurgeDeliveries(ctx, s.now().Add(-deliveryRetention))
		return err
	})
}
