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

// testOrganisationRetention checks the round trip of the retention period of
// organisations, through create, update, read and list, and that a period
// outside 0 to 36500 days is refused.
func testOrganisationRetention(t *testing.T, e *env) {
	keep := &alliance.Organisation{Name: "Keeps until erased", Type: alliance.OrgNGO, Country: "RO",
		Languages: []string{"ro"}, CreatedAt: base}
	year := &alliance.Organisation{Name: "Keeps a year", Type: alliance.OrgShelter, Country: "UA",
		Languages: []string{"uk"}, RetentionDays: 365, CreatedAt: base}
	most := &alliance.Organisation{Name: "Keeps a century", Type: alliance.OrgPolice, Country: "MD",
		Languages: []string{"ro"}, RetentionDays: 36500, CreatedAt: base}
	e.update(func(tx alliance.Tx) error {
		return errors.Join(tx.CreateOrganisation(e.ctx, keep), tx.CreateOrganisation(e.ctx, year),
			tx.CreateOrganisation(e.ctx, most))
	})
	checkOrgs := func(what string, want ...*alliance.Organisation) {
		t.Helper()
		for _, o := range want {
			checkOrg(t, e, o)
		}
		w := []alliance.Organisation{}
		for _, o := range want {
			w = append(w, *o)
		}
		list, err := e.store.Organisations(e.ctx)
		if diff := cmp.Diff(w, list); err != nil || diff != "" {
			t.Errorf("Organisations %s: error %v, mismatch (-want +got):\n%s", what, err, diff)
		}
	}
	checkOrgs("after create", keep, year, most)
	if n := count(t, e.raw(), `SELECT count(*) FROM organisations WHERE retention_days = $1`, 365); n != 1 {
		t.Errorf("organisations with retention_days 365 = %d, want 1", n)
	}

	keep.RetentionDays, year.RetentionDays, most.RetentionDays = 30, 0, 1
	e.update(func(tx alliance.Tx) error {
		return errors.Join(tx.UpdateOrganisation(e.ctx, keep), tx.UpdateOrganisation(e.ctx, year),
			tx.UpdateOrganisation(e.ctx, most))
	})
	checkOrgs("after update", keep, year, most)
	// Inside a transaction too.
	e.update(func(tx alliance.Tx) error {
		got, err := tx.Organisation(e.ctx, keep.ID)
		if err != nil || got.RetentionDays != 30 {
			t.Errorf("tx.Organisation(%d) = %+v, %v; want RetentionDays 30", keep.ID, got, err)
		}
		return nil
	})

	// The database refuses what Organisation.Validate refuses.
	for _, days := range []int{-1, 36501} {
		o := &alliance.Organisation{Name: fmt.Sprintf("Keeps %d days", days), Type: alliance.OrgNGO, Country: "RO",
			Languages: []string{"ro"}, RetentionDays: days}
		err := e.store.Update(e.ctx, func(tx alliance.Tx) error { return tx.CreateOrganisation(e.ctx, o) })
		wantCode(t, fmt.Sprintf("an organisation keeping %d days", days), err, alliance.CodeInvalid, "retention_days")
		changed := *keep
		changed.RetentionDays = days
		err = e.store.Update(e.ctx, func(tx alliance.Tx) error { return tx.UpdateOrganisation(e.ctx, &changed) })
		wantCode(t, fmt.Sprintf("an update to %d days", days), err, alliance.CodeInvalid, "retention_days")
	}
	checkOrgs("after refused writes", keep, year, most)
}

