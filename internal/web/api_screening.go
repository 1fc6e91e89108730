package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"alliance"
	"alliance/internal/app"
	"alliance/internal/indicator"
	"alliance/internal/interview"
)

// assessmentJSON is an assessment as the API gives it.
type assessmentJSON struct {
	ID                   int64              `json:"id"`
	OrgID                int64              `json:"org_id"`
	CaseID               int64              `json:"case_id,omitempty"`
	Catalog              string             `json:"catalog"`
	CatalogVersion       string             `json:"catalog_version"`
	Questionnaire        string             `json:"questionnaire"`
	QuestionnaireVersion string             `json:"questionnaire_version"`
	WorkerLang           string             `json:"worker_lang"`
	Status               string             `json:"status"`
	Revision             int64              `json:"revision"`
	CreatedBy            int64              `json:"created_by"`
	CreatedAt            time.Time          `json:"created_at"`
	UpdatedAt            time.Time          `json:"updated_at"`
	CompletedAt          *time.Time         `json:"completed_at,omitempty"`
	Stale                bool               `json:"stale"`
	Answers              *interview.Answers `json:"answers,omitempty"`
	Result               *indicator.Result  `json:"result,omitempty"`
	NextSteps            []stepJSON         `json:"next_steps,omitempty"`
}

// stepJSON is a next step the deployment proposes for a result.
type stepJSON struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

func toAssessmentJSON(a *alliance.Assessment) assessmentJSON {
	return assessmentJSON{
		ID: a.ID, OrgID: a.OrgID, CaseID: a.CaseID, Catalog: a.Catalog, CatalogVersion: a.CatalogVersion,
		Questionnaire: a.Questionnaire, QuestionnaireVersion: a.QuestionnaireVersion, WorkerLang: a.WorkerLang,
		Status: a.Status, Revision: a.Revision, CreatedBy: a.CreatedBy, CreatedAt: a.CreatedAt,
		UpdatedAt: a.UpdatedAt, CompletedAt: a.CompletedAt,
	}
}

// screeningJSON gives a screening with its answers, its result and the next
// steps for it, in the language of the request's lang parameter.
func (s *Server) screeningJSON(r *http.Request, sc *app.Screening) (assessmentJSON, error) {
	lang, err := queryLang(r)
	if err != nil {
		return assessmentJSON{}, err
	}
	out := toAssessmentJSON(&sc.Assessment)
	out.Stale, out.Answers, out.Result = sc.Stale, &sc.Answers, &sc.Result
	out.NextSteps = []stepJSON{}
	for _, st := range s.svc.NextSteps(sc.Result) {
		out.NextSteps = append(out.NextSteps, stepJSON{st.ID, st.Labels.In(lang)})
	}
	return out, nil
}

// writeScreening answers with a screening.
func (s *Server) writeScreening(w http.ResponseWriter, r *http.Request, status int, sc *app.Screening) error {
	out, err := s.screeningJSON(r, sc)
	if err != nil {
		return err
	}
	writeJSON(w, status, out)
	return nil
}

// answersPatch is the answers part of a patch: only what is merged. The
// age, notes and recruitment event are fields of the patch itself, so a body
// that puts them under "answers" is refused rather than silently ignored.
type answersPatch struct {
	Questions  map[string]string `json:"questions"`
	Indicators map[string]string `json:"indicators"`
}

// assessmentPatch is the body of POST and PATCH /api/v1/assessments.
type assessmentPatch struct {
	WorkerLang       string          `json:"worker_lang"`
	Revision         int64           `json:"revision"`
	Answers          answersPatch    `json:"answers"`
	Age              json.RawMessage `json:"age"` // a number, or null for unknown
	RecruitmentEvent *bool           `json:"recruitment_event"`
	Notes            *string         `json:"notes"`
	Complete         bool            `json:"complete"`
}

// readPatch decodes the body of POST and PATCH /api/v1/assessments, after
// checking the lang parameter of the answer: a request is refused whole or
// carried out, never carried out and then refused.
func readPatch(r *http.Request) (assessmentPatch, app.AssessmentUpdate, error) {
	var in assessmentPatch
	if _, err := queryLang(r); err != nil {
		return in, app.AssessmentUpdate{}, err
	}
	if err := decodeJSON(r, &in); err != nil {
		return in, app.AssessmentUpdate{}, err
	}
	u, err := in.update()
	return in, u, err
}

func (p *assessmentPatch) update() (app.AssessmentUpdate, error) {
	u := app.AssessmentUpdate{Revision: p.Revision, RecruitmentEvent: p.RecruitmentEvent,
		Answers: interview.Answers{Questions: p.Answers.Questions, Indicators: p.Answers.Indicators},
		Notes:   p.Notes, WorkerLang: p.WorkerLang, Complete: p.Complete}
	if p.Age != nil {
		u.SetAge = true
		if !bytes.Equal(bytes.TrimSpace(p.Age), []byte("null")) {
			var n int
			if err := json.Unmarshal(p.Age, &n); err != nil {
				return u, alliance.Invalid("age", "expected a whole number of years or null")
			}
			u.Age = &n
		}
	}
	return u, nil
}

func (s *Server) apiAssessmentList(w http.ResponseWriter, r *http.Request) error {
	status := r.URL.Query().Get("status")
	if status != "" && status != alliance.AssessmentOpen && status != alliance.AssessmentCompleted {
		return alliance.Invalid("status", "%q is not open or completed", status)
	}
	list, err := s.svc.Assessments(r.Context(), caller(r), status)
	if err != nil {
		return err
	}
	out := make([]assessmentJSON, len(list))
	for i := range list {
		out[i] = toAssessmentJSON(&list[i])
	}
	writeJSON(w, http.StatusOK, map[string]any{"assessments": out})
	return nil
}

