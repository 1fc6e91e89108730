package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"alliance"
	"alliance/internal/sqlite"
	"alliance/internal/storetest"
)

// TestGroupCommitIsolatesWrites runs many writes at once, so that they share
// transactions: the failing ones, the panicking one and the cancelled one leave
// nothing behind, the others all commit, and the audit chain stays intact.
func TestGroupCommitIsolatesWrites(t *testing.T) {
	s := open(t).(*sqlite.Store)
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	cipher, chainer := storetest.TestKeys()
	s.UseKeys(cipher, chainer)
	ctx := context.Background()
	const n = 200
	var wg sync.WaitGroup
	errs := make([]error, n)
	panics := make([]any, n)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	for i := range n {
		wg.Go(func() {
			defer func() { panics[i] = recover() }()
			c := ctx
			if i == 7 {
				c = cancelled
			}
			errs[i] = s.Update(c, func(tx alliance.Tx) error {
				e := &alliance.AuditEntry{Action: fmt.Sprintf("w%d", i), Outcome: alliance.OutcomeSuccess}
				if err := tx.AppendAudit(ctx, e); err != nil {
					return err
				}
				switch {
				case i == 13:
					panic("boom")
				case i%5 == 0:
					return errors.New("refused")
				}
				return nil
			})
		})
	}
	wg.Wait()
	want := map[string]bool{}
	for i := range n {
		switch {
		case i == 13:
			if panics[i] != "boom" {
				t.Errorf("write 13: panic %v, want boom raised in its caller", panics[i])
			}
		case i == 7:
			if !errors.Is(errs[i], context.Canceled) {
				t.Errorf("write 7 with a cancelled context: %v", errs[i])
			}
		case i%5 == 0:
			if errs[i] == nil || errs[i].Error() != "refused" {
				t.Errorf("write %d: %v, want its own error", i, errs[i])
			}
		default:
			if errs[i] != nil || panics[i] != nil {
				t.Errorf("write %d: %v %v, want success", i, errs[i], panics[i])
			}
			want[fmt.Sprintf("w%d", i)] = true
		}
	}
	got := map[string]bool{}
	v := chainer.NewChainVerifier()
	err := s.ScanAudit(ctx, func(e *alliance.AuditEntry) error {
		got[e.Action] = true
		return v.Check(e)
	})
	if err != nil {
		t.Fatalf("audit chain: %v", err)
	}
	if len(got) != len(want) {
		t.Errorf("%d entries committed, want %d", len(got), len(want))
	}
	for a := range want {
		if !got[a] {
			t.Errorf("entry %s of a successful write is missing", a)
		}
	}
}
