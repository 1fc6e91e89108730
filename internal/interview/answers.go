package interview

import (
	"fmt"
	"sort"
	"unicode/utf8"

	"alliance/internal/indicator"
)

// MaxNotes is the longest interviewer's note kept with an assessment, in
// characters.
const MaxNotes = 4000

// Answers is what an interview records: the worker's answers to questions,
// the interviewer's judgement of indicators, and what is known of the age. It
// holds no identity.
type Answers struct {
	// Questions maps a question id to Yes, No, Unknown or Declined.
	Questions map[string]string `json:"questions,omitempty"`
	// Indicators maps an indicator id to the interviewer's judgement
	// (indicator.Present, Absent, Unknown or Declined). It overrides what the
	// questions say about that indicator.
	Indicators map[string]string `json:"indicators,omitempty"`
	// Age in years, nil when not known.
	Age *int `json:"age,omitempty"`
	// RecruitmentEvent records a recruitment, transfer or harbouring event.
	RecruitmentEvent bool `json:"recruitment_event,omitempty"`
	// Notes are the interviewer's, in the staff language.
	Notes string `json:"notes,omitempty"`
}

// FieldError names the answer that is wrong, for forms and the API.
type FieldError struct {
	Field string // "questions.rec.debt", "indicators.vr.family", "age", "notes"
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

var questionAnswers = map[string]bool{Yes: true, No: true, Unknown: true, Declined: true}

var indicatorAnswers = map[string]bool{
	indicator.Present: true, indicator.Absent: true, indicator.Unknown: true, indicator.Declined: true,
}

// Check reports the first answer that does not fit the questionnaire, in a
// stable order: an unknown question or indicator, an answer that is not one of
// the four, an age outside 0..130, or notes that are too long.
func (q *Questionnaire) Check(a Answers) error {
	for _, id := range sortedKeys(a.Questions) {
		if q.questions[id] == nil {
			return &FieldError{"questions." + id, fmt.Sprintf("%q is not a question of %s", id, q.ID)}
		}
		if v := a.Questions[id]; !questionAnswers[v] {
			return &FieldError{"questions." + id, fmt.Sprintf("answer %q is not yes, no, unknown or declined", v)}
		}
	}
	for _, id := range sortedKeys(a.Indicators) {
		if _, ok := q.cat.Indicator(id); !ok {
			return &FieldError{"indicators." + id, fmt.Sprintf("%q is not an indicator of %s", id, q.cat.ID)}
		}
		if v := a.Indicators[id]; !indicatorAnswers[v] {
			return &FieldError{"indicators." + id, fmt.Sprintf("answer %q is not present, absent, unknown or declined", v)}
		}
	}
	if a.Age != nil && (*a.Age < 0 || *a.Age > 130) {
		return &FieldError{"age", fmt.Sprintf("%d is not an age between 0 and 130", *a.Age)}
	}
	if n := utf8.RuneCountInString(a.Notes); n > MaxNotes {
		return &FieldError{"notes", fmt.Sprintf("%d characters; at most %d are kept", n, MaxNotes)}
	}
	if !utf8.ValidString(a.Notes) {
		return &FieldError{"notes", "not valid UTF-8 text"}
	}
	return nil
}

// Merge returns a with the question and indicator answers of b added or
// replacing a's; an empty answer in b removes a's, so that a mistaken click can
// be undone. The age, recruitment event and notes of a are kept: callers set
// those directly.
func Merge(a, b Answers) Answers {
	out := Answers{
		Questions:        merge(a.Questions, b.Questions),
		Indicators:       merge(a.Indicators, b.Indicators),
		Age:              a.Age,
		RecruitmentEvent: a.RecruitmentEvent,
		Notes:            a.Notes,
	}
	return out
}

func merge(a, b map[string]string) map[string]string {
	if len(a) == 0 && len(b) == 0 {
		return nil
	}
	out := make(map[string]string, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if v == "" {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

// Input turns answers into the engine's input. An indicator the interviewer
// judged takes that judgement. Otherwise, of the questions that cover it, a
// "yes" makes it present; failing that "declined", then "unknown" decide; it is
// absent only when every question that covers it is answered "no"; with no
// answer at all it stays unanswered. Call Check first.
func (q *Questionnaire) Input(a Answers) indicator.Input {
	in := indicator.Input{Catalog: q.cat.ID, Age: a.Age, RecruitmentEvent: a.RecruitmentEvent}
	for _, ind := range q.cat.Indicators {
		state, ok := a.Indicators[ind.ID]
		if !ok {
			state = q.fromQuestions(ind.ID, a.Questions)
		}
		switch state {
		case indicator.Present:
			in.Observed = append(in.Observed, ind.ID)
		case indicator.Absent:
			in.Absent = append(in.Absent, ind.ID)
		case indicator.Unknown:
			in.Unknown = append(in.Unknown, ind.ID)
		case indicator.Declined:
			in.Declined = append(in.Declined, ind.ID)
		}
	}
	return in
}

func (q *Questionnaire) fromQuestions(ind string, answers map[string]string) string {
	qs := q.byInd[ind]
	var yes, declined, unknown, no int
	for _, id := range qs {
		switch answers[id] {
		case Yes:
			yes++
		case Declined:
			declined++
		case Unknown:
			unknown++
		case No:
			no++
		}
	}
	switch {
	case yes > 0:
		return indicator.Present
	case declined > 0:
		return indicator.Declined
	case unknown > 0:
		return indicator.Unknown
	case no > 0 && no == len(qs):
		return indicator.Absent
	}
	return ""
}

// Progress counts the questions answered, of all, and the observations made.
func (q *Questionnaire) Progress(a Answers) (answered, total int) {
	for id := range a.Questions {
		if q.questions[id] != nil {
			answered++
		}
	}
	for _, id := range q.observed {
		if _, ok := a.Indicators[id]; ok {
			answered++
		}
	}
	return answered, len(q.questions) + len(q.observed)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
