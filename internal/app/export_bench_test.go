package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"slices"
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

// percentile returns the p-th percentile (0 < p < 100) of durations.
func percentile(ds []time.Duration, p float64) time.Duration {
	s := append([]time.Duration(nil), ds...)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p/100))]
}

// BenchmarkCases1M measures, on SQLite holding 1,000,000 synthetic cases of
// one organisation, the case list with two filters (a page of 50) and opening
// a case with its person, consent and an attached screening, each as the
// service runs it (policy, audit, encryption). It reports p50 and p95 over
// b.N rounds of each. Seeding takes about a minute and is not timed.
func BenchmarkCases1M(b *testing.B) {
	const n = 1_000_000
	st := apptest.Store(b)
	svc := New(st, DefaultConfig(), slog.New(slog.DiscardHandler))
	ctx := context.Background()
	o := &alliance.Organisation{Name: "Bench", Type: alliance.OrgNGO, Country: "XV", Languages: []string{"en"}}
	if err := svc.CreateOrganisation(ctx, System(), o); err != nil {
		b.Fatal(err)
	}
	shelter := &alliance.Organisation{Name: "Shelter", Type: alliance.OrgShelter, Country: "XV", Languages: []string{"en"}}
	if err := svc.CreateOrganisation(ctx, System(), shelter); err != nil {
		b.Fatal(err)
	}
	u, err := svc.CreateUser(ctx, System(), NewUser{OrgID: o.ID, Email: "bench@example.org", Role: alliance.RoleCaseworker, Password: "correct horse battery staple"})
	if err != nil {
		b.Fatal(err)
	}
	seedVaried(b, st, o.ID, u.ID, n)
	c := Caller{Actor: alliance.Actor{UserID: u.ID, OrgID: o.ID, Role: u.Role, SecondFactor: true}, RemoteAddr: "bench"}
	filters := []alliance.CaseFilter{
		{Stage: alliance.StageAssistance, Citizenship: "MD"},
		{HTCDSStatus: alliance.HTCDSActive, Industry: "F"},
		{Stage: alliance.StageDecision, Exploitation: "ForcedBegging"},
	}
	var list, open []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f := filters[i%len(filters)]
		t0 := time.Now()
		got, err := svc.Cases(ctx, c, f)
		list = append(list, time.Since(t0))
		if err != nil || len(got) != 50 {
			b.Fatalf("list %+v: %d cases, %v", f, len(got), err)
		}
		t0 = time.Now()
		if err := openCase(ctx, svc, c, shelter.ID, i); err != nil {
			b.Fatal(err)
		}
		open = append(open, time.Since(t0))
	}
	b.StopTimer()
	b.ReportMetric(float64(percentile(list, 50).Microseconds())/1000, "list-p50-ms")
	b.ReportMetric(float64(percentile(list, 95).Microseconds())/1000, "list-p95-ms")
	b.ReportMetric(float64(percentile(open, 50).Microseconds())/1000, "open-p50-ms")
	b.ReportMetric(float64(percentile(open, 95).Microseconds())/1000, "open-p95-ms")
}

// seedVaried stores n cases whose stages, citizenships, industries and
// exploitation types vary, so that filters select a realistic share.
func seedVaried(b *testing.B, st alliance.Store, org, user int64, n int) {
	b.Helper()
	ctx := context.Background()
	now := time.Now()
	cits := []string{"UA", "MD", "RO", "VN", "UZ", "TJ", "KG", "PH", "NP", "BD"}
	inds := []string{"A", "C", "F", "I", "T"}
	expl := [][]string{{"ForcedLabour"}, {"ForcedLabour", "ForcedBegging"}, {"Servitude"}}
	for done := 0; done < n; {
		err := st.Update(ctx, func(tx alliance.Tx) error {
			for i := 0; i < 2000 && done < n; i, done = i+1, done+1 {
				k := &alliance.Case{OrgID: org, Reference: fmt.Sprintf("B-%07d", done), Stage: alliance.Stages[done%len(alliance.Stages)],
					Person: alliance.Person{GivenName: "Synthetic", FamilyName: fmt.Sprintf("Person%d", done), BirthDate: "1990",
						Citizenships: []string{cits[done%len(cits)]}},
					VictimContext: alliance.VictimContext{Exploitation: expl[done%len(expl)], Industry: inds[done%len(inds)]},
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

// openCase opens a case from a screening, with the person and a consent
// that shares with the shelter: what a caseworker does after an interview.
func openCase(ctx context.Context, svc *Service, c Caller, shelter int64, i int) error {
	sc, err := svc.StartAssessment(ctx, c, "en", AssessmentUpdate{})
	if err != nil {
		return err
	}
	k, err := svc.CreateCase(ctx, c, alliance.Case{Person: alliance.Person{GivenName: "Olena", FamilyName: fmt.Sprintf("Bench%d", i),
		BirthDate: "1994-03", Citizenships: []string{"UA"}, Phone: "+000"}}, sc.ID)
	if err != nil {
		return err
	}
	_, err = svc.RecordConsent(ctx, c, k.ID, alliance.Consent{Services: true, Method: alliance.ConsentSigned, Language: "uk",
		Shares: []alliance.ConsentShare{{OrgID: shelter, Groups: []string{alliance.GroupIdentity}}}})
	return err
}
