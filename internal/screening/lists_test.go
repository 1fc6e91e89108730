package screening

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const goodCSV = "id,name,aliases,country,type\n" +
	"c1,ООО «Ромашка»,Romashka LLC; OOO Romashka ,RU,company\n" +
	"p1,Шевченко Тарас,,UA;PL,person\n" +
	"o1,\"Kestrova Recruitment, Ltd\",,gb,organization\n" +
	"u1,Nameless Unknown,,,\n"

func TestReadCSV(t *testing.T) {
	s, err := ReadSnapshot("list.csv", strings.NewReader(goodCSV), "", t0)
	if err != nil {
		t.Fatal(err)
	}
	want := []Entity{
		{ID: "c1", Name: "ООО «Ромашка»", Aliases: []string{"Romashka LLC", "OOO Romashka"}, Countries: []string{"ru"}, Type: TypeCompany, Line: 2},
		{ID: "p1", Name: "Шевченко Тарас", Countries: []string{"ua", "pl"}, Type: TypePerson, Line: 3},
		{ID: "o1", Name: "Kestrova Recruitment, Ltd", Countries: []string{"gb"}, Type: TypeOrganization, Line: 4},
		{ID: "u1", Name: "Nameless Unknown", Type: TypeUnknown, Line: 5},
	}
	if diff := cmp.Diff(want, s.Entities); diff != "" {
		t.Errorf("entities (-want +got):\n%s", diff)
	}
	sum := sha256.Sum256([]byte(goodCSV))
	wantV := Version{Source: "list.csv", Format: FormatCSV, LoadedAt: t0, SHA256: hex.EncodeToString(sum[:]), Entities: 4}
	if diff := cmp.Diff(wantV, s.Version); diff != "" {
		t.Errorf("version (-want +got):\n%s", diff)
	}
}

func TestReadFtM(t *testing.T) {
	in := `{"id":"NK-1","schema":"Company","properties":{"name":["Zarvelin Tekstil A.Ş."],"alias":["Zarvelin Textile"],"previousName":["Zarvelin Örme"],"weakAlias":["ZT"],"country":["tr"]}}
{"id":"NK-2","schema":"Person","properties":{"name":["Taras Shevchenko","Тарас Шевченко"],"nationality":["ua"]}}

{"id":"NK-3","schema":"Sanction","properties":{"program":["X"]}}
{"id":"NK-4","schema":"LegalEntity","properties":{"name":["Henvolt"],"jurisdiction":["de"],"country":["de"]}}
`
	s, err := ReadSnapshot("entities.ftm.json", strings.NewReader(in), "", t0)
	if err != nil {
		t.Fatal(err)
	}
	want := []Entity{
		{ID: "NK-1", Name: "Zarvelin Tekstil A.Ş.", Aliases: []string{"Zarvelin Textile", "Zarvelin Örme"}, Countries: []string{"tr"}, Type: TypeCompany, Line: 1},
		{ID: "NK-2", Name: "Taras Shevchenko", Aliases: []string{"Тарас Шевченко"}, Countries: []string{"ua"}, Type: TypePerson, Line: 2},
		{ID: "NK-4", Name: "Henvolt", Countries: []string{"de"}, Type: TypeOrganization, Line: 5},
	}
	if diff := cmp.Diff(want, s.Entities); diff != "" {
		t.Errorf("entities (-want +got):\n%s", diff)
	}
	if s.Version.Format != FormatFtM || s.Version.Skipped != 1 || s.Version.Entities != 3 {
		t.Errorf("version %+v, want ftm-jsonl, 3 entities, 1 skipped", s.Version)
	}
}

func TestReadSimple(t *testing.T) {
	in := "id,schema,name,aliases,birth_date,countries,addresses,identifiers,sanctions,phones,emails,program_ids,dataset,first_seen,last_seen,last_change\n" +
		"NK-1,Company,Zarvelin Tekstil A.Ş.,Zarvelin Textile;Zarvelin Tekstil,,tr,,,,,,,demo,2026-01-01,2026-01-01,2026-01-01\n" +
		"NK-2,Person,\"Shevchenko, Taras\",Тарас Шевченко,1970,ua;ru,,,,,,,demo,2026-01-01,2026-01-01,2026-01-01\n" +
		"NK-3,Vessel,Sea Star,,,,,,,,,,demo,2026-01-01,2026-01-01,2026-01-01\n"
	s, err := ReadSnapshot("targets.simple.csv", strings.NewReader(in), "", t0)
	if err != nil {
		t.Fatal(err)
	}
	want := []Entity{
		{ID: "NK-1", Name: "Zarvelin Tekstil A.Ş.", Aliases: []string{"Zarvelin Textile", "Zarvelin Tekstil"}, Countries: []string{"tr"}, Type: TypeCompany, Line: 2},
		{ID: "NK-2", Name: "Shevchenko, Taras", Aliases: []string{"Тарас Шевченко"}, Countries: []string{"ua", "ru"}, Type: TypePerson, Line: 3},
	}
	if diff := cmp.Diff(want, s.Entities); diff != "" {
		t.Errorf("entities (-want +got):\n%s", diff)
	}
	if s.Version.Format != FormatSimple || s.Version.Skipped != 1 {
		t.Errorf("version %+v, want targets.simple with 1 skipped", s.Version)
	}
}

