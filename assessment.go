package alliance

import "time"

// The column names an assessment's sealed fields are bound to.
const (
	ColAssessmentAnswers = "assessments.answers"
	ColAssessmentResult  = "assessments.result"
)

// Assessment statuses.
const (
	AssessmentOpen      = "open"      // the interview is under way and can be resumed
	AssessmentCompleted = "completed" // the result is final; answers no longer change
)

// Assessment is one screening interview against an indicator catalogue and its
// explained result. It holds no identity: before consent a screening is
// anonymous, and it is attached to a case (CaseID) only later.
//
// Answers and Result are JSON documents that the service layer defines; a store
// keeps them sealed under ColAssessmentAnswers and ColAssessmentResult, because
// what a worker told an interviewer is as sensitive as a name. CatalogVersion is
// the version the result was computed with, so that a later catalogue never
// silently rewrites an old result.
type Assessment struct {
	ID                   int64
	OrgID                int64
	CaseID               int64 // 0 until the screening is attached to a case
	Catalog              string
	CatalogVersion       string
	Questionnaire        string
	QuestionnaireVersion string
	WorkerLang           string // BCP 47 tag of the language the worker was asked in
	Status               string // AssessmentOpen or AssessmentCompleted
	Answers              []byte
	Result               []byte
	CreatedBy            int64
	CreatedAt            time.Time
	UpdatedAt            time.Time
	CompletedAt          *time.Time
	// Revision counts the updates; UpdateAssessment refuses a stale one.
	Revision int64
}

// AssessmentFilter selects assessments for a list. The list leaves Answers
// and Result empty: it shows what a screening is, not what it says.
type AssessmentFilter struct {
	OrgID  int64  // required: lists never cross organisations
	Status string // "" for any
	CaseID int64  // 0 for any; else only the screenings attached to that case
	Limit  int    // 0 for the store's default (100)
}
