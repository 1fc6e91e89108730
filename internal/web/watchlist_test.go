package web

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"alliance"
	"alliance/internal/app"
	"alliance/internal/screening"
)

// TestWatchListScreen screens through the API, the page and an XLSX file:
// a Latin spelling finds the Cyrillic listing, an unrelated name finds
// nothing, a bad file is refused with its line, and the audit entry holds
// the counts but not the names.
func TestWatchListScreen(t *testing.T) {
	e := newTestEnv(t, testConfig())
	c := e.client(t, "analyst@0")
	var out struct {
		Results []struct {
			ID   string `json:"id"`
			Hits []struct {
				ListID string  `json:"list_id"`
				Score  float64 `json:"score"`
			} `json:"hits"`
		} `json:"results"`
		Lists []struct {
			SHA256 string `json:"sha256"`
		} `json:"lists"`
	}
	json.Unmarshal(c.must(200, "POST", "/api/v1/watchlist/screen",
		`{"names":[{"id":"a","name":"Bramkovskij Agrokompleks OOO"},{"id":"b","name":"Quillon Harbour Bakery"}]}`), &out)
	if len(out.Results) != 2 || len(out.Results[0].Hits) == 0 || out.Results[0].Hits[0].ListID != "demo-002" || len(out.Results[1].Hits) != 0 {
		t.Errorf("results %+v", out.Results)
	}
	if len(out.Lists) != 1 || len(out.Lists[0].SHA256) != 64 {
		t.Errorf("lists %+v", out.Lists)
	}
	c.must(400, "POST", "/api/v1/watchlist/screen", `{"names":[{"id":"a","name":"   "}]}`)
	c.must(400, "POST", "/api/v1/watchlist/screen", `{"names":[{"id":"a","name":"Zarvelin"}],"threshold":0.1}`)

	s := e.session("analyst@0")
	page := route{method: "POST", pattern: "/watchlist"}
	w := e.uploadAt(t, page, s, "/watchlist", "id,name\nq1,Zarvelin Textile\n")
	if w.Code != 200 || !strings.Contains(w.Body.String(), "Zarvelin Tekstil") {
		t.Errorf("page: %d", w.Code)
	}
	w = e.uploadAt(t, page, s, "/watchlist", "id,name\nq1,Zarvelin Textile\nq1,Again\n")
	if w.Code != 400 || !strings.Contains(w.Body.String(), "people.csv:3") {
		t.Errorf("a duplicate id in the file: %d %s", w.Code, w.Body)
	}

	wb := excelize.NewFile()
	wb.SetSheetRow("Sheet1", "A1", &[]any{"id", "name", "country"})
	wb.SetSheetRow("Sheet1", "A2", &[]any{"x1", "Lishchinbud TOV", "UA"})
	data, _ := wb.WriteToBuffer()
	qs, err := uploadedQueries("suppliers.xlsx", data.Bytes())
	if err != nil || len(qs) != 1 || qs[0].Name != "Lishchinbud TOV" || !strings.EqualFold(qs[0].Country, "UA") {
		t.Errorf("XLSX queries %+v, %v", qs, err)
	}

	body := e.do("GET", "/api/v1/audit", e.session("admin@0").cookie, "", "").Body.String()
	if !strings.Contains(body, "watch-list screening of 2 names") || strings.Contains(body, "Bramkovskij") {
		t.Errorf("the audit log does not hold the counts, or holds the names")
	}
}

