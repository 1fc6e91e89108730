package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// ActionTimeout is how long one Tab action may take before it fails the test.
const ActionTimeout = 20 * time.Second

// Tab is one browser tab in a browser context of its own: it shares no
// cookies, storage or cache with any other Tab. It records the console errors
// and the network requests of its pages.
type Tab struct {
	t      testing.TB
	ctx    context.Context // chromedp context of the tab, without a deadline
	rec    *recorder
	status int // HTTP status of the last page that Navigate or Submit loaded
}

// NewTab opens a tab in a fresh browser context, and closes it when the test
// ends. Give each simulated user a tab of their own.
func (b *Browser) NewTab(t testing.TB) *Tab {
	t.Helper()
	rec := newRecorder()
	ctx, cancel := chromedp.NewContext(b.ctx,
		chromedp.WithNewBrowserContext(),
		chromedp.WithListener(rec.listen),
	)
	t.Cleanup(cancel)
	// As in New, the first run must not carry a deadline: it binds the tab.
	timer := time.AfterFunc(ActionTimeout, cancel)
	err := chromedp.Do(ctx)
	if !timer.Stop() {
		err = fmt.Errorf("no answer within %s: %w", ActionTimeout, err)
	}
	if err != nil {
		t.Fatalf("browsertest: open tab: %v\nbrowser output:\n%s", err, b.output)
	}
	return &Tab{t: t, ctx: ctx, rec: rec}
}

// Navigate loads url and waits until the page has loaded.
func (tab *Tab) Navigate(url string) {
	tab.t.Helper()
	resp := run(tab, "navigate to "+url, chromedp.NavigateResponse(url))
	tab.status = statusOf(resp)
}

// Fill replaces the value of the form field that the CSS selector finds. It
// types the value key by key into a text field, so that the page sees the
// same events as from a person. A select gets the option with that value, and
// a field that takes no typing, such as a date ("2026-01-31"), gets the value
// directly, with input and change events.
func (tab *Tab) Fill(selector, value string) {
	tab.t.Helper()
	what := fmt.Sprintf("fill %q", selector)
	tab.do(what, chromedp.WaitReady(chromedp.CSS(selector)))
	kind := run(tab, what, chromedp.Evaluate[string](clearFieldJS(selector)))
	if !typed(kind) {
		tab.do(what, chromedp.Evaluate[chromedp.Void](setFieldJS(selector, value)))
		return
	}
	tab.do(what, chromedp.SendKeys(chromedp.CSS(selector), value))
}

// typed reports whether a person fills a field of this kind, as clearFieldJS
// names it, by typing.
func typed(kind string) bool {
	switch kind {
	case "select", "date", "time", "datetime-local", "month", "week", "color", "range":
		return false
	}
	return true
}

// Click clicks the element that the CSS selector finds, and returns at once.
// Use Submit for a click that loads a new page.
func (tab *Tab) Click(selector string) {
	tab.t.Helper()
	tab.do(fmt.Sprintf("click %q", selector), chromedp.Click(chromedp.CSS(selector)))
}

// Submit clicks the element that the CSS selector finds, typically the submit
// button of a form, and waits until the next page has loaded, after any
// redirects.
func (tab *Tab) Submit(selector string) {
	tab.t.Helper()
	what := fmt.Sprintf("submit with %q and wait for the next page", selector)
	ctx, cancel := context.WithTimeout(tab.ctx, ActionTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(selector)))
	if err != nil {
		tab.fail(what, err)
	}
	tab.status = statusOf(resp)
}

// Status returns the HTTP status of the last page that Navigate or Submit
// loaded.
func (tab *Tab) Status() int {
	return tab.status
}

// Text returns the rendered text of the element that the CSS selector finds,
// waiting for the element to appear.
func (tab *Tab) Text(selector string) string {
	tab.t.Helper()
	return run(tab, fmt.Sprintf("read the text of %q", selector), chromedp.Text(chromedp.CSS(selector)))
}

// HTML returns the markup of the whole document as it is now.
func (tab *Tab) HTML() string {
	tab.t.Helper()
	return run(tab, "read the HTML", chromedp.Evaluate[string](`document.documentElement.outerHTML`))
}

// Title returns the title of the document.
func (tab *Tab) Title() string {
	tab.t.Helper()
	return run(tab, "read the title", chromedp.Title())
}

// URL returns the address of the document.
func (tab *Tab) URL() string {
	tab.t.Helper()
	return run(tab, "read the URL", chromedp.Location())
}

// Exists reports whether the CSS selector finds an element now; it does not
// wait for one to appear.
func (tab *Tab) Exists(selector string) bool {
	tab.t.Helper()
	js := fmt.Sprintf(`document.querySelector(%s) !== null`, jsString(selector))
	return run(tab, fmt.Sprintf("look for %q", selector), chromedp.Evaluate[bool](js))
}

