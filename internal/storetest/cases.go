package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"alliance"

	"github.com/google/go-cmp/cmp"
)

// Plaintexts the case tests store, distinctive enough to find in a raw row.
const (
	secretGiven    = "Олена"
	secretFamily   = "Шевченко"
	secretPhone    = "+380 44 123 4567"
	secretEmail    = "olena.shevchenko@example.org"
	secretAddress  = "вул. Хрещатик 22, Київ"
	secretReason   = "moved after threats from the recruiter in Cluj"
	secretDetails  = "needs a shelter away from Iasi: the employer keeps her passport"
	secretOverride = "child at risk: she is 16 and the employer knows where she sleeps"
	secretAnswer   = "no beds free until the 20th; call our hotline"
)

// newCase returns a new case of org with reference ref, created by user at
// base, changed by each mod; it is not stored.
func newCase(orgID, userID int64, ref string, mods ...func(*alliance.Case)) *alliance.Case {
	k := &alliance.Case{OrgID: orgID, Reference: ref, Stage: alliance.StageIdentification,
		Person:    alliance.Person{GivenName: secretGiven, FamilyName: secretFamily},
		CreatedBy: userID, CreatedAt: base}
	for _, mod := range mods {
		mod(k)
	}
	return k
}

// fullCase sets every field of a case, each optional one included.
func fullCase(assignee, decider int64) func(*alliance.Case) {
	return func(k *alliance.Case) {
		decided, closed := base.Add(90*time.Minute), base.Add(3*time.Hour)
		k.Stage, k.AssignedTo, k.Referred = alliance.StageClosure, assignee, true
		k.Person = alliance.Person{GivenName: secretGiven, FamilyName: secretFamily, MiddleName: "Петрівна",
			BirthDate: "1994-07", Gender: "Feminine", Citizenships: []string{"UA", "MD"},
			Languages: []string{"uk", "ru", "en"}, Phone: secretPhone, Email: secretEmail, Address: secretAddress}
		k.VictimContext = alliance.VictimContext{TraffickingStatus: alliance.StatusActual, StatusDecidedBy: decider,
			StatusDecidedAt: &decided, Exploitation: []string{"LabourExploitation", "DebtBondage"},
			MethodsOfControl: []string{"WithholdingDocuments", "Threats"}, Industry: "A",
			Recruitment: []string{"JobOffer"}}
		k.UpdatedAt, k.ClosedAt = base.Add(2*time.Hour), &closed
	}
}

// createCases stores each case in one transaction.
func (e *env) createCases(list ...*alliance.Case) {
	e.t.Helper()
	e.update(func(tx alliance.Tx) error {
		for _, k := range list {
			if err := tx.CreateCase(e.ctx, k); err != nil {
				return err
			}
		}
		return nil
	})
}

