package interview

import (
	"encoding/json"
	"testing"

	"alliance/internal/indicator"
)

func FuzzParseNextSteps(f *testing.F) {
	data, err := dataFS.ReadFile("data/next-steps.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(`{"version": "1", "steps": [{"id": "a", "when": "positive:exploitative_conditions", "labels": {"en": "A"}}]}`))
	f.Add([]byte(`{"version": "1", "steps": [{"id": "a", "when": "positive:", "labels": {"en": "A"}}]}`))
	f.Add([]byte(`{"version": "1", "steps": null}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"version": "1", "steps": [{"id": "a", "when": "any_positive", "labels": null}]}`))
	cat := defaultCatalog(f)
	empty := indicator.Result{}
	full := func() indicator.Result {
		var in indicator.Input
		for _, ind := range cat.Indicators {
			in.Observed = append(in.Observed, ind.ID)
		}
		r, err := indicator.Assess(cat, in)
		if err != nil {
			f.Fatal(err)
		}
		return r
	}()
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := ParseNextSteps(data, cat)
		if err != nil {
			if n != nil {
				t.Fatal("steps returned with an error")
			}
			return
		}
		if n.Version == "" {
			t.Error("accepted without a version")
		}
		seen := map[string]bool{}
		for _, s := range n.Steps {
			if !validWhen(s.When, cat) {
				t.Errorf("step %q: accepted when %q", s.ID, s.When)
			}
			if seen[s.ID] || !idPattern.MatchString(s.ID) {
				t.Errorf("accepted id %q", s.ID)
			}
			seen[s.ID] = true
			if s.Labels.In("xx") == "" {
				t.Errorf("step %q: no English text", s.ID)
			}
		}
		for _, r := range []indicator.Result{empty, full} {
			got := n.For(r)
			if len(got) > len(n.Steps) {
				t.Errorf("For returned %d of %d steps", len(got), len(n.Steps))
			}
		}
	})
}

func FuzzParseQuestionnaire(f *testing.F) {
	qdata, langs := embedded(f)
	f.Add(qdata)
	f.Add(editJSON(f, qdata, func(m map[string]any) {
		m["stages"] = stagesOf(m)[:2]
	}))
	f.Add([]byte(`{"id": "x", "version": "1", "catalog": "ilo-ec-2009-adult-labour", "stages": [{"id": "about"}, {"id": "observations"}]}`))
	f.Add([]byte(`{"id": "x", "version": "1", "catalog": "ilo-ec-2009-adult-labour", "stages": [{"id": "about", "questions": [{"id": "a", "indicators": ["vd.personal", "vd.personal"]}]}, {"id": "observations"}]}`))
	f.Add([]byte(`null`))
	set := indicator.Builtin()
	f.Fuzz(func(t *testing.T, data []byte) {
		q, err := Parse(data, langs, set)
		if err != nil {
			if q != nil {
				t.Fatal("questionnaire returned with an error")
			}
			return
		}
		cat := q.Catalog()
		if cat == nil || cat.ID != q.CatalogID {
			t.Fatalf("catalogue %v for %q", cat, q.CatalogID)
		}
		covered := map[string]bool{}
		n := 0
		for _, st := range q.Stages {
			for _, qu := range st.Questions {
				n++
				if len(qu.Indicators) == 0 {
					t.Errorf("question %q maps no indicator", qu.ID)
				}
				for _, id := range qu.Indicators {
					if _, ok := cat.Indicator(id); !ok {
						t.Errorf("question %q: %q is not in the catalogue", qu.ID, id)
					}
					covered[id] = true
				}
			}
		}
		if n != q.QuestionCount() {
			t.Errorf("%d questions, QuestionCount %d", n, q.QuestionCount())
		}
		for _, id := range q.Observed() {
			if covered[id] {
				t.Errorf("%q is both covered and observed", id)
			}
		}
		if len(covered)+len(q.Observed()) != len(cat.Indicators) {
			t.Errorf("%d covered + %d observed != %d indicators", len(covered), len(q.Observed()), len(cat.Indicators))
		}
		for _, s := range []string{StageAbout, StageObservations} {
			if _, ok := q.Stage(s); !ok {
				t.Errorf("no stage %q", s)
			}
		}
		if ls := q.Languages(); len(ls) == 0 || ls[0].Tag != "en" {
			t.Fatal("English is not first")
		}
		for _, k := range q.keys() {
			if q.Text("xx", k) == "" {
				t.Errorf("no English text %q", k)
			}
		}
		// Every answer "yes" then "no" assesses.
		for _, v := range []string{Yes, No, Unknown, Declined} {
			a := Answers{Questions: map[string]string{}}
			for _, st := range q.Stages {
				for _, qu := range st.Questions {
					a.Questions[qu.ID] = v
				}
			}
			if err := q.Check(a); err != nil {
				t.Fatalf("Check: %v", err)
			}
			if _, err := indicator.Assess(cat, q.Input(a)); err != nil {
				t.Fatalf("Assess: %v", err)
			}
		}
	})
}

func FuzzCheck(f *testing.F) {
	q := Builtin()
	ids := questionIDs(q)
	seed := func(a Answers) {
		b, err := json.Marshal(a)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	age := 16
	all := Answers{Questions: map[string]string{}, Indicators: map[string]string{}, Age: &age, RecruitmentEvent: true, Notes: "seed"}
	for i, id := range ids {
		all.Questions[id] = []string{Yes, No, Unknown, Declined}[i%4]
	}
	for i, id := range q.Observed() {
		all.Indicators[id] = []string{indicator.Present, indicator.Absent, indicator.Unknown, indicator.Declined}[i%4]
	}
	seed(all)
	seed(Answers{})
	seed(Answers{Questions: map[string]string{ids[0]: "maybe"}})
	seed(Answers{Indicators: map[string]string{"nope": indicator.Present}})
	seed(Answers{Indicators: map[string]string{q.Catalog().Indicators[0].ID: indicator.Absent}, Questions: map[string]string{ids[0]: Yes}})
	f.Add([]byte(`{"age": -1}`))
	f.Add([]byte(`{"age": 131, "notes": "\ud800"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var a Answers
		if json.Unmarshal(data, &a) != nil {
			return
		}
		if n, total := q.Progress(a); n < 0 || n > total {
			t.Errorf("progress %d of %d", n, total)
		}
		if err := q.Check(a); err != nil {
			if _, ok := err.(*FieldError); !ok {
				t.Fatalf("Check returned %T, not a *FieldError", err)
			}
			return
		}
		in := q.Input(a)
		seen := map[string]bool{}
		for _, id := range allIDs(in) {
			if seen[id] {
				t.Fatalf("%q is answered twice: %+v", id, in)
			}
			seen[id] = true
		}
		r, err := indicator.Assess(q.Catalog(), in)
		if err != nil {
			t.Fatalf("Assess after Check: %v", err)
		}
		if a.Age != nil && *a.Age < q.Catalog().Rules().Children.AgeBelow && !r.Child {
			t.Errorf("age %d is not a child", *a.Age)
		}
		_ = BuiltinNextSteps().For(r)
	})
}
