package app

import (
	"context"
	"strconv"
	"strings"
	"time"

	"alliance"
	"alliance/internal/credential"
)

// ChangePassword changes the caller's own password after checking the current one,
// ends the caller's other sessions and revokes their API tokens.
func (s *Service) ChangePassword(ctx context.Context, a *Authenticated, current, next string) error {
	res := userResource(a.User)
	if err := s.authorize(ctx, a.Caller, alliance.ActAccountWrite, res); err != nil {
		return err
	}
	ok, err := s.verifyPassword(ctx, a.User.PasswordHash, current)
	if err != nil {
		return err
	}
	if !ok {
		s.auditFailure(ctx, a.Caller, actPassword, res, "wrong current password")
		return alliance.Invalid("current", "the current password is not right")
	}
	if err := alliance.ValidatePassword(next); err != nil {
		return err
	}
	hash, err := s.hashPassword(ctx, next)
	if err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx alliance.Tx) error {
		u, err := s.mutateUser(ctx, tx, a.User.ID, func(u *alliance.User) error {
			if u.DisabledAt != nil {
				return errSessionEnded
			}
			u.PasswordHash = hash
			return nil
		})
		if err != nil {
			return err
		}
		*a.User = *u
		// A new password usually answers a fear that the old one leaked: what
		// was issued under it ends, except the session making the change.
		if err := s.endAccess(ctx, tx, u.ID); err != nil {
			return err
		}
		if a.Session != nil { // keep this session
			if err := tx.CreateSession(ctx, a.Session); err != nil {
				return err
			}
		}
		return tx.AppendAudit(ctx, a.Caller.entry(actPassword, res, alliance.OutcomeSuccess))
	})
}

// SetLanguage sets the caller's interface language; "" follows the browser.
func (s *Service) SetLanguage(ctx context.Context, a *Authenticated, lang string) error {
	return s.change(ctx, a.Caller, alliance.ActAccountWrite, userResource(a.User), func(tx alliance.Tx, e *alliance.AuditEntry) error {
		u, err := s.mutateUser(ctx, tx, a.User.ID, func(u *alliance.User) error {
			u.Language = strings.TrimSpace(lang)
			return nil
		})
		if err != nil {
			return err
		}
		*a.User = *u
		e.Detail = "language " + u.Language
		return nil
	})
}

// NewAPIToken is a created token: the secret is in Token and is never shown again.
type NewAPIToken struct {
	Token string
	alliance.APIToken
}

// CreateAPIToken creates a token for user u. lifetime 0 takes the default; it may
// not exceed the deployment's maximum.
func (s *Service) CreateAPIToken(ctx context.Context, c Caller, u *alliance.User, name string, lifetime time.Duration) (*NewAPIToken, error) {
	if !c.Operator && c.SessionID == 0 {
		// A token may not make tokens: a leaked one could otherwise keep itself
		// alive for ever.
		return nil, alliance.Errorf(alliance.CodeForbidden, "create API tokens from a signed-in session, not with a token")
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, alliance.Invalid("name", "give the token a name that says where it is used")
	}
	if lifetime == 0 {
		lifetime = s.cfg.TokenLifetime
	}
	if lifetime < 0 || lifetime > s.cfg.MaxTokenLifetime {
		return nil, alliance.Invalid("expires", "a token may live at most %d days", int(s.cfg.MaxTokenLifetime.Hours()/24))
	}
	secret, hash, err := credential.NewToken("alt_")
	if err != nil {
		return nil, err
	}
	now := s.now()
	t := alliance.APIToken{UserID: u.ID, Name: name, Prefix: secret[:8], Hash: hash, CreatedAt: now, ExpiresAt: now.Add(lifetime)}
	err = s.change(ctx, c, alliance.ActAccountWrite, userResource(u), func(tx alliance.Tx, e *alliance.AuditEntry) error {
		if err := tx.CreateAPIToken(ctx, &t); err != nil {
			return err
		}
		e.Action, e.ResourceType, e.ResourceID = string(actTokenCreate), "api_token", strconv.FormatInt(t.ID, 10)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &NewAPIToken{Token: secret, APIToken: t}, nil
}

// APITokens lists the caller's tokens.
func (s *Service) APITokens(ctx context.Context, a *Authenticated) ([]alliance.APIToken, error) {
	if err := s.authorize(ctx, a.Caller, alliance.ActAccountRead, userResource(a.User)); err != nil {
		return nil, err
	}
	return s.store.APITokens(ctx, a.User.ID)
}

// RevokeAPIToken revokes one of the caller's tokens.
func (s *Service) RevokeAPIToken(ctx context.Context, c Caller, id int64) error {
	t, err := s.store.APIToken(ctx, id)
	if alliance.IsNotFound(err) && !c.Operator {
		return alliance.Errorf(alliance.CodeForbidden, "only the account's owner may do this") // as for another's token
	}
	if err != nil {
		return err
	}
	u, err := s.store.User(ctx, t.UserID)
	if err != nil {
		return err
	}
	return s.change(ctx, c, alliance.ActAccountWrite, userResource(u), func(tx alliance.Tx, e *alliance.AuditEntry) error {
		e.Action, e.ResourceType, e.ResourceID = string(actTokenRevoke), "api_token", strconv.FormatInt(id, 10)
		return tx.RevokeAPIToken(ctx, id, s.now())
	})
}

// AuditLog returns audit entries the caller may read: an administrator those of
// the own organisation, a superadmin every organisation's.
func (s *Service) AuditLog(ctx context.Context, c Caller, f alliance.AuditFilter) ([]alliance.AuditEntry, error) {
	res := alliance.Resource{Type: "audit_log", OrgID: f.OrgID}
	if c.Role != alliance.RoleSuperadmin && !c.Operator {
		res.OrgID = c.OrgID
		f.OrgID = c.OrgID
	}
	// Entries name staff and the addresses they work from: reading them is a
	// read of personal data, audited like any other.
	if err := s.read(ctx, c, alliance.ActAuditRead, res); err != nil {
		return nil, err
	}
	return s.store.AuditEntries(ctx, f)
}