func checkCase(t *testing.T, e *env, r alliance.Reader, want *alliance.Case) {
	t.Helper()
	got, err := r.Case(e.ctx, want.ID)
	if err != nil {
		t.Fatalf("Case(%d): %v", want.ID, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Case(%d) mismatch (-want +got):\n%s", want.ID, diff)
	}
}

// caseIDs returns the ids of a list, in order.
func caseIDs[T any](list []T, id func(*T) int64) []int64 {
	ids := []int64{}
	for i := range list {
		ids = append(ids, id(&list[i]))
	}
	return ids
}

func idOfCase(k *alliance.Case) int64 { return k.ID }

// testCases stores cases with every field set and unset, in several scripts,
// and reads them back, outside and inside a transaction.
func testCases(t *testing.T, e *env) {
	a, b := e.org("Org A"), e.org("Org B")
	u, w := e.user(a.ID, "caseworker@example.org"), e.user(a.ID, "assignee@example.org")
	full := newCase(a.ID, u.ID, "2026-0042", fullCase(w.ID, b.ID))
	bare := newCase(a.ID, u.ID, "2026-0043", func(k *alliance.Case) { k.Person = alliance.Person{FamilyName: "王"} })
	arabic := newCase(a.ID, u.ID, "2026-0044", func(k *alliance.Case) {
		k.Person = alliance.Person{GivenName: "فاطمة", FamilyName: "الحسن", Citizenships: []string{"SY"},
			Languages: []string{"ar"}, Address: "حلب\nسوريا"}
		k.Exploitation = []string{"DomesticServitude"}
	})
	e.createCases(full, bare, arabic)
	for _, k := range []*alliance.Case{full, bare, arabic} {
		if k.ID == 0 || k.Revision != 1 {
			t.Errorf("after CreateCase ID, Revision = %d, %d; want an id and 1", k.ID, k.Revision)
		}
		checkCase(t, e, e.store, k)
	}
	if full.ID == bare.ID || bare.ID == arabic.ID {
		t.Errorf("two cases got the same id: %d, %d, %d", full.ID, bare.ID, arabic.ID)
	}
	if !bare.UpdatedAt.Equal(base) {
		t.Errorf("UpdatedAt of a new case without one = %v, want its CreatedAt %v", bare.UpdatedAt, base)
	}
	if got := full.HTCDSStatus(); got != alliance.HTCDSClosedReferred {
		t.Errorf("HTCDSStatus of the full case = %q, want %q", got, alliance.HTCDSClosedReferred)
	}

	// Times are kept to the microsecond, in UTC, whatever the zone given.
	zoned := newCase(a.ID, u.ID, "2026-0045", func(k *alliance.Case) {
		kyiv := time.FixedZone("Kyiv", 3*3600)
		at := time.Date(2025, 6, 1, 12, 0, 0, 123456789, kyiv)
		k.CreatedAt, k.ClosedAt, k.StatusDecidedAt = at, &at, &at
	})
	e.createCases(zoned)
	want := time.Date(2025, 6, 1, 9, 0, 0, 123456000, time.UTC)
	if !zoned.CreatedAt.Equal(want) || zoned.CreatedAt.Location() != time.UTC || !zoned.ClosedAt.Equal(want) {
		t.Errorf("times of a new case = %v, %v; want %v, truncated, in UTC", zoned.CreatedAt, zoned.ClosedAt, want)
	}
	checkCase(t, e, e.store, zoned)

	e.update(func(tx alliance.Tx) error {
		x := newCase(a.ID, u.ID, "2026-0046")
		if err := tx.CreateCase(e.ctx, x); err != nil {
			return err
		}
		checkCase(t, e, tx, x)
		list, err := tx.Cases(e.ctx, alliance.CaseFilter{OrgID: a.ID})
		if err != nil || len(list) != 5 {
			t.Errorf("tx.Cases = %d cases, %v; want 5", len(list), err)
		}
		return nil
	})

	now := newCase(a.ID, u.ID, "2026-0047", func(k *alliance.Case) { k.CreatedAt = time.Time{} })
	before := time.Now()
	e.createCases(now)
	if now.CreatedAt.Before(before.Add(-time.Second)) || !now.UpdatedAt.Equal(now.CreatedAt) {
		t.Errorf("CreatedAt, UpdatedAt of a case without times = %v, %v; want now, twice", now.CreatedAt, now.UpdatedAt)
	}
	checkCase(t, e, e.store, now)

	// The list opens each person too.
	all, err := e.store.Cases(e.ctx, alliance.CaseFilter{OrgID: a.ID})
	if err != nil {
		t.Fatalf("Cases: %v", err)
	}
	for _, k := range []*alliance.Case{full, bare, arabic} {
		i := slices.IndexFunc(all, func(x alliance.Case) bool { return x.ID == k.ID })
		if i < 0 {
			t.Errorf("Cases lacks case %d", k.ID)
		} else if diff := cmp.Diff(*k, all[i]); diff != "" {
			t.Errorf("Cases: case %d mismatch (-want +got):\n%s", k.ID, diff)
		}
	}
}

// testCaseEncryptedAtRest reads the stored rows of a case, a transition and a
// referral, and checks that no column holds a sealed value, and that the
// sealed columns open, each only under its own column name.
func testCaseEncryptedAtRest(t *testing.T, e *env) {
	a, b := e.org("Org A"), e.org("Org B")
	u := e.user(a.ID, "caseworker@example.org")
	k := newCase(a.ID, u.ID, "2026-0042", fullCase(u.ID, b.ID))
	e.createCases(k)
	tr := &alliance.Transition{CaseID: k.ID, From: alliance.StageAssistance, To: alliance.StageClosure,
		Reason: secretReason, By: u.ID, At: base}
	r := referral(k, b.ID, u.ID, func(r *alliance.Referral) {
		r.Details, r.Override, r.AnswerReason = secretDetails, secretOverride, secretAnswer
	})
	e.update(func(tx alliance.Tx) error {
		return errors.Join(tx.AddTransition(e.ctx, tr), tx.CreateReferral(e.ctx, r))
	})
	secrets := []string{secretGiven, secretFamily, "Петрівна", secretPhone, "123 4567", secretEmail, "olena.shevchenko",
		secretAddress, "Хрещатик", "1994-07", secretReason, "recruiter", secretDetails, "passport", secretOverride,
		"she is 16", secretAnswer, "hotline"}
	rows := map[string]map[string][]byte{
		"cases":            rawRow(t, e, `SELECT * FROM cases WHERE id = $1`, k.ID),
		"case_transitions": rawRow(t, e, `SELECT * FROM case_transitions WHERE id = $1`, tr.ID),
		"referrals":        rawRow(t, e, `SELECT * FROM referrals WHERE id = $1`, r.ID),
	}
	for table, row := range rows {
		for col, v := range row {
			for _, s := range secrets {
				if bytes.Contains(bytes.ToLower(v), bytes.ToLower([]byte(s))) {
					t.Errorf("%s.%s holds the plaintext %q", table, col, s)
				}
			}
		}
	}
	// Gender, citizenships and languages are kept in clear as well, for
	// filters and statistics.
	for col, want := range map[string]string{"gender": "Feminine", "citizenships": "UA", "languages": "uk"} {
		if !strings.Contains(string(rows["cases"][col]), want) {
			t.Errorf("cases.%s = %q, want it in clear, holding %q", col, rows["cases"][col], want)
		}
	}
	sealed := []struct {
		table, column, name, other, want string
		id                               int64
	}{
		{"case_transitions", "reason", alliance.ColTransitionReason, alliance.ColReferralDetails, secretReason, tr.ID},
		{"referrals", "details", alliance.ColReferralDetails, alliance.ColReferralOverride, secretDetails, r.ID},
		{"referrals", "override", alliance.ColReferralOverride, alliance.ColReferralAnswer, secretOverride, r.ID},
		{"referrals", "answer_reason", alliance.ColReferralAnswer, alliance.ColReferralDetails, secretAnswer, r.ID},
		{"cases", "person", alliance.ColCasePerson, alliance.ColUserName, "", k.ID},
	}
	for _, c := range sealed {
		var ct []byte
		if err := e.raw().QueryRow(`SELECT `+c.column+` FROM `+c.table+` WHERE id = $1`, c.id).Scan(&ct); err != nil {
			t.Fatalf("read %s.%s: %v", c.table, c.column, err)
		}
		pt, err := e.keys.Open(c.name, ct)
		switch {
		case err != nil:
			t.Errorf("%s.%s does not open under %s: %v", c.table, c.column, c.name, err)
		case c.want != "" && string(pt) != c.want:
			t.Errorf("%s.%s opens to %q, want %q", c.table, c.column, pt, c.want)
		case c.want == "" && (!strings.Contains(string(pt), secretFamily) || !strings.Contains(string(pt), secretAddress)):
			t.Errorf("%s.%s opens to %q, want the person's names and contact details", c.table, c.column, pt)
		}
		if _, err := e.keys.Open(c.other, ct); err == nil {
			t.Errorf("%s.%s opens under the column name %s too; want it bound to %s", c.table, c.column, c.other, c.name)
		}
	}
	// An empty override is sealed as an empty value, not stored as NULL or "".
	bare := referral(k, b.ID, u.ID)
	e.update(func(tx alliance.Tx) error { return tx.CreateReferral(e.ctx, bare) })
	var ct []byte
	err := e.raw().QueryRow(`SELECT override FROM referrals WHERE id = $1`, bare.ID).Scan(&ct)
	if err != nil || !e.keys.Current(ct) {
		t.Errorf("override of a referral given none = %x, %v; want an empty value sealed", ct, err)
	}
}

// testCaseReference checks that a reference is unique within its
// organisation only, and the message of the conflict.
func testCaseReference(t *testing.T, e *env) {
	a, b := e.org("Org A"), e.org("Org B")
	ua, ub := e.user(a.ID, "a@example.org"), e.user(b.ID, "b@example.org")
	first, other := newCase(a.ID, ua.ID, "2026-0042"), newCase(a.ID, ua.ID, "2026-0043")
	e.createCases(first, other)
	// The same reference in another organisation is fine.
	elsewhere := newCase(b.ID, ub.ID, "2026-0042")
	e.createCases(elsewhere)

	err := e.store.Update(e.ctx, func(tx alliance.Tx) error {
		return tx.CreateCase(e.ctx, newCase(a.ID, ua.ID, "2026-0042"))
	})
	wantCode(t, "a second case with the reference", err, alliance.CodeConflict, "reference")
	msg := alliance.ErrorMessage(err)
	if !strings.Contains(msg, `"2026-0042"`) || !strings.Contains(msg, "already used") {
		t.Errorf("duplicate reference: message %q, want one naming the reference as already used", msg)
	}
	if strings.Contains(err.Error(), secretFamily) || strings.Contains(err.Error(), secretGiven) {
		t.Errorf("duplicate reference: error %q repeats the person's name", err)
	}

	changed := *other
	changed.Reference = "2026-0042"
	err = e.store.Update(e.ctx, func(tx alliance.Tx) error { return tx.UpdateCase(e.ctx, &changed) })
	wantCode(t, "an update to a used reference", err, alliance.CodeConflict, "reference")
	if changed.Revision != 1 {
		t.Errorf("a refused update changed the revision given to %d", changed.Revision)
	}
	if n := count(t, e.raw(), `SELECT count(*) FROM cases WHERE org_id = $1`, a.ID); n != 2 {
		t.Errorf("Org A has %d cases after refused writes, want 2", n)
	}
	checkCase(t, e, e.store, other)
	checkCase(t, e, e.store, elsewhere)
}

// testCaseInvalid checks the errors of bad references, stages and lists, in
// cases, transitions, consents and referrals, and that none repeats a sealed
// value.
func testCaseInvalid(t *testing.T, e *env) {
	a, b := e.org("Org A"), e.org("Org B")
	u := e.user(a.ID, "caseworker@example.org")
	k := newCase(a.ID, u.ID, "2026-0042", fullCase(u.ID, b.ID))
	e.createCases(k)
	r := referral(k, b.ID, u.ID)
	consent := &alliance.Consent{CaseID: k.ID, Method: alliance.ConsentSigned, Language: "uk", RecordedBy: u.ID}
	e.update(func(tx alliance.Tx) error {
		return errors.Join(tx.CreateReferral(e.ctx, r), tx.CreateConsent(e.ctx, consent))
	})
	const none = 1000
	createCase := func(mod func(*alliance.Case)) func(tx alliance.Tx) error {
		return func(tx alliance.Tx) error { return tx.CreateCase(e.ctx, newCase(a.ID, u.ID, "2026-0099", mod)) }
	}
	updateCase := func(mod func(*alliance.Case)) func(tx alliance.Tx) error {
		return func(tx alliance.Tx) error {
			x := *k
			mod(&x)
			return tx.UpdateCase(e.ctx, &x)
		}
	}
	tests := []struct {
		name  string
		fn    func(tx alliance.Tx) error
		field string
	}{
		{"unknown organisation", createCase(func(x *alliance.Case) { x.OrgID += none }), "organisation"},
		{"unknown creator", createCase(func(x *alliance.Case) { x.CreatedBy += none }), "user"},
		{"unknown assignee", createCase(func(x *alliance.Case) { x.AssignedTo = u.ID + none }), "assigned_to"},
		{"unknown deciding organisation", createCase(func(x *alliance.Case) { x.StatusDecidedBy = b.ID + none }), "status_decided_by"},
		{"unknown stage", createCase(func(x *alliance.Case) { x.Stage = "prosecution" }), "stage"},
		{"no stage", createCase(func(x *alliance.Case) { x.Stage = "" }), "stage"},
		{"a comma in a list", createCase(func(x *alliance.Case) { x.Exploitation = []string{"Labour,Sexual"} }), "exploitation"},
		{"invalid UTF-8", createCase(func(x *alliance.Case) { x.Person.Address = "\xff" + secretAddress }), "address"},
		{"update to an unknown stage", updateCase(func(x *alliance.Case) { x.Stage = "prosecution" }), "stage"},
		{"update to an unknown assignee", updateCase(func(x *alliance.Case) { x.AssignedTo = u.ID + none }), "assigned_to"},
		{"update to an unknown deciding organisation", updateCase(func(x *alliance.Case) { x.StatusDecidedBy = b.ID + none }), "status_decided_by"},
		{"transition of an unknown case", func(tx alliance.Tx) error {
			return tx.AddTransition(e.ctx, &alliance.Transition{CaseID: k.ID + none, From: alliance.StageIdentification,
				To: alliance.StageReferral, Reason: secretReason, By: u.ID})
		}, "case"},
		{"transition by an unknown user", func(tx alliance.Tx) error {
			return tx.AddTransition(e.ctx, &alliance.Transition{CaseID: k.ID, From: alliance.StageIdentification,
				To: alliance.StageReferral, Reason: secretReason, By: u.ID + none})
		}, "user"},
		{"transition to an unknown stage", func(tx alliance.Tx) error {
			return tx.AddTransition(e.ctx, &alliance.Transition{CaseID: k.ID, From: alliance.StageIdentification,
				To: "prosecution", Reason: secretReason, By: u.ID})
		}, "to"},
		{"consent of an unknown case", func(tx alliance.Tx) error {
			return tx.CreateConsent(e.ctx, &alliance.Consent{CaseID: k.ID + none, Method: alliance.ConsentVerbal, Language: "uk", RecordedBy: u.ID})
		}, "case"},
		{"consent recorded by an unknown user", func(tx alliance.Tx) error {
			return tx.CreateConsent(e.ctx, &alliance.Consent{CaseID: k.ID, Method: alliance.ConsentVerbal, Language: "uk", RecordedBy: u.ID + none})
		}, "user"},
		{"consent by an unknown method", func(tx alliance.Tx) error {
			return tx.CreateConsent(e.ctx, &alliance.Consent{CaseID: k.ID, Method: "telepathy", Language: "uk", RecordedBy: u.ID})
		}, "method"},
		{"consent withdrawn by an unknown user", func(tx alliance.Tx) error {
			return tx.WithdrawConsent(e.ctx, consent.ID, base, u.ID+none)
		}, "user"},
		{"referral of an unknown case", func(tx alliance.Tx) error {
			return tx.CreateReferral(e.ctx, referral(k, b.ID, u.ID, func(r *alliance.Referral) { r.CaseID += none }))
		}, "case"},
		{"referral from an unknown organisation", func(tx alliance.Tx) error {
			return tx.CreateReferral(e.ctx, referral(k, b.ID, u.ID, func(r *alliance.Referral) { r.FromOrg += none }))
		}, "from_org"},
		{"referral to an unknown organisation", func(tx alliance.Tx) error {
			return tx.CreateReferral(e.ctx, referral(k, b.ID+none, u.ID))
		}, "to_org"},
		{"referral by an unknown user", func(tx alliance.Tx) error {
			return tx.CreateReferral(e.ctx, referral(k, b.ID, u.ID+none))
		}, "user"},
		{"referral in an unknown status", func(tx alliance.Tx) error {
			return tx.CreateReferral(e.ctx, referral(k, b.ID, u.ID, func(r *alliance.Referral) { r.Status = "lost" }))
		}, "status"},
		{"referral answered by an unknown user", func(tx alliance.Tx) error {
			x := *r
			x.Status, x.AnsweredBy = alliance.ReferralAccepted, u.ID+none
			return tx.UpdateReferral(e.ctx, &x)
		}, "user"},
		{"referral answered with an unknown status", func(tx alliance.Tx) error {
			x := *r
			x.Status = "lost"
			return tx.UpdateReferral(e.ctx, &x)
		}, "status"},
	}
	for _, tc := range tests {
		err := e.store.Update(e.ctx, tc.fn)
		wantCode(t, tc.name, err, alliance.CodeInvalid, tc.field)
		if err != nil {
			for _, s := range []string{secretFamily, secretGiven, secretAddress, secretReason, "recruiter"} {
				if strings.Contains(err.Error(), s) {
					t.Errorf("%s: error %q repeats the sealed value %q", tc.name, err, s)
				}
			}
		}
	}
	for table, want := range map[string]int{"cases": 1, "case_transitions": 0, "consents": 1, "referrals": 1} {
		if n := count(t, e.raw(), `SELECT count(*) FROM `+table); n != want {
			t.Errorf("%s rows = %d after refused writes, want %d", table, n, want)
		}
	}
	checkCase(t, e, e.store, k)
	checkReferral(t, e, e.store, r)
}

// testCaseList checks every filter of the list, alone and together, its
// order, and that it never crosses organisations.
func testCaseList(t *testing.T, e *env) {
	a, b := e.org("Org A"), e.org("Org B")
	u1, u2, ub := e.user(a.ID, "one@example.org"), e.user(a.ID, "two@example.org"), e.user(b.ID, "b@example.org")
	with := func(stage alliance.Stage, assignee int64, industry string, citizenships []string, exploitation ...string) func(*alliance.Case) {
		return func(k *alliance.Case) {
			k.Stage, k.AssignedTo, k.Industry, k.Person.Citizenships = stage, assignee, industry, citizenships
			k.Exploitation = exploitation
		}
	}
	c1 := newCase(a.ID, u1.ID, "A-1", with(alliance.StageIdentification, u1.ID, "A", []string{"UA"}, "LabourExploitation"))
	c2 := newCase(a.ID, u1.ID, "A-2", with(alliance.StageAssistance, u2.ID, "C", []string{"RO", "UA"}, "SexualExploitation", "LabourExploitation"))
	c3 := newCase(a.ID, u1.ID, "A-3", with(alliance.StageClosure, 0, "A", []string{"MD"}, "ForcedCriminality"),
		func(k *alliance.Case) { k.Referred = true })
	c4 := newCase(a.ID, u1.ID, "A-4", with(alliance.StageClosure, u1.ID, "", nil))
	c5 := newCase(a.ID, u1.ID, "A-5", with(alliance.StageInclusion, u2.ID, "A", []string{"UA"}, "Labour"))
	c6 := newCase(a.ID, u1.ID, "A-6", with(alliance.StageReturn, u1.ID, "F", []string{"GE"}, "LabourExploitation"))
	// A case of another organisation that every filter would select.
	b1 := newCase(b.ID, ub.ID, "A-1", with(alliance.StageIdentification, ub.ID, "A", []string{"UA"}, "LabourExploitation"))
	e.createCases(c1, b1, c2, c3, c4, c5, c6)
	ids := func(list ...*alliance.Case) []int64 {
		out := []int64{}
		for _, k := range list {
			out = append(out, k.ID)
		}
		return out
	}
	tests := []struct {
		f    alliance.CaseFilter
		want []int64
	}{
		{alliance.CaseFilter{OrgID: a.ID}, ids(c6, c5, c4, c3, c2, c1)},
		{alliance.CaseFilter{OrgID: b.ID}, ids(b1)},
		{alliance.CaseFilter{OrgID: a.ID + b.ID + 100}, ids()},
		{alliance.CaseFilter{OrgID: a.ID, Stage: alliance.StageClosure}, ids(c4, c3)},
		{alliance.CaseFilter{OrgID: a.ID, Stage: alliance.StageIdentification}, ids(c1)},
		{alliance.CaseFilter{OrgID: a.ID, Stage: alliance.StageDecision}, ids()},
		{alliance.CaseFilter{OrgID: a.ID, HTCDSStatus: alliance.HTCDSActive}, ids(c2, c1)},
		{alliance.CaseFilter{OrgID: a.ID, HTCDSStatus: alliance.HTCDSFollowUp}, ids(c6, c5)},
		{alliance.CaseFilter{OrgID: a.ID, HTCDSStatus: alliance.HTCDSClosed}, ids(c4)},
		{alliance.CaseFilter{OrgID: a.ID, HTCDSStatus: alliance.HTCDSClosedReferred}, ids(c3)},
		{alliance.CaseFilter{OrgID: a.ID, AssignedTo: u1.ID}, ids(c6, c4, c1)},
		{alliance.CaseFilter{OrgID: a.ID, AssignedTo: u2.ID}, ids(c5, c2)},
		{alliance.CaseFilter{OrgID: a.ID, AssignedTo: ub.ID}, ids()},
		// A value is matched whole: "Labour" is not "LabourExploitation".
		{alliance.CaseFilter{OrgID: a.ID, Exploitation: "LabourExploitation"}, ids(c6, c2, c1)},
		{alliance.CaseFilter{OrgID: a.ID, Exploitation: "Labour"}, ids(c5)},
		{alliance.CaseFilter{OrgID: a.ID, Exploitation: "Exploitation"}, ids()},
		{alliance.CaseFilter{OrgID: a.ID, Exploitation: "SexualExploitation"}, ids(c2)},
		{alliance.CaseFilter{OrgID: a.ID, Industry: "A"}, ids(c5, c3, c1)},
		{alliance.CaseFilter{OrgID: a.ID, Industry: "F"}, ids(c6)},
		{alliance.CaseFilter{OrgID: a.ID, Citizenship: "UA"}, ids(c5, c2, c1)},
		{alliance.CaseFilter{OrgID: a.ID, Citizenship: "RO"}, ids(c2)},
		{alliance.CaseFilter{OrgID: a.ID, Citizenship: "U"}, ids()},
		{alliance.CaseFilter{OrgID: a.ID, Stage: alliance.StageIdentification, AssignedTo: u1.ID, Exploitation: "LabourExploitation",
			Industry: "A", Citizenship: "UA", HTCDSStatus: alliance.HTCDSActive}, ids(c1)},
		{alliance.CaseFilter{OrgID: a.ID, Stage: alliance.StageClosure, HTCDSStatus: alliance.HTCDSActive}, ids()},
		{alliance.CaseFilter{OrgID: a.ID, AssignedTo: u1.ID, HTCDSStatus: alliance.HTCDSFollowUp}, ids(c6)},
		{alliance.CaseFilter{OrgID: a.ID, Citizenship: "UA", Industry: "A"}, ids(c5, c1)},
		{alliance.CaseFilter{OrgID: a.ID, After: c4.ID}, ids(c3, c2, c1)},
		{alliance.CaseFilter{OrgID: a.ID, After: c4.ID, Industry: "A"}, ids(c3, c1)},
		{alliance.CaseFilter{OrgID: a.ID, Limit: 2}, ids(c6, c5)},
	}
	for _, tc := range tests {
		got, err := e.store.Cases(e.ctx, tc.f)
		if err != nil {
			t.Errorf("Cases(%+v): %v", tc.f, err)
			continue
		}
		if diff := cmp.Diff(tc.want, caseIDs(got, idOfCase)); diff != "" || got == nil {
			t.Errorf("Cases(%+v) ids mismatch (-want +got):\n%s", tc.f, diff)
		}
		for _, k := range got {
			if k.OrgID != tc.f.OrgID {
				t.Errorf("Cases(%+v) holds case %d of organisation %d", tc.f, k.ID, k.OrgID)
			}
		}
	}
	invalid := []struct {
		f     alliance.CaseFilter
		field string
	}{
		{alliance.CaseFilter{Stage: alliance.StageClosure}, "organisation"},
		{alliance.CaseFilter{OrgID: a.ID, Stage: "prosecution"}, "stage"},
		{alliance.CaseFilter{OrgID: a.ID, HTCDSStatus: "Open"}, "htcds_status"},
		{alliance.CaseFilter{OrgID: a.ID, Exploitation: "Labour,Sexual"}, "exploitation"},
		{alliance.CaseFilter{OrgID: a.ID, Citizenship: "UA,RO"}, "citizenship"},
	}
	for _, tc := range invalid {
		_, err := e.store.Cases(e.ctx, tc.f)
		wantCode(t, fmt.Sprintf("Cases(%+v)", tc.f), err, alliance.CodeInvalid, tc.field)
	}
}

// testCaseHTCDSStatus stores a case in every stage, referred and not, and
// checks that the list's HTCDS filter selects exactly the cases whose
// HTCDSStatus is the one asked, and that every case has one.
func testCaseHTCDSStatus(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "a@example.org")
	var list []*alliance.Case
	for _, s := range alliance.Stages {
		for _, referred := range []bool{false, true} {
			list = append(list, newCase(a.ID, u.ID, fmt.Sprintf("%s-%v", s, referred), func(k *alliance.Case) {
				k.Stage, k.Referred = s, referred
			}))
		}
	}
	e.createCases(list...)
	seen := map[int64]string{}
	for _, status := range []string{alliance.HTCDSActive, alliance.HTCDSFollowUp, alliance.HTCDSClosed, alliance.HTCDSClosedReferred} {
		got, err := e.store.Cases(e.ctx, alliance.CaseFilter{OrgID: a.ID, HTCDSStatus: status})
		if err != nil {
			t.Fatalf("Cases(HTCDSStatus %s): %v", status, err)
		}
		want := []int64{}
		for _, k := range slices.Backward(list) {
			if k.HTCDSStatus() == status {
				want = append(want, k.ID)
			}
		}
		if diff := cmp.Diff(want, caseIDs(got, idOfCase)); diff != "" || len(want) == 0 {
			t.Errorf("Cases(HTCDSStatus %s) ids mismatch (-want +got):\n%s", status, diff)
		}
		for _, k := range got {
			if prev, ok := seen[k.ID]; ok {
				t.Errorf("case %d has HTCDS status %s and %s", k.ID, prev, status)
			}
			seen[k.ID] = status
			if k.HTCDSStatus() != status {
				t.Errorf("case %d (%s, referred %v) listed as %s, but HTCDSStatus says %s", k.ID, k.Stage, k.Referred, status, k.HTCDSStatus())
			}
		}
	}
	if len(seen) != len(list) {
		t.Errorf("the four HTCDS statuses list %d cases, want all %d", len(seen), len(list))
	}
}

