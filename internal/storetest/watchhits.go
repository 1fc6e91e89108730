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

// watchSetup is a check of three names, another of one, and three lists:
// two versions of one and another list.
type watchSetup struct {
	user               *alliance.User
	check, other       *alliance.WatchCheck
	names, otherNames  []alliance.WatchName
	list, newer, list2 *alliance.WatchList
}

func (e *env) watchSetup() *watchSetup {
	e.t.Helper()
	a := e.org("Org A")
	s := &watchSetup{user: e.user(a.ID, "a@example.org"), names: watchNames(3), otherNames: watchNames(1)}
	s.check = e.createWatchCheck(a.ID, s.user.ID, 0, s.names)
	s.other = e.createWatchCheck(a.ID, s.user.ID, time.Hour, s.otherNames)
	s.list = watchList(s.user.ID)
	s.newer = watchList(s.user.ID, func(w *alliance.WatchList) { w.LoadedAt = base.Add(time.Hour) })
	s.list2 = watchList(s.user.ID, func(w *alliance.WatchList) { w.Name = "OpenSanctions" })
	e.addWatchLists(s.list, s.newer, s.list2)
	return s
}

// checkWatchHits reads the hits of check back, in a list and one by one. It
// only reports errors, so that it may run inside a transaction.
func checkWatchHits(t *testing.T, e *env, r alliance.Reader, check int64, want ...alliance.WatchHit) {
	t.Helper()
	got, err := r.WatchHits(e.ctx, check)
	if err != nil || got == nil {
		t.Errorf("WatchHits(%d) = nil: %t, %v", check, got == nil, err)
		return
	}
	if diff := cmp.Diff(want, got, cmpEmpty); diff != "" {
		t.Errorf("WatchHits(%d) mismatch (-want +got):\n%s", check, diff)
	}
	for _, h := range want {
		one, err := r.WatchHit(e.ctx, h.ID)
		if err != nil {
			t.Errorf("WatchHit(%d): %v", h.ID, err)
		} else if diff := cmp.Diff(&h, one); diff != "" {
			t.Errorf("WatchHit(%d) mismatch (-want +got):\n%s", h.ID, diff)
		}
	}
}

// checkOpenHits checks the open hits counted for a check.
func checkOpenHits(t *testing.T, e *env, check int64, want int) {
	t.Helper()
	c, err := e.store.WatchCheck(e.ctx, check)
	if err != nil || c.OpenHits != want {
		t.Errorf("WatchCheck(%d).OpenHits = %v, %v; want %d", check, c, err, want)
		return
	}
	list, err := e.store.WatchChecks(e.ctx, c.OrgID)
	for _, x := range list {
		if x.ID == check && x.OpenHits != want {
			t.Errorf("WatchChecks(%d): check %d has %d open hits; want %d", c.OrgID, check, x.OpenHits, want)
		}
	}
	if err != nil {
		t.Errorf("WatchChecks(%d): %v", c.OrgID, err)
	}
}

