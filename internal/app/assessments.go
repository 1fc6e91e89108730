package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"alliance"
	"alliance/internal/indicator"
	"alliance/internal/interview"
)

// Screening is an assessment as the service gives it out: the stored record
// with its answers and its result decoded. Result is the one stored with the
// assessment, computed with the catalogue version it names; Stale says that
// this server's catalogue or questionnaire has a different version, so the
// result is shown as it was and the interview cannot go on.
type Screening struct {
	alliance.Assessment
	Answers interview.Answers
	Result  indicator.Result
	Stale   bool
}

// SetInterview replaces the questionnaire and the next steps, for deployments
// that load their own and for tests.
func (s *Service) SetInterview(q *interview.Questionnaire, steps *interview.NextSteps) {
	s.questions, s.nextSteps = q, steps
}

// Questionnaire returns the questionnaire of new screenings.
func (s *Service) Questionnaire() *interview.Questionnaire { return s.questions }

// NextSteps returns the steps to propose for a result.
func (s *Service) NextSteps(r indicator.Result) []interview.Step { return s.nextSteps.For(r) }

func assessmentResource(a *alliance.Assessment) alliance.Resource {
	return alliance.Resource{Type: "assessment", ID: strconv.FormatInt(a.ID, 10), OrgID: a.OrgID}
}

