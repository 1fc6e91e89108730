package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"alliance"
	"alliance/internal/i18n"
)

//go:embed templates/*.html templates/*.tmpl
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// assets are the static files, served under content-hashed names
// (style.3f2a9c1b.css) with a year-long cache lifetime.
type assets struct {
	byName   map[string]string // style.css → style.3f2a9c1b.css
	byHashed map[string][]byte
}

func loadAssets() (*assets, error) {
	a := &assets{byName: map[string]string{}, byHashed: map[string][]byte{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		name := path.Base(p)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		a.byName[name], a.byHashed[hashed] = hashed, b
		return nil
	})
	return a, err
}

// url returns the content-hashed URL of a static file.
func (a *assets) url(name string) string {
	h, ok := a.byName[name]
	if !ok {
		panic("unknown static file " + name)
	}
	return "/static/" + h
}

func (s *Server) static(w http.ResponseWriter, r *http.Request) error {
	b, ok := s.assets.byHashed[r.PathValue("file")]
	if !ok {
		return alliance.ErrNotFound
	}
	w.Header().Set("Content-Type", mime.TypeByExtension(path.Ext(r.PathValue("file"))))
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, err := w.Write(b)
	return err
}

// pages are the parsed templates, one set per interface language: each page is
// the layout plus its own file.
type pages struct {
	byLang map[string]map[string]*template.Template // language → page name → template
}

// fixedText matches a translation without arguments, {{.T "key"}} or
// {{$.T "key"}}, and a static file's URL, {{asset "name"}}: both are known when
// the server starts, so they are written into each language's templates then.
// Executing them per request was most of the cost of rendering a page.
var fixedText = regexp.MustCompile(`\{\{\$?\.T "([a-z0-9_.]+)"\}\}|\{\{asset "([^"]+)"\}\}`)

// compile writes the fixed text of lang into a template's source. Translations
// are HTML-escaped: the templates use them only in text and quoted attributes.
func compile(src string, lang string, cat *i18n.Catalog, a *assets) string {
	return fixedText.ReplaceAllStringFunc(src, func(m string) string {
		sub := fixedText.FindStringSubmatch(m)
		if sub[1] != "" {
			return html.EscapeString(cat.T(lang, sub[1]))
		}
		return a.url(sub[2])
	})
}

func parsePages(a *assets, cat *i18n.Catalog) (*pages, error) {
	p := &pages{byLang: map[string]map[string]*template.Template{}}
	for _, lang := range i18n.Languages {
		set, err := parseLanguage(a, cat, lang)
		if err != nil {
			return nil, err
		}
		p.byLang[lang] = set
	}
	return p, nil
}

func parseLanguage(a *assets, cat *i18n.Catalog, lang string) (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"asset": a.url,
		"date":  func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
		"list":  func(s []string) string { return strings.Join(s, ", ") },
		"list2": func(s ...string) []string { return s },
		"has":   func(list []string, s string) bool { return slices.Contains(list, s) },
	}
	read := func(name string) (string, error) {
		b, err := templateFS.ReadFile("templates/" + name)
		return compile(string(b), lang, cat, a), err
	}
	layout := template.New("layout.html").Funcs(funcs)
	for _, name := range []string{"layout.html", "partials.tmpl"} {
		src, err := read(name)
		t := layout
		if name != layout.Name() {
			t = layout.New(name)
		}
		if err == nil {
			_, err = t.Parse(src)
		}
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
	}
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	set := map[string]*template.Template{}
	for _, f := range files {
		name := path.Base(f)
		if name == "layout.html" {
			continue
		}
		src, err := read(name)
		if err != nil {
			return nil, err
		}
		t, err := template.Must(layout.Clone()).New(name).Parse(src)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		set[strings.TrimSuffix(name, ".html")] = t
	}
	return set, nil
}

// Base is what every page shows: the layout's navigation, the user, the
// organisation, the language and the demo banner.
type Base struct {
	Title    string
	Lang     string
	User     *alliance.User
	Org      *alliance.Organisation
	CSRF     string
	Demo     bool
	Flash    string
	Error    string
	ErrField string
	Nav      []NavItem
	cat      *i18n.Catalog
}

// NavItem is a link of the main navigation.
type NavItem struct {
	Href, Label string
	Current     bool
}

// LangChoice is a language of the picker.
type LangChoice struct {
	Code, Name string
	Selected   bool
}

// T translates key into the page's language.
func (b *Base) T(key string, args ...any) string { return b.cat.T(b.Lang, key, args...) }

// Page is implemented by every page struct through its embedded Base.
type Page interface{ base() *Base }

func (b *Base) base() *Base { return b }

