package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"alliance"
	"alliance/internal/sqlstore"

	"github.com/google/go-cmp/cmp"
)

// secretWebhook is the secret the webhook tests store, distinctive enough to
// find in a raw row.
const secretWebhook = "whsec_0f3c9a7e5d1b2468ace013579bdf2468"

// webhook returns a new webhook of organisation orgID made by user at base,
// subscribed to events, changed by each mod; it is not stored.
func webhook(orgID, user int64, events []string, mods ...func(*alliance.Webhook)) *alliance.Webhook {
	w := &alliance.Webhook{OrgID: orgID, URL: "https://hooks.example.org/alliance", Events: events,
		Secret: secretWebhook, CreatedBy: user, CreatedAt: base}
	for _, mod := range mods {
		mod(w)
	}
	return w
}

// createWebhooks stores each webhook in one transaction.
func (e *env) createWebhooks(ws ...*alliance.Webhook) {
	e.t.Helper()
	e.update(func(tx alliance.Tx) error {
		var errs []error
		for _, w := range ws {
			errs = append(errs, tx.CreateWebhook(e.ctx, w))
		}
		return errors.Join(errs...)
	})
}

// disableWebhook disables webhook id at at.
func (e *env) disableWebhook(id int64, at time.Time) {
	e.t.Helper()
	e.update(func(tx alliance.Tx) error { return tx.DisableWebhook(e.ctx, id, at) })
}

// enqueue adds the deliveries of event for the webhooks of orgID, due at at,
// and checks how many were added.
func (e *env) enqueue(orgID int64, event string, payload []byte, at time.Time, want int) {
	e.t.Helper()
	var n int
	e.update(func(tx alliance.Tx) (err error) {
		n, err = tx.EnqueueDeliveries(e.ctx, orgID, event, payload, at)
		return err
	})
	if n != want {
		e.t.Errorf("EnqueueDeliveries(%d, %s, %v) = %d, want %d", orgID, event, at, n, want)
	}
}

// updateDelivery writes d.
func (e *env) updateDelivery(d *alliance.Delivery) {
	e.t.Helper()
	e.update(func(tx alliance.Tx) error { return tx.UpdateDelivery(e.ctx, d) })
}

// deliveries returns every delivery of webhook id, newest first.
func (e *env) deliveries(id int64) []alliance.Delivery {
	e.t.Helper()
	ds, err := e.store.Deliveries(e.ctx, id, 0)
	if err != nil {
		e.t.Fatalf("Deliveries(%d): %v", id, err)
	}
	return ds
}

// checkWebhooks reads the webhooks of organisation orgID back through r, and
// each of them by id. It only reports errors, never stops the test, so that
// it may run inside a transaction (whose function the SQLite store runs on
// its writer goroutine).
func checkWebhooks(t *testing.T, e *env, r alliance.Reader, orgID int64, want ...*alliance.Webhook) {
	t.Helper()
	wantList := []alliance.Webhook{}
	for _, w := range want {
		wantList = append(wantList, *w)
		got, err := r.Webhook(e.ctx, w.ID)
		if diff := cmp.Diff(w, got); err != nil || diff != "" {
			t.Errorf("Webhook(%d): error %v, mismatch (-want +got):\n%s", w.ID, err, diff)
		}
	}
	got, err := r.Webhooks(e.ctx, orgID)
	if diff := cmp.Diff(wantList, got); err != nil || diff != "" || got == nil {
		t.Errorf("Webhooks(%d): error %v, mismatch (-want +got):\n%s", orgID, err, diff)
	}
}

