package interview

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"alliance/internal/indicator"
)

// stateOf returns the list of the input an indicator is in ("" for none),
// failing when it is in more than one.
func stateOf(t *testing.T, in indicator.Input, id string) string {
	t.Helper()
	got := ""
	for state, ids := range map[string][]string{
		indicator.Present: in.Observed, indicator.Absent: in.Absent,
		indicator.Unknown: in.Unknown, indicator.Declined: in.Declined,
	} {
		if n := countOf(ids, id); n > 0 {
			if got != "" || n > 1 {
				t.Fatalf("%s is listed more than once: %+v", id, in)
			}
			got = state
		}
	}
	return got
}

func countOf(ids []string, id string) int {
	n := 0
	for _, x := range ids {
		if x == id {
			n++
		}
	}
	return n
}

func allIDs(in indicator.Input) []string {
	return slices.Concat(in.Observed, in.Absent, in.Unknown, in.Declined)
}

// twoQuestions returns a questionnaire with an indicator covered by exactly
// two questions, and their ids. The built-in one is used if it has such an
// indicator; otherwise a question covering the indicator of the first work
// question is added to the built-in data (English only).
func twoQuestions(t *testing.T) (q *Questionnaire, ind, a, b string) {
	t.Helper()
	bq := Builtin()
	for _, i := range bq.Catalog().Indicators {
		if qs := bq.byInd[i.ID]; len(qs) == 2 {
			return bq, i.ID, qs[0], qs[1]
		}
	}
	st, ok := bq.Stage("work")
	if !ok || len(st.Questions) == 0 {
		t.Fatal("no work question to copy")
	}
	first := st.Questions[0]
	ind, a, b = first.Indicators[0], first.ID, "work.also_covers"
	qdata, langs := embedded(t)
	qdata = editJSON(t, qdata, func(m map[string]any) {
		s := stageByID(t, m, "work")
		s["questions"] = append(s["questions"].([]any), map[string]any{"id": b, "indicators": []any{ind}})
	})
	langs = onlyEnglish(langs)
	langs["en.json"] = editJSON(t, langs["en.json"], func(m map[string]any) { texts(m)["q."+b] = "Another question on the same indicator?" })
	q = mustParse(t, qdata, langs)
	if got := q.byInd[ind]; !slices.Equal(got, []string{a, b}) {
		t.Fatalf("test setup: %s is covered by %v", ind, got)
	}
	return q, ind, a, b
}

func TestInputTwoQuestions(t *testing.T) {
	q, ind, a, b := twoQuestions(t)
	// Only these questions are answered: the other indicators they map (if
	// any) may appear too, nothing else.
	mapped := map[string]bool{}
	for _, id := range []string{a, b} {
		for _, i := range q.questions[id].Indicators {
			mapped[i] = true
		}
	}
	tests := []struct {
		name       string
		questions  map[string]string
		indicators map[string]string
		want       string // "" for unanswered
	}{
		{"none", nil, nil, ""},
		{"yes", map[string]string{a: Yes}, nil, indicator.Present},
		{"second yes", map[string]string{b: Yes}, nil, indicator.Present},
		{"yes beats no", map[string]string{a: Yes, b: No}, nil, indicator.Present},
		{"yes beats declined", map[string]string{a: Declined, b: Yes}, nil, indicator.Present},
		{"yes beats unknown", map[string]string{a: Yes, b: Unknown}, nil, indicator.Present},
		{"declined beats unknown", map[string]string{a: Unknown, b: Declined}, nil, indicator.Declined},
		{"declined beats no", map[string]string{a: Declined, b: No}, nil, indicator.Declined},
		{"unknown beats no", map[string]string{a: No, b: Unknown}, nil, indicator.Unknown},
		{"declined alone", map[string]string{b: Declined}, nil, indicator.Declined},
		{"unknown alone", map[string]string{a: Unknown}, nil, indicator.Unknown},
		{"all no", map[string]string{a: No, b: No}, nil, indicator.Absent},
		{"one no, one unanswered", map[string]string{a: No}, nil, ""},
		{"other no, one unanswered", map[string]string{b: No}, nil, ""},
		{"judged absent over yes", map[string]string{a: Yes, b: Yes}, map[string]string{ind: indicator.Absent}, indicator.Absent},
		{"judged present over no", map[string]string{a: No, b: No}, map[string]string{ind: indicator.Present}, indicator.Present},
		{"judged declined over unknown", map[string]string{a: Unknown}, map[string]string{ind: indicator.Declined}, indicator.Declined},
		{"judged unknown, no answers", nil, map[string]string{ind: indicator.Unknown}, indicator.Unknown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ans := Answers{Questions: tc.questions, Indicators: tc.indicators}
			if err := q.Check(ans); err != nil {
				t.Fatalf("Check: %v", err)
			}
			in := q.Input(ans)
			if got := stateOf(t, in, ind); got != tc.want {
				t.Errorf("%s is %q, want %q (input %+v)", ind, got, tc.want, in)
			}
			for _, id := range allIDs(in) {
				if !mapped[id] {
					t.Errorf("%s appears although nothing answers it: %+v", id, in)
				}
			}
			if _, err := indicator.Assess(q.Catalog(), in); err != nil {
				t.Errorf("Assess: %v", err)
			}
		})
	}
}

