package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"alliance"

	"github.com/google/go-cmp/cmp"
)

// Synthetic screened names and review reasons, distinctive enough to find in
// a raw row.
const (
	secretWatchName   = "Qorvethia Lindqvast-Amarou"
	secretWatchName2  = "Жанибек Орынбасарович Тлеукожаев"
	secretWatchReason = "same passport number as the Zembrovka registry extract 88-QX"
)

// watchSecrets are the plaintexts, and distinctive parts of them, that no raw
// row may hold.
var watchSecrets = []string{secretWatchName, "Lindqvast", secretWatchName2, "Тлеукожаев", secretWatchReason, "Zembrovka"}

// watchList returns a new version of a list loaded by user, changed by each
// mod; it is not stored.
func watchList(user int64, mods ...func(*alliance.WatchList)) *alliance.WatchList {
	w := &alliance.WatchList{Name: "UFLPA Entity List", Source: "uflpa.csv", Format: "csv",
		SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", Entities: 2,
		Data: []byte("id,name\nU-1,Xinjiang Example Cotton Co\nU-2,Примерный Хлопок ООО\n"), LoadedBy: user, LoadedAt: base}
	for _, mod := range mods {
		mod(w)
	}
	return w
}

// addWatchLists stores each list in one transaction.
func (e *env) addWatchLists(ws ...*alliance.WatchList) {
	e.t.Helper()
	e.update(func(tx alliance.Tx) error {
		var errs []error
		for _, w := range ws {
			errs = append(errs, tx.AddWatchList(e.ctx, w))
		}
		return errors.Join(errs...)
	})
}

// watchNames returns n names, the first two the secret ones.
func watchNames(n int) []alliance.WatchName {
	names := make([]alliance.WatchName, n)
	for i := range names {
		names[i] = alliance.WatchName{QueryID: fmt.Sprintf("row-%d", i+1), Name: fmt.Sprintf("Supplier %d", i+1)}
	}
	if n > 0 {
		names[0].Name, names[0].Country = secretWatchName, "RO"
	}
	if n > 1 {
		names[1].Name, names[1].Country = secretWatchName2, "KZ"
	}
	return names
}

// createWatchCheck stores a check of org by user with names at base+offset.
func (e *env) createWatchCheck(org, user int64, offset time.Duration, names []alliance.WatchName) *alliance.WatchCheck {
	e.t.Helper()
	c := &alliance.WatchCheck{OrgID: org, Label: "suppliers.csv", CreatedBy: user, CreatedAt: base.Add(offset)}
	e.update(func(tx alliance.Tx) error { return tx.CreateWatchCheck(e.ctx, c, names) })
	return c
}

// hit returns a new open hit of name n by entity of list w; it is not stored.
func hit(n alliance.WatchName, w *alliance.WatchList, entity string, score float64) alliance.WatchHit {
	return alliance.WatchHit{CheckID: n.CheckID, NameID: n.ID, ListID: w.ID, ListName: w.Name, EntityID: entity,
		ListedName: "Listed " + entity, Score: score, Explanation: "tokens agree", FoundAt: base}
}

// addWatchHits stores hits in one transaction and checks how many were new.
func (e *env) addWatchHits(hits []alliance.WatchHit, want int) {
	e.t.Helper()
	var n int
	e.update(func(tx alliance.Tx) (err error) {
		n, err = tx.AddWatchHits(e.ctx, hits)
		return err
	})
	if n != want {
		e.t.Errorf("AddWatchHits of %d hits = %d; want %d new", len(hits), n, want)
	}
}

// checkWatchLists reads the lists back through r, with and without data. It
// only reports errors, so that it may run inside a transaction.
func checkWatchLists(t *testing.T, e *env, r alliance.Reader, want ...*alliance.WatchList) {
	t.Helper()
	for _, withData := range []bool{false, true} {
		got, err := r.WatchLists(e.ctx, withData)
		if err != nil || got == nil {
			t.Errorf("WatchLists(%t) = %v (nil: %t), %v", withData, got, got == nil, err)
			continue
		}
		ws := []alliance.WatchList{}
		for _, w := range want {
			x := *w
			if !withData {
				x.Data = nil
			} else if x.Data == nil {
				x.Data = []byte{}
			}
			ws = append(ws, x)
		}
		if diff := cmp.Diff(ws, got, cmp.Comparer(sameBytes)); diff != "" {
			t.Errorf("WatchLists(%t) mismatch (-want +got):\n%s", withData, diff)
		}
	}
}

// sameBytes compares byte slices, nil apart from empty.
func sameBytes(a, b []byte) bool { return bytes.Equal(a, b) && (a == nil) == (b == nil) }