// testWebhooks checks the round trip of webhooks with their secrets opened,
// their order, oldest first, inside a transaction too, and disabling.
func testWebhooks(t *testing.T, e *env) {
	a, b := e.org("Org A"), e.org("Org B")
	u, v := e.user(a.ID, "a@example.org"), e.user(b.ID, "b@example.org")
	kyiv := time.FixedZone("Kyiv", 3*3600)
	w1 := webhook(a.ID, u.ID, []string{alliance.EventCaseCreated, alliance.EventReferralSent},
		func(w *alliance.Webhook) { w.CreatedAt = base.Add(time.Hour) })
	w2 := webhook(a.ID, u.ID, []string{alliance.EventReferralAnswered}, func(w *alliance.Webhook) {
		w.URL, w.Secret = "http://10.0.0.7:8080/in?source=alliance", "другой секрет"
	})
	w3 := webhook(a.ID, u.ID, alliance.WebhookEvents, func(w *alliance.Webhook) { // same time as w1
		w.CreatedAt = time.Date(2025, 3, 1, 13, 30, 0, 123456789, kyiv)
	})
	w4 := webhook(b.ID, v.ID, []string{alliance.EventCaseCreated})
	e.createWebhooks(w1, w2, w3, w4)
	if w1.ID == 0 || w1.ID == w2.ID || w2.ID == w3.ID || w3.ID == w4.ID {
		t.Errorf("ids = %d, %d, %d, %d; want distinct ids", w1.ID, w2.ID, w3.ID, w4.ID)
	}
	want := base.Add(time.Hour)
	if !w3.CreatedAt.Equal(want) || w3.CreatedAt.Location() != time.UTC {
		t.Errorf("CreatedAt of a new webhook = %v; want %v, truncated, in UTC", w3.CreatedAt, want)
	}
	checkWebhooks(t, e, e.store, a.ID, w2, w1, w3)
	checkWebhooks(t, e, e.store, b.ID, w4)

	// Inside a transaction, at now when no time is given.
	before := time.Now().Add(-time.Second)
	w5 := webhook(b.ID, v.ID, []string{alliance.EventReferralSent}, func(w *alliance.Webhook) { w.CreatedAt = time.Time{} })
	e.update(func(tx alliance.Tx) error {
		if err := tx.CreateWebhook(e.ctx, w5); err != nil {
			return err
		}
		checkWebhooks(t, e, tx, b.ID, w4, w5)
		return nil
	})
	if w5.CreatedAt.Before(before) {
		t.Errorf("CreatedAt of a webhook given none = %v; want now", w5.CreatedAt)
	}

	// A disabled webhook is still listed, with the time it was first disabled.
	off := time.Date(2025, 3, 2, 10, 0, 0, 987654321, kyiv)
	e.disableWebhook(w1.ID, off)
	e.disableWebhook(w1.ID, off.Add(time.Hour))
	at := off.UTC().Truncate(time.Microsecond)
	w1.DisabledAt = &at
	checkWebhooks(t, e, e.store, a.ID, w2, w1, w3)
	checkWebhooks(t, e, e.store, b.ID, w4, w5)

	// Missing ones are not found; an organisation without any lists none.
	err := e.store.Update(e.ctx, func(tx alliance.Tx) error { return tx.DisableWebhook(e.ctx, w5.ID+1000, off) })
	wantCode(t, "DisableWebhook of a missing webhook", err, alliance.CodeNotFound, "")
	_, err = e.store.Webhook(e.ctx, w5.ID+1000)
	wantCode(t, "Webhook of a missing webhook", err, alliance.CodeNotFound, "")
	checkWebhooks(t, e, e.store, e.org("Org C").ID)
}

