package indicator

import (
	"encoding/csv"
	"errors"
	"math/rand"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func adult(t testing.TB) *Catalog {
	t.Helper()
	c, ok := Builtin().Catalog(DefaultCatalog)
	if !ok {
		t.Fatalf("no catalogue %q", DefaultCatalog)
	}
	return c
}

func assess(t *testing.T, in Input) Result {
	t.Helper()
	r, err := Assess(adult(t), in)
	if err != nil {
		t.Fatalf("Assess(%+v): %v", in, err)
	}
	return r
}

func dim(t *testing.T, r Result, id string) DimensionResult {
	t.Helper()
	for _, d := range r.Dimensions {
		if d.ID == id {
			return d
		}
	}
	t.Fatalf("no dimension %q in result", id)
	return DimensionResult{}
}

// TestCatalogMatchesReference keeps the ids, dimensions and strengths of the
// embedded catalogue exactly those of the reference CSV.
func TestCatalogMatchesReference(t *testing.T) {
	f, err := os.Open("../../../shared/reference/indicators-ilo-ec-2009-adult-labour.csv")
	if err != nil {
		t.Skipf("reference CSV not available: %v", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var want, got [][3]string
	for _, r := range rows[1:] {
		want = append(want, [3]string{r[0], r[1], r[2]})
	}
	for _, ind := range adult(t).Indicators {
		got = append(got, [3]string{ind.ID, ind.Dimension, ind.Strength})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("catalogue differs from the reference CSV (-want +got):\n%s", diff)
	}
	if len(got) != 67 {
		t.Errorf("%d indicators, want 67", len(got))
	}
}

// TestDimensionRule covers each combination of the rule, and the near misses.
func TestDimensionRule(t *testing.T) {
	const d = "coercion_at_destination" // has 4 strong, 10 medium, 1 weak
	tests := []struct {
		name     string
		observed []string
		positive bool
		missing  string
	}{
		{"nothing", nil, false, "two more strong indicators"},
		{"two strong", []string{"cd.documents_taken", "cd.debt_bondage"}, true, ""},
		{"one strong alone", []string{"cd.violence"}, false, "one more strong indicator"},
		{"one strong and one medium", []string{"cd.violence", "cd.forced_lies"}, true, ""},
		{"one strong and one weak", []string{"cd.violence", "cd.threat_exposure"}, true, ""},
		{"three medium", []string{"cd.forced_lies", "cd.threat_violence", "cd.wages_withheld"}, true, ""},
		{"two medium", []string{"cd.forced_lies", "cd.threat_violence"}, false, "one more medium indicator"},
		{"two medium and one weak", []string{"cd.forced_lies", "cd.threat_violence", "cd.threat_exposure"}, true, ""},
		{"one medium and one weak", []string{"cd.forced_lies", "cd.threat_exposure"}, false, "one more medium indicator"},
		{"weak alone", []string{"cd.threat_exposure"}, false, "one more strong indicator"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := dim(t, assess(t, Input{Observed: tc.observed}), d)
			if got.Positive != tc.positive || got.Missing != tc.missing {
				t.Errorf("positive %v, missing %q; want %v, %q", got.Positive, got.Missing, tc.positive, tc.missing)
			}
		})
	}
}

func TestMissingConsidersWhatIsLeft(t *testing.T) {
	// abuse_of_vulnerability_at_destination has no strong indicator at all.
	got := dim(t, assess(t, Input{Observed: []string{"vd.dependency"}}), "abuse_of_vulnerability_at_destination")
	if got.Missing != "two more medium indicators" { // ties go to the first combination of the rule
		t.Errorf("missing %q", got.Missing)
	}
	// an answer of absent may still change, so it stays a candidate
	got = dim(t, assess(t, Input{Observed: []string{"ex.low_or_no_pay"}, Absent: []string{"ex.excessive_hours"}}), "exploitative_conditions")
	if got.Missing != "one more strong indicator" {
		t.Errorf("missing %q", got.Missing)
	}
	rules := adult(t).Rules()
	tests := []struct {
		counts, avail [3]int
		positive      bool
		needs         []Need
	}{
		{[3]int{1, 0, 0}, [3]int{0, 0, 1}, false, []Need{{1, []string{"medium", "weak"}}}},
		{[3]int{0, 1, 0}, [3]int{0, 0, 1}, false, nil}, // no combination can be reached
		{[3]int{0, 1, 0}, [3]int{0, 1, 1}, false, []Need{{1, []string{"medium"}}, {1, []string{"weak"}}}},
		{[3]int{0, 0, 5}, [3]int{0, 9, 0}, false, []Need{{2, []string{"medium"}}}},
		{[3]int{0, 0, 5}, [3]int{2, 9, 0}, false, []Need{{1, []string{"strong"}}}},
		{[3]int{0, 3, 0}, [3]int{}, true, nil},
	}
	for _, tc := range tests {
		pos, needs := rules.evaluate(tc.counts, tc.avail)
		if pos != tc.positive || !cmp.Equal(needs, tc.needs) {
			t.Errorf("evaluate(%v, %v) = %v, %v; want %v, %v", tc.counts, tc.avail, pos, needs, tc.positive, tc.needs)
		}
	}
	if got := describeNeeds(nil); !strings.HasPrefix(got, "cannot become positive") {
		t.Errorf("describeNeeds(nil) = %q", got)
	}
}

var (
	deceptive   = []string{"dr.job_nature", "dr.wages"}
	coercive    = []string{"cr.violence", "cr.threat_violence"}
	vulnerable  = []string{"vr.economic", "vr.family", "vr.personal"}
	exploit     = []string{"ex.excessive_hours", "ex.low_or_no_pay"}
	coercionD   = []string{"cd.documents_taken", "cd.debt_bondage"}
	vulnerableD = []string{"vd.dependency", "vd.economic", "vd.family"}
)

func join(lists ...[]string) []string { return slices.Concat(lists...) }

func TestTraffickingFormula(t *testing.T) {
	tests := []struct {
		name     string
		observed []string
		want     bool
	}{
		{"deceptive recruitment alone", join(deceptive, exploit, coercionD), true},
		{"coercive recruitment alone", join(coercive, exploit, coercionD), true},
		{"recruitment by abuse of vulnerability alone", join(vulnerable, exploit, coercionD), true},
		{"coercion at destination alone", join(deceptive, exploit, coercionD), true},
		{"abuse of vulnerability at destination alone", join(deceptive, exploit, vulnerableD), true},
		{"all six", join(deceptive, coercive, vulnerable, exploit, coercionD, vulnerableD), true},
		{"no recruitment", join(exploit, coercionD, vulnerableD), false},
		{"no exploitation", join(deceptive, coercive, coercionD), false},
		{"exploitation one strong only", join(deceptive, exploit[:1], coercionD), false},
		{"no coercion or vulnerability at destination", join(deceptive, exploit), false},
		{"nothing", nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := assess(t, Input{Observed: tc.observed})
			if r.Trafficking != tc.want {
				t.Errorf("trafficking %v, want %v; clauses %+v", r.Trafficking, tc.want, r.Clauses)
			}
			all := true
			for _, c := range r.Clauses {
				all = all && c.Satisfied
			}
			if all != r.Trafficking {
				t.Errorf("clauses %+v disagree with trafficking %v", r.Clauses, r.Trafficking)
			}
		})
	}
}

func TestChildren(t *testing.T) {
	age := func(n int) *int { return &n }
	tests := []struct {
		name string
		in   Input
		want bool
	}{
		{"adult, no means", Input{Age: age(30), Observed: join(deceptive, exploit)}, false},
		{"child, exploitation and recruitment indicator", Input{Age: age(15), Observed: join(deceptive[:1], exploit)}, true},
		{"child, exploitation and recruitment event flag", Input{Age: age(17), Observed: exploit, RecruitmentEvent: true}, true},
		{"child, exploitation only", Input{Age: age(16), Observed: exploit}, false},
		{"child, recruitment but no exploitation", Input{Age: age(16), Observed: join(deceptive, exploit[:1]), RecruitmentEvent: true}, false},
		{"eighteen is an adult", Input{Age: age(18), Observed: exploit, RecruitmentEvent: true}, false},
		{"no age is an adult", Input{Observed: exploit, RecruitmentEvent: true}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := assess(t, tc.in)
			if r.Trafficking != tc.want {
				t.Errorf("trafficking %v, want %v", r.Trafficking, tc.want)
			}
			child := tc.in.Age != nil && *tc.in.Age < 18
			if r.Child != child || r.MeansRequired == child || (child && !strings.Contains(r.Note, "means element is not required")) {
				t.Errorf("child %v, means_required %v, note %q", r.Child, r.MeansRequired, r.Note)
			}
		})
	}
}

