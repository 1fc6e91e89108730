package web

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"alliance"
)

// apiCase is the part of the API's case the tests read.
type apiCase struct {
	ID       int64           `json:"id"`
	Own      bool            `json:"own"`
	Groups   []string        `json:"groups"`
	Stage    string          `json:"stage"`
	Revision int64           `json:"revision"`
	Person   alliance.Person `json:"person"`
	Context  struct {
		Industry     string   `json:"industry"`
		Exploitation []string `json:"exploitation"`
	} `json:"context"`
}

// apiClient sends API requests as one signed-in test user.
type apiClient struct {
	t *testing.T
	e *testEnv
	s testSession
}

func (e *testEnv) client(t *testing.T, key string) apiClient { return apiClient{t, e, e.session(key)} }

func (c apiClient) send(method, path, body string) ([]byte, int) {
	c.t.Helper()
	w := c.e.do(method, path, c.s.cookie, "application/json", body, "X-CSRF-Token", c.s.csrf)
	return w.Body.Bytes(), w.Code
}

// must sends a request and fails the test unless it gets the status.
func (c apiClient) must(status int, method, path, body string) []byte {
	c.t.Helper()
	b, code := c.send(method, path, body)
	if code != status {
		c.t.Fatalf("%s %s: %d, want %d: %s", method, path, code, status, b)
	}
	return b
}

func decodeCase(t *testing.T, b []byte) apiCase {
	t.Helper()
	var k apiCase
	if err := json.Unmarshal(b, &k); err != nil {
		t.Fatalf("case JSON: %v: %s", err, b)
	}
	return k
}

// TestReferralConsentAccess walks a referral between two organisations: it is
// refused without consent, or beyond it; once accepted, the receiver sees the
// parts both the referral and the consent name, and nothing else; withdrawing
// consent ends that at once.
func TestReferralConsentAccess(t *testing.T) {
	e := newTestEnv(t, testConfig())
	ngo, shelter := e.client(t, "caseworker@0"), e.client(t, "caseworker@1")
	shelterOrg := itoa(e.orgs[1].ID)

	k := decodeCase(t, ngo.must(201, "POST", "/api/v1/cases", `{"person":{"given_name":"Олена","family_name":"Ткаченко","birth_date":"1994-03","phone":"+380 44 000 0000","citizenships":["UA"]},
		"context":{"industry":"A","exploitation":["ForcedLabour"]}}`))
	path := "/api/v1/cases/" + itoa(k.ID)
	refer := func(groups, override string) ([]byte, int) {
		return ngo.send("POST", path+"/referrals", `{"to_org":`+shelterOrg+`,"reason":"AdditionalServicesRequired","urgency":"urgent","groups":`+groups+`,"override":"`+override+`"}`)
	}

	if b, code := refer(`["identity"]`, ""); code != 400 || !strings.Contains(string(b), "consent") {
		t.Fatalf("referral without consent: %d %s", code, b)
	}
	ngo.must(201, "POST", path+"/consents", `{"services":true,"method":"interpreter","language":"uk","shares":[{"org_id":`+shelterOrg+`,"groups":["identity","context"]}]}`)
	if b, code := refer(`["identity","contact"]`, ""); code != 400 || !strings.Contains(string(b), "contact") {
		t.Fatalf("referral beyond consent: %d %s", code, b)
	}
	var ref alliance.Referral
	json.Unmarshal(ngo.must(201, "POST", path+"/referrals", `{"to_org":`+shelterOrg+`,"reason":"AdditionalServicesRequired","urgency":"urgent","groups":["identity","context"]}`), &ref)

	// Pending: the receiver sees the referral in its inbox, not the case.
	var inbox struct{ Referrals []alliance.Referral }
	json.Unmarshal(shelter.must(200, "GET", "/api/v1/referrals?box=inbox", ""), &inbox)
	if len(inbox.Referrals) != 1 || inbox.Referrals[0].ID != ref.ID || inbox.Referrals[0].Status != "pending" {
		t.Fatalf("inbox %+v", inbox.Referrals)
	}
	shelter.must(403, "GET", path, "")
	ngo.must(403, "POST", "/api/v1/referrals/"+itoa(ref.ID)+"/answer", `{"accept":true}`) // only the receiver answers
	shelter.must(200, "POST", "/api/v1/referrals/"+itoa(ref.ID)+"/answer", `{"accept":true}`)
	shelter.must(409, "POST", "/api/v1/referrals/"+itoa(ref.ID)+"/answer", `{"accept":false,"reason":"changed our mind"}`)

	// Accepted: exactly the consented parts.
	seen := decodeCase(t, shelter.must(200, "GET", path, ""))
	if seen.Own || !slices.Equal(seen.Groups, []string{"identity", "context"}) {
		t.Errorf("receiver's view: own %v, groups %v", seen.Own, seen.Groups)
	}
	if seen.Person.FamilyName != "Ткаченко" || seen.Person.Phone != "" || seen.Context.Industry != "A" {
		t.Errorf("receiver sees %+v, context %+v; want names and context, no phone", seen.Person, seen.Context)
	}
	for _, p := range []string{"/consents", "/transitions"} {
		shelter.must(403, "GET", path+p, "")
	}
	shelter.must(403, "PUT", path, `{"revision":1,"person":{"family_name":"X"}}`)
	shelter.must(403, "POST", path+"/stage", `{"to":"assistance","reason":"we took over"}`)
	e.client(t, "viewer@1").must(200, "GET", path, "")
	e.client(t, "analyst@1").must(403, "GET", path, "")

	// The read is audited, naming what was shared.
	entries, err := e.store.AuditEntries(t.Context(), alliance.AuditFilter{ResourceType: "case", ResourceID: itoa(k.ID)})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(entries, func(a alliance.AuditEntry) bool {
		return a.ActorOrgID == e.orgs[1].ID && a.Action == "case.read" && strings.Contains(a.Detail, "identity, context")
	}) {
		t.Error("the receiver's read is not audited with the shared parts")
	}

	// Consent withdrawn: nothing more from now on.
	var consents struct{ Consents []alliance.Consent }
	json.Unmarshal(ngo.must(200, "GET", path+"/consents", ""), &consents)
	ngo.must(204, "POST", path+"/consents/"+itoa(consents.Consents[0].ID)+"/withdraw", "")
	shelter.must(403, "GET", path, "")
	ngo.must(409, "POST", path+"/consents/"+itoa(consents.Consents[0].ID)+"/withdraw", "")
}

