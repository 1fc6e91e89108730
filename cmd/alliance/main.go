// Command alliance is the Alliance server and its administration tool: one binary
// that serves the web application and the API, migrates the database, manages
// organisations, users and tokens, verifies the audit log, rotates keys and makes
// backups. Run `alliance help` for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"alliance"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// env is the process environment as the commands see it, so tests can call run
// with their own.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "run the web server (migrates the database first)", cmdServe},
		{"migrate", "apply database migrations and exit", cmdMigrate},
		{"org add", "add an organisation", cmdOrgAdd},
		{"user add", "add a user; the password is read from standard input", cmdUserAdd},
		{"user reset-2fa", "remove a user's second factor so they enrol again", cmdUserReset2FA},
		{"token create", "create an API token for a user and print it once", cmdTokenCreate},
		{"audit verify", "check the audit log's hash chain", cmdAuditVerify},
		{"key rotate", "re-encrypt identity fields under a new data key (safe while serving)", cmdKeyRotate},
		{"backup", "write a consistent copy of a SQLite database", cmdBackup},
		{"link encode", "encode records for privacy-preserving record linkage (CSV in, .clk out)", cmdLinkEncode},
		{"link match", "match partners' .clk files and write the clusters (source,id,cluster)", cmdLinkMatch},
		{"assess", "explain an assessment against the ILO indicators (JSON in, JSON out)", cmdAssess},
		{"screen", "screen names (CSV) against watch lists in any script; hits as CSV", cmdScreen},
		{"version", "print the version", cmdVersion},
	}
}

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1 // the command ran and failed (e.g. a broken audit chain)
	exitUsage = 2 // the command line or the input is wrong
)

// errUsage marks command-line errors, answered with exit code 2.
type errUsage struct{ msg string }

func (e errUsage) Error() string { return e.msg }

// run executes the command line args and returns the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if len(args) > 1 {
			return run(ctx, append(args[1:], "-h"), getenv, stdin, stdout, stderr)
		}
		usage(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	cmd, rest, ok := find(args)
	if !ok {
		fmt.Fprintf(stderr, "alliance: unknown command %q\n\n", strings.Join(args[:min(2, len(args))], " "))
		usage(stderr)
		return exitUsage
	}
	err := cmd.run(ctx, e, rest)
	return exitCode(stderr, cmd.name, err)
}

func find(args []string) (command, []string, bool) {
	for _, c := range commands() {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.name {
			return c, args[len(words):], true
		}
	}
	return command{}, nil, false
}

func exitCode(stderr io.Writer, name string, err error) int {
	var ue errUsage
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "alliance %s: %s\n", name, ue.msg)
		return exitUsage
	case alliance.ErrorCode(err) == alliance.CodeInvalid:
		fmt.Fprintf(stderr, "alliance %s: %v\n", name, err)
		return exitUsage
	}
	fmt.Fprintf(stderr, "alliance %s: %v\n", name, err)
	return exitFail
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Alliance: identify, refer and protect people in labour exploitation, together.")
	fmt.Fprintln(w, "\nUsage: alliance COMMAND [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-16s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'alliance COMMAND -h' for the flags of a command.")
	fmt.Fprintln(w, "\nEnvironment:\n  ALLIANCE_DB        database, as for --db\n  ALLIANCE_KEY_FILE  key file, as for --key-file")
}

// newFlags returns a FlagSet for a command whose errors are returned, not printed
// and exited on; -h prints the usage to standard output.
func newFlags(e env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("alliance "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fs.SetOutput(e.stdout)
		fmt.Fprintf(e.stdout, "Usage: alliance %s %s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// parse parses flags, turning a bad flag into a usage error that names it.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage{err.Error() + "; run '" + fs.Name() + " -h' for the flags"}
	}
	return nil
}