func TestInputEveryQuestion(t *testing.T) {
	q := Builtin()
	covered := map[string]bool{}
	for _, st := range q.Stages {
		for _, qu := range st.Questions {
			for _, i := range qu.Indicators {
				covered[i] = true
			}
			// A "yes" to this question alone makes exactly its indicators present.
			in := q.Input(Answers{Questions: map[string]string{qu.ID: Yes}})
			got := slices.Sorted(slices.Values(in.Observed))
			want := slices.Sorted(slices.Values(qu.Indicators))
			want = slices.Compact(want)
			if !slices.Equal(got, want) || len(in.Absent)+len(in.Unknown)+len(in.Declined) != 0 {
				t.Errorf("%s yes: input %+v, want observed %v", qu.ID, in, want)
			}
		}
	}
	// Every question "no": every covered indicator absent, none other answered.
	all := map[string]string{}
	for _, st := range q.Stages {
		for _, qu := range st.Questions {
			all[qu.ID] = No
		}
	}
	in := q.Input(Answers{Questions: all})
	if len(in.Observed)+len(in.Unknown)+len(in.Declined) != 0 || len(in.Absent) != len(covered) {
		t.Fatalf("all no: %+v, want %d absent", in, len(covered))
	}
	for _, id := range in.Absent {
		if !covered[id] {
			t.Errorf("%s absent but no question covers it", id)
		}
	}
	// The interviewer's judgement of the observed indicators adds to it.
	judged := map[string]string{}
	for i, id := range q.Observed() {
		judged[id] = []string{indicator.Present, indicator.Absent, indicator.Unknown, indicator.Declined}[i%4]
	}
	in = q.Input(Answers{Questions: all, Indicators: judged})
	for id, want := range judged {
		if got := stateOf(t, in, id); got != want {
			t.Errorf("%s judged %q, input has %q", id, want, got)
		}
	}
	if n := len(allIDs(in)); n != len(q.Catalog().Indicators) {
		t.Errorf("%d indicators answered, want all %d", n, len(q.Catalog().Indicators))
	}
}

func TestInputPassThrough(t *testing.T) {
	q := Builtin()
	age := 42
	in := q.Input(Answers{Age: &age, RecruitmentEvent: true, Notes: "n"})
	if in.Catalog != q.Catalog().ID {
		t.Errorf("catalog %q", in.Catalog)
	}
	if in.Age == nil || *in.Age != 42 || !in.RecruitmentEvent {
		t.Errorf("age/recruitment not passed: %+v", in)
	}
	if n := len(allIDs(in)); n != 0 {
		t.Errorf("empty answers gave %d answered indicators", n)
	}
	in = q.Input(Answers{})
	if in.Age != nil || in.RecruitmentEvent {
		t.Errorf("zero answers: %+v", in)
	}
}