// TestReferralOverride: a referral that cannot wait for consent goes with a
// written reason; it shares what it names until a consent is recorded, which
// then decides.
func TestReferralOverride(t *testing.T) {
	e := newTestEnv(t, testConfig())
	ngo, shelter := e.client(t, "caseworker@0"), e.client(t, "caseworker@1")
	k := decodeCase(t, ngo.must(201, "POST", "/api/v1/cases", `{"person":{"given_name":"Ana","family_name":"Rusu","birth_date":"2010"}}`))
	path := "/api/v1/cases/" + itoa(k.ID)
	body := `{"to_org":` + itoa(e.orgs[1].ID) + `,"reason":"Other","urgency":"emergency","groups":["identity"],"override":"%s"}`
	if b, code := ngo.send("POST", path+"/referrals", strings.Replace(body, "%s", "child", 1)); code != 400 || !strings.Contains(string(b), "override") {
		t.Errorf("a one-word override: %d %s", code, b)
	}
	var ref alliance.Referral
	json.Unmarshal(ngo.must(201, "POST", path+"/referrals", strings.Replace(body, "%s", "a 15-year-old alone at a construction site at night", 1)), &ref)
	entries, _ := e.store.AuditEntries(t.Context(), alliance.AuditFilter{ResourceType: "case", ResourceID: itoa(k.ID)})
	if !slices.ContainsFunc(entries, func(a alliance.AuditEntry) bool { return strings.Contains(a.Detail, "OVERRIDE") }) {
		t.Error("the override is not marked in the audit log")
	}
	shelter.must(200, "POST", "/api/v1/referrals/"+itoa(ref.ID)+"/answer", `{"accept":true}`)
	if seen := decodeCase(t, shelter.must(200, "GET", path, "")); seen.Person.GivenName != "Ana" {
		t.Errorf("override referral shows %+v", seen.Person)
	}
	// The organisation's administrators see the override on their home page.
	admin := e.client(t, "admin@0")
	if home := e.do("GET", "/", admin.s.cookie, "", "").Body.String(); !strings.Contains(home, `id="overrides"`) || !strings.Contains(home, "construction site at night") {
		t.Error("the override is not highlighted to the administrators")
	}
	if home := e.do("GET", "/", ngo.s.cookie, "", "").Body.String(); strings.Contains(home, `id="overrides"`) {
		t.Error("the overrides list is shown to a caseworker")
	}
	// The person then consents to services only: sharing stops.
	ngo.must(201, "POST", path+"/consents", `{"services":true,"method":"verbal","language":"ro"}`)
	shelter.must(403, "GET", path, "")
}

