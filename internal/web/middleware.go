package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"alliance"
	"alliance/internal/app"
)

const (
	sessionCookie = "alliance_session"
	loginCSRF     = "alliance_login_csrf"
)

// state is what the middleware learns about a request and the handlers use.
type state struct {
	auth  *app.Authenticated // nil on public routes and for anonymous callers
	lang  string
	route route
	addr  string
}

type stateKey struct{}

func stateOf(r *http.Request) *state { return r.Context().Value(stateKey{}).(*state) }

// statusRecorder remembers the status a handler wrote, for metrics and logs.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// wrap applies, in order: metrics and logging, the body limit, authentication for
// the route's access level, language choice, CSRF and content-type checks, and
// turns the handler's error into a response.
func (s *Server) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		st := &state{route: rt, addr: s.clientAddr(r)}
		r = r.WithContext(context.WithValue(r.Context(), stateKey{}, st))
		limit := s.opts.MaxBodyBytes
		if uploadRoutes[rt.method+" "+rt.pattern] {
			limit = max(s.opts.MaxUploadBytes, largeUploads[rt.method+" "+rt.pattern])
		}
		r.Body = http.MaxBytesReader(rec, r.Body, limit)
		err := s.serve(rec, r, st)
		if err != nil {
			s.fail(rec, r, err)
		}
		if rec.status == 0 {
			rec.WriteHeader(http.StatusOK)
		}
		d := time.Since(start)
		s.metrics.ObserveRequest(rt.pattern, r.Method, rec.status, d)
		if rec.status >= 500 {
			s.log.ErrorContext(r.Context(), "request failed", "route", rt.pattern, "method", r.Method, "status", rec.status, "duration_ms", d.Milliseconds(), "err", err)
		} else {
			s.log.DebugContext(r.Context(), "request", "route", rt.pattern, "method", r.Method, "status", rec.status, "duration_ms", d.Milliseconds())
		}
	})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, st *state) error {
	st.lang = s.cat.Choose("", r.Header.Get("Accept-Language"))
	if st.route.access != public || st.route.api {
		if err := s.authenticate(r, st); err != nil {
			if st.route.access == public || st.route.access == optional {
				st.auth = nil // such routes ignore bad credentials
			} else {
				return err
			}
		}
	}
	if st.auth != nil && !st.auth.Caller.SecondFactor && st.route.access == optional {
		st.auth = nil
	}
	if st.auth != nil {
		st.lang = s.cat.Choose(st.auth.User.Language, r.Header.Get("Accept-Language"))
	}
	if err := s.checkAccess(st); err != nil {
		return err
	}
	if isUnsafe(r.Method) {
		if err := s.checkRequest(r, st); err != nil {
			return err
		}
	}
	return st.route.h(w, r)
}

// authenticate resolves a Bearer token (API routes only) or the session cookie.
func (s *Server) authenticate(r *http.Request, st *state) error {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" && st.route.api {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return alliance.Errorf(alliance.CodeUnauthorised, "use the header \"Authorization: Bearer <token>\"")
		}
		a, err := s.svc.TokenFromBearer(ctx, strings.TrimSpace(tok), st.addr)
		st.auth = a
		return err
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return &alliance.Error{Code: alliance.CodeUnauthorised, Message: "sign in first"}
	}
	a, err := s.svc.SessionFromToken(ctx, c.Value, st.addr)
	st.auth = a
	return err
}

// errSecondFactor sends a session that has not passed the second factor to it.
var errSecondFactor = &alliance.Error{Code: alliance.CodeUnauthorised, Message: "complete the second factor first"}

func (s *Server) checkAccess(st *state) error {
	if st.route.access != signedIn {
		return nil
	}
	if !st.auth.Caller.SecondFactor && st.auth.User.NeedsSecondFactor() {
		return errSecondFactor
	}
	return nil
}

func isUnsafe(method string) bool {
	return method != http.MethodGet && method != http.MethodHead && method != http.MethodOptions
}

