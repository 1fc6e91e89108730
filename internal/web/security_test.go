package web

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"alliance"
	"alliance/internal/app"
)

// TestStaleCopyCannotUndoDisable: a request holding the user as read before an
// administrator disabled them must not enable the account again by saving it.
func TestStaleCopyCannotUndoDisable(t *testing.T) {
	e := newTestEnv(t, testConfig())
	ctx := context.Background()
	s := e.session("viewer@0")
	a, err := e.svc.SessionFromToken(ctx, s.cookie, "192.0.2.1") // holds the enabled user
	if err != nil {
		t.Fatal(err)
	}
	id := e.users["viewer@0"].ID
	if _, err := e.svc.UpdateUser(ctx, app.System(), id, app.UserChange{Name: "viewer", Role: alliance.RoleViewer, Disabled: true}); err != nil {
		t.Fatal(err)
	}
	e.svc.SetLanguage(ctx, a, "fr")
	e.svc.ChangePassword(ctx, a, testPassword, testPassword+"!")
	u, err := e.store.User(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if u.DisabledAt == nil {
		t.Error("saving a stale copy of the user enabled the disabled account again")
	}
	if _, err := e.svc.Login(ctx, u.Email, testPassword, "192.0.2.1"); err == nil {
		t.Error("a disabled account signed in")
	}
}

// TestRoleChangeEndsAccess: an analyst needs no second factor; once promoted,
// nothing issued to the analyst may act with the new role.
func TestRoleChangeEndsAccess(t *testing.T) {
	e := newTestEnv(t, testConfig())
	ctx := context.Background()
	s := e.session("analyst@0")
	w := e.do("POST", "/api/v1/tokens", s.cookie, "application/json", `{"name":"mine"}`, "X-CSRF-Token", s.csrf)
	var tok struct{ Token string }
	json.Unmarshal(w.Body.Bytes(), &tok)
	if tok.Token == "" {
		t.Fatalf("analyst could not create a token: %d %s", w.Code, w.Body)
	}
	id := e.users["analyst@0"].ID
	if _, err := e.svc.UpdateUser(ctx, app.System(), id, app.UserChange{Name: "analyst", Role: alliance.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	users := "/api/v1/organisations/" + itoa(e.orgs[0].ID) + "/users"
	if w := e.do("GET", users, s.cookie, "", ""); w.Code != 401 {
		t.Errorf("the analyst's session after promotion: %d, want 401", w.Code)
	}
	if w := e.do("GET", users, "", "", "", "Authorization", "Bearer "+tok.Token); w.Code != 401 {
		t.Errorf("the analyst's token after promotion: %d, want 401", w.Code)
	}
	// signing in again, the new administrator must enrol a second factor first
	l, err := e.svc.Login(ctx, e.users["analyst@0"].Email, testPassword, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	if w := e.do("GET", users, l.Token, "", ""); w.Code != 401 {
		t.Errorf("a fresh session without a second factor read users: %d", w.Code)
	}
}

func TestTokenCannotMakeTokens(t *testing.T) {
	e := newTestEnv(t, testConfig())
	tok, err := e.svc.CreateAPIToken(context.Background(), app.System(), e.users["admin@0"], "cli", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	w := e.do("POST", "/api/v1/tokens", "", "application/json", `{"name":"child"}`, "Authorization", "Bearer "+tok.Token)
	if w.Code != 403 {
		t.Errorf("a token creating a token: %d, want 403", w.Code)
	}
}

func TestAdminCannotTouchSuperadmin(t *testing.T) {
	e := newTestEnv(t, testConfig())
	s := e.session("admin@0")
	sa := itoa(e.users["superadmin@0"].ID)
	if w := e.form("/users/"+sa+"/reset-2fa", s.cookie, s.csrf, nil); w.Code != 403 {
		t.Errorf("admin resetting the superadmin's second factor: %d, want 403", w.Code)
	}
	if w := e.do("PATCH", "/api/v1/users/"+sa, s.cookie, "application/json", `{"disabled":true}`, "X-CSRF-Token", s.csrf); w.Code != 403 {
		t.Errorf("admin disabling the superadmin: %d, want 403", w.Code)
	}
	if w := e.do("PATCH", "/api/v1/users/"+itoa(e.users["viewer@0"].ID), s.cookie, "application/json", `{"role":"superadmin"}`, "X-CSRF-Token", s.csrf); w.Code != 403 {
		t.Errorf("admin making a superadmin: %d, want 403", w.Code)
	}
}

// TestSecondFactorGuessingLocks: wrong codes count like wrong passwords.
func TestSecondFactorGuessingLocks(t *testing.T) {
	e := newTestEnv(t, testConfig())
	ctx := context.Background()
	e.session("caseworker@0") // enrols
	l, err := e.svc.Login(ctx, e.users["caseworker@0"].Email, testPassword, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.svc.SessionFromToken(ctx, l.Token, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		if err := e.svc.VerifySecondFactor(ctx, a, "000000"); alliance.ErrorCode(err) != alliance.CodeUnauthorised {
			t.Fatalf("wrong code %d: %v", i, err)
		}
	}
	u, _ := e.store.User(ctx, a.User.ID)
	code, _ := totp.GenerateCode(u.TOTPSecret, time.Now().Add(30*time.Second))
	e.svc.SetClock(func() time.Time { return time.Now().Add(30 * time.Second) })
	if err := e.svc.VerifySecondFactor(ctx, a, code); alliance.ErrorCode(err) != alliance.CodeTooMany {
		t.Errorf("right code after five wrong ones: %v, want the account locked", err)
	}
}

func TestAuditReadIsAudited(t *testing.T) {
	e := newTestEnv(t, testConfig())
	s := e.session("admin@0")
	e.do("GET", "/audit", s.cookie, "", "")
	got, err := e.store.AuditEntries(context.Background(), alliance.AuditFilter{ActorUserID: e.users["admin@0"].ID, Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || got[0].Action != string(alliance.ActAuditRead) {
		t.Errorf("newest entry of the admin: %+v, want %s", got, alliance.ActAuditRead)
	}
}

func TestForwardedForTrustsOnlyTheProxy(t *testing.T) {
	e := newTestEnv(t, testConfig())
	e.srv.opts.TrustProxy = true
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.0.0.2:1234"
	r.Header.Add("X-Forwarded-For", "6.6.6.6, 203.0.113.9")
	if got := e.srv.clientAddr(r); got != "203.0.113.9" {
		t.Errorf("clientAddr = %q, want the address the proxy added (203.0.113.9)", got)
	}
	r.Header.Set("X-Forwarded-For", "cli")
	if got := e.srv.clientAddr(r); got != "10.0.0.2" {
		t.Errorf("clientAddr with a forged value = %q, want the connection's address", got)
	}
}

// TestPasswordChangeEndsOtherAccess: after a new password, the other sessions
// and the API tokens stop working; the session that changed it goes on.
func TestPasswordChangeEndsOtherAccess(t *testing.T) {
	e := newTestEnv(t, testConfig())
	s := e.session("admin@0")
	other, _ := e.signIn("admin@0")
	w := e.do("POST", "/api/v1/tokens", s.cookie, "application/json", `{"name":"script"}`, "X-CSRF-Token", s.csrf)
	tok := tokenOf(t, w.Body.Bytes())
	vals := url.Values{"current": {testPassword}, "next": {testPassword + "2"}, "confirm": {testPassword + "2"}}
	if w := e.form("/account/password", s.cookie, s.csrf, vals); w.Code != 303 {
		t.Fatalf("change password: %d", w.Code)
	}
	if w := e.do("GET", "/account", s.cookie, "", ""); w.Code != 200 {
		t.Errorf("the session that changed the password: %d, want 200", w.Code)
	}
	if w := e.do("GET", "/account", other, "", ""); w.Code != 303 {
		t.Errorf("another session after the change: %d, want a redirect to sign in", w.Code)
	}
	if w := e.do("GET", "/api/v1/me", "", "", "", "Authorization", "Bearer "+tok); w.Code != 401 {
		t.Errorf("a token after the change: %d, want 401", w.Code)
	}
}
