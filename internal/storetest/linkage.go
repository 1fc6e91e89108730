package storetest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"alliance"

	"github.com/google/go-cmp/cmp"
)

// linkageRound returns a new round of orgs started by user at base, changed
// by each mod; it is not stored.
func linkageRound(user int64, orgs []int64, mods ...func(*alliance.LinkageRound)) *alliance.LinkageRound {
	r := &alliance.LinkageRound{Name: "Spring 2025", Orgs: orgs, Threshold: 0.85, Status: alliance.RoundCollecting,
		CreatedBy: user, CreatedAt: base}
	for _, mod := range mods {
		mod(r)
	}
	return r
}

// createRounds stores each round in one transaction.
func (e *env) createRounds(rs ...*alliance.LinkageRound) {
	e.t.Helper()
	e.update(func(tx alliance.Tx) error {
		var errs []error
		for _, r := range rs {
			errs = append(errs, tx.CreateLinkageRound(e.ctx, r))
		}
		return errors.Join(errs...)
	})
}

// linkageFixture is two organisations with a user each, and a round of both.
type linkageFixture struct {
	a, b   *alliance.Organisation
	u, v   *alliance.User
	round  *alliance.LinkageRound
	others []int64
}

func (e *env) linkageFixture() *linkageFixture {
	e.t.Helper()
	f := &linkageFixture{a: e.org("Org A"), b: e.org("Org B")}
	f.u, f.v = e.user(f.a.ID, "a@example.org"), e.user(f.b.ID, "b@example.org")
	f.round = linkageRound(f.u.ID, []int64{f.a.ID, f.b.ID})
	e.createRounds(f.round)
	return f
}

// checkRounds reads every round back through r, and each of want by id. It
// only reports errors, so that it may run inside a transaction.
func checkRounds(t *testing.T, e *env, r alliance.Reader, want ...*alliance.LinkageRound) {
	t.Helper()
	wantList := []alliance.LinkageRound{}
	for _, w := range want {
		wantList = append(wantList, *w)
		got, err := r.LinkageRound(e.ctx, w.ID)
		if diff := cmp.Diff(w, got); err != nil || diff != "" {
			t.Errorf("LinkageRound(%d): error %v, mismatch (-want +got):\n%s", w.ID, err, diff)
		}
	}
	got, err := r.LinkageRounds(e.ctx)
	if diff := cmp.Diff(wantList, got); err != nil || diff != "" || got == nil {
		t.Errorf("LinkageRounds: error %v, mismatch (-want +got):\n%s", err, diff)
	}
}

