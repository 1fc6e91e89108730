package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"alliance"
)

// Digest is an organisation's daily digest: what it must act on, by record
// id and case reference, never by name. It goes to the organisation's
// webhooks that subscribe to digest.daily, from where its own systems (mail,
// chat) pass it on.
type Digest struct {
	Event             string     `json:"event"`
	OccurredAt        string     `json:"occurred_at"`
	OrgID             int64      `json:"org_id"`
	Date              string     `json:"date"`
	Deadlines         []Deadline `json:"deadlines"`
	ReferralsWaiting  int        `json:"referrals_waiting"`   // received, not yet answered
	OldestWaitingDays int        `json:"oldest_waiting_days"` // of those
	ReferralsSent     int        `json:"referrals_sent"`      // sent, not yet answered
}

// empty reports whether the digest has nothing to say.
func (d *Digest) empty() bool {
	return len(d.Deadlines) == 0 && d.ReferralsWaiting == 0 && d.ReferralsSent == 0
}

// digestOf builds the digest of organisation org from its dashboard.
func (s *Service) digestOf(ctx context.Context, org int64) (*Digest, error) {
	d, err := s.dashboard(ctx, org)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	out := &Digest{Event: alliance.EventDigestDaily, OccurredAt: now.Format(time.RFC3339), OrgID: org, Date: now.Format(time.DateOnly),
		Deadlines: d.Deadlines, ReferralsWaiting: len(d.PendingInbox), ReferralsSent: len(d.PendingOutbox)}
	for _, r := range d.PendingInbox {
		out.OldestWaitingDays = max(out.OldestWaitingDays, int(now.Sub(r.CreatedAt).Hours()/24))
	}
	if out.Deadlines == nil {
		out.Deadlines = []Deadline{}
	}
	return out, nil
}

// SendDigests queues the day's digest for every organisation that has
// something to act on and a webhook that subscribes to it. The server runs
// it once a day.
func (s *Service) SendDigests(ctx context.Context) error {
	orgs, err := s.store.Organisations(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, o := range orgs {
		if err := s.sendDigest(ctx, o.ID); err != nil {
			// The others still get theirs; the job reports every failure.
			errs = append(errs, fmt.Errorf("digest of organisation %d: %w", o.ID, err))
		}
	}
	return errors.Join(errs...)
}

// sendDigest queues the digest of one organisation, when it has something
// to say.
func (s *Service) sendDigest(ctx context.Context, org int64) error {
	d, err := s.digestOf(ctx, org)
	if err != nil || d.empty() {
		return err
	}
	body, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx alliance.Tx) error {
		_, err := tx.EnqueueDeliveries(ctx, org, alliance.EventDigestDaily, body, s.now())
		return err
	})
}