// checkRequest guards state-changing requests: the Origin must be this server, the
// content type what the route reads, and a session-authenticated request must carry
// the session's CSRF token (a form field, or the X-CSRF-Token header for the API).
func (s *Server) checkRequest(r *http.Request, st *state) error {
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		if u, err := url.Parse(o); err != nil || u.Host != r.Host {
			return &alliance.Error{Code: alliance.CodeForbidden, Field: "origin", Message: "cross-site request refused"}
		}
	}
	if uploadRoutes[st.route.method+" "+st.route.pattern] && st.route.api {
		// the handler reads the file in the body, of whichever type it says
	} else if err := checkContentType(r, st.route.api); err != nil {
		return err
	}
	var want, got string
	switch {
	case st.route.api && r.Header.Get("Authorization") != "":
		return nil // a bearer token is not sent by browsers on their own
	case st.route.api:
		want, got = csrfOf(st), r.Header.Get("X-CSRF-Token")
	case st.auth != nil:
		want, got = csrfOf(st), r.PostFormValue("csrf")
	default: // the login form: double-submit cookie
		c, err := r.Cookie(loginCSRF)
		if err != nil {
			return csrfError()
		}
		want, got = c.Value, r.PostFormValue("csrf")
	}
	if want == "" || subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
		return csrfError()
	}
	return nil
}

func csrfOf(st *state) string {
	if st.auth == nil || st.auth.Session == nil {
		return ""
	}
	return st.auth.Session.CSRFToken
}

func csrfError() error {
	return &alliance.Error{Code: alliance.CodeForbidden, Field: "csrf", Message: "the form has expired or did not come from this site; reload the page and try again"}
}

// errUnsupportedMedia is a request body in a format the route does not read.
type errUnsupportedMedia struct{ want string }

func (e errUnsupportedMedia) Error() string {
	return "send the body as " + e.want
}

func checkContentType(r *http.Request, api bool) error {
	if r.ContentLength == 0 && r.Header.Get("Content-Type") == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	want := "application/x-www-form-urlencoded"
	if api {
		want = "application/json"
	}
	if err != nil || (mt != want && !(mt == "multipart/form-data" && !api)) {
		return errUnsupportedMedia{want}
	}
	return nil
}

// clientAddr is the caller's IP address, recorded in the audit log and used to
// limit sign-in attempts. Behind a trusted proxy it is the last address of
// X-Forwarded-For, the one that proxy added: the ones before it are whatever the
// client chose to send.
func (s *Server) clientAddr(r *http.Request) string {
	if s.opts.TrustProxy {
		hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		if ip := net.ParseIP(strings.TrimSpace(hops[len(hops)-1])); ip != nil {
			return ip.String()
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) secure(r *http.Request) bool {
	return s.opts.SecureCookies || r.TLS != nil || (s.opts.TrustProxy && r.Header.Get("X-Forwarded-Proto") == "https")
}

// securityHeaders sets a strict Content-Security-Policy and related headers on
// every response: no script, style, image or connection from any other host.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if s.secure(r) {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// recoverer turns a panic into a 500 and a log line, never a crash.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(r.Context(), "panic", "route", r.Pattern, "panic", fmt.Sprint(v))
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// statusOf maps the error vocabulary to HTTP status codes, in one place.
func statusOf(err error) int {
	var mbe *http.MaxBytesError
	var ume errUnsupportedMedia
	switch {
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge
	case errors.As(err, &ume):
		return http.StatusUnsupportedMediaType
	}
	switch alliance.ErrorCode(err) {
	case alliance.CodeInvalid:
		return http.StatusBadRequest
	case alliance.CodeNotFound:
		return http.StatusNotFound
	case alliance.CodeConflict:
		return http.StatusConflict
	case alliance.CodeUnauthorised:
		return http.StatusUnauthorized
	case alliance.CodeForbidden:
		return http.StatusForbidden
	case alliance.CodeTooMany:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// codeOf is the API error code of err.
func codeOf(err error) string {
	switch statusOf(err) {
	case http.StatusRequestEntityTooLarge:
		return "too_large"
	case http.StatusUnsupportedMediaType:
		return "unsupported_media_type"
	}
	return string(alliance.ErrorCode(err))
}

// messageOf is the user-facing message of err.
func messageOf(err error) string {
	var mbe *http.MaxBytesError
	var ume errUnsupportedMedia
	switch {
	case errors.As(err, &mbe):
		return fmt.Sprintf("the request body is larger than %d bytes", mbe.Limit)
	case errors.As(err, &ume):
		return ume.Error()
	}
	return alliance.ErrorMessage(err)
}