// testWebhookInvalid checks that webhooks that refer to what does not exist,
// or that could not be sent, and deliveries of unknown events or with
// impossible attempts, are refused with CodeInvalid and the field at fault,
// store nothing, and do not repeat the secret.
func testWebhookInvalid(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "a@example.org")
	const none = 1000
	create := func(mod func(*alliance.Webhook)) func(tx alliance.Tx) error {
		return func(tx alliance.Tx) error {
			return tx.CreateWebhook(e.ctx, webhook(a.ID, u.ID, []string{alliance.EventCaseCreated}, mod))
		}
	}
	enqueue := func(event string) func(tx alliance.Tx) error {
		return func(tx alliance.Tx) error {
			_, err := tx.EnqueueDeliveries(e.ctx, a.ID, event, []byte(`{}`), base)
			return err
		}
	}
	tests := []struct {
		name  string
		fn    func(tx alliance.Tx) error
		field string
	}{
		{"webhook of an unknown organisation", create(func(w *alliance.Webhook) { w.OrgID += none }), "organisation"},
		{"webhook by an unknown user", create(func(w *alliance.Webhook) { w.CreatedBy += none }), "user"},
		{"webhook to no URL", create(func(w *alliance.Webhook) { w.URL = "" }), "url"},
		{"webhook to a relative URL", create(func(w *alliance.Webhook) { w.URL = "/hooks" }), "url"},
		{"webhook to another scheme", create(func(w *alliance.Webhook) { w.URL = "ftp://example.org/x" }), "url"},
		{"webhook with credentials", create(func(w *alliance.Webhook) { w.URL = "https://me:pw@example.org/" }), "url"},
		{"webhook of no event", create(func(w *alliance.Webhook) { w.Events = nil }), "events"},
		{"webhook of an unknown event", create(func(w *alliance.Webhook) { w.Events = []string{"case.deleted"} }), "events"},
		{"webhook of a list of events", create(func(w *alliance.Webhook) { w.Events = []string{"case.created,referral.sent"} }), "events"},
		{"webhook of an event twice", create(func(w *alliance.Webhook) {
			w.Events = []string{alliance.EventCaseCreated, alliance.EventCaseCreated}
		}), "events"},
		{"webhook without a secret", create(func(w *alliance.Webhook) { w.Secret = "" }), "secret"},
		{"delivery of an unknown event", enqueue("case.deleted"), "event"},
		{"delivery of no event", enqueue(""), "event"},
	}
	for _, tc := range tests {
		err := e.store.Update(e.ctx, tc.fn)
		wantCode(t, tc.name, err, alliance.CodeInvalid, tc.field)
		if err != nil && strings.Contains(err.Error(), secretWebhook) {
			t.Errorf("%s: error %q repeats the secret", tc.name, err)
		}
	}
	for _, table := range []string{"webhooks", "webhook_deliveries"} {
		if n := count(t, e.raw(), `SELECT count(*) FROM `+table); n != 0 {
			t.Errorf("%s rows = %d after refused writes, want 0", table, n)
		}
	}

	w := webhook(a.ID, u.ID, []string{alliance.EventCaseCreated})
	e.createWebhooks(w)
	e.enqueue(a.ID, alliance.EventCaseCreated, []byte(`{}`), base, 1)
	d := e.deliveries(w.ID)[0]
	d.Attempts = -1
	err := e.store.Update(e.ctx, func(tx alliance.Tx) error { return tx.UpdateDelivery(e.ctx, &d) })
	wantCode(t, "delivery of negative attempts", err, alliance.CodeInvalid, "attempts")
	d.ID += none
	d.Attempts = 1
	err = e.store.Update(e.ctx, func(tx alliance.Tx) error { return tx.UpdateDelivery(e.ctx, &d) })
	wantCode(t, "UpdateDelivery of a missing delivery", err, alliance.CodeNotFound, "")
	if ds := e.deliveries(w.ID); len(ds) != 1 || ds[0].Attempts != 0 {
		t.Errorf("deliveries after refused updates = %+v; want one, of 0 attempts", ds)
	}
}

// testWebhookEncryptedAtRest reads the stored row of a webhook and checks
// that no column holds the secret, that the events and URL are in clear, and
// that the secret opens only under its own column name.
func testWebhookEncryptedAtRest(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "a@example.org")
	w := webhook(a.ID, u.ID, []string{alliance.EventCaseCreated, alliance.EventReferralSent})
	e.createWebhooks(w)
	row := rawRow(t, e, `SELECT * FROM webhooks WHERE id = $1`, w.ID)
	for col, v := range row {
		for _, s := range []string{secretWebhook, "0f3c9a7e5d1b"} {
			if bytes.Contains(bytes.ToLower(v), bytes.ToLower([]byte(s))) {
				t.Errorf("webhooks.%s holds the plaintext %q", col, s)
			}
		}
	}
	for col, want := range map[string]string{
		"url": w.URL, "events": ",case.created,referral.sent,",
	} {
		if got := string(row[col]); got != want {
			t.Errorf("webhooks.%s = %q, want %q in clear", col, got, want)
		}
	}
	var ct []byte
	if err := e.raw().QueryRow(`SELECT secret FROM webhooks WHERE id = $1`, w.ID).Scan(&ct); err != nil {
		t.Fatalf("read webhooks.secret: %v", err)
	}
	if !e.keys.Current(ct) {
		t.Errorf("webhooks.secret = %x; want a value sealed under the active key", ct)
	}
	if pt, err := e.keys.Open(alliance.ColWebhookSecret, ct); err != nil || string(pt) != secretWebhook {
		t.Errorf("webhooks.secret opens under %s to %q, %v; want the secret", alliance.ColWebhookSecret, pt, err)
	}
	if _, err := e.keys.Open(alliance.ColUserTOTPSecret, ct); err == nil {
		t.Errorf("webhooks.secret opens under %s too; want it bound to %s", alliance.ColUserTOTPSecret, alliance.ColWebhookSecret)
	}
}

