package web

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"alliance"
	"alliance/internal/htcds"
	"alliance/internal/screening"
)

// WatchListPage screens one name, or a file of names, against the watch
// lists in force and shows the hits with their explanations.
type WatchListPage struct {
	*Base
	Lists     []screening.Version
	Name      string
	Country   string
	Threshold string
	Results   []screening.Result
	Screened  int
	Hits      int
	Problems  []string // the faults of a file of names, with file, line and field
	CheckID   int64    // where the screening was saved
	Checks    []alliance.WatchCheck
	CanLoad   bool // may load a new version of a list
}

// mayScreen refuses, before any input is read, a caller who may not screen.
func mayScreen(r *http.Request) error {
	d := alliance.Authorize(caller(r).Actor, alliance.ActWatchListScreen, alliance.Resource{Type: "watchlist", OrgID: caller(r).OrgID})
	if !d.Allow {
		return d.Err()
	}
	return nil
}

func (s *Server) watchListPage(w http.ResponseWriter, r *http.Request) error {
	if err := mayScreen(r); err != nil {
		return err
	}
	p := &WatchListPage{Base: s.newBase(r, "watch.title"), Threshold: fmt.Sprintf("%.2f", screening.DefaultThreshold)}
	return s.renderWatchList(w, r, p, http.StatusOK)
}

// renderWatchList adds the lists in force and the organisation's saved
// screenings to the page.
func (s *Server) renderWatchList(w http.ResponseWriter, r *http.Request, p *WatchListPage, status int) error {
	c := caller(r)
	p.Lists = s.svc.WatchLists()
	p.CanLoad = alliance.Authorize(c.Actor, alliance.ActWatchListLoad, alliance.Resource{Type: "watchlist", OrgID: c.OrgID}).Allow
	checks, err := s.svc.WatchChecks(r.Context(), c)
	if err != nil {
		return err
	}
	p.Checks = checks
	return s.render(w, status, "watchlist", p)
}

// uploadLabel names a saved screening: the file's name, or "search".
func uploadLabel(r *http.Request) string {
	if _, hdr, err := r.FormFile("file"); err == nil {
		return path.Base(hdr.Filename)
	}
	return "search"
}

