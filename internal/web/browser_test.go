package web

import (
	"fmt"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"alliance"
	"alliance/internal/app"
	"alliance/internal/browsertest"
	"alliance/internal/i18n"
)

var missingKey = regexp.MustCompile(`\[[a-z0-9_]+\.[a-z0-9_.]+\]`)

// checkPage asserts what every page must be: served, complete in its language,
// accessible, quiet in the console and free of requests to other hosts.
func checkPage(t *testing.T, tab *browsertest.Tab, srvURL, lang string, axe bool) {
	t.Helper()
	if st := tab.Status(); st != 200 {
		t.Errorf("%s: status %d", tab.URL(), st)
	}
	var gotLang string
	tab.Eval(`document.documentElement.lang`, &gotLang)
	if gotLang != lang {
		t.Errorf("%s: html lang %q, want %q", tab.URL(), gotLang, lang)
	}
	if m := missingKey.FindAllString(tab.HTML(), -1); len(m) > 0 {
		t.Errorf("%s in %s: untranslated keys %v", tab.URL(), lang, m)
	}
	if axe {
		if v := browsertest.SeriousViolations(tab.Axe()); len(v) > 0 {
			t.Errorf("%s in %s: axe: %v", tab.URL(), lang, v)
		}
	}
	if errs := tab.ConsoleErrors(); len(errs) > 0 {
		t.Errorf("%s: console errors %q", tab.URL(), errs)
	}
	if f := tab.ForeignRequests(srvURL); len(f) > 0 {
		t.Errorf("%s: requests to other hosts %q", tab.URL(), f)
	}
}

func signInBrowser(t *testing.T, tab *browsertest.Tab, base, email, password string) {
	t.Helper()
	tab.Navigate(base + "/login")
	tab.Fill("#email", email)
	tab.Fill("#password", password)
	tab.Submit("main form button[type=submit]")
}

// pagesOf lists the pages a role's navigation leads to.
func pagesOf(u *alliance.User) []string {
	p := []string{"/", "/account", fmt.Sprintf("/organisations/%d", u.OrgID)}
	if u.Role.ReadsPersonalData() {
		p = append(p, fmt.Sprintf("/users/%d", u.ID))
	}
	if u.Role == alliance.RoleSuperadmin {
		p = append(p, "/organisations")
	} else if u.Role.ReadsPersonalData() {
		p = append(p, "/screenings", "/cases", "/referrals")
	}
	if u.Role == alliance.RoleAdmin || u.Role == alliance.RoleSuperadmin {
		p = append(p, "/audit", "/audit?resource=user")
	}
	return p
}

// TestBrowserDemo signs in to the demo alliance as every role in a real browser,
// visits every page of the role, and for two roles every page in all six
// languages, checking each with axe-core.
func TestBrowserDemo(t *testing.T) {
	cfg := testConfig()
	cfg.Demo = true
	e := newTestEnv(t, cfg)
	srv := httptest.NewServer(e.srv)
	t.Cleanup(srv.Close)
	b := browsertest.New(t)

	t.Run("login page", func(t *testing.T) {
		tab := b.NewTab(t)
		tab.Navigate(srv.URL + "/login")
		checkPage(t, tab, srv.URL, "en", true)
		if !tab.Exists(".demo-banner") {
			t.Error("demo mode without its banner")
		}
		tab.Fill("#email", "admin@inspectorate.example")
		tab.Fill("#password", "wrong password")
		tab.Submit("main form button[type=submit]")
		if !strings.Contains(tab.Text(".error"), "not right") {
			t.Errorf("wrong password message: %q", tab.Text(".error"))
		}
		checkStatusAndAxe(t, tab, 401)
	})
	for _, role := range alliance.Roles {
		u := e.users[string(role)+"@demo"]
		t.Run(string(role), func(t *testing.T) {
			tab := b.NewTab(t)
			signInBrowser(t, tab, srv.URL, u.Email, app.DemoPassword)
			if !tab.Exists(".demo-banner") {
				t.Error("no demo banner after sign-in")
			}
			langs := []string{"en"}
			if role == alliance.RoleAdmin || role == alliance.RoleSuperadmin {
				langs = i18n.Languages
			}
			for _, lang := range langs {
				setLanguage(t, tab, srv.URL, lang)
				for _, p := range pagesOf(u) {
					tab.Navigate(srv.URL + p)
					checkPage(t, tab, srv.URL, lang, true)
				}
			}
			tab.Navigate(srv.URL + "/no/such/page")
			checkStatusAndAxe(t, tab, 404)
			tab.Submit("header form button[type=submit]") // sign out
			if !strings.HasSuffix(strings.Split(tab.URL(), "?")[0], "/login") {
				t.Errorf("after signing out at %s, want /login", tab.URL())
			}
		})
	}
}

