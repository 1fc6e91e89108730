package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"alliance"
	"alliance/internal/app"
	"alliance/internal/indicator"
	"alliance/internal/interview"
)

// The screening interview: a list of screenings with a form to start one, one
// page per stage of the worker's story with each question in the worker's
// language beside the staff member's, and the explained result. Every page
// works without JavaScript (each stage is a form); with it, each answer is
// saved through the API as it is given.

// ScreeningsPage lists the organisation's screenings and starts new ones.
type ScreeningsPage struct {
	*Base
	Open, Completed []alliance.Assessment
	Languages       []*interview.Language
	CanStart        bool
	DefaultWorker   string
}

func (s *Server) screenings(w http.ResponseWriter, r *http.Request) error {
	return s.renderScreenings(w, r, http.StatusOK, s.newBase(r, "screening.list_title"))
}

func (s *Server) renderScreenings(w http.ResponseWriter, r *http.Request, status int, b *Base) error {
	list, err := s.svc.Assessments(r.Context(), caller(r), "")
	if err != nil {
		return err
	}
	p := &ScreeningsPage{Base: b, Languages: s.svc.Questionnaire().Languages(), DefaultWorker: b.Lang,
		CanStart: alliance.Authorize(caller(r).Actor, alliance.ActAssessmentCreate, alliance.Resource{Type: "assessment", OrgID: b.User.OrgID}).Allow}
	for _, a := range list {
		if a.Status == alliance.AssessmentCompleted {
			p.Completed = append(p.Completed, a)
		} else {
			p.Open = append(p.Open, a)
		}
	}
	return s.render(w, status, "screenings", p)
}

func (s *Server) screeningStart(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.svc.StartAssessment(r.Context(), caller(r), r.PostFormValue("worker_lang"), app.AssessmentUpdate{})
	if err != nil {
		b := s.newBase(r, "screening.list_title")
		return s.formError(err, b, func(st int) error { return s.renderScreenings(w, r, st, b) })
	}
	http.Redirect(w, r, fmt.Sprintf("/screenings/%d?stage=%s", sc.ID, interview.StageAbout), http.StatusSeeOther)
	return nil
}

// StageLink is an entry of the interview's stage navigation.
type StageLink struct {
	ID, Label       string
	Answered, Total int
	Current         bool
}

// QuestionView is one question with its texts in both languages and the
// answer given so far.
type QuestionView struct {
	ID, Name      string // Name is the form field, "q.<id>"
	Worker, Staff string
	Answer        string
}

// ObservationView is an indicator the interviewer judges.
type ObservationView struct {
	ID, Name, Label, Strength, Answer string
}

// Choice is one answer button, in both languages.
type Choice struct {
	Value, Worker, Staff string
}

// InterviewPage is one stage of a screening interview.
type InterviewPage struct {
	*Base
	S            *app.Screening
	Stage        string
	StageWorker  string
	StageStaff   string
	Stages       []StageLink
	Worker       *interview.Language
	SameLanguage bool
	Intro        string
	IntroStaff   string
	AgeWorker    string
	Questions    []QuestionView
	Observations []ObservationView
	Choices      []Choice
	IndChoices   []Choice
	Next         string // the next stage, or "" for the result
	Answered     int
	Total        int
	CanEdit      bool
}

// screeningOf reads the screening the path names; the read is audited.
func (s *Server) screeningOf(r *http.Request) (*app.Screening, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.svc.Assessment(r.Context(), caller(r), id)
}

func (s *Server) screening(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.screeningOf(r)
	if err != nil {
		return err
	}
	if sc.Status == alliance.AssessmentCompleted || sc.Stale {
		http.Redirect(w, r, fmt.Sprintf("/screenings/%d/result", sc.ID), http.StatusSeeOther)
		return nil
	}
	stage := r.URL.Query().Get("stage")
	if stage == "" {
		stage = interview.StageAbout
	}
	p, err := s.interviewPage(r, s.newBase(r, "screening.title"), sc, stage)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "interview", p)
}