func TestDetectFormat(t *testing.T) {
	tests := []struct {
		name, head string
		want       Format
	}{
		{"x.jsonl", "", FormatFtM},
		{"entities.ftm.json", "", FormatFtM},
		{"export.txt", "  \n{\"id\":1}", FormatFtM},
		{"targets.simple.csv", "id,schema,name,aliases\n", FormatSimple},
		{"t.csv", "\ufeff\"id\",\"schema\",\"name\"\n", FormatSimple},
		{"list.csv", "id,name,aliases,country,type\n", FormatCSV},
		{"list", "id,name\n", FormatCSV},
	}
	for _, tc := range tests {
		if got := DetectFormat(tc.name, []byte(tc.head)); got != tc.want {
			t.Errorf("DetectFormat(%q, %q) = %q, want %q", tc.name, tc.head, got, tc.want)
		}
	}
}

func TestBadLists(t *testing.T) {
	const h = "id,name,aliases,country,type\n"
	long := strings.Repeat("x", 10000)
	tests := []struct {
		name, file, in string
		want           []string // each must appear in the error
	}{
		{"empty file", "l.csv", "", []string{"l.csv: ", "empty"}},
		{"no header", "l.csv", "c1,Acme,,,company\n", []string{"l.csv:1: ", "header is", "want \"id,name,aliases,country,type\""}},
		{"wrong header", "l.csv", "id,name\nc1,Acme\n", []string{"l.csv:1: header"}},
		{"empty name", "l.csv", h + "c1,   ,,,company\n", []string{"l.csv:2: name: is empty"}},
		{"10,000-character name", "l.csv", h + "c1," + long + ",,,company\n", []string{"l.csv:2: name: is 10000 characters long"}},
		{"invalid UTF-8", "l.csv", h + "c1,Ac\xffme,,,company\n", []string{"l.csv:2: name: is not valid UTF-8"}},
		{"bad alias", "l.csv", h + "c1,Acme,Ok;\xff,,company\n", []string{"l.csv:2: aliases: alias is not valid UTF-8"}},
		{"duplicate id", "l.csv", h + "c1,Acme,,,company\nc2,Bolt,,,company\nc1,Cord,,,company\n", []string{"l.csv:4: id: duplicate id \"c1\" (first on line 2)"}},
		{"empty id", "l.csv", h + ",Acme,,,company\n", []string{"l.csv:2: id: is empty"}},
		{"bad type", "l.csv", h + "c1,Acme,,,vessel\n", []string{"l.csv:2: type: \"vessel\""}},
		{"bad country", "l.csv", h + "c1,Acme,,Ukraine,company\n", []string{"l.csv:2: country: \"ukraine\" is not a two-letter"}},
		{"field count", "l.csv", h + "c1,Acme,,company\n", []string{"l.csv:2: 4 fields; want 5"}},
		{"bare quote", "l.csv", h + "c1,Ac\"me,,,company\n", []string{"l.csv:2: malformed CSV"}},
		{"several problems", "l.csv", h + "c1,,,,company\nc2,ok,,,x\n", []string{"l.csv:2: name", "l.csv:3: type"}},
		{"malformed JSON", "e.jsonl", "{\"id\":\"a\",\"schema\":\"Company\",\"properties\":{\"name\":[\"A\"]}}\n{\"id\":\n", []string{"e.jsonl:2: malformed JSON"}},
		{"JSON without name", "e.jsonl", "{\"id\":\"a\",\"schema\":\"Company\",\"properties\":{}}\n", []string{"e.jsonl:1: properties.name: is missing"}},
		{"JSON duplicate id", "e.jsonl", "{\"id\":\"a\",\"schema\":\"Person\",\"properties\":{\"name\":[\"A B\"]}}\n{\"id\":\"a\",\"schema\":\"Person\",\"properties\":{\"name\":[\"C D\"]}}\n", []string{"e.jsonl:2: id: duplicate id"}},
		{"JSON invalid UTF-8", "e.jsonl", "{\"id\":\"a\",\"schema\":\"Person\",\"properties\":{\"name\":[\"A \xff\"]}}\n", []string{"e.jsonl:1: is not valid UTF-8"}},
		{"JSON long name", "e.jsonl", "{\"id\":\"a\",\"schema\":\"Person\",\"properties\":{\"name\":[\"" + long + "\"]}}\n", []string{"e.jsonl:1: name: is 10000 characters"}},
		{"simple without schema column", "targets.simple.csv", "id,schema_x,name\n1,Person,A\n", []string{"targets.simple.csv:1: ", "lacks column \"schema\""}},
		{"simple empty name", "t.csv", "id,schema,name,aliases,countries\n1,Person,,,\n", []string{"t.csv:2: name: is empty"}},
		{"nothing to screen", "e.jsonl", "{\"id\":\"s\",\"schema\":\"Sanction\",\"properties\":{}}\n", []string{"holds no entities"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadSnapshot(tc.file, strings.NewReader(tc.in), "", t0)
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("err = %v, want a *LoadError", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestLoadErrorIsBounded(t *testing.T) {
	in := "id,name,aliases,country,type\n" + strings.Repeat("c1,,,,company\n", 100)
	_, err := ReadSnapshot("l.csv", strings.NewReader(in), FormatCSV, t0)
	var le *LoadError
	if !errors.As(err, &le) || len(le.Problems) != maxProblems || !le.More {
		t.Fatalf("err = %v, want %d problems and a note that there are more", err, maxProblems)
	}
}

func TestRegistryKeepsPreviousVersionOnFailure(t *testing.T) {
	var r Registry
	first, err := r.Load("list.csv", strings.NewReader(goodCSV), "", t0)
	if err != nil {
		t.Fatal(err)
	}
	if hits := screenNames(t, r.Screener(), "Romashka"); len(hits) != 1 {
		t.Fatalf("hits %v, want Romashka", hits)
	}
	broken := goodCSV + "x9,\xff,,,company\n"
	if _, err := r.Load("list.csv", strings.NewReader(broken), "", t0.Add(time.Hour)); err == nil {
		t.Fatal("loading a broken list succeeded")
	}
	snaps := r.Snapshots()
	if len(snaps) != 1 || snaps[0] != first {
		t.Fatalf("after a failed load the registry holds %v, want the first version", snaps)
	}
	if hits := screenNames(t, r.Screener(), "Romashka"); len(hits) != 1 || hits[0].List.SHA256 != first.Version.SHA256 {
		t.Errorf("after a failed load: hits %v, want Romashka from the first version", hits)
	}
	second := "id,name,aliases,country,type\nz1,Zarvelin Tekstil,,TR,company\n"
	if _, err := r.Load("list.csv", strings.NewReader(second), "", t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if hits := screenNames(t, r.Screener(), "Romashka"); len(hits) != 0 {
		t.Errorf("a new version must replace the old one; still found %v", hits)
	}
	if _, err := r.Load("other.jsonl", strings.NewReader(`{"id":"k","schema":"Company","properties":{"name":["Romashka"]}}`), "", t0); err != nil {
		t.Fatal(err)
	}
	if n := len(r.Snapshots()); n != 2 {
		t.Errorf("%d lists in force, want 2 sources", n)
	}
	if hits := screenNames(t, r.Screener(), "Romashka"); len(hits) != 1 || hits[0].List.Source != "other.jsonl" {
		t.Errorf("hits %v, want Romashka from other.jsonl", hits)
	}
}

func screenNames(t *testing.T, s *Screener, name string) []Hit {
	t.Helper()
	hits, err := s.Screen(Query{Name: name}, DefaultThreshold)
	if err != nil {
		t.Fatal(err)
	}
	return hits
}

func TestReadQueries(t *testing.T) {
	qs, err := ReadQueries("in.csv", strings.NewReader("id,name,country\n1,Zarvelin Textile,TR\n2,\"Ромашка, ООО\",\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Query{{ID: "1", Name: "Zarvelin Textile", Country: "tr"}, {ID: "2", Name: "Ромашка, ООО"}}
	if diff := cmp.Diff(want, qs); diff != "" {
		t.Errorf("queries (-want +got):\n%s", diff)
	}
	bad := []struct{ in, want string }{
		{"name,id\nA,1\n", "in.csv:1: header is \"name,id\""},
		{"id,name\n1,\n", "in.csv:2: name: is empty"},
		{"id,name\n1,A\n1,B\n", "in.csv:3: id: duplicate id \"1\" (first on line 2)"},
		{"id,name\n1,\xff\n", "in.csv:2: name: is not valid UTF-8"},
		{"id,name,country\n1,A,Turkey\n", "in.csv:2: country"},
		{"id,name\n1," + strings.Repeat("я", 10000) + "\n", "in.csv:2: name: is 10000 characters long"},
	}
	for _, tc := range bad {
		if _, err := ReadQueries("in.csv", strings.NewReader(tc.in)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ReadQueries(%.30q) = %v, want an error containing %q", tc.in, err, tc.want)
		}
	}
}

func TestSampleListIsSyntheticAndLoads(t *testing.T) {
	s := SampleList(t0)
	if len(s.Entities) != 30 || s.Version.Source != SampleSource {
		t.Fatalf("sample list: %d entities from %q", len(s.Entities), s.Version.Source)
	}
	if !strings.HasPrefix(string(SampleCSV), "id,name,aliases,country,type\n") {
		t.Error("the sample list must be in the alliance CSV format")
	}
}
