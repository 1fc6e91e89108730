package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"alliance"

	"github.com/google/go-cmp/cmp"
)

// Plaintexts the event tests store, distinctive enough to find in a raw row.
const (
	secretDescription = "a man offered her work in a bakery in Odesa"
	secretPerpName    = "Vasile Ungureanu"
	secretPerpDetails = "drives a grey van, plate starting CH 07"
)

// eventSecrets are the plaintexts, and distinctive parts of them, that no raw
// row may hold.
var eventSecrets = []string{secretDescription, "bakery", secretPerpName, "Ungureanu", secretPerpDetails, "grey van"}

// event returns a new event on case caseID recorded by user at base, changed
// by each mod; it is not stored.
func event(caseID, user int64, mods ...func(*alliance.Event)) *alliance.Event {
	x := &alliance.Event{CaseID: caseID, Type: "Recruitment", Date: "2024-05", Country: "MD", City: "Chisinau",
		Description: secretDescription, By: user, At: base}
	for _, mod := range mods {
		mod(x)
	}
	return x
}

// perpetrator returns a new perpetrator on case caseID recorded by user at
// base, changed by each mod; it is not stored.
func perpetrator(caseID, user int64, mods ...func(*alliance.Perpetrator)) *alliance.Perpetrator {
	p := &alliance.Perpetrator{CaseID: caseID, Kind: "person", Name: secretPerpName,
		Roles: []string{"RecruiterOrIntermediary", "Transporter"}, Details: secretPerpDetails, By: user, At: base}
	for _, mod := range mods {
		mod(p)
	}
	return p
}

// addEvents stores each event and perpetrator in one transaction.
func (e *env) addEvents(xs []*alliance.Event, ps ...*alliance.Perpetrator) {
	e.t.Helper()
	e.update(func(tx alliance.Tx) error {
		var errs []error
		for _, x := range xs {
			errs = append(errs, tx.AddEvent(e.ctx, x))
		}
		for _, p := range ps {
			errs = append(errs, tx.AddPerpetrator(e.ctx, p))
		}
		return errors.Join(errs...)
	})
}

// checkEvents reads the events and perpetrators of case caseID back through
// r. It only reports errors, never stops the test, so that it may run inside
// a transaction (whose function the SQLite store runs on its writer
// goroutine).
func checkEvents(t *testing.T, e *env, r alliance.Reader, caseID int64, xs []*alliance.Event, ps []*alliance.Perpetrator) {
	t.Helper()
	wantXs, wantPs := []alliance.Event{}, []alliance.Perpetrator{}
	for _, x := range xs {
		wantXs = append(wantXs, *x)
	}
	for _, p := range ps {
		wantPs = append(wantPs, *p)
	}
	gotXs, err := r.Events(e.ctx, caseID)
	if diff := cmp.Diff(wantXs, gotXs); err != nil || diff != "" || gotXs == nil {
		t.Errorf("Events(%d): error %v, mismatch (-want +got):\n%s", caseID, err, diff)
	}
	gotPs, err := r.Perpetrators(e.ctx, caseID)
	if diff := cmp.Diff(wantPs, gotPs); err != nil || diff != "" || gotPs == nil {
		t.Errorf("Perpetrators(%d): error %v, mismatch (-want +got):\n%s", caseID, err, diff)
	}
}