// testEnqueueDeliveries checks that an event is queued once for each webhook
// of the organisation that subscribes to it and is not disabled, and for no
// other; that the deliveries read back as queued, newest first; and that a
// transaction rolled back queues nothing.
func testEnqueueDeliveries(t *testing.T, e *env) {
	a, b, c := e.org("Org A"), e.org("Org B"), e.org("Org C")
	u, v := e.user(a.ID, "a@example.org"), e.user(b.ID, "b@example.org")
	both := webhook(a.ID, u.ID, []string{alliance.EventCaseCreated, alliance.EventReferralSent})
	answered := webhook(a.ID, u.ID, []string{alliance.EventReferralAnswered})
	off := webhook(a.ID, u.ID, alliance.WebhookEvents)
	other := webhook(b.ID, v.ID, alliance.WebhookEvents)
	e.createWebhooks(both, answered, off, other)
	e.disableWebhook(off.ID, base)

	kyiv := time.FixedZone("Kyiv", 3*3600)
	p1, p2, p3 := []byte(`{"case_id":7}`), []byte(`{"referral_id":3}`), []byte(`{"referral_id":4,"case_id":7}`)
	t1 := time.Date(2025, 3, 1, 13, 30, 0, 123456789, kyiv) // base + 1h, truncated
	e.enqueue(a.ID, alliance.EventCaseCreated, p1, t1, 1)
	e.enqueue(a.ID, alliance.EventReferralSent, p2, base.Add(2*time.Hour), 1)
	e.enqueue(a.ID, alliance.EventReferralAnswered, p3, base.Add(3*time.Hour), 1)
	e.enqueue(b.ID, alliance.EventReferralSent, p2, base, 1)
	e.enqueue(c.ID, alliance.EventCaseCreated, p1, base, 0)
	err := e.store.Update(e.ctx, func(tx alliance.Tx) error {
		if _, err := tx.EnqueueDeliveries(e.ctx, a.ID, alliance.EventCaseCreated, p1, base); err != nil {
			return err
		}
		return errors.New("roll back")
	})
	if err == nil {
		t.Errorf("Update whose function failed returned no error")
	}

	at := func(d time.Duration) time.Time { return base.Add(d) }
	delivery := func(w *alliance.Webhook, event string, payload []byte, due time.Time) alliance.Delivery {
		return alliance.Delivery{WebhookID: w.ID, Event: event, Payload: payload, NextAt: due, CreatedAt: due}
	}
	ignoreID := cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".ID" }, cmp.Ignore())
	for _, tc := range []struct {
		w    *alliance.Webhook
		want []alliance.Delivery
	}{
		{both, []alliance.Delivery{
			delivery(both, alliance.EventReferralSent, p2, at(2*time.Hour)),
			delivery(both, alliance.EventCaseCreated, p1, at(time.Hour)),
		}},
		{answered, []alliance.Delivery{delivery(answered, alliance.EventReferralAnswered, p3, at(3*time.Hour))}},
		{off, []alliance.Delivery{}},
		{other, []alliance.Delivery{delivery(other, alliance.EventReferralSent, p2, base)}},
	} {
		got := e.deliveries(tc.w.ID)
		if diff := cmp.Diff(tc.want, got, ignoreID); diff != "" || got == nil {
			t.Errorf("Deliveries(%d) mismatch (-want +got):\n%s", tc.w.ID, diff)
		}
		for _, d := range got {
			if d.ID == 0 || d.NextAt.Location() != time.UTC || d.CreatedAt.Location() != time.UTC {
				t.Errorf("delivery %+v: want an id and times in UTC", d)
			}
		}
	}
	if n := count(t, e.raw(), `SELECT count(*) FROM webhook_deliveries`); n != 4 {
		t.Errorf("webhook_deliveries rows = %d, want 4", n)
	}

	// A limit keeps the newest.
	got, err := e.store.Deliveries(e.ctx, both.ID, 1)
	if err != nil || len(got) != 1 || got[0].Event != alliance.EventReferralSent {
		t.Errorf("Deliveries(%d, 1) = %+v, %v; want the newest, of %s", both.ID, got, err, alliance.EventReferralSent)
	}
}