// testWatchLists checks the round trip of list versions, newest loaded
// first (then the last loaded first), their data only when asked, marking a
// rescreen, and what is refused.
func testWatchLists(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "a@example.org")
	checkWatchLists(t, e, e.store)
	w1 := watchList(u.ID)
	w2 := watchList(u.ID, func(w *alliance.WatchList) {
		w.Name, w.Format, w.Entities, w.Data = "OpenSanctions", "ftm-jsonl", 0, nil
		w.LoadedAt = time.Date(2025, 3, 1, 11, 30, 0, 123456789, time.FixedZone("Kyiv", 3*3600))
	})
	w3 := watchList(u.ID, func(w *alliance.WatchList) { w.Data = []byte("id,name\nU-1,Other\n") })
	e.addWatchLists(w1, w2, w3)
	if w1.ID == 0 || w1.ID == w2.ID || w2.ID == w3.ID {
		t.Errorf("ids = %d, %d, %d; want distinct ids", w1.ID, w2.ID, w3.ID)
	}
	if want := base.Add(-time.Hour); !w2.LoadedAt.Equal(want) || w2.LoadedAt.Location() != time.UTC {
		t.Errorf("LoadedAt = %v; want %v, truncated, in UTC", w2.LoadedAt, want)
	}
	checkWatchLists(t, e, e.store, w3, w1, w2) // w1 and w3 at base, w2 an hour before

	at := base.Add(24 * time.Hour)
	e.update(func(tx alliance.Tx) error {
		if err := tx.MarkRescreened(e.ctx, w1.ID, at); err != nil {
			return err
		}
		w1.RescreenedAt = &at
		checkWatchLists(t, e, tx, w3, w1, w2)
		return nil
	})
	checkWatchLists(t, e, e.store, w3, w1, w2)
	err := e.store.Update(e.ctx, func(tx alliance.Tx) error { return tx.MarkRescreened(e.ctx, w3.ID+1000, at) })
	wantCode(t, "MarkRescreened of a missing list", err, alliance.CodeNotFound, "")
	err = e.store.Update(e.ctx, func(tx alliance.Tx) error {
		return tx.AddWatchList(e.ctx, watchList(u.ID+1000))
	})
	wantCode(t, "a list loaded by an unknown user", err, alliance.CodeInvalid, "user")
	checkWatchLists(t, e, e.store, w3, w1, w2)
}

// checkWatchCheck reads check want back, alone and in its organisation's
// list, with names its names.
func checkWatchCheck(t *testing.T, e *env, r alliance.Reader, want *alliance.WatchCheck, names []alliance.WatchName) {
	t.Helper()
	got, err := r.WatchCheck(e.ctx, want.ID)
	if err != nil {
		t.Errorf("WatchCheck(%d): %v", want.ID, err)
	} else if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("WatchCheck(%d) mismatch (-want +got):\n%s", want.ID, diff)
	}
	gotNames, err := r.WatchNamesOf(e.ctx, want.ID)
	if err != nil || gotNames == nil {
		t.Errorf("WatchNamesOf(%d) = nil: %t, %v", want.ID, gotNames == nil, err)
	} else if diff := cmp.Diff(names, gotNames, cmpEmpty); diff != "" {
		t.Errorf("WatchNamesOf(%d) mismatch (-want +got):\n%s", want.ID, diff)
	}
}

// cmpEmpty compares an empty slice as equal to nil.
var cmpEmpty = cmp.FilterValues(func(a, b any) bool { return isEmpty(a) && isEmpty(b) }, cmp.Comparer(func(_, _ any) bool { return true }))

func isEmpty(v any) bool {
	switch x := v.(type) {
	case []alliance.WatchName:
		return len(x) == 0
	case []alliance.WatchHit:
		return len(x) == 0
	case []alliance.WatchCheck:
		return len(x) == 0
	}
	return false
}

// checkWatchChecks checks the list of an organisation's checks.
func checkWatchChecks(t *testing.T, e *env, r alliance.Reader, org int64, want ...*alliance.WatchCheck) {
	t.Helper()
	got, err := r.WatchChecks(e.ctx, org)
	if err != nil || got == nil {
		t.Errorf("WatchChecks(%d) = nil: %t, %v", org, got == nil, err)
		return
	}
	var ws []alliance.WatchCheck
	for _, c := range want {
		ws = append(ws, *c)
	}
	if diff := cmp.Diff(ws, got, cmpEmpty); diff != "" {
		t.Errorf("WatchChecks(%d) mismatch (-want +got):\n%s", org, diff)
	}
}

