package app

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"alliance"
	"alliance/internal/linkage"
)

// TestRoundMatchesDisclosure: a match nobody may be named for is told only
// when at least two other organisations took part, and clusters are
// numbered per organisation, in the order of its record ids.
func TestRoundMatchesDisclosure(t *testing.T) {
	e := newScreeningEnv(t)
	// Record ids that are no cases: no consent names anyone.
	party := func(ids ...string) *linkage.Party { return &linkage.Party{IDs: ids} }
	clusters := [][]linkage.Ref{{{Party: 0, Index: 1}, {Party: 1, Index: 0}}, {{Party: 0, Index: 0}, {Party: 1, Index: 1}}}
	two := []*linkage.Party{party("a1", "a2"), party("b1", "b2")}
	got, err := e.svc.roundMatches(e.ctx, 1, []int64{10, 20}, two, clusters)
	if err != nil || len(got) != 0 {
		t.Errorf("two organisations: %v, %v; want nothing told", got, err)
	}
	three := append(two, party("c1"))
	got, err = e.svc.roundMatches(e.ctx, 1, []int64{10, 20, 30}, three, clusters)
	if err != nil {
		t.Fatal(err)
	}
	want := []alliance.LinkageMatch{
		{RoundID: 1, OrgID: 10, RecordID: "a1", Cluster: 1, OtherOrgs: []int64{}},
		{RoundID: 1, OrgID: 10, RecordID: "a2", Cluster: 2, OtherOrgs: []int64{}},
		{RoundID: 1, OrgID: 20, RecordID: "b1", Cluster: 1, OtherOrgs: []int64{}},
		{RoundID: 1, OrgID: 20, RecordID: "b2", Cluster: 2, OtherOrgs: []int64{}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("three organisations (-want +got):\n%s", diff)
	}
}