// testEvents checks the round trip of events and perpetrators and their
// order, oldest recorded first, then as recorded; inside a transaction too.
func testEvents(t *testing.T, e *env) {
	a := e.org("Org A")
	u, v := e.user(a.ID, "a@example.org"), e.user(a.ID, "v@example.org")
	k, other := newCase(a.ID, u.ID, "P-1"), newCase(a.ID, u.ID, "P-2")
	e.createCases(k, other)
	kyiv := time.FixedZone("Kyiv", 3*3600)
	x1 := event(k.ID, u.ID, func(x *alliance.Event) { x.At = base.Add(time.Hour) })
	x2 := event(k.ID, v.ID, func(x *alliance.Event) {
		x.Type, x.Date, x.Country, x.City, x.Description = "Transit", "2024", "RO", "", "у поїзді\nдо Бухареста"
	})
	x3 := event(k.ID, u.ID, func(x *alliance.Event) { // unknown date, same time as x1
		x.Type, x.Date, x.Country, x.City, x.Description, x.At = "Exploitation", "", "", "", "", base.Add(time.Hour)
	})
	x4 := event(other.ID, u.ID, func(x *alliance.Event) {
		x.Date, x.At = "2024-02-29", time.Date(2025, 3, 1, 15, 0, 0, 123456789, kyiv)
	})
	p1 := perpetrator(k.ID, u.ID, func(p *alliance.Perpetrator) { p.At = base.Add(time.Hour) })
	p2 := perpetrator(k.ID, v.ID, func(p *alliance.Perpetrator) {
		p.Kind, p.Name, p.Roles, p.Details = "organisation", "Agenția Lucru Bun SRL", []string{"BrokerTravelAgent"}, ""
	})
	p3 := perpetrator(k.ID, u.ID, func(p *alliance.Perpetrator) {
		p.Roles, p.At = []string{"Exploiter", "Abuser", "Other"}, base.Add(time.Hour)
	})
	p4 := perpetrator(other.ID, u.ID, func(p *alliance.Perpetrator) {
		p.At = time.Date(2025, 3, 1, 15, 0, 0, 123456789, kyiv)
	})
	e.addEvents([]*alliance.Event{x1, x2, x3, x4}, p1, p2, p3, p4)
	if x1.ID == 0 || x1.ID == x2.ID || x2.ID == x3.ID || p1.ID == 0 || p1.ID == p2.ID || p2.ID == p3.ID {
		t.Errorf("ids = %d, %d, %d and %d, %d, %d; want distinct ids", x1.ID, x2.ID, x3.ID, p1.ID, p2.ID, p3.ID)
	}
	want := time.Date(2025, 3, 1, 12, 0, 0, 123456000, time.UTC)
	if !x4.At.Equal(want) || x4.At.Location() != time.UTC || !p4.At.Equal(want) || p4.At.Location() != time.UTC {
		t.Errorf("At of a new event and perpetrator = %v, %v; want %v, truncated, in UTC", x4.At, p4.At, want)
	}
	checkEvents(t, e, e.store, k.ID, []*alliance.Event{x2, x1, x3}, []*alliance.Perpetrator{p2, p1, p3})
	checkEvents(t, e, e.store, other.ID, []*alliance.Event{x4}, []*alliance.Perpetrator{p4})

	// Inside a transaction, and at now when no time is given.
	before := time.Now().Add(-time.Second)
	x5 := event(other.ID, v.ID, func(x *alliance.Event) { x.At, x.Type = time.Time{}, "Transit" })
	p5 := perpetrator(other.ID, v.ID, func(p *alliance.Perpetrator) { p.At, p.Kind = time.Time{}, "organisation" })
	e.update(func(tx alliance.Tx) error {
		if err := errors.Join(tx.AddEvent(e.ctx, x5), tx.AddPerpetrator(e.ctx, p5)); err != nil {
			return err
		}
		checkEvents(t, e, tx, other.ID, []*alliance.Event{x4, x5}, []*alliance.Perpetrator{p4, p5})
		return nil
	})
	if x5.At.Before(before) || p5.At.Before(before) {
		t.Errorf("times of an event and a perpetrator given none = %v, %v; want now", x5.At, p5.At)
	}
	checkEvents(t, e, e.store, other.ID, []*alliance.Event{x4, x5}, []*alliance.Perpetrator{p4, p5})

	// A case with none lists none, as empty lists.
	bare := newCase(a.ID, u.ID, "P-3")
	e.createCases(bare)
	checkEvents(t, e, e.store, bare.ID, nil, nil)
}

