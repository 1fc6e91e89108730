package app

import (
	"context"

	"strconv"
	"time"

	"alliance"
	"alliance/internal/credential"
)

// The audit actions of authentication.
const (
	actLogin        alliance.Action = "login"
	actLogout       alliance.Action = "logout"
	actLogoutAll    alliance.Action = "logout.everywhere"
	actSecondFactor alliance.Action = "login.second_factor"
	actEnrol2FA     alliance.Action = "account.enrol_2fa"
	actPassword     alliance.Action = "account.password"
	actTokenCreate  alliance.Action = "token.create"
	actTokenRevoke  alliance.Action = "token.revoke"
)

// errBadLogin is the one answer to a wrong email or password, so that a caller
// cannot learn which accounts exist.
var errBadLogin = &alliance.Error{Code: alliance.CodeUnauthorised, Message: "the email or password is not right"}

// Login is the result of a successful password check: the session token for the
// cookie, the session and the user.
type Login struct {
	Token   string
	Session *alliance.Session
	User    *alliance.User
}

// Login checks a password and opens a session. Every attempt is audited; too many
// attempts from one address are refused for a minute, and too many wrong passwords
// for one account lock it for a while.
func (s *Service) Login(ctx context.Context, email, password, remoteAddr string) (*Login, error) {
	now := s.now()
	c := Caller{RemoteAddr: remoteAddr}
	res := alliance.Resource{Type: "session"}
	if !s.loginRate.Allow(remoteAddr, now) {
		s.auditFailure(ctx, c, actLogin, res, "rate limited")
		return nil, &alliance.Error{Code: alliance.CodeTooMany, Message: "too many sign-in attempts from this address; wait a minute and try again"}
	}
	u, err := s.store.UserByEmail(ctx, email)
	if alliance.IsNotFound(err) {
		credential.VerifyPassword(dummyHash, password) // same cost whether or not the account exists
		s.auditFailure(ctx, c, actLogin, res, "unknown account")
		return nil, errBadLogin
	}
	if err != nil {
		return nil, err
	}
	c.UserID, c.OrgID = u.ID, u.OrgID
	res.OrgID = u.OrgID
	if u.DisabledAt != nil {
		s.auditFailure(ctx, c, actLogin, res, "account disabled")
		return nil, errBadLogin
	}
	if now.Before(u.LockedUntil) {
		s.auditFailure(ctx, c, actLogin, res, "account locked")
		return nil, &alliance.Error{Code: alliance.CodeTooMany, Message: "this account is locked after too many wrong passwords; try again in " + lockWait(u.LockedUntil.Sub(now))}
	}
	ok, err := credential.VerifyPassword(u.PasswordHash, password)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, s.failPassword(ctx, c, u, now)
	}
	return s.openSession(ctx, c, u, now)
}

func lockWait(d time.Duration) string {
	return strconv.Itoa(int(d.Minutes())+1) + " min"
}

func (s *Service) failPassword(ctx context.Context, c Caller, u *alliance.User, now time.Time) error {
	err := s.store.Update(ctx, func(tx alliance.Tx) error {
		fresh, err := tx.User(ctx, u.ID)
		if err != nil {
			return err
		}
		fresh.FailedLogins++
		detail := "wrong password"
		if fresh.FailedLogins >= s.cfg.MaxFailedLogins {
			fresh.LockedUntil = now.Add(s.cfg.LockoutDuration)
			fresh.FailedLogins = 0
			detail = "wrong password; account locked"
		}
		if err := tx.UpdateUser(ctx, fresh); err != nil {
			return err
		}
		e := c.entry(actLogin, alliance.Resource{Type: "session", OrgID: u.OrgID}, alliance.OutcomeFailure)
		e.Detail = detail
		return tx.AppendAudit(ctx, e)
	})
	if err != nil {
		return err
	}
	return errBadLogin
}

func (s *Service) openSession(ctx context.Context, c Caller, u *alliance.User, now time.Time) (*Login, error) {
	token, hash, err := credential.NewToken("als_")
	if err != nil {
		return nil, err
	}
	csrf, err := credential.NewCSRFToken()
	if err != nil {
		return nil, err
	}
	sess := &alliance.Session{
		TokenHash: hash, UserID: u.ID, CSRFToken: csrf, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(s.cfg.AbsoluteTimeout), RemoteAddr: c.RemoteAddr,
		SecondFactor: !u.NeedsSecondFactor() || s.cfg.Demo,
	}
	err = s.store.Update(ctx, func(tx alliance.Tx) error {
		u.FailedLogins, u.LockedUntil = 0, time.Time{}
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		if err := tx.CreateSession(ctx, sess); err != nil {
			return err
		}
		e := c.entry(actLogin, alliance.Resource{Type: "session", ID: strconv.FormatInt(sess.ID, 10), OrgID: u.OrgID}, alliance.OutcomeSuccess)
		if !sess.SecondFactor {
			e.Detail = "password accepted; second factor pending"
		}
		return tx.AppendAudit(ctx, e)
	})
	if err != nil {
		return nil, err
	}
	return &Login{Token: token, Session: sess, User: u}, nil
}

func (s *Service) auditFailure(ctx context.Context, c Caller, act alliance.Action, r alliance.Resource, detail string) {
	e := c.entry(act, r, alliance.OutcomeFailure)
	e.Detail = detail
	if err := s.store.Update(ctx, func(tx alliance.Tx) error { return tx.AppendAudit(ctx, e) }); err != nil {
		s.log.ErrorContext(ctx, "audit failure", "action", act, "err", err)
	}
}

