package app

import (
	"strconv"
	"strings"
	"testing"

	"alliance"

	"github.com/google/go-cmp/cmp"
)

// Texts the legal tests record, sealed at rest and never in the audit log.
const (
	legalPermitRef  = "RP-2026-0099113"
	legalNotes      = "permit card kept by the shelter for her"
	legalCourtRef   = "Dosar 4411/P/2026"
	legalCourtNotes = "hearing moved; she testifies by video"
)

// legalCase opens a case of the caseworker's organisation and records a
// residence step and a proceeding on it, as given (untrimmed) texts.
func (e *screeningEnv) legalCase() (*alliance.Case, *alliance.Residence, *alliance.Proceeding) {
	e.t.Helper()
	k, err := e.svc.CreateCase(e.ctx, e.caseworker, alliance.Case{Person: alliance.Person{GivenName: "Mariana", FamilyName: "Lungu"}}, 0)
	if err != nil {
		e.t.Fatalf("CreateCase: %v", err)
	}
	x, err := e.svc.AddResidence(e.ctx, e.caseworker, k.ID, alliance.Residence{Status: "applied", PermitType: "victim_cooperation",
		Reference: "  " + legalPermitRef + "\n", ValidFrom: "2026-10-01", Notes: " " + legalNotes + " "})
	if err != nil {
		e.t.Fatalf("AddResidence: %v", err)
	}
	p, err := e.svc.AddProceeding(e.ctx, e.caseworker, k.ID, alliance.Proceeding{Kind: "criminal", Role: "injured_party",
		Authority: " Tribunalul Iași ", Reference: legalCourtRef, Status: "open", OpenedOn: "2026-09-15", Notes: legalCourtNotes})
	if err != nil {
		e.t.Fatalf("AddProceeding: %v", err)
	}
	return k, x, p
}

// refer records a consent sharing groups with the other organisation and a
// referral naming them, which the other organisation accepts.
func (e *screeningEnv) refer(caseID int64, groups ...string) {
	e.t.Helper()
	to := e.otherCaseworker.OrgID
	_, err := e.svc.RecordConsent(e.ctx, e.caseworker, caseID, alliance.Consent{Services: true, Method: alliance.ConsentSigned,
		Language: "ro", Shares: []alliance.ConsentShare{{OrgID: to, Groups: groups}}})
	if err != nil {
		e.t.Fatalf("RecordConsent: %v", err)
	}
	r, err := e.svc.Refer(e.ctx, e.caseworker, caseID, alliance.Referral{ToOrg: to, Reason: "Other", Urgency: "routine", Groups: groups})
	if err != nil {
		e.t.Fatalf("Refer: %v", err)
	}
	if _, err := e.svc.AnswerReferral(e.ctx, e.otherCaseworker, r.ID, true, ""); err != nil {
		e.t.Fatalf("AnswerReferral: %v", err)
	}
}

// legalSeen returns how many residence steps and proceedings c sees of case id.
func (e *screeningEnv) legalSeen(c Caller, id int64) (int, int) {
	e.t.Helper()
	v, err := e.svc.Case(e.ctx, c, id)
	if err != nil {
		e.t.Fatalf("Case(%d): %v", id, err)
	}
	rs, ps, err := e.svc.ResidenceAndProceedings(e.ctx, v)
	if err != nil {
		e.t.Fatalf("ResidenceAndProceedings(%d): %v", id, err)
	}
	return len(rs), len(ps)
}

