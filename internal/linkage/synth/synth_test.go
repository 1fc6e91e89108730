package synth

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

func TestGenerateIsReproducible(t *testing.T) {
	cfg := Config{Seed: 7, People: 200, Partners: 3, Presence: 0.6, Noise: Realistic}
	var a, b bytes.Buffer
	for _, recs := range Generate(cfg) {
		WriteCSV(&a, recs)
	}
	for _, recs := range Generate(cfg) {
		WriteCSV(&b, recs)
	}
	if a.String() != b.String() {
		t.Fatal("two runs with one seed differ")
	}
	t.Log(a.String()[:1500])
}

// TestWriteFiles writes the CSV files of three partners (a.csv, b.csv, c.csv) and the
// truth (truth.csv: partner, id, person) to ALLIANCE_SYNTH_DIR, for measuring the
// command line end to end; ALLIANCE_SYNTH_PEOPLE sets the number of people (each
// partner holds about 60% of them). It is skipped unless the directory is set.
func TestWriteFiles(t *testing.T) {
	dir := os.Getenv("ALLIANCE_SYNTH_DIR")
	if dir == "" {
		t.Skip("set ALLIANCE_SYNTH_DIR")
	}
	people, _ := strconv.Atoi(os.Getenv("ALLIANCE_SYNTH_PEOPLE"))
	recs := Generate(Config{Seed: 5, People: max(people, 1000), Partners: 3, Presence: 0.6, Noise: Realistic})
	truth := [][]string{{"partner", "id", "person"}}
	for i, name := range []string{"a", "b", "c"} {
		var buf bytes.Buffer
		if err := WriteCSV(&buf, recs[i]); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".csv"), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, r := range recs[i] {
			truth = append(truth, []string{name, r.ID, strconv.Itoa(r.Person)})
		}
	}
	f, err := os.Create(filepath.Join(dir, "truth.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := csv.NewWriter(f).WriteAll(truth); err != nil {
		t.Fatal(err)
	}
}