// watchListScreen screens the name typed, or the names of the file sent,
// and shows the hits, or sends them as CSV when asked to download.
func (s *Server) watchListScreen(w http.ResponseWriter, r *http.Request) error {
	if err := mayScreen(r); err != nil {
		return err
	}
	p := &WatchListPage{Base: s.newBase(r, "watch.title"), Name: r.PostFormValue("name"),
		Country: r.PostFormValue("country"), Threshold: r.PostFormValue("threshold")}
	rerender := func(status int) error { return s.renderWatchList(w, r, p, status) }
	qs, err := formQueries(r)
	if err != nil {
		var le *screening.LoadError
		if errors.As(err, &le) {
			for _, pr := range le.Problems {
				p.Problems = append(p.Problems, pr.String())
			}
		}
		return s.formError(err, p.Base, rerender)
	}
	threshold, err := parseThreshold(p.Threshold)
	if err != nil {
		return s.formError(err, p.Base, rerender)
	}
	out, err := s.svc.ScreenNames(r.Context(), caller(r), uploadLabel(r), qs, threshold)
	if err != nil {
		return s.formError(err, p.Base, rerender)
	}
	res := out.Results
	p.CheckID = out.CheckID
	if r.PostFormValue("download") == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="watch-list-hits.csv"`)
		w.Header().Set("Cache-Control", "no-store")
		_, err := screening.WriteHits(w, res)
		return err
	}
	p.Results, p.Screened = res, len(qs)
	for _, x := range res {
		p.Hits += len(x.Hits)
	}
	return rerender(http.StatusOK)
}

func parseThreshold(v string) (float64, error) {
	if strings.TrimSpace(v) == "" {
		return 0, nil
	}
	t, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil {
		return 0, alliance.Invalid("threshold", "give a threshold from 0.3 to 1, such as 0.70")
	}
	return t, nil
}

// formQueries reads the names of a screening form: the uploaded file (CSV
// or XLSX with the header id,name[,country]) when there is one, else the
// one name typed.
func formQueries(r *http.Request) ([]screening.Query, error) {
	file, hdr, err := r.FormFile("file")
	if err == nil {
		defer file.Close()
		data, err := io.ReadAll(file)
		if err != nil {
			return nil, alliance.Invalid("file", "the file could not be read: %v", err)
		}
		return uploadedQueries(path.Base(hdr.Filename), data)
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	if name == "" {
		return nil, alliance.Invalid("query", "type a name, or choose a file of names")
	}
	q := screening.Query{ID: "1", Name: name, Country: strings.ToUpper(strings.TrimSpace(r.PostFormValue("country")))}
	if err := screening.CheckName(q.Name); err != nil {
		return nil, alliance.Invalid("query", "%v", err)
	}
	return []screening.Query{q}, nil
}

// uploadedQueries reads names from a CSV or, for a .xlsx, from the first
// sheet of a workbook, with the header id,name[,country]; faults name the
// file and the line (the row of the sheet).
func uploadedQueries(name string, data []byte) ([]screening.Query, error) {
	if strings.EqualFold(path.Ext(name), ".xlsx") {
		var err error
		if data, err = sheetAsCSV(data); err != nil {
			return nil, alliance.Invalid("file", "%s is not a readable XLSX workbook: %v", name, err)
		}
	}
	qs, err := screening.ReadQueries(name, bytes.NewReader(data))
	if err != nil {
		return nil, &alliance.Error{Code: alliance.CodeInvalid, Field: "names_file", Message: err.Error(), Err: err}
	}
	return qs, nil
}

// sheetAsCSV turns the first sheet of a workbook into CSV, a row per line,
// blank rows kept so that line numbers are the sheet's rows.
func sheetAsCSV(data []byte) ([]byte, error) {
	if err := htcds.CheckWorkbook(data); err != nil {
		return nil, err
	}
	wb, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 64 << 20, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		return nil, err
	}
	defer wb.Close()
	rows, err := wb.Rows(wb.GetSheetName(0))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	width := 0
	for rows.Next() {
		cells, err := rows.Columns()
		if err != nil {
			return nil, err
		}
		if width == 0 {
			width = len(cells)
		}
		for len(cells) < width {
			cells = append(cells, "")
		}
		if err := cw.Write(cells); err != nil {
			return nil, err
		}
	}
	cw.Flush()
	return buf.Bytes(), cw.Error()
}

// watchQuery is one name of POST /api/v1/watchlist/screen.
type watchQuery struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Country string `json:"country,omitempty"`
}

// watchHit is one hit in the API's answer.
type watchHit struct {
	ListID      string  `json:"list_id"`
	List        string  `json:"list"`
	ListedName  string  `json:"listed_name"`
	Score       float64 `json:"score"`
	Explanation string  `json:"explanation"`
}

func (s *Server) apiWatchListScreen(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Label     string       `json:"label"`
		Names     []watchQuery `json:"names"`
		Threshold float64      `json:"threshold"`
	}
	if err := mayScreen(r); err != nil {
		return err
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	qs := make([]screening.Query, len(in.Names))
	for i, n := range in.Names {
		if err := screening.CheckName(n.Name); err != nil {
			return alliance.Invalid("names", "name %d: %v", i+1, err)
		}
		qs[i] = screening.Query{ID: n.ID, Name: n.Name, Country: strings.ToUpper(n.Country)}
	}
	outcome, err := s.svc.ScreenNames(r.Context(), caller(r), in.Label, qs, in.Threshold)
	if err != nil {
		return err
	}
	res := outcome.Results
	type result struct {
		ID   string     `json:"id"`
		Hits []watchHit `json:"hits"`
	}
	out := make([]result, len(res))
	for i, x := range res {
		out[i] = result{ID: x.Query.ID, Hits: []watchHit{}}
		for _, h := range x.Hits {
			out[i].Hits = append(out[i].Hits, watchHit{h.Entity.ID, h.List.Label(), h.Name, h.Score, h.Explanation})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"check_id": outcome.CheckID, "results": out, "lists": listVersions(s.svc.WatchLists())})
	return nil
}

// listVersion is a watch list version as the API shows it.
type listVersion struct {
	Label    string `json:"label"`
	Source   string `json:"source"`
	Format   string `json:"format"`
	SHA256   string `json:"sha256"`
	LoadedAt string `json:"loaded_at"`
	Entities int    `json:"entities"`
}

func listVersions(vs []screening.Version) []listVersion {
	out := []listVersion{}
	for _, v := range vs {
		out = append(out, listVersion{v.Label(), v.Source, string(v.Format), v.SHA256, v.LoadedAt.UTC().Format("2006-01-02T15:04:05Z"), v.Entities})
	}
	return out
}