// testWatchHits checks the round trip of hits, their order (by name, then
// highest score first), that a hit of a name by the same entity of the same
// list is skipped, in one call or later, and its count, and that what refers
// to nothing is refused and stores nothing.
func testWatchHits(t *testing.T, e *env) {
	s := e.watchSetup()
	n0, n1, o0 := s.names[0], s.names[1], s.otherNames[0]
	hits := []alliance.WatchHit{hit(n0, s.list, "E-1", 0.9), hit(n0, s.list2, "E-1", 0.95),
		hit(n1, s.list, "E-2", 0.8), hit(n0, s.list, "E-3", 0.99), hit(n0, s.list, "E-1", 0.7)}
	hits[3].FoundAt = time.Time{}
	before := time.Now().Add(-time.Second)
	e.addWatchHits(hits, 4)
	for i, h := range hits[:4] {
		if h.ID == 0 || h.Revision != 1 || h.Status != alliance.HitOpen {
			t.Errorf("hit %d: ID %d, revision %d, status %q; want an id, 1, open", i, h.ID, h.Revision, h.Status)
		}
	}
	if hits[4].ID != 0 || hits[4].Revision != 0 || hits[4].Status != "" {
		t.Errorf("the skipped hit = %+v; want it left as it was", hits[4])
	}
	if hits[3].FoundAt.Before(before) || hits[3].FoundAt.Location() != time.UTC {
		t.Errorf("FoundAt of a hit given none = %v; want now, in UTC", hits[3].FoundAt)
	}

	// A later version of the same list finds nothing new for the same entity.
	more := []alliance.WatchHit{hit(n0, s.newer, "E-1", 0.91), hit(n1, s.list2, "E-2", 0.85), hit(o0, s.list, "E-1", 0.9)}
	more[2].Reason = secretWatchReason
	e.addWatchHits(more, 2)
	if more[0].ID != 0 || more[1].ID == 0 || more[2].ID == 0 {
		t.Errorf("ids = %d, %d, %d; want the first skipped", more[0].ID, more[1].ID, more[2].ID)
	}
	checkWatchHits(t, e, e.store, s.check.ID, hits[3], hits[1], hits[0], more[1], hits[2])
	checkWatchHits(t, e, e.store, s.other.ID, more[2])
	checkOpenHits(t, e, s.check.ID, 5)
	checkOpenHits(t, e, s.other.ID, 1)
	e.addWatchHits(append(hits[:4:4], more...), 0)
	e.addWatchHits(nil, 0)
	_, err := e.store.WatchHit(e.ctx, more[2].ID+1000)
	wantCode(t, "WatchHit of a missing id", err, alliance.CodeNotFound, "")

	const none = 1000
	tests := []struct {
		name  string
		mod   func(*alliance.WatchHit)
		field string
	}{
		{"of an unknown check", func(h *alliance.WatchHit) { h.CheckID += none }, "check"},
		{"of an unknown name", func(h *alliance.WatchHit) { h.NameID += none }, "name"},
		{"of an unknown list", func(h *alliance.WatchHit) { h.ListID += none }, "list"},
		{"reviewed by an unknown user", func(h *alliance.WatchHit) { h.ReviewedBy = s.user.ID + none }, "reviewed_by"},
		{"of an unknown status", func(h *alliance.WatchHit) { h.Status = "maybe" }, "status"},
	}
	for _, tc := range tests {
		batch := []alliance.WatchHit{hit(n1, s.list, "E-9", 0.5), hit(n1, s.list, "E-10", 0.5)}
		tc.mod(&batch[1])
		err := e.store.Update(e.ctx, func(tx alliance.Tx) error {
			_, err := tx.AddWatchHits(e.ctx, batch)
			return err
		})
		wantCode(t, "a hit "+tc.name, err, alliance.CodeInvalid, tc.field)
		if batch[0].ID != 0 {
			t.Errorf("a batch with a hit %s: the first hit has ID %d; want it left", tc.name, batch[0].ID)
		}
	}
	if got := count(t, e.raw(), `SELECT count(*) FROM watch_hits`); got != 6 {
		t.Errorf("stored hits = %d; want 6", got)
	}
}

