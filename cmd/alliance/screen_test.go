package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// readScreenHits parses the CSV output of screen into rows of query_id, list_id and
// score, after checking the header.
func readScreenHits(t *testing.T, out string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v\n%s", err, out)
	}
	if len(recs) == 0 || strings.Join(recs[0][:3], ",") != "query_id,list_id,score" {
		t.Fatalf("output header %v, want query_id,list_id,score first", recs)
	}
	var rows [][]string
	for _, r := range recs[1:] {
		rows = append(rows, r[:3])
	}
	return rows
}

func screenFile(t *testing.T, dir, name, data string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestScreenSampleList(t *testing.T) {
	c := newCLI(t)
	in := screenFile(t, c.dir, "names.csv", "id,name,country\n"+
		"q1,Zarvelin Textile,TR\n"+
		"q2,Кравчишин Орест,\n"+
		"q3,Velbruck Food Ltd,TR\n"+
		"q4,Acme Widgets,\n"+
		"q5,Timbarskiy Tekstil AO,RU\n")
	out := c.must("", "screen", "--list", screenSampleList, "--in", in, "--quiet")
	want := [][]string{
		{"q1", "demo-001", "1.000"},
		{"q2", "demo-021", "0.975"},
		{"q3", "demo-011", "1.000"},
		{"q5", "demo-012", "0.976"},
	}
	if diff := cmp.Diff(want, readScreenHits(t, out)); diff != "" {
		t.Errorf("hits (-want +got):\n%s", diff)
	}
	if !strings.Contains(out, "food=gida 1.00 (food)") || !strings.Contains(out, "builtin:sample@") {
		t.Errorf("output lacks the explanation or the list version:\n%s", out)
	}
}

func TestScreenSeveralListsAndOut(t *testing.T) {
	c := newCLI(t)
	list := screenFile(t, c.dir, "own.csv", "id,name,aliases,country,type\n"+
		"own-1,ООО «Ромашка Текстиль»,Romashka Textile LLC,RU,company\n"+
		"own-2,Romashkin Ivan,,RU,person\n")
	ftm := screenFile(t, c.dir, "entities.ftm.json",
		`{"id":"os-1","schema":"Company","properties":{"name":["Romashka Tekstil OOO"],"country":["ru"]}}`+"\n")
	simple := screenFile(t, c.dir, "targets.simple.csv", "id,schema,name,aliases,countries\nts-1,Company,Zarvelin Tekstil,,tr\n")
	in := screenFile(t, c.dir, "names.csv", "id,name\nn1,Romashka Textile\nn2,Zarvelin Tekstil A.S.\n")
	hits := filepath.Join(c.dir, "hits.csv")
	code, stdout, stderr := c.run("", "screen", "--list", list, "--list", ftm, "--list", simple, "--in", in, "--out", hits)
	if code != 0 || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, stdout, stderr)
	}
	data, err := os.ReadFile(hits)
	if err != nil {
		t.Fatal(err)
	}
	got := readScreenHits(t, string(data))
	want := [][]string{{"n1", "os-1", "1.000"}, {"n1", "own-1", "1.000"}, {"n2", "ts-1", "1.000"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("hits (-want +got):\n%s", diff)
	}
	for _, w := range []string{"own.csv: 2 entities", "entities.ftm.json: 1 entities, ftm-jsonl", "targets.simple.csv: 1 entities, targets.simple", "sha256 ", "screened 2 names against 4 listed entities"} {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr)
		}
	}
}

func TestScreenThresholdAndOrder(t *testing.T) {
	c := newCLI(t)
	list := screenFile(t, c.dir, "l.csv", "id,name,aliases,country,type\n"+
		"a,Zarvelin Tekstil,,,company\nb,Zarvelin Tekstil Boya,,,company\nc,Kostrova Gida,,,company\n")
	in := screenFile(t, c.dir, "in.csv", "id,name\nx,Zarvelin Tekstil\n")
	low := readScreenHits(t, c.must("", "screen", "--list", list, "--in", in, "--quiet", "--threshold", "0.3"))
	if len(low) != 2 || low[0][1] != "a" || low[1][1] != "b" || low[0][2] <= low[1][2] {
		t.Errorf("at 0.3: %v, want a then b, best first", low)
	}
	high := readScreenHits(t, c.must("", "screen", "--list", list, "--in", in, "--quiet", "--threshold", "1"))
	if diff := cmp.Diff([][]string{{"x", "a", "1.000"}}, high); diff != "" {
		t.Errorf("at 1 (-want +got):\n%s", diff)
	}
}

