package web

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"

	"alliance"
)

// readUpload reads an uploaded file of at most alliance.MaxDocumentBytes.
func readUpload(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, alliance.MaxDocumentBytes+1))
	if err != nil {
		return nil, alliance.Invalid("file", "the file could not be read: %v", err)
	}
	if len(b) > alliance.MaxDocumentBytes {
		return nil, alliance.Invalid("file", "a document holds at most %d MiB", alliance.MaxDocumentBytes>>20)
	}
	return b, nil
}

// caseDocument attaches the file of a multipart form to a case.
func (s *Server) caseDocument(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return s.caseFormError(w, r, alliance.Invalid("file", "choose a file to attach"))
	}
	defer file.Close()
	content, err := readUpload(file)
	if err != nil {
		return s.caseFormError(w, r, err)
	}
	d := alliance.Document{Kind: r.PostFormValue("kind"), Name: hdr.Filename, Note: r.PostFormValue("note"), Content: content}
	if _, err := s.svc.AddDocument(r.Context(), caller(r), id, d); err != nil {
		return s.caseFormError(w, r, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/cases/%d?flash=saved#documents", id), http.StatusSeeOther)
	return nil
}

// documentDownload sends a document as an attachment, never shown inline:
// a file from outside must not run in the application's origin.
func (s *Server) documentDownload(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.svc.Document(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", d.MediaType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": d.Name}))
	h.Set("Content-Length", strconv.Itoa(len(d.Content)))
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Document-SHA256", d.SHA256)
	_, err = w.Write(d.Content)
	return err
}

func (s *Server) documentDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	caseID, err := int64Param(r, "case")
	if err != nil {
		return err
	}
	if err := s.svc.DeleteDocument(r.Context(), caller(r), id); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/cases/%d?flash=saved#documents", caseID), http.StatusSeeOther)
	return nil
}

func (s *Server) apiDocumentList(w http.ResponseWriter, r *http.Request) error {
	v, err := s.caseShowing(r, alliance.GroupDocuments)
	if err != nil {
		return err
	}
	list, err := s.svc.Documents(r.Context(), v)
	if err != nil {
		return err
	}
	if list == nil {
		list = []alliance.Document{}
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

// apiDocumentCreate attaches the request body, of any type: the service
// detects it from the content. The kind comes in the query, the name and
// the note in the headers X-Document-Name and X-Document-Note.
func (s *Server) apiDocumentCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	content, err := readUpload(r.Body)
	if err != nil {
		return err
	}
	// The name and the note may identify the person: they come in headers,
	// URL-encoded, not in the query string that proxies log.
	name, err := url.QueryUnescape(r.Header.Get("X-Document-Name"))
	if err != nil {
		return alliance.Invalid("file", "X-Document-Name is not URL-encoded")
	}
	note, err := url.QueryUnescape(r.Header.Get("X-Document-Note"))
	if err != nil {
		return alliance.Invalid("note", "X-Document-Note is not URL-encoded")
	}
	d, err := s.svc.AddDocument(r.Context(), caller(r), id, alliance.Document{Kind: r.URL.Query().Get("kind"), Name: name, Note: note, Content: content})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, d)
	return nil
}

func (s *Server) apiDocumentDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.svc.DeleteDocument(r.Context(), caller(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