// testCasePaging walks the list a page at a time with the keyset cursor:
// every case comes exactly once, newest first, and none of another
// organisation.
func testCasePaging(t *testing.T, e *env) {
	a, b := e.org("Org A"), e.org("Org B")
	ua, ub := e.user(a.ID, "a@example.org"), e.user(b.ID, "b@example.org")
	var mine []int64
	for i := range 7 {
		k := newCase(a.ID, ua.ID, fmt.Sprintf("A-%d", i), func(k *alliance.Case) {
			if i%2 == 0 {
				k.Stage = alliance.StageAssistance
			}
		})
		e.createCases(k, newCase(b.ID, ub.ID, fmt.Sprintf("B-%d", i)))
		mine = append(mine, k.ID)
	}
	slices.Reverse(mine)
	walk := func(f alliance.CaseFilter) ([]int64, []int) {
		var got []int64
		var sizes []int
		for range 10 {
			page, err := e.store.Cases(e.ctx, f)
			if err != nil {
				t.Fatalf("Cases(%+v): %v", f, err)
			}
			sizes = append(sizes, len(page))
			if len(page) == 0 {
				break
			}
			got = append(got, caseIDs(page, idOfCase)...)
			f.After = page[len(page)-1].ID
		}
		return got, sizes
	}
	got, sizes := walk(alliance.CaseFilter{OrgID: a.ID, Limit: 3})
	if diff := cmp.Diff(mine, got); diff != "" {
		t.Errorf("pages of 3 mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{3, 3, 1, 0}, sizes); diff != "" {
		t.Errorf("page sizes mismatch (-want +got):\n%s", diff)
	}
	// With a filter, the cursor skips the cases the filter leaves out.
	got, _ = walk(alliance.CaseFilter{OrgID: a.ID, Stage: alliance.StageAssistance, Limit: 3})
	if want := []int64{mine[0], mine[2], mine[4], mine[6]}; !slices.Equal(want, got) {
		t.Errorf("pages of assistance cases = %v, want %v", got, want)
	}
}

// testCaseListLimits checks the default and the largest limit.
func testCaseListLimits(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "a@example.org")
	list := make([]*alliance.Case, 501)
	for i := range list {
		list[i] = newCase(a.ID, u.ID, fmt.Sprintf("L-%d", i))
	}
	e.createCases(list...)
	for _, tc := range []struct{ limit, want int }{{0, 50}, {-1, 50}, {7, 7}, {500, 500}, {5000, 500}} {
		got, err := e.store.Cases(e.ctx, alliance.CaseFilter{OrgID: a.ID, Limit: tc.limit})
		if err != nil || len(got) != tc.want {
			t.Errorf("Cases(Limit %d) = %d cases, %v; want %d", tc.limit, len(got), err, tc.want)
			continue
		}
		if got[0].ID != list[len(list)-1].ID {
			t.Errorf("Cases(Limit %d) starts with %d, want the last created, %d", tc.limit, got[0].ID, list[len(list)-1].ID)
		}
	}
}