// testWatchHitReview checks that a review writes the status, reason,
// reviewer and time and increments the revision, that one from a stale
// revision is refused with CodeConflict and changes nothing, and what else is
// refused.
func testWatchHitReview(t *testing.T, e *env) {
	s := e.watchSetup()
	hits := []alliance.WatchHit{hit(s.names[0], s.list, "E-1", 0.9), hit(s.names[1], s.list, "E-2", 0.8)}
	e.addWatchHits(hits, 2)
	stale := hits[0]
	h := hits[0]
	h.Status, h.Reason, h.ReviewedBy = alliance.HitConfirmed, secretWatchReason, s.user.ID
	at := time.Date(2025, 3, 2, 10, 0, 0, 999, time.UTC)
	h.ReviewedAt = &at
	e.update(func(tx alliance.Tx) error {
		if err := tx.ReviewWatchHit(e.ctx, &h); err != nil {
			return err
		}
		checkWatchHits(t, e, tx, s.check.ID, h, hits[1])
		return nil
	})
	if want := at.Truncate(time.Microsecond); h.Revision != 2 || !h.ReviewedAt.Equal(want) {
		t.Errorf("after review: revision %d, reviewed at %v; want 2, %v", h.Revision, h.ReviewedAt, want)
	}
	checkWatchHits(t, e, e.store, s.check.ID, h, hits[1])
	checkOpenHits(t, e, s.check.ID, 1)

	row := rawRow(t, e, `SELECT * FROM watch_hits WHERE id = $1`, h.ID)
	stale.Status, stale.Reason = alliance.HitDismissed, "a false alarm"
	tests := []struct {
		name  string
		hit   alliance.WatchHit
		code  alliance.Code
		field string
	}{
		{"from a stale revision", stale, alliance.CodeConflict, ""},
		{"of a missing hit", func() alliance.WatchHit { x := h; x.ID += 1000; return x }(), alliance.CodeNotFound, ""},
		{"by an unknown user", func() alliance.WatchHit { x := h; x.ReviewedBy += 1000; return x }(), alliance.CodeInvalid, "reviewed_by"},
		{"to an unknown status", func() alliance.WatchHit { x := h; x.Status = "maybe"; return x }(), alliance.CodeInvalid, "status"},
	}
	for _, tc := range tests {
		x := tc.hit
		err := e.store.Update(e.ctx, func(tx alliance.Tx) error { return tx.ReviewWatchHit(e.ctx, &x) })
		wantCode(t, "a review "+tc.name, err, tc.code, tc.field)
		if x.Revision != tc.hit.Revision {
			t.Errorf("a review %s: revision %d; want %d left", tc.name, x.Revision, tc.hit.Revision)
		}
	}
	if diff := cmp.Diff(row, rawRow(t, e, `SELECT * FROM watch_hits WHERE id = $1`, h.ID)); diff != "" {
		t.Errorf("the stored hit changed after refused reviews (-before +after):\n%s", diff)
	}
	checkWatchHits(t, e, e.store, s.check.ID, h, hits[1])

	// Reopened and dismissed by the current revision.
	h.Status, h.Reason, h.ReviewedBy, h.ReviewedAt = alliance.HitDismissed, "", 0, nil
	hits[1].Status = alliance.HitDismissed
	e.update(func(tx alliance.Tx) error {
		return errors.Join(tx.ReviewWatchHit(e.ctx, &h), tx.ReviewWatchHit(e.ctx, &hits[1]))
	})
	checkWatchHits(t, e, e.store, s.check.ID, h, hits[1])
	checkOpenHits(t, e, s.check.ID, 0)
}

// rawSealed returns the stored sealed values of column of table, by id.
func rawSealed(t *testing.T, e *env, table, column string) map[int64][]byte {
	t.Helper()
	rows, err := e.raw().QueryContext(e.ctx, `SELECT id, `+column+` FROM `+table)
	if err != nil {
		t.Fatalf("read %s.%s: %v", table, column, err)
	}
	defer rows.Close()
	out := map[int64][]byte{}
	for rows.Next() {
		var id int64
		var ct []byte
		if err := rows.Scan(&id, &ct); err != nil {
			t.Fatalf("read %s.%s: %v", table, column, err)
		}
		out[id] = ct
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("read %s.%s: %v", table, column, err)
	}
	return out
}

// checkWatchSealed checks that the stored values of column of table are
// sealed under the active key, bound to name (and not to other), and open to
// want, by id; and that no row of table holds a plaintext of watchSecrets.
func checkWatchSealed(t *testing.T, e *env, table, column, name, other string, want map[int64]string) {
	t.Helper()
	stored := rawSealed(t, e, table, column)
	if len(stored) != len(want) {
		t.Errorf("%s holds %d rows; want %d", table, len(stored), len(want))
	}
	for id, pt := range want {
		ct := stored[id]
		got, err := e.keys.Open(name, ct)
		if err != nil || !e.keys.Current(ct) || string(got) != pt {
			t.Errorf("%s.%s of %d opens under %s to %q, %v (current: %t); want %q, under the active key",
				table, column, id, name, got, err, e.keys.Current(ct), pt)
		}
		if _, err := e.keys.Open(other, ct); err == nil {
			t.Errorf("%s.%s of %d opens under %s too; want it bound to %s", table, column, id, other, name)
		}
		for col, v := range rawRow(t, e, `SELECT * FROM `+table+` WHERE id = $1`, id) {
			for _, s := range watchSecrets {
				if bytes.Contains(bytes.ToLower(v), bytes.ToLower([]byte(s))) {
					t.Errorf("%s.%s of %d holds the plaintext %q", table, col, id, s)
				}
			}
		}
	}
}

