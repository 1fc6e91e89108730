// Package web serves Alliance over HTTP: server-rendered pages and the JSON API
// under /api/v1, over the same services of internal/app. Every route is declared in
// routes.go; templates and static files are embedded and parsed once at start-up.
package web

import (
	"log/slog"
	"net/http"
	"time"

	"alliance/internal/app"
	"alliance/internal/i18n"
	"alliance/internal/metrics"
)

// Options configure the web server.
type Options struct {
	// SecureCookies forces the Secure attribute on cookies. Without it, cookies are
	// Secure whenever the request arrived over TLS (directly or, with TrustProxy,
	// as said by X-Forwarded-Proto).
	SecureCookies bool
	// TrustProxy takes the client address and scheme from X-Forwarded-For and
	// X-Forwarded-Proto; set it only behind a reverse proxy that sets them.
	TrustProxy bool
	// MaxBodyBytes limits request bodies (default 1 MiB).
	MaxBodyBytes int64
	// MaxUploadBytes limits the files of an import (default 64 MiB).
	MaxUploadBytes int64
	Version        string
}

// Server holds what every request needs.
type Server struct {
	svc     *app.Service
	opts    Options
	log     *slog.Logger
	cat     *i18n.Catalog
	pages   *pages
	assets  *assets
	metrics *metrics.Registry
	routes  []route
	handler http.Handler
	started time.Time
}

// New builds the server: it loads the catalogues, parses every template and hashes
// the static files, so that a broken template fails at start, not at the first
// request.
func New(svc *app.Service, reg *metrics.Registry, log *slog.Logger, opts Options) (*Server, error) {
	if opts.MaxUploadBytes == 0 {
		opts.MaxUploadBytes = 64 << 20
	}
	if opts.MaxBodyBytes == 0 {
		opts.MaxBodyBytes = 1 << 20
	}
	cat, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	as, err := loadAssets()
	if err != nil {
		return nil, err
	}
	pg, err := parsePages(as, cat)
	if err != nil {
		return nil, err
	}
	s := &Server{svc: svc, opts: opts, log: log, cat: cat, pages: pg, assets: as, metrics: reg, started: time.Now()}
	s.routes = s.routeTable()
	mux := http.NewServeMux()
	for _, rt := range s.routes {
		mux.Handle(rt.method+" "+rt.pattern, s.wrap(rt))
	}
	mux.Handle("/", s.wrap(route{method: "GET", pattern: "/", access: optional, h: s.notFound}))
	s.handler = s.recoverer(s.securityHeaders(mux))
	return s, nil
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }
