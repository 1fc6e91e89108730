package storetest

import (
	"testing"

	"alliance"

	"github.com/google/go-cmp/cmp"
)

func testMigrateTwice(t *testing.T, e *env) {
	const q = `SELECT count(*) FROM schema_migrations`
	before := count(t, e.raw(), q)
	if before == 0 {
		t.Fatalf("schema_migrations has no rows after Migrate")
	}
	if err := e.store.Migrate(e.ctx); err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
	if after := count(t, e.raw(), q); after != before {
		t.Errorf("schema_migrations rows after second Migrate = %d, want %d", after, before)
	}
	if n := count(t, e.raw(), q+` WHERE name = $1`, "0001_foundation.sql"); n != 1 {
		t.Errorf("rows for 0001_foundation.sql = %d, want 1", n)
	}
}

func testPing(t *testing.T, e *env) {
	if err := e.store.Ping(e.ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	if got := e.store.PoolStats().OpenConnections; got < 1 {
		t.Errorf("PoolStats().OpenConnections = %d after Ping, want at least 1", got)
	}
}

func testOrganisations(t *testing.T, e *env) {
	o1 := &alliance.Organisation{Name: "Labour Inspectorate North", Type: alliance.OrgLabourInspectorate,
		Country: "DE", Languages: []string{"de", "en"}, CreatedAt: base}
	o2 := &alliance.Organisation{Name: "Shelter South", Type: alliance.OrgShelter, Country: "RO"}
	e.update(func(tx alliance.Tx) error {
		if err := tx.CreateOrganisation(e.ctx, o1); err != nil {
			return err
		}
		return tx.CreateOrganisation(e.ctx, o2)
	})
	if o1.ID == 0 || o2.ID == 0 || o1.ID == o2.ID {
		t.Fatalf("IDs after create = %d, %d; want distinct non-zero", o1.ID, o2.ID)
	}
	if o2.CreatedAt.IsZero() {
		t.Errorf("CreatedAt of o2 not set by CreateOrganisation")
	}
	o2.Languages = []string{} // stored nil, read back empty
	checkOrg(t, e, o1)
	checkOrg(t, e, o2)
	list, err := e.store.Organisations(e.ctx)
	if err != nil {
		t.Fatalf("Organisations: %v", err)
	}
	if diff := cmp.Diff([]alliance.Organisation{*o1, *o2}, list); diff != "" {
		t.Errorf("Organisations() mismatch (-want +got):\n%s", diff)
	}

	o1.Name, o1.Country, o1.Type, o1.Languages = "Labour Inspectorate", "AT", alliance.OrgPolice, []string{"de"}
	e.update(func(tx alliance.Tx) error { return tx.UpdateOrganisation(e.ctx, o1) })
	checkOrg(t, e, o1)
}

func checkOrg(t *testing.T, e *env, want *alliance.Organisation) {
	t.Helper()
	got, err := e.store.Organisation(e.ctx, want.ID)
	if err != nil {
		t.Fatalf("Organisation(%d): %v", want.ID, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Organisation(%d) mismatch (-want +got):\n%s", want.ID, diff)
	}
	if got.Languages == nil {
		t.Errorf("Organisation(%d).Languages is nil, want a non-nil slice", want.ID)
	}
}

func testOrganisationConflicts(t *testing.T, e *env) {
	first := e.org("Trade Union of Builders")
	other := e.org("Legal Aid Centre")
	tests := []struct {
		name string
		fn   func(tx alliance.Tx) error
	}{
		{"same name", func(tx alliance.Tx) error {
			return tx.CreateOrganisation(e.ctx, &alliance.Organisation{Name: first.Name, Type: alliance.OrgNGO, Country: "RO"})
		}},
		{"name differing in case", func(tx alliance.Tx) error {
			return tx.CreateOrganisation(e.ctx, &alliance.Organisation{Name: "TRADE UNION OF BUILDERS", Type: alliance.OrgNGO, Country: "RO"})
		}},
		{"rename onto an existing name", func(tx alliance.Tx) error {
			o := *other
			o.Name = first.Name
			return tx.UpdateOrganisation(e.ctx, &o)
		}},
	}
	for _, tc := range tests {
		err := e.store.Update(e.ctx, tc.fn)
		wantCode(t, tc.name, err, alliance.CodeConflict, "name")
	}
	checkOrg(t, e, other)
}
