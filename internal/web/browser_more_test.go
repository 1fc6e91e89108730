package web

import (
	"context"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"alliance/internal/app"
	"alliance/internal/browsertest"
)

// TestBrowserPreventAndShare walks the pages of watch-list screening,
// linkage rounds, webhooks, import and the case's documents and legal
// parts in a real browser, with axe on each: an administrator of the demo
// NGO screens a name, reviews the hit, starts a linkage round and looks at
// the other pages.
func TestBrowserPreventAndShare(t *testing.T) {
	cfg := testConfig()
	cfg.Demo = true
	e := newTestEnv(t, cfg)
	srv := httptest.NewServer(e.srv)
	t.Cleanup(srv.Close)
	b := browsertest.New(t)
	admin, err := e.store.UserByEmail(context.Background(), "admin@safeharbour.example")
	if err != nil {
		t.Fatal(err)
	}
	tab := b.NewTab(t)
	signInBrowser(t, tab, srv.URL, admin.Email, app.DemoPassword)

	tab.Navigate(srv.URL + "/watchlist")
	checkPage(t, tab, srv.URL, "en", true)
	tab.Fill("#w-name", "Zarvelin Textile")
	tab.Submit(`#watch-form button.primary`)
	checkPage(t, tab, srv.URL, "en", true)
	if got := tab.Text("#results"); !strings.Contains(got, "Zarvelin Tekstil") {
		t.Fatalf("no hit shown: %q", got)
	}
	tab.Navigate(srv.URL + href(tab, "#results a"))
	checkPage(t, tab, srv.URL, "en", true)
	tab.Fill(`input[name="reason"]`, "a different company with the same word in its name")
	tab.Submit(`button[name="status"][value="dismissed"]`)
	checkPage(t, tab, srv.URL, "en", true)
	if got := tab.Text("article.hit"); !strings.Contains(got, "dismissed") {
		t.Errorf("the review does not show: %q", got)
	}

	tab.Navigate(srv.URL + "/linkage")
	checkPage(t, tab, srv.URL, "en", true)
	tab.Fill("#lr-name", "Demo count")
	for _, sel := range []string{`.choices label:nth-child(1) input`, `.choices label:nth-child(2) input`} {
		tab.Click(sel)
	}
	tab.Submit(`form[action="/linkage"] button`)
	checkPage(t, tab, srv.URL, "en", true)
	if !tab.Exists("#submissions") {
		t.Errorf("the round's page was not shown after starting it: %s", tab.URL())
	}

	for _, path := range []string{"/webhooks", "/cases/import"} {
		tab.Navigate(srv.URL + path)
		checkPage(t, tab, srv.URL, "en", true)
	}
	tab.Navigate(srv.URL + "/cases")
	tab.Navigate(srv.URL + href(tab, "tbody a"))
	checkPage(t, tab, srv.URL, "en", true)
	if !tab.Exists("#documents") || !tab.Exists("#legal") {
		t.Error("the case page lacks the documents or the residence and proceedings")
	}
}

// href returns the href of the first element selector finds.
func href(tab *browsertest.Tab, selector string) string {
	var out string
	tab.Eval(`document.querySelector(`+strconv.Quote(selector)+`).getAttribute("href")`, &out)
	return out
}