// testLinkageRounds checks the round trip of rounds, their order, newest
// first, inside a transaction too, and the values a new round is given.
func testLinkageRounds(t *testing.T, e *env) {
	a, b, c := e.org("Org A"), e.org("Org B"), e.org("Org C")
	u := e.user(a.ID, "a@example.org")
	if got, err := e.store.LinkageRounds(e.ctx); err != nil || got == nil || len(got) != 0 {
		t.Errorf("LinkageRounds of none = %v, %v; want an empty list", got, err)
	}
	kyiv := time.FixedZone("Kyiv", 3*3600)
	matched := base.Add(2 * time.Hour)
	r1 := linkageRound(u.ID, []int64{c.ID, a.ID}, func(r *alliance.LinkageRound) { r.CreatedAt = base.Add(-time.Hour) })
	r2 := linkageRound(u.ID, []int64{a.ID, b.ID, c.ID}, func(r *alliance.LinkageRound) {
		r.Name, r.Threshold, r.Status, r.Progress = "Раунд літо 2025", 0.9125, alliance.RoundDone, 100
		r.Records, r.People, r.MatchedAt = 1234567, 987654, &matched
	})
	r3 := linkageRound(u.ID, []int64{b.ID, a.ID}, func(r *alliance.LinkageRound) { // same time as r2
		r.Status, r.Error = alliance.RoundFailed, "org B's file holds 3 encodings of another length"
		r.CreatedAt = time.Date(2025, 3, 1, 12, 30, 0, 123456789, kyiv)
	})
	e.createRounds(r1, r2, r3)
	if r1.ID == 0 || r1.ID == r2.ID || r2.ID == r3.ID {
		t.Errorf("ids = %d, %d, %d; want distinct ids", r1.ID, r2.ID, r3.ID)
	}
	for _, r := range []*alliance.LinkageRound{r1, r2, r3} {
		if r.Revision != 1 {
			t.Errorf("Revision of new round %d = %d, want 1", r.ID, r.Revision)
		}
	}
	if !r3.CreatedAt.Equal(base) || r3.CreatedAt.Location() != time.UTC {
		t.Errorf("CreatedAt of a new round = %v; want %v, truncated, in UTC", r3.CreatedAt, base)
	}
	checkRounds(t, e, e.store, r3, r2, r1)

	// Inside a transaction, at now and collecting when neither is given.
	before := time.Now().Add(-time.Second)
	r4 := linkageRound(u.ID, []int64{a.ID, b.ID}, func(r *alliance.LinkageRound) {
		r.CreatedAt, r.Status = time.Time{}, ""
	})
	e.update(func(tx alliance.Tx) error {
		if err := tx.CreateLinkageRound(e.ctx, r4); err != nil {
			return err
		}
		checkRounds(t, e, tx, r4, r3, r2, r1)
		return nil
	})
	if r4.CreatedAt.Before(before) || r4.Status != alliance.RoundCollecting {
		t.Errorf("new round given no time or status: CreatedAt %v, Status %q; want now, %q",
			r4.CreatedAt, r4.Status, alliance.RoundCollecting)
	}
	_, err := e.store.LinkageRound(e.ctx, r4.ID+1000)
	if !errors.Is(err, alliance.ErrNotFound) {
		t.Errorf("LinkageRound(unknown): error %v, want ErrNotFound", err)
	}
}

