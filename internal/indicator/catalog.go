// Package indicator holds the ILO indicator catalogues as embedded data and the
// rules engine that explains an assessment against them. It is pure: no I/O
// beyond reading the embedded files and the readers it is given.
package indicator

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"

	"alliance/internal/strictjson"
)

// Catalogue kinds.
const (
	KindOperational  = "operational"        // dimensions and weighted indicators (ILO/EC 2009)
	KindForcedLabour = "forced-labour-2012" // the 11 ILO forced-labour indicators, mapped to an operational catalogue
	KindICLS         = "icls-2018"          // the two ICLS 2018 elements, mapped to an operational catalogue
)

// Strengths of an operational indicator.
const (
	Strong = "strong"
	Medium = "medium"
	Weak   = "weak"
)

var strengthIndex = map[string]int{Strong: 0, Medium: 1, Weak: 2}

// Labels maps a language tag ("en", "fr", ...) to text. English is required.
type Labels map[string]string

// In returns the label in lang, falling back to English.
func (l Labels) In(lang string) string {
	if s, ok := l[lang]; ok && s != "" {
		return s
	}
	return l["en"]
}

// Dimension is one element of the definition (e.g. deceptive recruitment).
type Dimension struct {
	ID     string `json:"id"`
	Labels Labels `json:"labels"`
	// Description says in a sentence or two what the dimension means, for the
	// result page; optional.
	Description Labels `json:"description,omitempty"`
}

// Indicator is one operational indicator of a dimension.
type Indicator struct {
	ID        string `json:"id"`
	Dimension string `json:"dimension"`
	Strength  string `json:"strength"`
	Labels    Labels `json:"labels"`
}

// Mapped is an indicator or element of a derived view (ILO 2012, ICLS 2018):
// it is evidenced by the observation of any of the listed indicators of the
// catalogue it is based on.
type Mapped struct {
	ID       string   `json:"id"`
	Labels   Labels   `json:"labels"`
	Evidence []string `json:"evidence"`
}

// Catalog is one catalogue file. After NewSet links it, an operational
// catalogue carries its rules and the derived views based on it.
type Catalog struct {
	ID         string      `json:"id"`
	Kind       string      `json:"kind"`
	Version    string      `json:"version"`
	Source     string      `json:"source"`
	Labels     Labels      `json:"labels"`
	Notes      []string    `json:"notes,omitempty"`
	BasedOn    string      `json:"based_on,omitempty"`
	Dimensions []Dimension `json:"dimensions,omitempty"`
	Indicators []Indicator `json:"indicators,omitempty"`
	Mapped     []Mapped    `json:"-"`

	rules  *Rules
	views  map[string]*Catalog // by kind
	index  map[string]int      // indicator id -> position in Indicators
	dimIdx []int               // indicator position -> dimension position
	strIdx []int               // indicator position -> strength index
	evPos  [][]int             // for a view: Mapped[i].Evidence as positions in the base catalogue
}

