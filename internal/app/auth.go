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
	actEnrolStart   alliance.Action = "account.enrol_2fa_start"
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
// for one account lock it for a while. Unknown, disabled and locked accounts get
// the same answer as a wrong password, after the same work, so that the answer
// does not tell which accounts exist.
func (s *Service) Login(ctx context.Context, email, password, remoteAddr string) (*Login, error) {
	now := s.now()
	c := Caller{RemoteAddr: remoteAddr}
	res := alliance.Resource{Type: "session"}
	if !s.loginRate.Allow("ip:"+remoteAddr, now) {
		s.auditFailure(ctx, c, actLogin, res, "rate limited")
		return nil, &alliance.Error{Code: alliance.CodeTooMany, Message: "too many sign-in attempts from this address; wait a minute and try again"}
	}
	u, err := s.store.UserByEmail(ctx, email)
	if err != nil && !alliance.IsNotFound(err) {
		return nil, err
	}
	hash := dummyHash
	if u != nil {
		c.UserID, c.OrgID, res.OrgID, hash = u.ID, u.OrgID, u.OrgID, u.PasswordHash
	}
	ok, err := s.verifyPassword(ctx, hash, password)
	if err != nil {
		return nil, err
	}
	if refusal := loginRefusal(u, now); refusal != "" {
		s.auditFailure(ctx, c, actLogin, res, refusal)
		return nil, errBadLogin
	}
	if !ok {
		return nil, s.failPassword(ctx, c, u.ID, now)
	}
	return s.openSession(ctx, c, u.ID, now)
}

// loginRefusal says why u may not sign in whatever the password, or "".
func loginRefusal(u *alliance.User, now time.Time) string {
	switch {
	case u == nil:
		return "unknown account"
	case u.DisabledAt != nil:
		return "account disabled"
	case now.Before(u.LockedUntil):
		return "account locked"
	}
	return ""
}

// failPassword counts a wrong password on the freshly read account and locks it
// at the limit.
func (s *Service) failPassword(ctx context.Context, c Caller, id int64, now time.Time) error {
	return s.countFailure(ctx, c, id, now, actLogin, alliance.Resource{Type: "session", OrgID: c.OrgID}, "wrong password", errBadLogin)
}

// countFailure records a failed password or second-factor code: it counts the
// failure on the account, locks the account when the count reaches the limit,
// writes the audit entry, and returns answer.
func (s *Service) countFailure(ctx context.Context, c Caller, id int64, now time.Time, act alliance.Action, res alliance.Resource, detail string, answer error) error {
	err := s.store.Update(ctx, func(tx alliance.Tx) error {
		_, err := s.mutateUser(ctx, tx, id, func(u *alliance.User) error {
			u.FailedLogins++
			if u.FailedLogins >= s.cfg.MaxFailedLogins {
				u.LockedUntil, u.FailedLogins = now.Add(s.cfg.LockoutDuration), 0
				detail += "; account locked"
			}
			return nil
		})
		if err != nil {
			return err
		}
		e := c.entry(act, res, alliance.OutcomeFailure)
		e.Detail = detail
		return tx.AppendAudit(ctx, e)
	})
	if err != nil {
		return err
	}
	return answer
}

// openSession opens a session once the password passed. The account is read again
// in the transaction: a lock or a disabling committed while the password was being
// checked still refuses the sign-in. The session has not passed the second factor,
// whether or not the role needs one: if the role changes later, the policy asks for
// it then.
func (s *Service) openSession(ctx context.Context, c Caller, id int64, now time.Time) (*Login, error) {
	token, hash, err := credential.NewToken("als_")
	if err != nil {
		return nil, err
	}
	csrf, err := credential.NewCSRFToken()
	if err != nil {
		return nil, err
	}
	sess := &alliance.Session{
		TokenHash: hash, UserID: id, CSRFToken: csrf, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(s.cfg.AbsoluteTimeout), RemoteAddr: c.RemoteAddr,
	}
	var u *alliance.User
	refusal := ""
	err = s.store.Update(ctx, func(tx alliance.Tx) error {
		u, err = s.mutateUser(ctx, tx, id, func(u *alliance.User) error {
			if refusal = loginRefusal(u, now); refusal != "" {
				return errBadLogin
			}
			u.FailedLogins, u.LockedUntil = 0, time.Time{}
			return nil
		})
		if err != nil {
			return err
		}
		if err := tx.CreateSession(ctx, sess); err != nil {
			return err
		}
		e := c.entry(actLogin, alliance.Resource{Type: "session", ID: strconv.FormatInt(sess.ID, 10), OrgID: u.OrgID}, alliance.OutcomeSuccess)
		if u.NeedsSecondFactor() && !s.cfg.Demo {
			e.Detail = "password accepted; second factor pending"
		}
		return tx.AppendAudit(ctx, e)
	})
	if refusal != "" {
		s.auditFailure(ctx, c, actLogin, alliance.Resource{Type: "session", OrgID: c.OrgID}, refusal)
	}
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
	// A token counts as having passed the second factor: tokens are created from
	// sessions, and every change of role, second factor or state revokes them.
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
