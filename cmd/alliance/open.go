package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"alliance"
	"alliance/internal/app"
	"alliance/internal/postgres"
	"alliance/internal/sqlite"
	"alliance/internal/vault"
)

// dbFlags are the flags every command that opens the database shares.
type dbFlags struct {
	db      string
	keyFile string
}

func (d *dbFlags) register(fs *flag.FlagSet, e env) {
	def := e.getenv("ALLIANCE_DB")
	if def == "" {
		def = "sqlite:alliance.db"
	}
	fs.StringVar(&d.db, "db", def, "database: sqlite:PATH or postgres://user@host:port/dbname (env ALLIANCE_DB)")
	fs.StringVar(&d.keyFile, "key-file", e.getenv("ALLIANCE_KEY_FILE"), "key file encrypting identity fields (env ALLIANCE_KEY_FILE; default: next to a SQLite database, PATH.key; ./alliance.key for PostgreSQL)")
}

// target is a parsed --db value.
type target struct {
	sqlitePath  string
	postgresDSN string
}

// parseDB reads a --db value and says how to write it when it is wrong.
func parseDB(s string) (target, error) {
	switch {
	case strings.HasPrefix(s, "sqlite:"):
		p := strings.TrimPrefix(s, "sqlite:")
		p = strings.TrimPrefix(p, "//")
		if p == "" {
			return target{}, errUsage{"--db sqlite: needs a file path, e.g. sqlite:alliance.db"}
		}
		return target{sqlitePath: p}, nil
	case strings.HasPrefix(s, "postgres://"), strings.HasPrefix(s, "postgresql://"):
		u, err := url.Parse(s)
		if err != nil || u.Host == "" {
			return target{}, errUsage{"--db: malformed PostgreSQL URL; write postgres://USER[:PASSWORD]@HOST:PORT/DBNAME?sslmode=disable"}
		}
		return target{postgresDSN: s}, nil
	}
	return target{}, errUsage{fmt.Sprintf("--db: unknown kind of database %q; use sqlite:PATH (e.g. sqlite:alliance.db) or a postgres:// URL", scheme(s))}
}

// scheme returns what precedes the first colon of a --db value: enough to say
// what was not understood without repeating a password that may follow.
func scheme(s string) string {
	if i := strings.IndexAny(s, ":@/"); i >= 0 {
		return s[:i]
	}
	if len(s) > 20 {
		return s[:20] + "…"
	}
	return s
}

func (t target) keyFile(flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	if t.sqlitePath != "" {
		return t.sqlitePath + ".key"
	}
	return "alliance.key"
}

// openStore opens and migrates the database.
func openStore(ctx context.Context, t target) (alliance.Store, error) {
	var st alliance.Store
	var err error
	if t.sqlitePath != "" {
		if dir := filepath.Dir(t.sqlitePath); dir != "." {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, fmt.Errorf("database directory: %w", err)
			}
		}
		st, err = sqlite.Open(ctx, t.sqlitePath)
	} else {
		st, err = postgres.Open(ctx, t.postgresDSN)
	}
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return st, nil
}

// opened is an open, keyed database.
type opened struct {
	store   alliance.Store
	vault   *vault.Vault
	keyPath string
	created bool
}

func (o *opened) Close() error { return o.store.Close() }

// open opens the database, loads (or on first start creates) the key file and
// installs the keys. A key file that cannot decrypt the database fails here, at
// once.
func (d *dbFlags) open(ctx context.Context) (*opened, error) {
	t, err := parseDB(d.db)
	if err != nil {
		return nil, err
	}
	st, err := openStore(ctx, t)
	if err != nil {
		return nil, err
	}
	o := &opened{store: st, keyPath: t.keyFile(d.keyFile)}
	if err := o.loadKeys(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return o, nil
}

func (o *opened) loadKeys(ctx context.Context) error {
	if _, err := os.Stat(o.keyPath); errors.Is(err, os.ErrNotExist) {
		keys, err := o.store.DataKeys(ctx)
		if err != nil {
			return err
		}
		if len(keys) > 0 {
			return alliance.Errorf(alliance.CodeInvalid, "key file %s does not exist, but this database holds data encrypted under a key file; set --key-file or ALLIANCE_KEY_FILE to the key file created with this database", o.keyPath)
		}
	}
	master, created, err := vault.LoadOrCreateMasterKey(o.keyPath)
	if err != nil {
		return err
	}
	o.created = created
	v, err := vault.Open(ctx, master, o.store)
	if err != nil {
		return fmt.Errorf("key file %s: %w", o.keyPath, err)
	}
	o.vault = v
	o.store.UseKeys(v, v.AuditChainer())
	return nil
}

// newLogger writes JSON logs unless w is a terminal.
func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			return slog.New(slog.NewTextHandler(w, opts))
		}
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

func newService(o *opened, cfg app.Config, log *slog.Logger) *app.Service {
	return app.New(o.store, cfg, log)
}
