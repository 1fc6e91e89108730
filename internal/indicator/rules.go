package indicator

import (
	"embed"
	"fmt"
	"io"
	"sort"

	"alliance/internal/strictjson"
)

// Term asks for at least Min observed indicators of the listed strengths.
type Term struct {
	Strengths []string `json:"strengths"`
	Min       int      `json:"min"`
}

// Clause is one conjunct of the trafficking formula: any of its dimensions positive.
type Clause struct {
	ID    string   `json:"id"`
	AnyOf []string `json:"any_of"`
}

// ChildRule is the rule for a person under AgeBelow: the means element is not
// required, so an exploitation dimension and a recorded recruitment event suffice.
type ChildRule struct {
	AgeBelow              int      `json:"age_below"`
	Exploitation          []string `json:"exploitation"`
	RecruitmentDimensions []string `json:"recruitment_dimensions"`
}

// Rules are the rules of an operational catalogue, kept as data.
type Rules struct {
	ID      string   `json:"id"`
	Version string   `json:"version"`
	Catalog string   `json:"catalog"`
	Source  string   `json:"source"`
	Notes   []string `json:"notes,omitempty"`
	// DimensionRule lists the combinations of which any one makes a dimension
	// positive; a combination holds when all its terms do.
	DimensionRule [][]Term  `json:"dimension_rule"`
	Trafficking   []Clause  `json:"trafficking"`
	Children      ChildRule `json:"children"`

	// compiled: per combination, per term, a bit mask of strengths.
	combos [][]compiledTerm
}

type compiledTerm struct {
	mask uint8 // bit per strength index
	min  int
}

// LoadRules reads and validates a rules file.
func LoadRules(r io.Reader) (*Rules, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read rules: %w", err)
	}
	return ParseRules(data)
}

// ParseRules decodes and validates a rules file on its own; NewSet checks that
// its dimensions exist in its catalogue.
func ParseRules(data []byte) (*Rules, error) {
	var r Rules
	if err := strictjson.Decode(data, &r); err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	if err := r.validate(); err != nil {
		return nil, fmt.Errorf("rules %s: %w", quoteOr(r.ID, "(no id)"), err)
	}
	return &r, nil
}

func (r *Rules) validate() error {
	switch {
	case !idPattern.MatchString(r.ID):
		return fmt.Errorf("id %q is not a valid id", r.ID)
	case r.Version == "":
		return fmt.Errorf("version is missing")
	case r.Catalog == "":
		return fmt.Errorf("catalog is missing")
	case len(r.DimensionRule) == 0:
		return fmt.Errorf("dimension_rule lists no combination")
	case len(r.Trafficking) == 0:
		return fmt.Errorf("trafficking lists no clause")
	}
	r.combos = make([][]compiledTerm, len(r.DimensionRule))
	for i, combo := range r.DimensionRule {
		if len(combo) == 0 {
			return fmt.Errorf("dimension_rule[%d]: no term", i)
		}
		var used uint8
		for j, t := range combo {
			if t.Min < 1 {
				return fmt.Errorf("dimension_rule[%d][%d]: min %d must be at least 1", i, j, t.Min)
			}
			if len(t.Strengths) == 0 {
				return fmt.Errorf("dimension_rule[%d][%d]: no strength listed", i, j)
			}
			var mask uint8
			for _, s := range t.Strengths {
				k, ok := strengthIndex[s]
				if !ok {
					return fmt.Errorf("dimension_rule[%d][%d]: strength %q is not strong, medium or weak", i, j, s)
				}
				mask |= 1 << k
			}
			if used&mask != 0 {
				return fmt.Errorf("dimension_rule[%d][%d]: a strength is counted by two terms of one combination", i, j)
			}
			used |= mask
			r.combos[i] = append(r.combos[i], compiledTerm{mask, t.Min})
		}
	}
	for i, c := range r.Trafficking {
		if c.ID == "" || len(c.AnyOf) == 0 {
			return fmt.Errorf("trafficking[%d]: a clause needs an id and at least one dimension in any_of", i)
		}
	}
	if r.Children.AgeBelow < 1 || len(r.Children.Exploitation) == 0 || len(r.Children.RecruitmentDimensions) == 0 {
		return fmt.Errorf("children: age_below, exploitation and recruitment_dimensions are required")
	}
	return nil
}

