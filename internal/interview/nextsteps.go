package interview

import (
	"fmt"
	"strings"

	"alliance/internal/indicator"

	"alliance/internal/strictjson"
)

// Conditions a next step can be proposed under. "positive:" is followed by a
// dimension id of the catalogue.
const (
	WhenAlways         = "always"
	WhenTrafficking    = "trafficking"
	WhenNotTrafficking = "not_trafficking"
	WhenChild          = "child"
	WhenForcedLabour   = "forced_labour" // the ICLS 2018 view finds forced labour
	WhenAnyPositive    = "any_positive"  // at least one dimension is positive
	whenPositive       = "positive:"
)

// Step is one next step: what to do, in the staff languages, and when to
// propose it.
type Step struct {
	ID     string           `json:"id"`
	When   string           `json:"when"`
	Labels indicator.Labels `json:"labels"`
}

// NextSteps is a deployment's list of next steps for a result, in the order
// they are shown.
type NextSteps struct {
	Version string `json:"version"`
	Steps   []Step `json:"steps"`
}

// ParseNextSteps decodes a list of next steps and checks every condition
// against the catalogue cat: an unknown condition or dimension, a missing
// English text or a repeated id is refused, naming the step.
func ParseNextSteps(data []byte, cat *indicator.Catalog) (*NextSteps, error) {
	var n NextSteps
	if err := strictjson.Decode(data, &n); err != nil {
		return nil, fmt.Errorf("next steps: %w", err)
	}
	if n.Version == "" {
		return nil, fmt.Errorf("next steps: version is missing")
	}
	dims := map[string]bool{}
	for _, d := range cat.Dimensions {
		dims[d.ID] = true
	}
	seen := map[string]bool{}
	for i, s := range n.Steps {
		where := fmt.Sprintf("next steps: steps[%d]", i)
		if !idPattern.MatchString(s.ID) || seen[s.ID] {
			return nil, fmt.Errorf("%s: id %q is not valid or is given twice", where, s.ID)
		}
		seen[s.ID] = true
		if strings.TrimSpace(s.Labels["en"]) == "" {
			return nil, fmt.Errorf("%s (%s): the English text is missing", where, s.ID)
		}
		switch s.When {
		case WhenAlways, WhenTrafficking, WhenNotTrafficking, WhenChild, WhenForcedLabour, WhenAnyPositive:
		default:
			d, ok := strings.CutPrefix(s.When, whenPositive)
			if !ok || !dims[d] {
				return nil, fmt.Errorf("%s (%s): when %q is not one of always, trafficking, not_trafficking, child, forced_labour, any_positive or positive:<dimension of %s>", where, s.ID, s.When, cat.ID)
			}
		}
	}
	return &n, nil
}

// For returns the steps that apply to a result, in list order.
func (n *NextSteps) For(r indicator.Result) []Step {
	var out []Step
	for _, s := range n.Steps {
		if applies(s.When, r) {
			out = append(out, s)
		}
	}
	return out
}

func applies(when string, r indicator.Result) bool {
	switch when {
	case WhenAlways:
		return true
	case WhenTrafficking:
		return r.Trafficking
	case WhenNotTrafficking:
		return !r.Trafficking
	case WhenChild:
		return r.Child
	case WhenForcedLabour:
		return r.ICLS2018 != nil && r.ICLS2018.ForcedLabour
	case WhenAnyPositive:
		for _, d := range r.Dimensions {
			if d.Positive {
				return true
			}
		}
		return false
	}
	id := strings.TrimPrefix(when, whenPositive)
	for _, d := range r.Dimensions {
		if d.ID == id {
			return d.Positive
		}
	}
	return false
}

var builtinSteps = mustSteps()

// BuiltinNextSteps returns the next steps used unless a deployment loads its
// own (serve --next-steps FILE).
func BuiltinNextSteps() *NextSteps { return builtinSteps }

func mustSteps() *NextSteps {
	data, err := dataFS.ReadFile("data/next-steps.json")
	if err != nil {
		panic("interview: " + err.Error())
	}
	cat, _ := indicator.Builtin().Catalog(indicator.DefaultCatalog)
	n, err := ParseNextSteps(data, cat)
	if err != nil {
		panic("interview: embedded " + err.Error())
	}
	return n
}
