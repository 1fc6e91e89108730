package main

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Names the server uses for its cookies and its CSRF form field.
const (
	sessionCookie = "alliance_session"
	loginCSRF     = "alliance_login_csrf"
)

// maxPage bounds how much of a page sign-in reads when looking for a form field.
const maxPage = 4 << 20

// csrfField finds the hidden CSRF field of a form as the server's templates
// write it.
var csrfField = regexp.MustCompile(`name="csrf"\s+value="([^"]*)"`)

// credentials are the headers every measured request carries.
type credentials struct {
	cookie string // "alliance_session=..." or ""
	bearer string // "Bearer ..." or ""
	csrf   string // the session's CSRF token, or ""
}

func (c credentials) apply(h http.Header) {
	if c.cookie != "" {
		h.Set("Cookie", c.cookie)
	}
	if c.bearer != "" {
		h.Set("Authorization", c.bearer)
	}
	if c.csrf != "" {
		h.Set("X-CSRF-Token", c.csrf)
	}
}

// newClient returns the one client all workers share: keep-alive on, enough idle
// connections kept for every worker, redirects never followed (a redirect is an
// answer to count, not to chase).
func newClient(concurrency int, timeout time.Duration) *http.Client {
	tr := &http.Transport{
		Proxy:               nil, // loopback measurements never go through a proxy
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        2 * concurrency,
		MaxIdleConnsPerHost: concurrency,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
	}
	return &http.Client{
		Transport:     tr,
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// signIn returns the credentials the configuration asks for: a bearer token as
// given, or a session obtained through the login form (and, with --csrf-header,
// the session's CSRF token read from a signed-in page).
func signIn(ctx context.Context, client *http.Client, cfg config) (credentials, error) {
	switch {
	case cfg.token != "":
		return credentials{bearer: "Bearer " + cfg.token}, nil
	case cfg.email == "":
		return credentials{}, nil
	}
	session, err := login(ctx, client, cfg.base, cfg.email, cfg.password)
	if err != nil {
		return credentials{}, fmt.Errorf("sign in as %s: %w", cfg.email, err)
	}
	creds := credentials{cookie: sessionCookie + "=" + session}
	if cfg.csrfHeader {
		tok, err := pageCSRF(ctx, client, cfg.base, cfg.csrfPage, creds)
		if err != nil {
			return credentials{}, fmt.Errorf("read the session's CSRF token: %w", err)
		}
		creds.csrf = tok
	}
	return creds, nil
}

// login does what a browser does: fetch the form (which sets the login CSRF
// cookie and writes the same token into a hidden field), post it back, and take
// the session cookie from the redirect.
func login(ctx context.Context, client *http.Client, base *url.URL, email, password string) (string, error) {
	formCookie, formToken, err := loginForm(ctx, client, base)
	if err != nil {
		return "", err
	}
	form := url.Values{"email": {email}, "password": {password}, "csrf": {formToken}, "next": {"/"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base.String()+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: loginCSRF, Value: formCookie})
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("POST /login: %w", err)
	}
	defer drain(resp)
	if resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusFound {
		return "", fmt.Errorf("POST /login answered %s (401: wrong email or password; 429: too many sign-ins from this address, wait a minute)", resp.Status)
	}
	if loc := resp.Header.Get("Location"); strings.HasPrefix(loc, "/login/2fa") || strings.HasPrefix(loc, "/account/2fa") {
		return "", fmt.Errorf("the account needs a second factor (redirected to %s); use a server started with --demo, or --token", loc)
	}
	c := cookieNamed(resp, sessionCookie)
	if c == "" {
		return "", errors.New("POST /login set no " + sessionCookie + " cookie")
	}
	return c, nil
}

// loginForm fetches GET /login and returns the login CSRF cookie and the hidden
// field's token.
func loginForm(ctx context.Context, client *http.Client, base *url.URL) (cookie, token string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base.String()+"/login", nil)
	if err != nil {
		return "", "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", "", fmt.Errorf("GET /login: %w", err)
	}
	defer drain(resp)
	if resp.StatusCode != http.StatusOK {
		return "", "", fmt.Errorf("GET /login answered %s", resp.Status)
	}
	cookie = cookieNamed(resp, loginCSRF)
	if cookie == "" {
		return "", "", errors.New("GET /login set no " + loginCSRF + " cookie")
	}
	token, err = formToken(resp.Body)
	if err != nil {
		return "", "", fmt.Errorf("GET /login: %w", err)
	}
	return cookie, token, nil
}

// pageCSRF reads the session's CSRF token from the form of a signed-in page.
func pageCSRF(ctx context.Context, client *http.Client, base *url.URL, path string, creds credentials) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base.String()+path, nil)
	if err != nil {
		return "", err
	}
	creds.apply(req.Header)
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("GET %s: %w", path, err)
	}
	defer drain(resp)
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s answered %s", path, resp.Status)
	}
	tok, err := formToken(resp.Body)
	if err != nil {
		return "", fmt.Errorf("GET %s: %w", path, err)
	}
	return tok, nil
}

// formToken finds the first hidden CSRF field in an HTML page.
func formToken(body io.Reader) (string, error) {
	page, err := io.ReadAll(io.LimitReader(body, maxPage))
	if err != nil {
		return "", err
	}
	m := csrfField.FindSubmatch(page)
	if m == nil || len(m[1]) == 0 {
		return "", errors.New(`the page has no form field name="csrf"`)
	}
	return html.UnescapeString(string(m[1])), nil
}

func cookieNamed(resp *http.Response, name string) string {
	for _, c := range resp.Cookies() {
		if c.Name == name && c.Value != "" {
			return c.Value
		}
	}
	return ""
}

// drain reads the rest of a body and closes it so the connection is reused.
func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxPage))
	resp.Body.Close()
}
