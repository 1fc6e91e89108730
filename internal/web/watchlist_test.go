package web

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
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