// questionsFor returns the questions whose indicators all belong to the
// dimension.
func questionsFor(q *Questionnaire, dim string) []string {
	var ids []string
	for _, st := range q.Stages {
		for _, qu := range st.Questions {
			ok := true
			for _, i := range qu.Indicators {
				ind, _ := q.Catalog().Indicator(i)
				ok = ok && ind.Dimension == dim
			}
			if ok {
				ids = append(ids, qu.ID)
			}
		}
	}
	return ids
}

// traffickingAnswers answers "yes" to the questions of the first dimension of
// each clause of the trafficking formula, and returns them.
func traffickingAnswers(t *testing.T, q *Questionnaire) (Answers, map[string]bool) {
	t.Helper()
	rules := q.Catalog().Rules()
	if rules == nil || len(rules.Trafficking) == 0 {
		t.Fatal("the catalogue has no trafficking clauses")
	}
	a := Answers{Questions: map[string]string{}}
	evidence := map[string]bool{}
	for _, c := range rules.Trafficking {
		var qs []string
		for _, d := range c.AnyOf {
			if qs = questionsFor(q, d); len(qs) > 0 {
				break
			}
		}
		if len(qs) == 0 {
			t.Fatalf("no question covers any dimension of clause %s", c.ID)
		}
		for _, id := range qs {
			a.Questions[id] = Yes
			for _, i := range q.questions[id].Indicators {
				evidence[i] = true
			}
		}
	}
	return a, evidence
}

func TestInputAssessTrafficking(t *testing.T) {
	q := Builtin()
	a, evidence := traffickingAnswers(t, q)
	if err := q.Check(a); err != nil {
		t.Fatal(err)
	}
	in := q.Input(a)
	if got, want := slices.Sorted(slices.Values(in.Observed)), slices.Sorted(maps.Keys(evidence)); !slices.Equal(got, want) {
		t.Errorf("observed %v, want %v", got, want)
	}
	r, err := indicator.Assess(q.Catalog(), in)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Trafficking {
		t.Errorf("not trafficking: %+v", r.Clauses)
	}
	for _, c := range r.Clauses {
		if !c.Satisfied {
			t.Errorf("clause %s not satisfied", c.ID)
		}
	}

	// The same questions answered "no" show nothing.
	for id := range a.Questions {
		a.Questions[id] = No
	}
	r, err = indicator.Assess(q.Catalog(), q.Input(a))
	if err != nil {
		t.Fatal(err)
	}
	if r.Trafficking {
		t.Error("trafficking with every answer no")
	}
	for _, d := range r.Dimensions {
		if d.Positive || len(d.Indicators) > 0 {
			t.Errorf("dimension %s: positive %v, indicators %v", d.ID, d.Positive, d.Indicators)
		}
	}

	// An interviewer's "absent" on every evidenced indicator overrides the yeses.
	for id := range a.Questions {
		a.Questions[id] = Yes
	}
	a.Indicators = map[string]string{}
	for id := range evidence {
		a.Indicators[id] = indicator.Absent
	}
	r, err = indicator.Assess(q.Catalog(), q.Input(a))
	if err != nil {
		t.Fatal(err)
	}
	if r.Trafficking {
		t.Error("trafficking although the interviewer judged every indicator absent")
	}
}

