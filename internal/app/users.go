package app

import (
	"context"
	"strconv"

	"alliance"
)

// Users lists the users of an organisation. Names and emails are personal data, so
// the read is audited.
func (s *Service) Users(ctx context.Context, c Caller, orgID int64) ([]alliance.User, error) {
	if err := s.read(ctx, c, alliance.ActUserList, alliance.Resource{Type: "user", OrgID: orgID}); err != nil {
		return nil, err
	}
	return s.store.Users(ctx, orgID)
}

// userFor loads a user for an action. A missing user is answered as another
// organisation's would be (except to the operator), so that ids cannot be probed.
func (s *Service) userFor(ctx context.Context, c Caller, act alliance.Action, id int64) (*alliance.User, error) {
	u, err := s.store.User(ctx, id)
	if alliance.IsNotFound(err) && !c.Operator {
		if err := s.authorize(ctx, c, act, alliance.Resource{Type: "user", ID: strconv.FormatInt(id, 10), OrgID: -1}); err != nil {
			return nil, err
		}
	}
	return u, err
}

// User returns one user; the read is audited.
func (s *Service) User(ctx context.Context, c Caller, id int64) (*alliance.User, error) {
	u, err := s.userFor(ctx, c, alliance.ActUserRead, id)
	if err != nil {
		return nil, err
	}
	if err := s.read(ctx, c, alliance.ActUserRead, userResource(u)); err != nil {
		return nil, err
	}
	return u, nil
}

// NewUser is what an administrator gives to create an account.
type NewUser struct {
	OrgID    int64
	Email    string
	Name     string
	Role     alliance.Role
	Language string
	Password string
}

// CreateUser creates an account. Only a superadmin may create another superadmin.
func (s *Service) CreateUser(ctx context.Context, c Caller, n NewUser) (*alliance.User, error) {
	res := alliance.Resource{Type: "user", OrgID: n.OrgID}
	if err := s.authorize(ctx, c, alliance.ActUserCreate, res); err != nil {
		return nil, err
	}
	u := &alliance.User{OrgID: n.OrgID, Email: n.Email, Name: n.Name, Role: n.Role, Language: n.Language, CreatedAt: s.now()}
	u.Normalise()
	if err := u.Validate(); err != nil {
		return nil, err
	}
	if err := alliance.ValidatePassword(n.Password); err != nil {
		return nil, err
	}
	if u.Role == alliance.RoleSuperadmin && c.Role != alliance.RoleSuperadmin && !c.Operator {
		return nil, alliance.Errorf(alliance.CodeForbidden, "only a superadmin may create a superadmin")
	}
	hash, err := s.hashPassword(ctx, n.Password)
	if err != nil {
		return nil, err
	}
	u.PasswordHash = hash
	err = s.commit(ctx, c, alliance.ActUserCreate, res, func(tx alliance.Tx, e *alliance.AuditEntry) error {
		if _, err := tx.Organisation(ctx, u.OrgID); err != nil {
			return alliance.Invalid("organisation", "organisation %d does not exist", u.OrgID)
		}
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		e.ResourceID = strconv.FormatInt(u.ID, 10)
		e.Detail = "role " + string(u.Role)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// UserChange is what an administrator may change about an account.
type UserChange struct {
	Name     string
	Role     alliance.Role
	Disabled bool
}

// UpdateUser changes a user's name, role or disabled state. A change of role or
// disabling ends the user's sessions and revokes their API tokens: what was
// issued under the old role must not outlive it (an analyst's session, which
// needed no second factor, must not carry an administrator's powers).
func (s *Service) UpdateUser(ctx context.Context, c Caller, id int64, ch UserChange) (*alliance.User, error) {
	cur, err := s.userFor(ctx, c, alliance.ActUserUpdate, id)
	if err != nil {
		return nil, err
	}
	res := userResource(cur)
	if err := s.authorize(ctx, c, alliance.ActUserUpdate, res); err != nil {
		return nil, err
	}
	if ch.Role == alliance.RoleSuperadmin && cur.Role != alliance.RoleSuperadmin && c.Role != alliance.RoleSuperadmin && !c.Operator {
		return nil, alliance.Errorf(alliance.CodeForbidden, "only a superadmin may make a superadmin")
	}
	var u *alliance.User
	err = s.commit(ctx, c, alliance.ActUserUpdate, res, func(tx alliance.Tx, e *alliance.AuditEntry) error {
		var ended bool
		u, err = s.mutateUser(ctx, tx, id, func(u *alliance.User) error {
			ended = u.Role != ch.Role || (ch.Disabled && u.DisabledAt == nil)
			u.Name, u.Role = ch.Name, ch.Role
			u.Normalise()
			s.setDisabled(u, ch.Disabled)
			e.Detail = "role " + string(u.Role)
			return u.Validate()
		})
		if err != nil || !ended {
			return err
		}
		e.Detail += "; sessions ended and tokens revoked"
		return s.endAccess(ctx, tx, id)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

func (s *Service) setDisabled(u *alliance.User, disabled bool) {
	switch {
	case disabled && u.DisabledAt == nil:
		now := s.now()
		u.DisabledAt = &now
	case !disabled:
		u.DisabledAt = nil
	}
}

// FindUser finds a user by email for a caller who may read that user; the read is
// audited. Anyone else learns only that no such user is visible to them.
func (s *Service) FindUser(ctx context.Context, c Caller, email string) (*alliance.User, error) {
	u, err := s.store.UserByEmail(ctx, alliance.NormaliseEmail(email))
	if err != nil && !alliance.IsNotFound(err) {
		return nil, err
	}
	if err != nil || !alliance.Authorize(c.Actor, alliance.ActUserRead, userResource(u)).Allow {
		return nil, alliance.Invalid("user", "no user with this email is visible to you")
	}
	if err := s.read(ctx, c, alliance.ActUserRead, userResource(u)); err != nil {
		return nil, err
	}
	return u, nil
}

// UserByEmail finds a user for the command line.
func (s *Service) UserByEmail(ctx context.Context, email string) (*alliance.User, error) {
	u, err := s.store.UserByEmail(ctx, alliance.NormaliseEmail(email))
	if alliance.IsNotFound(err) {
		return nil, alliance.Invalid("email", "no user has the email %q", email)
	}
	return u, err
}