func TestScreenStdin(t *testing.T) {
	c := newCLI(t)
	out := c.must("id,name\n1,Zarvelin Textile\n", "screen", "--list", screenSampleList, "--in", "-", "--quiet")
	if diff := cmp.Diff([][]string{{"1", "demo-001", "1.000"}}, readScreenHits(t, out)); diff != "" {
		t.Errorf("hits (-want +got):\n%s", diff)
	}
}

func TestScreenBadInput(t *testing.T) {
	c := newCLI(t)
	good := screenFile(t, c.dir, "in.csv", "id,name\n1,Zarvelin\n")
	tests := []struct {
		name   string
		args   []string
		errHas []string
	}{
		{"no list", []string{"--in", good}, []string{"--list is required"}},
		{"no input", []string{"--list", screenSampleList}, []string{"--in is required"}},
		{"threshold", []string{"--list", screenSampleList, "--in", good, "--threshold", "1.5"}, []string{"--threshold"}},
		{"missing list", []string{"--list", filepath.Join(c.dir, "nope.csv"), "--in", good}, []string{"cannot read list", "nope.csv"}},
		{"missing input", []string{"--list", screenSampleList, "--in", filepath.Join(c.dir, "nope.csv")}, []string{"cannot read input file"}},
		{"list without header", []string{"--list", screenFile(t, c.dir, "nohead.csv", "a1,Acme,,,company\n"), "--in", good},
			[]string{"nohead.csv:1: header is"}},
		{"list with bad lines", []string{"--list", screenFile(t, c.dir, "bad.csv", "id,name,aliases,country,type\na1,,,,company\na1,Acme \xff,,,company\n"), "--in", good},
			[]string{"bad.csv:2: name: is empty", "bad.csv:3: id: duplicate id", "bad.csv:3: name: is not valid UTF-8"}},
		{"malformed JSON lines", []string{"--list", screenFile(t, c.dir, "l.jsonl", "{\"id\":\n"), "--in", good}, []string{"l.jsonl:1: malformed JSON"}},
		{"input without header", []string{"--list", screenSampleList, "--in", screenFile(t, c.dir, "nh.csv", "1,Acme\n")}, []string{"nh.csv:1: header is \"1,acme\""}},
		{"input with a long name", []string{"--list", screenSampleList, "--in", screenFile(t, c.dir, "long.csv", "id,name\n1,"+strings.Repeat("x", 10000)+"\n")},
			[]string{"long.csv:2: name: is 10000 characters long"}},
		{"input with an empty name", []string{"--list", screenSampleList, "--in", screenFile(t, c.dir, "e.csv", "id,name\n1,  \n2,Ok\n")}, []string{"e.csv:2: name: is empty"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(c.dir, tc.name+".out.csv")
			code, stdout, stderr := c.run("", append([]string{"screen", "--out", out}, tc.args...)...)
			if code != 2 {
				t.Errorf("exit %d, want 2\nstdout: %s\nstderr: %s", code, stdout, stderr)
			}
			for _, w := range tc.errHas {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q lacks %q", stderr, w)
				}
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("a failed run left %s behind (%v)", out, err)
			}
		})
	}
}

func TestScreenQuiet(t *testing.T) {
	c := newCLI(t)
	in := screenFile(t, c.dir, "in.csv", "id,name\n1,Zarvelin\n")
	code, _, stderr := c.run("", "screen", "--list", screenSampleList, "--in", in, "--quiet")
	if code != 0 || stderr != "" {
		t.Errorf("exit %d, stderr %q; want 0 and nothing on standard error", code, stderr)
	}
}
