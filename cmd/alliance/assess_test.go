package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type assessOutput struct {
	Catalog        string `json:"catalog"`
	CatalogVersion string `json:"catalog_version"`
	Trafficking    bool   `json:"trafficking"`
	Dimensions     []struct {
		ID         string   `json:"id"`
		Label      string   `json:"label"`
		Positive   bool     `json:"positive"`
		Strong     int      `json:"strong"`
		Medium     int      `json:"medium"`
		Weak       int      `json:"weak"`
		Indicators []string `json:"indicators"`
		Missing    *string  `json:"missing"`
	} `json:"dimensions"`
	ForcedLabour *struct {
		Evidenced int `json:"evidenced"`
	} `json:"forced_labour"`
	ICLS *struct {
		Involuntary  bool `json:"involuntary"`
		Penalty      bool `json:"penalty"`
		ForcedLabour bool `json:"forced_labour"`
	} `json:"icls_2018"`
}

func decodeAssess(t *testing.T, out string) assessOutput {
	t.Helper()
	var got assessOutput
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	return got
}

func TestAssess(t *testing.T) {
	c := newCLI(t)
	in := `{"catalog":"ilo-ec-2009-adult-labour","observed":["dr.job_nature","dr.wages","ex.excessive_hours","ex.low_or_no_pay","cd.documents_taken","cd.debt_bondage"],"absent":["cr.violence"],"unknown":["vd.family"],"declined":["vr.personal"],"age":34}`
	got := decodeAssess(t, c.must(in, "assess"))
	if got.Catalog != "ilo-ec-2009-adult-labour" || got.CatalogVersion == "" || !got.Trafficking {
		t.Errorf("catalog %q version %q trafficking %v", got.Catalog, got.CatalogVersion, got.Trafficking)
	}
	if len(got.Dimensions) != 6 {
		t.Fatalf("%d dimensions, want 6", len(got.Dimensions))
	}
	d := got.Dimensions[0]
	if d.ID != "deceptive_recruitment" || !d.Positive || d.Strong != 1 || d.Medium != 1 || d.Weak != 0 || len(d.Indicators) != 2 || d.Missing == nil || *d.Missing != "" {
		t.Errorf("first dimension %+v", d)
	}
	if m := got.Dimensions[1].Missing; got.Dimensions[1].Positive || m == nil || !strings.Contains(*m, "more") {
		t.Errorf("coercive recruitment should say what is missing: %+v", got.Dimensions[1])
	}
	if got.ForcedLabour == nil || got.ForcedLabour.Evidenced == 0 || got.ICLS == nil || !got.ICLS.ForcedLabour || !got.ICLS.Involuntary || !got.ICLS.Penalty {
		t.Errorf("views: %+v %+v", got.ForcedLabour, got.ICLS)
	}
}

func TestAssessFileAndFlags(t *testing.T) {
	c := newCLI(t)
	path := filepath.Join(c.dir, "in.json")
	if err := os.WriteFile(path, []byte(`{"observed":["ex.excessive_hours","ex.hazardous_work"],"age":15,"recruitment_event":true}`), 0o600); err != nil {
		t.Fatal(err)
	}
	out := c.must("", "assess", "--catalog", "ilo-ec-2009-adult-labour", "--lang", "xx", path)
	got := decodeAssess(t, out)
	if !got.Trafficking || !strings.Contains(out, "means element is not required") {
		t.Errorf("child with exploitation and a recruitment event: trafficking %v\n%s", got.Trafficking, out)
	}
	if got.Dimensions[3].Label != "Exploitative conditions of work" {
		t.Errorf("unknown language should fall back to English, got %q", got.Dimensions[3].Label)
	}
}

func TestAssessErrors(t *testing.T) {
	c := newCLI(t)
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"unknown indicator", `{"observed":["dr.job_nature","dr.bogus"]}`, nil, `"dr.bogus"`},
		{"unknown catalogue in input", `{"catalog":"ilo-1999","observed":[]}`, nil, `"ilo-1999"`},
		{"unknown catalogue flag", `{}`, []string{"--catalog", "nope"}, `"nope"`},
		{"view as catalogue", `{}`, []string{"--catalog", "ilo-2012-forced-labour"}, `"ilo-2012-forced-labour"`},
		{"catalogues differ", `{"catalog":"ilo-ec-2009-adult-labour"}`, []string{"--catalog", "icls-2018"}, `differ`},
		{"malformed JSON", `{"observed":["dr.job_nature"`, nil, "malformed JSON"},
		{"unknown field", `{"observed":[],"colour":"red"}`, nil, `"colour"`},
		{"wrong type", `{"observed":"dr.job_nature"}`, nil, "observed"},
		{"conflicting answers", `{"observed":["cd.violence"],"declined":["cd.violence"]}`, nil, `"cd.violence"`},
		{"missing file", ``, []string{"/nonexistent/in.json"}, "/nonexistent/in.json"},
		{"bad flag", `{}`, []string{"--bogus"}, "bogus"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := c.run(tc.stdin, append([]string{"assess"}, tc.args...)...)
			if code != 2 || !strings.Contains(errs, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 naming %s\nstdout: %s", code, errs, tc.want, out)
			}
		})
	}
}
