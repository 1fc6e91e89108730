package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"alliance/internal/linkage/synth"
)

// linkFiles writes a secret and the CSV files of three synthetic partners.
func linkFiles(t *testing.T, dir string) (secret string, csvs []string) {
	t.Helper()
	secret = filepath.Join(dir, "secret")
	if err := os.WriteFile(secret, []byte("0123456789abcdef0123456789abcdef-test\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	recs := synth.Generate(synth.Config{Seed: 9, People: 300, Partners: 3, Presence: 0.6, Noise: synth.Realistic})
	for i, name := range []string{"inspectorate", "police", "shelter"} {
		path := filepath.Join(dir, name+".csv")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := synth.WriteCSV(f, recs[i]); err != nil {
			t.Fatal(err)
		}
		f.Close()
		csvs = append(csvs, path)
	}
	return secret, csvs
}

func TestLinkEncodeAndMatch(t *testing.T) {
	c := newCLI(t)
	secret, csvs := linkFiles(t, c.dir)
	var clks []string
	for _, in := range csvs {
		out := strings.TrimSuffix(in, ".csv") + ".clk"
		c.must("", "link", "encode", "--secret-file", secret, "--in", in, "--out", out, "--quiet")
		clks = append(clks, out)
	}
	data, err := os.ReadFile(clks[0])
	if err != nil {
		t.Fatal(err)
	}
	inData, _ := os.ReadFile(csvs[0])
	rows, _ := csv.NewReader(strings.NewReader(string(inData))).ReadAll()
	for _, r := range rows[1:6] {
		if strings.Contains(string(data), r[1]) || strings.Contains(string(data), r[3]) {
			t.Errorf("the .clk file holds an identifying value of %v", r)
		}
	}
	out := filepath.Join(c.dir, "clusters.csv")
	c.must("", append([]string{"link", "match", "--out", out, "--quiet"}, clks...)...)
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	res, err := csv.NewReader(strings.NewReader(string(got))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(res[0], ",") != "source,id,cluster" {
		t.Errorf("header %v, want source,id,cluster", res[0])
	}
	sources := map[string]int{}
	perCluster := map[string]map[string]bool{}
	for _, r := range res[1:] {
		sources[r[0]]++
		if perCluster[r[2]] == nil {
			perCluster[r[2]] = map[string]bool{}
		}
		if perCluster[r[2]][r[0]] {
			t.Errorf("cluster %s holds two records of %s", r[2], r[0])
		}
		perCluster[r[2]][r[0]] = true
	}
	for _, s := range []string{"inspectorate", "police", "shelter"} {
		if sources[s] < 50 {
			t.Errorf("%d records of %s in clusters, want at least 50 (%v)", sources[s], s, sources)
		}
	}
	for id, m := range perCluster {
		if len(m) < 2 {
			t.Errorf("cluster %s has one record", id)
		}
	}
}

func TestLinkErrors(t *testing.T) {
	c := newCLI(t)
	secret, csvs := linkFiles(t, c.dir)
	short := filepath.Join(c.dir, "short")
	os.WriteFile(short, []byte("too short\n"), 0o600)
	other := filepath.Join(c.dir, "other")
	os.WriteFile(other, []byte("another secret of at least thirty-two bytes\n"), 0o600)
	bad := filepath.Join(c.dir, "bad.csv")
	os.WriteFile(bad, []byte("id,given_name,family_name,date_of_birth,sex,nationality\na,Ivan,Petrov,1985-13-01,M,UA\n,Olena,Kovalenko,,F,UA\n"), 0o600)
	a, b := filepath.Join(c.dir, "a.clk"), filepath.Join(c.dir, "b.clk")
	c.must("", "link", "encode", "--secret-file", secret, "--in", csvs[0], "--out", a, "--quiet")
	c.must("", "link", "encode", "--secret-file", other, "--in", csvs[1], "--out", b, "--quiet")
	out := filepath.Join(c.dir, "out.csv")
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"short secret", []string{"link", "encode", "--secret-file", short, "--in", csvs[0], "--out", out}, []string{"at least 32"}},
		{"missing secret", []string{"link", "encode", "--in", csvs[0], "--out", out}, []string{"--secret-file"}},
		{"bad rows", []string{"link", "encode", "--secret-file", secret, "--in", bad, "--out", out}, []string{"line 2", "date_of_birth", "line 3", "id is empty"}},
		{"other secret", []string{"link", "match", "--out", out, a, b}, []string{"another secret"}},
		{"one file", []string{"link", "match", "--out", out, a}, []string{"at least two"}},
		{"not clk", []string{"link", "match", "--out", out, a, csvs[0]}, []string{"line 1", "not a .clk file"}},
	}
	for _, tt := range tests {
		code, _, stderr := c.run("", tt.args...)
		if code != exitUsage {
			t.Errorf("%s: exit %d, want %d; stderr %s", tt.name, code, exitUsage, stderr)
		}
		for _, w := range tt.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%s: stderr %q does not contain %q", tt.name, stderr, w)
			}
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a failed run left %s behind", out)
	}
}

func TestMeter(t *testing.T) {
	tests := []struct {
		quiet bool
		want  []string
	}{
		{false, []string{"alliance link encode: 50 of 200 records", "/s", "left", "done in"}},
		{true, nil},
	}
	for _, tt := range tests {
		var buf strings.Builder
		m := newMeter(&buf, tt.quiet, "link encode", "records", 200)
		m.every = 0
		m.update(50)
		m.finish()
		if tt.quiet && buf.Len() > 0 {
			t.Errorf("quiet meter wrote %q", buf.String())
		}
		for _, w := range tt.want {
			if !strings.Contains(buf.String(), w) {
				t.Errorf("meter wrote %q, want %q in it", buf.String(), w)
			}
		}
	}
}

func TestLinkDedup(t *testing.T) {
	c := newCLI(t)
	secret, _ := linkFiles(t, c.dir)
	in := filepath.Join(c.dir, "shelter.csv")
	os.WriteFile(in, []byte("id,given_name,family_name,date_of_birth,sex,nationality\n"+
		"1,Taras,Shevchenko,1985-03-07,M,UA\n2,Olena,Kovalenko,1990-11-23,F,UA\n3,Шевченко,Тарас,1985-07-03,M,UA\n"), 0o600)
	clk, out := filepath.Join(c.dir, "shelter.clk"), filepath.Join(c.dir, "dups.csv")
	c.must("", "link", "encode", "--secret-file", secret, "--in", in, "--out", clk, "--quiet")
	c.must("", "link", "match", "--dedup", "--quiet", "--out", out, clk)
	got, _ := os.ReadFile(out)
	if want := "source,id,cluster\nshelter,1,1\nshelter,3,1\n"; string(got) != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
