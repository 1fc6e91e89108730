package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"alliance"
	"alliance/internal/app"
	"alliance/internal/i18n"
)

func urlQuery(s string) string { return url.QueryEscape(s) }

// pathID reads a numeric path parameter; anything else is "not found".
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, alliance.ErrNotFound
	}
	return id, nil
}

// pathIDs reads two numeric path parameters, such as a case and one of its
// consents.
func pathIDs(r *http.Request, a, b string) (int64, int64, error) {
	x, err := pathID(r, a)
	if err != nil {
		return 0, 0, err
	}
	y, err := pathID(r, b)
	return x, y, err
}

// HomePage is the start page after signing in: for the members who work on
// cases, the organisation's dashboard of deadlines and referrals waiting.
type HomePage struct {
	*Base
	Dashboard *app.Dashboard
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	p := &HomePage{Base: s.newBase(r, "home.title")}
	c := caller(r)
	if alliance.Authorize(c.Actor, alliance.ActCaseList, alliance.Resource{Type: "case", OrgID: c.OrgID}).Allow {
		d, err := s.svc.Deadlines(r.Context(), c)
		if err != nil {
			return err
		}
		p.Dashboard = d
	}
	return s.render(w, http.StatusOK, "home", p)
}

// AccountPage shows the user's own account: language, password, sessions, tokens.
type AccountPage struct {
	*Base
	Tokens    []alliance.APIToken
	NewToken  string
	Now       time.Time
	Languages []LangChoice
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) error {
	return s.renderAccount(w, r, http.StatusOK, s.newBase(r, "account.title"), "")
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, b *Base, newToken string) error {
	toks, err := s.svc.APITokens(r.Context(), stateOf(r).auth)
	if err != nil {
		return err
	}
	return s.render(w, status, "account", &AccountPage{Base: b, Tokens: toks, NewToken: newToken, Now: time.Now(), Languages: languageChoices(b.User)})
}

// languageChoices lists the interface languages for the picker, marking u's.
func languageChoices(u *alliance.User) []LangChoice {
	out := make([]LangChoice, len(i18n.Languages))
	for i, l := range i18n.Languages {
		out[i] = LangChoice{Code: l, Name: i18n.Names[l], Selected: u.Language == l}
	}
	return out
}

// formError re-renders a form page with the error of a rejected input, or passes
// any other error on.
func (s *Server) formError(err error, b *Base, rerender func(status int) error) error {
	switch statusOf(err) {
	case http.StatusBadRequest, http.StatusConflict, http.StatusForbidden:
		b.Error = s.localise(b.Lang, err)
		var e *alliance.Error
		if errors.As(err, &e) {
			b.ErrField = e.Field
		}
		return rerender(statusOf(err))
	}
	return err
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	a := stateOf(r).auth
	if r.PostFormValue("next") != r.PostFormValue("confirm") {
		b := s.newBase(r, "account.title")
		b.Error, b.ErrField = b.T("account.password_mismatch"), "confirm"
		return s.renderAccount(w, r, http.StatusBadRequest, b, "")
	}
	if err := s.svc.ChangePassword(r.Context(), a, r.PostFormValue("current"), r.PostFormValue("next")); err != nil {
		b := s.newBase(r, "account.title")
		return s.formError(err, b, func(st int) error { return s.renderAccount(w, r, st, b, "") })
	}
	http.Redirect(w, r, "/account?flash=password_changed", http.StatusSeeOther)
	return nil
}

func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) error {
	lang := r.PostFormValue("language")
	if lang != "" && !i18n.Supported(lang) {
		return alliance.Invalid("language", "unknown language %q", lang)
	}
	if err := s.svc.SetLanguage(r.Context(), stateOf(r).auth, lang); err != nil {
		return err
	}
	http.Redirect(w, r, "/account?flash=language_saved", http.StatusSeeOther)
	return nil
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	a := stateOf(r).auth
	days, _ := strconv.Atoi(r.PostFormValue("days"))
	t, err := s.svc.CreateAPIToken(r.Context(), a.Caller, a.User, r.PostFormValue("name"), time.Duration(days)*24*time.Hour)
	b := s.newBase(r, "account.title")
	if err != nil {
		return s.formError(err, b, func(st int) error { return s.renderAccount(w, r, st, b, "") })
	}
	b.Flash = b.T("account.token_created")
	return s.renderAccount(w, r, http.StatusOK, b, t.Token)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.svc.RevokeAPIToken(r.Context(), stateOf(r).auth.Caller, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/account?flash=token_revoked", http.StatusSeeOther)
	return nil
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Store().Ping(r.Context()); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "not answering"})
		return nil
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": s.opts.Version})
	return nil
}

func (s *Server) metricsPage(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	return s.metrics.Write(w)
}

func formLanguages(r *http.Request) []string {
	var out []string
	for _, l := range strings.Split(r.PostFormValue("languages"), ",") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
