// Command loadgen drives an Alliance server on loopback with a fixed number of
// concurrent clients for a fixed time and reports throughput and latency
// percentiles. It is the tool behind the figures in BENCHMARKS.md: performance
// targets are measured with it against a running server, never asserted in tests.
//
// Usage:
//
//	loadgen --url http://127.0.0.1:8080 [--email E --password P | --token T]
//	        [--concurrency 50] [--duration 30s] [--warmup 3s] [--method GET]
//	        [--path /] [--body JSON] [--csrf-header] [--accept-redirect] [--json]
//
// With --email and --password it signs in as a browser does (the login form and
// its CSRF cookie) and sends the session cookie; with --token it sends
// "Authorization: Bearer T". Every "{n}" in --path and --body is replaced by a
// request counter, so writes can be made unique.
//
// Exit codes: 0 when every measured request succeeded, 1 when any failed (or the
// sign-in failed), 2 when the flags are wrong.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// config is the parsed command line.
type config struct {
	base           *url.URL
	email          string
	password       string
	token          string
	concurrency    int
	duration       time.Duration
	warmup         time.Duration
	timeout        time.Duration
	method         string
	path           string
	body           string
	contentType    string
	csrfHeader     bool
	csrfPage       string
	acceptRedirect bool
	json           bool
}

// run executes one load test described by args and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "loadgen: %v; run 'loadgen -h' for the flags\n", err)
		return exitUsage
	}
	client := newClient(cfg.concurrency, cfg.timeout)
	creds, err := signIn(ctx, client, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "loadgen: %v\n", err)
		return exitFail
	}
	res := generate(ctx, client, cfg, creds)
	rep := summarise(cfg, res)
	if cfg.json {
		err = writeJSON(stdout, rep)
	} else {
		err = writeTable(stdout, rep)
	}
	if err != nil {
		fmt.Fprintf(stderr, "loadgen: write report: %v\n", err)
		return exitFail
	}
	if rep.Failed > 0 {
		fmt.Fprintf(stderr, "loadgen: %d of %d requests failed\n", rep.Failed, rep.Requests)
		return exitFail
	}
	return exitOK
}

// parseFlags reads the command line; -h prints the flags to stdout and returns
// flag.ErrHelp.
func parseFlags(args []string, stdout io.Writer) (config, error) {
	var c config
	var rawURL string
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&rawURL, "url", "", "base URL of the server, e.g. http://127.0.0.1:8080 (required)")
	fs.StringVar(&c.email, "email", "", "sign in through the login form as this user (with --password)")
	fs.StringVar(&c.password, "password", "", "password for --email")
	fs.StringVar(&c.token, "token", "", "API token, sent as \"Authorization: Bearer TOKEN\"")
	fs.IntVar(&c.concurrency, "concurrency", 50, "concurrent clients, each sending its next request when the last one is answered")
	fs.DurationVar(&c.duration, "duration", 30*time.Second, "how long to measure, after the warm-up")
	fs.DurationVar(&c.warmup, "warmup", 3*time.Second, "load sent before measuring; its results are discarded")
	fs.DurationVar(&c.timeout, "timeout", 30*time.Second, "time limit of one request")
	fs.StringVar(&c.method, "method", "GET", "HTTP method")
	fs.StringVar(&c.path, "path", "/", "request path and query; {n} is replaced by a request counter")
	fs.StringVar(&c.body, "body", "", "request body; {n} is replaced by a request counter")
	fs.StringVar(&c.contentType, "content-type", "application/json", "Content-Type of --body")
	fs.BoolVar(&c.csrfHeader, "csrf-header", false, "send the session's CSRF token in X-CSRF-Token (API writes with --email)")
	fs.StringVar(&c.csrfPage, "csrf-page", "/account", "signed-in page whose form holds the session's CSRF token")
	fs.BoolVar(&c.acceptRedirect, "accept-redirect", false, "count 3xx answers as successes")
	fs.BoolVar(&c.json, "json", false, "print the report as one JSON object")
	fs.Usage = func() {
		fmt.Fprintln(stdout, "Usage: loadgen --url URL [--email E --password P | --token T] [flags]\n\nFlags:")
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	base, err := parseBase(rawURL)
	if err != nil {
		return c, err
	}
	c.base = base
	c.method = strings.ToUpper(c.method)
	return c, c.validate()
}

func parseBase(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, errors.New("--url is required")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--url %q: want http://HOST:PORT or https://HOST:PORT", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	return u, nil
}

func (c config) validate() error {
	switch {
	case (c.email == "") != (c.password == ""):
		return errors.New("--email and --password go together")
	case c.email != "" && c.token != "":
		return errors.New("use either --email/--password or --token, not both")
	case c.csrfHeader && c.email == "":
		return errors.New("--csrf-header needs a session: give --email and --password")
	case c.concurrency < 1:
		return fmt.Errorf("--concurrency %d: want at least 1", c.concurrency)
	case c.duration <= 0:
		return fmt.Errorf("--duration %s: want more than 0", c.duration)
	case c.warmup < 0:
		return fmt.Errorf("--warmup %s: want 0 or more", c.warmup)
	case c.timeout <= 0:
		return fmt.Errorf("--timeout %s: want more than 0", c.timeout)
	case !strings.HasPrefix(c.path, "/"):
		return fmt.Errorf("--path %q: want a path starting with /", c.path)
	case !strings.HasPrefix(c.csrfPage, "/"):
		return fmt.Errorf("--csrf-page %q: want a path starting with /", c.csrfPage)
	case c.method == "" || strings.ContainsAny(c.method, " \t\r\n"):
		return fmt.Errorf("--method %q: want an HTTP method such as GET", c.method)
	}
	return nil
}