func (s *Server) interviewPage(r *http.Request, b *Base, sc *app.Screening, stage string) (*InterviewPage, error) {
	q := s.svc.Questionnaire()
	st, ok := q.Stage(stage)
	if !ok {
		return nil, alliance.ErrNotFound
	}
	worker, _ := q.Language(sc.WorkerLang)
	staff := b.Lang
	p := &InterviewPage{
		Base: b, S: sc, Stage: stage, Worker: worker, SameLanguage: worker.Tag == staff,
		StageWorker: q.Text(worker.Tag, "stage."+stage), StageStaff: q.Text(staff, "stage."+stage),
		Intro: q.Text(worker.Tag, "intro"), IntroStaff: q.Text(staff, "intro"),
		AgeWorker: q.Text(worker.Tag, "about.age"),
		CanEdit:   alliance.Authorize(caller(r).Actor, alliance.ActAssessmentUpdate, alliance.Resource{Type: "assessment", OrgID: sc.OrgID}).Allow,
	}
	p.Answered, p.Total = q.Progress(sc.Answers)
	for _, v := range []string{interview.Yes, interview.No, interview.Unknown, interview.Declined} {
		p.Choices = append(p.Choices, Choice{Value: v, Worker: q.Text(worker.Tag, "answer."+v), Staff: q.Text(staff, "answer."+v)})
	}
	for _, v := range []string{indicator.Present, indicator.Absent, indicator.Unknown, indicator.Declined} {
		p.IndChoices = append(p.IndChoices, Choice{Value: v, Staff: b.T("screening.ind_" + v)})
	}
	for i, s2 := range q.Stages {
		link := StageLink{ID: s2.ID, Label: q.Text(staff, "stage."+s2.ID), Current: s2.ID == stage}
		for _, qu := range s2.Questions {
			link.Total++
			if sc.Answers.Questions[qu.ID] != "" {
				link.Answered++
			}
		}
		if s2.ID == interview.StageObservations {
			for _, id := range q.Observed() {
				link.Total++
				if sc.Answers.Indicators[id] != "" {
					link.Answered++
				}
			}
		}
		p.Stages = append(p.Stages, link)
		if s2.ID == stage && i+1 < len(q.Stages) {
			p.Next = q.Stages[i+1].ID
		}
	}
	for _, qu := range st.Questions {
		p.Questions = append(p.Questions, QuestionView{
			ID: qu.ID, Name: "q." + qu.ID,
			Worker: q.Text(worker.Tag, "q."+qu.ID), Staff: q.Text(staff, "q."+qu.ID),
			Answer: sc.Answers.Questions[qu.ID],
		})
	}
	if stage == interview.StageObservations {
		cat := q.Catalog()
		for _, id := range q.Observed() {
			ind, _ := cat.Indicator(id)
			p.Observations = append(p.Observations, ObservationView{
				ID: id, Name: "i." + id, Label: ind.Labels.In(staff), Strength: ind.Strength,
				Answer: sc.Answers.Indicators[id],
			})
		}
	}
	return p, nil
}

// screeningSave saves a stage's form: the answers given on it, and on the
// first and last stages the age, the recruitment event and the notes. It then
// goes to the stage the button named, or to the result.
func (s *Server) screeningSave(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return alliance.Invalid("body", "the form could not be read")
	}
	u := app.AssessmentUpdate{Answers: interview.Answers{Questions: map[string]string{}, Indicators: map[string]string{}}}
	for k, v := range r.PostForm {
		switch {
		case strings.HasPrefix(k, "q."):
			u.Answers.Questions[strings.TrimPrefix(k, "q.")] = v[0]
		case strings.HasPrefix(k, "i."):
			u.Answers.Indicators[strings.TrimPrefix(k, "i.")] = v[0]
		}
	}
	if _, ok := r.PostForm["age"]; ok {
		u.SetAge = true
		if a := strings.TrimSpace(r.PostFormValue("age")); a != "" {
			n, err := strconv.Atoi(a)
			if err != nil {
				return s.screeningFormError(w, r, id, u, alliance.Invalid("age", "%q is not a number of years", a))
			}
			u.Age = &n
		}
	}
	if _, ok := r.PostForm["notes"]; ok {
		notes := r.PostFormValue("notes")
		u.Notes = &notes
		ev := r.PostFormValue("recruitment_event") == "on"
		u.RecruitmentEvent = &ev
	}
	if _, err := s.svc.UpdateAssessment(r.Context(), caller(r), id, u); err != nil {
		return s.screeningFormError(w, r, id, u, err)
	}
	next := r.PostFormValue("go")
	if _, ok := s.svc.Questionnaire().Stage(next); ok {
		http.Redirect(w, r, fmt.Sprintf("/screenings/%d?stage=%s", id, next), http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, fmt.Sprintf("/screenings/%d/result", id), http.StatusSeeOther)
	return nil
}

// screeningFormError shows the stage again with the error and with what was
// typed on it, which was not saved, over what was saved before.
func (s *Server) screeningFormError(w http.ResponseWriter, r *http.Request, id int64, u app.AssessmentUpdate, err error) error {
	b := s.newBase(r, "screening.title")
	return s.formError(err, b, func(status int) error {
		sc, rerr := s.svc.Assessment(r.Context(), caller(r), id)
		if rerr != nil {
			return rerr
		}
		sc.Answers = interview.Merge(sc.Answers, u.Answers)
		if u.SetAge {
			sc.Answers.Age = u.Age
		}
		if u.Notes != nil {
			sc.Answers.Notes = *u.Notes
		}
		if u.RecruitmentEvent != nil {
			sc.Answers.RecruitmentEvent = *u.RecruitmentEvent
		}
		stage := r.PostFormValue("stage")
		if _, ok := s.svc.Questionnaire().Stage(stage); !ok {
			stage = interview.StageAbout
		}
		p, rerr := s.interviewPage(r, b, sc, stage)
		if rerr != nil {
			return rerr
		}
		return s.render(w, status, "interview", p)
	})
}