func TestInputErrors(t *testing.T) {
	tests := []struct {
		name string
		in   Input
		want string
	}{
		{"unknown observed", Input{Observed: []string{"dr.job_nature", "xx.nope"}}, `"xx.nope"`},
		{"unknown declined", Input{Declined: []string{"dr.nope"}}, `"dr.nope"`},
		{"conflicting", Input{Observed: []string{"ex.hazardous_work"}, Absent: []string{"ex.hazardous_work"}}, `both observed and absent`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Assess(adult(t), tc.in)
			var ie *InputError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v; want an InputError containing %s", err, tc.want)
			}
		})
	}
}

func TestViews(t *testing.T) {
	r := assess(t, Input{Observed: []string{"cd.documents_taken", "ex.excessive_hours"}})
	if r.ForcedLabour == nil || r.ICLS2018 == nil {
		t.Fatalf("views missing: %+v %+v", r.ForcedLabour, r.ICLS2018)
	}
	if len(r.ForcedLabour.Indicators) != 11 || r.ForcedLabour.Evidenced != 2 {
		t.Errorf("forced labour: %d indicators, %d evidenced; want 11, 2", len(r.ForcedLabour.Indicators), r.ForcedLabour.Evidenced)
	}
	for _, m := range r.ForcedLabour.Indicators {
		if m.ID == "fl.retention_of_identity_documents" && !slices.Equal(m.Evidence, []string{"cd.documents_taken"}) {
			t.Errorf("documents evidence %v", m.Evidence)
		}
	}
	want := ICLSResult{Catalog: "icls-2018", CatalogVersion: "2018.1", Involuntary: true, Penalty: true, ForcedLabour: true,
		InvoluntaryEvidence: []string{"ex.excessive_hours"}, PenaltyEvidence: []string{"cd.documents_taken"}}
	if diff := cmp.Diff(want, *r.ICLS2018); diff != "" {
		t.Errorf("icls (-want +got):\n%s", diff)
	}
	r = assess(t, Input{Observed: []string{"ex.excessive_hours"}})
	if r.ICLS2018.ForcedLabour || !r.ICLS2018.Involuntary || r.ICLS2018.Penalty {
		t.Errorf("involuntary only: %+v", r.ICLS2018)
	}
}