// checkAgainst verifies that every dimension the rules name is in cat.
func (r *Rules) checkAgainst(cat *Catalog) error {
	dims := map[string]bool{}
	for _, d := range cat.Dimensions {
		dims[d.ID] = true
	}
	check := func(where string, ids []string) error {
		for _, id := range ids {
			if !dims[id] {
				return fmt.Errorf("rules %q: %s: dimension %q is not in catalogue %q", r.ID, where, id, cat.ID)
			}
		}
		return nil
	}
	for i, c := range r.Trafficking {
		if err := check(fmt.Sprintf("trafficking[%d]", i), c.AnyOf); err != nil {
			return err
		}
	}
	if err := check("children.exploitation", r.Children.Exploitation); err != nil {
		return err
	}
	return check("children.recruitment_dimensions", r.Children.RecruitmentDimensions)
}

// Set is a linked collection of catalogues and rules.
type Set struct {
	byID map[string]*Catalog
}

// NewSet links rules to their operational catalogues and views to the catalogue
// they are based on, refusing dangling references, evidence that names an
// unknown indicator, duplicates and operational catalogues without rules.
func NewSet(cats []*Catalog, rules []*Rules) (*Set, error) {
	s := &Set{byID: map[string]*Catalog{}}
	for _, c := range cats {
		if _, dup := s.byID[c.ID]; dup {
			return nil, fmt.Errorf("catalogue %q is given twice", c.ID)
		}
		cc := *c
		cc.views = map[string]*Catalog{}
		s.byID[c.ID] = &cc
	}
	for _, r := range rules {
		c, ok := s.byID[r.Catalog]
		if !ok || c.Kind != KindOperational {
			return nil, fmt.Errorf("rules %q: catalog %q is not an operational catalogue of the set", r.ID, r.Catalog)
		}
		if c.rules != nil {
			return nil, fmt.Errorf("rules %q: catalogue %q already has rules %q", r.ID, c.ID, c.rules.ID)
		}
		if err := r.checkAgainst(c); err != nil {
			return nil, err
		}
		c.rules = r
	}
	for _, c := range s.byID {
		if err := s.link(c); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *Set) link(c *Catalog) error {
	if c.Kind == KindOperational {
		if c.rules == nil {
			return fmt.Errorf("catalogue %q has no rules", c.ID)
		}
		return nil
	}
	base, ok := s.byID[c.BasedOn]
	if !ok || base.Kind != KindOperational {
		return fmt.Errorf("catalogue %q: based_on %q is not an operational catalogue of the set", c.ID, c.BasedOn)
	}
	c.evPos = make([][]int, len(c.Mapped))
	for i, m := range c.Mapped {
		for _, id := range m.Evidence {
			pos, ok := base.index[id]
			if !ok {
				return fmt.Errorf("catalogue %q: %q: evidence %q is not an indicator of %q", c.ID, m.ID, id, base.ID)
			}
			c.evPos[i] = append(c.evPos[i], pos)
		}
	}
	if other, dup := base.views[c.Kind]; dup {
		return fmt.Errorf("catalogue %q: %q already has a %s view, %q", c.ID, base.ID, c.Kind, other.ID)
	}
	base.views[c.Kind] = c
	return nil
}

// Catalog returns the catalogue with the id.
func (s *Set) Catalog(id string) (*Catalog, bool) {
	c, ok := s.byID[id]
	return c, ok
}

// IDs returns the ids of the catalogues, sorted.
func (s *Set) IDs() []string {
	ids := make([]string, 0, len(s.byID))
	for id := range s.byID {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

//go:embed data/*.json
var dataFS embed.FS

// DefaultCatalog is the catalogue assessed when none is named.
const DefaultCatalog = "ilo-ec-2009-adult-labour"

var builtin = mustBuiltin()

// Builtin returns the catalogues and rules embedded in the binary.
func Builtin() *Set { return builtin }

func mustBuiltin() *Set {
	s, err := loadFS(dataFS, "data")
	if err != nil {
		panic("indicator: embedded data: " + err.Error())
	}
	return s
}

func loadFS(fsys embed.FS, dir string) (*Set, error) {
	entries, err := fsys.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var cats []*Catalog
	var rules []*Rules
	for _, e := range entries {
		data, err := fsys.ReadFile(dir + "/" + e.Name())
		if err != nil {
			return nil, err
		}
		if len(e.Name()) > 6 && e.Name()[:6] == "rules-" {
			r, err := ParseRules(data)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", e.Name(), err)
			}
			rules = append(rules, r)
			continue
		}
		c, err := ParseCatalog(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.Name(), err)
		}
		cats = append(cats, c)
	}
	return NewSet(cats, rules)
}
