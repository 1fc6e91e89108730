package storetest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"alliance"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func appendAudit(t *testing.T, e *env, entries ...*alliance.AuditEntry) {
	t.Helper()
	e.update(func(tx alliance.Tx) error {
		for _, a := range entries {
			if err := tx.AppendAudit(e.ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
}

// scanAll reads the whole log with ScanAudit and verifies the chain.
func scanAll(t *testing.T, e *env) []alliance.AuditEntry {
	t.Helper()
	v := e.chain.NewChainVerifier()
	var all []alliance.AuditEntry
	err := e.store.ScanAudit(e.ctx, func(a *alliance.AuditEntry) error {
		all = append(all, *a)
		return v.Check(a)
	})
	if err != nil {
		t.Fatalf("ScanAudit: %v", err)
	}
	if v.Verified() != int64(len(all)) {
		t.Errorf("verified %d entries, scanned %d", v.Verified(), len(all))
	}
	return all
}

func testAuditAppend(t *testing.T, e *env) {
	paris, _ := time.LoadLocation("Europe/Paris")
	if paris == nil {
		paris = time.FixedZone("CET", 3600)
	}
	entries := []*alliance.AuditEntry{
		{ActorUserID: 7, ActorOrgID: 3, Action: "login", RemoteAddr: "192.0.2.1", Outcome: alliance.OutcomeSuccess},
		{Time: time.Date(2025, 3, 1, 10, 0, 0, 123456789, paris), Action: "user.create", ResourceType: "user",
			ResourceID: "12", ResourceOrg: 3, Outcome: alliance.OutcomeDenied, Detail: "role admin"},
		{Time: base, Action: "system.start", Outcome: alliance.OutcomeFailure},
	}
	before := time.Now().Add(-time.Second)
	for _, a := range entries {
		appendAudit(t, e, a)
	}
	for i, a := range entries {
		if a.Seq != int64(i+1) {
			t.Errorf("entry %d: Seq = %d, want %d", i, a.Seq, i+1)
		}
		if a.Time.Location() != time.UTC || a.Time.Nanosecond()%1000 != 0 {
			t.Errorf("entry %d: Time = %v, want UTC with microsecond precision", i, a.Time)
		}
	}
	if entries[0].Time.Before(before) {
		t.Errorf("Time of an entry appended without one = %v, want about now", entries[0].Time)
	}
	want := []alliance.AuditEntry{*entries[0], *entries[1], *entries[2]}
	all := scanAll(t, e)
	if diff := cmp.Diff(want, all, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("ScanAudit mismatch (-want +got):\n%s", diff)
	}
	slices.Reverse(want)
	got, err := e.store.AuditEntries(e.ctx, alliance.AuditFilter{})
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); err != nil || diff != "" {
		t.Errorf("AuditEntries: error %v, mismatch (-want +got):\n%s", err, diff)
	}
}

func testAuditConcurrent(t *testing.T, e *env) {
	const writers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				errs <- e.store.Update(e.ctx, func(tx alliance.Tx) error {
					return tx.AppendAudit(e.ctx, &alliance.AuditEntry{ActorUserID: int64(w + 1),
						Action: "test.concurrent", ResourceID: fmt.Sprint(i), Outcome: alliance.OutcomeSuccess})
				})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent AppendAudit: %v", err)
		}
	}
	all := scanAll(t, e)
	if len(all) != writers*each {
		t.Fatalf("ScanAudit returned %d entries, want %d", len(all), writers*each)
	}
	for i, a := range all {
		if a.Seq != int64(i+1) {
			t.Fatalf("entry %d has Seq %d, want %d (the chain must be contiguous)", i, a.Seq, i+1)
		}
	}
}

func testAuditFilters(t *testing.T, e *env) {
	appendAudit(t, e, filterEntries()...)
	minute := func(n int) time.Time { return base.Add(time.Duration(n) * time.Minute) }
	tests := []struct {
		name string
		f    alliance.AuditFilter
		want []int64
	}{
		{"all", alliance.AuditFilter{}, []int64{9, 8, 7, 6, 5, 4, 3, 2, 1}},
		// An organisation sees the entries about its resources, and those of its
		// members about any resource (another organisation's, none, or -1 for a
		// missing record): what its staff read of a case referred to it, say.
		{"org 1", alliance.AuditFilter{OrgID: 1}, []int64{9, 8, 7, 6, 5, 3, 1}},
		{"org 2", alliance.AuditFilter{OrgID: 2}, []int64{7, 5, 3, 2}},
		{"org 3, no entries", alliance.AuditFilter{OrgID: 3}, []int64{}},
		{"superadmin, seen at home", alliance.AuditFilter{OrgID: 1, ActorUserID: 30}, []int64{9, 8, 7}},
		{"superadmin, seen where they acted", alliance.AuditFilter{OrgID: 2, ActorUserID: 30}, []int64{7}},
		{"actor", alliance.AuditFilter{ActorUserID: 10}, []int64{6, 3, 1}},
		{"resource type", alliance.AuditFilter{ResourceType: "user"}, []int64{9, 7, 5, 2, 1}},
		{"resource", alliance.AuditFilter{ResourceType: "user", ResourceID: "21"}, []int64{5, 1}},
		{"since, inclusive", alliance.AuditFilter{Since: minute(2)}, []int64{9, 8, 7, 6, 5, 4, 3}},
		{"until, exclusive", alliance.AuditFilter{Until: minute(2)}, []int64{2, 1}},
		{"since and until", alliance.AuditFilter{Since: minute(1), Until: minute(3)}, []int64{3, 2}},
		{"before seq", alliance.AuditFilter{BeforeSeq: 4}, []int64{3, 2, 1}},
		{"limit", alliance.AuditFilter{Limit: 2}, []int64{9, 8}},
		{"page", alliance.AuditFilter{OrgID: 1, BeforeSeq: 8, Limit: 2}, []int64{7, 6}},
		{"org and actor", alliance.AuditFilter{OrgID: 1, ActorUserID: 20}, []int64{5}},
		{"org and resource", alliance.AuditFilter{OrgID: 1, ResourceType: "user", ResourceID: "22"}, []int64{7}},
		{"nothing", alliance.AuditFilter{ActorUserID: 99}, []int64{}},
	}
	for _, tc := range tests {
		got, err := e.store.AuditEntries(e.ctx, tc.f)
		if err != nil {
			t.Fatalf("%s: AuditEntries: %v", tc.name, err)
		}
		if diff := cmp.Diff(tc.want, seqs(got)); diff != "" {
			t.Errorf("%s: AuditEntries(%+v) seqs mismatch (-want +got):\n%s", tc.name, tc.f, diff)
		}
	}
}

// filterEntries returns nine entries a minute apart from base, of users 10 (org
// 1) and 20 (org 2), of the system, and of superadmin 30 (whose home is org 1),
// about resources of orgs 1 and 2, of no organisation (0) and missing ones (-1).
func filterEntries() []*alliance.AuditEntry {
	rows := []struct {
		user, org   int64
		rtype, rid  string
		resourceOrg int64
	}{
		{10, 1, "user", "21", 1},
		{20, 2, "user", "22", 2},
		{10, 1, "organisation", "2", 2},
		{0, 0, "", "", 0},
		{20, 2, "user", "21", 1},
		{10, 1, "session", "", 0},
		{30, 1, "user", "22", 2},   // a superadmin acts in another organisation
		{30, 1, "session", "", 0},  // e.g. signs in
		{30, 1, "user", "404", -1}, // is refused a record that does not exist
	}
	var entries []*alliance.AuditEntry
	for i, r := range rows {
		entries = append(entries, &alliance.AuditEntry{Time: base.Add(time.Duration(i) * time.Minute),
			ActorUserID: r.user, ActorOrgID: r.org, Action: "test.filter", ResourceType: r.rtype,
			ResourceID: r.rid, ResourceOrg: r.resourceOrg, Outcome: alliance.OutcomeSuccess})
	}
	return entries
}

func seqs(list []alliance.AuditEntry) []int64 {
	out := []int64{}
	for _, a := range list {
		out = append(out, a.Seq)
	}
	return out
}

// testAuditLimits writes more entries than a page and a ScanAudit batch hold.
func testAuditLimits(t *testing.T, e *env) {
	const n = 1001
	entries := make([]*alliance.AuditEntry, n)
	for i := range entries {
		entries[i] = &alliance.AuditEntry{Action: "test.limit", Outcome: alliance.OutcomeSuccess}
	}
	appendAudit(t, e, entries...)
	tests := []struct {
		limit, want int
	}{{0, 50}, {-1, 50}, {10, 10}, {500, 500}, {1000, 500}}
	for _, tc := range tests {
		got, err := e.store.AuditEntries(e.ctx, alliance.AuditFilter{Limit: tc.limit})
		if err != nil {
			t.Fatalf("AuditEntries(Limit %d): %v", tc.limit, err)
		}
		if len(got) != tc.want || len(got) > 0 && got[0].Seq != n {
			t.Errorf("AuditEntries(Limit %d) = %d entries from seq %v, want %d from %d", tc.limit, len(got), seqs(got[:min(1, len(got))]), tc.want, n)
		}
	}
	if all := scanAll(t, e); len(all) != n || all[n-1].Seq != n {
		t.Errorf("ScanAudit returned %d entries, want %d", len(all), n)
	}
	stop := errors.New("stop")
	calls := 0
	err := e.store.ScanAudit(e.ctx, func(*alliance.AuditEntry) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("ScanAudit with fn failing = %v after %d calls, want %v after 1", err, calls, stop)
	}
}

// testAuditAppendOnly checks that the database refuses to change or remove
// entries, even through a raw connection.
func testAuditAppendOnly(t *testing.T, e *env) {
	appendAudit(t, e, &alliance.AuditEntry{Action: "login", Outcome: alliance.OutcomeSuccess})
	for _, q := range []string{`UPDATE audit_log SET detail = 'rewritten'`, `DELETE FROM audit_log`} {
		if _, err := e.raw().ExecContext(e.ctx, q); err == nil {
			t.Errorf("%s succeeded; want the audit log to refuse it", q)
		}
	}
	if all := scanAll(t, e); len(all) != 1 || all[0].Detail != "" {
		t.Errorf("audit log after refused changes = %+v, want the one original entry", all)
	}
}