func TestLang(t *testing.T) {
	c := *adult(t)
	c.Dimensions = slices.Clone(c.Dimensions)
	c.Dimensions[0].Labels = Labels{"en": "Deceptive recruitment", "fr": "Recrutement trompeur"}
	c.Dimensions[1].Labels = Labels{"en": "Coercive recruitment"} // no French: falls back
	r, err := Assess(&c, Input{Lang: "fr"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Dimensions[0].Label != "Recrutement trompeur" || r.Dimensions[1].Label != "Coercive recruitment" {
		t.Errorf("labels %q, %q: want French, then English fallback", r.Dimensions[0].Label, r.Dimensions[1].Label)
	}
}

// randomInput draws a random assessment from the catalogue.
func randomInput(rng *rand.Rand, cat *Catalog) Input {
	var in Input
	for _, ind := range cat.Indicators {
		switch rng.Intn(5) {
		case 0, 1:
			in.Observed = append(in.Observed, ind.ID)
		case 2:
			in.Absent = append(in.Absent, ind.ID)
		case 3:
			in.Unknown = append(in.Unknown, ind.ID)
		}
	}
	return in
}

// TestMonotone: observing one more indicator never turns a positive dimension
// negative, nor a trafficking result false.
func TestMonotone(t *testing.T) {
	cat := adult(t)
	rng := rand.New(rand.NewSource(1))
	for range 2000 {
		in := randomInput(rng, cat)
		before := assess(t, in)
		extra := cat.Indicators[rng.Intn(len(cat.Indicators))].ID
		if slices.Contains(in.Observed, extra) {
			continue
		}
		in.Absent = slices.DeleteFunc(in.Absent, func(s string) bool { return s == extra })
		in.Unknown = slices.DeleteFunc(in.Unknown, func(s string) bool { return s == extra })
		in.Observed = append(in.Observed, extra)
		after := assess(t, in)
		for i := range before.Dimensions {
			if before.Dimensions[i].Positive && !after.Dimensions[i].Positive {
				t.Fatalf("observing %s turned %s negative: %v", extra, before.Dimensions[i].ID, in.Observed)
			}
		}
		if before.Trafficking && !after.Trafficking {
			t.Fatalf("observing %s turned trafficking false", extra)
		}
	}
}

// TestOrderIndependent: the result does not depend on the order of answers.
func TestOrderIndependent(t *testing.T) {
	cat := adult(t)
	rng := rand.New(rand.NewSource(2))
	for range 500 {
		in := randomInput(rng, cat)
		want := assess(t, in)
		shuffled := in
		shuffled.Observed = slices.Clone(in.Observed)
		shuffled.Absent = slices.Clone(in.Absent)
		rng.Shuffle(len(shuffled.Observed), func(i, j int) {
			shuffled.Observed[i], shuffled.Observed[j] = shuffled.Observed[j], shuffled.Observed[i]
		})
		rng.Shuffle(len(shuffled.Absent), func(i, j int) { shuffled.Absent[i], shuffled.Absent[j] = shuffled.Absent[j], shuffled.Absent[i] })
		shuffled.Observed = append(shuffled.Observed, shuffled.Observed...) // duplicates change nothing
		if diff := cmp.Diff(want, assess(t, shuffled)); diff != "" {
			t.Fatalf("order changed the result (-want +got):\n%s", diff)
		}
	}
}

func TestParseInput(t *testing.T) {
	in, err := ParseInput([]byte(`{"catalog":"ilo-ec-2009-adult-labour","observed":["dr.job_nature"],"age":15}`))
	if err != nil || in.Catalog != DefaultCatalog || *in.Age != 15 || in.Observed[0] != "dr.job_nature" {
		t.Fatalf("ParseInput: %+v, %v", in, err)
	}
	for _, bad := range []struct{ in, want string }{
		{`{"observed":["a"],"colour":"red"}`, `"colour"`},
		{`{"observed":"dr.job_nature"}`, "line 1"},
		{`{"observed":[}`, "malformed JSON"},
		{`{} {}`, "after the JSON value"},
		{`{"age":-1}`, "age -1"},
	} {
		if _, err := ParseInput([]byte(bad.in)); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("ParseInput(%s): %v; want an error containing %s", bad.in, err, bad.want)
		}
	}
}

func FuzzAssessJSON(f *testing.F) {
	f.Add([]byte(`{"observed":["dr.job_nature","ex.excessive_hours"],"absent":["cd.violence"],"age":12}`))
	f.Add([]byte(`{"observed":["x"]}`))
	f.Add([]byte(`{"declined":["vd.personal"],"recruitment_event":true}`))
	cat := adult(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := ParseInput(data)
		if err != nil {
			return
		}
		r, err := Assess(cat, in)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("non-input error %v", err)
			}
			return
		}
		if len(r.Dimensions) != 6 {
			t.Fatalf("%d dimensions", len(r.Dimensions))
		}
		for _, d := range r.Dimensions {
			if d.Positive == (d.Missing != "") {
				t.Fatalf("dimension %s: positive %v with missing %q", d.ID, d.Positive, d.Missing)
			}
		}
	})
}

// BenchmarkAssess is a full assessment: every one of the 67 indicators answered.
func BenchmarkAssess(b *testing.B) {
	cat := adult(b)
	in := randomInput(rand.New(rand.NewSource(3)), cat)
	for _, ind := range cat.Indicators {
		if !slices.Contains(in.Observed, ind.ID) && !slices.Contains(in.Absent, ind.ID) && !slices.Contains(in.Unknown, ind.ID) {
			in.Declined = append(in.Declined, ind.ID)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Assess(cat, in); err != nil {
			b.Fatal(err)
		}
	}
}