// testLinkageRoundUpdate checks that an update writes the round's progress
// and outcome, and only them, and that a stale revision changes nothing.
func testLinkageRoundUpdate(t *testing.T, e *env) {
	f := e.linkageFixture()
	other := linkageRound(f.u.ID, []int64{f.a.ID, f.b.ID}, func(r *alliance.LinkageRound) { r.Name = "Other" })
	e.createRounds(other)
	stale := *f.round
	changed := *f.round
	matched := time.Date(2025, 3, 2, 10, 0, 0, 123456789, time.UTC)
	changed.Status, changed.Progress, changed.Records, changed.People = alliance.RoundMatching, 40, 300, 250
	changed.Error, changed.MatchedAt = "retrying", &matched
	changed.Name, changed.Orgs, changed.Threshold = "not to be written", []int64{f.a.ID}, 0.5
	e.update(func(tx alliance.Tx) error { return tx.UpdateLinkageRound(e.ctx, &changed) })
	if changed.Revision != 2 {
		t.Errorf("Revision after an update = %d, want 2", changed.Revision)
	}
	if want := matched.Truncate(time.Microsecond); changed.MatchedAt == nil || !changed.MatchedAt.Equal(want) {
		t.Errorf("MatchedAt after an update = %v, want %v, truncated", changed.MatchedAt, want)
	}
	// What is not the update's to change stays.
	changed.Name, changed.Orgs, changed.Threshold = f.round.Name, f.round.Orgs, f.round.Threshold
	checkRounds(t, e, e.store, other, &changed)

	stale.Status, stale.Progress = alliance.RoundDone, 100
	err := e.store.Update(e.ctx, func(tx alliance.Tx) error { return tx.UpdateLinkageRound(e.ctx, &stale) })
	wantCode(t, "an update from a stale revision", err, alliance.CodeConflict, "")
	if stale.Revision != 1 {
		t.Errorf("Revision after a refused update = %d, want 1 as it was", stale.Revision)
	}
	unknown := changed
	unknown.ID += 1000
	err = e.store.Update(e.ctx, func(tx alliance.Tx) error { return tx.UpdateLinkageRound(e.ctx, &unknown) })
	if !errors.Is(err, alliance.ErrNotFound) {
		t.Errorf("update of an unknown round: error %v, want ErrNotFound", err)
	}
	for _, tc := range []struct {
		name, field string
		mod         func(*alliance.LinkageRound)
	}{
		{"an update to an unknown status", "status", func(r *alliance.LinkageRound) { r.Status = "paused" }},
		{"an update to a progress over 100", "progress", func(r *alliance.LinkageRound) { r.Progress = 101 }},
		{"an update to a negative progress", "progress", func(r *alliance.LinkageRound) { r.Progress = -1 }},
		{"an update to a negative count", "records", func(r *alliance.LinkageRound) { r.People = -1 }},
	} {
		bad := changed
		tc.mod(&bad)
		err := e.store.Update(e.ctx, func(tx alliance.Tx) error { return tx.UpdateLinkageRound(e.ctx, &bad) })
		wantCode(t, tc.name, err, alliance.CodeInvalid, tc.field)
	}
	checkRounds(t, e, e.store, other, &changed)

	// Twice in one transaction, back to no matching time.
	e.update(func(tx alliance.Tx) error {
		changed.Status, changed.Progress, changed.MatchedAt = alliance.RoundFailed, 0, nil
		if err := tx.UpdateLinkageRound(e.ctx, &changed); err != nil {
			return err
		}
		changed.Error = "the hub stopped"
		return tx.UpdateLinkageRound(e.ctx, &changed)
	})
	if changed.Revision != 4 {
		t.Errorf("Revision after two more updates = %d, want 4", changed.Revision)
	}
	checkRounds(t, e, e.store, other, &changed)
}

// putSubmissions stores each submission in one transaction.
func (e *env) putSubmissions(ss ...*alliance.LinkageSubmission) {
	e.t.Helper()
	e.update(func(tx alliance.Tx) error {
		var errs []error
		for _, s := range ss {
			errs = append(errs, tx.PutLinkageSubmission(e.ctx, s))
		}
		return errors.Join(errs...)
	})
}

// checkSubmissions reads the submissions of a round back, with and without
// their encodings.
func checkSubmissions(t *testing.T, e *env, roundID int64, want ...*alliance.LinkageSubmission) {
	t.Helper()
	withCLK, without := []alliance.LinkageSubmission{}, []alliance.LinkageSubmission{}
	for _, s := range want {
		withCLK = append(withCLK, *s)
		bare := *s
		bare.CLK = nil
		without = append(without, bare)
	}
	got, err := e.store.LinkageSubmissions(e.ctx, roundID, true)
	if diff := cmp.Diff(withCLK, got); err != nil || diff != "" || got == nil {
		t.Errorf("LinkageSubmissions(%d, true): error %v, mismatch (-want +got):\n%s", roundID, err, diff)
	}
	got, err = e.store.LinkageSubmissions(e.ctx, roundID, false)
	if diff := cmp.Diff(without, got); err != nil || diff != "" || got == nil {
		t.Errorf("LinkageSubmissions(%d, false): error %v, mismatch (-want +got):\n%s", roundID, err, diff)
	}
}