// catalogFile is the wire form: derived views list "indicators" (ILO 2012) or
// "elements" (ICLS) with evidence instead of dimensions.
type catalogFile struct {
	Catalog
	Indicators json.RawMessage `json:"indicators,omitempty"`
	Elements   []Mapped        `json:"elements,omitempty"`
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]*$`)

// LoadCatalog reads and validates a catalogue.
func LoadCatalog(r io.Reader) (*Catalog, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read catalogue: %w", err)
	}
	return ParseCatalog(data)
}

// ParseCatalog decodes and validates a catalogue, refusing unknown fields and
// malformed content with a message that names what is wrong and where.
func ParseCatalog(data []byte) (*Catalog, error) {
	var f catalogFile
	if err := strictjson.Decode(data, &f); err != nil {
		return nil, fmt.Errorf("catalogue: %w", err)
	}
	c := f.Catalog
	c.Indicators = nil
	where := "catalogue " + quoteOr(c.ID, "(no id)")
	switch c.Kind {
	case KindOperational:
		if len(f.Indicators) > 0 {
			if err := strictjson.Decode(f.Indicators, &c.Indicators); err != nil {
				return nil, fmt.Errorf("%s: indicators: %w", where, err)
			}
		}
		if len(f.Elements) > 0 {
			return nil, fmt.Errorf("%s: an operational catalogue has no elements", where)
		}
	case KindForcedLabour:
		if len(f.Indicators) > 0 {
			if err := strictjson.Decode(f.Indicators, &c.Mapped); err != nil {
				return nil, fmt.Errorf("%s: indicators: %w", where, err)
			}
		}
		if len(f.Elements) > 0 {
			return nil, fmt.Errorf("%s: kind %s lists indicators, not elements", where, c.Kind)
		}
	case KindICLS:
		if len(f.Indicators) > 0 {
			return nil, fmt.Errorf("%s: kind %s lists elements, not indicators", where, c.Kind)
		}
		c.Mapped = f.Elements
	default:
		return nil, fmt.Errorf("%s: kind %q is not one of %s, %s, %s", where, c.Kind, KindOperational, KindForcedLabour, KindICLS)
	}
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	return &c, nil
}

func (c *Catalog) validate() error {
	if !idPattern.MatchString(c.ID) {
		return fmt.Errorf("id %q must be lower-case letters, digits, '.', '_' or '-'", c.ID)
	}
	if c.Version == "" {
		return fmt.Errorf("version is missing")
	}
	if c.Source == "" {
		return fmt.Errorf("source is missing")
	}
	if c.Labels["en"] == "" {
		return fmt.Errorf("labels: the English label (\"en\") is missing")
	}
	if c.Kind == KindOperational {
		if c.BasedOn != "" {
			return fmt.Errorf("an operational catalogue is not based on another")
		}
		return c.validateOperational()
	}
	if c.BasedOn == "" {
		return fmt.Errorf("based_on is missing: a %s view maps onto an operational catalogue", c.Kind)
	}
	return c.validateMapped()
}

func (c *Catalog) validateOperational() error {
	if len(c.Dimensions) == 0 {
		return fmt.Errorf("dimensions: none listed")
	}
	if len(c.Indicators) == 0 {
		return fmt.Errorf("indicators: none listed")
	}
	dims := map[string]int{}
	for i, d := range c.Dimensions {
		if !idPattern.MatchString(d.ID) {
			return fmt.Errorf("dimensions[%d]: id %q is not a valid id", i, d.ID)
		}
		if _, dup := dims[d.ID]; dup {
			return fmt.Errorf("dimensions[%d]: id %q is listed twice", i, d.ID)
		}
		if d.Labels["en"] == "" {
			return fmt.Errorf("dimension %q: the English label is missing", d.ID)
		}
		dims[d.ID] = i
	}
	c.index = make(map[string]int, len(c.Indicators))
	c.dimIdx = make([]int, len(c.Indicators))
	c.strIdx = make([]int, len(c.Indicators))
	for i, ind := range c.Indicators {
		if !idPattern.MatchString(ind.ID) {
			return fmt.Errorf("indicators[%d]: id %q is not a valid id", i, ind.ID)
		}
		if _, dup := c.index[ind.ID]; dup {
			return fmt.Errorf("indicators[%d]: id %q is listed twice", i, ind.ID)
		}
		d, ok := dims[ind.Dimension]
		if !ok {
			return fmt.Errorf("indicator %q: dimension %q is not one of the catalogue's dimensions", ind.ID, ind.Dimension)
		}
		s, ok := strengthIndex[ind.Strength]
		if !ok {
			return fmt.Errorf("indicator %q: strength %q is not strong, medium or weak", ind.ID, ind.Strength)
		}
		if ind.Labels["en"] == "" {
			return fmt.Errorf("indicator %q: the English label is missing", ind.ID)
		}
		c.index[ind.ID], c.dimIdx[i], c.strIdx[i] = i, d, s
	}
	return nil
}

func (c *Catalog) validateMapped() error {
	if len(c.Mapped) == 0 {
		return fmt.Errorf("no indicators or elements listed")
	}
	seen := map[string]bool{}
	for i, m := range c.Mapped {
		if !idPattern.MatchString(m.ID) {
			return fmt.Errorf("entry %d: id %q is not a valid id", i, m.ID)
		}
		if seen[m.ID] {
			return fmt.Errorf("entry %d: id %q is listed twice", i, m.ID)
		}
		seen[m.ID] = true
		if m.Labels["en"] == "" {
			return fmt.Errorf("%q: the English label is missing", m.ID)
		}
		if len(m.Evidence) == 0 {
			return fmt.Errorf("%q: evidence lists no indicator", m.ID)
		}
	}
	if c.Kind == KindICLS {
		for _, want := range []string{"involuntary", "penalty"} {
			if !seen[want] {
				return fmt.Errorf("element %q is missing", want)
			}
		}
		if len(c.Mapped) != 2 {
			return fmt.Errorf("elements: want exactly involuntary and penalty, got %d", len(c.Mapped))
		}
	}
	return nil
}

// Indicator returns the indicator with the id.
func (c *Catalog) Indicator(id string) (Indicator, bool) {
	i, ok := c.index[id]
	if !ok {
		return Indicator{}, false
	}
	return c.Indicators[i], true
}

// Rules returns the rules linked to an operational catalogue, or nil.
func (c *Catalog) Rules() *Rules { return c.rules }

func quoteOr(s, alt string) string {
	if s == "" {
		return alt
	}
	return fmt.Sprintf("%q", s)
}
