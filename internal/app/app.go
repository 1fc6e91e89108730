// Package app holds the services of Alliance: the use cases that the web pages, the
// JSON API and the command line share. Every service method asks the policy
// (alliance.Authorize) before it acts and writes the audit log in the same
// transaction as the change it records.
package app

import (
	"context"
	"log/slog"
	"runtime"
	"time"

	"alliance"
	"alliance/internal/credential"
	"alliance/internal/interview"
	"alliance/internal/webhook"
)

// Config holds the deployment's security settings.
type Config struct {
	IdleTimeout      time.Duration // a session unused this long ends
	AbsoluteTimeout  time.Duration // a session ends this long after login, used or not
	MaxFailedLogins  int           // wrong passwords in a row before a temporary lockout
	LockoutDuration  time.Duration
	LoginsPerMinute  int           // per client address
	TokenLifetime    time.Duration // default lifetime of API tokens
	MaxTokenLifetime time.Duration
	// Demo waives the second factor. Only `serve --demo` sets it, and every page
	// says so in a banner.
	Demo bool
	// ReflectionDays is the length of the recovery and reflection period that a
	// positive reasonable-grounds decision starts (CoE Convention Art. 13: at
	// least 30 days).
	ReflectionDays int
	// ConclusiveWithinDays is how long after a positive reasonable-grounds
	// decision the conclusive one is due; later, the dashboard shows it overdue.
	ConclusiveWithinDays int
	// DeadlineWarningDays is how many days ahead the dashboard shows a deadline.
	DeadlineWarningDays int
	// WebhookAllowPrivate lets webhooks reach loopback and private addresses
	// (for an integration inside the deployment's own network, and tests);
	// otherwise a webhook cannot be aimed at the server's network.
	WebhookAllowPrivate bool
}

// DefaultConfig returns the settings used unless the operator changes them.
func DefaultConfig() Config {
	return Config{
		IdleTimeout:          30 * time.Minute,
		AbsoluteTimeout:      12 * time.Hour,
		MaxFailedLogins:      5,
		LockoutDuration:      15 * time.Minute,
		LoginsPerMinute:      20,
		TokenLifetime:        90 * 24 * time.Hour,
		MaxTokenLifetime:     365 * 24 * time.Hour,
		ReflectionDays:       30,
		ConclusiveWithinDays: 90,
		DeadlineWarningDays:  7,
	}
}

// Service is the application: one value shared by every request.
type Service struct {
	store     alliance.Store
	cfg       Config
	log       *slog.Logger
	now       func() time.Time
	loginRate *credential.RateLimiter
	// hashSlots bounds the argon2id computations running at once: each takes
	// 19 MiB, so a flood of sign-ins must queue rather than exhaust memory.
	hashSlots chan struct{}
	questions *interview.Questionnaire
	nextSteps *interview.NextSteps
	webhooks  *webhook.Sender
	watch     watchState // the watch lists in force
}

// New returns a service over store.
func New(store alliance.Store, cfg Config, log *slog.Logger) *Service {
	return &Service{
		store:     store,
		cfg:       cfg,
		log:       log,
		now:       time.Now,
		loginRate: credential.NewRateLimiter(cfg.LoginsPerMinute, time.Minute),
		hashSlots: make(chan struct{}, 2*runtime.GOMAXPROCS(0)),
		questions: interview.Builtin(),
		nextSteps: interview.BuiltinNextSteps(),
		webhooks:  webhook.NewSender(webhookTimeout, cfg.WebhookAllowPrivate, time.Now),
	}
}