func TestLegalRecords(t *testing.T) {
	e := newScreeningEnv(t)
	k, x, p := e.legalCase()
	if x.Reference != legalPermitRef || x.Notes != legalNotes || p.Authority != "Tribunalul Iași" {
		t.Errorf("texts kept untrimmed: %q, %q, %q", x.Reference, x.Notes, p.Authority)
	}
	if x.By != e.caseworker.UserID || p.By != e.caseworker.UserID || p.Revision != 1 || x.CaseID != k.ID {
		t.Errorf("recorded as %+v and %+v; want by the caseworker on case %d, revision 1", x, p, k.ID)
	}
	v, err := e.svc.Case(e.ctx, e.caseworker, k.ID)
	if err != nil {
		t.Fatal(err)
	}
	rs, ps, err := e.svc.ResidenceAndProceedings(e.ctx, v)
	if diff := cmp.Diff([]alliance.Residence{*x}, rs); err != nil || diff != "" {
		t.Errorf("Residence: error %v, mismatch (-want +got):\n%s", err, diff)
	}
	if diff := cmp.Diff([]alliance.Proceeding{*p}, ps); err != nil || diff != "" {
		t.Errorf("Proceedings: error %v, mismatch (-want +got):\n%s", err, diff)
	}

	// Invalid input is refused before anything is written.
	_, err = e.svc.AddResidence(e.ctx, e.caseworker, k.ID, alliance.Residence{Status: "granted", ValidFrom: "2026-05-01", ValidUntil: "2026-04-01"})
	wantCode(t, "a permit ending before it starts", err, alliance.CodeInvalid)
	_, err = e.svc.AddProceeding(e.ctx, e.caseworker, k.ID, alliance.Proceeding{Kind: "criminal", Role: "victim", Authority: "   ", Status: "open"})
	wantCode(t, "a proceeding before no authority", err, alliance.CodeInvalid)

	// The audit log names the records, never their sealed texts.
	entries, err := e.store.AuditEntries(e.ctx, alliance.AuditFilter{ResourceType: "case", ResourceID: strconv.FormatInt(k.ID, 10), Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var details []string
	for _, en := range entries {
		details = append(details, en.Detail)
	}
	all := strings.Join(details, "\n")
	if !strings.Contains(all, "residence applied") || !strings.Contains(all, "proceeding criminal") {
		t.Errorf("audit details %q do not record the residence step and the proceeding", details)
	}
	for _, s := range []string{legalPermitRef, legalNotes, legalCourtRef, legalCourtNotes} {
		if strings.Contains(all, s) {
			t.Errorf("the audit log holds the sealed text %q", s)
		}
	}

	// Subject access includes them.
	rec, err := e.svc.SubjectAccess(e.ctx, e.caseworker, k.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Residence) != 1 || rec.Residence[0].Reference != legalPermitRef || len(rec.Proceedings) != 1 ||
		rec.Proceedings[0].Notes != legalCourtNotes {
		t.Errorf("subject access record holds residence %+v and proceedings %+v; want the one of each", rec.Residence, rec.Proceedings)
	}
}

// TestLegalVisibility checks that a referred organisation sees the residence
// steps and proceedings only when the legal part is shared with it, and never
// writes them.
func TestLegalVisibility(t *testing.T) {
	e := newScreeningEnv(t)
	k, _, p := e.legalCase()
	if r, q := e.legalSeen(e.caseworker, k.ID); r != 1 || q != 1 {
		t.Errorf("the holder sees %d residence steps and %d proceedings, want 1 and 1", r, q)
	}
	e.refer(k.ID, alliance.GroupIdentity, alliance.GroupContext, alliance.GroupSupport)
	if r, q := e.legalSeen(e.otherCaseworker, k.ID); r != 0 || q != 0 {
		t.Errorf("a receiver without the decisions sees %d residence steps and %d proceedings, want none", r, q)
	}
	e.refer(k.ID, alliance.GroupIdentity, alliance.GroupDecisions)
	if r, q := e.legalSeen(e.otherCaseworker, k.ID); r != 0 || q != 0 {
		t.Errorf("a receiver with the decisions but not the legal part sees %d residence steps and %d proceedings, want none", r, q)
	}
	e.refer(k.ID, alliance.GroupIdentity, alliance.GroupLegal)
	if r, q := e.legalSeen(e.otherCaseworker, k.ID); r != 1 || q != 1 {
		t.Errorf("a receiver with the legal part sees %d residence steps and %d proceedings, want 1 and 1", r, q)
	}

	// Seeing is not writing: only the holder records and changes them.
	_, err := e.svc.AddResidence(e.ctx, e.otherCaseworker, k.ID, alliance.Residence{Status: "granted"})
	wantCode(t, "a receiver adding a residence step", err, alliance.CodeForbidden)
	_, err = e.svc.AddProceeding(e.ctx, e.otherCaseworker, k.ID, alliance.Proceeding{Kind: "civil", Role: "claimant", Authority: "Judecătoria", Status: "open"})
	wantCode(t, "a receiver adding a proceeding", err, alliance.CodeForbidden)
	in := *p
	in.Status = "closed"
	_, err = e.svc.UpdateProceeding(e.ctx, e.otherCaseworker, p.ID, in)
	wantCode(t, "a receiver changing a proceeding", err, alliance.CodeForbidden)
	_, err = e.svc.UpdateProceeding(e.ctx, e.otherCaseworker, p.ID+1000, in)
	wantCode(t, "a receiver changing a missing proceeding", err, alliance.CodeForbidden)
	if got, err := e.store.Proceeding(e.ctx, p.ID); err != nil || got.Revision != 1 || got.Status != "open" {
		t.Errorf("Proceeding after refused changes = %+v, %v; want it as recorded", got, err)
	}
}

// TestProceedingRevision checks that an update from a stale revision is
// refused and changes nothing, and that one without a revision is refused.
func TestProceedingRevision(t *testing.T) {
	e := newScreeningEnv(t)
	k, _, p := e.legalCase()
	read := *p

	first := read
	first.Status, first.Outcome, first.ClosedOn, first.Notes = "closed", " conviction ", "2026-11-20", "  "
	first.CaseID = k.ID + 1000 // not the caller's to change
	got, err := e.svc.UpdateProceeding(e.ctx, e.admin, p.ID, first)
	if err != nil {
		t.Fatalf("UpdateProceeding: %v", err)
	}
	if got.Revision != 2 || got.Outcome != "conviction" || got.Notes != "" || got.CaseID != k.ID || got.By != e.admin.UserID {
		t.Errorf("UpdateProceeding = %+v; want revision 2, trimmed texts, the same case, by the admin", got)
	}

	second := read // the caseworker still holds revision 1
	second.Notes = "overwrites the conviction"
	_, err = e.svc.UpdateProceeding(e.ctx, e.caseworker, p.ID, second)
	wantCode(t, "an update from a stale revision", err, alliance.CodeConflict)
	second.Revision = 0
	_, err = e.svc.UpdateProceeding(e.ctx, e.caseworker, p.ID, second)
	wantCode(t, "an update without a revision", err, alliance.CodeInvalid)
	stored, err := e.store.Proceeding(e.ctx, p.ID)
	if diff := cmp.Diff(got, stored); err != nil || diff != "" {
		t.Errorf("Proceeding after refused updates: error %v, mismatch (-want +got):\n%s", err, diff)
	}

	second.Revision = got.Revision
	if again, err := e.svc.UpdateProceeding(e.ctx, e.caseworker, p.ID, second); err != nil || again.Revision != 3 || again.Notes != second.Notes {
		t.Errorf("UpdateProceeding from the current revision = %+v, %v; want revision 3", again, err)
	}
}

// TestLegalErasedCase checks that once the person's identity is erased the
// sealed texts are blank, the facts stay, and nothing more is written.
func TestLegalErasedCase(t *testing.T) {
	e := newScreeningEnv(t)
	k, _, p := e.legalCase()
	if err := e.svc.EraseIdentity(e.ctx, e.admin, k.ID, EraseRequest); err != nil {
		t.Fatalf("EraseIdentity: %v", err)
	}
	rs, err := e.store.Residences(e.ctx, k.ID)
	if err != nil || len(rs) != 1 || rs[0].Reference != "" || rs[0].Notes != "" || rs[0].Status != "applied" || rs[0].ValidFrom != "2026-10-01" {
		t.Errorf("Residences after erasure = %+v, %v; want the step without its reference and notes", rs, err)
	}
	ps, err := e.store.Proceedings(e.ctx, k.ID)
	if err != nil || len(ps) != 1 || ps[0].Reference != "" || ps[0].Notes != "" || ps[0].Kind != "criminal" || ps[0].Authority != "Tribunalul Iași" {
		t.Errorf("Proceedings after erasure = %+v, %v; want the proceeding without its reference and notes", ps, err)
	}

	_, err = e.svc.AddResidence(e.ctx, e.caseworker, k.ID, alliance.Residence{Status: "granted", Notes: "Mariana moved"})
	wantCode(t, "a residence step on an erased case", err, alliance.CodeConflict)
	_, err = e.svc.AddProceeding(e.ctx, e.caseworker, k.ID, alliance.Proceeding{Kind: "labour", Role: "claimant", Authority: "Judecătoria", Status: "open"})
	wantCode(t, "a proceeding on an erased case", err, alliance.CodeConflict)
	in := ps[0]
	in.Notes = "Mariana Lungu testified"
	_, err = e.svc.UpdateProceeding(e.ctx, e.caseworker, p.ID, in)
	wantCode(t, "an update on an erased case", err, alliance.CodeConflict)
	rs2, _ := e.store.Residences(e.ctx, k.ID)
	ps2, _ := e.store.Proceedings(e.ctx, k.ID)
	if len(rs2) != 1 || len(ps2) != 1 || ps2[0].Notes != "" || ps2[0].Revision != 1 {
		t.Errorf("after refused writes: %d residence steps, proceedings %+v; want nothing changed", len(rs2), ps2)
	}
}
