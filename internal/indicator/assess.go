package indicator

import (
	"fmt"
	"strings"

	"alliance/internal/strictjson"
)

// Answers an indicator can have.
const (
	Present  = "present"
	Absent   = "absent"
	Unknown  = "unknown"
	Declined = "declined"
)

const (
	unanswered uint8 = iota
	present
	absent
	unknown
	declined
)

// Input is one assessment: the indicator ids answered present (observed),
// absent, unknown or declined, and optionally the person's age.
type Input struct {
	Catalog  string   `json:"catalog,omitempty"`
	Observed []string `json:"observed,omitempty"`
	Absent   []string `json:"absent,omitempty"`
	Unknown  []string `json:"unknown,omitempty"`
	Declined []string `json:"declined,omitempty"`
	// Age in years; nil when not known (the adult rules apply).
	Age *int `json:"age,omitempty"`
	// RecruitmentEvent records a recruitment, transfer or harbouring event
	// (it matters for children, for whom no means element is required).
	RecruitmentEvent bool `json:"recruitment_event,omitempty"`
	// Lang chooses the language of labels, falling back to English.
	Lang string `json:"lang,omitempty"`
}

// ParseInput decodes an assessment from JSON, refusing unknown fields, trailing
// data and malformed JSON with a message that says where.
func ParseInput(data []byte) (Input, error) {
	var in Input
	if err := strictjson.Decode(data, &in); err != nil {
		return Input{}, err
	}
	if in.Age != nil && (*in.Age < 0 || *in.Age > 130) {
		return Input{}, fmt.Errorf("age %d is not between 0 and 130", *in.Age)
	}
	return in, nil
}

// Need is part of what a dimension still needs: Count more indicators of any
// of the Strengths.
type Need struct {
	Count     int      `json:"count"`
	Strengths []string `json:"strengths"`
}

// DimensionResult explains one dimension.
type DimensionResult struct {
	ID       string `json:"id"`
	Label    string `json:"label"`
	Positive bool   `json:"positive"`
	Strong   int    `json:"strong"`
	Medium   int    `json:"medium"`
	Weak     int    `json:"weak"`
	// Indicators are the ids observed present, in catalogue order.
	Indicators []string `json:"indicators"`
	// Unanswered counts the indicators with no answer yet.
	Unanswered int `json:"unanswered"`
	// Missing says in words the smallest addition that would make the
	// dimension positive; empty when it is positive.
	Missing string `json:"missing"`
	Needs   []Need `json:"needs,omitempty"`
}

// ClauseResult explains one conjunct of the trafficking formula.
type ClauseResult struct {
	ID        string   `json:"id"`
	Satisfied bool     `json:"satisfied"`
	Positive  []string `json:"positive"` // the clause's dimensions that are positive
}

// MappedResult is one ILO 2012 indicator and the 2009 indicators that evidence it.
type MappedResult struct {
	ID        string   `json:"id"`
	Label     string   `json:"label"`
	Evidenced bool     `json:"evidenced"`
	Evidence  []string `json:"evidence"`
}

// ForcedLabourResult is the ILO 2012 view of the assessment.
type ForcedLabourResult struct {
	Catalog        string         `json:"catalog"`
	CatalogVersion string         `json:"catalog_version"`
	Evidenced      int            `json:"evidenced"`
	Indicators     []MappedResult `json:"indicators"`
}

// ICLSResult is the ICLS 2018 view: forced labour is involuntary work under
// threat or menace of a penalty.
type ICLSResult struct {
	Catalog             string   `json:"catalog"`
	CatalogVersion      string   `json:"catalog_version"`
	Involuntary         bool     `json:"involuntary"`
	Penalty             bool     `json:"penalty"`
	ForcedLabour        bool     `json:"forced_labour"`
	InvoluntaryEvidence []string `json:"involuntary_evidence"`
	PenaltyEvidence     []string `json:"penalty_evidence"`
}

// Result is an explained assessment.
type Result struct {
	Catalog        string `json:"catalog"`
	CatalogVersion string `json:"catalog_version"`
	Rules          string `json:"rules"`
	RulesVersion   string `json:"rules_version"`
	Trafficking    bool   `json:"trafficking"`
	// Child is true when the age is below the children's rule age; then
	// MeansRequired is false and Note says why.
	Child         bool                `json:"child"`
	MeansRequired bool                `json:"means_required"`
	Note          string              `json:"note,omitempty"`
	Clauses       []ClauseResult      `json:"clauses"`
	Dimensions    []DimensionResult   `json:"dimensions"`
	ForcedLabour  *ForcedLabourResult `json:"forced_labour,omitempty"`
	ICLS2018      *ICLSResult         `json:"icls_2018,omitempty"`
}

