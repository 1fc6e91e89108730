package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"alliance"
	"alliance/internal/app"
)

// caseResidence records a step of the person's residence status from the
// case page.
func (s *Server) caseResidence(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	in := alliance.Residence{Status: r.PostFormValue("status"), PermitType: r.PostFormValue("permit_type"),
		Reference: r.PostFormValue("reference"), ValidFrom: r.PostFormValue("valid_from"),
		ValidUntil: r.PostFormValue("valid_until"), Notes: r.PostFormValue("notes")}
	if _, err := s.svc.AddResidence(r.Context(), caller(r), id, in); err != nil {
		return s.caseFormError(w, r, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/cases/%d?flash=saved#legal", id), http.StatusSeeOther)
	return nil
}

// proceedingForm reads a proceeding from the case page's form.
func proceedingForm(r *http.Request) alliance.Proceeding {
	rev, _ := strconv.ParseInt(r.PostFormValue("revision"), 10, 64)
	return alliance.Proceeding{Kind: r.PostFormValue("kind"), Role: r.PostFormValue("role"), Authority: r.PostFormValue("authority"),
		Reference: r.PostFormValue("reference"), Status: r.PostFormValue("status"), Outcome: r.PostFormValue("outcome"),
		OpenedOn: r.PostFormValue("opened_on"), ClosedOn: r.PostFormValue("closed_on"), Notes: r.PostFormValue("notes"), Revision: rev}
}

func (s *Server) caseProceeding(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.svc.AddProceeding(r.Context(), caller(r), id, proceedingForm(r)); err != nil {
		return s.caseFormError(w, r, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/cases/%d?flash=saved#legal", id), http.StatusSeeOther)
	return nil
}

func (s *Server) apiResidenceList(w http.ResponseWriter, r *http.Request) error {
	v, err := s.caseShowing(r, alliance.GroupLegal)
	if err != nil {
		return err
	}
	res, procs, err := s.svc.ResidenceAndProceedings(r.Context(), v)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"residence": nonNil(res), "proceedings": nonNil(procs)})
	return nil
}

func nonNil[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}

// writeByID decodes a JSON body of type T, hands it with the path's id to
// save, and answers with what save returns, under status.
func writeByID[T any](w http.ResponseWriter, r *http.Request, status int, save func(ctx context.Context, c app.Caller, id int64, in T) (*T, error)) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in T
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	out, err := save(r.Context(), caller(r), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, status, out)
	return nil
}

func (s *Server) apiResidenceCreate(w http.ResponseWriter, r *http.Request) error {
	return writeByID(w, r, http.StatusCreated, s.svc.AddResidence)
}

func (s *Server) apiProceedingCreate(w http.ResponseWriter, r *http.Request) error {
	return writeByID(w, r, http.StatusCreated, s.svc.AddProceeding)
}

// apiProceedingUpdate replaces a proceeding; the body's revision is the one
// the caller read, and a later change by someone else is a conflict.
func (s *Server) apiProceedingUpdate(w http.ResponseWriter, r *http.Request) error {
	return writeByID(w, r, http.StatusOK, s.svc.UpdateProceeding)
}