// testWatchEncryptedAtRest checks that the screened names and the reasons of
// reviews are stored sealed, bound to their columns, and that a key rotation
// re-seals them all and they still read back.
func testWatchEncryptedAtRest(t *testing.T, e *env) {
	s := e.watchSetup()
	hits := []alliance.WatchHit{hit(s.names[0], s.list, "E-1", 0.9), hit(s.names[1], s.list2, "E-2", 0.8)}
	hits[1].Reason = secretWatchReason + " (on loading)"
	e.addWatchHits(hits, 2)
	hits[0].Status, hits[0].Reason, hits[0].ReviewedBy = alliance.HitConfirmed, secretWatchReason, s.user.ID
	e.update(func(tx alliance.Tx) error { return tx.ReviewWatchHit(e.ctx, &hits[0]) })

	names := map[int64]string{}
	for _, n := range append(append([]alliance.WatchName{}, s.names...), s.otherNames...) {
		names[n.ID] = n.Name
	}
	reasons := map[int64]string{hits[0].ID: hits[0].Reason, hits[1].ID: hits[1].Reason}
	checkWatchSealed(t, e, "watch_names", "name", alliance.ColWatchName, alliance.ColWatchHitReason, names)
	checkWatchSealed(t, e, "watch_hits", "reason", alliance.ColWatchHitReason, alliance.ColWatchName, reasons)
	oldNames, oldReasons := rawSealed(t, e, "watch_names", "name"), rawSealed(t, e, "watch_hits", "reason")

	e.keys.Rotate()
	reencrypt(t, e, 0, 2+len(names)+len(reasons)) // the user's email and name, the names and the reasons
	reencrypt(t, e, 0, 0)
	checkWatchSealed(t, e, "watch_names", "name", alliance.ColWatchName, alliance.ColWatchHitReason, names)
	checkWatchSealed(t, e, "watch_hits", "reason", alliance.ColWatchHitReason, alliance.ColWatchName, reasons)
	for id, ct := range rawSealed(t, e, "watch_names", "name") {
		if bytes.Equal(ct, oldNames[id]) {
			t.Errorf("watch_names.name of %d is unchanged after a rotation", id)
		}
	}
	for id, ct := range rawSealed(t, e, "watch_hits", "reason") {
		if bytes.Equal(ct, oldReasons[id]) {
			t.Errorf("watch_hits.reason of %d is unchanged after a rotation", id)
		}
	}
	s.check.OpenHits = 1
	checkWatchCheck(t, e, e.store, s.check, s.names)
	checkWatchHits(t, e, e.store, s.check.ID, hits[0], hits[1])
}

// testWatchManyNames checks a check of more names and hits than one
// statement of either store inserts, and that adding them all again adds
// none.
func testWatchManyNames(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "a@example.org")
	const n = 5501
	names := watchNames(n)
	c := e.createWatchCheck(a.ID, u.ID, 0, names)
	w := watchList(u.ID)
	e.addWatchLists(w)
	hits := make([]alliance.WatchHit, 0, n+3)
	for i, name := range names {
		hits = append(hits, hit(name, w, fmt.Sprintf("E-%d", i%7), float64(i%100)/100))
	}
	hits = append(hits, hit(names[0], w, "E-0", 0.1), hit(names[n-1], w, fmt.Sprintf("E-%d", (n-1)%7), 0.1),
		hit(names[n-1], w, "E-new", 0.1))
	e.addWatchHits(hits, n+1)
	e.addWatchHits(hits, 0)
	checkWatchCheck(t, e, e.store, &alliance.WatchCheck{ID: c.ID, OrgID: a.ID, Label: c.Label, Names: n,
		CreatedBy: u.ID, CreatedAt: c.CreatedAt, OpenHits: n + 1}, names)
	got, err := e.store.WatchHits(e.ctx, c.ID)
	if err != nil || len(got) != n+1 {
		t.Fatalf("WatchHits(%d) = %d hits, %v; want %d", c.ID, len(got), err, n+1)
	}
	seen := map[int64]bool{}
	for i, h := range hits {
		if (h.ID != 0) != (i < n || i == n+2) || (h.ID != 0 && seen[h.ID]) {
			t.Errorf("hit %d has ID %d; want a distinct id for each new hit, 0 for a duplicate", i, h.ID)
		}
		seen[h.ID] = true
	}
	if last := got[len(got)-1]; last.NameID != names[n-1].ID || last.ID != hits[n-1].ID {
		t.Errorf("the last hit = %+v; want hit %d, of the last name", last, hits[n-1].ID)
	}
}