func TestCaseLifecycle(t *testing.T) {
	e := newTestEnv(t, testConfig())
	ngo := e.client(t, "caseworker@0")
	k := decodeCase(t, ngo.must(201, "POST", "/api/v1/cases", `{"reference":"NGO-1","person":{"given_name":"Ion","family_name":"Popa","citizenships":["md"]}}`))
	if k.Stage != "identification" || k.Revision != 1 || k.Person.Citizenships[0] != "MD" {
		t.Errorf("new case %+v", k)
	}
	path := "/api/v1/cases/" + itoa(k.ID)
	for _, tc := range []struct{ body, field string }{
		{`{"reference":"NGO-1","person":{"family_name":"Popa"}}`, ""},
		{`{"person":{}}`, "family_name"},
		{`{"person":{"family_name":"P","birth_date":"1990-13"}}`, "birth_date"},
		{`{"person":{"family_name":"P","citizenships":["QQ"]}}`, "citizenships"},
		{`{"person":{"family_name":"P"},"context":{"industry":"Z"}}`, "industry"},
		{`{"person":{"family_name":"P"},"stage":"nowhere"}`, "stage"},
	} {
		b, code := ngo.send("POST", "/api/v1/cases", tc.body)
		if tc.field == "" {
			if code != 409 {
				t.Errorf("duplicate reference: %d %s", code, b)
			}
			continue
		}
		if code != 400 || !strings.Contains(string(b), tc.field) {
			t.Errorf("%s: %d %s, want 400 naming %s", tc.body, code, b, tc.field)
		}
	}
	// Two people edit: the second, with the revision it read, is told.
	ngo.must(200, "PUT", path, `{"revision":1,"person":{"given_name":"Ion","family_name":"Popa","citizenships":["MD"]},"context":{"industry":"F"}}`)
	if b, code := ngo.send("PUT", path, `{"revision":1,"person":{"given_name":"Ioan","family_name":"Popa"}}`); code != 409 {
		t.Errorf("stale revision: %d %s", code, b)
	}
	// Stages follow the graph, each move with a reason.
	if b, code := ngo.send("POST", path+"/stage", `{"to":"inclusion","reason":"x"}`); code != 400 || !strings.Contains(string(b), "cannot move") {
		t.Errorf("a move off the graph: %d %s", code, b)
	}
	ngo.must(400, "POST", path+"/stage", `{"to":"referral","reason":" "}`)
	for _, to := range []string{"referral", "assistance", "decision", "decision", "inclusion", "closure", "assistance"} {
		ngo.must(200, "POST", path+"/stage", `{"to":"`+to+`","reason":"step to `+to+`"}`)
	}
	var tr struct{ Transitions []alliance.Transition }
	json.Unmarshal(ngo.must(200, "GET", path+"/transitions", ""), &tr)
	if len(tr.Transitions) != 8 || tr.Transitions[7].From != "closure" || tr.Transitions[7].Reason != "step to assistance" {
		t.Errorf("transitions %+v", tr.Transitions)
	}
	var list struct {
		Cases []apiCase `json:"cases"`
	}
	json.Unmarshal(ngo.must(200, "GET", "/api/v1/cases?status=Active&citizenship=md&industry=f", ""), &list)
	if len(list.Cases) != 1 || list.Cases[0].ID != k.ID {
		t.Errorf("filtered list %+v", list.Cases)
	}
	json.Unmarshal(ngo.must(200, "GET", "/api/v1/cases?status=Closed", ""), &list)
	if len(list.Cases) != 0 {
		t.Errorf("closed cases: %+v", list.Cases)
	}
	e.client(t, "caseworker@1").must(200, "GET", "/api/v1/cases", "")
	json.Unmarshal(e.client(t, "caseworker@1").must(200, "GET", "/api/v1/cases", ""), &list)
	if len(list.Cases) != 0 {
		t.Errorf("another organisation lists %d cases", len(list.Cases))
	}

	// A screening is attached to the case later, in the same organisation only.
	sc := e.screening(t, 0)
	ngo.must(200, "PUT", "/api/v1/assessments/"+itoa(sc.ID)+"/case", `{"case_id":`+itoa(k.ID)+`}`)
	other := e.caseIn(t, 1)
	ngo.must(400, "PUT", "/api/v1/assessments/"+itoa(sc.ID)+"/case", `{"case_id":`+itoa(other.ID)+`}`)
}