// testDueDeliveries checks which deliveries are due, in which order, and the
// limit: earliest due first, then by id; none delivered, given up, not yet
// due, or of a disabled webhook.
func testDueDeliveries(t *testing.T, e *env) {
	a, b := e.org("Org A"), e.org("Org B")
	u, v := e.user(a.ID, "a@example.org"), e.user(b.ID, "b@example.org")
	ev := []string{alliance.EventCaseCreated}
	w1, w2, off, wb := webhook(a.ID, u.ID, ev), webhook(a.ID, u.ID, ev), webhook(a.ID, u.ID, ev), webhook(b.ID, v.ID, ev)
	e.createWebhooks(w1, w2, off, wb)
	h := func(n float64) time.Time { return base.Add(time.Duration(n * float64(time.Hour))) }
	for _, due := range []time.Time{h(2), h(0), h(1), h(5)} {
		e.enqueue(a.ID, alliance.EventCaseCreated, fmt.Appendf(nil, `{"due":%q}`, due), due, 3)
	}
	e.enqueue(b.ID, alliance.EventCaseCreated, []byte(`{"org":"b"}`), h(0.5), 1)
	e.disableWebhook(off.ID, h(0))

	// byDue finds the delivery of webhook w first due at hours.
	stored := map[string]alliance.Delivery{}
	for _, w := range []*alliance.Webhook{w1, w2, off, wb} {
		for _, d := range e.deliveries(w.ID) {
			stored[fmt.Sprint(w.ID, d.CreatedAt)] = d
		}
	}
	byDue := func(w *alliance.Webhook, hours float64) alliance.Delivery {
		d, ok := stored[fmt.Sprint(w.ID, h(hours))]
		if !ok {
			t.Fatalf("no delivery of webhook %d due at %v", w.ID, h(hours))
		}
		return d
	}
	delivered, failed, retried := byDue(w1, 0), byDue(w2, 1), byDue(w1, 1)
	delivered.Attempts, delivered.LastStatus, delivered.DeliveredAt = 1, 204, hookTime(h(0.1))
	failed.Attempts, failed.LastStatus, failed.LastError, failed.FailedAt = 12, 500, "500 Internal Server Error", hookTime(h(1.1))
	retried.Attempts, retried.LastStatus, retried.LastError, retried.NextAt = 1, 0, "connection refused", h(2.5)
	for _, d := range []*alliance.Delivery{&delivered, &failed, &retried} {
		e.updateDelivery(d)
	}

	want := []alliance.Delivery{byDue(w2, 0), byDue(wb, 0.5), byDue(w1, 2), byDue(w2, 2), retried}
	if want[2].ID > want[3].ID {
		want[2], want[3] = want[3], want[2]
	}
	for _, tc := range []struct {
		now   time.Time
		limit int
		want  []alliance.Delivery
	}{
		{h(3), 0, want},
		{h(3), 100, want},
		{h(3), 2, want[:2]},
		{h(2), 0, want[:4]}, // due exactly now
		{h(2).Add(-time.Microsecond), 0, want[:2]},
		{h(-1), 0, []alliance.Delivery{}},
	} {
		got, err := e.store.DueDeliveries(e.ctx, tc.now, tc.limit)
		if diff := cmp.Diff(tc.want, got); err != nil || diff != "" || got == nil {
			t.Errorf("DueDeliveries(%v, %d): error %v, mismatch (-want +got):\n%s", tc.now, tc.limit, err, diff)
		}
	}

	// Inside a transaction too; a delivery marked delivered is no longer due.
	e.update(func(tx alliance.Tx) error {
		got, err := tx.DueDeliveries(e.ctx, h(3), 1)
		if err != nil || len(got) != 1 {
			return fmt.Errorf("DueDeliveries in a transaction = %+v, %v; want one", got, err)
		}
		got[0].Attempts, got[0].DeliveredAt = 1, hookTime(h(3))
		return tx.UpdateDelivery(e.ctx, &got[0])
	})
	got, err := e.store.DueDeliveries(e.ctx, h(3), 0)
	if diff := cmp.Diff(want[1:], got); err != nil || diff != "" {
		t.Errorf("DueDeliveries after a delivery: error %v, mismatch (-want +got):\n%s", err, diff)
	}
}

