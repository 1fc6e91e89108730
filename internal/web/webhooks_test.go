package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"alliance"
	"alliance/internal/webhook"
)

// receiver is a webhook endpoint that records what it is sent, answering
// with status.
type receiver struct {
	mu     sync.Mutex
	status int
	got    []received
	srv    *httptest.Server
}

type received struct {
	event, delivery, signature string
	body                       []byte
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{status: http.StatusOK}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		defer rc.mu.Unlock()
		rc.got = append(rc.got, received{r.Header.Get(webhook.HeaderEvent), r.Header.Get(webhook.HeaderDelivery), r.Header.Get(webhook.HeaderSignature), body})
		w.WriteHeader(rc.status)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) take() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := rc.got
	rc.got = nil
	return out
}

// TestWebhooks: an administrator adds a webhook and is shown its secret
// once; opening a case and sending and answering a referral are delivered,
// signed, to the organisations concerned, naming no one; a failing endpoint
// is retried after the backoff and given up after the last attempt.
func TestWebhooks(t *testing.T) {
	cfg := testConfig()
	cfg.WebhookAllowPrivate = true // the receiver listens on loopback
	e := newTestEnv(t, cfg)
	now := time.Now()
	e.svc.SetClock(func() time.Time { return now })
	ctx := context.Background()
	ngoHook, shelterHook := newReceiver(t), newReceiver(t)
	secret := func(admin, url, events string) string {
		c := e.client(t, admin)
		var out struct {
			ID     int64  `json:"id"`
			Secret string `json:"secret"`
		}
		json.Unmarshal(c.must(201, "POST", "/api/v1/webhooks", `{"url":"`+url+`","events":`+events+`}`), &out)
		if !strings.HasPrefix(out.Secret, "whsec_") {
			t.Fatalf("no secret in the answer: %+v", out)
		}
		if list := string(c.must(200, "GET", "/api/v1/webhooks", "")); strings.Contains(list, out.Secret) {
			t.Fatal("the list shows the secret again")
		}
		return out.Secret
	}
	ngoSecret := secret("admin@0", ngoHook.srv.URL, `["case.created","referral.answered"]`)
	shelterSecret := secret("admin@1", shelterHook.srv.URL, `["referral.sent"]`)

	k := e.caseIn(t, 0) // the person is named Mihai Popescu
	ref := e.referral(t, 0, 1)
	if _, err := e.svc.AnswerReferral(ctx, e.caseworkerOf(1), ref.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.DeliverWebhooks(ctx); err != nil {
		t.Fatal(err)
	}
	check := func(rc *receiver, secret string, want ...string) {
		t.Helper()
		got := rc.take()
		var events []string
		for _, g := range got {
			events = append(events, g.event)
			if err := webhook.Verify(secret, g.signature, g.body, now, time.Minute); err != nil {
				t.Errorf("%s: %v", g.event, err)
			}
			if strings.Contains(string(g.body), "Popescu") || strings.Contains(string(g.body), "Mihai") {
				t.Errorf("%s names the person: %s", g.event, g.body)
			}
		}
		if strings.Join(events, " ") != strings.Join(want, " ") {
			t.Errorf("events %v, want %v", events, want)
		}
	}
	check(shelterHook, shelterSecret, "referral.sent")
	got := ngoHook.take()
	for _, g := range got {
		if err := webhook.Verify(ngoSecret, g.signature, g.body, now, time.Minute); err != nil {
			t.Errorf("%s: %v", g.event, err)
		}
	}
	if len(got) < 2 || got[0].event != "case.created" {
		t.Fatalf("the NGO's endpoint got %v", got)
	}
	var payload map[string]any
	json.Unmarshal(got[0].body, &payload)
	if payload["case_id"] != float64(k.ID) || payload["event"] != "case.created" {
		t.Errorf("payload %v, want case %d", payload, k.ID)
	}
	if last := got[len(got)-1]; last.event != "referral.answered" {
		t.Errorf("the NGO's last event is %s, want referral.answered", last.event)
	}

	// A failing endpoint: retried after the backoff, then given up.
	ngoHook.status = http.StatusServiceUnavailable
	e.caseIn(t, 0)
	for attempt := 1; attempt <= alliance.MaxDeliveryAttempts; attempt++ {
		if err := e.svc.DeliverWebhooks(ctx); err != nil {
			t.Fatal(err)
		}
		if n := len(ngoHook.take()); n != 1 {
			t.Fatalf("attempt %d: %d requests, want 1", attempt, n)
		}
		if attempt == alliance.MaxDeliveryAttempts {
			break
		}
		now = now.Add(alliance.RetryDelay(attempt) - time.Second) // not due again yet
		if err := e.svc.DeliverWebhooks(ctx); err != nil {
			t.Fatal(err)
		}
		if n := len(ngoHook.take()); n != 0 {
			t.Fatalf("after attempt %d, retried a second before the backoff of %v ended", attempt, alliance.RetryDelay(attempt))
		}
		now = now.Add(time.Second)
	}
	now = now.Add(24 * time.Hour)
	e.svc.DeliverWebhooks(ctx)
	if n := len(ngoHook.take()); n != 0 {
		t.Errorf("%d requests after the delivery was given up", n)
	}
	views, err := e.svc.Webhooks(ctx, e.adminOf(0))
	if err != nil || len(views) != 1 || len(views[0].Deliveries) == 0 {
		t.Fatalf("views %+v, %v", views, err)
	}
	if d := views[0].Deliveries[0]; d.FailedAt == nil || d.Attempts != alliance.MaxDeliveryAttempts || d.LastStatus != 503 {
		t.Errorf("the given-up delivery reads %+v", d)
	}
}

func TestRetryDelay(t *testing.T) {
	want := map[int]time.Duration{1: 30 * time.Second, 2: time.Minute, 3: 2 * time.Minute, 11: 512 * time.Minute, 12: 12 * time.Hour, 40: 12 * time.Hour}
	for attempt, d := range want {
		if got := alliance.RetryDelay(attempt); got != d {
			t.Errorf("RetryDelay(%d) = %v, want %v", attempt, got, d)
		}
	}
}

// TestDailyDigest: an organisation with a deadline and a referral waiting
// gets one digest, by id and reference only; one with nothing to act on
// gets none.
func TestDailyDigest(t *testing.T) {
	cfg := testConfig()
	cfg.WebhookAllowPrivate = true
	e := newTestEnv(t, cfg)
	now := time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)
	e.svc.SetClock(func() time.Time { return now })
	ctx := context.Background()
	busy, idle := newReceiver(t), newReceiver(t)
	for org, rc := range map[int]*receiver{0: busy, 1: idle} {
		if _, err := e.svc.CreateWebhook(ctx, e.adminOf(org), rc.srv.URL, []string{alliance.EventDigestDaily}); err != nil {
			t.Fatal(err)
		}
	}
	k := e.decidedCase(t, 0) // reflection period 2026-11-01 to 2026-11-30
	ref := e.referral(t, 1, 0)
	if err := e.svc.SendDigests(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.DeliverWebhooks(ctx); err != nil {
		t.Fatal(err)
	}
	got := busy.take()
	if len(got) != 1 || got[0].event != alliance.EventDigestDaily {
		t.Fatalf("the busy organisation got %v", got)
	}
	var d struct {
		Date      string `json:"date"`
		Deadlines []struct {
			CaseID   int64  `json:"case_id"`
			Kind     string `json:"kind"`
			DaysLeft int    `json:"days_left"`
		} `json:"deadlines"`
		Waiting int `json:"referrals_waiting"`
	}
	json.Unmarshal(got[0].body, &d)
	if d.Date != "2026-11-28" || d.Waiting != 1 || len(d.Deadlines) != 1 || d.Deadlines[0].CaseID != k.ID ||
		d.Deadlines[0].Kind != "reflection_ends" || d.Deadlines[0].DaysLeft != 2 {
		t.Errorf("digest %s", got[0].body)
	}
	if strings.Contains(string(got[0].body), "Popescu") {
		t.Errorf("the digest names the person: %s", got[0].body)
	}
	// The referral's sender has one waiting for an answer.
	if got := idle.take(); len(got) != 1 || !strings.Contains(string(got[0].body), `"referrals_sent":1`) {
		t.Errorf("the sender got %v", got)
	}
	if _, err := e.svc.AnswerReferral(ctx, e.caseworkerOf(0), ref.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	e.svc.SendDigests(ctx)
	e.svc.DeliverWebhooks(ctx)
	if got := idle.take(); len(got) != 0 {
		t.Errorf("an organisation with nothing to act on got a digest: %s", got[0].body)
	}
}

// TestPurgeWebhookDeliveries: a delivery delivered more than 30 days ago is
// deleted; one delivered yesterday stays.
func TestPurgeWebhookDeliveries(t *testing.T) {
	cfg := testConfig()
	cfg.WebhookAllowPrivate = true
	e := newTestEnv(t, cfg)
	now := time.Now()
	e.svc.SetClock(func() time.Time { return now })
	ctx := context.Background()
	rc := newReceiver(t)
	if _, err := e.svc.CreateWebhook(ctx, e.adminOf(0), rc.srv.URL, []string{alliance.EventCaseCreated}); err != nil {
		t.Fatal(err)
	}
	e.caseIn(t, 0)
	e.svc.DeliverWebhooks(ctx)
	now = now.Add(29 * 24 * time.Hour)
	e.caseIn(t, 0)
	e.svc.DeliverWebhooks(ctx)
	now = now.Add(2 * 24 * time.Hour)
	if err := e.svc.PurgeWebhookDeliveries(ctx); err != nil {
		t.Fatal(err)
	}
	views, err := e.svc.Webhooks(ctx, e.adminOf(0))
	if err != nil || len(views) != 1 || len(views[0].Deliveries) != 1 {
		t.Errorf("deliveries after the purge: %+v, %v; want the recent one only", views, err)
	}
}
