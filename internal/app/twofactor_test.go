package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"alliance"
	"alliance/internal/apptest"
	"alliance/internal/sqlite"

	"github.com/google/go-cmp/cmp"
	"github.com/pquerna/otp/totp"
)

const testPassword = "correct horse battery staple"

// t0 is a fixed time 5 s into a TOTP time step, so that a code generated for it
// and for t0 + 30 s belong to consecutive steps.
var t0 = time.Unix(1_750_000_000/30*30+5, 0).UTC()

// twoFactorEnv is a service over a real SQLite store and vault, with one
// caseworker, who must pass a second factor.
type twoFactorEnv struct {
	t     *testing.T
	ctx   context.Context
	store *sqlite.Store
	svc   *Service
	user  *alliance.User
}

func newTwoFactorEnv(t *testing.T) *twoFactorEnv {
	t.Helper()
	ctx := t.Context()
	st := apptest.Store(t)
	e := &twoFactorEnv{t: t, ctx: ctx, store: st}
	e.svc = e.newService(t0)
	o := &alliance.Organisation{Name: "Labour Inspectorate", Type: alliance.OrgLabourInspectorate, Country: "RO", Languages: []string{"ro"}}
	if err := e.svc.CreateOrganisation(ctx, System(), o); err != nil {
		t.Fatalf("CreateOrganisation: %v", err)
	}
	var err error
	e.user, err = e.svc.CreateUser(ctx, System(), NewUser{OrgID: o.ID, Email: "ana.pop@example.org",
		Name: "Ana Pop", Role: alliance.RoleCaseworker, Password: testPassword})
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	return e
}

// newService returns a new service over the env's store, its clock at now: a
// second server, or the same one after a restart.
func (e *twoFactorEnv) newService(now time.Time) *Service {
	s := New(e.store, DefaultConfig(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	s.SetClock(func() time.Time { return now })
	return s
}

// login signs the caseworker in through svc and resolves the new session.
func (e *twoFactorEnv) login(svc *Service) (*Authenticated, string) {
	e.t.Helper()
	l, err := svc.Login(e.ctx, e.user.Email, testPassword, "192.0.2.10")
	if err != nil {
		e.t.Fatalf("Login: %v", err)
	}
	a, err := svc.SessionFromToken(e.ctx, l.Token, "192.0.2.10")
	if err != nil {
		e.t.Fatalf("SessionFromToken: %v", err)
	}
	if a.Session.SecondFactor {
		e.t.Fatalf("a new session of a caseworker has passed the second factor already")
	}
	return a, l.Token
}

// enrol sets up the second factor with a code for t0 and returns the secret and
// the recovery codes.
func (e *twoFactorEnv) enrol(a *Authenticated) (string, []string) {
	e.t.Helper()
	en, err := e.svc.StartEnrolment(e.ctx, a)
	if err != nil {
		e.t.Fatalf("StartEnrolment: %v", err)
	}
	recovery, err := e.svc.ConfirmEnrolment(e.ctx, a, code(e.t, en.Secret, t0))
	if err != nil {
		e.t.Fatalf("ConfirmEnrolment: %v", err)
	}
	if len(recovery) != RecoveryCodeCount || !a.Session.SecondFactor {
		e.t.Fatalf("ConfirmEnrolment gave %d recovery codes, second factor %v; want %d, true",
			len(recovery), a.Session.SecondFactor, RecoveryCodeCount)
	}
	if want := t0.Unix() / 30; a.User.TOTPLastStep != want {
		e.t.Errorf("after ConfirmEnrolment a.User.TOTPLastStep = %d, want %d", a.User.TOTPLastStep, want)
	}
	e.wantStoredStep(t0.Unix() / 30)
	return en.Secret, recovery
}

func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatalf("GenerateCode: %v", err)
	}
	return c
}

// verify calls VerifySecondFactor and checks its outcome, and that the session
// as stored agrees.
func (e *twoFactorEnv) verify(svc *Service, a *Authenticated, token, code string, wantPass bool) {
	e.t.Helper()
	err := svc.VerifySecondFactor(e.ctx, a, code)
	if wantPass && err != nil {
		e.t.Errorf("VerifySecondFactor(%q) = %v, want success", code, err)
	}
	if !wantPass && alliance.ErrorCode(err) != alliance.CodeUnauthorised {
		e.t.Errorf("VerifySecondFactor(%q) = %v, want an unauthorised error", code, err)
	}
	stored, err := svc.SessionFromToken(e.ctx, token, "192.0.2.10")
	if err != nil {
		e.t.Fatalf("SessionFromToken: %v", err)
	}
	if stored.Session.SecondFactor != wantPass {
		e.t.Errorf("after VerifySecondFactor(%q) the stored session has SecondFactor %v, want %v",
			code, stored.Session.SecondFactor, wantPass)
	}
}

