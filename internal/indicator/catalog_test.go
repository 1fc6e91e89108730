package indicator

import (
	"bytes"
	"strings"
	"testing"
)

func readData(t *testing.T, name string) string {
	t.Helper()
	b, err := dataFS.ReadFile("data/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestBuiltin(t *testing.T) {
	s := Builtin()
	want := []string{"icls-2018", "ilo-2012-forced-labour", "ilo-ec-2009-adult-labour"}
	if got := strings.Join(s.IDs(), ","); got != strings.Join(want, ",") {
		t.Errorf("catalogues %s, want %v", got, want)
	}
	fl, _ := s.Catalog("ilo-2012-forced-labour")
	if len(fl.Mapped) != 11 {
		t.Errorf("%d forced-labour indicators, want 11", len(fl.Mapped))
	}
	for _, id := range s.IDs() {
		c, _ := s.Catalog(id)
		if len(c.Notes) == 0 {
			t.Errorf("catalogue %s has no notes", id)
		}
	}
}

// TestParseCatalogErrors: an amended file that is malformed is refused with a
// message naming what is wrong and where.
func TestParseCatalogErrors(t *testing.T) {
	base := readData(t, "ilo-ec-2009-adult-labour.json")
	tests := []struct {
		name, from, to, want string
	}{
		{"bad strength", `"strength": "strong"`, `"strength": "mighty"`, `indicator "dr.job_nature": strength "mighty"`},
		{"unknown dimension", `"dimension": "coercive_recruitment"`, `"dimension": "coercive"`, `dimension "coercive" is not one of`},
		{"duplicate indicator", `"id": "dr.conditions"`, `"id": "dr.job_nature"`, `id "dr.job_nature" is listed twice`},
		{"no version", `"version": "2009.1"`, `"version": ""`, `version is missing`},
		{"unknown field", `"source":`, `"sauce": "x", "source":`, `"sauce"`},
		{"bad kind", `"kind": "operational"`, `"kind": "other"`, `kind "other"`},
		{"no English label", `"en": "Deceived about wages or earnings"`, `"fr": "Trompé sur le salaire"`, `indicator "dr.wages": the English label`},
		{"syntax", `"indicators": [`, `"indicators": [,`, `line `},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(base, tc.from) {
				t.Fatalf("fixture has no %s", tc.from)
			}
			_, err := LoadCatalog(strings.NewReader(strings.Replace(base, tc.from, tc.to, 1)))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v; want one containing %s", err, tc.want)
			}
		})
	}
	if _, err := LoadCatalog(strings.NewReader(base)); err != nil {
		t.Errorf("the embedded catalogue does not load: %v", err)
	}
}

func TestParseRulesErrors(t *testing.T) {
	base := readData(t, "rules-ilo-ec-2009.json")
	tests := []struct {
		name, from, to, want string
	}{
		{"zero min", `"min": 3`, `"min": 0`, `dimension_rule[2][0]: min 0`},
		{"bad strength", `"strengths": ["medium", "weak"]`, `"strengths": ["medium", "feeble"]`, `strength "feeble"`},
		{"overlapping terms", `"strengths": ["weak"], "min": 1`, `"strengths": ["medium"], "min": 1`, `counted by two terms`},
		{"empty clause", `"any_of": ["exploitative_conditions"]`, `"any_of": []`, `trafficking[1]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(base, tc.from) {
				t.Fatalf("fixture has no %s", tc.from)
			}
			_, err := LoadRules(strings.NewReader(strings.Replace(base, tc.from, tc.to, 1)))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v; want one containing %s", err, tc.want)
			}
		})
	}
}

func TestNewSetErrors(t *testing.T) {
	cat, err := ParseCatalog([]byte(readData(t, "ilo-ec-2009-adult-labour.json")))
	if err != nil {
		t.Fatal(err)
	}
	fl, err := ParseCatalog([]byte(readData(t, "ilo-2012-forced-labour.json")))
	if err != nil {
		t.Fatal(err)
	}
	rulesText := readData(t, "rules-ilo-ec-2009.json")
	rules, err := ParseRules([]byte(rulesText))
	if err != nil {
		t.Fatal(err)
	}
	badRules, err := ParseRules([]byte(strings.Replace(rulesText, `"coercion_at_destination", "abuse`, `"coercion", "abuse`, 1)))
	if err != nil {
		t.Fatal(err)
	}
	badView, err := ParseCatalog(bytes.Replace([]byte(readData(t, "ilo-2012-forced-labour.json")), []byte(`"ex.excessive_hours"]`), []byte(`"ex.overtime"]`), 1))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		cats  []*Catalog
		rules []*Rules
		want  string
	}{
		{"no rules", []*Catalog{cat}, nil, `catalogue "ilo-ec-2009-adult-labour" has no rules`},
		{"rules name an unknown dimension", []*Catalog{cat}, []*Rules{badRules}, `dimension "coercion" is not in catalogue`},
		{"view evidence unknown", []*Catalog{cat, badView}, []*Rules{rules}, `evidence "ex.overtime"`},
		{"view without base", []*Catalog{fl}, nil, `based_on "ilo-ec-2009-adult-labour"`},
		{"duplicate", []*Catalog{cat, cat}, []*Rules{rules}, `given twice`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewSet(tc.cats, tc.rules)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v; want one containing %s", err, tc.want)
			}
		})
	}
}