// TestReferralDetailsAndOverrides: the receiver reads a referral's details
// only while the person's consent (or a standing override) shares something
// with it; an override made while a narrower consent stands takes effect; an
// override cannot go against a withdrawal.
func TestReferralDetailsAndOverrides(t *testing.T) {
	e := newTestEnv(t, testConfig())
	ngo, shelter := e.client(t, "caseworker@0"), e.client(t, "caseworker@1")
	shelterOrg := itoa(e.orgs[1].ID)
	k := decodeCase(t, ngo.must(201, "POST", "/api/v1/cases", `{"person":{"given_name":"Ana","family_name":"Rusu"}}`))
	path := "/api/v1/cases/" + itoa(k.ID)
	ngo.must(201, "POST", path+"/consents", `{"services":true,"method":"signed","language":"ro","shares":[{"org_id":`+shelterOrg+`,"groups":["context"]}]}`)
	ngo.must(201, "POST", path+"/referrals", `{"to_org":`+shelterOrg+`,"reason":"Other","urgency":"routine","groups":["context"],"details":"needs a job placement"}`)
	inbox := func() []alliance.Referral {
		var v struct{ Referrals []alliance.Referral }
		json.Unmarshal(shelter.must(200, "GET", "/api/v1/referrals?box=inbox", ""), &v)
		return v.Referrals
	}
	if in := inbox(); len(in) != 1 || in[0].Details != "needs a job placement" || in[0].Withheld {
		t.Fatalf("inbox under consent: %+v", in)
	}
	// An urgent override beyond the narrower consent takes effect once accepted.
	var ref alliance.Referral
	json.Unmarshal(ngo.must(201, "POST", path+"/referrals", `{"to_org":`+shelterOrg+`,"reason":"Other","urgency":"emergency","groups":["identity"],
		"override":"threatened by the employer tonight, no time to ask"}`), &ref)
	shelter.must(200, "POST", "/api/v1/referrals/"+itoa(ref.ID)+"/answer", `{"accept":true}`)
	if seen := decodeCase(t, shelter.must(200, "GET", path, "")); seen.Person.FamilyName != "Rusu" {
		t.Errorf("the accepted override does not share identity: %+v", seen)
	}
	// The person withdraws: nothing is shared, the details are withheld, and
	// no override can go against it.
	var cs struct{ Consents []alliance.Consent }
	json.Unmarshal(ngo.must(200, "GET", path+"/consents", ""), &cs)
	ngo.must(204, "POST", path+"/consents/"+itoa(cs.Consents[0].ID)+"/withdraw", "")
	shelter.must(403, "GET", path, "")
	for _, r := range inbox() {
		if !r.Withheld || r.Details != "" || r.Override != "" {
			t.Errorf("after withdrawal the inbox shows %+v", r)
		}
	}
	if b, code := ngo.send("POST", path+"/referrals", `{"to_org":`+shelterOrg+`,"reason":"Other","urgency":"emergency","groups":["identity"],"override":"we still think it is urgent enough"}`); code != 400 || !strings.Contains(string(b), "withdrawn") {
		t.Errorf("override after withdrawal: %d %s", code, b)
	}

	// Reads of consents and transitions are audited; the receiving
	// organisation's administrator sees what its staff read.
	entries, _ := e.store.AuditEntries(t.Context(), alliance.AuditFilter{OrgID: e.orgs[0].ID, ResourceType: "case", ResourceID: itoa(k.ID)})
	if !slices.ContainsFunc(entries, func(a alliance.AuditEntry) bool { return a.Action == "case.read" && a.Detail == "consents" }) {
		t.Error("the read of the consents is not audited")
	}
	entries, _ = e.store.AuditEntries(t.Context(), alliance.AuditFilter{OrgID: e.orgs[1].ID, ResourceType: "case"})
	if !slices.ContainsFunc(entries, func(a alliance.AuditEntry) bool { return a.ActorOrgID == e.orgs[1].ID && a.Action == "case.read" }) {
		t.Error("the shelter's administrator cannot see its staff's reads of the referred case")
	}
}