func (e *twoFactorEnv) wantStoredStep(want int64) {
	e.t.Helper()
	u, err := e.store.User(e.ctx, e.user.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	if u.TOTPLastStep != want {
		e.t.Errorf("stored TOTPLastStep = %d, want %d", u.TOTPLastStep, want)
	}
}

// secondFactorAudit lists the outcome and detail of the user's second-factor
// audit entries, oldest first.
func (e *twoFactorEnv) secondFactorAudit() []string {
	e.t.Helper()
	entries, err := e.store.AuditEntries(e.ctx, alliance.AuditFilter{ActorUserID: e.user.ID, Limit: 1000})
	if err != nil {
		e.t.Fatal(err)
	}
	var got []string
	for i := len(entries) - 1; i >= 0; i-- {
		if en := entries[i]; en.Action == string(actSecondFactor) {
			got = append(got, fmt.Sprintf("%s: %s", en.Outcome, en.Detail))
		}
	}
	return got
}

func TestTOTPCodeIsUsedOnce(t *testing.T) {
	e := newTwoFactorEnv(t)
	a1, _ := e.login(e.svc)
	secret, recovery := e.enrol(a1)
	enrolCode := code(t, secret, t0)

	// The code that confirmed the enrolment does not pass again, neither on this
	// service nor on a new one over the same store.
	a2, token2 := e.login(e.svc)
	e.verify(e.svc, a2, token2, enrolCode, false)
	other := e.newService(t0)
	a3, token3 := e.login(other)
	e.verify(other, a3, token3, enrolCode, false)
	if err := other.VerifySecondFactor(e.ctx, a3, enrolCode); !strings.Contains(alliance.ErrorMessage(err), "used already") {
		t.Errorf("replayed code: error %v, want one saying the code was used already", err)
	}

	// The code of the next time step passes, once.
	t1 := t0.Add(30 * time.Second)
	e.svc.SetClock(func() time.Time { return t1 })
	e.verify(e.svc, a2, token2, code(t, secret, t1), true)
	if want := t1.Unix() / 30; a2.User.TOTPLastStep != want {
		t.Errorf("after VerifySecondFactor a.User.TOTPLastStep = %d, want %d", a2.User.TOTPLastStep, want)
	}
	e.wantStoredStep(t1.Unix() / 30)
	a4, token4 := e.login(e.svc)
	e.verify(e.svc, a4, token4, code(t, secret, t1), false)

	// A recovery code works once.
	a5, token5 := e.login(e.svc)
	e.verify(e.svc, a5, token5, recovery[0], true)
	a6, token6 := e.login(e.svc)
	e.verify(e.svc, a6, token6, recovery[0], false)
	e.verify(e.svc, a6, token6, "000000", false)

	want := []string{
		"failure: wrong code", // the enrolment code again
		"failure: wrong code", // the enrolment code again, on another service
		"failure: wrong code", // and once more, for the message
		"success: totp",
		"failure: wrong code", // the next step's code again
		"success: recovery code",
		"failure: wrong code", // the recovery code again
		"failure: wrong code", // a wrong code
	}
	if diff := cmp.Diff(want, e.secondFactorAudit()); diff != "" {
		t.Errorf("second-factor audit entries (-want +got):\n%s", diff)
	}
}

func TestTOTPConcurrentSameCode(t *testing.T) {
	for _, servers := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d servers", servers), func(t *testing.T) {
			e := newTwoFactorEnv(t)
			a, _ := e.login(e.svc)
			secret, _ := e.enrol(a)
			svcs := []*Service{e.svc, e.svc}
			if servers == 2 {
				svcs[1] = e.newService(t0)
			}
			for round := 1; round <= 3; round++ {
				now := t0.Add(time.Duration(round) * 30 * time.Second)
				for _, svc := range svcs {
					svc.SetClock(func() time.Time { return now })
				}
				e.race(svcs, code(t, secret, now))
				e.wantStoredStep(now.Unix() / 30)
			}
		})
	}
}

// race signs in once through each service, then sends code through every
// session at once, and checks that exactly one passes.
func (e *twoFactorEnv) race(svcs []*Service, code string) {
	e.t.Helper()
	sessions := make([]*Authenticated, len(svcs))
	for i, svc := range svcs {
		sessions[i], _ = e.login(svc)
	}
	errs := make([]error, len(svcs))
	var wg sync.WaitGroup
	for i, svc := range svcs {
		wg.Go(func() { errs[i] = svc.VerifySecondFactor(e.ctx, sessions[i], code) })
	}
	wg.Wait()
	passed := 0
	for i, err := range errs {
		switch {
		case err == nil:
			passed++
		case alliance.ErrorCode(err) != alliance.CodeUnauthorised:
			e.t.Errorf("session %d: VerifySecondFactor = %v, want success or an unauthorised error", i, err)
		}
		if sessions[i].Session.SecondFactor != (err == nil) {
			e.t.Errorf("session %d: SecondFactor = %v after VerifySecondFactor returned %v", i, sessions[i].Session.SecondFactor, err)
		}
	}
	if passed != 1 {
		e.t.Errorf("%d of %d concurrent VerifySecondFactor calls with one code passed, want exactly 1: %v",
			passed, len(svcs), errors.Join(errs...))
	}
}
