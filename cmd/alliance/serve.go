package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"alliance"
	"alliance/internal/app"
	"alliance/internal/interview"
	"alliance/internal/jobs"
	"alliance/internal/metrics"
	"alliance/internal/screening"
	"alliance/internal/web"
)

func cmdServe(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "serve", "[--addr HOST:PORT] [--demo] [--next-steps FILE] [--reflection-days N] [--digest-hour H] [--watch-list FILE ...] [--webhook-allow-private] [--background-work=false] [--db DB]")
	var d dbFlags
	d.register(fs, e)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	demo := fs.Bool("demo", false, "seed the demo alliance into an empty database and waive the second factor (synthetic data only)")
	secure := fs.Bool("secure-cookies", false, "always mark cookies Secure (set this when TLS ends at a proxy that does not send X-Forwarded-Proto)")
	trustProxy := fs.Bool("trust-proxy", false, "take client address and scheme from X-Forwarded-For and X-Forwarded-Proto")
	debug := fs.Bool("debug", false, "log every request")
	nextSteps := fs.String("next-steps", "", "JSON file of the next steps proposed on a screening's result (default: the built-in list)")
	digestHour := fs.Int("digest-hour", 6, "hour of the day (UTC) when each organisation's daily digest goes to its digest.daily webhooks")
	work := fs.Bool("background-work", true, "run the background work done for the whole deployment (webhooks, digests, linkage matching, rescreening, retention); with several servers, on one only")
	hooksPrivate := fs.Bool("webhook-allow-private", false, "let webhooks reach loopback and private addresses (an integration inside the deployment's own network)")
	var watch screenListFlags
	fs.Var(&watch, "watch-list", "a watch list to screen names against (CSV, OpenSanctions FtM JSON lines or targets.simple.csv; repeat for several; builtin:sample is a synthetic demo list)")
	reflection := fs.Int("reflection-days", app.DefaultConfig().ReflectionDays, "length of the recovery and reflection period a positive reasonable-grounds decision starts (at least 30: CoE Convention Art. 13)")
	if err := parse(fs, args); err != nil {
		return err
	}
	steps, err := loadNextSteps(*nextSteps)
	if err != nil {
		return err
	}
	if *digestHour < 0 || *digestHour > 23 {
		return errUsage{fmt.Sprintf("--digest-hour %d: give an hour from 0 to 23", *digestHour)}
	}
	if *reflection < 30 || *reflection > 365 {
		return errUsage{fmt.Sprintf("--reflection-days %d: give 30 to 365 days (the Convention requires at least 30)", *reflection)}
	}
	level := slog.LevelInfo
	if *debug {
		level = slog.LevelDebug
	}
	log := newLogger(e.stderr, level)
	o, err := d.open(ctx)
	if err != nil {
		return err
	}
	defer o.Close()
	if o.created {
		log.Info("created key file; back it up apart from the database", "path", o.keyPath)
	}
	cfg := app.DefaultConfig()
	cfg.Demo = *demo
	cfg.ReflectionDays = *reflection
	cfg.WebhookAllowPrivate = *hooksPrivate
	svc := newService(o, cfg, log)
	svc.SetInterview(interview.Builtin(), steps)
	if len(watch) == 0 && *demo {
		watch = screenListFlags{screenSampleList}
	}
	if err := installWatchLists(ctx, svc, watch); err != nil {
		return err
	}
	if *demo {
		if err := seedDemo(ctx, e, svc); err != nil {
			return err
		}
	}
	reg := metrics.New()
	registerPoolGauges(reg, o.store)
	srv, err := web.New(svc, reg, log, web.Options{SecureCookies: *secure, TrustProxy: *trustProxy, Version: version})
	if err != nil {
		return err
	}
	bg, stopJobs := context.WithCancel(ctx)
	defer stopJobs()
	jobs.Every(bg, reg, log, "session_cleanup", 5*time.Minute, svc.CleanSessions)
	jobs.Every(bg, reg, log, "key_refresh", time.Second, o.vault.Refresh)
	if *work {
		startWork(bg, reg, log, svc, *digestHour)
	}
	return listenAndServe(ctx, e, log, *addr, srv)
}