// hookTime returns a pointer to a copy of t.
func hookTime(t time.Time) *time.Time { return &t }

// testUpdateDelivery checks the round trip of every field UpdateDelivery
// writes, times truncated to microseconds in UTC, and that the fields it
// does not write stay as they were.
func testUpdateDelivery(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "a@example.org")
	w := webhook(a.ID, u.ID, []string{alliance.EventReferralSent})
	e.createWebhooks(w)
	payload := []byte(`{"event":"referral.sent","referral_id":42}`)
	e.enqueue(a.ID, alliance.EventReferralSent, payload, base, 1)
	e.enqueue(a.ID, alliance.EventReferralSent, payload, base.Add(time.Minute), 1)
	ds := e.deliveries(w.ID)
	d, untouched := ds[1], ds[0]

	kyiv := time.FixedZone("Kyiv", 3*3600)
	steps := []func(*alliance.Delivery){
		func(d *alliance.Delivery) { // a failed attempt, to retry
			d.Attempts, d.LastStatus, d.LastError = 1, 503, "503 Service Unavailable: ошибка"
			d.NextAt = time.Date(2025, 3, 1, 12, 31, 0, 999999999, kyiv)
		},
		func(d *alliance.Delivery) { // given up
			d.Attempts, d.LastStatus, d.LastError = alliance.MaxDeliveryAttempts, 0, "dial tcp: connection refused"
			d.FailedAt = hookTime(time.Date(2025, 3, 2, 1, 0, 0, 500, kyiv))
		},
		func(d *alliance.Delivery) { // delivered after all, the failure cleared
			d.Attempts, d.LastStatus, d.LastError, d.FailedAt = 3, 200, "", nil
			d.DeliveredAt = hookTime(base.Add(48 * time.Hour))
		},
	}
	for i, step := range steps {
		step(&d)
		in := d
		e.updateDelivery(&d)
		wantD := in
		wantD.NextAt = in.NextAt.UTC().Truncate(time.Microsecond)
		for _, p := range []**time.Time{&wantD.DeliveredAt, &wantD.FailedAt} {
			if *p != nil {
				*p = hookTime((**p).UTC().Truncate(time.Microsecond))
			}
		}
		if diff := cmp.Diff(wantD, d); diff != "" {
			t.Errorf("step %d: the delivery after UpdateDelivery (-want +got):\n%s", i, diff)
		}
		got := e.deliveries(w.ID)
		if diff := cmp.Diff([]alliance.Delivery{untouched, wantD}, got); diff != "" {
			t.Errorf("step %d: Deliveries mismatch (-want +got):\n%s", i, diff)
		}
	}
}

