package app

import (
	"context"
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
	u := a.User
	if u.TOTPEnabled {
		return nil, alliance.Errorf(alliance.CodeConflict, "a second factor is already set up; ask an administrator to reset it")
	}
	if u.TOTPSecret == "" {
		secret, _, err := credential.NewTOTP("Alliance", u.Email)
		if err != nil {
			return nil, err
		}
		u.TOTPSecret = secret
		if err := s.store.Update(ctx, func(tx alliance.Tx) error { return tx.UpdateUser(ctx, u) }); err != nil {
			return nil, err
		}
	}
	url := totpURL(u.Email, u.TOTPSecret)
	qr, err := credential.TOTPQRCodeDataURI(url)
	if err != nil {
		return nil, err
	}
	return &Enrolment{Secret: u.TOTPSecret, URL: url, QRDataURI: qr}, nil
}

func totpURL(account, secret string) string {
	return "otpauth://totp/Alliance:" + strings.ReplaceAll(account, ":", "") +
		"?secret=" + secret + "&issuer=Alliance&algorithm=SHA1&digits=6&period=30"
}

// ConfirmEnrolment checks a first code from the authenticator, turns the second
// factor on, marks the session as having passed it and returns the recovery codes,
// which are shown once.
func (s *Service) ConfirmEnrolment(ctx context.Context, a *Authenticated, code string) ([]string, error) {
	u := a.User
	if u.TOTPEnabled || u.TOTPSecret == "" {
		return nil, alliance.Errorf(alliance.CodeConflict, "start the enrolment again")
	}
	if err := s.checkTOTP(u, code); err != nil {
		return nil, err
	}
	codes, err := credential.NewRecoveryCodes(RecoveryCodeCount)
	if err != nil {
		return nil, err
	}
	hashes := make([][]byte, len(codes))
	for i, c := range codes {
		hashes[i] = credential.HashRecoveryCode(c)
	}
	res := alliance.Resource{Type: "user", ID: strconv.FormatInt(u.ID, 10), OrgID: u.OrgID, Owner: u.ID}
	err = s.store.Update(ctx, func(tx alliance.Tx) error {
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
		return tx.AppendAudit(ctx, a.Caller.entry(actEnrol2FA, res, alliance.OutcomeSuccess))
	})
	if err != nil {
		return nil, err
	}
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

var errBadCode = &alliance.Error{Code: alliance.CodeUnauthorised, Field: "code", Message: "the code is not right; check the time on your phone and try again"}

func (s *Service) checkTOTP(u *alliance.User, code string) error {
	step, ok := credential.ValidateTOTP(u.TOTPSecret, code, s.now())
	if !ok {
		return errBadCode
	}
	if prev, seen := s.usedSteps.Load(u.ID); seen && prev.(int64) >= step {
		return &alliance.Error{Code: alliance.CodeUnauthorised, Field: "code", Message: "this code was used already; wait for the next one"}
	}
	s.usedSteps.Store(u.ID, step)
	return nil
}

// VerifySecondFactor accepts a TOTP code or an unused recovery code and marks the
// session as having passed the second factor.
func (s *Service) VerifySecondFactor(ctx context.Context, a *Authenticated, code string) error {
	u := a.User
	res := alliance.Resource{Type: "session", ID: strconv.FormatInt(a.Caller.SessionID, 10), OrgID: u.OrgID}
	if !s.loginRate.Allow("2fa:"+strconv.FormatInt(u.ID, 10), s.now()) {
		s.auditFailure(ctx, a.Caller, actSecondFactor, res, "rate limited")
		return &alliance.Error{Code: alliance.CodeTooMany, Message: "too many attempts; wait a minute and try again"}
	}
	code = strings.TrimSpace(code)
	detail := "totp"
	err := s.store.Update(ctx, func(tx alliance.Tx) error {
		if !u.TOTPEnabled {
			return errBadCode
		}
		if totpErr := s.checkTOTP(u, code); totpErr != nil {
			used, err := tx.UseRecoveryCode(ctx, u.ID, credential.HashRecoveryCode(code), s.now())
			if err != nil {
				return err
			}
			if !used {
				return totpErr
			}
			detail = "recovery code"
		}
		if err := s.passSecondFactor(ctx, tx, a); err != nil {
			return err
		}
		e := a.Caller.entry(actSecondFactor, res, alliance.OutcomeSuccess)
		e.Detail = detail
		return tx.AppendAudit(ctx, e)
	})
	if alliance.ErrorCode(err) == alliance.CodeUnauthorised {
		s.auditFailure(ctx, a.Caller, actSecondFactor, res, "wrong code")
	}
	return err
}

// ResetTwoFactor removes a user's second factor and recovery codes and ends their
// sessions; at the next sign-in they enrol again.
func (s *Service) ResetTwoFactor(ctx context.Context, c Caller, userID int64) error {
	u, err := s.userFor(ctx, c, alliance.ActUserReset2FA, userID)
	if err != nil {
		return err
	}
	res := userResource(u)
	return s.change(ctx, c, alliance.ActUserReset2FA, res, func(tx alliance.Tx, _ *alliance.AuditEntry) error {
		u.TOTPEnabled, u.TOTPSecret = false, ""
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		if err := tx.ReplaceRecoveryCodes(ctx, u.ID, nil); err != nil {
			return err
		}
		_, err := tx.DeleteUserSessions(ctx, u.ID)
		return err
	})
}

func userResource(u *alliance.User) alliance.Resource {
	return alliance.Resource{Type: "user", ID: strconv.FormatInt(u.ID, 10), OrgID: u.OrgID, Owner: u.ID}
}