func TestCaseClosingAndEditing(t *testing.T) {
	e := newTestEnv(t, testConfig())
	ngo, shelter := e.client(t, "caseworker@0"), e.client(t, "caseworker@1")
	if b, code := ngo.send("POST", "/api/v1/cases", `{"stage":"closure","person":{"family_name":"Rusu"}}`); code != 400 || !strings.Contains(string(b), "stage") {
		t.Errorf("a case opened closed: %d %s", code, b)
	}
	k := decodeCase(t, ngo.must(201, "POST", "/api/v1/cases", `{"person":{"given_name":"Ana","family_name":"Rusu"},"context":{"methods_of_control":["DebtBondage"],"industry":"A"}}`))
	path := "/api/v1/cases/" + itoa(k.ID)
	ngo.must(400, "PUT", path, `{"person":{"family_name":"Rusu"}}`) // no revision
	// The web form does not carry every field of the context: they survive it.
	w := e.form("/cases/"+itoa(k.ID)+"/edit", ngo.s.cookie, ngo.s.csrf, url.Values{"revision": {"1"}, "given_name": {"Ana"}, "family_name": {"Rusu"}, "industry": {"F"}})
	if w.Code != 303 {
		t.Fatalf("edit form: %d %s", w.Code, w.Body)
	}
	var got struct {
		Context alliance.VictimContext `json:"context"`
	}
	json.Unmarshal(ngo.must(200, "GET", path, ""), &got)
	if got.Context.Industry != "F" || !slices.Equal(got.Context.MethodsOfControl, []string{"DebtBondage"}) {
		t.Errorf("after the web edit: %+v", got.Context)
	}
	// Closed after an accepted referral: ClosedReferred.
	var ref alliance.Referral
	json.Unmarshal(ngo.must(201, "POST", path+"/referrals", `{"to_org":`+itoa(e.orgs[1].ID)+`,"reason":"MigrationOrChangeOfLocation","urgency":"routine","groups":["identity"],"override":"moved to the shelter's town before she could sign"}`), &ref)
	shelter.must(200, "POST", "/api/v1/referrals/"+itoa(ref.ID)+"/answer", `{"accept":true}`)
	ngo.must(200, "POST", path+"/stage", `{"to":"closure","reason":"the shelter took over"}`)
	var list struct {
		Cases []apiCase `json:"cases"`
	}
	json.Unmarshal(ngo.must(200, "GET", "/api/v1/cases?status=ClosedReferred", ""), &list)
	if len(list.Cases) != 1 || list.Cases[0].ID != k.ID {
		t.Errorf("ClosedReferred: %+v", list.Cases)
	}
}

func TestHTCDSExport(t *testing.T) {
	e := newTestEnv(t, testConfig())
	ngo, viewer := e.client(t, "caseworker@0"), e.client(t, "viewer@0")
	for _, name := range []string{"Rusu", "Popa", "Ткаченко"} {
		ngo.must(201, "POST", "/api/v1/cases", `{"person":{"given_name":"A","family_name":"`+name+`","citizenships":["MD"]},"context":{"industry":"F"}}`)
	}
	e.client(t, "caseworker@1").must(201, "POST", "/api/v1/cases", `{"person":{"family_name":"Elsewhere"}}`)

	w := e.do("GET", "/api/v1/cases/export", viewer.s.cookie, "", "")
	body := w.Body.String()
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/csv") || !strings.HasPrefix(body, "cas_CaseId,cas_Status,") {
		t.Fatalf("facts export: %d %q", w.Code, body)
	}
	if strings.Count(body, "\n") != 4 || strings.Contains(body, "Rusu") || strings.Contains(body, "Elsewhere") || !strings.Contains(body, "F_Construction") {
		t.Errorf("facts export holds the wrong rows or identity:\n%s", body)
	}
	viewer.must(403, "GET", "/api/v1/cases/export?identity=true", "")
	e.client(t, "analyst@0").must(403, "GET", "/api/v1/cases/export", "")
	ngo.must(400, "GET", "/api/v1/cases/export?format=xml", "")
	w = e.do("GET", "/api/v1/cases/export?identity=true&format=jsonl", ngo.s.cookie, "", "")
	lines := strings.Split(strings.TrimSpace(w.Body.String()), "\n")
	var first map[string]string
	json.Unmarshal([]byte(lines[0]), &first)
	if w.Code != 200 || len(lines) != 3 || first["prs_SecondName"] != "Ткаченко" || first["prs_Citizenship"] != "MD" {
		t.Errorf("identity export: %d %v", w.Code, lines)
	}
	entries, _ := e.store.AuditEntries(t.Context(), alliance.AuditFilter{OrgID: e.orgs[0].ID, ResourceType: "case"})
	if !slices.ContainsFunc(entries, func(a alliance.AuditEntry) bool {
		return a.Action == "case.export" && strings.Contains(a.Detail, "with identity")
	}) {
		t.Error("the identity export is not audited")
	}
}