// InputError is an answer that names an indicator the catalogue does not have,
// or answers one indicator in two ways.
type InputError struct {
	ID  string
	Msg string
}

func (e *InputError) Error() string { return e.Msg }

// Assess explains the input against an operational catalogue linked by a Set.
func Assess(cat *Catalog, in Input) (Result, error) {
	if cat == nil || cat.Kind != KindOperational || cat.rules == nil {
		return Result{}, fmt.Errorf("assess: catalogue is not an operational catalogue with rules")
	}
	status, err := answers(cat, in)
	if err != nil {
		return Result{}, err
	}
	r := Result{
		Catalog: cat.ID, CatalogVersion: cat.Version,
		Rules: cat.rules.ID, RulesVersion: cat.rules.Version,
		MeansRequired: true,
	}
	r.Dimensions = dimensions(cat, status, in.Lang)
	r.Clauses, r.Trafficking = clauses(cat.rules.Trafficking, r.Dimensions)
	if ch := cat.rules.Children; in.Age != nil && *in.Age < ch.AgeBelow {
		r.Child, r.MeansRequired = true, false
		r.Note = fmt.Sprintf("Under %d: the means element is not required (Palermo Protocol Art. 3(c)); exploitative conditions with a recorded recruitment, transfer or harbouring event are enough.", ch.AgeBelow)
		if anyPositive(r.Dimensions, ch.Exploitation) && (in.RecruitmentEvent || anyObserved(r.Dimensions, ch.RecruitmentDimensions)) {
			r.Trafficking = true
		}
	}
	if v := cat.views[KindForcedLabour]; v != nil {
		r.ForcedLabour = forcedLabour(v, status, in.Lang)
	}
	if v := cat.views[KindICLS]; v != nil {
		r.ICLS2018 = icls(v, status)
	}
	return r, nil
}

// answers returns the answer to each indicator, by catalogue position.
func answers(cat *Catalog, in Input) ([]uint8, error) {
	status := make([]uint8, len(cat.Indicators))
	lists := [...]struct {
		ids  []string
		code uint8
		name string
	}{{in.Observed, present, "observed"}, {in.Absent, absent, "absent"}, {in.Unknown, unknown, "unknown"}, {in.Declined, declined, "declined"}}
	names := [...]string{"", "observed", "absent", "unknown", "declined"}
	for _, l := range lists {
		for _, id := range l.ids {
			i, ok := cat.index[id]
			if !ok {
				return nil, &InputError{id, fmt.Sprintf("%s: unknown indicator id %q in catalogue %q", l.name, id, cat.ID)}
			}
			if s := status[i]; s != unanswered && s != l.code {
				return nil, &InputError{id, fmt.Sprintf("indicator %q is both %s and %s", id, names[s], l.name)}
			}
			status[i] = l.code
		}
	}
	return status, nil
}

func dimensions(cat *Catalog, status []uint8, lang string) []DimensionResult {
	dims := make([]DimensionResult, len(cat.Dimensions))
	type tally struct {
		counts, avail [3]int
		present       int
	}
	var small [8]tally // most catalogues have few dimensions: no allocation
	tallies := small[:0]
	if len(dims) > len(small) {
		tallies = make([]tally, len(dims))
	} else {
		tallies = small[:len(dims)]
	}
	total := 0
	for i, s := range status {
		d := cat.dimIdx[i]
		if s == present {
			tallies[d].counts[cat.strIdx[i]]++
			tallies[d].present++
			total++
		} else {
			tallies[d].avail[cat.strIdx[i]]++
			if s == unanswered {
				dims[d].Unanswered++
			}
		}
	}
	backing := make([]string, total)
	off := 0
	for d := range dims {
		dims[d].Indicators = backing[off : off : off+tallies[d].present]
		off += tallies[d].present
	}
	for i, s := range status {
		if s == present {
			d := cat.dimIdx[i]
			dims[d].Indicators = append(dims[d].Indicators, cat.Indicators[i].ID)
		}
	}
	for d := range dims {
		dr := &dims[d]
		dr.ID, dr.Label = cat.Dimensions[d].ID, cat.Dimensions[d].Labels.In(lang)
		c := tallies[d].counts
		dr.Strong, dr.Medium, dr.Weak = c[0], c[1], c[2]
		dr.Positive, dr.Needs = cat.rules.evaluate(c, tallies[d].avail)
		if !dr.Positive {
			dr.Missing = describeNeeds(dr.Needs)
		}
	}
	return dims
}

