package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"alliance/internal/app"
	"alliance/internal/browsertest"
)

// TestBrowserReferral is the referral path end to end in a real browser: a
// caseworker of the demo NGO screens a worker, opens a case from the result,
// records consent and refers the person to the demo shelter; the shelter's
// caseworker accepts and sees exactly what the consent allows; after the
// consent is withdrawn, the shelter sees nothing.
func TestBrowserReferral(t *testing.T) {
	cfg := testConfig()
	cfg.Demo = true
	e := newTestEnv(t, cfg)
	srv := httptest.NewServer(e.srv)
	t.Cleanup(srv.Close)
	b := browsertest.New(t)
	ctx := context.Background()
	ngoUser, err := e.store.UserByEmail(ctx, "caseworker@safeharbour.example")
	if err != nil {
		t.Fatal(err)
	}
	shelterUser, err := e.store.UserByEmail(ctx, "caseworker@shelter.example")
	if err != nil {
		t.Fatal(err)
	}
	shelterOrg := itoa(shelterUser.OrgID)

	ngo := b.NewTab(t)
	signInBrowser(t, ngo, srv.URL, ngoUser.Email, app.DemoPassword)
	// Screen a worker, in Romanian beside English.
	ngo.Navigate(srv.URL + "/screenings")
	ngo.Fill("#worker-lang", "ro")
	ngo.Submit(`form[action="/screenings"] button`)
	ngo.Submit(`button[name="go"][value="recruitment"]`)
	ngo.Click(`input[name="q.rec.job_different"][value="yes"]`)
	ngo.Submit(`button[name="go"][value="result"]`)
	checkPage(t, ngo, srv.URL, "en", true)

	// Open a case from the result; the screening comes with it.
	ngo.Submit("#open-case")
	checkPage(t, ngo, srv.URL, "en", true)
	ngo.Fill("#c-given", "Ion")
	ngo.Fill("#c-family", "Popescu")
	ngo.Fill("#c-birth", "1991-04")
	ngo.Fill("#c-cit", "MD")
	ngo.Fill("#c-phone", "+373 00 000 000")
	ngo.Fill("#c-industry", "A")
	ngo.Submit(`main form button[type=submit]`)
	checkPage(t, ngo, srv.URL, "en", true)
	caseURL := strings.Split(ngo.URL(), "?")[0]
	if !ngo.Exists("#screenings") || !strings.Contains(ngo.Text("#person-name"), "Popescu") {
		t.Fatalf("case page at %s lacks the screening or the name", caseURL)
	}

	// A positive reasonable-grounds decision starts the reflection period.
	ngo.Submit(`#decision-form button[type=submit]`)
	checkPage(t, ngo, srv.URL, "en", true)
	if got := ngo.Text("#reflection"); !strings.Contains(got, "(30 days)") {
		t.Errorf("reflection period: %q", got)
	}
	// The consent form prints in the person's language.
	ngo.Navigate(caseURL + "/consent-form?lang=ro")
	checkPage(t, ngo, srv.URL, "en", true)
	if got := ngo.Text(`h1 .worker[lang="ro"]`); got == "" {
		t.Error("the consent form has no Romanian title")
	}
	// Record consent: help, and identity and context shared with the shelter.
	ngo.Navigate(caseURL)
	ngo.Click("#c-services")
	ngo.Click(fmt.Sprintf(`input[name="share.%s"][value="identity"]`, shelterOrg))
	ngo.Click(fmt.Sprintf(`input[name="share.%s"][value="context"]`, shelterOrg))
	ngo.Fill("#c-lang", "ro")
	ngo.Submit(`#consent-form button[type=submit]`)
	checkPage(t, ngo, srv.URL, "en", true)
	if !ngo.Exists("#consent-now") {
		t.Fatal("no consent in force after recording it")
	}
	// Refer to the shelter.
	ngo.Fill("#r-to", shelterOrg)
	ngo.Click(`#refer-form input[name="groups"][value="identity"]`)
	ngo.Click(`#refer-form input[name="groups"][value="context"]`)
	ngo.Fill("#r-details", "Needs a safe place tonight.")
	ngo.Submit(`#refer-form button[type=submit]`)
	checkPage(t, ngo, srv.URL, "en", true)
	if !strings.Contains(ngo.Text("#referrals"), "waiting") {
		t.Errorf("referral list: %q", ngo.Text("#referrals"))
	}

	// The shelter accepts and sees what the consent allows, nothing more.
	shelter := b.NewTab(t)
	signInBrowser(t, shelter, srv.URL, shelterUser.Email, app.DemoPassword)
	shelter.Navigate(srv.URL + "/referrals")
	checkPage(t, shelter, srv.URL, "en", true)
	if !strings.Contains(shelter.Text("#inbox"), "Needs a safe place tonight.") {
		t.Errorf("inbox: %q", shelter.Text("#inbox"))
	}
	shelter.Submit(`#inbox button[value="accept"]`)
	shelter.Submit(`#inbox a[href^="/cases/"]`)
	checkPage(t, shelter, srv.URL, "en", true)
	if !shelter.Exists("#shared-view") || !strings.Contains(shelter.Text("#person-name"), "Popescu") || !strings.Contains(shelter.Text("#context"), "A") {
		t.Errorf("shared case: name %q, context %q", shelter.Text("#person-name"), shelter.Text("#context"))
	}
	for _, hidden := range []string{"#contact", "#consent", "#refer-form", "#timeline", "#screenings"} {
		if shelter.Exists(hidden) {
			t.Errorf("the shelter sees %s, which the consent does not share", hidden)
		}
	}
	if strings.Contains(shelter.HTML(), "+373") {
		t.Error("the telephone number reached the shelter's page")
	}

	// Consent withdrawn: the shelter sees nothing more.
	ngo.Navigate(caseURL)
	ngo.Submit("#withdraw")
	checkPage(t, ngo, srv.URL, "en", true)
	shelter.Navigate(caseURL)
	if st := shelter.Status(); st != 403 {
		t.Errorf("after withdrawal the shelter's page: status %d, want 403", st)
	}
	if strings.Contains(shelter.HTML(), "Popescu") {
		t.Error("the name is still shown after withdrawal")
	}
}
