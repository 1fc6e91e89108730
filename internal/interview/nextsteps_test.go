package interview

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"alliance/internal/indicator"
)

func defaultCatalog(t testing.TB) *indicator.Catalog {
	t.Helper()
	cat, ok := indicator.Builtin().Catalog(indicator.DefaultCatalog)
	if !ok {
		t.Fatal("no default catalogue")
	}
	return cat
}

func stepIDs(steps []Step) []string {
	var ids []string
	for _, s := range steps {
		ids = append(ids, s.ID)
	}
	return ids
}

func assess(t *testing.T, in indicator.Input) indicator.Result {
	t.Helper()
	r, err := indicator.Assess(defaultCatalog(t), in)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// validWhen reports whether a condition is one ParseNextSteps may accept.
func validWhen(when string, cat *indicator.Catalog) bool {
	switch when {
	case WhenAlways, WhenTrafficking, WhenNotTrafficking, WhenChild, WhenForcedLabour, WhenAnyPositive:
		return true
	}
	d, ok := strings.CutPrefix(when, "positive:")
	if !ok {
		return false
	}
	for _, dim := range cat.Dimensions {
		if dim.ID == d {
			return true
		}
	}
	return false
}

func TestBuiltinNextSteps(t *testing.T) {
	n := BuiltinNextSteps()
	if n == nil || n.Version == "" || len(n.Steps) == 0 {
		t.Fatalf("BuiltinNextSteps() = %+v", n)
	}
	cat := defaultCatalog(t)
	seen := map[string]bool{}
	for _, s := range n.Steps {
		if seen[s.ID] {
			t.Errorf("step %s twice", s.ID)
		}
		seen[s.ID] = true
		if !validWhen(s.When, cat) {
			t.Errorf("step %s: when %q", s.ID, s.When)
		}
		if strings.TrimSpace(s.Labels["en"]) == "" {
			t.Errorf("step %s has no English text", s.ID)
		}
	}
	for _, id := range []string{"refer_nrm", "reflection_period", "continue_interview", "child_protection"} {
		if !seen[id] {
			t.Errorf("no step %s", id)
		}
	}
}

func TestNextStepsFor(t *testing.T) {
	q, n := Builtin(), BuiltinNextSteps()
	trafficking, _ := traffickingAnswers(t, q)

	t.Run("trafficking", func(t *testing.T) {
		r := assess(t, q.Input(trafficking))
		if !r.Trafficking || r.Child {
			t.Fatalf("test setup: trafficking %v child %v", r.Trafficking, r.Child)
		}
		got := stepIDs(n.For(r))
		for _, id := range []string{"refer_nrm", "reflection_period"} {
			if !slices.Contains(got, id) {
				t.Errorf("%s missing from %v", id, got)
			}
		}
		for _, id := range []string{"continue_interview", "child_protection"} {
			if slices.Contains(got, id) {
				t.Errorf("%s proposed for an adult trafficking result: %v", id, got)
			}
		}
	})

	t.Run("not trafficking", func(t *testing.T) {
		r := assess(t, q.Input(Answers{}))
		got := stepIDs(n.For(r))
		if !slices.Contains(got, "continue_interview") {
			t.Errorf("continue_interview missing from %v", got)
		}
		for _, id := range []string{"refer_nrm", "reflection_period", "child_protection"} {
			if slices.Contains(got, id) {
				t.Errorf("%s proposed with no answers: %v", id, got)
			}
		}
	})

	t.Run("child", func(t *testing.T) {
		age := 16
		r := assess(t, q.Input(Answers{Age: &age}))
		if !r.Child {
			t.Fatal("test setup: a 16-year-old is not a child")
		}
		got := stepIDs(n.For(r))
		if !slices.Contains(got, "child_protection") {
			t.Errorf("child_protection missing from %v", got)
		}
		adult := 18
		if got := stepIDs(n.For(assess(t, q.Input(Answers{Age: &adult})))); slices.Contains(got, "child_protection") {
			t.Errorf("child_protection proposed at 18: %v", got)
		}
	})

	t.Run("child trafficking", func(t *testing.T) {
		// For a child, exploitation and a recruitment event suffice.
		age := 16
		a := Answers{Questions: map[string]string{}, Age: &age, RecruitmentEvent: true}
		for _, dim := range q.Catalog().Rules().Children.Exploitation {
			for _, id := range questionsFor(q, dim) {
				a.Questions[id] = Yes
			}
		}
		r := assess(t, q.Input(a))
		if !r.Trafficking || !r.Child {
			t.Fatalf("test setup: trafficking %v child %v", r.Trafficking, r.Child)
		}
		got := stepIDs(n.For(r))
		for _, id := range []string{"child_protection", "refer_nrm", "reflection_period"} {
			if !slices.Contains(got, id) {
				t.Errorf("%s missing from %v", id, got)
			}
		}
		if slices.Contains(got, "continue_interview") {
			t.Errorf("continue_interview proposed: %v", got)
		}
	})

	t.Run("positive dimension", func(t *testing.T) {
		// For each dimension, a result where only it is positive proposes
		// exactly the positive:<dimension> steps of that dimension.
		cat := q.Catalog()
		for _, dim := range cat.Dimensions {
			var in indicator.Input
			for _, ind := range cat.Indicators {
				if ind.Dimension == dim.ID {
					in.Observed = append(in.Observed, ind.ID)
				}
			}
			r := assess(t, in)
			for _, d := range r.Dimensions {
				if d.Positive != (d.ID == dim.ID) {
					t.Fatalf("test setup: dimension %s positive %v", d.ID, d.Positive)
				}
			}
			got := n.For(r)
			for _, s := range n.Steps {
				d, ok := strings.CutPrefix(s.When, "positive:")
				if !ok {
					continue
				}
				if in := slices.ContainsFunc(got, func(x Step) bool { return x.ID == s.ID }); in != (d == dim.ID) {
					t.Errorf("%s positive: step %s (%s) proposed %v", dim.ID, s.ID, s.When, in)
				}
			}
		}
	})

	t.Run("order", func(t *testing.T) {
		// For keeps the list order.
		var all indicator.Input
		for _, ind := range q.Catalog().Indicators {
			all.Observed = append(all.Observed, ind.ID)
		}
		age := 10
		all.Age = &age
		got := n.For(assess(t, all))
		pos := map[string]int{}
		for i, s := range n.Steps {
			pos[s.ID] = i
		}
		for i := 1; i < len(got); i++ {
			if pos[got[i-1].ID] >= pos[got[i].ID] {
				t.Errorf("order %v", stepIDs(got))
			}
		}
		if len(got) == 0 {
			t.Error("nothing proposed with every indicator present")
		}
	})
}

// everyCondition is a list with one step per condition.
func everyCondition(t *testing.T) *NextSteps {
	t.Helper()
	cat := defaultCatalog(t)
	var steps []string
	add := func(id, when string) {
		steps = append(steps, fmt.Sprintf(`{"id": %q, "when": %q, "labels": {"en": "Do %s."}}`, id, when, id))
	}
	for _, w := range []string{WhenAlways, WhenTrafficking, WhenNotTrafficking, WhenChild, WhenForcedLabour, WhenAnyPositive} {
		add(w, w)
	}
	for _, d := range cat.Dimensions {
		add("pos."+d.ID, "positive:"+d.ID)
	}
	n, err := ParseNextSteps([]byte(`{"version": "1", "steps": [`+strings.Join(steps, ",")+`]}`), cat)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestNextStepsConditions(t *testing.T) {
	n := everyCondition(t)
	cat := defaultCatalog(t)
	check := func(t *testing.T, r indicator.Result) {
		t.Helper()
		anyPos := false
		for _, d := range r.Dimensions {
			anyPos = anyPos || d.Positive
		}
		want := map[string]bool{
			WhenAlways:         true,
			WhenTrafficking:    r.Trafficking,
			WhenNotTrafficking: !r.Trafficking,
			WhenChild:          r.Child,
			WhenForcedLabour:   r.ICLS2018 != nil && r.ICLS2018.ForcedLabour,
			WhenAnyPositive:    anyPos,
		}
		for _, d := range r.Dimensions {
			want["pos."+d.ID] = d.Positive
		}
		got := map[string]bool{}
		for _, s := range n.For(r) {
			got[s.ID] = true
		}
		for _, s := range n.Steps {
			if got[s.ID] != want[s.ID] {
				t.Errorf("step %s (%s): proposed %v, want %v", s.ID, s.When, got[s.ID], want[s.ID])
			}
		}
	}
	t.Run("empty result", func(t *testing.T) {
		got := stepIDs(n.For(indicator.Result{}))
		if !slices.Equal(got, []string{WhenAlways, WhenNotTrafficking}) {
			t.Errorf("For(Result{}) = %v", got)
		}
	})
	t.Run("no answers", func(t *testing.T) { check(t, assess(t, indicator.Input{})) })
	t.Run("every indicator", func(t *testing.T) {
		var in indicator.Input
		for _, ind := range cat.Indicators {
			in.Observed = append(in.Observed, ind.ID)
		}
		r := assess(t, in)
		if r.ICLS2018 == nil || !r.ICLS2018.ForcedLabour {
			t.Error("test setup: the ICLS view does not find forced labour with every indicator present")
		}
		check(t, r)
	})
	t.Run("forced labour by hand", func(t *testing.T) {
		check(t, indicator.Result{ICLS2018: &indicator.ICLSResult{ForcedLabour: true}})
		got := stepIDs(n.For(indicator.Result{ICLS2018: &indicator.ICLSResult{Involuntary: true}}))
		if slices.Contains(got, WhenForcedLabour) {
			t.Errorf("forced_labour proposed without a penalty: %v", got)
		}
	})
	t.Run("each dimension", func(t *testing.T) {
		for _, dim := range cat.Dimensions {
			var in indicator.Input
			for _, ind := range cat.Indicators {
				if ind.Dimension == dim.ID {
					in.Observed = append(in.Observed, ind.ID)
				}
			}
			check(t, assess(t, in))
		}
	})
	t.Run("trafficking", func(t *testing.T) {
		a, _ := traffickingAnswers(t, Builtin())
		check(t, assess(t, Builtin().Input(a)))
	})
}

func TestParseNextStepsErrors(t *testing.T) {
	cat := defaultCatalog(t)
	step := func(id, when, en string) string {
		return fmt.Sprintf(`{"id": %q, "when": %q, "labels": {"en": %q, "fr": "x"}}`, id, when, en)
	}
	list := func(steps ...string) string {
		return `{"version": "1", "steps": [` + strings.Join(steps, ",") + `]}`
	}
	ok := step("ok", WhenAlways, "Fine.")
	tests := []struct {
		name  string
		data  string
		parts []string
	}{
		{"unknown when", list(ok, step("later", "sometimes", "Later.")), []string{"steps[1]", "(later)", `"sometimes"`}},
		{"empty when", list(step("s", "", "S.")), []string{"steps[0]", "(s)", `when ""`}},
		{"unknown dimension", list(step("dim", "positive:nope", "D.")), []string{"steps[0]", "(dim)", `"positive:nope"`}},
		{"empty dimension", list(step("dim", "positive:", "D.")), []string{"(dim)", `"positive:"`}},
		{"indicator for dimension", list(step("dim", "positive:ex.excessive_hours", "D.")), []string{"(dim)", `"positive:ex.excessive_hours"`}},
		{"missing English", list(ok, `{"id": "fr_only", "when": "always", "labels": {"fr": "Seulement."}}`), []string{"steps[1]", "(fr_only)", "English"}},
		{"blank English", list(step("blank", WhenAlways, " ")), []string{"(blank)", "English"}},
		{"duplicate id", list(ok, step("other", WhenChild, "O."), step("ok", WhenChild, "Again.")), []string{"steps[2]", `"ok"`, "twice"}},
		{"bad id", list(step("Bad Id", WhenChild, "B.")), []string{"steps[0]", `"Bad Id"`}},
		{"missing version", `{"steps": [` + ok + `]}`, []string{"version is missing"}},
		{"unknown field", `{"version": "1", "steps": [], "extra": true}`, []string{"next steps", `"extra"`}},
		{"unknown step field", `{"version": "1", "steps": [{"id": "x", "when": "always", "labels": {"en": "X"}, "if": "y"}]}`, []string{"next steps", `"if"`}},
		{"malformed", "{\n\"version\": \"1\",\n\"steps\": [}", []string{"next steps", "line 3, column 11"}},
		{"trailing", list(ok) + " []", []string{"next steps", "after the JSON value"}},
		{"empty", "", []string{"next steps"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, err := ParseNextSteps([]byte(tc.data), cat)
			if n != nil {
				t.Error("ParseNextSteps returned steps with its error")
			}
			wantErr(t, err, tc.parts...)
		})
	}
	// The valid parts of these inputs parse.
	if _, err := ParseNextSteps([]byte(list(ok, step("pos", "positive:"+cat.Dimensions[0].ID, "P."))), cat); err != nil {
		t.Errorf("valid list: %v", err)
	}
	if n, err := ParseNextSteps([]byte(`{"version": "1", "steps": []}`), cat); err != nil || len(n.For(indicator.Result{})) != 0 {
		t.Errorf("empty list: %v, %v", n, err)
	}
}