// TestWatchListReviewAndRescreen: a saved screening's hit is reviewed with
// a reason (a stale review is refused); a new list version is screened
// against the saved names, its new hits are added once and the owners are
// told; a malformed list is refused with its line and changes nothing.
func TestWatchListReviewAndRescreen(t *testing.T) {
	e := newTestEnv(t, testConfig())
	ctx := context.Background()
	cw, admin := e.client(t, "caseworker@0"), e.client(t, "admin@0")
	if _, err := e.svc.CreateWebhook(ctx, e.adminOf(0), "https://hooks.example.org/alliance", []string{alliance.EventWatchListHits}); err != nil {
		t.Fatal(err)
	}
	var out struct {
		CheckID int64 `json:"check_id"`
	}
	json.Unmarshal(cw.must(200, "POST", "/api/v1/watchlist/screen", `{"label":"suppliers","names":[{"id":"s1","name":"Zarvelin Textile"},{"id":"s2","name":"Quillon Harbour Bakery"}]}`), &out)
	var chk app.CheckView
	json.Unmarshal(cw.must(200, "GET", "/api/v1/watchlist/checks/"+itoa(out.CheckID), ""), &chk)
	if len(chk.Names) != 2 || len(chk.Hits) != 1 || chk.Hits[0].Status != alliance.HitOpen || chk.OpenHits != 1 {
		t.Fatalf("saved screening %+v", chk)
	}
	hit := chk.Hits[0]
	if strings.Contains(hit.Explanation, "quillon") || !strings.Contains(hit.Explanation, "zarvelin") {
		t.Errorf("the kept explanation %q holds the screened name's words, or not the listed ones", hit.Explanation)
	}
	cw.must(400, "POST", "/api/v1/watchlist/hits/"+itoa(hit.ID)+"/review", `{"status":"dismissed","reason":"","revision":1}`)
	cw.must(200, "POST", "/api/v1/watchlist/hits/"+itoa(hit.ID)+"/review", `{"status":"dismissed","reason":"another company, registered in 2019","revision":1}`)
	cw.must(409, "POST", "/api/v1/watchlist/hits/"+itoa(hit.ID)+"/review", `{"status":"confirmed","reason":"the same address","revision":1}`)
	e.client(t, "caseworker@1").must(403, "GET", "/api/v1/watchlist/checks/"+itoa(out.CheckID), "")

	// A malformed list: refused with its line; the list in force stays.
	admin.must(400, "POST", "/api/v1/watchlist/lists?name=national&source=national.csv", "id,name,aliases,country,type\nn1,,,,company\n")
	cw.must(403, "POST", "/api/v1/watchlist/lists?name=national&source=national.csv", "id,name,aliases,country,type\nn1,Quillon Harbour Bakery,,,company\n")
	admin.must(201, "POST", "/api/v1/watchlist/lists?name=national&source=national.csv", "id,name,aliases,country,type\nn1,Quillon Harbour Bakery,,GB,company\n")
	for i := 0; i < 2; i++ { // the second run finds nothing more to do
		if err := e.svc.RescreenWatchLists(ctx); err != nil {
			t.Fatal(err)
		}
	}
	json.Unmarshal(cw.must(200, "GET", "/api/v1/watchlist/checks/"+itoa(out.CheckID), ""), &chk)
	if len(chk.Hits) != 2 || chk.OpenHits != 1 {
		t.Fatalf("after the new list: %d hits, %d open; want 2 and 1", len(chk.Hits), chk.OpenHits)
	}
	due, err := e.store.DueDeliveries(ctx, time.Now().Add(time.Hour), 100)
	if err != nil || len(due) != 1 || due[0].Event != alliance.EventWatchListHits || !strings.Contains(string(due[0].Payload), `"new_hits":1`) {
		t.Errorf("the owners were not told once of one new hit: %v %v", due, err)
	}
	// Only the keeper of a list replaces it; the server's own lists, only its operator.
	e.client(t, "admin@1").must(403, "POST", "/api/v1/watchlist/lists?name=national&source=n.csv", "id,name,aliases,country,type\nn9,Other Name Ltd,,GB,company\n")
	admin.must(403, "POST", "/api/v1/watchlist/lists?name=builtin:sample&source=s.csv", "id,name,aliases,country,type\nn9,Other Name Ltd,,GB,company\n")

	// Two versions loaded before the job runs: only the one in force is
	// screened, so an entity the newer one dropped is not hit.
	admin.must(201, "POST", "/api/v1/watchlist/lists?name=national&source=v3.csv", "id,name,aliases,country,type\nn2,Zarvelin Textile Trading,,TR,company\n")
	admin.must(201, "POST", "/api/v1/watchlist/lists?name=national&source=v4.csv", "id,name,aliases,country,type\nn3,Another Listed Firm,,GB,company\n")
	if err := e.svc.RescreenWatchLists(ctx); err != nil {
		t.Fatal(err)
	}
	json.Unmarshal(cw.must(200, "GET", "/api/v1/watchlist/checks/"+itoa(out.CheckID), ""), &chk)
	for _, h := range chk.Hits {
		if h.EntityID == "n2" {
			t.Errorf("a version replaced before the rescreen was screened: %+v", h)
		}
	}
	// A restart with a file loaded before adds no version.
	before, _ := e.store.WatchLists(ctx, false)
	if err := e.svc.InstallWatchLists(ctx, map[string][]byte{screening.SampleSource: screening.SampleCSV}); err != nil {
		t.Fatal(err)
	}
	if after, err := e.store.WatchLists(ctx, false); err != nil || len(after) != len(before) || after[0].Source != "v4.csv" {
		t.Errorf("a restart changed the versions: %d before, %d after (%v)", len(before), len(after), err)
	}

	json.Unmarshal(cw.must(200, "POST", "/api/v1/watchlist/screen", `{"names":[{"id":"x","name":"Zarvelin Textile"}]}`), &out)
	if json.Unmarshal(cw.must(200, "GET", "/api/v1/watchlist/checks/"+itoa(out.CheckID), ""), &chk); len(chk.Hits) != 1 {
		t.Errorf("the sample list is no longer in force after another list was loaded")
	}
}