// evaluate reports whether the counts make a dimension positive and, if not,
// the smallest addition, among the avail indicators not yet answered present
// (absent, unknown and declined answers may still change), that would.
// A nil needs for a negative dimension means no addition can make it positive.
func (r *Rules) evaluate(counts, avail [3]int) (bool, []Need) {
	// Among the cheapest combinations, prefer the one that builds most on what
	// is already observed (two medium: "one more medium", not "one strong").
	best, bestUsed, bestIdx := -1, -1, -1
	for i, combo := range r.combos {
		add, used, feasible := 0, 0, true
		for _, t := range combo {
			have, left := sumMask(counts, t.mask), sumMask(avail, t.mask)
			need := max(0, t.min-have)
			if need > left {
				feasible = false
				break
			}
			add += need
			used += min(have, t.min)
		}
		if !feasible {
			continue
		}
		if add == 0 {
			return true, nil
		}
		if best < 0 || add < best || (add == best && used > bestUsed) {
			best, bestUsed, bestIdx = add, used, i
		}
	}
	if bestIdx < 0 {
		return false, nil
	}
	var needs []Need
	for j, t := range r.combos[bestIdx] {
		if need := t.min - sumMask(counts, t.mask); need > 0 {
			needs = append(needs, Need{need, r.DimensionRule[bestIdx][j].Strengths})
		}
	}
	return false, needs
}

func sumMask(c [3]int, mask uint8) int {
	n := 0
	for k := range 3 {
		if mask&(1<<k) != 0 {
			n += c[k]
		}
	}
	return n
}

var numberWords = [...]string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}

// describeNeeds turns needs into words, e.g. "one more medium indicator".
func describeNeeds(needs []Need) string {
	if len(needs) == 0 {
		return "cannot become positive: too few indicators of this dimension are left to observe"
	}
	parts := make([]string, len(needs))
	for i, n := range needs {
		num := fmt.Sprint(n.Count)
		if n.Count < len(numberWords) {
			num = numberWords[n.Count]
		}
		noun := "indicator"
		if n.Count > 1 {
			noun = "indicators"
		}
		parts[i] = num + " more " + strings.Join(n.Strengths, " or ") + " " + noun
	}
	return strings.Join(parts, " and ")
}

func clauses(cs []Clause, dims []DimensionResult) ([]ClauseResult, bool) {
	out := make([]ClauseResult, len(cs))
	all := true
	for i, c := range cs {
		out[i] = ClauseResult{ID: c.ID, Positive: []string{}}
		for _, id := range c.AnyOf {
			if d := find(dims, id); d != nil && d.Positive {
				out[i].Positive = append(out[i].Positive, id)
			}
		}
		out[i].Satisfied = len(out[i].Positive) > 0
		all = all && out[i].Satisfied
	}
	return out, all
}

func find(dims []DimensionResult, id string) *DimensionResult {
	for i := range dims {
		if dims[i].ID == id {
			return &dims[i]
		}
	}
	return nil
}

func anyPositive(dims []DimensionResult, ids []string) bool {
	for _, id := range ids {
		if d := find(dims, id); d != nil && d.Positive {
			return true
		}
	}
	return false
}

func anyObserved(dims []DimensionResult, ids []string) bool {
	for _, id := range ids {
		if d := find(dims, id); d != nil && len(d.Indicators) > 0 {
			return true
		}
	}
	return false
}

// observedEvidence returns the evidence of view entry i observed present.
func observedEvidence(v *Catalog, i int, status []uint8) []string {
	n := 0
	for _, pos := range v.evPos[i] {
		if status[pos] == present {
			n++
		}
	}
	if n == 0 {
		return []string{}
	}
	ev := make([]string, 0, n)
	for j, pos := range v.evPos[i] {
		if status[pos] == present {
			ev = append(ev, v.Mapped[i].Evidence[j])
		}
	}
	return ev
}

func forcedLabour(v *Catalog, status []uint8, lang string) *ForcedLabourResult {
	fl := &ForcedLabourResult{Catalog: v.ID, CatalogVersion: v.Version, Indicators: make([]MappedResult, len(v.Mapped))}
	for i, m := range v.Mapped {
		ev := observedEvidence(v, i, status)
		fl.Indicators[i] = MappedResult{ID: m.ID, Label: m.Labels.In(lang), Evidenced: len(ev) > 0, Evidence: ev}
		if len(ev) > 0 {
			fl.Evidenced++
		}
	}
	return fl
}

func icls(v *Catalog, status []uint8) *ICLSResult {
	r := &ICLSResult{Catalog: v.ID, CatalogVersion: v.Version}
	for i, m := range v.Mapped {
		ev := observedEvidence(v, i, status)
		switch m.ID {
		case "involuntary":
			r.InvoluntaryEvidence, r.Involuntary = ev, len(ev) > 0
		case "penalty":
			r.PenaltyEvidence, r.Penalty = ev, len(ev) > 0
		}
	}
	r.ForcedLabour = r.Involuntary && r.Penalty
	return r
}
