package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"alliance"
	"alliance/internal/app"
	"alliance/internal/linkage"
)

// testSecret is the alliance's linkage secret in the tests: the server never
// holds it; the tests play the organisations' own machines.
var testSecret = []byte("a synthetic linkage secret for the tests, 48 bytes")

// linkableCase opens a case in organisation org whose person agreed to
// statistics and shares something with the other organisation.
func (e *testEnv) linkableCase(t testing.TB, org int, p alliance.Person) *alliance.Case {
	t.Helper()
	ctx := context.Background()
	k, err := e.svc.CreateCase(ctx, e.caseworkerOf(org), alliance.Case{Person: p}, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.RecordConsent(ctx, e.caseworkerOf(org), k.ID, alliance.Consent{Services: true, Statistics: true, Method: alliance.ConsentSigned,
		Language: "ro", Shares: []alliance.ConsentShare{{OrgID: e.orgs[1-org].ID, Groups: []string{alliance.GroupIdentity}}}})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// encode plays an organisation's own machine: it reads the round's input
// as the organisation downloaded it and encodes it with the secret.
func encode(t testing.TB, input []byte) []byte {
	t.Helper()
	s := linkage.DefaultSchema()
	rows, err := linkage.ReadCSV(bytes.NewReader(input), "input.csv", s)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := linkage.NewEncoder(s, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r[0]
	}
	var buf bytes.Buffer
	if err := linkage.WriteCLK(&buf, enc, ids, enc.EncodeAll(rows, nil)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// roundInput downloads organisation org's input of a round, as its caseworker.
func (e *testEnv) roundInput(t testing.TB, org int, round int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := e.svc.LinkageInput(context.Background(), e.caseworkerOf(org), round, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// submittedRound starts a round between the two organisations (and the
// other ones listed) in which both have submitted encodings.
func (e *testEnv) submittedRound(t testing.TB, extra ...int64) *alliance.LinkageRound {
	t.Helper()
	ctx := context.Background()
	for org := 0; org < 2; org++ {
		e.linkableCase(t, org, alliance.Person{GivenName: "Test", FamilyName: fmt.Sprintf("Person%d", org), BirthDate: "1990"})
	}
	r, err := e.svc.StartLinkageRound(ctx, e.adminOf(0), "round", append([]int64{e.orgs[0].ID, e.orgs[1].ID}, extra...), 0)
	if err != nil {
		t.Fatal(err)
	}
	for org := 0; org < 2; org++ {
		if _, err := e.svc.SubmitEncodings(ctx, e.caseworkerOf(org), r.ID, "x.clk", encode(t, e.roundInput(t, org, r.ID))); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// TestLinkageRound walks a round: the organisations download only the
// people who agreed to statistics, encode them on their side and submit;
// the hub matches; each learns which of its people are known elsewhere, and
// where only when both consents allow; the alliance learns the count of
// people, each counted once.
func TestLinkageRound(t *testing.T) {
	e := newTestEnv(t, testConfig())
	ctx := context.Background()
	// The same person at both organisations, written in two scripts, names swapped.
	a := e.linkableCase(t, 0, alliance.Person{GivenName: "Олена", FamilyName: "Шевченко", BirthDate: "1994-03-12", Gender: "Feminine", Citizenships: []string{"UA"}})
	e.linkableCase(t, 1, alliance.Person{GivenName: "Schewtschenko", FamilyName: "Olena", BirthDate: "1994-12-03", Gender: "Feminine", Citizenships: []string{"UA"}})
	e.linkableCase(t, 0, alliance.Person{GivenName: "Ion", FamilyName: "Rusu", BirthDate: "1988-05-01", Gender: "Masculine", Citizenships: []string{"MD"}})
	e.linkableCase(t, 1, alliance.Person{GivenName: "Anna", FamilyName: "Nowak", BirthDate: "1990-02-02", Gender: "Feminine", Citizenships: []string{"PL"}})
	// Another person at both, whose consent at the shelter shares nothing with the NGO.
	c := e.linkableCase(t, 0, alliance.Person{GivenName: "Mehmet", FamilyName: "Öztürk", BirthDate: "1979-07-05", Gender: "Masculine", Citizenships: []string{"TR"}})
	d, err := e.svc.CreateCase(ctx, e.caseworkerOf(1), alliance.Case{Person: alliance.Person{GivenName: "Mehmet", FamilyName: "Ozturk",
		BirthDate: "1980-07-05", Gender: "Masculine", Citizenships: []string{"TR"}}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.RecordConsent(ctx, e.caseworkerOf(1), d.ID, alliance.Consent{Services: true, Statistics: true, Method: alliance.ConsentVerbal, Language: "tr"}); err != nil {
		t.Fatal(err)
	}
	private := e.caseIn(t, 0) // no consent to statistics: never leaves

	analyst := e.client(t, "analyst@0")
	var r alliance.LinkageRound
	json.Unmarshal(analyst.must(201, "POST", "/api/v1/linkage/rounds", fmt.Sprintf(`{"name":"2026 count","orgs":[%d,%d]}`, e.orgs[0].ID, e.orgs[1].ID)), &r)
	analyst.must(409, "POST", "/api/v1/linkage/rounds/"+itoa(r.ID)+"/match", "")

	input := e.roundInput(t, 0, r.ID)
	if strings.Contains(string(input), ","+itoa(private.ID)+",") || strings.Contains(string(input), "\n"+itoa(private.ID)+",") || !strings.Contains(string(input), "Шевченко") {
		t.Fatalf("the input holds a person without consent to statistics, or misses one with it:\n%s", input)
	}
	// A file that encodes a case without consent to statistics is refused.
	forged := encode(t, []byte("id,given_name,family_name,date_of_birth,sex,nationality\n"+itoa(private.ID)+",Mihai,Popescu,1990,,\n"))
	if _, err := e.svc.SubmitEncodings(ctx, e.caseworkerOf(0), r.ID, "forged.clk", forged); alliance.ErrorCode(err) != alliance.CodeInvalid {
		t.Errorf("encodings of a case without consent: %v", err)
	}
	for org := 0; org < 2; org++ {
		s := e.session(fmt.Sprintf("caseworker@%d", org))
		w := e.do("PUT", "/api/v1/linkage/rounds/"+itoa(r.ID)+"/submission", s.cookie, "application/octet-stream",
			string(encode(t, e.roundInput(t, org, r.ID))), "X-CSRF-Token", s.csrf)
		if w.Code != 200 {
			t.Fatalf("submission of organisation %d: %d %s", org, w.Code, w.Body)
		}
	}
	analyst.must(202, "POST", "/api/v1/linkage/rounds/"+itoa(r.ID)+"/match", "")
	if err := e.svc.RunLinkageRounds(ctx); err != nil {
		t.Fatal(err)
	}

	var done app.RoundView
	json.Unmarshal(analyst.must(200, "GET", "/api/v1/linkage/rounds/"+itoa(r.ID), ""), &done)
	if done.Status != alliance.RoundDone || done.Records != 6 || len(done.Matches) != 0 {
		t.Fatalf("the analyst sees %+v; want done, 6 records and no records", done.LinkageRound)
	}
	// Two people are held by both: fewer than the minimum cell, so the count
	// of people is withheld from the page; the store keeps it.
	if !done.Suppressed || done.People != 0 {
		t.Errorf("a count resting on 2 people is shown: %+v", done)
	}
	if stored, err := e.store.LinkageRound(ctx, r.ID); err != nil || stored.People != 4 {
		t.Errorf("people counted once = %v, %v; want 4", stored, err)
	}
	var view app.RoundView
	json.Unmarshal(e.client(t, "caseworker@0").must(200, "GET", "/api/v1/linkage/rounds/"+itoa(r.ID), ""), &view)
	learnt := map[string][]int64{}
	for _, m := range view.Matches {
		learnt[m.RecordID] = m.OtherOrgs
	}
	// Case c's match is not told: with two organisations, "elsewhere"
	// would name the shelter, whose person's consent does not allow it.
	want := map[string][]int64{itoa(a.ID): {e.orgs[1].ID}}
	if diff := cmp.Diff(want, learnt, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("what the NGO learns: case %d known at the shelter, and nothing of case %d (-want +got):\n%s", a.ID, c.ID, diff)
	}
	if len(view.Matches) == 1 && view.Matches[0].Cluster != 1 {
		t.Errorf("clusters are numbered across the round (%d), which tells who holds them", view.Matches[0].Cluster)
	}
	body := e.do("GET", "/linkage/"+itoa(r.ID), e.session("caseworker@0").cookie, "", "").Body.String()
	if !strings.Contains(body, `href="/cases/`+itoa(a.ID)+`"`) || !strings.Contains(body, `id="counts"`) {
		t.Errorf("the round's page does not show the matched case and the counts")
	}
}

// caller returns the caller of user key ("caseworker@2").
func (e *testEnv) callerOf(key string) app.Caller {
	u := e.users[key]
	return app.Caller{Actor: alliance.Actor{UserID: u.ID, OrgID: u.OrgID, Role: u.Role, SecondFactor: true}, RemoteAddr: "test"}
}

// otherRound is a round between organisation 1 and a third one, both of
// which have submitted: a round the actors' organisation 0 is not in.
func (e *testEnv) otherRound(t testing.TB) *alliance.LinkageRound {
	t.Helper()
	ctx := context.Background()
	if e.third == nil {
		e.third = &alliance.Organisation{Name: "Org 2", Type: alliance.OrgShelter, Country: "DE", Languages: []string{"en"}}
		if err := e.svc.CreateOrganisation(ctx, app.System(), e.third); err != nil {
			t.Fatal(err)
		}
		u, err := e.svc.CreateUser(ctx, app.System(), app.NewUser{OrgID: e.third.ID, Email: "caseworker2@example.org", Name: "cw", Role: alliance.RoleCaseworker, Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		e.users["caseworker@2"] = u
	}
	callers := []app.Caller{e.caseworkerOf(1), e.callerOf("caseworker@2")}
	for _, c := range callers {
		k, err := e.svc.CreateCase(ctx, c, alliance.Case{Person: alliance.Person{GivenName: "Other", FamilyName: "Round", BirthDate: "1991"}}, 0)
		if err == nil {
			_, err = e.svc.RecordConsent(ctx, c, k.ID, alliance.Consent{Services: true, Statistics: true, Method: alliance.ConsentSigned, Language: "en"})
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	r, err := e.svc.StartLinkageRound(ctx, e.adminOf(1), "other", []int64{e.orgs[1].ID, e.third.ID}, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range callers {
		var buf bytes.Buffer
		if _, err := e.svc.LinkageInput(ctx, c, r.ID, &buf); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.SubmitEncodings(ctx, c, r.ID, "x.clk", encode(t, buf.Bytes())); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// submitAt sends organisation 0's encodings for the round at path (the
// file as the body for the API, as the form's clk file for the page), as
// the session s.
func (e *testEnv) submitAt(t *testing.T, rt route, s testSession, path string, org int) int {
	t.Helper()
	clk := encode(t, []byte("id,given_name,family_name,date_of_birth,sex,nationality\n1,Any,One,1990,,\n"))
	if org == 0 {
		id, err := strconv.ParseInt(strings.Split(strings.TrimPrefix(strings.TrimPrefix(path, "/api/v1/linkage/rounds/"), "/linkage/"), "/")[0], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		clk = encode(t, e.roundInput(t, 0, id))
	}
	if rt.api {
		return e.do(rt.method, path, s.cookie, "application/octet-stream", string(clk), "X-CSRF-Token", s.csrf).Code
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", s.csrf)
	fw, _ := mw.CreateFormFile("clk", "ours.clk")
	fw.Write(clk)
	mw.Close()
	return e.do("POST", path, s.cookie, mw.FormDataContentType(), body.String()).Code
}
