package web

import (
	"fmt"
	"io"
	"net/http"
	"path"
	"strconv"

	"alliance"
	"alliance/internal/app"
)

// LinkageRoundsPage lists the linkage rounds and starts one.
type LinkageRoundsPage struct {
	*Base
	Rounds   []alliance.LinkageRound
	Orgs     []alliance.Organisation
	OrgName  map[int64]string
	CanStart bool
}

func (s *Server) linkageRoundsPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderRounds(w, r, s.newBase(r, "linkage.title"), http.StatusOK)
}

func (s *Server) renderRounds(w http.ResponseWriter, r *http.Request, b *Base, status int) error {
	ctx, c := r.Context(), caller(r)
	rounds, err := s.svc.LinkageRounds(ctx, c)
	if err != nil {
		return err
	}
	p := &LinkageRoundsPage{Base: b, Rounds: rounds, OrgName: map[int64]string{},
		CanStart: alliance.Authorize(c.Actor, alliance.ActLinkageStart, alliance.Resource{Type: "linkage_round", OrgID: c.OrgID}).Allow}
	if p.Orgs, err = s.allianceOrgs(r); err != nil {
		return err
	}
	for _, o := range p.Orgs {
		p.OrgName[o.ID] = o.Name
	}
	return s.render(w, status, "linkage_rounds", p)
}

func (s *Server) linkageRoundStart(w http.ResponseWriter, r *http.Request) error {
	b := s.newBase(r, "linkage.title")
	var orgs []int64
	for _, v := range r.PostForm["orgs"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return s.formError(alliance.Invalid("orgs", "choose organisations from the list"), b, func(st int) error { return s.renderRounds(w, r, b, st) })
		}
		orgs = append(orgs, id)
	}
	round, err := s.svc.StartLinkageRound(r.Context(), caller(r), r.PostFormValue("name"), orgs, 0)
	if err != nil {
		return s.formError(err, b, func(st int) error { return s.renderRounds(w, r, b, st) })
	}
	http.Redirect(w, r, fmt.Sprintf("/linkage/%d", round.ID), http.StatusSeeOther)
	return nil
}

// LinkageRoundPage shows a round: progress, submissions, the counts, and
// the caller's organisation's matched records.
type LinkageRoundPage struct {
	*Base
	Round     *app.RoundView
	OrgName   map[int64]string
	CanSubmit bool
	CanMatch  bool
	Submitted map[int64]alliance.LinkageSubmission
}

func (s *Server) linkageRoundPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderRound(w, r, s.newBase(r, "linkage.title"), http.StatusOK)
}

func (s *Server) renderRound(w http.ResponseWriter, r *http.Request, b *Base, status int) error {
	ctx, c := r.Context(), caller(r)
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.svc.LinkageRound(ctx, c, id)
	if err != nil {
		return err
	}
	p := &LinkageRoundPage{Base: b, Round: v, OrgName: map[int64]string{}, Submitted: map[int64]alliance.LinkageSubmission{}}
	orgs, err := s.allianceOrgs(r)
	if err != nil {
		return err
	}
	for _, o := range orgs {
		p.OrgName[o.ID] = o.Name
	}
	for _, sub := range v.Submissions {
		p.Submitted[sub.OrgID] = sub
	}
	res := alliance.Resource{Type: "linkage_round", OrgID: c.OrgID}
	p.CanSubmit = v.Participant && v.Status == alliance.RoundCollecting && alliance.Authorize(c.Actor, alliance.ActLinkageSubmit, res).Allow
	p.CanMatch = (v.Status == alliance.RoundCollecting || v.Status == alliance.RoundFailed) && alliance.Authorize(c.Actor, alliance.ActLinkageStart, res).Allow
	return s.render(w, status, "linkage_round", p)
}

// linkageInput sends the organisation's records for encoding, as CSV.
func (s *Server) linkageInput(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	hw := &headerWriter{w: w, ctype: "text/csv; charset=utf-8", name: fmt.Sprintf("linkage-round-%d-input.csv", id)}
	_, err = s.svc.LinkageInput(r.Context(), caller(r), id, hw)
	if err == nil && !hw.started {
		hw.Write(nil)
	}
	return err
}

// linkageSubmit takes the organisation's .clk file from the page's form.
func (s *Server) linkageSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b := s.newBase(r, "linkage.title")
	rerender := func(st int) error { return s.renderRound(w, r, b, st) }
	file, hdr, err := r.FormFile("clk")
	if err != nil {
		return s.formError(alliance.Invalid("clk", "choose the .clk file that alliance link encode wrote"), b, rerender)
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		return s.formError(alliance.Invalid("clk", "the file could not be read"), b, rerender)
	}
	if _, err := s.svc.SubmitEncodings(r.Context(), caller(r), id, path.Base(hdr.Filename), data); err != nil {
		if statusOf(err) == http.StatusBadRequest {
			// The file's fault, with its record and field, after the
			// localised summary.
			b.Error, b.ErrField = s.localise(b.Lang, err)+" "+alliance.ErrorMessage(err), "clk"
			return rerender(http.StatusBadRequest)
		}
		return s.formError(err, b, rerender)
	}
	http.Redirect(w, r, fmt.Sprintf("/linkage/%d?flash=saved", id), http.StatusSeeOther)
	return nil
}

func (s *Server) linkageMatch(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b := s.newBase(r, "linkage.title")
	if _, err := s.svc.MatchLinkageRound(r.Context(), caller(r), id); err != nil {
		return s.formError(err, b, func(st int) error { return s.renderRound(w, r, b, st) })
	}
	http.Redirect(w, r, fmt.Sprintf("/linkage/%d", id), http.StatusSeeOther)
	return nil
}

func (s *Server) apiLinkageRounds(w http.ResponseWriter, r *http.Request) error {
	rounds, err := s.svc.LinkageRounds(r.Context(), caller(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, nonNil(rounds))
	return nil
}

func (s *Server) apiLinkageStart(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name      string  `json:"name"`
		Orgs      []int64 `json:"orgs"`
		Threshold float64 `json:"threshold"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	round, err := s.svc.StartLinkageRound(r.Context(), caller(r), in.Name, in.Orgs, in.Threshold)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, round)
	return nil
}

func (s *Server) apiLinkageRound(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.svc.LinkageRound(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// apiLinkageSubmit takes the .clk file as the request body.
func (s *Server) apiLinkageSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	name := "upload.clk"
	sub, err := s.svc.SubmitEncodings(r.Context(), caller(r), id, name, data)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sub)
	return nil
}

func (s *Server) apiLinkageMatch(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	round, err := s.svc.MatchLinkageRound(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, round)
	return nil
}

// allianceOrgs lists the caller's own organisation and its partners: the
// organisations a round can be among.
func (s *Server) allianceOrgs(r *http.Request) ([]alliance.Organisation, error) {
	own, err := s.svc.Organisations(r.Context(), caller(r))
	if err != nil {
		return nil, err
	}
	partners, err := s.svc.Partners(r.Context(), caller(r))
	if err != nil {
		return nil, err
	}
	return append(own, partners...), nil
}