// testEventsInvalid checks that events and perpetrators that refer to what
// does not exist, or hold values out of their lists, are refused with
// CodeInvalid and the field at fault, store nothing, and repeat no sealed
// value.
func testEventsInvalid(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "a@example.org")
	k := newCase(a.ID, u.ID, "P-1")
	e.createCases(k)
	const none = 1000
	add := func(mod func(*alliance.Event)) func(tx alliance.Tx) error {
		return func(tx alliance.Tx) error { return tx.AddEvent(e.ctx, event(k.ID, u.ID, mod)) }
	}
	addP := func(mod func(*alliance.Perpetrator)) func(tx alliance.Tx) error {
		return func(tx alliance.Tx) error { return tx.AddPerpetrator(e.ctx, perpetrator(k.ID, u.ID, mod)) }
	}
	tests := []struct {
		name  string
		fn    func(tx alliance.Tx) error
		field string
	}{
		{"event on an unknown case", add(func(x *alliance.Event) { x.CaseID += none }), "case"},
		{"event by an unknown user", add(func(x *alliance.Event) { x.By += none }), "user"},
		{"event of an unknown type", add(func(x *alliance.Event) { x.Type = "Rescue" }), "type"},
		{"event of no type", add(func(x *alliance.Event) { x.Type = "" }), "type"},
		{"event on a day that does not exist", add(func(x *alliance.Event) { x.Date = "2025-02-30" }), "date"},
		{"event on a date written otherwise", add(func(x *alliance.Event) { x.Date = "05/2024" }), "date"},
		{"perpetrator on an unknown case", addP(func(p *alliance.Perpetrator) { p.CaseID += none }), "case"},
		{"perpetrator by an unknown user", addP(func(p *alliance.Perpetrator) { p.By += none }), "user"},
		{"perpetrator of an unknown kind", addP(func(p *alliance.Perpetrator) { p.Kind = "group" }), "kind"},
		{"perpetrator of an unknown role", addP(func(p *alliance.Perpetrator) { p.Roles = []string{"Exploiter", "Boss"} }), "roles"},
		{"perpetrator of no role", addP(func(p *alliance.Perpetrator) { p.Roles = nil }), "roles"},
	}
	for _, tc := range tests {
		err := e.store.Update(e.ctx, tc.fn)
		wantCode(t, tc.name, err, alliance.CodeInvalid, tc.field)
		for _, s := range eventSecrets {
			if err != nil && strings.Contains(err.Error(), s) {
				t.Errorf("%s: error %q repeats the sealed value %q", tc.name, err, s)
			}
		}
	}
	for _, table := range []string{"case_events", "perpetrators"} {
		if n := count(t, e.raw(), `SELECT count(*) FROM `+table); n != 0 {
			t.Errorf("%s rows = %d after refused writes, want 0", table, n)
		}
	}
}

// testEventsEncryptedAtRest reads the stored rows of an event and a
// perpetrator, and checks that no column holds a plaintext and that the
// sealed columns open, each only under its own column name.
func testEventsEncryptedAtRest(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "a@example.org")
	k := newCase(a.ID, u.ID, "P-1")
	e.createCases(k)
	x, p := event(k.ID, u.ID), perpetrator(k.ID, u.ID)
	e.addEvents([]*alliance.Event{x}, p)
	rows := map[string]map[string][]byte{
		"case_events":  rawRow(t, e, `SELECT * FROM case_events WHERE id = $1`, x.ID),
		"perpetrators": rawRow(t, e, `SELECT * FROM perpetrators WHERE id = $1`, p.ID),
	}
	for table, row := range rows {
		for col, v := range row {
			for _, s := range eventSecrets {
				if bytes.Contains(bytes.ToLower(v), bytes.ToLower([]byte(s))) {
					t.Errorf("%s.%s holds the plaintext %q", table, col, s)
				}
			}
		}
	}
	// The type, date, place, kind and roles are kept in clear.
	for _, c := range []struct{ table, col, want string }{
		{"case_events", "type", "Recruitment"}, {"case_events", "event_date", "2024-05"},
		{"case_events", "country", "MD"}, {"case_events", "city", "Chisinau"},
		{"perpetrators", "kind", "person"}, {"perpetrators", "roles", ",RecruiterOrIntermediary,Transporter,"},
	} {
		if got := string(rows[c.table][c.col]); got != c.want {
			t.Errorf("%s.%s = %q, want %q in clear", c.table, c.col, got, c.want)
		}
	}
	sealed := []struct {
		table, column, name, other, want string
		id                               int64
	}{
		{"case_events", "description", alliance.ColEventDescription, alliance.ColPerpetratorDetails, secretDescription, x.ID},
		{"perpetrators", "name", alliance.ColPerpetratorName, alliance.ColPerpetratorDetails, secretPerpName, p.ID},
		{"perpetrators", "details", alliance.ColPerpetratorDetails, alliance.ColPerpetratorName, secretPerpDetails, p.ID},
	}
	for _, s := range sealed {
		var ct []byte
		if err := e.raw().QueryRow(`SELECT `+s.column+` FROM `+s.table+` WHERE id = $1`, s.id).Scan(&ct); err != nil {
			t.Fatalf("read %s.%s: %v", s.table, s.column, err)
		}
		if !e.keys.Current(ct) {
			t.Errorf("%s.%s of %d = %x; want a value sealed under the active key", s.table, s.column, s.id, ct)
		}
		if pt, err := e.keys.Open(s.name, ct); err != nil || string(pt) != s.want {
			t.Errorf("%s.%s opens under %s to %q, %v; want %q", s.table, s.column, s.name, pt, err, s.want)
		}
		if _, err := e.keys.Open(s.other, ct); err == nil {
			t.Errorf("%s.%s opens under the column name %s too; want it bound to %s", s.table, s.column, s.other, s.name)
		}
	}
}