// testCaseErasedAt checks the round trip of the erasure time of a case,
// through create, update, read and list, and that an erased case keeps a
// sealed person that opens and names no one.
func testCaseErasedAt(t *testing.T, e *env) {
	a, b := e.org("Org A"), e.org("Org B")
	u := e.user(a.ID, "caseworker@example.org")
	k := newCase(a.ID, u.ID, "E-1", fullCase(u.ID, b.ID))
	kyiv := time.FixedZone("Kyiv", 3*3600)
	erasedAt := time.Date(2025, 6, 1, 12, 0, 0, 123456789, kyiv)
	created := newCase(a.ID, u.ID, "E-2", func(k *alliance.Case) { k.Erase(erasedAt) })
	e.createCases(k, created)
	if k.ErasedAt != nil {
		t.Errorf("ErasedAt of a new case given none = %v, want nil", k.ErasedAt)
	}
	want := time.Date(2025, 6, 1, 9, 0, 0, 123456000, time.UTC)
	if created.ErasedAt == nil || !created.ErasedAt.Equal(want) || created.ErasedAt.Location() != time.UTC {
		t.Errorf("ErasedAt of a new erased case = %v; want %v, truncated, in UTC", created.ErasedAt, want)
	}
	checkCase(t, e, e.store, k)
	checkCase(t, e, e.store, created)

	erased := *k
	erased.Erase(erasedAt)
	e.update(func(tx alliance.Tx) error {
		if err := tx.UpdateCase(e.ctx, &erased); err != nil {
			return err
		}
		// Not checkCase, which stops the test: the SQLite store runs this
		// function on its writer goroutine.
		got, err := tx.Case(e.ctx, erased.ID)
		if diff := cmp.Diff(&erased, got); err != nil || diff != "" {
			t.Errorf("tx.Case(%d): error %v, mismatch (-want +got):\n%s", erased.ID, err, diff)
		}
		return nil
	})
	if erased.ErasedAt == nil || !erased.ErasedAt.Equal(want) || erased.ErasedAt.Location() != time.UTC {
		t.Errorf("ErasedAt after UpdateCase = %v; want %v, truncated, in UTC", erased.ErasedAt, want)
	}
	checkCase(t, e, e.store, &erased)
	// The non-identifying facts stay.
	if erased.Person.Gender != "Feminine" || len(erased.Person.Citizenships) != 2 || erased.Industry != "A" {
		t.Errorf("an erased case lost its non-identifying facts: %+v", erased)
	}
	list, err := e.store.Cases(e.ctx, alliance.CaseFilter{OrgID: a.ID})
	if diff := cmp.Diff([]alliance.Case{*created, erased}, list); err != nil || diff != "" {
		t.Errorf("Cases: error %v, mismatch (-want +got):\n%s", err, diff)
	}

	// The sealed person is still there, under its column name, and names no one.
	row := rawRow(t, e, `SELECT * FROM cases WHERE id = $1`, k.ID)
	for _, s := range []string{secretGiven, secretFamily, "Петрівна", secretPhone, secretEmail, secretAddress, "1994-07"} {
		if bytes.Contains(row["person"], []byte(s)) {
			t.Errorf("cases.person of an erased case holds %q", s)
		}
	}
	var ct []byte
	if err := e.raw().QueryRow(`SELECT person FROM cases WHERE id = $1`, k.ID).Scan(&ct); err != nil {
		t.Fatalf("read cases.person: %v", err)
	}
	pt, err := e.keys.Open(alliance.ColCasePerson, ct)
	if err != nil || !e.keys.Current(ct) {
		t.Fatalf("cases.person of an erased case = %x, opens to %q, %v; want a value sealed under the active key", ct, pt, err)
	}
	for _, s := range []string{secretGiven, secretFamily, "Петрівна", secretPhone, secretEmail, secretAddress, "1994-07"} {
		if strings.Contains(string(pt), s) {
			t.Errorf("cases.person of an erased case opens to %q, which holds %q", pt, s)
		}
	}
}

// caseTexts is a case with a record of every kind that holds a sealed free
// text: transitions, referrals, decisions and extensions.
type caseTexts struct {
	transitions []*alliance.Transition
	referrals   []*alliance.Referral
	decisions   []*alliance.GroundsDecision
	extensions  []*alliance.Extension
}

