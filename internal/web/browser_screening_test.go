package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"alliance"

	"alliance/internal/app"
	"alliance/internal/browsertest"
	"alliance/internal/interview"
)

func actorOf(u *alliance.User) alliance.Actor {
	return alliance.Actor{UserID: u.ID, OrgID: u.OrgID, Role: u.Role, SecondFactor: true}
}

// waitJS waits in the page, up to 10 s, for a JavaScript condition to hold.
func waitJS(t *testing.T, tab *browsertest.Tab, cond string) bool {
	t.Helper()
	var ok bool
	tab.Eval(`new Promise(res => { const t0 = Date.now(); (function poll() {
		if (`+cond+`) { res(true); } else if (Date.now() - t0 > 10000) { res(false); } else { setTimeout(poll, 50); }
	})(); })`, &ok)
	return ok
}

// answer clicks an answer of a question and waits until the page has saved it.
func answer(t *testing.T, tab *browsertest.Tab, question, value string) {
	t.Helper()
	tab.Click(fmt.Sprintf(`input[name="q.%s"][value="%s"]`, question, value))
	if !waitJS(t, tab, `document.getElementById("interview").dataset.saveState === "saved"`) {
		t.Fatalf("answer %s=%s was not saved; status %q", question, value, tab.Text("#save-status"))
	}
}

