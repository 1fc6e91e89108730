package sqlite_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"alliance"
	"alliance/internal/sqlite"
	"alliance/internal/storetest"
)

func open(t *testing.T) alliance.Store {
	t.Helper()
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "alliance.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestStore(t *testing.T) { storetest.Run(t, open) }

// openReady opens a migrated store with test keys.
func openReady(t *testing.T) *sqlite.Store {
	t.Helper()
	s := open(t).(*sqlite.Store)
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	s.UseKeys(storetest.TestKeys())
	return s
}

func TestBackup(t *testing.T) {
	ctx := t.Context()
	s := openReady(t)
	o := &alliance.Organisation{Name: "Backed Up", Type: alliance.OrgNGO, Country: "RO", Languages: []string{"ro"}}
	if err := s.Update(ctx, func(tx alliance.Tx) error { return tx.CreateOrganisation(ctx, o) }); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(ctx, path); err != nil {
		t.Fatalf("Backup: %v", err)
	}
	b, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("open backup: %v", err)
	}
	defer b.Close()
	if got, err := b.Organisation(ctx, o.ID); err != nil || got.Name != o.Name {
		t.Errorf("backup Organisation(%d) = %v, %v; want %q", o.ID, got, err, o.Name)
	}

	// The copy holds password hashes and the audit log: owner only, like the database.
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("backup file: mode %v, error %v; want no permissions for group or others", fi.Mode(), err)
	}

	err = s.Backup(ctx, path)
	if alliance.ErrorCode(err) != alliance.CodeConflict || !strings.Contains(alliance.ErrorMessage(err), "already exists") {
		t.Errorf("Backup onto an existing file: error %v, want a conflict saying it already exists", err)
	}
	if got, err := b.Organisation(ctx, o.ID); err != nil || got.Name != o.Name {
		t.Errorf("after a refused second backup, Organisation(%d) in the first = %v, %v; want it intact", o.ID, got, err)
	}
}

func TestBackupFailureLeavesNoFile(t *testing.T) {
	s := openReady(t)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	path := filepath.Join(dir, "backup.db")
	if err := s.Backup(ctx, path); err == nil {
		t.Fatal("Backup with a cancelled context succeeded; want an error")
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("after a failed backup, Stat(%s) = %v; want the empty file removed", path, err)
	}

	err := s.Backup(t.Context(), filepath.Join(dir, "missing", "backup.db"))
	if alliance.ErrorCode(err) != alliance.CodeInvalid || !strings.Contains(alliance.ErrorMessage(err), "does not exist") {
		t.Errorf("Backup into a missing directory: error %v, want invalid, saying the directory does not exist", err)
	}
}

// TestAuditOrgFilterPlan checks that the organisation filter, an OR, is answered
// from the two organisation indexes rather than by reading the whole log.
func TestAuditOrgFilterPlan(t *testing.T) {
	s := openReady(t)
	tests := []struct {
		f    alliance.AuditFilter
		want []string
	}{
		{alliance.AuditFilter{OrgID: 1}, []string{
			"USING INDEX audit_log_resource_org (resource_org_id=?)",
			"USING INDEX audit_log_actor_org (actor_org_id=?)"}},
		{alliance.AuditFilter{OrgID: 1, BeforeSeq: 100}, []string{
			"USING INDEX audit_log_resource_org (resource_org_id=? AND seq<?)",
			"USING INDEX audit_log_actor_org (actor_org_id=? AND seq<?)"}},
	}
	for _, tc := range tests {
		query, args := sqlite.AuditQuery(tc.f)
		plan := queryPlan(t, s, query, args...)
		for _, w := range tc.want {
			if !strings.Contains(plan, w) {
				t.Errorf("plan of AuditEntries(%+v) lacks %q:\n%s", tc.f, w, plan)
			}
		}
	}
}

// TestAssessmentListPlan checks that the list reads the index in its order:
// no sort of an organisation's assessments, however many it has.
func TestAssessmentListPlan(t *testing.T) {
	s := openReady(t)
	for _, f := range []alliance.AssessmentFilter{{OrgID: 1}, {OrgID: 1, Status: alliance.AssessmentOpen}} {
		query, args, err := sqlite.AssessmentsQuery(f)
		if err != nil {
			t.Fatalf("AssessmentsQuery(%+v): %v", f, err)
		}
		plan := queryPlan(t, s, query, args...)
		if !strings.Contains(plan, "USING INDEX assessments_org_updated (org_id=?)") || strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("plan of Assessments(%+v) does not read assessments_org_updated in order:\n%s", f, plan)
		}
	}
}

