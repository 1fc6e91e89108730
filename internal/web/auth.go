package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"alliance/internal/app"
	"alliance/internal/credential"
)

// LoginPage is the sign-in form.
type LoginPage struct {
	*Base
	Email string
	Next  string
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderLogin(w, r, http.StatusOK, "", "")
}

func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, email, errMsg string) error {
	token, err := credential.NewCSRFToken()
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: loginCSRF, Value: token, Path: "/login", HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteStrictMode})
	b := s.newBase(r, "login.title")
	b.CSRF, b.Error = token, errMsg
	return s.render(w, status, "login", &LoginPage{Base: b, Email: email, Next: safeNext(r.FormValue("next"))})
}

// safeNext keeps a post-login redirect on this site: a path, without scheme,
// host, backslash or control character (browsers drop tabs and newlines, so
// "/\t/evil.example" would become "//evil.example").
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(next, "/") ||
		strings.HasPrefix(next, "//") || strings.ContainsFunc(next, func(r rune) bool { return r == '\\' || unicode.IsControl(r) }) {
		return "/"
	}
	return next
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	email := r.PostFormValue("email")
	l, err := s.svc.Login(r.Context(), email, r.PostFormValue("password"), stateOf(r).addr)
	if err != nil {
		if st := statusOf(err); st == http.StatusUnauthorized || st == http.StatusTooManyRequests {
			return s.renderLogin(w, r, st, email, s.loginErrorText(r, st))
		}
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: l.Token, Path: "/", HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode})
	http.SetCookie(w, &http.Cookie{Name: loginCSRF, Path: "/login", MaxAge: -1})
	next := safeNext(r.PostFormValue("next"))
	switch {
	case s.svc.NeedsEnrolment(l.User):
		next = "/account/2fa"
	case l.User.NeedsSecondFactor() && !s.svc.Config().Demo:
		next = "/login/2fa?next=" + urlQuery(next)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) loginErrorText(r *http.Request, status int) string {
	lang := stateOf(r).lang
	if status == http.StatusTooManyRequests {
		return s.cat.T(lang, "login.too_many")
	}
	return s.cat.T(lang, "login.bad")
}

// SecondFactorPage asks for a TOTP or recovery code.
type SecondFactorPage struct {
	*Base
	Next string
}

func (s *Server) secondFactorForm(w http.ResponseWriter, r *http.Request) error {
	a := stateOf(r).auth
	if s.svc.NeedsEnrolment(a.User) {
		http.Redirect(w, r, "/account/2fa", http.StatusSeeOther)
		return nil
	}
	return s.render(w, http.StatusOK, "second_factor", &SecondFactorPage{Base: s.newBase(r, "2fa.title"), Next: safeNext(r.FormValue("next"))})
}

func (s *Server) secondFactor(w http.ResponseWriter, r *http.Request) error {
	a := stateOf(r).auth
	if err := s.svc.VerifySecondFactor(r.Context(), a, r.PostFormValue("code")); err != nil {
		st := statusOf(err)
		if st != http.StatusUnauthorized && st != http.StatusTooManyRequests {
			return err
		}
		b := s.newBase(r, "2fa.title")
		b.Error, b.ErrField = b.T("2fa.bad"), "code"
		if st == http.StatusTooManyRequests {
			b.Error = b.T("login.too_many")
		}
		return s.render(w, st, "second_factor", &SecondFactorPage{Base: b, Next: safeNext(r.PostFormValue("next"))})
	}
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

// EnrolPage shows the QR code of a new TOTP secret, and afterwards the recovery
// codes.
type EnrolPage struct {
	*Base
	Enrolment     *app.Enrolment
	QR            template.URL // the QR code as a data: URI, which we made ourselves
	RecoveryCodes []string
}

func (s *Server) enrolForm(w http.ResponseWriter, r *http.Request) error {
	a := stateOf(r).auth
	b := s.newBase(r, "enrol.title")
	if a.User.TOTPEnabled {
		b.Error = b.T("enrol.already")
		return s.render(w, http.StatusOK, "enrol", &EnrolPage{Base: b})
	}
	e, err := s.svc.StartEnrolment(r.Context(), a)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "enrol", &EnrolPage{Base: b, Enrolment: e, QR: template.URL(e.QRDataURI)})
}

func (s *Server) enrol(w http.ResponseWriter, r *http.Request) error {
	a := stateOf(r).auth
	codes, err := s.svc.ConfirmEnrolment(r.Context(), a, r.PostFormValue("code"))
	b := s.newBase(r, "enrol.title")
	if err != nil {
		if statusOf(err) != http.StatusUnauthorized {
			return err
		}
		e, serr := s.svc.StartEnrolment(r.Context(), a)
		if serr != nil {
			return serr
		}
		b.Error, b.ErrField = b.T("2fa.bad"), "code"
		return s.render(w, http.StatusUnauthorized, "enrol", &EnrolPage{Base: b, Enrolment: e, QR: template.URL(e.QRDataURI)})
	}
	b.Flash = b.T("enrol.done")
	return s.render(w, http.StatusOK, "enrol", &EnrolPage{Base: b, RecoveryCodes: codes})
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Logout(r.Context(), stateOf(r).auth.Caller); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure(r)})
	// Answers an interview page kept in the tab while offline stay on the
	// computer no longer than the session (browsers honour this over HTTPS).
	w.Header().Set("Clear-Site-Data", `"storage"`)
	http.Redirect(w, r, "/login?flash=signed_out", http.StatusSeeOther)
	return nil
}

func (s *Server) logoutEverywhere(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.svc.LogoutEverywhere(r.Context(), stateOf(r).auth.Caller); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure(r)})
	w.Header().Set("Clear-Site-Data", `"storage"`)
	http.Redirect(w, r, "/login?flash=signed_out_everywhere", http.StatusSeeOther)
	return nil
}