// TestBrowserScreening completes two interviews in a real browser: one with
// the questions in Arabic (right to left) beside English, saved answer by
// answer as it goes and surviving a dropped connection; one in Russian beside
// French through the forms. Both end on the explained result.
func TestBrowserScreening(t *testing.T) {
	cfg := testConfig()
	cfg.Demo = true
	e := newTestEnv(t, cfg)
	srv := httptest.NewServer(e.srv)
	t.Cleanup(srv.Close)
	b := browsertest.New(t)
	u := e.users["caseworker@demo"]
	q := interview.Builtin()
	stored := func(t *testing.T, id int64) *app.Screening {
		t.Helper()
		c := app.Caller{Actor: actorOf(u), RemoteAddr: "test"}
		sc, err := e.svc.Assessment(context.Background(), c, id)
		if err != nil {
			t.Fatal(err)
		}
		return sc
	}

	t.Run("Arabic beside English, saved as it goes", func(t *testing.T) {
		tab := b.NewTab(t)
		signInBrowser(t, tab, srv.URL, u.Email, app.DemoPassword)
		tab.Navigate(srv.URL + "/screenings")
		checkPage(t, tab, srv.URL, "en", true)
		tab.Fill("#worker-lang", "ar")
		tab.Submit(`form[action="/screenings"] button`)
		checkPage(t, tab, srv.URL, "en", true)
		id, err := strconv.ParseInt(strings.TrimPrefix(strings.Split(tab.URL(), "?")[0], srv.URL+"/screenings/"), 10, 64)
		if err != nil {
			t.Fatalf("interview at %s: %v", tab.URL(), err)
		}
		var dir, align string
		tab.Eval(`getComputedStyle(document.querySelector("p.worker[lang=ar]")).direction`, &dir)
		tab.Eval(`getComputedStyle(document.querySelector("p.worker[lang=ar]")).textAlign`, &align)
		if dir != "rtl" || (align != "right" && align != "start") {
			t.Errorf("Arabic intro: direction %q, text-align %q; want rtl, right", dir, align)
		}
		if got := tab.Text("p.worker[lang=ar]"); got != q.Text("ar", "intro") {
			t.Errorf("Arabic intro %q", got)
		}
		if !tab.Exists("#review-flag") {
			t.Error("the unreviewed Arabic translation is not flagged to staff")
		}
		tab.Fill("#age", "29")
		if !waitJS(t, tab, `document.getElementById("interview").dataset.saveState === "saved"`) {
			t.Fatal("age not saved")
		}

		tab.Navigate(srv.URL + fmt.Sprintf("/screenings/%d?stage=recruitment", id))
		checkPage(t, tab, srv.URL, "en", true)
		var legend string
		tab.Eval(`document.querySelector("#q-rec\\.job_different legend .worker").textContent`, &legend)
		if legend != q.Text("ar", "q.rec.job_different") {
			t.Errorf("question in Arabic: %q", legend)
		}
		answer(t, tab, "rec.job_different", "yes")
		answer(t, tab, "rec.pay_different", "yes")

		// The connection drops: the answer waits in the tab and is sent when
		// the connection returns.
		tab.Eval(`window.realFetch = window.fetch; window.fetch = () => Promise.reject(new TypeError("offline"))`, nil)
		tab.Click(`input[name="q.rec.travel_costs"][value="declined"]`)
		if !waitJS(t, tab, `document.getElementById("interview").dataset.saveState === "failed"`) {
			t.Fatal("a failed save is not shown")
		}
		if got := stored(t, id).Answers.Questions["rec.travel_costs"]; got != "" {
			t.Fatalf("offline answer reached the server: %q", got)
		}
		tab.Eval(`window.fetch = window.realFetch; window.dispatchEvent(new Event("online"))`, nil)
		if !waitJS(t, tab, `document.getElementById("interview").dataset.saveState === "saved"`) {
			t.Fatal("the kept answer was not sent when the connection returned")
		}
		if got := stored(t, id).Answers.Questions["rec.travel_costs"]; got != "declined" {
			t.Errorf("after reconnecting: stored %q", got)
		}

		// In a tab of its own, whose console holds the refusal it provokes:
		t.Run("kept and refused answers", func(t *testing.T) {
			tab := b.NewTab(t)
			signInBrowser(t, tab, srv.URL, u.Email, app.DemoPassword)
			// An answer kept in the tab when the page was closed is sent when the
			// page is opened again.
			stage := srv.URL + fmt.Sprintf("/screenings/%d?stage=before", id)
			tab.Navigate(stage)
			tab.Eval(`sessionStorage.setItem("alliance.screening." + document.getElementById("interview").dataset.user + ".`+strconv.FormatInt(id, 10)+`", JSON.stringify({"q.rec.debt": "unknown"}))`, nil)
			tab.Navigate(stage)
			if !waitJS(t, tab, `document.getElementById("interview").dataset.saveState === "saved"`) {
				t.Fatal("the kept answer was not sent when the page was opened again")
			}
			var checked bool
			tab.Eval(`document.querySelector('input[name="q.rec.debt"][value="unknown"]').checked`, &checked)
			if got := stored(t, id).Answers.Questions["rec.debt"]; got != "unknown" || !checked {
				t.Errorf("kept answer: stored %q, checked %v", got, checked)
			}

			// A refused answer is not sent again and again: the page says why.
			tab.Eval(`window.realFetch = window.fetch; window.fetch = (u, o) => { o.body = o.body.replace("rec.debt", "rec.nothing"); return window.realFetch(u, o); }`, nil)
			tab.Click(`input[name="q.rec.debt"][value="yes"]`)
			if !waitJS(t, tab, `document.getElementById("interview").dataset.saveState === "refused"`) {
				t.Fatalf("a refused save shows %q", tab.Text("#save-status"))
			}
			var kept string
			tab.Eval(`JSON.stringify(Object.keys(sessionStorage))`, &kept)
			if kept != "[]" {
				t.Errorf("a refused answer is still kept for sending: %s", kept)
			}

		})

		tab.Navigate(srv.URL + fmt.Sprintf("/screenings/%d?stage=work", id))
		answer(t, tab, "work.long_hours", "yes")
		answer(t, tab, "work.little_pay", "yes")
		tab.Navigate(srv.URL + fmt.Sprintf("/screenings/%d?stage=treatment", id))
		answer(t, tab, "work.hurt", "yes")
		tab.Navigate(srv.URL + fmt.Sprintf("/screenings/%d?stage=living", id))
		answer(t, tab, "liv.papers_held", "yes")
		tab.Submit(`button[name="go"][value="leaving"]`)
		tab.Submit(`button[name="go"][value="observations"]`)
		checkPage(t, tab, srv.URL, "en", true)
		tab.Submit(`button[name="go"][value="result"]`)
		checkPage(t, tab, srv.URL, "en", true)
		if got := tab.Text("#verdict h2"); got != "The indicators point to trafficking for labour exploitation" {
			t.Errorf("verdict %q", got)
		}
		if !strings.Contains(tab.Text("#next-steps"), "National Referral Mechanism") {
			t.Errorf("next steps: %q", tab.Text("#next-steps"))
		}
		if !strings.Contains(tab.Text("#dim-deceptive_recruitment"), "positive") {
			t.Errorf("deceptive recruitment: %q", tab.Text("#dim-deceptive_recruitment"))
		}
		sc := stored(t, id)
		if !sc.Result.Trafficking || sc.Answers.Age == nil || *sc.Answers.Age != 29 {
			t.Errorf("stored: trafficking %v, age %v", sc.Result.Trafficking, sc.Answers.Age)
		}
		// On paper: A4, without navigation or buttons, on at most two sheets.
		pdf := tab.PrintPDF()
		if n := browsertest.PDFPages(pdf); n < 1 || n > 2 {
			t.Errorf("the result prints on %d pages, want 1 or 2", n)
		}
		if !bytes.Contains(pdf, []byte("/MediaBox [0 0 594.9")) {
			t.Error("the result does not print on A4")
		}
		tab.Submit(`form[action$="/complete"] button`)
		checkPage(t, tab, srv.URL, "en", true)
		if got := stored(t, id).Status; got != "completed" {
			t.Errorf("status %q after completing", got)
		}
	})

	t.Run("Russian beside French, through the forms", func(t *testing.T) {
		tab := b.NewTab(t)
		signInBrowser(t, tab, srv.URL, u.Email, app.DemoPassword)
		setLanguage(t, tab, srv.URL, "fr")
		tab.Navigate(srv.URL + "/screenings")
		tab.Fill("#worker-lang", "ru")
		tab.Submit(`form[action="/screenings"] button`)
		tab.Submit(`button[name="go"][value="recruitment"]`)
		checkPage(t, tab, srv.URL, "fr", true)
		if got := tab.Text(`#q-rec\.job_different legend .staff`); got != q.Text("fr", "q.rec.job_different") {
			t.Errorf("French beside Russian: %q", got)
		}
		tab.Click(`input[name="q.rec.job_different"][value="no"]`)
		tab.Submit(`button[name="go"][value="result"]`)
		checkPage(t, tab, srv.URL, "fr", true)
		if got, want := tab.Text("#verdict h2"), e.srv.cat.T("fr", "screening.trafficking_no"); got != want || want == e.srv.cat.T("en", "screening.trafficking_no") {
			t.Errorf("French verdict %q, want %q", got, want)
		}
		if !strings.Contains(tab.HTML(), `lang="ru"`) {
			t.Error("the result page does not name the worker's language")
		}
	})
}
