package app

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"alliance"
	"alliance/internal/credential"
)

// RecoveryCodeCount is how many single-use recovery codes a user receives.
const RecoveryCodeCount = 10

// Enrolment is what the enrolment page shows: the secret for manual entry and the
// QR code as an inline PNG.
type Enrolment struct {
	Secret    string
	URL       string
	QRDataURI string
}

// NeedsEnrolment reports whether u must set up a second factor before going on.
func (s *Service) NeedsEnrolment(u *alliance.User) bool {
	return u.NeedsSecondFactor() && !u.TOTPEnabled && !s.cfg.Demo
}

// StartEnrolment gives the user a new TOTP secret, kept until confirmed. A user who
// already has a second factor must have it reset by an administrator first.
func (s *Service) StartEnrolment(ctx context.Context, a *Authenticated) (*Enrolment, error) {
	if a.User.TOTPEnabled {
		return nil, alliance.Errorf(alliance.CodeConflict, "a second factor is already set up; ask an administrator to reset it")
	}
	if a.User.TOTPSecret == "" {
		secret, _, err := credential.NewTOTP("Alliance", a.User.Email)
		if err != nil {
			return nil, err
		}
		var u *alliance.User
		err = s.store.Update(ctx, func(tx alliance.Tx) error {
			u, err = s.mutateUser(ctx, tx, a.User.ID, func(u *alliance.User) error {
				if u.TOTPSecret == "" { // another tab may have started already
					u.TOTPSecret = secret
				}
				return nil
			})
			if err != nil {
				return err
			}
			return tx.AppendAudit(ctx, a.Caller.entry(actEnrolStart, userResource(u), alliance.OutcomeSuccess))
		})
		if err != nil {
			return nil, err
		}
		*a.User = *u
	}
	url := totpURL(a.User.Email, a.User.TOTPSecret)
	qr, err := credential.TOTPQRCodeDataURI(url)
	if err != nil {
		return nil, err
	}
	return &Enrolment{Secret: a.User.TOTPSecret, URL: url, QRDataURI: qr}, nil
}

func totpURL(account, secret string) string {
	return "otpauth://totp/Alliance:" + strings.ReplaceAll(account, ":", "") +
		"?secret=" + secret + "&issuer=Alliance&algorithm=SHA1&digits=6&period=30"
}

// ConfirmEnrolment checks a first code from the authenticator, turns the second
// factor on, marks the session as having passed it and returns the recovery codes,
// which are shown once. The code's time step is stored with the rest, so that the
// same code cannot pass the second factor afterwards.
func (s *Service) ConfirmEnrolment(ctx context.Context, a *Authenticated, code string) ([]string, error) {
	codes, err := credential.NewRecoveryCodes(RecoveryCodeCount)
	if err != nil {
		return nil, err
	}
	hashes := make([][]byte, len(codes))
	for i, c := range codes {
		hashes[i] = credential.HashRecoveryCode(c)
	}
	var u *alliance.User
	err = s.store.Update(ctx, func(tx alliance.Tx) error {
		var err error
		if u, err = tx.User(ctx, a.User.ID); err != nil {
			return err
		}
		if u.TOTPEnabled || u.TOTPSecret == "" {
			return alliance.Errorf(alliance.CodeConflict, "start the enrolment again")
		}
		if err := s.checkTOTP(u, code); err != nil {
			return err
		}
		u.TOTPEnabled = true
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		if err := tx.ReplaceRecoveryCodes(ctx, u.ID, hashes); err != nil {
			return err
		}
		if err := s.passSecondFactor(ctx, tx, a); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, a.Caller.entry(actEnrol2FA, userResource(u), alliance.OutcomeSuccess))
	})
	if err != nil {
		return nil, err
	}
	*a.User = *u
	return codes, nil
}

func (s *Service) passSecondFactor(ctx context.Context, tx alliance.Tx, a *Authenticated) error {
	if a.Session == nil {
		return nil
	}
	a.Session.SecondFactor = true
	a.Caller.SecondFactor = true
	return tx.UpdateSession(ctx, a.Session)
}

var (
	errBadCode  = &alliance.Error{Code: alliance.CodeUnauthorised, Field: "code", Message: "the code is not right; check the time on your phone and try again"}
	errUsedCode = &alliance.Error{Code: alliance.CodeUnauthorised, Field: "code", Message: "this code was used already; wait for the next one"}
)