func checkStatusAndAxe(t *testing.T, tab *browsertest.Tab, want int) {
	t.Helper()
	if st := tab.Status(); st != want {
		t.Errorf("%s: status %d, want %d", tab.URL(), st, want)
	}
	if v := browsertest.SeriousViolations(tab.Axe()); len(v) > 0 {
		t.Errorf("%s: axe: %v", tab.URL(), v)
	}
}

func setLanguage(t *testing.T, tab *browsertest.Tab, base, lang string) {
	t.Helper()
	tab.Navigate(base + "/account")
	tab.Fill("#language", lang)
	tab.Submit(`form[action="/account/language"] button`)
}

// TestBrowserSecondFactor walks enrolment and sign-in with a recovery code in a
// real browser, outside demo mode, once in each interface language (chosen by
// the browser's Accept-Language, as for someone not yet signed in).
func TestBrowserSecondFactor(t *testing.T) {
	e := newTestEnv(t, testConfig())
	srv := httptest.NewServer(e.srv)
	t.Cleanup(srv.Close)
	b := browsertest.New(t)
	users := []string{"caseworker@0", "viewer@0", "target@0", "caseworker@1", "viewer@1", "target@1"}
	for i, lang := range i18n.Languages {
		u := e.users[users[i]]
		t.Run(lang, func(t *testing.T) {
			tab := b.NewTab(t)
			tab.SetHeaders(map[string]string{"Accept-Language": lang})
			walkSecondFactor(t, tab, srv.URL, lang, u)
		})
	}
}

func walkSecondFactor(t *testing.T, tab *browsertest.Tab, base, lang string, u *alliance.User) {
	tab.Navigate(base + "/login")
	checkPage(t, tab, base, lang, true)
	signInBrowser(t, tab, base, u.Email, testPassword)
	if !strings.HasSuffix(tab.URL(), "/account/2fa") {
		t.Fatalf("a %s without a second factor landed on %s, want /account/2fa", u.Role, tab.URL())
	}
	checkPage(t, tab, base, lang, true)
	var natural int
	tab.Eval(`document.querySelector("img.qr").naturalWidth`, &natural)
	if natural < 100 {
		t.Errorf("the QR code did not render (natural width %d)", natural)
	}
	code, err := totp.GenerateCode(tab.Text("code.secret"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	tab.Fill("#code", code)
	tab.Submit("main form button[type=submit]")
	checkPage(t, tab, base, lang, true)
	var codes []string
	tab.Eval(`Array.from(document.querySelectorAll("ol.codes code")).map(c => c.textContent)`, &codes)
	if len(codes) != app.RecoveryCodeCount {
		t.Fatalf("%d recovery codes shown, want %d", len(codes), app.RecoveryCodeCount)
	}
	tab.Navigate(base + "/account")
	tab.Submit("header form button[type=submit]") // sign out
	signInBrowser(t, tab, base, u.Email, testPassword)
	if !strings.Contains(tab.URL(), "/login/2fa") {
		t.Fatalf("second sign-in landed on %s, want /login/2fa", tab.URL())
	}
	checkPage(t, tab, base, lang, true)
	tab.Fill("#code", strings.ToUpper(codes[3]))
	tab.Submit("main form button[type=submit]")
	if got := tab.Text("h1"); !strings.Contains(got, u.Name) {
		t.Errorf("after the recovery code the page says %q, want the welcome of %s", got, u.Name)
	}
	checkPage(t, tab, base, lang, true)
}
