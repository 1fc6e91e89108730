package storetest

import (
	"errors"
	"testing"
	"time"

	"alliance"

	"github.com/google/go-cmp/cmp"
)

func hash(s string) []byte { return []byte("sha256:" + s) }

func session(userID int64, token string, created time.Time) *alliance.Session {
	return &alliance.Session{TokenHash: hash(token), UserID: userID, CSRFToken: "csrf-" + token,
		CreatedAt: created, LastSeenAt: created, ExpiresAt: created.Add(12 * time.Hour), RemoteAddr: "192.0.2.1"}
}

func checkSession(t *testing.T, e *env, token string, want *alliance.Session) {
	t.Helper()
	got, err := e.store.SessionByTokenHash(e.ctx, hash(token))
	if want == nil {
		if !alliance.IsNotFound(err) {
			t.Errorf("SessionByTokenHash(%s) = %v, %v; want not found", token, got, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("SessionByTokenHash(%s): %v", token, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SessionByTokenHash(%s) mismatch (-want +got):\n%s", token, diff)
	}
}

func testSessions(t *testing.T, e *env) {
	a := e.org("Org A")
	u, other := e.user(a.ID, "u@example.org"), e.user(a.ID, "other@example.org")
	s1, s2, s3 := session(u.ID, "t1", base), session(u.ID, "t2", base), session(other.ID, "t3", base)
	e.update(func(tx alliance.Tx) error {
		return errors.Join(tx.CreateSession(e.ctx, s1), tx.CreateSession(e.ctx, s2), tx.CreateSession(e.ctx, s3))
	})
	checkSession(t, e, "t1", s1)

	s1.TokenHash, s1.SecondFactor, s1.CSRFToken = hash("t1-rotated"), true, "csrf-new"
	s1.LastSeenAt, s1.ExpiresAt, s1.RemoteAddr = base.Add(time.Minute), base.Add(24*time.Hour), "2001:db8::1"
	e.update(func(tx alliance.Tx) error { return tx.UpdateSession(e.ctx, s1) })
	checkSession(t, e, "t1-rotated", s1)
	checkSession(t, e, "t1", nil)

	e.update(func(tx alliance.Tx) error { return tx.DeleteSession(e.ctx, s2.ID) })
	checkSession(t, e, "t2", nil)
	err := e.store.Update(e.ctx, func(tx alliance.Tx) error { return tx.DeleteSession(e.ctx, s2.ID) })
	wantCode(t, "DeleteSession twice", err, alliance.CodeNotFound, "")

	var n int
	e.update(func(tx alliance.Tx) (err error) { n, err = tx.DeleteUserSessions(e.ctx, u.ID); return err })
	if n != 1 {
		t.Errorf("DeleteUserSessions = %d, want 1", n)
	}
	checkSession(t, e, "t1-rotated", nil)
	checkSession(t, e, "t3", s3)

	err = e.store.Update(e.ctx, func(tx alliance.Tx) error {
		return tx.CreateSession(e.ctx, session(other.ID, "t3", base))
	})
	wantCode(t, "duplicate token hash", err, alliance.CodeConflict, "token")
	err = e.store.Update(e.ctx, func(tx alliance.Tx) error {
		return tx.CreateSession(e.ctx, session(other.ID+1000, "t4", base))
	})
	wantCode(t, "session of an unknown user", err, alliance.CodeInvalid, "user")
}

func testExpiredSessions(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "u@example.org")
	now, idle := base.Add(30*24*time.Hour), 30*time.Minute
	sessions := []struct {
		token            string
		lastSeen, expiry time.Time
		goneNoIdle, gone bool // after DeleteExpiredSessions without, then with idle
	}{
		{"expired", now.Add(-time.Minute), now.Add(-time.Second), true, true},
		{"expires now", now.Add(-time.Minute), now, true, true},
		{"idle", now.Add(-idle - time.Second), now.Add(time.Hour), false, true},
		{"idle exactly", now.Add(-idle), now.Add(time.Hour), false, true},
		{"fresh", now.Add(-time.Minute), now.Add(time.Hour), false, false},
	}
	e.update(func(tx alliance.Tx) error {
		for _, s := range sessions {
			err := tx.CreateSession(e.ctx, &alliance.Session{TokenHash: hash(s.token), UserID: u.ID,
				CreatedAt: base, LastSeenAt: s.lastSeen, ExpiresAt: s.expiry})
			if err != nil {
				return err
			}
		}
		return nil
	})
	for _, idle := range []time.Duration{0, idle} {
		deleteExpired(t, e, now, idle, 2)
		for _, s := range sessions {
			want := s.gone
			if idle == 0 {
				want = s.goneNoIdle
			}
			_, err := e.store.SessionByTokenHash(e.ctx, hash(s.token))
			if gone := alliance.IsNotFound(err); gone != want {
				t.Errorf("after DeleteExpiredSessions(idle %v): session %q deleted = %v (%v), want %v",
					idle, s.token, gone, err, want)
			}
		}
	}
}

func deleteExpired(t *testing.T, e *env, now time.Time, idle time.Duration, want int) {
	t.Helper()
	var n int
	e.update(func(tx alliance.Tx) (err error) { n, err = tx.DeleteExpiredSessions(e.ctx, now, idle); return err })
	if n != want {
		t.Errorf("DeleteExpiredSessions(idle %v) = %d, want %d", idle, n, want)
	}
}

// testCascade deletes a user row directly (no method does) and checks that the
// user's sessions, tokens and recovery codes go with it.
func testCascade(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "u@example.org")
	e.update(func(tx alliance.Tx) error {
		return errors.Join(tx.CreateSession(e.ctx, session(u.ID, "t1", base)),
			tx.CreateAPIToken(e.ctx, token(u.ID, "k1")),
			tx.ReplaceRecoveryCodes(e.ctx, u.ID, [][]byte{hash("r1")}))
	})
	if _, err := e.raw().ExecContext(e.ctx, `DELETE FROM users WHERE id = $1`, u.ID); err != nil {
		t.Fatalf("delete user row: %v", err)
	}
	for _, table := range []string{"sessions", "api_tokens", "recovery_codes"} {
		if n := count(t, e.raw(), `SELECT count(*) FROM `+table+` WHERE user_id = $1`, u.ID); n != 0 {
			t.Errorf("%s rows of the deleted user = %d, want 0", table, n)
		}
	}
	if _, err := e.raw().ExecContext(e.ctx, `DELETE FROM organisations WHERE id = $1`, a.ID); err != nil {
		t.Errorf("delete organisation without users: %v", err)
	}
}

func token(userID int64, name string) *alliance.APIToken {
	return &alliance.APIToken{UserID: userID, Name: name, Prefix: "al_" + name, Hash: hash(name),
		CreatedAt: base, ExpiresAt: base.Add(90 * 24 * time.Hour)}
}

func checkToken(t *testing.T, e *env, want *alliance.APIToken) {
	t.Helper()
	got, err := e.store.APIToken(e.ctx, want.ID)
	if err != nil {
		t.Fatalf("APIToken(%d): %v", want.ID, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("APIToken(%d) mismatch (-want +got):\n%s", want.ID, diff)
	}
	got, err = e.store.APITokenByHash(e.ctx, want.Hash)
	if err != nil {
		t.Fatalf("APITokenByHash(%s): %v", want.Hash, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("APITokenByHash(%s) mismatch (-want +got):\n%s", want.Hash, diff)
	}
}

func testAPITokens(t *testing.T, e *env) {
	a := e.org("Org A")
	u, other := e.user(a.ID, "u@example.org"), e.user(a.ID, "other@example.org")
	k1, k2 := token(u.ID, "k1"), token(u.ID, "k2")
	e.update(func(tx alliance.Tx) error {
		return errors.Join(tx.CreateAPIToken(e.ctx, k1), tx.CreateAPIToken(e.ctx, k2))
	})
	checkToken(t, e, k1)
	list, err := e.store.APITokens(e.ctx, u.ID)
	if diff := cmp.Diff([]alliance.APIToken{*k1, *k2}, list); err != nil || diff != "" {
		t.Errorf("APITokens(%d) = error %v, mismatch (-want +got):\n%s", u.ID, err, diff)
	}
	if list, err := e.store.APITokens(e.ctx, other.ID); err != nil || list == nil || len(list) != 0 {
		t.Errorf("APITokens(user without tokens) = %#v, %v; want an empty slice", list, err)
	}

	used, revoked := base.Add(time.Hour), base.Add(2*time.Hour)
	e.update(func(tx alliance.Tx) error {
		return errors.Join(tx.TouchAPIToken(e.ctx, k1.ID, used), tx.RevokeAPIToken(e.ctx, k1.ID, revoked))
	})
	k1.LastUsedAt, k1.RevokedAt = &used, &revoked
	checkToken(t, e, k1)
	e.update(func(tx alliance.Tx) error { return tx.RevokeAPIToken(e.ctx, k1.ID, revoked.Add(time.Hour)) })
	checkToken(t, e, k1) // the first revocation time stays
	checkToken(t, e, k2)

	err = e.store.Update(e.ctx, func(tx alliance.Tx) error { return tx.CreateAPIToken(e.ctx, token(other.ID, "k1")) })
	wantCode(t, "duplicate token hash", err, alliance.CodeConflict, "token")
}

func testRecoveryCodes(t *testing.T, e *env) {
	a := e.org("Org A")
	u, other := e.user(a.ID, "u@example.org"), e.user(a.ID, "other@example.org")
	e.update(func(tx alliance.Tx) error {
		return tx.ReplaceRecoveryCodes(e.ctx, u.ID, [][]byte{hash("a"), hash("b"), hash("c")})
	})
	steps := []struct {
		user   int64
		code   string
		want   bool
		unused int
	}{
		{u.ID, "b", true, 2},
		{u.ID, "b", false, 2}, // single use
		{u.ID, "z", false, 2},
		{other.ID, "a", false, 2}, // another user's code
		{u.ID, "a", true, 1},
	}
	for i, s := range steps {
		useCode(t, e, i, s.user, s.code, s.want, u.ID, s.unused)
	}
	e.update(func(tx alliance.Tx) error {
		return tx.ReplaceRecoveryCodes(e.ctx, u.ID, [][]byte{hash("d"), hash("e")})
	})
	useCode(t, e, len(steps), u.ID, "c", false, u.ID, 2) // replaced codes no longer work
	useCode(t, e, len(steps)+1, u.ID, "d", true, u.ID, 1)
}

func useCode(t *testing.T, e *env, step int, user int64, code string, want bool, countFor int64, unused int) {
	t.Helper()
	var ok bool
	var n int
	e.update(func(tx alliance.Tx) (err error) {
		if ok, err = tx.UseRecoveryCode(e.ctx, user, hash(code), base); err != nil {
			return err
		}
		n, err = tx.UnusedRecoveryCodes(e.ctx, countFor)
		return err
	})
	if ok != want || n != unused {
		t.Errorf("step %d: UseRecoveryCode(%q) = %v with %d unused left; want %v with %d", step, code, ok, n, want, unused)
	}
}

func testNotFound(t *testing.T, e *env) {
	const id = 987654
	r := e.store
	reads := map[string]func() error{
		"Organisation":       func() error { _, err := r.Organisation(e.ctx, id); return err },
		"User":               func() error { _, err := r.User(e.ctx, id); return err },
		"UserByEmail":        func() error { _, err := r.UserByEmail(e.ctx, "nobody@example.org"); return err },
		"SessionByTokenHash": func() error { _, err := r.SessionByTokenHash(e.ctx, hash("none")); return err },
		"APITokenByHash":     func() error { _, err := r.APITokenByHash(e.ctx, hash("none")); return err },
		"APIToken":           func() error { _, err := r.APIToken(e.ctx, id); return err },
		"Assessment":         func() error { _, err := r.Assessment(e.ctx, id); return err },
		"Case":               func() error { _, err := r.Case(e.ctx, id); return err },
		"Referral":           func() error { _, err := r.Referral(e.ctx, id); return err },
	}
	writes := map[string]func(alliance.Tx) error{
		"UpdateOrganisation": func(tx alliance.Tx) error {
			return tx.UpdateOrganisation(e.ctx, &alliance.Organisation{ID: id, Name: "x"})
		},
		"UpdateUser": func(tx alliance.Tx) error {
			return tx.UpdateUser(e.ctx, &alliance.User{ID: id, Email: "x@example.org"})
		},
		"UpdateSession": func(tx alliance.Tx) error {
			return tx.UpdateSession(e.ctx, &alliance.Session{ID: id, TokenHash: hash("x")})
		},
		"DeleteSession":   func(tx alliance.Tx) error { return tx.DeleteSession(e.ctx, id) },
		"RevokeAPIToken":  func(tx alliance.Tx) error { return tx.RevokeAPIToken(e.ctx, id, base) },
		"TouchAPIToken":   func(tx alliance.Tx) error { return tx.TouchAPIToken(e.ctx, id, base) },
		"ActivateDataKey": func(tx alliance.Tx) error { return tx.ActivateDataKey(e.ctx, id) },
		"UpdateAssessment": func(tx alliance.Tx) error {
			return tx.UpdateAssessment(e.ctx, &alliance.Assessment{ID: id, Status: alliance.AssessmentOpen, Revision: 1})
		},
		"UpdateCase": func(tx alliance.Tx) error {
			return tx.UpdateCase(e.ctx, &alliance.Case{ID: id, Reference: "x", Stage: alliance.StageReferral, Revision: 1})
		},
		"UpdateReferral": func(tx alliance.Tx) error {
			return tx.UpdateReferral(e.ctx, &alliance.Referral{ID: id, Status: alliance.ReferralAccepted, Revision: 1})
		},
		"WithdrawConsent": func(tx alliance.Tx) error { return tx.WithdrawConsent(e.ctx, id, base, 0) },
	}
	for name, fn := range reads {
		checkNotFound(t, name, fn())
	}
	for name, fn := range writes {
		checkNotFound(t, name, e.store.Update(e.ctx, fn))
	}
}

func checkNotFound(t *testing.T, name string, err error) {
	t.Helper()
	if !alliance.IsNotFound(err) || !errors.Is(err, alliance.ErrNotFound) {
		t.Errorf("%s of a missing record: error %v, want one wrapping alliance.ErrNotFound", name, err)
	}
}
