package web

// The JSON API of the records kept about a case's support: comments,
// support plans, and what happened and who took part.
import (
	"net/http"

	"alliance"
)

func (s *Server) apiCommentList(w http.ResponseWriter, r *http.Request) error {
	v, err := s.caseShowing(r, alliance.GroupComments)
	if err != nil {
		return err
	}
	list, err := s.svc.Comments(r.Context(), v)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"comments": list})
	return nil
}

func (s *Server) apiCommentCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Text string `json:"text"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	cm, err := s.svc.AddComment(r.Context(), caller(r), id, in.Text)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, cm)
	return nil
}

// supportInput is the body of the support plan routes.
type supportInput struct {
	Revision   int64  `json:"revision"`
	Type       string `json:"type"`
	Objectives string `json:"objectives"`
	ActionPlan string `json:"action_plan"`
	PlannedEnd string `json:"planned_end"`
	ActualEnd  string `json:"actual_end"`
}

func (in supportInput) plan() alliance.SupportPlan {
	return alliance.SupportPlan{Revision: in.Revision, Type: in.Type, Objectives: in.Objectives, ActionPlan: in.ActionPlan,
		PlannedEnd: in.PlannedEnd, ActualEnd: in.ActualEnd}
}

func (s *Server) apiSupportList(w http.ResponseWriter, r *http.Request) error {
	v, err := s.caseShowing(r, alliance.GroupSupport)
	if err != nil {
		return err
	}
	list, err := s.svc.SupportPlans(r.Context(), v)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"support_plans": list})
	return nil
}

func (s *Server) apiSupportCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in supportInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, err := s.svc.CreateSupportPlan(r.Context(), caller(r), id, in.plan())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, p)
	return nil
}

func (s *Server) apiSupportUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in supportInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, err := s.svc.UpdateSupportPlan(r.Context(), caller(r), id, in.plan())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// apiEventList gives what happened and who took part, to the holder and to
// a receiver with whom the context is shared.
func (s *Server) apiEventList(w http.ResponseWriter, r *http.Request) error {
	v, err := s.caseShowing(r, alliance.GroupContext)
	if err != nil {
		return err
	}
	evs, ps, err := s.svc.EventsAndPerpetrators(r.Context(), v)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": evs, "perpetrators": ps})
	return nil
}

func (s *Server) apiEventCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Type        string `json:"type"`
		Date        string `json:"date"`
		Country     string `json:"country"`
		City        string `json:"city"`
		Description string `json:"description"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	ev, err := s.svc.AddEvent(r.Context(), caller(r), id, alliance.Event{Type: in.Type, Date: in.Date, Country: in.Country, City: in.City, Description: in.Description})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, ev)
	return nil
}

func (s *Server) apiPerpetratorCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Kind    string   `json:"kind"`
		Name    string   `json:"name"`
		Roles   []string `json:"roles"`
		Details string   `json:"details"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, err := s.svc.AddPerpetrator(r.Context(), caller(r), id, alliance.Perpetrator{Kind: in.Kind, Name: in.Name, Roles: in.Roles, Details: in.Details})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, p)
	return nil
}