// addCaseTexts stores, on case k, records with texts made from tag, and
// some with empty texts.
func (e *env) addCaseTexts(k *alliance.Case, to, decider, userID int64, tag string) *caseTexts {
	e.t.Helper()
	answered := base.Add(time.Hour)
	c := &caseTexts{
		transitions: []*alliance.Transition{
			{CaseID: k.ID, From: alliance.StageIdentification, To: alliance.StageReferral, Reason: secretReason + tag,
				By: userID, At: base.Add(time.Minute)},
			{CaseID: k.ID, From: alliance.StageReferral, To: alliance.StageAssistance, By: userID, At: base.Add(2 * time.Minute)},
		},
		referrals: []*alliance.Referral{
			referral(k, to, userID, func(r *alliance.Referral) {
				r.Details, r.Override, r.AnswerReason = secretDetails+tag, secretOverride+tag, secretAnswer+tag
				r.Status, r.AnsweredBy, r.AnsweredAt = alliance.ReferralDeclined, userID, &answered
				r.Groups = []string{alliance.GroupIdentity, alliance.GroupContact}
			}),
			referral(k, to, userID, func(r *alliance.Referral) {
				r.Details, r.CreatedAt = "Деталі "+tag, base.Add(time.Minute)
			}),
		},
		decisions: []*alliance.GroundsDecision{
			decision(k.ID, alliance.DecisionReasonableGrounds, alliance.OutcomePositive, "2025-03-10", decider, userID,
				func(d *alliance.GroundsDecision) { d.Notes = secretNotes + tag }),
			decision(k.ID, alliance.DecisionConclusiveGrounds, alliance.OutcomeNegative, "2025-04-10", decider, userID),
		},
		extensions: []*alliance.Extension{
			{CaseID: k.ID, Days: 30, Reason: secretExtension + tag, By: userID, At: base},
			{CaseID: k.ID, Days: 7, By: userID, At: base.Add(time.Hour)},
		},
	}
	e.update(func(tx alliance.Tx) error {
		var errs []error
		for _, tr := range c.transitions {
			errs = append(errs, tx.AddTransition(e.ctx, tr))
		}
		for _, r := range c.referrals {
			errs = append(errs, tx.CreateReferral(e.ctx, r))
		}
		return errors.Join(errs...)
	})
	e.addDecisions(c.decisions, c.extensions...)
	return c
}

// blanked returns a copy of c with every free text empty.
func (c *caseTexts) blanked() *caseTexts {
	out := &caseTexts{}
	for _, tr := range c.transitions {
		x := *tr
		x.Reason = ""
		out.transitions = append(out.transitions, &x)
	}
	for _, r := range c.referrals {
		x := *r
		x.Details, x.Override, x.AnswerReason = "", "", ""
		out.referrals = append(out.referrals, &x)
	}
	for _, d := range c.decisions {
		x := *d
		x.Notes = ""
		out.decisions = append(out.decisions, &x)
	}
	for _, x := range c.extensions {
		y := *x
		y.Reason = ""
		out.extensions = append(out.extensions, &y)
	}
	return out
}

// checkCaseTexts reads the records of case caseID back through r and
// compares them with want, in the order each list gives them. It only reports
// errors, never stops the test, so that it may run inside a transaction (whose
// function the SQLite store runs on its writer goroutine).
func checkCaseTexts(t *testing.T, e *env, r alliance.Reader, caseID int64, want *caseTexts) {
	t.Helper()
	wantTrs, wantRefs := []alliance.Transition{}, []alliance.Referral{}
	wantDecs, wantExts := []alliance.GroundsDecision{}, []alliance.Extension{}
	for _, x := range want.transitions {
		wantTrs = append(wantTrs, *x)
	}
	for i := len(want.referrals) - 1; i >= 0; i-- { // newest first
		wantRefs = append(wantRefs, *want.referrals[i])
	}
	for _, x := range want.decisions {
		wantDecs = append(wantDecs, *x)
	}
	for _, x := range want.extensions {
		wantExts = append(wantExts, *x)
	}
	compare := func(what string, want, got any, err error) {
		t.Helper()
		if diff := cmp.Diff(want, got); err != nil || diff != "" {
			t.Errorf("%s of case %d: error %v, mismatch (-want +got):\n%s", what, caseID, err, diff)
		}
	}
	trs, err := r.Transitions(e.ctx, caseID)
	compare("Transitions", wantTrs, trs, err)
	refs, err := r.Referrals(e.ctx, alliance.ReferralFilter{CaseID: caseID})
	compare("Referrals", wantRefs, refs, err)
	for _, x := range want.referrals {
		got, err := r.Referral(e.ctx, x.ID)
		compare(fmt.Sprintf("Referral(%d)", x.ID), x, got, err)
	}
	decs, err := r.Decisions(e.ctx, caseID)
	compare("Decisions", wantDecs, decs, err)
	exts, err := r.Extensions(e.ctx, caseID)
	compare("Extensions", wantExts, exts, err)
}

