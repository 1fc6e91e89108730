package main

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"alliance"
	"alliance/internal/app"
)

// withService opens the database and runs fn with a service acting as the operator.
func withService(ctx context.Context, e env, d *dbFlags, fn func(*app.Service, *opened) error) error {
	o, err := d.open(ctx)
	if err != nil {
		return err
	}
	defer o.Close()
	log := newLogger(e.stderr, slog.LevelWarn)
	return fn(newService(o, app.DefaultConfig(), log), o)
}

func cmdMigrate(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "migrate", "[--db DB]")
	var d dbFlags
	d.register(fs, e)
	if err := parse(fs, args); err != nil {
		return err
	}
	return withService(ctx, e, &d, func(_ *app.Service, o *opened) error {
		fmt.Fprintln(e.stdout, "database is up to date")
		if o.created {
			fmt.Fprintf(e.stdout, "created key file %s: back it up apart from the database\n", o.keyPath)
		}
		return nil
	})
}

func cmdOrgAdd(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "org add", "--name NAME --type TYPE --country CC --languages en,fr")
	var d dbFlags
	d.register(fs, e)
	name := fs.String("name", "", "organisation name (required)")
	typ := fs.String("type", "", "one of: "+orgTypeList())
	country := fs.String("country", "", "ISO 3166-1 alpha-2 country code, e.g. DE")
	langs := fs.String("languages", "en", "working languages, comma separated")
	if err := parse(fs, args); err != nil {
		return err
	}
	o := &alliance.Organisation{Name: *name, Type: alliance.OrgType(*typ), Country: *country, Languages: strings.Split(*langs, ",")}
	return withService(ctx, e, &d, func(svc *app.Service, _ *opened) error {
		if err := svc.CreateOrganisation(ctx, app.System(), o); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "organisation %d: %s\n", o.ID, o.Name)
		return nil
	})
}

func orgTypeList() string {
	s := make([]string, len(alliance.OrgTypes))
	for i, t := range alliance.OrgTypes {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

func cmdUserAdd(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "user add", "--org ID --email EMAIL --role ROLE [--name NAME] < password")
	var d dbFlags
	d.register(fs, e)
	org := fs.Int64("org", 0, "organisation id (required)")
	email := fs.String("email", "", "email address, used to sign in (required)")
	role := fs.String("role", "", "superadmin, admin, caseworker, analyst or viewer (required)")
	name := fs.String("name", "", "display name")
	if err := parse(fs, args); err != nil {
		return err
	}
	pw, err := readPassword(e)
	if err != nil {
		return err
	}
	return withService(ctx, e, &d, func(svc *app.Service, _ *opened) error {
		u, err := svc.CreateUser(ctx, app.System(), app.NewUser{OrgID: *org, Email: *email, Name: *name, Role: alliance.Role(*role), Password: pw})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "user %d: %s (%s)\n", u.ID, u.Email, u.Role)
		return nil
	})
}

// readPassword reads the first line of standard input.
func readPassword(e env) (string, error) {
	sc := bufio.NewScanner(e.stdin)
	if !sc.Scan() {
		return "", errUsage{"give the password on standard input, e.g. `read -rs PW; echo \"$PW\" | alliance user add ...`"}
	}
	return strings.TrimRight(sc.Text(), "\r"), nil
}

func cmdUserReset2FA(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "user reset-2fa", "--email EMAIL")
	var d dbFlags
	d.register(fs, e)
	email := fs.String("email", "", "the user's email (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	return withService(ctx, e, &d, func(svc *app.Service, _ *opened) error {
		u, err := svc.UserByEmail(ctx, *email)
		if err != nil {
			return err
		}
		if err := svc.ResetTwoFactor(ctx, app.System(), u.ID); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "second factor of %s removed; their sessions ended; they enrol again at the next sign-in\n", u.Email)
		return nil
	})
}

func cmdTokenCreate(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "token create", "--email EMAIL --name NAME [--days N]")
	var d dbFlags
	d.register(fs, e)
	email := fs.String("email", "", "the user the token acts as (required)")
	name := fs.String("name", "", "what the token is for, e.g. \"nightly export\" (required)")
	days := fs.Int("days", 90, "days until the token expires (at most 365)")
	if err := parse(fs, args); err != nil {
		return err
	}
	return withService(ctx, e, &d, func(svc *app.Service, _ *opened) error {
		u, err := svc.UserByEmail(ctx, *email)
		if err != nil {
			return err
		}
		t, err := svc.CreateAPIToken(ctx, app.System(), u, *name, time.Duration(*days)*24*time.Hour)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, t.Token)
		fmt.Fprintf(e.stderr, "token %d for %s, expires %s; it is shown only this once\n", t.ID, u.Email, t.ExpiresAt.Format(time.DateOnly))
		return nil
	})
}