func TestCheck(t *testing.T) {
	q := Builtin()
	ids := questionIDs(q)
	question := ids[0]
	observed := q.Observed()[0]
	age := func(n int) *int { return &n }
	tests := []struct {
		name  string
		a     Answers
		field string // "" for valid
	}{
		{"empty", Answers{}, ""},
		{"every answer", Answers{
			Questions:  map[string]string{question: Yes, ids[1]: No, ids[2]: Unknown, ids[3]: Declined},
			Indicators: map[string]string{observed: indicator.Present, q.Observed()[1]: indicator.Absent, q.Observed()[2]: indicator.Unknown, q.Observed()[3]: indicator.Declined},
			Age:        age(0), RecruitmentEvent: true, Notes: "ok",
		}, ""},
		{"age 130", Answers{Age: age(130)}, ""},
		{"judging a covered indicator", Answers{Indicators: map[string]string{q.questions[question].Indicators[0]: indicator.Absent}}, ""},
		{"unknown question", Answers{Questions: map[string]string{"rec.nope": Yes}}, "questions.rec.nope"},
		{"bad answer", Answers{Questions: map[string]string{question: "maybe"}}, "questions." + question},
		{"indicator word for a question", Answers{Questions: map[string]string{question: indicator.Present}}, "questions." + question},
		{"empty answer", Answers{Questions: map[string]string{question: ""}}, "questions." + question},
		{"unknown indicator", Answers{Indicators: map[string]string{"ex.nope": indicator.Present}}, "indicators.ex.nope"},
		{"bad indicator answer", Answers{Indicators: map[string]string{observed: Yes}}, "indicators." + observed},
		{"age -1", Answers{Age: age(-1)}, "age"},
		{"age 131", Answers{Age: age(131)}, "age"},
		{"notes at the limit", Answers{Notes: strings.Repeat("é", MaxNotes)}, ""},
		{"notes too long", Answers{Notes: strings.Repeat("a", MaxNotes+1)}, "notes"},
		{"notes invalid UTF-8", Answers{Notes: "ok \xff\xfe"}, "notes"},
		{"first in order", Answers{
			Questions:  map[string]string{"zzz": Yes, "aaa": Yes},
			Indicators: map[string]string{"nope": indicator.Present},
			Age:        age(-5),
		}, "questions.aaa"},
		{"questions before indicators", Answers{
			Questions:  map[string]string{question: "x"},
			Indicators: map[string]string{"nope": indicator.Present},
		}, "questions." + question},
		{"indicators before age", Answers{
			Indicators: map[string]string{observed: "x"},
			Age:        age(200), Notes: "\xff",
		}, "indicators." + observed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := q.Check(tc.a)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				if _, err := indicator.Assess(q.Catalog(), q.Input(tc.a)); err != nil {
					t.Errorf("Assess after Check: %v", err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Check = %v, want a *FieldError on %s", err, tc.field)
			}
			if fe.Field != tc.field || fe.Msg == "" {
				t.Errorf("field %q msg %q, want field %q", fe.Field, fe.Msg, tc.field)
			}
			if fe.Error() != fe.Field+": "+fe.Msg {
				t.Errorf("Error() = %q", fe.Error())
			}
		})
	}
}

