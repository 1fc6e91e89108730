package web

import (
	"bytes"
	"context"
	"encoding/json"
	"mime"
	"net/url"
	"strings"
	"testing"

	"alliance"
)

// shareWith records a consent sharing groups of case k of organisation 1
// with organisation 0, refers the case there and has it accepted.
func (e *testEnv) shareWith(t testing.TB, k *alliance.Case, groups ...string) *alliance.Consent {
	t.Helper()
	ctx := context.Background()
	con, err := e.svc.RecordConsent(ctx, e.caseworkerOf(1), k.ID, alliance.Consent{Services: true, Method: alliance.ConsentSigned, Language: "ro",
		Shares: []alliance.ConsentShare{{OrgID: e.orgs[0].ID, Groups: groups}}})
	if err != nil {
		t.Fatal(err)
	}
	ref, err := e.svc.Refer(ctx, e.caseworkerOf(1), k.ID, alliance.Referral{ToOrg: e.orgs[0].ID, Reason: "Other", Urgency: "routine", Groups: groups})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AnswerReferral(ctx, e.caseworkerOf(0), ref.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	return con
}

// TestDocuments attaches files through the API: the type is detected from
// the content (a renamed executable is refused, whatever its name), the
// download is an attachment that cannot run in the page, and a referred
// organisation reads documents only when the consent shares them.
func TestDocuments(t *testing.T) {
	e := newTestEnv(t, testConfig())
	holder := e.session("caseworker@1")
	k := e.caseIn(t, 1)
	// post sends body with the kind and name in query (kind=K&name=N): the
	// kind goes in the query, the name and note in headers.
	post := func(query, ctype string, body []byte) (int, []byte) {
		q, _ := url.ParseQuery(query)
		w := e.do("POST", "/api/v1/cases/"+itoa(k.ID)+"/documents?kind="+q.Get("kind"), holder.cookie, ctype, string(body), "X-CSRF-Token", holder.csrf,
			"X-Document-Name", url.QueryEscape(q.Get("name")), "X-Document-Note", url.QueryEscape(q.Get("note")))
		return w.Code, w.Body.Bytes()
	}
	pdf := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	code, body := post("kind=contract&name=contract+%C8%98tefan%3B+x.pdf&note=signed+in+Chisinau", "application/pdf", pdf)
	if code != 201 {
		t.Fatalf("upload: %d %s", code, body)
	}
	var d alliance.Document
	json.Unmarshal(body, &d)
	if d.MediaType != "application/pdf" || d.Size != int64(len(pdf)) || len(d.SHA256) != 64 {
		t.Errorf("document = %+v", d)
	}
	for name, tc := range map[string]struct {
		query string
		body  []byte
	}{
		"an executable named .pdf": {"kind=contract&name=contract.pdf", append([]byte("MZ\x90\x00\x03"), make([]byte, 200)...)},
		"a zip archive":            {"kind=other&name=scan.pdf", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00")},
		"text that is not UTF-8":   {"kind=other&name=a.txt", []byte("na\xefve \xff\xfe text")},
		"too large":                {"kind=other&name=big.txt", bytes.Repeat([]byte("a"), alliance.MaxDocumentBytes+1)},
		"empty":                    {"kind=other&name=empty.txt", nil},
		"an unknown kind":          {"kind=passport&name=a.txt", []byte("text")},
	} {
		if code, body := post(tc.query, "application/octet-stream", tc.body); code != 400 || !strings.Contains(string(body), "invalid") {
			t.Errorf("%s: %d %s", name, code, body)
		}
	}

	w := e.do("GET", "/api/v1/documents/"+itoa(d.ID), holder.cookie, "", "")
	if w.Code != 200 || !bytes.Equal(w.Body.Bytes(), pdf) {
		t.Fatalf("download: %d", w.Code)
	}
	h := w.Header()
	if _, params, err := mime.ParseMediaType(h.Get("Content-Disposition")); err != nil || params["filename"] != "contract Ștefan; x.pdf" {
		t.Errorf("Content-Disposition %q: the name does not come back whole", h.Get("Content-Disposition"))
	}
	if !strings.HasPrefix(h.Get("Content-Disposition"), "attachment;") || h.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(h.Get("Content-Security-Policy"), "sandbox") || h.Get("X-Document-SHA256") != d.SHA256 {
		t.Errorf("download headers %v", h)
	}

	// Referred: identity only, then documents too.
	reader := e.session("caseworker@0")
	e.shareWith(t, k, alliance.GroupIdentity)
	if w := e.do("GET", "/api/v1/documents/"+itoa(d.ID), reader.cookie, "", ""); w.Code != 403 {
		t.Errorf("a referred organisation without documents in the consent downloads: %d", w.Code)
	}
	if w := e.do("GET", "/api/v1/cases/"+itoa(k.ID)+"/documents", reader.cookie, "", ""); w.Code != 403 {
		t.Errorf("a referred organisation without documents in the consent lists them: %d", w.Code)
	}
	e.shareWith(t, k, alliance.GroupIdentity, alliance.GroupDocuments)
	if w := e.do("GET", "/api/v1/documents/"+itoa(d.ID), reader.cookie, "", ""); w.Code != 200 || !bytes.Equal(w.Body.Bytes(), pdf) {
		t.Errorf("a referred organisation with documents in the consent: %d", w.Code)
	}
	if w := e.do("DELETE", "/api/v1/documents/"+itoa(d.ID), reader.cookie, "", "", "X-CSRF-Token", reader.csrf); w.Code != 403 {
		t.Errorf("a referred organisation deletes a document: %d", w.Code)
	}
	if w := e.do("DELETE", "/api/v1/documents/"+itoa(d.ID), holder.cookie, "", "", "X-CSRF-Token", holder.csrf); w.Code != 204 {
		t.Errorf("delete: %d", w.Code)
	}
	if w := e.do("GET", "/api/v1/documents/"+itoa(d.ID), holder.cookie, "", ""); w.Code != 404 {
		t.Errorf("a deleted document: %d", w.Code)
	}
}

// TestProceedingConflict: the second of two saves from the same revision is
// told of the conflict, and the first one's change stays.
func TestProceedingConflict(t *testing.T) {
	e := newTestEnv(t, testConfig())
	c := e.client(t, "caseworker@0")
	k := e.caseIn(t, 0)
	var p alliance.Proceeding
	json.Unmarshal(c.must(201, "POST", "/api/v1/cases/"+itoa(k.ID)+"/proceedings", `{"kind":"labour","role":"claimant","authority":"District labour court","status":"open","reference":"LC-77/2026"}`), &p)
	first := `{"kind":"labour","role":"claimant","authority":"District labour court","status":"closed","closed_on":"2026-11-20","outcome":"wages awarded","revision":1}`
	second := `{"kind":"labour","role":"claimant","authority":"District labour court","status":"open","outcome":"hearing postponed","revision":1}`
	c.must(200, "PUT", "/api/v1/proceedings/"+itoa(p.ID), first)
	c.must(409, "PUT", "/api/v1/proceedings/"+itoa(p.ID), second)
	var got struct {
		Proceedings []alliance.Proceeding `json:"proceedings"`
	}
	json.Unmarshal(c.must(200, "GET", "/api/v1/cases/"+itoa(k.ID)+"/legal", ""), &got)
	if len(got.Proceedings) != 1 || got.Proceedings[0].Outcome != "wages awarded" || got.Proceedings[0].Reference != "" {
		t.Errorf("proceedings after the conflict: %+v", got.Proceedings)
	}
}
