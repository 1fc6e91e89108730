package web

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"alliance"
	"alliance/internal/app"
)

// TestSubjectAccessAndErasure: everything held about a person can be
// exported; erasing their identity leaves nothing that names them — in the
// record, the free texts, the screening notes or the duplicate index — while
// the non-identifying facts stay; the retention period erases by itself.
func TestSubjectAccessAndErasure(t *testing.T) {
	e := newTestEnv(t, testConfig())
	ngo, admin := e.client(t, "caseworker@0"), e.client(t, "admin@0")
	sc := e.screening(t, 0)
	notes := "Met Olena near the station"
	if _, err := e.svc.UpdateAssessment(context.Background(), e.caseworkerOf(0), sc.ID, app.AssessmentUpdate{Notes: &notes}); err != nil {
		t.Fatal(err)
	}
	k := decodeCase(t, ngo.must(201, "POST", "/api/v1/cases", `{"screening_id":`+itoa(sc.ID)+`,"person":{"given_name":"Olena","family_name":"Tkachenko","birth_date":"1994","phone":"+380","citizenships":["UA"]},"context":{"industry":"A"}}`))
	path := "/api/v1/cases/" + itoa(k.ID)
	ngo.must(200, "POST", path+"/stage", `{"to":"referral","reason":"Olena asked for a shelter"}`)
	ngo.must(201, "POST", path+"/decisions", `{"kind":"reasonable_grounds","outcome":"positive","decided_by":`+itoa(e.orgs[0].ID)+`,"decided_on":"2026-11-01","notes":"Olena's account is consistent"}`)
	ngo.must(201, "POST", path+"/referrals", `{"to_org":`+itoa(e.orgs[1].ID)+`,"reason":"Other","urgency":"urgent","groups":["identity"],"details":"Olena, room 4","override":"the employer is looking for her tonight"}`)

	ngo.must(201, "POST", path+"/comments", `{"text":"Olena prefers calls after six"}`)
	ngo.must(201, "POST", path+"/events", `{"type":"Exploitation","country":"PL","description":"Olena worked in a greenhouse"}`)
	// Subject access: the record, as JSON and as a document.
	e.client(t, "viewer@0").must(403, "GET", path+"/export", "")
	var rec app.SubjectRecord
	json.Unmarshal(ngo.must(200, "GET", path+"/export", ""), &rec)
	if rec.Case.Person.FamilyName != "Tkachenko" || len(rec.Referrals) != 1 || len(rec.Decisions) != 1 || len(rec.Transitions) != 2 ||
		len(rec.Screenings) != 1 || rec.Screenings[0].Answers.Notes != notes || len(rec.Accesses) == 0 ||
		len(rec.Comments) != 1 || len(rec.Events) != 1 {
		t.Errorf("subject access record incomplete: %+v", rec)
	}
	if page := e.do("GET", "/cases/"+itoa(k.ID)+"/export", ngo.s.cookie, "", "").Body.String(); !strings.Contains(page, "Tkachenko") || !strings.Contains(page, "Olena, room 4") {
		t.Error("the subject access document lacks the person or the referral")
	}

	// Erasure: administrators only, once.
	ngo.must(403, "POST", path+"/erase", `{"reason":"request"}`)
	admin.must(400, "POST", path+"/erase", `{"reason":"because"}`)
	admin.must(204, "POST", path+"/erase", `{"reason":"request"}`)
	admin.must(409, "POST", path+"/erase", `{"reason":"request"}`)
	rec = app.SubjectRecord{} // decode afresh: emptied fields are left out of the JSON
	json.Unmarshal(ngo.must(200, "GET", path+"/export", ""), &rec)
	raw, _ := json.Marshal(rec)
	for _, trace := range []string{"Olena", "Tkachenko", "+380", "1994", "room 4", "station", "employer is looking", "after six", "greenhouse"} {
		if strings.Contains(string(raw), trace) {
			t.Errorf("after erasure the record still holds %q", trace)
		}
	}
	if rec.Case.ErasedAt == nil || rec.Case.Industry != "A" || len(rec.Case.Person.Citizenships) != 1 || rec.Decisions[0].Outcome != "positive" {
		t.Errorf("erasure removed facts kept for statistics: %+v", rec.Case)
	}
	ngo.must(409, "PUT", path, `{"revision":`+itoa(rec.Case.Revision)+`,"person":{"family_name":"Tkachenko"}}`)
	var dups struct{ Duplicates []any }
	json.Unmarshal(ngo.must(200, "POST", "/api/v1/cases/duplicates", `{"person":{"given_name":"Olena","family_name":"Tkachenko"}}`), &dups)
	if len(dups.Duplicates) != 0 {
		t.Errorf("the erased person is still found as a duplicate: %v", dups.Duplicates)
	}

	// Retention: a case closed longer ago than the organisation keeps
	// identities is erased by the background job.
	admin.must(200, "PUT", "/api/v1/organisations/"+itoa(e.orgs[0].ID), `{"name":"Org 0","type":"ngo","country":"FR","languages":["fr"],"retention_days":30}`)
	k2 := decodeCase(t, ngo.must(201, "POST", "/api/v1/cases", `{"person":{"given_name":"Ion","family_name":"Popa"}}`))
	ngo.must(200, "POST", "/api/v1/cases/"+itoa(k2.ID)+"/stage", `{"to":"closure","reason":"no longer in contact"}`)
	if n, err := e.svc.EraseExpired(context.Background()); err != nil || n != 0 {
		t.Fatalf("erased %d, %v before the period ran out", n, err)
	}
	e.svc.SetClock(func() time.Time { return time.Now().AddDate(0, 0, 31) })
	n, err := e.svc.EraseExpired(context.Background())
	e.svc.SetClock(time.Now)
	if err != nil || n != 1 {
		t.Fatalf("retention erased %d cases (%v), want 1", n, err)
	}
	if got, _ := e.store.Case(context.Background(), k2.ID); got.ErasedAt == nil || got.Person.FamilyName != "" {
		t.Errorf("the expired case keeps %+v", got.Person)
	}
	entries, _ := e.store.AuditEntries(context.Background(), alliance.AuditFilter{ResourceType: "case", ResourceID: itoa(k2.ID)})
	if len(entries) == 0 || entries[0].Action != "case.erase" || entries[0].Detail != "identity erased (retention)" {
		t.Errorf("the retention erasure is not audited: %+v", entries[:min(1, len(entries))])
	}

	// The page form asks for the reference.
	k3 := decodeCase(t, ngo.must(201, "POST", "/api/v1/cases", `{"person":{"given_name":"Ana","family_name":"Rusu"}}`))
	if w := e.form("/cases/"+itoa(k3.ID)+"/erase", admin.s.cookie, admin.s.csrf, url.Values{"confirm": {"wrong"}}); w.Code != 400 {
		t.Errorf("erase with a wrong confirmation: %d", w.Code)
	}
}