// dummyHash is verified against when an account does not exist, so that the answer
// takes as long as for a real account.
var dummyHash = func() string {
	h, err := credential.HashPassword("alliance-dummy-password-for-timing")
	if err != nil {
		panic(err)
	}
	return h
}()

// Authenticated is what a session or token resolves to.
type Authenticated struct {
	Caller  Caller
	User    *alliance.User
	Session *alliance.Session // nil for API tokens
}

// touchEvery limits how often a session's last-seen time is written, so that page
// views stay reads.
const touchEvery = time.Minute

// SessionFromToken resolves a session cookie. Ended, expired and idle sessions are
// refused with an unauthorised error.
func (s *Service) SessionFromToken(ctx context.Context, token, remoteAddr string) (*Authenticated, error) {
	now := s.now()
	sess, err := s.store.SessionByTokenHash(ctx, credential.HashToken(token))
	if alliance.IsNotFound(err) {
		return nil, errSessionEnded
	}
	if err != nil {
		return nil, err
	}
	if !now.Before(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) >= s.cfg.IdleTimeout {
		_ = s.store.Update(ctx, func(tx alliance.Tx) error { return tx.DeleteSession(ctx, sess.ID) })
		return nil, errSessionEnded
	}
	u, err := s.activeUser(ctx, sess.UserID)
	if err != nil {
		return nil, err
	}
	if now.Sub(sess.LastSeenAt) >= touchEvery {
		sess.LastSeenAt = now
		if err := s.store.Update(ctx, func(tx alliance.Tx) error { return tx.UpdateSession(ctx, sess) }); err != nil {
			return nil, err
		}
	}
	return &Authenticated{Caller: s.callerOf(u, sess.SecondFactor, remoteAddr, sess.ID), User: u, Session: sess}, nil
}

var errSessionEnded = &alliance.Error{Code: alliance.CodeUnauthorised, Message: "your session has ended; sign in again"}

func (s *Service) activeUser(ctx context.Context, id int64) (*alliance.User, error) {
	u, err := s.store.User(ctx, id)
	if alliance.IsNotFound(err) {
		return nil, errSessionEnded
	}
	if err != nil {
		return nil, err
	}
	if u.DisabledAt != nil {
		return nil, &alliance.Error{Code: alliance.CodeUnauthorised, Message: "this account is disabled"}
	}
	return u, nil
}

func (s *Service) callerOf(u *alliance.User, secondFactor bool, remoteAddr string, sessionID int64) Caller {
	return Caller{
		Actor:      alliance.Actor{UserID: u.ID, OrgID: u.OrgID, Role: u.Role, SecondFactor: secondFactor || s.cfg.Demo},
		RemoteAddr: remoteAddr,
		SessionID:  sessionID,
	}
}

// TokenFromBearer resolves an API token. Tokens are created from a session that
// passed the second factor, or by the operator, so they carry it.
func (s *Service) TokenFromBearer(ctx context.Context, token, remoteAddr string) (*Authenticated, error) {
	now := s.now()
	t, err := s.store.APITokenByHash(ctx, credential.HashToken(token))
	if alliance.IsNotFound(err) {
		return nil, &alliance.Error{Code: alliance.CodeUnauthorised, Message: "unknown API token"}
	}
	if err != nil {
		return nil, err
	}
	if !t.Active(now) {
		return nil, &alliance.Error{Code: alliance.CodeUnauthorised, Message: "this API token is revoked or expired; create a new one"}
	}
	u, err := s.activeUser(ctx, t.UserID)
	if err != nil {
		return nil, err
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= touchEvery {
		if err := s.store.Update(ctx, func(tx alliance.Tx) error { return tx.TouchAPIToken(ctx, t.ID, now) }); err != nil {
			return nil, err
		}
	}
	return &Authenticated{Caller: s.callerOf(u, true, remoteAddr, 0), User: u}, nil
}

// Logout ends the caller's session.
func (s *Service) Logout(ctx context.Context, c Caller) error {
	return s.store.Update(ctx, func(tx alliance.Tx) error {
		if err := tx.DeleteSession(ctx, c.SessionID); err != nil && !alliance.IsNotFound(err) {
			return err
		}
		return tx.AppendAudit(ctx, c.entry(actLogout, alliance.Resource{Type: "session", ID: strconv.FormatInt(c.SessionID, 10), OrgID: c.OrgID}, alliance.OutcomeSuccess))
	})
}

// LogoutEverywhere ends every session of the caller, this one included.
func (s *Service) LogoutEverywhere(ctx context.Context, c Caller) (int, error) {
	var n int
	err := s.store.Update(ctx, func(tx alliance.Tx) error {
		var err error
		if n, err = tx.DeleteUserSessions(ctx, c.UserID); err != nil {
			return err
		}
		e := c.entry(actLogoutAll, alliance.Resource{Type: "user", ID: strconv.FormatInt(c.UserID, 10), OrgID: c.OrgID}, alliance.OutcomeSuccess)
		e.Detail = strconv.Itoa(n) + " sessions ended"
		return tx.AppendAudit(ctx, e)
	})
	return n, err
}

// CleanSessions deletes sessions past their absolute or idle timeout.
func (s *Service) CleanSessions(ctx context.Context) error {
	return s.store.Update(ctx, func(tx alliance.Tx) error {
		_, err := tx.DeleteExpiredSessions(ctx, s.now(), s.cfg.IdleTimeout)
		return err
	})
}