func (s *Server) apiAssessmentCreate(w http.ResponseWriter, r *http.Request) error {
	in, u, err := readPatch(r)
	if err != nil {
		return err
	}
	if in.Revision != 0 {
		return alliance.Invalid("revision", "a new assessment has no revision")
	}
	sc, err := s.svc.StartAssessment(r.Context(), caller(r), in.WorkerLang, u)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/assessments/"+strconv.FormatInt(sc.ID, 10))
	return s.writeScreening(w, r, http.StatusCreated, sc)
}

func (s *Server) apiAssessmentShow(w http.ResponseWriter, r *http.Request) error {
	if _, err := queryLang(r); err != nil {
		return err
	}
	sc, err := s.screeningOf(r)
	if err != nil {
		return err
	}
	return s.writeScreening(w, r, http.StatusOK, sc)
}

func (s *Server) apiAssessmentUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	_, u, err := readPatch(r)
	if err != nil {
		return err
	}
	sc, err := s.svc.UpdateAssessment(r.Context(), caller(r), id, u)
	if err != nil {
		return err
	}
	return s.writeScreening(w, r, http.StatusOK, sc)
}

var langParam = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)

// queryLang reads the lang parameter: a language tag, English when absent.
func queryLang(r *http.Request) (string, error) {
	lang := r.URL.Query().Get("lang")
	if lang == "" {
		return "en", nil
	}
	if !langParam.MatchString(lang) {
		return "", alliance.Invalid("lang", "%q is not a language tag such as fr or ar", lang)
	}
	return lang, nil
}

type labelled struct {
	ID          string   `json:"id"`
	Label       string   `json:"label"`
	Description string   `json:"description,omitempty"`
	Dimension   string   `json:"dimension,omitempty"`
	Strength    string   `json:"strength,omitempty"`
	Evidence    []string `json:"evidence,omitempty"`
}

type catalogueJSON struct {
	ID         string     `json:"id"`
	Kind       string     `json:"kind"`
	Version    string     `json:"version"`
	Source     string     `json:"source"`
	Label      string     `json:"label"`
	BasedOn    string     `json:"based_on,omitempty"`
	Dimensions []labelled `json:"dimensions,omitempty"`
	Indicators []labelled `json:"indicators"`
}

// apiCatalogues lists the indicator catalogues with their labels in the
// requested language (English where a label has no translation).
func (s *Server) apiCatalogues(w http.ResponseWriter, r *http.Request) error {
	lang, err := queryLang(r)
	if err != nil {
		return err
	}
	set := indicator.Builtin()
	var out []catalogueJSON
	for _, id := range set.IDs() {
		c, _ := set.Catalog(id)
		cj := catalogueJSON{ID: c.ID, Kind: c.Kind, Version: c.Version, Source: c.Source, Label: c.Labels.In(lang), BasedOn: c.BasedOn}
		for _, d := range c.Dimensions {
			cj.Dimensions = append(cj.Dimensions, labelled{ID: d.ID, Label: d.Labels.In(lang), Description: d.Description.In(lang)})
		}
		for _, ind := range c.Indicators {
			cj.Indicators = append(cj.Indicators, labelled{ID: ind.ID, Label: ind.Labels.In(lang), Dimension: ind.Dimension, Strength: ind.Strength})
		}
		for _, m := range c.Mapped {
			cj.Indicators = append(cj.Indicators, labelled{ID: m.ID, Label: m.Labels.In(lang), Evidence: m.Evidence})
		}
		out = append(out, cj)
	}
	writeJSON(w, http.StatusOK, map[string]any{"lang": lang, "catalogues": out})
	return nil
}

type questionJSON struct {
	ID         string   `json:"id"`
	Text       string   `json:"text"`
	Indicators []string `json:"indicators"`
}

type stageJSON struct {
	ID        string         `json:"id"`
	Title     string         `json:"title"`
	Questions []questionJSON `json:"questions"`
}

type languageJSON struct {
	Tag         string           `json:"tag"`
	Name        string           `json:"name"`
	EnglishName string           `json:"english_name"`
	Dir         string           `json:"dir"`
	Review      interview.Review `json:"review"`
}

// apiQuestionnaire gives the screening questions in one worker language, with
// the indicators each maps to and the languages available.
func (s *Server) apiQuestionnaire(w http.ResponseWriter, r *http.Request) error {
	lang, err := queryLang(r)
	if err != nil {
		return err
	}
	q := s.svc.Questionnaire()
	l, ok := q.Language(lang)
	if !ok {
		return alliance.Invalid("lang", "the interview has no texts in %q", lang)
	}
	var langs []languageJSON
	for _, x := range q.Languages() {
		langs = append(langs, languageJSON{x.Tag, x.Name, x.EnglishName, x.Dir, x.Review})
	}
	var stages []stageJSON
	for _, st := range q.Stages {
		sj := stageJSON{ID: st.ID, Title: l.Text["stage."+st.ID], Questions: []questionJSON{}}
		for _, qu := range st.Questions {
			sj.Questions = append(sj.Questions, questionJSON{qu.ID, l.Text["q."+qu.ID], qu.Indicators})
		}
		stages = append(stages, sj)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"id": q.ID, "version": q.Version, "catalog": q.Catalog().ID,
		"language": languageJSON{l.Tag, l.Name, l.EnglishName, l.Dir, l.Review},
		"answers":  map[string]string{"yes": l.Text["answer.yes"], "no": l.Text["answer.no"], "unknown": l.Text["answer.unknown"], "declined": l.Text["answer.declined"]},
		"stages":   stages, "observed_by_staff": q.Observed(), "languages": langs,
	})
	return nil
}