// testReencryptWebhooks rotates the data key and checks that Reencrypt
// re-seals the secrets of webhooks, the disabled ones too, and that they
// still open.
func testReencryptWebhooks(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "a@example.org")
	w1 := webhook(a.ID, u.ID, []string{alliance.EventCaseCreated})
	w2 := webhook(a.ID, u.ID, alliance.WebhookEvents, func(w *alliance.Webhook) {
		w.Secret, w.CreatedAt = "whsec_second", base.Add(time.Hour)
	})
	e.createWebhooks(w1, w2)
	e.disableWebhook(w2.ID, base.Add(2*time.Hour))
	w2.DisabledAt = hookTime(base.Add(2 * time.Hour))
	secrets := func() map[int64][]byte {
		out := map[int64][]byte{}
		for _, w := range []*alliance.Webhook{w1, w2} {
			var ct []byte
			if err := e.raw().QueryRow(`SELECT secret FROM webhooks WHERE id = $1`, w.ID).Scan(&ct); err != nil {
				t.Fatalf("read webhooks.secret: %v", err)
			}
			out[w.ID] = ct
		}
		return out
	}
	old := secrets()

	reencrypt(t, e, 0, 0)
	e.keys.Rotate()
	reencrypt(t, e, 2, 2) // the user's email and name
	reencrypt(t, e, 0, 2) // the secrets of both webhooks
	reencrypt(t, e, 0, 0)
	for id, ct := range secrets() {
		if bytes.Equal(ct, old[id]) || !e.keys.Current(ct) {
			t.Errorf("webhooks.secret of %d = %x after Reencrypt; want it re-sealed under the active key", id, ct)
		}
	}
	checkWebhooks(t, e, e.store, a.ID, w1, w2)
}

// testDueDeliveriesFair checks that one webhook's backlog does not push the
// deliveries of the others out of the list: at most sqlstore.DuePerWebhook
// of each webhook are listed.
func testDueDeliveriesFair(t *testing.T, e *env) {
	a, b := e.org("Org A"), e.org("Org B")
	u, v := e.user(a.ID, "a@example.org"), e.user(b.ID, "b@example.org")
	ev := []string{alliance.EventCaseCreated}
	flood, quiet := webhook(a.ID, u.ID, ev), webhook(b.ID, v.ID, ev)
	e.createWebhooks(flood, quiet)
	for i := 0; i < sqlstore.DuePerWebhook+15; i++ {
		e.enqueue(a.ID, alliance.EventCaseCreated, fmt.Appendf(nil, `{"n":%d}`, i), base.Add(time.Duration(i)*time.Second), 1)
	}
	e.enqueue(b.ID, alliance.EventCaseCreated, []byte(`{"org":"b"}`), base.Add(time.Hour), 1)
	got, err := e.store.DueDeliveries(e.ctx, base.Add(2*time.Hour), 1000)
	if err != nil {
		t.Fatal(err)
	}
	per := map[int64]int{}
	for i, d := range got {
		per[d.WebhookID]++
		if i > 0 && d.NextAt.Before(got[i-1].NextAt) {
			t.Errorf("delivery %d is due before the one listed ahead of it", d.ID)
		}
	}
	if per[flood.ID] != sqlstore.DuePerWebhook || per[quiet.ID] != 1 {
		t.Errorf("due deliveries per webhook = %v; want %d of the flooded one and 1 of the other", per, sqlstore.DuePerWebhook)
	}
}

// testPurgeDeliveries checks that only deliveries delivered or given up
// before the cut are deleted: waiting ones and recent ones stay.
func testPurgeDeliveries(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "a@example.org")
	w := webhook(a.ID, u.ID, []string{alliance.EventCaseCreated})
	e.createWebhooks(w)
	for i := 0; i < 4; i++ {
		e.enqueue(a.ID, alliance.EventCaseCreated, fmt.Appendf(nil, `{"n":%d}`, i), base.Add(time.Duration(i)*time.Minute), 1)
	}
	ds := e.deliveries(w.ID) // newest first: 3, 2, 1, 0
	old, recent := base.Add(time.Hour), base.Add(48*time.Hour)
	ds[3].DeliveredAt, ds[2].FailedAt, ds[1].DeliveredAt = &old, &old, &recent // ds[0] still waits
	e.update(func(tx alliance.Tx) error {
		for i := 1; i < 4; i++ {
			if err := tx.UpdateDelivery(e.ctx, &ds[i]); err != nil {
				return err
			}
		}
		return nil
	})
	var n int
	e.update(func(tx alliance.Tx) error {
		var err error
		n, err = tx.PurgeDeliveries(e.ctx, base.Add(24*time.Hour))
		return err
	})
	left := e.deliveries(w.ID)
	if n != 2 || len(left) != 2 || left[0].ID != ds[0].ID || left[1].ID != ds[1].ID {
		t.Errorf("PurgeDeliveries deleted %d, left %v; want 2 deleted, the waiting and the recent one left", n, left)
	}
}