// testCaseUpdate checks what an update writes, and that a stale revision or
// a missing case changes nothing.
func testCaseUpdate(t *testing.T, e *env) {
	a, b := e.org("Org A"), e.org("Org B")
	u, w := e.user(a.ID, "caseworker@example.org"), e.user(a.ID, "assignee@example.org")
	k := newCase(a.ID, u.ID, "2026-0042")
	e.createCases(k)
	stale := *k

	// Every field but the organisation, creator and creation time is written.
	created := k.CreatedAt
	fullCase(w.ID, b.ID)(k)
	k.Reference, k.Person.GivenName, k.Person.FamilyName = "2026-0042/R", "Ołena", "Szewczenko"
	k.UpdatedAt = base.Add(4 * time.Hour)
	e.update(func(tx alliance.Tx) error { return tx.UpdateCase(e.ctx, k) })
	if k.Revision != 2 {
		t.Errorf("Revision after an update = %d, want 2", k.Revision)
	}
	checkCase(t, e, e.store, k)

	moved := *k
	moved.OrgID, moved.CreatedBy, moved.CreatedAt = b.ID, w.ID, base.Add(time.Hour)
	moved.Stage, moved.AssignedTo, moved.Referred = alliance.StageClosure, 0, false
	moved.Person = alliance.Person{FamilyName: "王"}
	moved.VictimContext = alliance.VictimContext{}
	moved.ClosedAt = nil
	e.update(func(tx alliance.Tx) error { return tx.UpdateCase(e.ctx, &moved) })
	want := moved
	want.OrgID, want.CreatedBy, want.CreatedAt = a.ID, u.ID, created
	if want.Revision != 3 {
		t.Errorf("Revision after a second update = %d, want 3", want.Revision)
	}
	checkCase(t, e, e.store, &want)

	// UpdatedAt is now when zero.
	now := want
	now.UpdatedAt = time.Time{}
	before := time.Now()
	e.update(func(tx alliance.Tx) error { return tx.UpdateCase(e.ctx, &now) })
	if now.UpdatedAt.Before(before.Add(-time.Second)) || now.Revision != 4 {
		t.Errorf("UpdatedAt, Revision after an update without a time = %v, %d; want now, 4", now.UpdatedAt, now.Revision)
	}
	checkCase(t, e, e.store, &now)

	stale.Person.FamilyName, stale.Stage = "Stale", alliance.StageReferral
	before2 := stale
	err := e.store.Update(e.ctx, func(tx alliance.Tx) error { return tx.UpdateCase(e.ctx, &stale) })
	wantCode(t, "UpdateCase with a stale revision", err, alliance.CodeConflict, "")
	if err != nil && !strings.Contains(alliance.ErrorMessage(err), "reload") {
		t.Errorf("stale update: message %q, want one telling to reload", alliance.ErrorMessage(err))
	}
	if diff := cmp.Diff(before2, stale); diff != "" {
		t.Errorf("a refused update changed the case given (-before +after):\n%s", diff)
	}
	checkCase(t, e, e.store, &now)

	missing := now
	missing.ID += 1000
	err = e.store.Update(e.ctx, func(tx alliance.Tx) error { return tx.UpdateCase(e.ctx, &missing) })
	checkNotFound(t, "UpdateCase", err)
}