// TestCommentsAndSupportPlans: staff notes and support plans on a case, seen
// by a referral's receiver only when the consent shares them, and erased
// with the person's identity.
func TestCommentsAndSupportPlans(t *testing.T) {
	e := newTestEnv(t, testConfig())
	ngo, shelter, admin := e.client(t, "caseworker@0"), e.client(t, "caseworker@1"), e.client(t, "admin@0")
	k := decodeCase(t, ngo.must(201, "POST", "/api/v1/cases", `{"person":{"given_name":"Ana","family_name":"Rusu"}}`))
	path := "/api/v1/cases/" + itoa(k.ID)
	ngo.must(400, "POST", path+"/comments", `{"text":"  "}`)
	ngo.must(201, "POST", path+"/comments", `{"text":"Ana called from the bus station"}`)
	ngo.must(400, "POST", path+"/support-plans", `{"type":"Magic","objectives":"x"}`)
	var plan alliance.SupportPlan
	json.Unmarshal(ngo.must(201, "POST", path+"/support-plans", `{"type":"Legal","objectives":"claim unpaid wages for Ana","planned_end":"2027-03-01"}`), &plan)
	ngo.must(200, "PUT", "/api/v1/support-plans/"+itoa(plan.ID), `{"revision":1,"type":"Legal","objectives":"claim unpaid wages for Ana","actual_end":"2027-02-01"}`)
	ngo.must(409, "PUT", "/api/v1/support-plans/"+itoa(plan.ID), `{"revision":1,"type":"Legal","objectives":"a stale edit"}`)

	shelterOrg := itoa(e.orgs[1].ID)
	ngo.must(201, "POST", path+"/consents", `{"services":true,"method":"signed","language":"ro","shares":[{"org_id":`+shelterOrg+`,"groups":["support"]}]}`)
	var ref alliance.Referral
	json.Unmarshal(ngo.must(201, "POST", path+"/referrals", `{"to_org":`+shelterOrg+`,"reason":"AdditionalServicesRequired","urgency":"routine","groups":["support"]}`), &ref)
	shelter.must(200, "POST", "/api/v1/referrals/"+itoa(ref.ID)+"/answer", `{"accept":true}`)
	var plans struct {
		SupportPlans []alliance.SupportPlan `json:"support_plans"`
	}
	json.Unmarshal(shelter.must(200, "GET", path+"/support-plans", ""), &plans)
	if len(plans.SupportPlans) != 1 || plans.SupportPlans[0].ActualEnd != "2027-02-01" {
		t.Errorf("the shelter's view of the plans: %+v", plans.SupportPlans)
	}
	shelter.must(403, "GET", path+"/comments", "")
	if page := e.do("GET", "/cases/"+itoa(k.ID), shelter.s.cookie, "", "").Body.String(); strings.Contains(page, "bus station") || !strings.Contains(page, "unpaid wages") {
		t.Error("the shared case page shows the comments or hides the plans")
	}

	admin.must(204, "POST", path+"/erase", `{"reason":"request"}`)
	var cms struct{ Comments []alliance.Comment }
	json.Unmarshal(ngo.must(200, "GET", path+"/comments", ""), &cms)
	if len(cms.Comments) != 1 || cms.Comments[0].Text != "" {
		t.Errorf("comments after erasure: %+v", cms.Comments)
	}
	ngo.must(409, "POST", path+"/comments", `{"text":"Ana again"}`)
}

