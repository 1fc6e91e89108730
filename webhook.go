package alliance

import (
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Webhook events: what an organisation's systems may be told of. A payload
// names records by id only, never a person: the receiver reads what it may
// through the API, under the same policy and audit as everyone else.
const (
	EventCaseCreated      = "case.created"
	EventReferralSent     = "referral.sent"
	EventReferralAnswered = "referral.answered"
	EventDigestDaily      = "digest.daily"   // once a day: the organisation's deadlines and waiting referrals
	EventWatchListHits    = "watchlist.hits" // a new watch-list version hit names the organisation screened
	ColWebhookSecret      = "webhooks.secret"
	MaxWebhooksPerOrg     = 25
	MaxDeliveryAttempts   = 12 // then the delivery is given up, about 17 hours after the first
	// DuePerWebhook is how many due deliveries of one webhook a store
	// lists at once, so that one webhook's backlog does not hold back the
	// others'.
	DuePerWebhook          = 20
	webhookURLMaxLength    = 2000
	webhookRetryFirstDelay = 30 * time.Second
	webhookRetryMaxDelay   = 12 * time.Hour
)

// WebhookEvents lists the events a webhook may subscribe to.
var WebhookEvents = []string{EventCaseCreated, EventReferralSent, EventReferralAnswered, EventDigestDaily, EventWatchListHits}

// Webhook is an organisation's endpoint that is told of events, each request
// signed with HMAC-SHA256 under the webhook's secret.
type Webhook struct {
	ID         int64      `json:"id"`
	OrgID      int64      `json:"org_id"`
	URL        string     `json:"url"`
	Events     []string   `json:"events"`
	Secret     string     `json:"-"` // sealed at rest; shown once, when created
	CreatedBy  int64      `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	DisabledAt *time.Time `json:"disabled_at,omitempty"`
}

// Validate checks a webhook: an absolute http(s) URL without credentials in
// it, and at least one known event.
func (w *Webhook) Validate() error {
	u, err := url.Parse(w.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || utf8.RuneCountInString(w.URL) > webhookURLMaxLength {
		return Invalid("url", "give an absolute https:// URL of at most %d characters", webhookURLMaxLength)
	}
	if u.User != nil {
		return Invalid("url", "do not put credentials in the URL; the requests are signed instead")
	}
	if len(w.Events) == 0 {
		return Invalid("events", "choose at least one of %s", strings.Join(WebhookEvents, ", "))
	}
	for i, e := range w.Events {
		if !slices.Contains(WebhookEvents, e) || slices.Contains(w.Events[:i], e) {
			return Invalid("events", "%q is not one of %s, or is listed twice", e, strings.Join(WebhookEvents, ", "))
		}
	}
	return nil
}

// Delivery is one event to send to one webhook, kept until it is delivered
// or given up, so that a restart loses nothing.
type Delivery struct {
	ID          int64      `json:"id"`
	WebhookID   int64      `json:"webhook_id"`
	Event       string     `json:"event"`
	Payload     []byte     `json:"-"` // the JSON body sent
	Attempts    int        `json:"attempts"`
	NextAt      time.Time  `json:"next_at"` // when the next attempt is due
	LastStatus  int        `json:"last_status,omitempty"`
	LastError   string     `json:"last_error,omitempty"`
	DeliveredAt *time.Time `json:"delivered_at,omitempty"`
	FailedAt    *time.Time `json:"failed_at,omitempty"` // given up after MaxDeliveryAttempts
	CreatedAt   time.Time  `json:"created_at"`
}

// RetryDelay is how long to wait after the attempt-th failed attempt (1 for
// the first): 30 s, doubling each time, at most 12 hours, so that an
// endpoint that is down for a while is not hammered and a short outage is
// caught up quickly.
func RetryDelay(attempt int) time.Duration {
	d := webhookRetryFirstDelay
	for i := 1; i < attempt && d < webhookRetryMaxDelay; i++ {
		d *= 2
	}
	return min(d, webhookRetryMaxDelay)
}
