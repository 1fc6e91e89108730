package vault

import (
	"context"
	"fmt"
	"time"
)

// reencryptBatch is how many values one Reencrypt call re-seals; each batch is
// one short transaction, so that a rotation never holds the database for long.
const reencryptBatch = 500

// Reencrypter is a key store that can re-seal its identity values under the
// active data key. alliance.Store satisfies it.
type Reencrypter interface {
	KeyStore
	// Reencrypt re-seals up to limit values that are not under the active data
	// key and returns how many it re-sealed.
	Reencrypt(ctx context.Context, limit int) (int, error)
}

// Rotate generates a new data key, stores it and makes it active, then re-seals
// every identity value in st under it. st must be the database the vault was
// opened on, with this vault installed as its cipher.
//
// Servers that run meanwhile keep sealing under the old key until their next
// Refresh; Rotate therefore waits settle (longer than the servers' refresh
// interval) before the first sweep, and once more after it, sweeping again to
// catch values sealed under the old key during the window. The old data keys
// stay in the database, retired: a value sealed under one later still opens, so
// nothing can become unreadable. progress, when not nil, is called after each
// batch with the number of values re-sealed so far.
func (v *Vault) Rotate(ctx context.Context, st Reencrypter, settle time.Duration, progress func(done int)) error {
	if err := v.addDataKey(ctx, st, false); err != nil {
		return err
	}
	if err := v.refreshFrom(ctx, st); err != nil {
		return err
	}
	done := 0
	for range 2 {
		if err := sleep(ctx, settle); err != nil {
			return err
		}
		if err := sweep(ctx, st, &done, progress); err != nil {
			return err
		}
	}
	return nil
}

// sweep calls Reencrypt in batches until a pass finds nothing left to re-seal.
func sweep(ctx context.Context, st Reencrypter, done *int, progress func(int)) error {
	for {
		n, err := st.Reencrypt(ctx, reencryptBatch)
		if err != nil {
			return fmt.Errorf("re-encrypt after %d values: %w", *done, err)
		}
		if n == 0 {
			return nil
		}
		*done += n
		if progress != nil {
			progress(*done)
		}
	}
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
