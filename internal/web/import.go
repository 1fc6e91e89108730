package web

import (
	"mime"
	"net/http"
	"path"
	"strings"

	"alliance"
	"alliance/internal/app"
	"alliance/internal/htcds"
)

// uploadRoutes are the routes that take a file: their bodies may be as large
// as Options.MaxUploadBytes, and the API one takes the file as the body.
var uploadRoutes = map[string]bool{"POST /cases/import": true, "POST /api/v1/cases/import": true,
	"POST /cases/{id}/documents": true, "POST /api/v1/cases/{id}/documents": true, "POST /watchlist": true,
	"POST /linkage/{id}/submission": true, "PUT /api/v1/linkage/rounds/{id}/submission": true,
	"POST /watchlist/lists": true, "POST /api/v1/watchlist/lists": true}

// uploadTypes maps the media types an import accepts to its format.
var uploadTypes = map[string]string{
	"text/csv": htcds.FormatCSV, "application/x-ndjson": htcds.FormatJSONLines, "application/jsonl": htcds.FormatJSONLines,
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": htcds.FormatXLSX,
}

// uploadFormat chooses an import's format: the format parameter, else the
// media type, else the file name's extension.
func uploadFormat(param, mediaType, name string) (string, error) {
	format := param
	if format == "" {
		mt, _, _ := mime.ParseMediaType(mediaType)
		format = uploadTypes[mt]
	}
	if format == "" {
		format = strings.TrimPrefix(strings.ToLower(path.Ext(name)), ".")
	}
	switch format {
	case htcds.FormatCSV, htcds.FormatJSONLines, htcds.FormatXLSX:
		return format, nil
	}
	return "", alliance.Invalid("format", "give a .csv, .jsonl or .xlsx file (or format=csv, jsonl or xlsx)")
}

// ImportPage imports cases from an HTCDS file and links to the exports.
type ImportPage struct {
	*Base
	CanImport   bool
	CanIdentity bool // may export names and contacts
	Result      *app.ImportResult
	Faults      []htcds.FieldError
	Total       int
}

func (s *Server) importPage(b *Base, r *http.Request) *ImportPage {
	res := alliance.Resource{Type: "case", OrgID: caller(r).OrgID}
	return &ImportPage{Base: b, CanImport: alliance.Authorize(caller(r).Actor, alliance.ActCaseCreate, res).Allow,
		CanIdentity: alliance.Authorize(caller(r).Actor, alliance.ActCaseExport, res).Allow}
}

func (s *Server) caseImportForm(w http.ResponseWriter, r *http.Request) error {
	d := alliance.Authorize(caller(r).Actor, alliance.ActCaseList, alliance.Resource{Type: "case", OrgID: caller(r).OrgID})
	if !d.Allow {
		return d.Err()
	}
	return s.render(w, http.StatusOK, "case_import", s.importPage(s.newBase(r, "import.title"), r))
}

// caseImport reads the uploaded file; the page lists every fault, or says
// what was imported.
func (s *Server) caseImport(w http.ResponseWriter, r *http.Request) error {
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return alliance.Invalid("file", "choose a file to import")
	}
	defer file.Close()
	format, err := uploadFormat(r.PostFormValue("format"), "", hdr.Filename)
	if err != nil {
		return err
	}
	name := path.Base(strings.ReplaceAll(hdr.Filename, `\`, "/"))
	res, err := s.svc.ImportCases(r.Context(), caller(r), name, format, file)
	p := s.importPage(s.newBase(r, "import.title"), r)
	if ie, ok := htcds.AsImportError(err); ok {
		p.Faults, p.Total = ie.Errors, ie.Total
		return s.render(w, http.StatusUnprocessableEntity, "case_import", p)
	}
	if err != nil {
		return err
	}
	p.Result = res
	return s.render(w, http.StatusOK, "case_import", p)
}

// apiCaseImport imports the request body: an HTCDS file as CSV, JSON lines
// or XLSX. On faults it answers 422 with every fault, and stores nothing.
func (s *Server) apiCaseImport(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	name := q.Get("name")
	format, err := uploadFormat(q.Get("format"), r.Header.Get("Content-Type"), name)
	if err != nil {
		return err
	}
	if name == "" {
		name = "upload." + format
	}
	res, err := s.svc.ImportCases(r.Context(), caller(r), path.Base(name), format, r.Body)
	if ie, ok := htcds.AsImportError(err); ok {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{
			"error":  map[string]string{"code": string(alliance.CodeInvalid), "message": ie.Error()},
			"faults": ie.Errors, "total": ie.Total})
		return nil
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, res)
	return nil
}

// largeUploads may be larger still: the encodings of a linkage round, about
// 190 bytes a record, for partners of a million records and more.
var largeUploads = map[string]int64{"POST /linkage/{id}/submission": 320 << 20, "PUT /api/v1/linkage/rounds/{id}/submission": 320 << 20}