// testLinkageSubmissions checks the round trip of submissions, by
// organisation, their encodings only when asked, and that a second
// submission of an organisation replaces its first.
func testLinkageSubmissions(t *testing.T, e *env) {
	f := e.linkageFixture()
	other := linkageRound(f.u.ID, []int64{f.a.ID, f.b.ID})
	e.createRounds(other)
	checkSubmissions(t, e, f.round.ID)
	clk := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i*7 + n)
		}
		return b
	}
	sb := &alliance.LinkageSubmission{RoundID: f.round.ID, OrgID: f.b.ID, Records: 2, CLK: clk(256),
		SubmittedBy: f.v.ID, SubmittedAt: base}
	sa := &alliance.LinkageSubmission{RoundID: f.round.ID, OrgID: f.a.ID, Records: 3, CLK: clk(384),
		SubmittedBy: f.u.ID, SubmittedAt: base.Add(time.Hour)}
	so := &alliance.LinkageSubmission{RoundID: other.ID, OrgID: f.a.ID, Records: 1, CLK: clk(128),
		SubmittedBy: f.u.ID}
	before := time.Now().Add(-time.Second)
	e.putSubmissions(sb, sa, so)
	if so.SubmittedAt.Before(before) || so.SubmittedAt.Location() != time.UTC {
		t.Errorf("SubmittedAt of a submission given none = %v; want now, in UTC", so.SubmittedAt)
	}
	checkSubmissions(t, e, f.round.ID, sa, sb)
	checkSubmissions(t, e, other.ID, so)

	// A second submission replaces the first, of that organisation and round only.
	again := &alliance.LinkageSubmission{RoundID: f.round.ID, OrgID: f.a.ID, Records: 5, CLK: clk(640),
		SubmittedBy: f.u.ID, SubmittedAt: base.Add(2 * time.Hour)}
	e.putSubmissions(again)
	checkSubmissions(t, e, f.round.ID, again, sb)
	checkSubmissions(t, e, other.ID, so)
	if n := count(t, e.raw(), `SELECT count(*) FROM linkage_submissions WHERE round_id = $1`, f.round.ID); n != 2 {
		t.Errorf("stored submissions of the round = %d, want 2", n)
	}
}

// match returns a match of orgID's record in cluster, with others.
func match(orgID int64, record string, cluster int, others ...int64) alliance.LinkageMatch {
	return alliance.LinkageMatch{OrgID: orgID, RecordID: record, Cluster: cluster, OtherOrgs: others}
}

func (e *env) setMatches(roundID int64, ms []alliance.LinkageMatch) {
	e.t.Helper()
	e.update(func(tx alliance.Tx) error { return tx.SetLinkageMatches(e.ctx, roundID, ms) })
}

// checkMatches reads the matches of orgID in a round back; want is in the
// order expected, and its round ids are set to roundID.
func checkMatches(t *testing.T, e *env, roundID, orgID int64, want ...alliance.LinkageMatch) {
	t.Helper()
	wantList := []alliance.LinkageMatch{}
	for _, m := range want {
		m.RoundID = roundID
		wantList = append(wantList, m)
	}
	got, err := e.store.LinkageMatches(e.ctx, roundID, orgID)
	if diff := cmp.Diff(wantList, got); err != nil || diff != "" || got == nil {
		t.Errorf("LinkageMatches(%d, %d): error %v, mismatch (-want +got):\n%s", roundID, orgID, err, diff)
	}
}

