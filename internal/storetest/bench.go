package storetest

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"

	"alliance"
)

// BenchAuditedWrite measures the commonest write: one transaction that reads a
// user, updates the row and appends an audit entry, run from parallel
// goroutines. s must be migrated and have keys. It reports ops/s.
func BenchAuditedWrite(b *testing.B, s alliance.Store) {
	ctx := context.Background()
	ids, orgID := benchUsers(b, s, 64)
	var next atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := ids[int(next.Add(1))%len(ids)]
			if err := s.Update(ctx, func(tx alliance.Tx) error { return auditedWrite(ctx, tx, id, orgID) }); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

func auditedWrite(ctx context.Context, tx alliance.Tx, id, orgID int64) error {
	u, err := tx.User(ctx, id)
	if err != nil {
		return err
	}
	u.FailedLogins = (u.FailedLogins + 1) % 5
	if err := tx.UpdateUser(ctx, u); err != nil {
		return err
	}
	return tx.AppendAudit(ctx, &alliance.AuditEntry{ActorUserID: id, ActorOrgID: orgID, Action: "user.update",
		ResourceType: "user", ResourceID: strconv.FormatInt(id, 10), ResourceOrg: orgID, Outcome: alliance.OutcomeSuccess})
}

func benchUsers(b *testing.B, s alliance.Store, n int) ([]int64, int64) {
	b.Helper()
	ctx := context.Background()
	o := &alliance.Organisation{Name: "Bench", Type: alliance.OrgNGO, Country: "RO", Languages: []string{"ro"}}
	var ids []int64
	err := s.Update(ctx, func(tx alliance.Tx) error {
		if err := tx.CreateOrganisation(ctx, o); err != nil {
			return err
		}
		for i := range n {
			u := &alliance.User{OrgID: o.ID, Email: "bench" + strconv.Itoa(i) + "@example.org", Name: "Bench",
				Role: alliance.RoleCaseworker}
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
			ids = append(ids, u.ID)
		}
		return nil
	})
	if err != nil {
		b.Fatalf("create users: %v", err)
	}
	return ids, o.ID
}
