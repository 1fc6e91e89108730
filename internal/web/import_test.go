package web

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"alliance"
	"alliance/internal/htcds"
)

// upload sends csv to an import route: the file as the body for the API, as
// a multipart form for the page.
func (e *testEnv) upload(t *testing.T, rt route, s testSession, csv string) *httptest.ResponseRecorder {
	t.Helper()
	return e.uploadAt(t, rt, s, rt.pattern, csv)
}

// uploadAt sends content as the file of an upload route at path: an import
// of people.csv, or a document note.txt of kind other.
func (e *testEnv) uploadAt(t *testing.T, rt route, s testSession, path, content string) *httptest.ResponseRecorder {
	t.Helper()
	name, query, field := "people.csv", "?format=csv&name=people.csv", "file"
	if strings.HasSuffix(rt.pattern, "/documents") {
		name, query = "note.txt", "?kind=other"
	}
	if strings.HasSuffix(rt.pattern, "/watchlist/lists") {
		name, query, field = "list.csv", "?name=authz-list&source=list.csv", "list_file"
	}
	if rt.api {
		return e.do("POST", path+query, s.cookie, "text/plain", content, "X-CSRF-Token", s.csrf, "X-Document-Name", name)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", s.csrf)
	mw.WriteField("kind", "other")
	mw.WriteField("list_name", "authz-list")
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write([]byte(content))
	mw.Close()
	return e.do("POST", path, s.cookie, mw.FormDataContentType(), body.String())
}

// countCases counts the cases of an organisation in the store.
func (e *testEnv) countCases(t *testing.T, org int64) int {
	t.Helper()
	list, err := e.store.Cases(context.Background(), alliance.CaseFilter{OrgID: org, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

type importAnswer struct {
	Cases, Events, Perpetrators int
	FirstID                     int64 `json:"first_id"`
	Faults                      []htcds.FieldError
	Total                       int
}

// TestImportWritesNothingOnFault sends a file with one good and two bad
// rows: the answer places both faults, and no case is stored; the same file
// corrected imports both cases, and importing it again is refused because
// the case ids are references already.
func TestImportWritesNothingOnFault(t *testing.T) {
	e := newTestEnv(t, testConfig())
	s := e.session("caseworker@0")
	api := route{method: "POST", pattern: "/api/v1/cases/import", api: true}
	before := e.countCases(t, e.orgs[0].ID)
	bad := "cas_CaseId,prs_FirstName,prs_SecondName,prs_Birthdate,vic_TypeOfExploitation\n" +
		"IMP-1,Ана,Русу,1990-04,ForcedLabour\n" +
		"IMP-2,Ion,Rusu,1990-04-31,ForcedLabour\n" +
		"IMP-3,Eva,Rusu,,Slavery\n"
	w := e.upload(t, api, s, bad)
	var got importAnswer
	json.Unmarshal(w.Body.Bytes(), &got)
	if w.Code != 422 || got.Total != 2 {
		t.Fatalf("status %d, %s", w.Code, w.Body)
	}
	want := []htcds.FieldError{{File: "people.csv", Table: "cases", Row: 3, Field: "prs_Birthdate"}, {File: "people.csv", Table: "cases", Row: 4, Field: "vic_TypeOfExploitation"}}
	for i := range got.Faults {
		got.Faults[i].Reason = ""
	}
	if diff := cmp.Diff(want, got.Faults); diff != "" {
		t.Errorf("faults (-want +got):\n%s", diff)
	}
	if n := e.countCases(t, e.orgs[0].ID); n != before {
		t.Fatalf("%d cases stored by a refused import", n-before)
	}

	good := strings.NewReplacer("1990-04-31", "1990-04-30", "Slavery", "Servitude").Replace(bad)
	w = e.upload(t, api, s, good)
	got = importAnswer{}
	json.Unmarshal(w.Body.Bytes(), &got)
	if w.Code != 201 || got.Cases != 3 {
		t.Fatalf("status %d, %s", w.Code, w.Body)
	}
	k, err := e.store.Case(context.Background(), got.FirstID)
	if err != nil || k.Reference != "IMP-1" || k.Person.GivenName != "Ана" || k.OrgID != e.orgs[0].ID || k.Stage != alliance.StageIdentification {
		t.Errorf("first imported case = %+v, %v", k, err)
	}
	if toks, _ := e.svc.PossibleDuplicates(context.Background(), e.caseworkerOf(0), alliance.Person{GivenName: "Ana", FamilyName: "Rusu", BirthDate: "1990-04"}, 0); len(toks) == 0 {
		t.Error("an imported person is not found as a possible duplicate: the name index was not written")
	}

	w = e.upload(t, api, s, good)
	got = importAnswer{}
	json.Unmarshal(w.Body.Bytes(), &got)
	if w.Code != 422 || len(got.Faults) != 1 || got.Faults[0].Field != "cas_CaseId" || got.Faults[0].Row != 2 {
		t.Fatalf("importing again: status %d, %s", w.Code, w.Body)
	}
	if n := e.countCases(t, e.orgs[0].ID); n != before+3 {
		t.Fatalf("%d cases after the second import, want %d", n, before+3)
	}

	// A reference already used on the last row: the rows before it, which
	// the store had written, are rolled back with their webhook events.
	if _, err := e.svc.CreateWebhook(context.Background(), e.adminOf(0), "https://hooks.example.org/alliance", []string{alliance.EventCaseCreated}); err != nil {
		t.Fatal(err)
	}
	late := "cas_CaseId,prs_FirstName\nNEW-1,Ion\nNEW-2,Eva\nIMP-3,Dan\n"
	w = e.upload(t, api, s, late)
	got = importAnswer{}
	json.Unmarshal(w.Body.Bytes(), &got)
	if w.Code != 422 || len(got.Faults) != 1 || got.Faults[0].Row != 4 {
		t.Fatalf("a used reference on the last row: status %d, %s", w.Code, w.Body)
	}
	if n := e.countCases(t, e.orgs[0].ID); n != before+3 {
		t.Errorf("%d cases after a refused import, want %d", n, before+3)
	}
	due, err := e.store.DueDeliveries(context.Background(), time.Now().Add(time.Hour), 1000)
	if err != nil || len(due) != 0 {
		t.Errorf("a refused import left %d webhook deliveries (%v)", len(due), err)
	}
}

// TestImportPage uploads through the page: the faults are listed in a
// table, and a good file says what it imported.
func TestImportPage(t *testing.T) {
	e := newTestEnv(t, testConfig())
	s := e.session("caseworker@0")
	page := route{method: "POST", pattern: "/cases/import"}
	w := e.upload(t, page, s, "prs_FirstName,prs_Gender\nAna,Female\n")
	if w.Code != 422 || !strings.Contains(w.Body.String(), "prs_Gender") || !strings.Contains(w.Body.String(), `id="faults"`) {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	w = e.upload(t, page, s, "prs_FirstName,prs_Gender\nAna,Feminine\n")
	if w.Code != 200 || !strings.Contains(w.Body.String(), `id="import-done"`) {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
}

// TestExportImportXLSX moves cases with their events and perpetrators from
// one organisation to another through an XLSX export and import.
func TestExportImportXLSX(t *testing.T) {
	e := newTestEnv(t, testConfig())
	ngo := e.client(t, "caseworker@0")
	k := decodeCase(t, ngo.must(201, "POST", "/api/v1/cases", `{"reference":"X-1","person":{"given_name":"Олена","family_name":"Ткаченко","birth_date":"1994-03"},"context":{"exploitation":["ForcedLabour"],"industry":"A"}}`))
	ngo.must(201, "POST", "/api/v1/cases/"+itoa(k.ID)+"/events", `{"type":"Recruitment","date":"2025-04","country":"UA","city":"Київ","description":"an advert"}`)
	ngo.must(201, "POST", "/api/v1/cases/"+itoa(k.ID)+"/perpetrators", `{"kind":"organisation","name":"Fictive Agency SRL","roles":["RecruiterOrIntermediary"]}`)
	s := e.session("caseworker@0")
	w := e.do("GET", "/api/v1/cases/export?format=xlsx&identity=true", s.cookie, "", "")
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("export: %d %v", w.Code, w.Header())
	}
	recs, err := htcds.Read("cases.xlsx", htcds.FormatXLSX, bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var found *htcds.Record
	for i := range recs {
		if recs[i].Case.Reference == itoa(k.ID) {
			found = &recs[i]
		}
	}
	if found == nil || found.Case.Person.FamilyName != "Ткаченко" || len(found.Events) != 1 || found.Events[0].City != "Київ" ||
		len(found.Perpetrators) != 1 || found.Perpetrators[0].Name != "Fictive Agency SRL" {
		t.Fatalf("the export does not hold the case with its event and perpetrator: %+v", found)
	}

	shelter := e.session("caseworker@1")
	w = e.do("POST", "/api/v1/cases/import?name=cases.xlsx", shelter.cookie, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		w.Body.String(), "X-CSRF-Token", shelter.csrf)
	var got importAnswer
	json.Unmarshal(w.Body.Bytes(), &got)
	if w.Code != 201 || got.Cases != len(recs) || got.Events != 1 || got.Perpetrators != 1 {
		t.Fatalf("import: %d %s", w.Code, w.Body)
	}
}