// checkTOTP accepts code for u only when its time step is later than the last
// one u passed, so that a code seen over someone's shoulder cannot be used
// again, and records the step in u. The caller must have read u in the
// transaction that stores it: the store then lets only one of two concurrent
// checks of the same code pass.
func (s *Service) checkTOTP(u *alliance.User, code string) error {
	step, ok := credential.ValidateTOTP(u.TOTPSecret, code, s.now())
	if !ok {
		return errBadCode
	}
	if step <= u.TOTPLastStep {
		return errUsedCode
	}
	u.TOTPLastStep = step
	return nil
}

// VerifySecondFactor accepts a TOTP code or an unused recovery code and marks the
// session as having passed the second factor.
func (s *Service) VerifySecondFactor(ctx context.Context, a *Authenticated, code string) error {
	res := alliance.Resource{Type: "session", ID: strconv.FormatInt(a.Caller.SessionID, 10), OrgID: a.User.OrgID}
	if !s.loginRate.Allow("user:"+strconv.FormatInt(a.User.ID, 10), s.now()) {
		s.auditFailure(ctx, a.Caller, actSecondFactor, res, "rate limited")
		return &alliance.Error{Code: alliance.CodeTooMany, Message: "too many attempts; wait a minute and try again"}
	}
	code = strings.TrimSpace(code)
	var u *alliance.User
	err := s.store.Update(ctx, func(tx alliance.Tx) error {
		var err error
		if u, err = tx.User(ctx, a.User.ID); err != nil {
			return err
		}
		if s.now().Before(u.LockedUntil) {
			return errCodesLocked
		}
		detail, err := s.passCode(ctx, tx, u, code)
		if err != nil {
			return err
		}
		if err := s.passSecondFactor(ctx, tx, a); err != nil {
			return err
		}
		e := a.Caller.entry(actSecondFactor, res, alliance.OutcomeSuccess)
		e.Detail = detail
		return tx.AppendAudit(ctx, e)
	})
	switch {
	case errors.Is(err, errCodesLocked):
		s.auditFailure(ctx, a.Caller, actSecondFactor, res, "account locked")
		return err
	case alliance.ErrorCode(err) == alliance.CodeUnauthorised:
		// Wrong codes count towards the same lockout as wrong passwords, in the
		// database, so that guessing cannot go on across servers or restarts.
		return s.countFailure(ctx, a.Caller, a.User.ID, s.now(), actSecondFactor, res, "wrong code", err)
	case err != nil:
		return err
	}
	*a.User = *u
	return nil
}

var errCodesLocked = &alliance.Error{Code: alliance.CodeTooMany, Field: "code", Message: "too many wrong codes; the account is locked for a while"}

// passCode checks code against u, read in tx, as a TOTP code and, failing that,
// as an unused recovery code, and uses it up: it stores the TOTP step or marks
// the recovery code used. It returns what passed, for the audit entry.
func (s *Service) passCode(ctx context.Context, tx alliance.Tx, u *alliance.User, code string) (string, error) {
	if !u.TOTPEnabled {
		return "", errBadCode
	}
	totpErr := s.checkTOTP(u, code)
	if totpErr == nil {
		return "totp", tx.UpdateUser(ctx, u)
	}
	used, err := tx.UseRecoveryCode(ctx, u.ID, credential.HashRecoveryCode(code), s.now())
	if err != nil {
		return "", err
	}
	if !used {
		return "", totpErr
	}
	return "recovery code", nil
}

// ResetTwoFactor removes a user's second factor and recovery codes, ends their
// sessions and revokes their API tokens; at the next sign-in they enrol again.
func (s *Service) ResetTwoFactor(ctx context.Context, c Caller, userID int64) error {
	u, err := s.userFor(ctx, c, alliance.ActUserReset2FA, userID)
	if err != nil {
		return err
	}
	return s.change(ctx, c, alliance.ActUserReset2FA, userResource(u), func(tx alliance.Tx, _ *alliance.AuditEntry) error {
		_, err := s.mutateUser(ctx, tx, userID, func(u *alliance.User) error {
			u.TOTPEnabled, u.TOTPSecret = false, ""
			return nil
		})
		if err != nil {
			return err
		}
		if err := tx.ReplaceRecoveryCodes(ctx, userID, nil); err != nil {
			return err
		}
		return s.endAccess(ctx, tx, userID)
	})
}

func userResource(u *alliance.User) alliance.Resource {
	return alliance.Resource{Type: "user", ID: strconv.FormatInt(u.ID, 10), OrgID: u.OrgID, Owner: u.ID, Role: u.Role}
}