// sealedTexts are the sealed columns of the records of a case, by table, with
// the column name each is sealed under.
var sealedTexts = []struct{ table, column, name string }{
	{"case_transitions", "reason", alliance.ColTransitionReason},
	{"referrals", "details", alliance.ColReferralDetails},
	{"referrals", "override", alliance.ColReferralOverride},
	{"referrals", "answer_reason", alliance.ColReferralAnswer},
	{"decisions", "notes", alliance.ColDecisionNotes},
	{"reflection_extensions", "reason", alliance.ColExtensionReason},
}

// rawTexts returns the stored values of the sealed text columns of the
// records of case caseID, keyed "table.column id".
func rawTexts(t *testing.T, e *env, caseID int64) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, c := range sealedTexts {
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

// checkBlankAtRest checks the raw rows of the records of case caseID: every
// sealed text column opens, under its own column name, to an empty text, and
// no column of any of their rows holds a secret or a value of old.
func checkBlankAtRest(t *testing.T, e *env, caseID int64, old map[string][]byte, secrets []string) {
	t.Helper()
	stored := rawTexts(t, e, caseID)
	for _, c := range sealedTexts {
		prefix := c.table + "." + c.column + " "
		n := 0
		for key, ct := range stored {
			if !strings.HasPrefix(key, prefix) {
				continue
			}
			n++
			pt, err := e.keys.Open(c.name, ct)
			if err != nil || len(pt) != 0 || !e.keys.Current(ct) {
				t.Errorf("%s = %x, opens under %s to %q, %v; want an empty value sealed under the active key",
					key, ct, c.name, pt, err)
			}
			var id int64
			if _, err := fmt.Sscan(strings.TrimPrefix(key, prefix), &id); err != nil {
				t.Fatalf("%s: %v", key, err)
			}
			for col, v := range rawRow(t, e, `SELECT * FROM `+c.table+` WHERE id = $1`, id) {
				for _, s := range secrets {
					if bytes.Contains(bytes.ToLower(v), bytes.ToLower([]byte(s))) {
						t.Errorf("%s.%s of %d holds the plaintext %q after EraseCaseText", c.table, col, id, s)
					}
				}
				for k, was := range old {
					if len(was) > 0 && bytes.Contains(v, was) {
						t.Errorf("%s.%s of %d still holds the old value of %s", c.table, col, id, k)
					}
				}
			}
		}
		if n == 0 {
			t.Errorf("case %d has no row in %s", caseID, c.table)
		}
	}
}

// testEraseCaseText checks that EraseCaseText blanks every sealed free text of
// one case, and only of that case, leaving every other field of the records
// as it was; that the blanked values are sealed empty values that read back
// and re-seal on a key rotation; and that a missing case is not found.
func testEraseCaseText(t *testing.T, e *env) {
	a, b := e.org("Org A"), e.org("Org B")
	u := e.user(a.ID, "caseworker@example.org")
	k, other := newCase(a.ID, u.ID, "E-1", fullCase(u.ID, b.ID)), newCase(a.ID, u.ID, "E-2")
	e.createCases(k, other)
	texts := e.addCaseTexts(k, b.ID, b.ID, u.ID, " (E-1)")
	otherTexts := e.addCaseTexts(other, b.ID, b.ID, u.ID, " (E-2)")
	checkCaseTexts(t, e, e.store, k.ID, texts)
	old := rawTexts(t, e, k.ID)
	otherOld := rawTexts(t, e, other.ID)

	e.update(func(tx alliance.Tx) error {
		if err := tx.EraseCaseText(e.ctx, k.ID); err != nil {
			return err
		}
		checkCaseTexts(t, e, tx, k.ID, texts.blanked())
		return nil
	})
	checkCaseTexts(t, e, e.store, k.ID, texts.blanked())
	// The case itself is EraseCaseText's caller's to change.
	checkCase(t, e, e.store, k)

	// Another case keeps its texts, and its stored values.
	checkCaseTexts(t, e, e.store, other.ID, otherTexts)
	if diff := cmp.Diff(otherOld, rawTexts(t, e, other.ID)); diff != "" {
		t.Errorf("the stored texts of another case changed (-before +after):\n%s", diff)
	}

	// No trace of the old texts is left in the rows, in clear or sealed.
	secrets := []string{secretReason, "recruiter", secretDetails, "passport", secretOverride, "she is 16",
		secretAnswer, "hotline", secretNotes, "interpreter", secretExtension, "hospital", "Деталі", "(E-1)"}
	checkBlankAtRest(t, e, k.ID, old, secrets)

	// Erasing again, and erasing a case without texts, is fine.
	bare := newCase(a.ID, u.ID, "E-3")
	e.createCases(bare)
	e.update(func(tx alliance.Tx) error {
		return errors.Join(tx.EraseCaseText(e.ctx, k.ID), tx.EraseCaseText(e.ctx, bare.ID))
	})
	checkCaseTexts(t, e, e.store, k.ID, texts.blanked())
	checkCaseTexts(t, e, e.store, bare.ID, &caseTexts{})

	// A missing case is not found, and nothing changes.
	err := e.store.Update(e.ctx, func(tx alliance.Tx) error { return tx.EraseCaseText(e.ctx, other.ID+1000) })
	if !errors.Is(err, alliance.ErrNotFound) {
		t.Errorf("EraseCaseText of a missing case: %v, want ErrNotFound", err)
	}
	// A failed transaction rolls the erasure back.
	failed := errors.New("after the erasure")
	err = e.store.Update(e.ctx, func(tx alliance.Tx) error {
		if err := tx.EraseCaseText(e.ctx, other.ID); err != nil {
			return err
		}
		return failed
	})
	if !errors.Is(err, failed) {
		t.Errorf("Update = %v, want %v", err, failed)
	}
	checkCaseTexts(t, e, e.store, other.ID, otherTexts)

	// The empty values are sealed under the data key like any other: a
	// rotation re-seals them, and they still read back empty.
	e.keys.Rotate()
	if n, err := e.store.Reencrypt(e.ctx, 0); err != nil || n == 0 {
		t.Fatalf("Reencrypt = %d, %v; want values re-sealed", n, err)
	}
	checkBlankAtRest(t, e, k.ID, old, secrets)
	checkCaseTexts(t, e, e.store, k.ID, texts.blanked())
	checkCaseTexts(t, e, e.store, other.ID, otherTexts)
	reencrypt(t, e, 0, 0)
}

// testCasesToErase checks which cases are to be erased: closed, not erased,
// of an organisation with a retention period, and closed for at least that
// period; in every organisation, oldest closed first, up to the limit.
func testCasesToErase(t *testing.T, e *env) {
	keep, month, year := e.org("Keeps until erased"), e.org("Keeps a month"), e.org("Keeps a year")
	month.RetentionDays, year.RetentionDays = 30, 365
	e.update(func(tx alliance.Tx) error {
		return errors.Join(tx.UpdateOrganisation(e.ctx, month), tx.UpdateOrganisation(e.ctx, year))
	})
	u := e.user(month.ID, "caseworker@example.org")
	now := time.Date(2026, 3, 1, 9, 30, 0, 123456000, time.UTC)
	day := 24 * time.Hour
	closedAgo := func(d time.Duration) func(*alliance.Case) {
		return func(k *alliance.Case) {
			at := now.Add(-d)
			k.Stage, k.ClosedAt, k.CreatedAt = alliance.StageClosure, &at, at.Add(-day)
		}
	}
	var (
		keptForever = newCase(keep.ID, u.ID, "K-1", closedAgo(3650*day))
		open        = newCase(month.ID, u.ID, "M-open", func(k *alliance.Case) { k.Stage = alliance.StageAssistance })
		noClosedAt  = newCase(month.ID, u.ID, "M-no-closed-at", func(k *alliance.Case) { k.Stage = alliance.StageClosure })
		reopened    = newCase(month.ID, u.ID, "M-reopened", closedAgo(100*day),
			func(k *alliance.Case) { k.Stage = alliance.StageReferral })
		within     = newCase(month.ID, u.ID, "M-within", closedAgo(29*day))
		almost     = newCase(month.ID, u.ID, "M-almost", closedAgo(30*day-time.Microsecond))
		exactly    = newCase(month.ID, u.ID, "M-exactly", closedAgo(30*day))
		over       = newCase(month.ID, u.ID, "M-over", closedAgo(100*day))
		overToo    = newCase(month.ID, u.ID, "M-over-too", closedAgo(100*day)) // closed at the same time: by id
		erased     = newCase(month.ID, u.ID, "M-erased", closedAgo(200*day), func(k *alliance.Case) { k.Erase(now.Add(-day)) })
		yearWithin = newCase(year.ID, u.ID, "Y-within", closedAgo(100*day))
		yearOver   = newCase(year.ID, u.ID, "Y-over", closedAgo(400*day))
	)
	e.createCases(overToo, keptForever, open, noClosedAt, reopened, within, almost, exactly, over, erased,
		yearWithin, yearOver)
	check := func(what string, now time.Time, limit int, want ...*alliance.Case) {
		t.Helper()
		ids := []int64{}
		for _, k := range want {
			ids = append(ids, k.ID)
		}
		e.update(func(tx alliance.Tx) error {
			got, err := tx.CasesToErase(e.ctx, now, limit)
			if diff := cmp.Diff(ids, got); err != nil || diff != "" || got == nil {
				t.Errorf("CasesToErase %s (limit %d): error %v, ids mismatch (-want +got):\n%s", what, limit, err, diff)
			}
			return nil
		})
	}
	check("now", now, 0, yearOver, overToo, over, exactly)
	check("in another zone", now.In(time.FixedZone("Kyiv", 3*3600)), 0, yearOver, overToo, over, exactly)
	check("limited", now, 2, yearOver, overToo)
	check("with a negative limit", now, -1, yearOver, overToo, over, exactly)
	check("a microsecond later", now.Add(time.Microsecond), 0, yearOver, overToo, over, exactly, almost)
	check("a microsecond earlier", now.Add(-time.Microsecond), 0, yearOver, overToo, over)
	check("long before", now.Add(-3650*day), 0)
	// Never the erased case, the reopened one, one without a closing time, or
	// one of an organisation that keeps identities until erased by hand.
	check("long after", now.Add(3650*day), 0, yearOver, overToo, over, yearWithin, exactly, almost, within)

	// The look-up reads the case and its organisation as they are now.
	over.Erase(now)
	e.update(func(tx alliance.Tx) error { return tx.UpdateCase(e.ctx, over) })
	year.RetentionDays = 0
	e.update(func(tx alliance.Tx) error { return tx.UpdateOrganisation(e.ctx, year) })
	check("after an erasure and a change of retention", now, 0, overToo, exactly)
	keep.RetentionDays = 3650
	e.update(func(tx alliance.Tx) error { return tx.UpdateOrganisation(e.ctx, keep) })
	check("after a retention is set", now, 0, keptForever, overToo, exactly)
}

// testCasesToEraseLimits checks the default and the largest limit.
func testCasesToEraseLimits(t *testing.T, e *env) {
	a := e.org("Org A")
	a.RetentionDays = 1
	e.update(func(tx alliance.Tx) error { return tx.UpdateOrganisation(e.ctx, a) })
	u := e.user(a.ID, "a@example.org")
	list := make([]*alliance.Case, 1001)
	for i := range list {
		closed := base.Add(time.Duration(i) * time.Second)
		list[i] = newCase(a.ID, u.ID, fmt.Sprintf("L-%d", i), func(k *alliance.Case) {
			k.Stage, k.ClosedAt = alliance.StageClosure, &closed
		})
	}
	e.createCases(list...)
	now := base.Add(30 * 24 * time.Hour)
	for _, tc := range []struct{ limit, want int }{{0, 100}, {-1, 100}, {7, 7}, {1000, 1000}, {5000, 1000}} {
		e.update(func(tx alliance.Tx) error {
			got, err := tx.CasesToErase(e.ctx, now, tc.limit)
			if err != nil || len(got) != tc.want {
				t.Errorf("CasesToErase(limit %d) = %d ids, %v; want %d", tc.limit, len(got), err, tc.want)
			} else if got[0] != list[0].ID || got[len(got)-1] != list[tc.want-1].ID {
				t.Errorf("CasesToErase(limit %d) = %d…%d, want the %d closed first, %d…%d", tc.limit, got[0],
					got[len(got)-1], tc.want, list[0].ID, list[tc.want-1].ID)
			}
			return nil
		})
	}
}