// Screenshot writes a PNG of the whole page to path.
func (tab *Tab) Screenshot(path string) {
	tab.t.Helper()
	png := run(tab, "take a screenshot", chromedp.FullScreenshot(100))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tab.t.Fatalf("browsertest: write screenshot: %v", err)
	}
}

// PrintPDF prints the page as the browser prints it on paper — with the
// page's print style sheet and its @page size — and returns the PDF.
func (tab *Tab) PrintPDF() []byte {
	tab.t.Helper()
	preferCSS := true
	return run(tab, "print to PDF", chromedp.Action[[]byte](func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		r, err := cdp.Call(ctx, t, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &preferCSS})
		if err != nil {
			return nil, err
		}
		return r.Data, nil
	}))
}

// PDFPages counts the pages of a PDF that Chromium wrote.
func PDFPages(pdf []byte) int {
	return len(pdfPage.FindAll(pdf, -1))
}

// pdfPage matches a page object, not the /Type /Pages tree node.
var pdfPage = regexp.MustCompile(`/Type\s*/Page[^s]`)

// Eval evaluates the JavaScript expression in the page, awaits it when it is
// a promise, and decodes its JSON value into out. A nil out discards the
// value, and an expression that gives undefined leaves out as it is. Unlike a
// script of the page, the expression is not subject to the page's
// Content-Security-Policy.
func (tab *Tab) Eval(js string, out any) {
	tab.t.Helper()
	raw := run(tab, "evaluate "+abbreviate(js), chromedp.Evaluate[[]byte](js, chromedp.EvalAwaitPromise))
	if out == nil || len(raw) == 0 {
		return
	}
	if err := json.Unmarshal(raw, out); err != nil {
		tab.t.Fatalf("browsertest: decode the value of %s into %T: %v", abbreviate(js), out, err)
	}
}

// Cookies returns the cookies that the browser would send to the current page.
func (tab *Tab) Cookies() []*network.Cookie {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, ActionTimeout)
	defer cancel()
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{})
	if err != nil {
		tab.fail("read the cookies", err)
	}
	return res.Cookies
}

// do runs actions within ActionTimeout and fails the test on an error.
func (tab *Tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	tab.t.Helper()
	run(tab, what, chromedp.Steps(actions...))
}

// run runs one action within ActionTimeout, returns its value, and fails the
// test on an error. what names the action in the failure message.
func run[T any](tab *Tab, what string, a chromedp.Action[T]) T {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, ActionTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		tab.fail(what, err)
	}
	return v
}

// fail stops the test with what was attempted, on which page, and why.
func (tab *Tab) fail(what string, err error) {
	tab.t.Helper()
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("not done within %s: %w", ActionTimeout, err)
	}
	tab.t.Fatalf("browsertest: %s (page %s): %v", what, tab.location(), err)
}

// location returns the address of the page for a failure message, without
// failing when the browser does not answer.
func (tab *Tab) location() string {
	ctx, cancel := context.WithTimeout(tab.ctx, 2*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "unknown"
	}
	return loc
}

// statusOf returns the HTTP status of resp, or 0 when there was no response.
func statusOf(resp *network.Response) int {
	if resp == nil {
		return 0
	}
	return int(resp.Status)
}

// clearFieldJS returns a script that empties the text field that selector
// finds and names its kind: the type of an input, or else the tag name in
// lower case. It throws when there is no such element.
func clearFieldJS(selector string) string {
	return fmt.Sprintf(`(() => {
		const el = document.querySelector(%s);
		if (!el) throw new Error("no element matches the selector");
		const kind = el.tagName === "INPUT" ? el.type : el.tagName.toLowerCase();
		if (kind !== "select") el.value = "";
		return kind;
	})()`, jsString(selector))
}

// setFieldJS returns a script that sets the value of the field that selector
// finds and tells the page, as a person's choice would. It throws when the
// field does not take the value, such as a select without that option.
func setFieldJS(selector, value string) string {
	return fmt.Sprintf(`(() => {
		const el = document.querySelector(%s);
		el.value = %s;
		if (el.value !== %[2]s) throw new Error("the field does not take the value " + %[2]s);
		el.dispatchEvent(new Event("input", {bubbles: true}));
		el.dispatchEvent(new Event("change", {bubbles: true}));
	})()`, jsString(selector), jsString(value))
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}

// abbreviate shortens a script for a failure message.
func abbreviate(js string) string {
	const max = 80
	r := []rune(js)
	if len(r) <= max {
		return fmt.Sprintf("%q", js)
	}
	return fmt.Sprintf("%q…", string(r[:max]))
}

// SetHeaders sends the given HTTP headers with every later request of the tab,
// e.g. Accept-Language to see the pages as a browser set to another language
// would.
func (tab *Tab) SetHeaders(headers map[string]string) {
	tab.t.Helper()
	h := network.Headers{}
	for k, v := range headers {
		h[k] = v
	}
	ctx, cancel := context.WithTimeout(tab.ctx, ActionTimeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: h}); err != nil {
		tab.fail("set extra HTTP headers", err)
	}
}