// newBase fills the common part of a page for the request.
func (s *Server) newBase(r *http.Request, titleKey string) *Base {
	st := stateOf(r)
	b := &Base{Lang: st.lang, cat: s.cat, Demo: s.svc.Config().Demo}
	b.Title = b.T(titleKey)
	if st.auth != nil {
		b.User = st.auth.User
		if st.auth.Session != nil {
			b.CSRF = st.auth.Session.CSRFToken
		}
		if o, err := s.svc.Store().Organisation(r.Context(), b.User.OrgID); err == nil {
			b.Org = o
		}
		if st.route.access == signedIn || st.route.access == optional {
			b.Nav = s.nav(b, r.URL.Path)
		}
	}
	if f := r.URL.Query().Get("flash"); f != "" && s.cat.Has("flash."+f) {
		b.Flash = b.T("flash." + f)
	}
	return b
}

func (s *Server) nav(b *Base, current string) []NavItem {
	items := []NavItem{{Href: "/", Label: b.T("nav.home")}}
	if b.User.Role == alliance.RoleSuperadmin {
		items = append(items, NavItem{Href: "/organisations", Label: b.T("nav.organisations")})
	} else {
		items = append(items, NavItem{Href: fmt.Sprintf("/organisations/%d", b.User.OrgID), Label: b.T("nav.organisation")})
	}
	if b.User.Role != alliance.RoleSuperadmin && b.User.Role.ReadsPersonalData() {
		items = append(items, NavItem{Href: "/screenings", Label: b.T("nav.screenings")},
			NavItem{Href: "/cases", Label: b.T("nav.cases")}, NavItem{Href: "/referrals", Label: b.T("nav.referrals")})
	}
	if b.User.Role != alliance.RoleSuperadmin {
		items = append(items, NavItem{Href: "/watchlist", Label: b.T("nav.watchlist")}, NavItem{Href: "/linkage", Label: b.T("nav.linkage")})
	}
	if b.User.Role == alliance.RoleAdmin || b.User.Role == alliance.RoleSuperadmin {
		items = append(items, NavItem{Href: "/audit", Label: b.T("nav.audit")})
	}
	if b.User.Role == alliance.RoleAdmin {
		items = append(items, NavItem{Href: "/webhooks", Label: b.T("nav.webhooks")})
	}
	items = append(items, NavItem{Href: "/account", Label: b.T("nav.account")})
	for i := range items {
		items[i].Current = items[i].Href == current || (items[i].Href != "/" && strings.HasPrefix(current, items[i].Href+"/"))
	}
	return items
}

// render executes a page into a buffer and writes it only when it succeeded, so a
// template error never sends half a page.
func (s *Server) render(w http.ResponseWriter, status int, name string, p Page) error {
	t, ok := s.pages.byLang[p.base().Lang][name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}

// ErrorPage shows an error.
type ErrorPage struct {
	*Base
	Status  int
	Message string
}

// fail answers an error: JSON for the API, a redirect to sign-in for pages that
// need a session, and the error page otherwise.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	st := stateOf(r)
	status := statusOf(err)
	if st.route.api {
		writeJSON(w, status, map[string]any{"error": map[string]string{"code": codeOf(err), "message": messageOf(err)}})
		return
	}
	if status == http.StatusUnauthorized && r.Method == http.MethodGet {
		s.redirectToSignIn(w, r, err)
		return
	}
	b := s.newBase(r, "error.title")
	if rerr := s.render(w, status, "error", &ErrorPage{Base: b, Status: status, Message: s.errorText(b, err)}); rerr != nil {
		http.Error(w, http.StatusText(status), status)
	}
}

// errorText gives the message of err in the page's language when the catalogue
// knows its status, else the service's own message.
func (s *Server) errorText(b *Base, err error) string {
	if status := statusOf(err); status == http.StatusNotFound || status >= 500 {
		return b.T(fmt.Sprintf("error.%d", status))
	}
	return s.localise(b.Lang, err)
}

// localise returns the message of err in lang. Pages say what is wrong with a
// field in the user's language ("err.invalid.country"), or what kind of error it
// is ("err.forbidden"); the service's English message, which the API returns,
// is the fallback.
func (s *Server) localise(lang string, err error) string {
	var e *alliance.Error
	if errors.As(err, &e) {
		keys := []string{"err." + string(e.Code)}
		if e.Field != "" {
			keys = append([]string{"err." + string(e.Code) + "." + e.Field}, keys...)
		}
		for _, k := range keys {
			if s.cat.Has(k) {
				return s.cat.T(lang, k)
			}
		}
	}
	return messageOf(err)
}

func (s *Server) redirectToSignIn(w http.ResponseWriter, r *http.Request, err error) {
	st := stateOf(r)
	if err == errSecondFactor && st.auth != nil {
		if s.svc.NeedsEnrolment(st.auth.User) {
			http.Redirect(w, r, "/account/2fa", http.StatusSeeOther)
		} else {
			http.Redirect(w, r, "/login/2fa?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		}
		return
	}
	http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) error {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		stateOf(r).route.api = true
	}
	return &alliance.Error{Code: alliance.CodeNotFound, Message: "no such page: " + r.URL.Path}
}
