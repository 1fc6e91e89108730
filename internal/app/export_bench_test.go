package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"alliance"
	"alliance/internal/apptest"
)

// seedCases stores n synthetic cases in one organisation, straight through
// the store (sealed and indexed as the service would), in batches.
func seedCases(b *testing.B, st alliance.Store, org, user int64, n int) {
	b.Helper()
	ctx := context.Background()
	now := time.Now()
	for done := 0; done < n; {
		err := st.Update(ctx, func(tx alliance.Tx) error {
			for i := 0; i < 1000 && done < n; i, done = i+1, done+1 {
				k := &alliance.Case{OrgID: org, Reference: fmt.Sprintf("B-%07d", done), Stage: alliance.Stages[done%len(alliance.Stages)],
					Person: alliance.Person{GivenName: "Synthetic", FamilyName: fmt.Sprintf("Person%d", done), BirthDate: "1990",
						Gender: alliance.Genders[done%2], Citizenships: []string{"UA"}, Languages: []string{"uk"}},
					VictimContext: alliance.VictimContext{Exploitation: []string{"ForcedLabour"}, Industry: "A"},
					CreatedBy:     user, CreatedAt: now, UpdatedAt: now}
				if err := tx.CreateCase(ctx, k); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHTCDSExport streams every case of an organisation as HTCDS CSV
// with identity (decrypting each person) to io.Discard. It reports cases per
// second and the peak heap in use while exporting, which stays flat as the
// number of cases grows: the export holds one page of 500 cases at a time.
func BenchmarkHTCDSExport(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			st := apptest.Store(b)
			svc := New(st, DefaultConfig(), slog.New(slog.DiscardHandler))
			ctx := context.Background()
			o := &alliance.Organisation{Name: "Bench", Type: alliance.OrgNGO, Country: "XV", Languages: []string{"en"}}
			if err := svc.CreateOrganisation(ctx, System(), o); err != nil {
				b.Fatal(err)
			}
			u, err := svc.CreateUser(ctx, System(), NewUser{OrgID: o.ID, Email: "bench@example.org", Role: alliance.RoleCaseworker, Password: "correct horse battery staple"})
			if err != nil {
				b.Fatal(err)
			}
			seedCases(b, st, o.ID, u.ID, n)
			c := Caller{Actor: alliance.Actor{UserID: u.ID, OrgID: o.ID, Role: u.Role, SecondFactor: true}, RemoteAddr: "bench"}
			runtime.GC()
			var peak atomic.Uint64
			stop := make(chan struct{})
			go func() {
				var m runtime.MemStats
				for {
					select {
					case <-stop:
						return
					case <-time.After(5 * time.Millisecond):
						runtime.ReadMemStats(&m)
						if m.HeapInuse > peak.Load() {
							peak.Store(m.HeapInuse)
						}
					}
				}
			}()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				got, err := svc.ExportCases(ctx, c, io.Discard, FormatCSV, true)
				if err != nil || got != n {
					b.Fatalf("exported %d of %d: %v", got, n, err)
				}
			}
			b.StopTimer()
			close(stop)
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "cases/s")
			b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
		})
	}
}