// loadNextSteps reads a deployment's next steps, checked against the
// questionnaire's catalogue; "" gives the built-in list. A malformed file is a
// usage error that names the file and what is wrong.
func loadNextSteps(path string) (*interview.NextSteps, error) {
	if path == "" {
		return interview.BuiltinNextSteps(), nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, errUsage{fmt.Sprintf("--next-steps: cannot read %q: %v", path, errors.Unwrap(err))}
	}
	steps, err := interview.ParseNextSteps(data, interview.Builtin().Catalog())
	if err != nil {
		return nil, errUsage{fmt.Sprintf("--next-steps %s: %v", path, err)}
	}
	return steps, nil
}

func seedDemo(ctx context.Context, e env, svc *app.Service) error {
	accounts, err := svc.SeedDemo(ctx)
	if alliance.ErrorCode(err) == alliance.CodeConflict {
		fmt.Fprintln(e.stdout, "The demo alliance is already in this database; its accounts are below.")
		accounts = svc.DemoAccounts()
	} else if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "DEMO MODE: synthetic data only; the second factor is not required.")
	fmt.Fprintf(e.stdout, "Every demo account has the password: %s\n", app.DemoPassword)
	for _, a := range accounts {
		fmt.Fprintf(e.stdout, "  %-36s %-11s %s\n", a.Email, a.Role, a.Organisation)
	}
	return nil
}

func registerPoolGauges(reg *metrics.Registry, st alliance.Store) {
	reg.Gauge("alliance_db_connections", "Database connections by state.", func() []metrics.Sample {
		p := st.PoolStats()
		return []metrics.Sample{
			{Labels: `state="open"`, Value: float64(p.OpenConnections)},
			{Labels: `state="in_use"`, Value: float64(p.InUse)},
			{Labels: `state="idle"`, Value: float64(p.Idle)},
		}
	})
	reg.Gauge("alliance_db_wait_count", "Connections waited for since start.", func() []metrics.Sample {
		return []metrics.Sample{{Value: float64(st.PoolStats().WaitCount)}}
	})
	reg.Gauge("alliance_db_wait_seconds", "Time spent waiting for connections since start.", func() []metrics.Sample {
		return []metrics.Sample{{Value: st.PoolStats().WaitDuration.Seconds()}}
	})
}

// listenAndServe serves until ctx ends (SIGINT or SIGTERM), then lets requests in
// flight finish for up to 15 seconds.
func listenAndServe(ctx context.Context, e env, log *slog.Logger, addr string, h http.Handler) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return errUsage{fmt.Sprintf("--addr %s: %v", addr, err)}
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second, WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second}
	fmt.Fprintf(e.stdout, "Alliance listening on http://%s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// installWatchLists stores the lists given with --watch-list as versions,
// under their file names, and builds the matcher from every list in force. A
// malformed file stops the server, naming its faults.
func installWatchLists(ctx context.Context, svc *app.Service, paths []string) error {
	files := map[string][]byte{}
	for _, p := range paths {
		if p == screenSampleList {
			files[p] = screening.SampleCSV
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return errUsage{fmt.Sprintf("--watch-list: cannot read %q: %v", p, errors.Unwrap(err))}
		}
		if _, dup := files[filepath.Base(p)]; dup {
			return errUsage{fmt.Sprintf("--watch-list: two files are named %q; a list is known by its file's name", filepath.Base(p))}
		}
		files[filepath.Base(p)] = data
	}
	if err := svc.InstallWatchLists(ctx, files); err != nil {
		if alliance.ErrorCode(err) == alliance.CodeInvalid {
			return errUsage{"--watch-list: " + alliance.ErrorMessage(err)}
		}
		return err
	}
	return nil
}

// startWork starts the background work that one server of a deployment
// does for all: webhooks, the daily digest, matching linkage rounds,
// rescreening, retention. With several servers, run it on one (serve
// --background-work=false on the others), or deliveries and digests may go
// out twice.
func startWork(bg context.Context, reg *metrics.Registry, log *slog.Logger, svc *app.Service, digestHour int) {
	jobs.Every(bg, reg, log, "webhooks", 5*time.Second, svc.DeliverWebhooks)
	jobs.Daily(bg, reg, log, "digest", digestHour, svc.SendDigests)
	jobs.Every(bg, reg, log, "linkage", 5*time.Second, svc.RunLinkageRounds)
	jobs.Every(bg, reg, log, "watchlist_rescreen", 10*time.Second, svc.RescreenWatchLists)
	jobs.Every(bg, reg, log, "webhook_retention", time.Hour, svc.PurgeWebhookDeliveries)
	jobs.Every(bg, reg, log, "retention", time.Hour, func(ctx context.Context) error {
		_, err := svc.EraseExpired(ctx)
		return err
	})
}