// verifyPassword checks a password against its hash, waiting for a free slot.
func (s *Service) verifyPassword(ctx context.Context, hash, password string) (bool, error) {
	select {
	case s.hashSlots <- struct{}{}:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	defer func() { <-s.hashSlots }()
	return credential.VerifyPassword(hash, password)
}

// hashPassword hashes a new password, waiting for a free slot.
func (s *Service) hashPassword(ctx context.Context, password string) (string, error) {
	select {
	case s.hashSlots <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-s.hashSlots }()
	return credential.HashPassword(password)
}

// mutateUser reads user id in tx, lets fn change it and writes it back. Every
// change to a user goes through here: a copy read before the transaction could
// undo a change committed meanwhile (a disabled account enabled again by a
// concurrent sign-in, say). On PostgreSQL the read locks the row.
func (s *Service) mutateUser(ctx context.Context, tx alliance.Tx, id int64, fn func(u *alliance.User) error) (*alliance.User, error) {
	u, err := tx.User(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := fn(u); err != nil {
		return nil, err
	}
	return u, tx.UpdateUser(ctx, u)
}

// endAccess ends every session of a user and revokes their API tokens: after a
// role change, a reset second factor or a disabled account, nothing issued
// before may go on working.
func (s *Service) endAccess(ctx context.Context, tx alliance.Tx, userID int64) error {
	if _, err := tx.DeleteUserSessions(ctx, userID); err != nil {
		return err
	}
	toks, err := tx.APITokens(ctx, userID)
	if err != nil {
		return err
	}
	now := s.now()
	for _, t := range toks {
		if t.RevokedAt == nil {
			if err := tx.RevokeAPIToken(ctx, t.ID, now); err != nil {
				return err
			}
		}
	}
	return nil
}

// Config returns the service's settings.
func (s *Service) Config() Config { return s.cfg }

// Store returns the underlying store, for health checks and metrics.
func (s *Service) Store() alliance.Store { return s.store }

// SetClock replaces the clock, for tests of timeouts and lockouts.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Caller is who is asking and from where: the signed-in actor (zero when
// anonymous) and the client address recorded in the audit log.
type Caller struct {
	alliance.Actor
	RemoteAddr string
	SessionID  int64 // 0 for API tokens and the command line
	// Operator marks the command line run on the server, which the policy does
	// not restrict: whoever runs it holds the database and the key file anyway.
	Operator bool
}

// System is the caller used by the command line run by the operator on the server.
func System() Caller { return Caller{RemoteAddr: "cli", Operator: true} }

// entry starts an audit entry for c.
func (c Caller) entry(act alliance.Action, r alliance.Resource, out alliance.Outcome) *alliance.AuditEntry {
	return &alliance.AuditEntry{
		ActorUserID:  c.UserID,
		ActorOrgID:   c.OrgID,
		Action:       string(act),
		ResourceType: r.Type,
		ResourceID:   r.ID,
		ResourceOrg:  r.OrgID,
		RemoteAddr:   c.RemoteAddr,
		Outcome:      out,
	}
}

// authorize asks the policy; a refusal is written to the audit log and returned as
// a forbidden or unauthorised error.
func (s *Service) authorize(ctx context.Context, c Caller, act alliance.Action, r alliance.Resource) error {
	if c.Operator {
		return nil
	}
	d := alliance.Authorize(c.Actor, act, r)
	if d.Allow {
		return nil
	}
	e := c.entry(act, r, alliance.OutcomeDenied)
	e.Detail = d.Reason
	if err := s.store.Update(ctx, func(tx alliance.Tx) error { return tx.AppendAudit(ctx, e) }); err != nil {
		s.log.ErrorContext(ctx, "audit denied access", "action", act, "err", err)
	}
	return d.Err()
}

// change authorises act, then runs fn and appends a success entry in one
// transaction: the change and its audit entry commit together or not at all.
func (s *Service) change(ctx context.Context, c Caller, act alliance.Action, r alliance.Resource, fn func(tx alliance.Tx, e *alliance.AuditEntry) error) error {
	if err := s.authorize(ctx, c, act, r); err != nil {
		return err
	}
	return s.commit(ctx, c, act, r, fn)
}

// commit runs fn and appends a success entry in one transaction, for callers that
// have asked the policy already.
func (s *Service) commit(ctx context.Context, c Caller, act alliance.Action, r alliance.Resource, fn func(tx alliance.Tx, e *alliance.AuditEntry) error) error {
	return s.store.Update(ctx, func(tx alliance.Tx) error {
		e := c.entry(act, r, alliance.OutcomeSuccess)
		if err := fn(tx, e); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, e)
	})
}

// read authorises act and records the read of personal data in the audit log.
func (s *Service) read(ctx context.Context, c Caller, act alliance.Action, r alliance.Resource) error {
	return s.change(ctx, c, act, r, func(alliance.Tx, *alliance.AuditEntry) error { return nil })
}