// DimensionView is one dimension of a result, in the staff language.
type DimensionView struct {
	indicator.DimensionResult
	Label, Description string
	Observed           []string // labels of the indicators observed
	Needs              string
}

// MappedView is an ILO 2012 indicator of a result.
type MappedView struct {
	Label     string
	Evidenced bool
	Evidence  []string
}

// ResultPage explains a screening's result.
type ResultPage struct {
	*Base
	S            *app.Screening
	Dimensions   []DimensionView
	Clauses      []ClauseView
	ForcedLabour []MappedView
	Evidenced    int
	Steps        []string
	Answered     int
	Total        int
	CanEdit      bool
	WorkerName   string
	WorkerDir    string
	CanOpenCase  bool
}

// ClauseView is one conjunct of the trafficking formula.
type ClauseView struct {
	Label     string
	Satisfied bool
	Of        []string
}

func (s *Server) screeningResult(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.screeningOf(r)
	if err != nil {
		return err
	}
	b := s.newBase(r, "screening.result_title")
	return s.render(w, http.StatusOK, "result", s.resultPage(r, b, sc))
}

func (s *Server) resultPage(r *http.Request, b *Base, sc *app.Screening) *ResultPage {
	q := s.svc.Questionnaire()
	staff := b.Lang
	cat, _ := indicator.Builtin().Catalog(sc.Catalog)
	if cat == nil || sc.Catalog == q.Catalog().ID {
		cat = q.Catalog()
	}
	label := func(id string) string {
		if ind, ok := cat.Indicator(id); ok {
			return ind.Labels.In(staff)
		}
		return id
	}
	dimLabel := map[string]indicator.Dimension{}
	for _, d := range cat.Dimensions {
		dimLabel[d.ID] = d
	}
	p := &ResultPage{Base: b, S: sc,
		CanEdit: !sc.Stale && sc.Status == alliance.AssessmentOpen &&
			alliance.Authorize(caller(r).Actor, alliance.ActAssessmentUpdate, alliance.Resource{Type: "assessment", OrgID: sc.OrgID}).Allow}
	p.CanOpenCase = alliance.Authorize(caller(r).Actor, alliance.ActCaseCreate, alliance.Resource{Type: "case", OrgID: sc.OrgID}).Allow
	if l, ok := q.Language(sc.WorkerLang); ok {
		p.WorkerName, p.WorkerDir = l.Name, l.Dir
	}
	p.Answered, p.Total = q.Progress(sc.Answers)
	for _, d := range sc.Result.Dimensions {
		v := DimensionView{DimensionResult: d, Label: d.Label}
		if def, ok := dimLabel[d.ID]; ok {
			v.Label, v.Description = def.Labels.In(staff), def.Description.In(staff)
		}
		for _, id := range d.Indicators {
			v.Observed = append(v.Observed, label(id))
		}
		v.Needs = describeNeeds(b, d.Needs)
		p.Dimensions = append(p.Dimensions, v)
	}
	for _, c := range sc.Result.Clauses {
		cv := ClauseView{Label: c.ID, Satisfied: c.Satisfied}
		if key := "screening.clause_" + c.ID; s.cat.Has(key) {
			cv.Label = b.T(key)
		}
		for _, id := range c.Positive {
			if def, ok := dimLabel[id]; ok {
				cv.Of = append(cv.Of, def.Labels.In(staff))
			}
		}
		p.Clauses = append(p.Clauses, cv)
	}
	if fl := sc.Result.ForcedLabour; fl != nil {
		view, _ := indicator.Builtin().Catalog(fl.Catalog)
		p.Evidenced = fl.Evidenced
		for _, m := range fl.Indicators {
			mv := MappedView{Label: m.Label, Evidenced: m.Evidenced}
			if view != nil {
				for _, vm := range view.Mapped {
					if vm.ID == m.ID {
						mv.Label = vm.Labels.In(staff)
					}
				}
			}
			for _, id := range m.Evidence {
				mv.Evidence = append(mv.Evidence, label(id))
			}
			p.ForcedLabour = append(p.ForcedLabour, mv)
		}
	}
	for _, st := range s.svc.NextSteps(sc.Result) {
		p.Steps = append(p.Steps, st.Labels.In(staff))
	}
	return p
}

// describeNeeds says in the staff language what a dimension still needs:
// "1 more strong indicator, or 2 more medium or weak".
func describeNeeds(b *Base, needs []indicator.Need) string {
	var alts []string
	for _, n := range needs {
		var kinds []string
		for _, st := range n.Strengths {
			kinds = append(kinds, b.T("strength."+st))
		}
		alts = append(alts, b.T("screening.need", n.Count, strings.Join(kinds, b.T("screening.or"))))
	}
	return strings.Join(alts, "; ")
}

func (s *Server) screeningComplete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.svc.UpdateAssessment(r.Context(), caller(r), id, app.AssessmentUpdate{Complete: true}); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/screenings/%d/result?flash=screening_completed", id), http.StatusSeeOther)
	return nil
}