// TestCaseListPlan checks that the case list reads an index in id order
// whatever its filters: no sort of an organisation's cases, however many it
// has, and each page of the keyset walk starts where the last ended.
func TestCaseListPlan(t *testing.T) {
	s := openReady(t)
	tests := []struct {
		f    alliance.CaseFilter
		want string
	}{
		{alliance.CaseFilter{OrgID: 1}, "USING INDEX cases_org (org_id=?)"},
		{alliance.CaseFilter{OrgID: 1, After: 100}, "USING INDEX cases_org (org_id=? AND rowid<?)"},
		{alliance.CaseFilter{OrgID: 1, Stage: alliance.StageAssistance, After: 100}, "USING INDEX cases_org_stage (org_id=? AND stage=? AND rowid<?)"},
		{alliance.CaseFilter{OrgID: 1, Industry: "A"}, "USING INDEX cases_org_industry (org_id=? AND industry=?)"},
		{alliance.CaseFilter{OrgID: 1, AssignedTo: 7}, "USING INDEX cases_assigned (assigned_to=?)"},
		{alliance.CaseFilter{OrgID: 1, HTCDSStatus: alliance.HTCDSClosed}, "USING INDEX cases_org_stage (org_id=? AND stage=?)"},
		{alliance.CaseFilter{OrgID: 1, HTCDSStatus: alliance.HTCDSActive}, "USING INDEX"},
		{alliance.CaseFilter{OrgID: 1, Exploitation: "DebtBondage", Citizenship: "UA"}, "USING INDEX cases_org (org_id=?)"},
	}
	for _, tc := range tests {
		query, args, err := sqlite.CasesQuery(tc.f)
		if err != nil {
			t.Fatalf("CasesQuery(%+v): %v", tc.f, err)
		}
		plan := queryPlan(t, s, query, args...)
		if !strings.Contains(plan, tc.want) || strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("plan of Cases(%+v) does not read %s in order:\n%s", tc.f, tc.want, plan)
		}
	}
}

// TestReferralListPlan checks that a case's referrals, an outbox and an inbox
// are read from their index in order.
func TestReferralListPlan(t *testing.T) {
	s := openReady(t)
	tests := []struct {
		f    alliance.ReferralFilter
		want string
	}{
		{alliance.ReferralFilter{CaseID: 1}, "USING INDEX referrals_case (case_id=?)"},
		{alliance.ReferralFilter{FromOrg: 1}, "USING INDEX referrals_from (from_org=?)"},
		{alliance.ReferralFilter{ToOrg: 1, Status: alliance.ReferralPending}, "USING INDEX referrals_to (to_org=?)"},
	}
	for _, tc := range tests {
		query, args, err := sqlite.ReferralsQuery(tc.f)
		if err != nil {
			t.Fatalf("ReferralsQuery(%+v): %v", tc.f, err)
		}
		plan := queryPlan(t, s, query, args...)
		if !strings.Contains(plan, tc.want) || strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("plan of Referrals(%+v) does not read %s in order:\n%s", tc.f, tc.want, plan)
		}
	}
}

func queryPlan(t *testing.T, s *sqlite.Store, query string, args ...any) string {
	t.Helper()
	rows, err := s.RawDB().QueryContext(t.Context(), `EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		t.Fatalf("EXPLAIN QUERY PLAN: %v", err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatalf("EXPLAIN QUERY PLAN: %v", err)
		}
		lines = append(lines, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("EXPLAIN QUERY PLAN: %v", err)
	}
	return strings.Join(lines, "\n")
}

func TestReaderIsReadOnly(t *testing.T) {
	s := openReady(t)
	// The Store's reads go through the read-only pool, so a write sent there fails.
	db := sqlite.ReaderDB(s)
	if _, err := db.ExecContext(t.Context(), `INSERT INTO data_keys (wrapped, created_at) VALUES (x'00', 0)`); err == nil {
		t.Error("write through the reader pool succeeded; want it refused")
	}
}

func TestOpenRefusesEmptyPath(t *testing.T) {
	_, err := sqlite.Open(context.Background(), "")
	if alliance.ErrorCode(err) != alliance.CodeInvalid {
		t.Errorf("Open(\"\") error = %v, want CodeInvalid", err)
	}
}

func TestOpenMissingDirectory(t *testing.T) {
	_, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "missing", "alliance.db"))
	if alliance.ErrorCode(err) != alliance.CodeInvalid || !strings.Contains(alliance.ErrorMessage(err), "does not exist") {
		t.Errorf("Open in a missing directory: error %v, want CodeInvalid saying it does not exist", err)
	}
}