func TestMerge(t *testing.T) {
	age, other := 30, 12
	a := Answers{
		Questions:        map[string]string{"q1": Yes, "q2": No, "q3": Unknown},
		Indicators:       map[string]string{"i1": indicator.Present, "i2": indicator.Absent},
		Age:              &age,
		RecruitmentEvent: true,
		Notes:            "a's notes",
	}
	b := Answers{
		Questions:  map[string]string{"q2": Yes, "q3": "", "q4": Declined, "q5": ""},
		Indicators: map[string]string{"i1": "", "i3": indicator.Unknown},
		Age:        &other,
		Notes:      "b's notes",
	}
	aq, ai, bq, bi := maps.Clone(a.Questions), maps.Clone(a.Indicators), maps.Clone(b.Questions), maps.Clone(b.Indicators)

	m := Merge(a, b)
	if want := map[string]string{"q1": Yes, "q2": Yes, "q4": Declined}; !maps.Equal(m.Questions, want) {
		t.Errorf("questions %v, want %v", m.Questions, want)
	}
	if want := map[string]string{"i2": indicator.Absent, "i3": indicator.Unknown}; !maps.Equal(m.Indicators, want) {
		t.Errorf("indicators %v, want %v", m.Indicators, want)
	}
	if m.Age == nil || *m.Age != 30 || !m.RecruitmentEvent || m.Notes != "a's notes" {
		t.Errorf("age/recruitment/notes not a's: %+v", m)
	}
	if !maps.Equal(a.Questions, aq) || !maps.Equal(a.Indicators, ai) || !maps.Equal(b.Questions, bq) || !maps.Equal(b.Indicators, bi) || age != 30 || other != 12 {
		t.Error("Merge changed its inputs")
	}
	// The result does not share maps with the inputs.
	m.Questions["q9"] = Yes
	m.Indicators["i9"] = indicator.Present
	if _, ok := a.Questions["q9"]; ok {
		t.Error("result shares a's questions")
	}
	if _, ok := a.Indicators["i9"]; ok {
		t.Error("result shares a's indicators")
	}

	// Into nothing, and with nothing.
	m = Merge(Answers{}, b)
	if want := map[string]string{"q2": Yes, "q4": Declined}; !maps.Equal(m.Questions, want) {
		t.Errorf("into empty: %v, want %v", m.Questions, want)
	}
	if m.Age != nil || m.Notes != "" {
		t.Errorf("into empty took b's age or notes: %+v", m)
	}
	m = Merge(a, Answers{})
	if !maps.Equal(m.Questions, a.Questions) || !maps.Equal(m.Indicators, a.Indicators) {
		t.Errorf("with empty: %+v", m)
	}
	if m = Merge(Answers{}, Answers{}); m.Questions != nil || m.Indicators != nil {
		t.Errorf("empty with empty: %+v", m)
	}
	// A merged answer set is checked like any other.
	q := Builtin()
	first := questionIDs(q)[0]
	m = Merge(Answers{Questions: map[string]string{first: Yes}}, Answers{Questions: map[string]string{first: ""}})
	if len(m.Questions) != 0 || q.Check(m) != nil {
		t.Errorf("undo left %v", m.Questions)
	}
}

func TestProgress(t *testing.T) {
	q := Builtin()
	total := q.QuestionCount() + len(q.Observed())
	if n, tot := q.Progress(Answers{}); n != 0 || tot != total {
		t.Fatalf("empty: %d of %d, want 0 of %d", n, tot, total)
	}
	ids := questionIDs(q)
	first := q.questions[ids[0]]
	a := Answers{
		Questions: map[string]string{first.ID: Yes, ids[1]: Declined, "not.a.question": Yes},
		Indicators: map[string]string{
			q.Observed()[0]:       indicator.Present, // counts: an observation
			first.Indicators[0]:   indicator.Absent,  // covered by a question: not an observation
			"not.an.indicator.id": indicator.Present,
		},
	}
	if n, tot := q.Progress(a); n != 3 || tot != total {
		t.Errorf("%d of %d, want 3 of %d", n, tot, total)
	}
	all := Answers{Questions: map[string]string{}, Indicators: map[string]string{}}
	for _, st := range q.Stages {
		for _, qu := range st.Questions {
			all.Questions[qu.ID] = No
		}
	}
	for _, id := range q.Observed() {
		all.Indicators[id] = indicator.Unknown
	}
	if n, tot := q.Progress(all); n != tot || tot != total {
		t.Errorf("all answered: %d of %d", n, tot)
	}
}

// questionIDs returns the ids of the questions in interview order.
func questionIDs(q *Questionnaire) []string {
	var ids []string
	for _, st := range q.Stages {
		for _, qu := range st.Questions {
			ids = append(ids, qu.ID)
		}
	}
	return ids
}