// testLinkageMatches checks that matches come back per organisation, by
// cluster then by record id compared byte by byte, and that setting a
// round's matches replaces them all and touches no other round.
func testLinkageMatches(t *testing.T, e *env) {
	f := e.linkageFixture()
	c := e.org("Org C")
	other := linkageRound(f.u.ID, []int64{f.a.ID, f.b.ID, c.ID})
	e.createRounds(other)
	checkMatches(t, e, f.round.ID, f.a.ID)
	a, b := f.a.ID, f.b.ID
	e.setMatches(f.round.ID, []alliance.LinkageMatch{
		match(a, "b", 2, b, c.ID), match(b, "7", 1, a), match(a, "Z", 2, b, c.ID), match(a, "10", 1, b),
		match(a, "9", 1, b), match(a, "a", 0, b), match(a, "Ä", 2, c.ID),
	})
	keep := []alliance.LinkageMatch{match(a, "k", 5, b)}
	e.setMatches(other.ID, keep)
	// Bytes: "10" < "9", "Z" < "b" < "Ä".
	checkMatches(t, e, f.round.ID, a, match(a, "a", 0, b), match(a, "10", 1, b), match(a, "9", 1, b),
		match(a, "Z", 2, b, c.ID), match(a, "b", 2, b, c.ID), match(a, "Ä", 2, c.ID))
	checkMatches(t, e, f.round.ID, b, match(b, "7", 1, a))
	checkMatches(t, e, f.round.ID, c.ID)

	// A match given its round id is stored as well; one without others too.
	replaced := match(b, "8", 3)
	replaced.RoundID = f.round.ID
	e.setMatches(f.round.ID, []alliance.LinkageMatch{replaced, match(b, "7", 3)})
	checkMatches(t, e, f.round.ID, a)
	checkMatches(t, e, f.round.ID, b, match(b, "7", 3), match(b, "8", 3))
	checkMatches(t, e, other.ID, a, keep...)

	// No match at all empties the round.
	e.setMatches(f.round.ID, nil)
	checkMatches(t, e, f.round.ID, b)
	checkMatches(t, e, other.ID, a, keep...)
}

// testLinkageInvalid checks that rounds, submissions and matches that refer
// to records that do not exist, or say what cannot be, are refused naming
// the field, and change nothing.
func testLinkageInvalid(t *testing.T, e *env) {
	f := e.linkageFixture()
	const none = 1000
	e.putSubmissions(&alliance.LinkageSubmission{RoundID: f.round.ID, OrgID: f.a.ID, Records: 1, CLK: []byte{1},
		SubmittedBy: f.u.ID, SubmittedAt: base})
	before := match(f.a.ID, "1", 1, f.b.ID)
	e.setMatches(f.round.ID, []alliance.LinkageMatch{before})
	create := func(mod func(*alliance.LinkageRound)) func(tx alliance.Tx) error {
		return func(tx alliance.Tx) error {
			return tx.CreateLinkageRound(e.ctx, linkageRound(f.u.ID, []int64{f.a.ID, f.b.ID}, mod))
		}
	}
	put := func(mod func(*alliance.LinkageSubmission)) func(tx alliance.Tx) error {
		return func(tx alliance.Tx) error {
			s := &alliance.LinkageSubmission{RoundID: f.round.ID, OrgID: f.b.ID, Records: 1, CLK: []byte{2},
				SubmittedBy: f.v.ID}
			mod(s)
			return tx.PutLinkageSubmission(e.ctx, s)
		}
	}
	set := func(roundID int64, ms ...alliance.LinkageMatch) func(tx alliance.Tx) error {
		return func(tx alliance.Tx) error { return tx.SetLinkageMatches(e.ctx, roundID, ms) }
	}
	wrongRound := match(f.a.ID, "2", 1, f.b.ID)
	wrongRound.RoundID = f.round.ID + none
	tests := []struct {
		name  string
		fn    func(tx alliance.Tx) error
		field string
	}{
		{"round of an unknown organisation", create(func(r *alliance.LinkageRound) { r.Orgs[1] += none }), "orgs"},
		{"round of organisation 0", create(func(r *alliance.LinkageRound) { r.Orgs[1] = 0 }), "orgs"},
		{"round by an unknown user", create(func(r *alliance.LinkageRound) { r.CreatedBy += none }), "user"},
		{"round of an unknown status", create(func(r *alliance.LinkageRound) { r.Status = "paused" }), "status"},
		{"round of a progress over 100", create(func(r *alliance.LinkageRound) { r.Progress = 200 }), "progress"},
		{"submission to an unknown round", put(func(s *alliance.LinkageSubmission) { s.RoundID += none }), "round"},
		{"submission of an unknown organisation", put(func(s *alliance.LinkageSubmission) { s.OrgID += none }), "organisation"},
		{"submission by an unknown user", put(func(s *alliance.LinkageSubmission) { s.SubmittedBy += none }), "user"},
		{"submission of fewer than no records", put(func(s *alliance.LinkageSubmission) { s.Records = -1 }), "records"},
		{"matches of an unknown round", set(f.round.ID+none, match(f.a.ID, "2", 1, f.b.ID)), "round"},
		{"no matches of an unknown round", set(f.round.ID + none), "round"},
		{"matches of an unknown organisation", set(f.round.ID, match(f.a.ID, "2", 1), match(f.a.ID+none, "3", 1)), "organisation"},
		{"matches of another round", set(f.round.ID, wrongRound), "round"},
	}
	for _, tc := range tests {
		err := e.store.Update(e.ctx, tc.fn)
		wantCode(t, tc.name, err, alliance.CodeInvalid, tc.field)
	}
	checkRounds(t, e, e.store, f.round)
	subs, err := e.store.LinkageSubmissions(e.ctx, f.round.ID, false)
	if err != nil || len(subs) != 1 || subs[0].OrgID != f.a.ID {
		t.Errorf("submissions after refusals = %+v, %v; want org A's only", subs, err)
	}
	checkMatches(t, e, f.round.ID, f.a.ID, before)
}