// testCaseConcurrentUpdates runs read-merge-write transactions on one case at
// once, each adding its own line to the address. Reading the case inside
// Update must serialise them: every transaction commits, and every line is
// kept.
func testCaseConcurrentUpdates(t *testing.T, e *env) {
	org := e.org("Concurrent")
	u := e.user(org.ID, "concurrent@example.org")
	k := newCase(org.ID, u.ID, "C-1")
	e.createCases(k)
	const writers = 8
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Go(func() {
			errs <- e.store.Update(e.ctx, func(tx alliance.Tx) error {
				cur, err := tx.Case(e.ctx, k.ID)
				if err != nil {
					return err
				}
				cur.Person.Address += fmt.Sprintf("[%d]", i)
				cur.UpdatedAt = time.Time{}
				if err := tx.UpdateCase(e.ctx, cur); err != nil {
					return err
				}
				// Rows that refer to the case may be added while it is locked.
				return tx.AddTransition(e.ctx, &alliance.Transition{CaseID: k.ID, From: cur.Stage, To: cur.Stage,
					Reason: fmt.Sprintf("[%d]", i), By: u.ID})
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent update: %v", err)
		}
	}
	got, err := e.store.Case(e.ctx, k.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range writers {
		if !strings.Contains(got.Person.Address, fmt.Sprintf("[%d]", i)) {
			t.Errorf("line %d lost: %q", i, got.Person.Address)
		}
	}
	if got.Revision != 1+writers {
		t.Errorf("Revision %d after %d updates, want %d", got.Revision, writers, 1+writers)
	}
	if list, err := e.store.Transitions(e.ctx, k.ID); err != nil || len(list) != writers {
		t.Errorf("Transitions = %d, %v; want %d", len(list), err, writers)
	}
}

// testTransitions checks the round trip and the order of a case's stage
// changes.
func testTransitions(t *testing.T, e *env) {
	a := e.org("Org A")
	u, v := e.user(a.ID, "a@example.org"), e.user(a.ID, "b@example.org")
	k, other := newCase(a.ID, u.ID, "T-1"), newCase(a.ID, u.ID, "T-2")
	e.createCases(k, other)
	at := func(minutes int) time.Time { return base.Add(time.Duration(minutes) * time.Minute) }
	// Added out of time order; t3 and t4 happened at the same moment.
	t1 := &alliance.Transition{CaseID: k.ID, From: alliance.StageIdentification, To: alliance.StageReferral,
		Reason: secretReason, By: u.ID, At: at(10)}
	t2 := &alliance.Transition{CaseID: k.ID, From: alliance.StageAssistance, To: alliance.StageClosure,
		Reason: "", By: v.ID, At: at(40)}
	t3 := &alliance.Transition{CaseID: k.ID, From: alliance.StageReferral, To: alliance.StageAssistance,
		Reason: "Ініціатива особи: вона погодилася на допомогу", By: u.ID, At: at(20)}
	t4 := &alliance.Transition{CaseID: k.ID, From: alliance.StageAssistance, To: alliance.StageAssistance,
		Reason: "same time", By: u.ID, At: at(20)}
	elsewhere := &alliance.Transition{CaseID: other.ID, From: alliance.StageIdentification, To: alliance.StageClosure,
		Reason: "duplicate", By: u.ID, At: at(0)}
	e.update(func(tx alliance.Tx) error {
		return errors.Join(tx.AddTransition(e.ctx, t1), tx.AddTransition(e.ctx, t2), tx.AddTransition(e.ctx, t3),
			tx.AddTransition(e.ctx, t4), tx.AddTransition(e.ctx, elsewhere))
	})
	if t1.ID == 0 || t1.ID == t2.ID {
		t.Errorf("AddTransition ids = %d, %d; want distinct ids", t1.ID, t2.ID)
	}
	got, err := e.store.Transitions(e.ctx, k.ID)
	if err != nil {
		t.Fatalf("Transitions: %v", err)
	}
	if diff := cmp.Diff([]alliance.Transition{*t1, *t3, *t4, *t2}, got); diff != "" {
		t.Errorf("Transitions mismatch (-want +got):\n%s", diff)
	}
	e.update(func(tx alliance.Tx) error {
		got, err := tx.Transitions(e.ctx, other.ID)
		if diff := cmp.Diff([]alliance.Transition{*elsewhere}, got); err != nil || diff != "" {
			t.Errorf("tx.Transitions: error %v, mismatch (-want +got):\n%s", err, diff)
		}
		return nil
	})
	if list, err := e.store.Transitions(e.ctx, other.ID+1000); err != nil || list == nil || len(list) != 0 {
		t.Errorf("Transitions of a missing case = %v, %v; want an empty list", list, err)
	}

	now := &alliance.Transition{CaseID: k.ID, From: alliance.StageClosure, To: alliance.StageIdentification, By: u.ID}
	before := time.Now()
	e.update(func(tx alliance.Tx) error { return tx.AddTransition(e.ctx, now) })
	if now.At.Before(before.Add(-time.Second)) {
		t.Errorf("At of a transition without one = %v, want now", now.At)
	}
	if got, err := e.store.Transitions(e.ctx, k.ID); err != nil || len(got) != 5 || got[4].ID != now.ID {
		t.Errorf("Transitions after one at now = %v, %v; want it last", got, err)
	}
}

// testConsents checks the round trip and order of consents, and withdrawal.
func testConsents(t *testing.T, e *env) {
	a, b, c := e.org("Org A"), e.org("Org B"), e.org("Org C")
	u, v := e.user(a.ID, "a@example.org"), e.user(a.ID, "b@example.org")
	k, other := newCase(a.ID, u.ID, "C-1"), newCase(a.ID, u.ID, "C-2")
	e.createCases(k, other)
	at := func(minutes int) time.Time { return base.Add(time.Duration(minutes) * time.Minute) }
	withdrawnAt := at(50)
	c1 := &alliance.Consent{CaseID: k.ID, Services: true, Statistics: true, Method: alliance.ConsentSigned, Language: "uk",
		Shares: []alliance.ConsentShare{{OrgID: b.ID, Groups: []string{alliance.GroupIdentity, alliance.GroupContact}},
			{OrgID: c.ID, Groups: []string{alliance.GroupContext}}},
		GivenAt: at(10), RecordedBy: u.ID}
	c2 := &alliance.Consent{CaseID: k.ID, Method: alliance.ConsentInterpreter, Language: "ar", GivenAt: at(30), RecordedBy: v.ID,
		WithdrawnAt: &withdrawnAt, WithdrawnBy: u.ID, Shares: []alliance.ConsentShare{}}
	c3 := &alliance.Consent{CaseID: k.ID, Services: true, Method: alliance.ConsentVerbal, Language: "pt-BR", GivenAt: at(20),
		RecordedBy: u.ID, Shares: []alliance.ConsentShare{}}
	c4 := &alliance.Consent{CaseID: k.ID, Statistics: true, Method: alliance.ConsentVerbal, Language: "ro", GivenAt: at(20),
		RecordedBy: u.ID}
	elsewhere := &alliance.Consent{CaseID: other.ID, Method: alliance.ConsentSigned, Language: "en", GivenAt: at(60), RecordedBy: u.ID,
		Shares: []alliance.ConsentShare{}}
	e.update(func(tx alliance.Tx) error {
		return errors.Join(tx.CreateConsent(e.ctx, c1), tx.CreateConsent(e.ctx, c2), tx.CreateConsent(e.ctx, c3),
			tx.CreateConsent(e.ctx, c4), tx.CreateConsent(e.ctx, elsewhere))
	})
	if c1.ID == 0 || c1.ID == c2.ID {
		t.Errorf("CreateConsent ids = %d, %d; want distinct ids", c1.ID, c2.ID)
	}
	// No shares (nil) are read back as an empty list.
	c4.Shares = []alliance.ConsentShare{}
	checkConsents(t, e, e.store, k.ID, c2, c4, c3, c1)
	checkConsents(t, e, e.store, other.ID, elsewhere)

	// Withdrawal: the time is kept to the microsecond, once only.
	when := at(70).Add(789 * time.Nanosecond)
	e.update(func(tx alliance.Tx) error { return tx.WithdrawConsent(e.ctx, c1.ID, when, v.ID) })
	withdrawn := at(70)
	c1.WithdrawnAt, c1.WithdrawnBy = &withdrawn, v.ID
	checkConsents(t, e, e.store, k.ID, c2, c4, c3, c1)
	if c1.Active(at(69)) != true || c1.Active(at(70)) != false {
		t.Errorf("a consent withdrawn at %v: Active before and at = %v, %v; want true, false", withdrawn, c1.Active(at(69)), c1.Active(at(70)))
	}
	for _, id := range []int64{c1.ID, c2.ID} {
		err := e.store.Update(e.ctx, func(tx alliance.Tx) error { return tx.WithdrawConsent(e.ctx, id, at(80), u.ID) })
		wantCode(t, "withdraw a withdrawn consent", err, alliance.CodeConflict, "")
	}
	checkConsents(t, e, e.store, k.ID, c2, c4, c3, c1)
	err := e.store.Update(e.ctx, func(tx alliance.Tx) error { return tx.WithdrawConsent(e.ctx, elsewhere.ID+1000, at(80), u.ID) })
	checkNotFound(t, "WithdrawConsent", err)

	// Inside a transaction, and at now when no time is given.
	e.update(func(tx alliance.Tx) error {
		if err := tx.WithdrawConsent(e.ctx, elsewhere.ID, time.Time{}, u.ID); err != nil {
			return err
		}
		got, err := tx.Consents(e.ctx, other.ID)
		if err != nil || len(got) != 1 || got[0].WithdrawnAt == nil || time.Since(*got[0].WithdrawnAt) > time.Minute {
			t.Errorf("tx.Consents after a withdrawal at now = %+v, %v", got, err)
		}
		return nil
	})
	if list, err := e.store.Consents(e.ctx, other.ID+1000); err != nil || list == nil || len(list) != 0 {
		t.Errorf("Consents of a missing case = %v, %v; want an empty list", list, err)
	}
}

func checkConsents(t *testing.T, e *env, r alliance.Reader, caseID int64, want ...*alliance.Consent) {
	t.Helper()
	got, err := r.Consents(e.ctx, caseID)
	if err != nil {
		t.Fatalf("Consents(%d): %v", caseID, err)
	}
	w := make([]alliance.Consent, len(want))
	for i, c := range want {
		w[i] = *c
	}
	if diff := cmp.Diff(w, got); diff != "" {
		t.Errorf("Consents(%d) mismatch (-want +got):\n%s", caseID, diff)
	}
}

// referral returns a new pending referral of k to org to, created by user at
// base, changed by each mod; it is not stored.
func referral(k *alliance.Case, to, userID int64, mods ...func(*alliance.Referral)) *alliance.Referral {
	r := &alliance.Referral{CaseID: k.ID, FromOrg: k.OrgID, ToOrg: to, Reason: "AdditionalServicesRequired",
		Urgency: "routine", Groups: []string{alliance.GroupIdentity}, Status: alliance.ReferralPending,
		CreatedBy: userID, CreatedAt: base}
	for _, mod := range mods {
		mod(r)
	}
	return r
}

func checkReferral(t *testing.T, e *env, r alliance.Reader, want *alliance.Referral) {
	t.Helper()
	got, err := r.Referral(e.ctx, want.ID)
	if err != nil {
		t.Fatalf("Referral(%d): %v", want.ID, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Referral(%d) mismatch (-want +got):\n%s", want.ID, diff)
	}
}

// testReferrals checks the round trip of referrals and the filters, order and
// limits of their list: of a case, an outbox, an inbox, in a status.
func testReferrals(t *testing.T, e *env) {
	a, b, c := e.org("Org A"), e.org("Org B"), e.org("Org C")
	ua, ub := e.user(a.ID, "a@example.org"), e.user(b.ID, "b@example.org")
	k1, k2, kb := newCase(a.ID, ua.ID, "R-1"), newCase(a.ID, ua.ID, "R-2"), newCase(b.ID, ub.ID, "R-1")
	e.createCases(k1, k2, kb)
	at := func(minutes int) func(*alliance.Referral) {
		return func(r *alliance.Referral) { r.CreatedAt = base.Add(time.Duration(minutes) * time.Minute) }
	}
	answered := base.Add(time.Hour)
	r1 := referral(k1, b.ID, ua.ID, at(10), func(r *alliance.Referral) {
		r.Details, r.Override, r.Urgency = secretDetails, secretOverride, "emergency"
		r.Groups = []string{alliance.GroupIdentity, alliance.GroupContact, alliance.GroupSupport}
	})
	r2 := referral(k1, c.ID, ua.ID, at(20), func(r *alliance.Referral) {
		r.Reason, r.Status, r.AnsweredBy, r.AnsweredAt = "MigrationOrChangeOfLocation", alliance.ReferralDeclined, ua.ID, &answered
		r.AnswerReason = secretAnswer
	})
	r3 := referral(kb, a.ID, ub.ID, at(30))
	r4 := referral(k2, b.ID, ua.ID, at(30), func(r *alliance.Referral) { r.Status = alliance.ReferralAccepted })
	r5 := referral(k2, c.ID, ua.ID, at(5), func(r *alliance.Referral) { r.Status = alliance.ReferralCancelled })
	e.update(func(tx alliance.Tx) error {
		for _, r := range []*alliance.Referral{r1, r2, r3, r4, r5} {
			if err := tx.CreateReferral(e.ctx, r); err != nil {
				return err
			}
			if r.ID == 0 || r.Revision != 1 {
				t.Errorf("after CreateReferral ID, Revision = %d, %d; want an id and 1", r.ID, r.Revision)
			}
		}
		checkReferral(t, e, tx, r1)
		return nil
	})
	for _, r := range []*alliance.Referral{r1, r2, r3, r4, r5} {
		checkReferral(t, e, e.store, r)
	}
	ids := func(list ...*alliance.Referral) []int64 {
		out := []int64{}
		for _, r := range list {
			out = append(out, r.ID)
		}
		return out
	}
	tests := []struct {
		f    alliance.ReferralFilter
		want []int64
	}{
		{alliance.ReferralFilter{FromOrg: a.ID}, ids(r4, r2, r1, r5)},
		{alliance.ReferralFilter{FromOrg: b.ID}, ids(r3)},
		{alliance.ReferralFilter{FromOrg: c.ID}, ids()},
		{alliance.ReferralFilter{ToOrg: b.ID}, ids(r4, r1)},
		{alliance.ReferralFilter{ToOrg: a.ID}, ids(r3)},
		{alliance.ReferralFilter{ToOrg: c.ID}, ids(r2, r5)},
		{alliance.ReferralFilter{ToOrg: b.ID, Status: alliance.ReferralPending}, ids(r1)},
		{alliance.ReferralFilter{ToOrg: c.ID, Status: alliance.ReferralPending}, ids()},
		{alliance.ReferralFilter{FromOrg: a.ID, Status: alliance.ReferralDeclined}, ids(r2)},
		{alliance.ReferralFilter{CaseID: k1.ID}, ids(r2, r1)},
		{alliance.ReferralFilter{CaseID: k2.ID}, ids(r4, r5)},
		{alliance.ReferralFilter{CaseID: k2.ID, Status: alliance.ReferralCancelled}, ids(r5)},
		{alliance.ReferralFilter{CaseID: k1.ID, ToOrg: c.ID}, ids(r2)},
		{alliance.ReferralFilter{FromOrg: a.ID, ToOrg: b.ID}, ids(r4, r1)},
		{alliance.ReferralFilter{FromOrg: a.ID, Limit: 2}, ids(r4, r2)},
		{alliance.ReferralFilter{FromOrg: a.ID, Limit: 2, After: r2}, ids(r1, r5)}, // the next page
		{alliance.ReferralFilter{FromOrg: a.ID, After: r4}, ids(r2, r1, r5)},
		{alliance.ReferralFilter{FromOrg: a.ID, After: r5}, ids()},
		{alliance.ReferralFilter{ToOrg: b.ID, After: r4}, ids(r1)},
		{alliance.ReferralFilter{CaseID: k1.ID + 1000}, ids()},
	}
	for _, tc := range tests {
		got, err := e.store.Referrals(e.ctx, tc.f)
		if err != nil {
			t.Errorf("Referrals(%+v): %v", tc.f, err)
			continue
		}
		if diff := cmp.Diff(tc.want, caseIDs(got, func(r *alliance.Referral) int64 { return r.ID })); diff != "" || got == nil {
			t.Errorf("Referrals(%+v) ids mismatch (-want +got):\n%s", tc.f, diff)
		}
	}
	// The list opens the sealed fields too.
	got, err := e.store.Referrals(e.ctx, alliance.ReferralFilter{CaseID: k1.ID})
	if err == nil && len(got) == 2 {
		if diff := cmp.Diff([]alliance.Referral{*r2, *r1}, got); diff != "" {
			t.Errorf("Referrals of case %d mismatch (-want +got):\n%s", k1.ID, diff)
		}
	}
	for _, f := range []alliance.ReferralFilter{{}, {Status: alliance.ReferralPending}, {Limit: 5}} {
		_, err := e.store.Referrals(e.ctx, f)
		wantCode(t, fmt.Sprintf("Referrals(%+v)", f), err, alliance.CodeInvalid, "")
	}
	_, err = e.store.Referrals(e.ctx, alliance.ReferralFilter{ToOrg: b.ID, Status: "lost"})
	wantCode(t, "Referrals in an unknown status", err, alliance.CodeInvalid, "status")
}

// testReferralListLimits checks the default and the largest limit.
func testReferralListLimits(t *testing.T, e *env) {
	a, b := e.org("Org A"), e.org("Org B")
	u := e.user(a.ID, "a@example.org")
	k := newCase(a.ID, u.ID, "L-1")
	e.createCases(k)
	list := make([]*alliance.Referral, 1001)
	e.update(func(tx alliance.Tx) error {
		for i := range list {
			list[i] = referral(k, b.ID, u.ID)
			if err := tx.CreateReferral(e.ctx, list[i]); err != nil {
				return err
			}
		}
		return nil
	})
	for _, tc := range []struct{ limit, want int }{{0, 100}, {-1, 100}, {7, 7}, {1000, 1000}, {5000, 1000}} {
		got, err := e.store.Referrals(e.ctx, alliance.ReferralFilter{ToOrg: b.ID, Limit: tc.limit})
		if err != nil || len(got) != tc.want {
			t.Errorf("Referrals(Limit %d) = %d referrals, %v; want %d", tc.limit, len(got), err, tc.want)
			continue
		}
		if got[0].ID != list[len(list)-1].ID {
			t.Errorf("Referrals(Limit %d) starts with %d, want the last created at the same time, %d", tc.limit, got[0].ID, list[len(list)-1].ID)
		}
	}
}

// testReferralUpdate checks what an answer writes, and that a stale revision
// or a missing referral changes nothing.
func testReferralUpdate(t *testing.T, e *env) {
	a, b := e.org("Org A"), e.org("Org B")
	ua, ub := e.user(a.ID, "a@example.org"), e.user(b.ID, "b@example.org")
	k := newCase(a.ID, ua.ID, "U-1")
	e.createCases(k)
	r := referral(k, b.ID, ua.ID, func(r *alliance.Referral) { r.Details = secretDetails })
	e.update(func(tx alliance.Tx) error { return tx.CreateReferral(e.ctx, r) })
	stale := *r

	// Only the status and the answer are written.
	answered := base.Add(time.Hour).Add(999 * time.Nanosecond)
	x := *r
	x.Status, x.AnsweredBy, x.AnsweredAt, x.AnswerReason = alliance.ReferralAccepted, ub.ID, &answered, secretAnswer
	x.Details, x.ToOrg, x.Groups, x.Override, x.Urgency = "changed", a.ID, []string{alliance.GroupComments}, secretOverride, "urgent"
	e.update(func(tx alliance.Tx) error {
		cur, err := tx.Referral(e.ctx, r.ID)
		if err != nil {
			return err
		}
		if cur.Revision != x.Revision {
			t.Errorf("tx.Referral revision = %d, want %d", cur.Revision, x.Revision)
		}
		return tx.UpdateReferral(e.ctx, &x)
	})
	if x.Revision != 2 || !x.AnsweredAt.Equal(answered.Truncate(time.Microsecond)) {
		t.Errorf("after UpdateReferral Revision, AnsweredAt = %d, %v; want 2, truncated to the microsecond", x.Revision, x.AnsweredAt)
	}
	r.Status, r.AnsweredBy, r.AnsweredAt, r.AnswerReason, r.Revision = x.Status, x.AnsweredBy, x.AnsweredAt, x.AnswerReason, 2
	checkReferral(t, e, e.store, r)

	// An answer can be cleared again.
	y := *r
	y.Status, y.AnsweredBy, y.AnsweredAt, y.AnswerReason = alliance.ReferralPending, 0, nil, ""
	e.update(func(tx alliance.Tx) error { return tx.UpdateReferral(e.ctx, &y) })
	checkReferral(t, e, e.store, &y)

	stale.Status, stale.AnswerReason = alliance.ReferralDeclined, "stale"
	before := stale
	err := e.store.Update(e.ctx, func(tx alliance.Tx) error { return tx.UpdateReferral(e.ctx, &stale) })
	wantCode(t, "UpdateReferral with a stale revision", err, alliance.CodeConflict, "")
	if err != nil && !strings.Contains(alliance.ErrorMessage(err), "reload") {
		t.Errorf("stale update: message %q, want one telling to reload", alliance.ErrorMessage(err))
	}
	if diff := cmp.Diff(before, stale); diff != "" {
		t.Errorf("a refused update changed the referral given (-before +after):\n%s", diff)
	}
	checkReferral(t, e, e.store, &y)

	missing := y
	missing.ID += 1000
	err = e.store.Update(e.ctx, func(tx alliance.Tx) error { return tx.UpdateReferral(e.ctx, &missing) })
	checkNotFound(t, "UpdateReferral", err)
}

// testReencryptCases rotates the data key and checks that Reencrypt re-seals
// the persons of cases, the reasons of transitions and the sealed fields of
// referrals, with the users' fields, within its limit.
func testReencryptCases(t *testing.T, e *env) {
	a, b := e.org("Org A"), e.org("Org B")
	u := e.user(a.ID, "caseworker@example.org")
	k1, k2 := newCase(a.ID, u.ID, "K-1", fullCase(u.ID, b.ID)), newCase(a.ID, u.ID, "K-2")
	e.createCases(k1, k2)
	t1 := &alliance.Transition{CaseID: k1.ID, From: alliance.StageIdentification, To: alliance.StageReferral, Reason: secretReason, By: u.ID, At: base}
	t2 := &alliance.Transition{CaseID: k2.ID, From: alliance.StageIdentification, To: alliance.StageClosure, By: u.ID, At: base}
	r := referral(k1, b.ID, u.ID, func(r *alliance.Referral) { r.Details, r.Override = secretDetails, secretOverride })
	e.update(func(tx alliance.Tx) error {
		return errors.Join(tx.AddTransition(e.ctx, t1), tx.AddTransition(e.ctx, t2), tx.CreateReferral(e.ctx, r))
	})
	reencrypt(t, e, 0, 0)
	e.keys.Rotate()
	reencrypt(t, e, 4, 4) // the user's email and name, and both persons
	reencrypt(t, e, 0, 5) // 2 transition reasons and 3 referral values
	reencrypt(t, e, 0, 0)
	for _, c := range []struct{ table, column string }{
		{"cases", "person"}, {"case_transitions", "reason"},
		{"referrals", "details"}, {"referrals", "override"}, {"referrals", "answer_reason"},
	} {
		rows, err := e.raw().QueryContext(e.ctx, `SELECT id, `+c.column+` FROM `+c.table)
		if err != nil {
			t.Fatalf("read %s.%s: %v", c.table, c.column, err)
		}
		for rows.Next() {
			var id int64
			var ct []byte
			if err := rows.Scan(&id, &ct); err != nil {
				t.Fatal(err)
			}
			if !e.keys.Current(ct) {
				t.Errorf("%s %d %s is not sealed under the new key after Reencrypt", c.table, id, c.column)
			}
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			t.Fatal(err)
		}
	}
	checkCase(t, e, e.store, k1)
	checkCase(t, e, e.store, k2)
	checkReferral(t, e, e.store, r)
	got, err := e.store.Transitions(e.ctx, k1.ID)
	if diff := cmp.Diff([]alliance.Transition{*t1}, got); err != nil || diff != "" {
		t.Errorf("Transitions after Reencrypt: error %v, mismatch (-want +got):\n%s", err, diff)
	}
}

// testReencryptKeepsCaseChange updates a case while Reencrypt is re-sealing
// its old person: the update must survive.
func testReencryptKeepsCaseChange(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "caseworker@example.org")
	k := newCase(a.ID, u.ID, "K-1")
	e.createCases(k)
	e.keys.Rotate()
	changed := *k
	changed.Person.Address = secretAddress
	hook := &hookKeys{Keys: e.keys, column: alliance.ColCasePerson}
	hook.onOpen = func() { e.update(func(tx alliance.Tx) error { return tx.UpdateCase(e.ctx, &changed) }) }
	e.store.UseKeys(hook, e.chain)
	// The user's two values are re-sealed; the update sealed the person anew,
	// so the old one is not replaced, and the revision stays the update's.
	reencrypt(t, e, 0, 2)
	checkCase(t, e, e.store, &changed)
	reencrypt(t, e, 0, 0)
}