// StartAssessment opens an anonymous screening in the caller's organisation,
// in the worker's language, with the answers of first (which may be empty) —
// all in one transaction, so a refused answer creates nothing.
func (s *Service) StartAssessment(ctx context.Context, c Caller, workerLang string, first AssessmentUpdate) (*Screening, error) {
	q := s.questions
	res := alliance.Resource{Type: "assessment", OrgID: c.OrgID}
	if err := s.authorize(ctx, c, alliance.ActAssessmentCreate, res); err != nil {
		return nil, err
	}
	if _, ok := q.Language(workerLang); !ok {
		return nil, alliance.Invalid("worker_lang", "%q is not one of the interview's languages", workerLang)
	}
	cat := q.Catalog()
	now := s.now()
	sc := &Screening{Assessment: alliance.Assessment{
		OrgID: c.OrgID, Catalog: cat.ID, CatalogVersion: cat.Version,
		Questionnaire: q.ID, QuestionnaireVersion: q.Version, WorkerLang: workerLang,
		Status: alliance.AssessmentOpen, CreatedBy: c.UserID, CreatedAt: now, UpdatedAt: now,
	}}
	first.Revision, first.WorkerLang = 0, ""
	if err := s.applyUpdate(sc, first); err != nil {
		return nil, err
	}
	err := s.commit(ctx, c, alliance.ActAssessmentCreate, res, func(tx alliance.Tx, e *alliance.AuditEntry) error {
		if err := tx.CreateAssessment(ctx, &sc.Assessment); err != nil {
			return err
		}
		e.ResourceID = strconv.FormatInt(sc.ID, 10)
		e.Detail = "catalogue " + cat.ID + " " + cat.Version + ", language " + workerLang
		if d := describeUpdate(first); d != "" {
			e.Detail += ", " + d
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return sc, nil
}

// evaluate assesses sc's answers and stores the encoded answers and result in
// its record.
func (s *Service) evaluate(sc *Screening) error {
	q := s.questions
	r, err := indicator.Assess(q.Catalog(), q.Input(sc.Answers))
	if err != nil {
		return err
	}
	sc.Result = r
	if sc.Assessment.Answers, err = json.Marshal(sc.Answers); err != nil {
		return err
	}
	sc.Assessment.Result, err = json.Marshal(r)
	return err
}

// decode turns a stored assessment into a screening.
func (s *Service) decode(a *alliance.Assessment) (*Screening, error) {
	sc := &Screening{Assessment: *a}
	if err := json.Unmarshal(a.Answers, &sc.Answers); err != nil {
		return nil, fmt.Errorf("assessment %d: answers: %w", a.ID, err)
	}
	if err := json.Unmarshal(a.Result, &sc.Result); err != nil {
		return nil, fmt.Errorf("assessment %d: result: %w", a.ID, err)
	}
	q := s.questions
	sc.Stale = a.CatalogVersion != q.Catalog().Version || a.Catalog != q.Catalog().ID ||
		a.Questionnaire != q.ID || a.QuestionnaireVersion != q.Version
	return sc, nil
}

// authorizeAssessment asks the policy whether the caller may act on an
// assessment, and returns it as a resource. The organisation of an
// assessment never changes, so the answer holds for a transaction after it.
func (s *Service) authorizeAssessment(ctx context.Context, c Caller, act alliance.Action, id int64) (alliance.Resource, error) {
	a, err := s.assessmentFor(ctx, s.store, c, act, id)
	if err != nil {
		return alliance.Resource{}, err
	}
	res := assessmentResource(a)
	return res, s.authorize(ctx, c, act, res)
}

// assessmentFor loads an assessment for an action. A missing one is answered
// as another organisation's would be, so that ids cannot be probed.
func (s *Service) assessmentFor(ctx context.Context, r alliance.Reader, c Caller, act alliance.Action, id int64) (*alliance.Assessment, error) {
	a, err := r.Assessment(ctx, id)
	if alliance.IsNotFound(err) && !c.Operator {
		if err := s.authorize(ctx, c, act, alliance.Resource{Type: "assessment", ID: strconv.FormatInt(id, 10), OrgID: -1}); err != nil {
			return nil, err
		}
	}
	return a, err
}

// Assessment returns one screening with its answers and result; the read is
// audited.
func (s *Service) Assessment(ctx context.Context, c Caller, id int64) (*Screening, error) {
	a, err := s.assessmentFor(ctx, s.store, c, alliance.ActAssessmentRead, id)
	if err != nil {
		return nil, err
	}
	if err := s.read(ctx, c, alliance.ActAssessmentRead, assessmentResource(a)); err != nil {
		return nil, err
	}
	return s.decode(a)
}

// Assessments lists the caller's organisation's screenings, without answers.
func (s *Service) Assessments(ctx context.Context, c Caller, status string) ([]alliance.Assessment, error) {
	if err := s.authorize(ctx, c, alliance.ActAssessmentList, alliance.Resource{Type: "assessment", OrgID: c.OrgID}); err != nil {
		return nil, err
	}
	return s.store.Assessments(ctx, alliance.AssessmentFilter{OrgID: c.OrgID, Status: status})
}

// AssessmentUpdate is a change to a screening. Answers are merged into the
// stored ones (an empty answer removes one), so that a page can save each
// answer as it is given; the other fields change only when set.
type AssessmentUpdate struct {
	// Revision, when not 0, must be the stored revision: the change is refused
	// as a conflict if someone else saved in between.
	Revision         int64
	Answers          interview.Answers // questions and indicators, merged
	SetAge           bool              // replace the age with Age (nil: unknown)
	Age              *int
	RecruitmentEvent *bool
	Notes            *string
	WorkerLang       string // "" keeps the language
	// Complete makes the result final: the answers no longer change.
	Complete bool
}

// UpdateAssessment applies u to an open screening in one transaction and
// recomputes its result. A completed screening, or one made with another
// catalogue or questionnaire version than this server's, is not changed: its
// result stays what it was.
func (s *Service) UpdateAssessment(ctx context.Context, c Caller, id int64, u AssessmentUpdate) (*Screening, error) {
	q := s.questions
	if u.WorkerLang != "" {
		if _, ok := q.Language(u.WorkerLang); !ok {
			return nil, alliance.Invalid("worker_lang", "%q is not one of the interview's languages", u.WorkerLang)
		}
	}
	// The organisation of an assessment never changes, so the policy can be
	// asked before the transaction, which then reads the current state.
	res, err := s.authorizeAssessment(ctx, c, alliance.ActAssessmentUpdate, id)
	if err != nil {
		return nil, err
	}
	var out *Screening
	err = s.commit(ctx, c, alliance.ActAssessmentUpdate, res, func(tx alliance.Tx, e *alliance.AuditEntry) error {
		a, err := tx.Assessment(ctx, id)
		if err != nil {
			return err
		}
		sc, err := s.decode(a)
		if err != nil {
			return err
		}
		if err := s.applyUpdate(sc, u); err != nil {
			return err
		}
		if err := tx.UpdateAssessment(ctx, &sc.Assessment); err != nil {
			return err
		}
		e.Detail = describeUpdate(u)
		out = sc
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) applyUpdate(sc *Screening, u AssessmentUpdate) error {
	if sc.Status == alliance.AssessmentCompleted {
		return alliance.Errorf(alliance.CodeConflict, "the screening is completed; its answers no longer change")
	}
	if sc.Stale {
		q := s.questions
		return alliance.Errorf(alliance.CodeConflict, "the screening was made with %s %s and %s %s; this server has %s %s and %s %s: its result stays as it was, start a new screening to go on",
			sc.Catalog, sc.CatalogVersion, sc.Questionnaire, sc.QuestionnaireVersion, q.Catalog().ID, q.Catalog().Version, q.ID, q.Version)
	}
	if u.Revision != 0 && u.Revision != sc.Revision {
		return alliance.Errorf(alliance.CodeConflict, "the screening was changed by someone else; reload it")
	}
	next := interview.Merge(sc.Answers, u.Answers)
	if u.SetAge {
		next.Age = u.Age
	}
	if u.RecruitmentEvent != nil {
		next.RecruitmentEvent = *u.RecruitmentEvent
	}
	if u.Notes != nil {
		// A browser posts line breaks as CRLF but counts them as one
		// character against maxlength; count them as it does.
		next.Notes = strings.TrimSpace(strings.ReplaceAll(*u.Notes, "\r\n", "\n"))
	}
	if err := s.questions.Check(next); err != nil {
		var fe *interview.FieldError
		if errors.As(err, &fe) {
			return alliance.Invalid(fe.Field, "%s", fe.Msg)
		}
		return err
	}
	sc.Answers = next
	if u.WorkerLang != "" {
		sc.WorkerLang = u.WorkerLang
	}
	now := s.now()
	sc.UpdatedAt = now
	if u.Complete {
		sc.Status, sc.CompletedAt = alliance.AssessmentCompleted, &now
	}
	return s.evaluate(sc)
}

// describeUpdate names what an update touched, without the answers: the audit
// log says who changed which screening when, not what the worker said.
func describeUpdate(u AssessmentUpdate) string {
	var parts []string
	if n := len(u.Answers.Questions); n > 0 {
		parts = append(parts, fmt.Sprintf("%d answers", n))
	}
	if n := len(u.Answers.Indicators); n > 0 {
		parts = append(parts, fmt.Sprintf("%d observations", n))
	}
	if u.SetAge {
		parts = append(parts, "age")
	}
	if u.RecruitmentEvent != nil {
		parts = append(parts, "recruitment event")
	}
	if u.Notes != nil {
		parts = append(parts, "notes")
	}
	if u.WorkerLang != "" {
		parts = append(parts, "language "+u.WorkerLang)
	}
	if u.Complete {
		parts = append(parts, "completed")
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// AttachAssessment attaches a screening to a case of the same organisation —
// once consent allows a case to be opened — or detaches it (caseID 0). It
// changes neither the answers nor the result, so a completed or stale
// screening can be attached too.
func (s *Service) AttachAssessment(ctx context.Context, c Caller, id, caseID int64) (*Screening, error) {
	res, err := s.authorizeAssessment(ctx, c, alliance.ActAssessmentUpdate, id)
	if err != nil {
		return nil, err
	}
	var out *Screening
	err = s.commit(ctx, c, alliance.ActAssessmentUpdate, res, func(tx alliance.Tx, e *alliance.AuditEntry) error {
		a, err := tx.Assessment(ctx, id)
		if err != nil {
			return err
		}
		if caseID != 0 {
			k, err := tx.Case(ctx, caseID)
			if err != nil || k.OrgID != a.OrgID {
				return alliance.Invalid("case_id", "case %d is not a case of this organisation", caseID)
			}
		}
		a.CaseID, a.UpdatedAt = caseID, s.now()
		if err := tx.UpdateAssessment(ctx, a); err != nil {
			return err
		}
		e.Detail = fmt.Sprintf("attached to case %d", caseID)
		out, err = s.decode(a)
		return err
	})
	return out, err
}

// CaseAssessments lists the screenings attached to a case that the caller may
// see: the holder's, or a referral receiver's when the shared parts include
// assessments. The read is audited with the case's.
func (s *Service) CaseAssessments(ctx context.Context, c Caller, v *CaseView) ([]alliance.Assessment, error) {
	if !slices.Contains(v.Groups, alliance.GroupAssessments) {
		return nil, nil
	}
	list, err := s.store.Assessments(ctx, alliance.AssessmentFilter{OrgID: v.OrgID, CaseID: v.ID})
	if err != nil {
		return nil, err
	}
	return list, nil
}