// manyMatches returns n matches of orgs a and b in clusters of two.
func manyMatches(n int, a, b int64) []alliance.LinkageMatch {
	ms := make([]alliance.LinkageMatch, n)
	for i := range ms {
		org, other := a, b
		if i%2 == 1 {
			org, other = b, a
		}
		ms[i] = match(org, fmt.Sprintf("%07d", n-i), i/2, other)
	}
	return ms
}

// testLinkageManyMatches checks the round trip of 10,000 matches, more than
// any one statement of either store writes, and their replacement.
func testLinkageManyMatches(t *testing.T, e *env) {
	f := e.linkageFixture()
	const n = 10_000
	ms := manyMatches(n, f.a.ID, f.b.ID)
	e.setMatches(f.round.ID, ms)
	e.setMatches(f.round.ID, ms) // replaced, not added to
	for _, org := range []int64{f.a.ID, f.b.ID} {
		var want []alliance.LinkageMatch
		for _, m := range ms { // in cluster order already, one record of each org a cluster
			if m.OrgID == org {
				want = append(want, m)
			}
		}
		checkMatches(t, e, f.round.ID, org, want...)
	}
	if got := count(t, e.raw(), `SELECT count(*) FROM linkage_matches WHERE round_id = $1`, f.round.ID); got != n {
		t.Errorf("stored matches = %d, want %d", got, n)
	}
}

// BenchSetLinkageMatches measures replacing a round's 100,000 matches in one
// transaction. s must be migrated and have keys. It reports rows/s.
func BenchSetLinkageMatches(b *testing.B, s alliance.Store) {
	ctx := context.Background()
	var orgs [2]int64
	var roundID int64
	err := s.Update(ctx, func(tx alliance.Tx) error {
		for i := range orgs {
			o := &alliance.Organisation{Name: "Bench " + strconv.Itoa(i), Type: alliance.OrgNGO, Country: "RO",
				Languages: []string{"ro"}}
			if err := tx.CreateOrganisation(ctx, o); err != nil {
				return err
			}
			orgs[i] = o.ID
		}
		u := &alliance.User{OrgID: orgs[0], Email: "bench@example.org", Name: "Bench", Role: alliance.RoleAnalyst}
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		r := linkageRound(u.ID, orgs[:])
		err := tx.CreateLinkageRound(ctx, r)
		roundID = r.ID
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	const n = 100_000
	ms := manyMatches(n, orgs[0], orgs[1])
	for b.Loop() {
		if err := s.Update(ctx, func(tx alliance.Tx) error { return tx.SetLinkageMatches(ctx, roundID, ms) }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "rows/s")
}
