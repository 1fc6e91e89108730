package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"alliance"
)

func cmdAuditVerify(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "audit verify", "[--db DB]")
	var d dbFlags
	d.register(fs, e)
	if err := parse(fs, args); err != nil {
		return err
	}
	o, err := d.open(ctx)
	if err != nil {
		return err
	}
	defer o.Close()
	v := o.vault.AuditChainer().NewChainVerifier()
	if err := o.store.ScanAudit(ctx, v.Check); err != nil {
		return fmt.Errorf("audit log is NOT intact after %d good entries: %w", v.Verified(), err)
	}
	fmt.Fprintf(e.stdout, "audit log intact: %d entries\n", v.Verified())
	return nil
}

func cmdKeyRotate(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "key rotate", "[--db DB]")
	var d dbFlags
	d.register(fs, e)
	settle := fs.Duration("settle", 3*time.Second, "how long to wait for running servers to pick up the new key (they look every second)")
	if err := parse(fs, args); err != nil {
		return err
	}
	o, err := d.open(ctx)
	if err != nil {
		return err
	}
	defer o.Close()
	total := 0
	err = o.vault.Rotate(ctx, o.store, *settle, func(n int) { total += n })
	if err != nil {
		return err
	}
	err = o.store.Update(ctx, func(tx alliance.Tx) error {
		return tx.AppendAudit(ctx, &alliance.AuditEntry{Action: "key.rotate", ResourceType: "data_key", RemoteAddr: "cli", Outcome: alliance.OutcomeSuccess, Detail: fmt.Sprintf("%d values re-encrypted", total)})
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "new data key active; %d values re-encrypted\n", total)
	return nil
}

func cmdBackup(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "backup", "--out FILE [--db DB]")
	var d dbFlags
	d.register(fs, e)
	out := fs.String("out", "", "file to write the copy to; must not exist (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return errUsage{"--out FILE is required"}
	}
	t, err := parseDB(d.db)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, t)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, *out); err != nil { // PostgreSQL says to use pg_dump here
		return err
	}
	o := &opened{store: st, keyPath: t.keyFile(d.keyFile)}
	if err := o.loadKeys(ctx); err != nil {
		return fmt.Errorf("backup written to %s, but it cannot be recorded in the audit log: %w", *out, err)
	}
	// A copy of every password hash and audit entry has left the database: record
	// it. The file name says which copy; its directories are nobody's business.
	err = o.store.Update(ctx, func(tx alliance.Tx) error {
		return tx.AppendAudit(ctx, &alliance.AuditEntry{Action: "backup", ResourceType: "database", RemoteAddr: "cli",
			Outcome: alliance.OutcomeSuccess, Detail: "copy written to " + filepath.Base(*out)})
	})
	if err != nil {
		return fmt.Errorf("backup written to %s, but recording it in the audit log failed: %w", *out, err)
	}
	fmt.Fprintf(e.stdout, "backup written to %s; keep the key file (%s) too, stored apart: without it the copy cannot be read\n", *out, o.keyPath)
	return nil
}

func cmdVersion(_ context.Context, e env, args []string) error {
	fs := newFlags(e, "version", "")
	if err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "alliance %s\n", version)
	return nil
}