// testWatchChecks checks the round trip of checks and their names, their
// order, newest first, per organisation, and that what refers to nothing is
// refused and stores nothing.
func testWatchChecks(t *testing.T, e *env) {
	a, b := e.org("Org A"), e.org("Org B")
	u, v := e.user(a.ID, "a@example.org"), e.user(b.ID, "b@example.org")
	checkWatchChecks(t, e, e.store, a.ID)
	n1, n2, n3 := watchNames(3), watchNames(1), watchNames(0)
	c1 := e.createWatchCheck(a.ID, u.ID, 0, n1)
	c2 := e.createWatchCheck(a.ID, u.ID, time.Hour, n2)
	c3 := e.createWatchCheck(a.ID, u.ID, 0, n3)
	c4 := e.createWatchCheck(b.ID, v.ID, 0, watchNames(2))
	for i, c := range []*alliance.WatchCheck{c1, c2, c3} {
		if c.ID == 0 || c.Names != []int{3, 1, 0}[i] {
			t.Errorf("check %d: ID %d, Names %d; want an id and %d names", i, c.ID, c.Names, []int{3, 1, 0}[i])
		}
	}
	for i, n := range n1 {
		if n.ID == 0 || n.CheckID != c1.ID || (i > 0 && n.ID <= n1[i-1].ID) {
			t.Errorf("name %d: ID %d, CheckID %d; want ascending ids of check %d", i, n.ID, n.CheckID, c1.ID)
		}
	}
	if n2[0].ID <= n1[2].ID || n2[0].CheckID != c2.ID {
		t.Errorf("name of the second check: ID %d, CheckID %d; want above %d, of check %d", n2[0].ID, n2[0].CheckID, n1[2].ID, c2.ID)
	}
	checkWatchCheck(t, e, e.store, c1, n1)
	checkWatchCheck(t, e, e.store, c2, n2)
	checkWatchCheck(t, e, e.store, c3, nil)
	checkWatchChecks(t, e, e.store, a.ID, c2, c3, c1)
	checkWatchChecks(t, e, e.store, b.ID, c4)
	checkWatchChecks(t, e, e.store, b.ID+1000)
	_, err := e.store.WatchCheck(e.ctx, c4.ID+1000)
	wantCode(t, "WatchCheck of a missing id", err, alliance.CodeNotFound, "")

	tests := []struct {
		name    string
		org, by int64
		field   string
	}{
		{"of an unknown organisation", a.ID + 1000, u.ID, "organisation"},
		{"by an unknown user", a.ID, u.ID + 1000, "user"},
	}
	for _, tc := range tests {
		c := &alliance.WatchCheck{OrgID: tc.org, Label: "x", CreatedBy: tc.by}
		names := watchNames(2)
		err := e.store.Update(e.ctx, func(tx alliance.Tx) error { return tx.CreateWatchCheck(e.ctx, c, names) })
		wantCode(t, "a check "+tc.name, err, alliance.CodeInvalid, tc.field)
		if c.ID != 0 || names[0].ID != 0 {
			t.Errorf("a check %s: ids %d, %d set; want them left", tc.name, c.ID, names[0].ID)
		}
	}
	if got := count(t, e.raw(), `SELECT count(*) FROM watch_names`); got != 6 {
		t.Errorf("stored names = %d; want 6", got)
	}
}

// testWatchNamesPaging checks that WatchNames walks the names of every check
// by id in pages, and limits a page.
func testWatchNamesPaging(t *testing.T, e *env) {
	a, b := e.org("Org A"), e.org("Org B")
	u, v := e.user(a.ID, "a@example.org"), e.user(b.ID, "b@example.org")
	n1, n2 := watchNames(4), watchNames(3)
	e.createWatchCheck(a.ID, u.ID, 0, n1)
	e.createWatchCheck(b.ID, v.ID, 0, n2)
	all := append(append([]alliance.WatchName{}, n1...), n2...)
	var got []alliance.WatchName
	after, pages := int64(0), 0
	for pages < 10 {
		page, err := e.store.WatchNames(e.ctx, after, 3)
		if err != nil || page == nil || len(page) > 3 {
			t.Fatalf("WatchNames(%d, 3) = %d names (nil: %t), %v; want at most 3", after, len(page), page == nil, err)
		}
		if len(page) == 0 {
			break
		}
		got, after, pages = append(got, page...), page[len(page)-1].ID, pages+1
	}
	if diff := cmp.Diff(all, got); diff != "" || pages != 3 {
		t.Errorf("WatchNames in %d pages mismatch (-want +got):\n%s", pages, diff)
	}
	for _, limit := range []int{0, -1, 1 << 30} {
		page, err := e.store.WatchNames(e.ctx, n1[1].ID, limit)
		if diff := cmp.Diff(all[2:], page); err != nil || diff != "" {
			t.Errorf("WatchNames(%d, %d) = %v; mismatch (-want +got):\n%s", n1[1].ID, limit, err, diff)
		}
	}
}

// testWatchListByServer checks that a version loaded by the server at start,
// by no user, is stored and read back with LoadedBy 0.
func testWatchListByServer(t *testing.T, e *env) {
	w := watchList(0)
	e.addWatchLists(w)
	all, err := e.store.WatchLists(e.ctx, false)
	if err != nil || len(all) != 1 || all[0].ID != w.ID || all[0].LoadedBy != 0 {
		t.Errorf("WatchLists = %+v, %v; want the version loaded by the server, by user 0", all, err)
	}
}
