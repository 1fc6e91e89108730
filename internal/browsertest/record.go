package browsertest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// recorder keeps the console errors and network requests of one tab. Its
// listen method runs on the goroutine that reads the events of the tab, so it
// must be quick and never call the browser.
type recorder struct {
	mu       sync.Mutex
	console  []string
	requests []string                     // URLs in the order the page asked for them
	urls     map[network.RequestID]string // to name the URL of a failed request
	failed   []string
}

func newRecorder() *recorder {
	return &recorder{urls: make(map[network.RequestID]string)}
}

// listen records one event of the tab.
func (r *recorder) listen(ev any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			r.console = append(r.console, "console."+string(ev.Type)+": "+argsText(ev.Args))
		}
	case *runtime.EventExceptionThrown:
		r.console = append(r.console, "exception: "+exceptionText(ev.ExceptionDetails))
	case *log.EventEntryAdded:
		// Content-Security-Policy violations and failed loads arrive here.
		if e := ev.Entry; e.Level == log.EntryLevelError && !isAutomaticFavicon(e) {
			r.console = append(r.console, logText(e))
		}
	case *network.EventRequestWillBeSent:
		r.requests = append(r.requests, ev.Request.URL)
		r.urls[ev.RequestID] = ev.Request.URL
	case *network.EventLoadingFailed:
		r.failed = append(r.failed, failureText(r.urls[ev.RequestID], ev))
	}
}

// ConsoleErrors returns the errors that the pages of the tab have reported so
// far: console.error and console.assert calls, uncaught exceptions, and the
// browser's own errors, among them Content-Security-Policy violations and
// resources that failed to load (except the /favicon.ico that the browser asks
// for by itself).
func (tab *Tab) ConsoleErrors() []string {
	tab.t.Helper()
	tab.sync()
	tab.rec.mu.Lock()
	defer tab.rec.mu.Unlock()
	return append([]string(nil), tab.rec.console...)
}

// ForeignRequests returns the URLs of the requests that the pages of the tab
// made, or tried to make, to any host other than allowedHost, including those
// that the Content-Security-Policy blocked. allowedHost is a host:port such as
// "127.0.0.1:8080", or a URL such as httptest.Server.URL. Requests for data:,
// blob: and about: URLs go to no host and are not reported.
func (tab *Tab) ForeignRequests(allowedHost string) []string {
	tab.t.Helper()
	allowed := hostOf(allowedHost)
	tab.sync()
	tab.rec.mu.Lock()
	defer tab.rec.mu.Unlock()
	var foreign []string
	for _, u := range tab.rec.requests {
		if goesToHost(u) && hostOf(u) != allowed {
			foreign = append(foreign, u)
		}
	}
	return foreign
}

// FailedRequests returns the requests of the tab that did not complete, each
// as its URL, the network error and any reason the browser blocked it, for
// example "csp". A response with an HTTP error status is not a failure here; it
// shows in ConsoleErrors.
func (tab *Tab) FailedRequests() []string {
	tab.t.Helper()
	tab.sync()
	tab.rec.mu.Lock()
	defer tab.rec.mu.Unlock()
	return append([]string(nil), tab.rec.failed...)
}

// sync waits until the tab has delivered every event that the browser sent
// before now, so that a reader sees the events of the last action.
func (tab *Tab) sync() {
	tab.t.Helper()
	run(tab, "wait for the events of the page", chromedp.Evaluate[chromedp.Void](`0`))
}

// hostOf returns the host:port of a URL, or s itself when it is no URL with
// a host.
func hostOf(s string) string {
	if u, err := url.Parse(s); err == nil && u.Host != "" {
		return u.Host
	}
	return s
}

// goesToHost reports whether the URL names a host on the network.
func goesToHost(s string) bool {
	u, err := url.Parse(s)
	if err != nil {
		return true // report what cannot be understood
	}
	switch u.Scheme {
	case "data", "blob", "about", "javascript":
		return false
	}
	return true
}

// argsText renders the arguments of a console call as the console shows them.
func argsText(args []*runtime.RemoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		parts = append(parts, objectText(a))
	}
	return strings.Join(parts, " ")
}

// objectText renders one value: a string as it is, anything else by its
// description or JSON value.
func objectText(o *runtime.RemoteObject) string {
	if o == nil {
		return "null"
	}
	var s string
	if o.Type == runtime.RemoteObjectTypeString && json.Unmarshal(o.Value, &s) == nil {
		return s
	}
	switch {
	case o.Description != "":
		return o.Description
	case o.UnserializableValue != "":
		return string(o.UnserializableValue)
	case len(o.Value) > 0:
		return string(o.Value)
	}
	return string(o.Type)
}

// exceptionText renders an uncaught exception with its message and place.
func exceptionText(d *runtime.ExceptionDetails) string {
	text := d.Text
	if d.Exception != nil {
		msg, _, _ := strings.Cut(objectText(d.Exception), "\n") // drop the stack
		text += " " + msg
	}
	if d.URL != "" {
		text += fmt.Sprintf(" (%s:%d)", d.URL, d.LineNumber+1)
	}
	return text
}

// isAutomaticFavicon reports whether the entry is the failure of the request
// for /favicon.ico that the browser makes by itself for a page that names no
// icon: the page did not ask for it.
func isAutomaticFavicon(e *log.Entry) bool {
	u, err := url.Parse(e.URL)
	return err == nil && e.Source == log.EntrySourceNetwork && u.Path == "/favicon.ico"
}

// logText renders an error of the browser log with the URL it concerns.
func logText(e *log.Entry) string {
	text := fmt.Sprintf("%s: %s", e.Source, e.Text)
	if e.URL != "" {
		text += " (" + e.URL + ")"
	}
	return text
}

// failureText describes a request that did not complete.
func failureText(u string, ev *network.EventLoadingFailed) string {
	if u == "" {
		u = "request " + string(ev.RequestID)
	}
	var why []string
	if ev.ErrorText != "" {
		why = append(why, ev.ErrorText)
	}
	if ev.BlockedReason != "" {
		why = append(why, "blocked: "+string(ev.BlockedReason))
	}
	if ev.Canceled {
		why = append(why, "canceled")
	}
	return u + ": " + strings.Join(why, "; ")
}