// TestEventsAndPerpetrators: what happened and who took part, shared with a
// receiver under the context group, and erased with the identity except the
// perpetrators' names.
func TestEventsAndPerpetrators(t *testing.T) {
	e := newTestEnv(t, testConfig())
	ngo, admin := e.client(t, "caseworker@0"), e.client(t, "admin@0")
	k := decodeCase(t, ngo.must(201, "POST", "/api/v1/cases", `{"person":{"given_name":"Ana","family_name":"Rusu"}}`))
	path := "/api/v1/cases/" + itoa(k.ID)
	ngo.must(400, "POST", path+"/events", `{"type":"Holiday"}`)
	ngo.must(400, "POST", path+"/events", `{"type":"Transit","country":"XYZ"}`)
	ngo.must(201, "POST", path+"/events", `{"type":"Recruitment","date":"2025-06","country":"md","city":"Chișinău","description":"Ana answered an advert"}`)
	ngo.must(400, "POST", path+"/perpetrators", `{"kind":"person","name":"X","roles":["Wizard"]}`)
	ngo.must(201, "POST", path+"/perpetrators", `{"kind":"organisation","name":"Synthetic Agency SRL","roles":["RecruiterOrIntermediary","Exploiter"],"details":"took Ana's passport"}`)
	var got struct {
		Events       []alliance.Event
		Perpetrators []alliance.Perpetrator
	}
	json.Unmarshal(ngo.must(200, "GET", path+"/events", ""), &got)
	if len(got.Events) != 1 || got.Events[0].Country != "MD" || len(got.Perpetrators) != 1 || len(got.Perpetrators[0].Roles) != 2 {
		t.Fatalf("events %+v", got)
	}
	e.client(t, "caseworker@1").must(403, "GET", path+"/events", "")
	admin.must(204, "POST", path+"/erase", `{"reason":"request"}`)
	got.Events, got.Perpetrators = nil, nil
	json.Unmarshal(ngo.must(200, "GET", path+"/events", ""), &got)
	if got.Events[0].Description != "" || got.Perpetrators[0].Details != "" || got.Perpetrators[0].Name != "Synthetic Agency SRL" {
		t.Errorf("after erasure: %+v", got)
	}
}

// TestReferralPaging pages through an inbox with the API's keyset cursor:
// every referral once, newest first, and no next page after the last.
func TestReferralPaging(t *testing.T) {
	e := newTestEnv(t, testConfig())
	var want []int64
	for i := 0; i < 5; i++ {
		want = append([]int64{e.referral(t, 0, 1).ID}, want...)
	}
	shelter := e.client(t, "caseworker@1")
	var got []int64
	after := ""
	for page := 0; page < 5; page++ {
		var out struct {
			Referrals []alliance.Referral `json:"referrals"`
			Next      int64               `json:"next_after"`
		}
		json.Unmarshal(shelter.must(200, "GET", "/api/v1/referrals?box=inbox&limit=2"+after, ""), &out)
		for _, r := range out.Referrals {
			got = append(got, r.ID)
		}
		if out.Next == 0 {
			break
		}
		after = "&after=" + itoa(out.Next)
	}
	if !slices.Equal(got, want) {
		t.Errorf("paged inbox %v, want %v", got, want)
	}
	shelter.must(400, "GET", "/api/v1/referrals?box=inbox&after=999999", "")
}

// TestCasesDeadlineFilter: the case list filtered on deadlines shows the
// case whose reflection period ends within the week or has ended, and not
// the others.
func TestCasesDeadlineFilter(t *testing.T) {
	e := newTestEnv(t, testConfig())
	due := e.decidedCase(t, 0) // the period ended on 2026-11-30: due, or past and still shown
	other := e.caseIn(t, 0)
	s := e.session("caseworker@0")
	body := e.do("GET", "/cases?deadline=due", s.cookie, "", "").Body.String()
	if !strings.Contains(body, `href="/cases/`+itoa(due.ID)+`"`) || strings.Contains(body, `href="/cases/`+itoa(other.ID)+`"`) {
		t.Errorf("the deadline filter shows the wrong cases:\n%s", body)
	}
}