// eventColumns are the sealed columns of events and perpetrators.
var eventColumns = []struct{ table, column, name string }{
	{"case_events", "description", alliance.ColEventDescription},
	{"perpetrators", "name", alliance.ColPerpetratorName},
	{"perpetrators", "details", alliance.ColPerpetratorDetails},
}

// rawEventTexts returns the stored values of the sealed columns of the events
// and perpetrators of case caseID, keyed "table.column id".
func rawEventTexts(t *testing.T, e *env, caseID int64) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, c := range eventColumns {
		rows, err := e.raw().QueryContext(e.ctx, `SELECT id, `+c.column+` FROM `+c.table+` WHERE case_id = $1`, caseID)
		if err != nil {
			t.Fatalf("read %s.%s: %v", c.table, c.column, err)
		}
		for rows.Next() {
			var id int64
			var ct []byte
			if err := rows.Scan(&id, &ct); err != nil {
				t.Fatal(err)
			}
			out[fmt.Sprintf("%s.%s %d", c.table, c.column, id)] = ct
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// checkEventsSealed checks that every sealed column of the events and
// perpetrators of case caseID is sealed under the active key and, when blank
// is set, that descriptions and details open to an empty text (names are
// never blanked); it returns how many values it saw.
func checkEventsSealed(t *testing.T, e *env, caseID int64, blank bool) int {
	t.Helper()
	stored := rawEventTexts(t, e, caseID)
	for key, ct := range stored {
		name := ""
		for _, c := range eventColumns {
			if strings.HasPrefix(key, c.table+"."+c.column+" ") {
				name = c.name
			}
		}
		pt, err := e.keys.Open(name, ct)
		empty := blank && name != alliance.ColPerpetratorName
		if err != nil || !e.keys.Current(ct) || (empty && len(pt) != 0) {
			t.Errorf("%s = %x, opens under %s to %q, %v; want a value sealed under the active key (empty: %t)",
				key, ct, name, pt, err, empty)
		}
	}
	return len(stored)
}

// testEraseEventTexts checks that EraseCaseText blanks the descriptions of
// the events and the details of the perpetrators of one case, and only of
// that case, keeping the perpetrators' names and the other fields, and that a
// rotation re-seals the blanks.
func testEraseEventTexts(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "a@example.org")
	k, other := newCase(a.ID, u.ID, "P-1"), newCase(a.ID, u.ID, "P-2")
	e.createCases(k, other)
	xs := []*alliance.Event{event(k.ID, u.ID), event(k.ID, u.ID, func(x *alliance.Event) {
		x.Type, x.Description, x.At = "Exploitation", "", base.Add(time.Hour)
	})}
	ps := []*alliance.Perpetrator{perpetrator(k.ID, u.ID), perpetrator(k.ID, u.ID, func(p *alliance.Perpetrator) {
		p.Kind, p.Name, p.Details, p.At = "organisation", "Lucru Bun SRL", "", base.Add(time.Hour)
	})}
	otherXs := []*alliance.Event{event(other.ID, u.ID)}
	otherPs := []*alliance.Perpetrator{perpetrator(other.ID, u.ID)}
	e.addEvents(append(xs, otherXs...), append(ps, otherPs...)...)
	old, otherOld := rawEventTexts(t, e, k.ID), rawEventTexts(t, e, other.ID)

	blankXs, blankPs := []*alliance.Event{}, []*alliance.Perpetrator{}
	for _, x := range xs {
		y := *x
		y.Description = ""
		blankXs = append(blankXs, &y)
	}
	for _, p := range ps {
		y := *p
		y.Details = ""
		blankPs = append(blankPs, &y)
	}
	e.update(func(tx alliance.Tx) error {
		if err := tx.EraseCaseText(e.ctx, k.ID); err != nil {
			return err
		}
		checkEvents(t, e, tx, k.ID, blankXs, blankPs)
		return nil
	})
	checkEvents(t, e, e.store, k.ID, blankXs, blankPs)
	checkEvents(t, e, e.store, other.ID, otherXs, otherPs)
	if diff := cmp.Diff(otherOld, rawEventTexts(t, e, other.ID)); diff != "" {
		t.Errorf("the stored texts of another case changed (-before +after):\n%s", diff)
	}
	if n := checkEventsSealed(t, e, k.ID, true); n != 6 {
		t.Errorf("sealed event values of case %d = %d, want 6", k.ID, n)
	}
	// The old descriptions and details are gone; the names are as they were.
	now := rawEventTexts(t, e, k.ID)
	for key, was := range old {
		kept := strings.HasPrefix(key, "perpetrators.name ")
		if kept != bytes.Equal(now[key], was) {
			t.Errorf("%s: unchanged = %t after EraseCaseText, want %t", key, !kept, kept)
		}
	}
	for _, x := range xs {
		for col, v := range rawRow(t, e, `SELECT * FROM case_events WHERE id = $1`, x.ID) {
			if bytes.Contains(bytes.ToLower(v), []byte("bakery")) {
				t.Errorf("case_events.%s of %d holds the description after EraseCaseText", col, x.ID)
			}
		}
	}

	// The blanks are sealed under the data key like any other value.
	e.keys.Rotate()
	if n, err := e.store.Reencrypt(e.ctx, 0); err != nil || n == 0 {
		t.Fatalf("Reencrypt = %d, %v; want values re-sealed", n, err)
	}
	checkEventsSealed(t, e, k.ID, true)
	checkEvents(t, e, e.store, k.ID, blankXs, blankPs)
	checkEvents(t, e, e.store, other.ID, otherXs, otherPs)
}

// testReencryptEvents rotates the data key and checks that Reencrypt
// re-seals the descriptions of events and the names and details of
// perpetrators, the empty ones too.
func testReencryptEvents(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "caseworker@example.org")
	k := newCase(a.ID, u.ID, "R-1")
	e.createCases(k)
	xs := []*alliance.Event{event(k.ID, u.ID), event(k.ID, u.ID, func(x *alliance.Event) {
		x.Description, x.At = "", base.Add(time.Hour)
	})}
	ps := []*alliance.Perpetrator{perpetrator(k.ID, u.ID), perpetrator(k.ID, u.ID, func(p *alliance.Perpetrator) {
		p.Details, p.At = "", base.Add(time.Hour)
	})}
	e.addEvents(xs, ps...)
	old := rawEventTexts(t, e, k.ID)

	reencrypt(t, e, 0, 0)
	e.keys.Rotate()
	reencrypt(t, e, 3, 3) // the user's email and name, and the person
	reencrypt(t, e, 0, 6) // 2 descriptions, 2 names and 2 details, the empty ones too
	reencrypt(t, e, 0, 0)
	if n := checkEventsSealed(t, e, k.ID, false); n != 6 {
		t.Errorf("sealed event values = %d, want 6", n)
	}
	for key, ct := range rawEventTexts(t, e, k.ID) {
		if bytes.Equal(ct, old[key]) {
			t.Errorf("%s is unchanged after Reencrypt", key)
		}
	}
	checkEvents(t, e, e.store, k.ID, xs, ps)
}
