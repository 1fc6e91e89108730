package sqlstore

import (
	"slices"
	"strings"
	"time"

	"alliance"
)

// The number of deliveries a list returns when the caller gives no limit, and
// the most it returns whatever the caller asks.
const (
	DeliveryDefaultLimit = 100
	DeliveryMaxLimit     = 1000
)

// DeliveryLimit returns the number of deliveries a list may return.
func DeliveryLimit(n int) int { return limit(n, DeliveryDefaultLimit, DeliveryMaxLimit) }

// SealWebhook checks w, returns the stored form of its events (see JoinList)
// and seals its secret under its column name. Both stores refuse the same
// webhooks, with the same error, before the database sees them.
func SealWebhook(c alliance.FieldCipher, w *alliance.Webhook) (events string, secret []byte, err error) {
	if err := w.Validate(); err != nil {
		return "", nil, err
	}
	if w.Secret == "" {
		return "", nil, alliance.Invalid("secret", "give the secret the requests are signed with")
	}
	if events, err = JoinList("events", w.Events); err != nil {
		return "", nil, err
	}
	secret, err = SealText(c, alliance.ColWebhookSecret, w.Secret)
	return events, secret, err
}

// OpenWebhook reads the stored events of w and opens its sealed secret.
func OpenWebhook(c alliance.FieldCipher, w *alliance.Webhook, events string, secret []byte) (err error) {
	w.Events = SplitList(events)
	w.Secret, err = OpenText(c, alliance.ColWebhookSecret, secret)
	return err
}

// CheckWebhookEvent refuses an event no webhook may subscribe to, so that a
// misspelt event is an error rather than a silence.
func CheckWebhookEvent(event string) error {
	if !slices.Contains(alliance.WebhookEvents, event) {
		return alliance.Invalid("event", "%q is not one of %s", event, strings.Join(alliance.WebhookEvents, ", "))
	}
	return nil
}

// TruncateDelivery truncates the times of d to what the stores keep
// (microseconds, UTC), so that what is written reads back equal.
func TruncateDelivery(d *alliance.Delivery) {
	d.NextAt = d.NextAt.UTC().Truncate(time.Microsecond)
	d.DeliveredAt, d.FailedAt = TruncatePtr(d.DeliveredAt), TruncatePtr(d.FailedAt)
}

// TruncatePtr returns a copy of *t truncated to what the stores keep
// (microseconds, UTC), or nil when t is nil. It does not change *t, which the
// caller may share.
func TruncatePtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.UTC().Truncate(time.Microsecond)
	return &v
}

// DuePerWebhook is how many due deliveries of one webhook DueDeliveries
// lists at most.
const DuePerWebhook = alliance.DuePerWebhook
