package htcds

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"alliance"
)

// exportCSV writes cases as an export with identity would.
func exportCSV(t *testing.T, cases ...*alliance.Case) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewCSV(&buf, true, orgTypes)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range cases {
		if err := w.Write(k); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// imported is what an import should make of an exported case: the same
// person and context, its id as reference, the stage its status stands for,
// and no decision-maker (an import cannot know which organisation it was).
func imported(k *alliance.Case) alliance.Case {
	want := alliance.Case{Reference: fmt.Sprint(k.ID), Stage: statusStages[k.HTCDSStatus()], Referred: k.Referred,
		Person: k.Person, VictimContext: k.VictimContext}
	want.StatusDecidedBy, want.StatusDecidedAt = 0, nil
	want.Person.Languages = k.Person.Languages[:min(2, len(k.Person.Languages))]
	return want
}

func secondCase() *alliance.Case {
	return &alliance.Case{ID: 7, Stage: alliance.StageInclusion, Person: alliance.Person{FamilyName: "Öztürk", BirthDate: "1988"},
		VictimContext: alliance.VictimContext{Recruitment: []string{"ThroughOnlineSocialNetworks"}, Industry: "F"}}
}

func TestReadRoundTrip(t *testing.T) {
	cases := []*alliance.Case{sampleCase(), secondCase()}
	var jsonl bytes.Buffer
	j := NewJSONLines(&jsonl, true, orgTypes)
	for _, k := range cases {
		j.Write(k)
	}
	for format, data := range map[string][]byte{FormatCSV: exportCSV(t, cases...), FormatJSONLines: jsonl.Bytes(), FormatXLSX: exportXLSX(t, cases...)} {
		recs, err := Read("cases."+format, format, bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if len(recs) != len(cases) {
			t.Fatalf("%s: %d records, want %d", format, len(recs), len(cases))
		}
		for i, k := range cases {
			if diff := cmp.Diff(imported(k), recs[i].Case); diff != "" {
				t.Errorf("%s: case %d (-want +got):\n%s", format, k.ID, diff)
			}
			if recs[i].Row != i+2 && format != FormatJSONLines {
				t.Errorf("%s: row %d, want %d", format, recs[i].Row, i+2)
			}
		}
	}
}

// exportXLSX writes cases, with an event and a perpetrator for the first, as
// an XLSX export with identity would.
func exportXLSX(t testing.TB, cases ...*alliance.Case) []byte {
	t.Helper()
	x := NewXLSX(true, orgTypes)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(x.Begin(TableCases))
	for _, k := range cases {
		must(x.Case(k))
	}
	must(x.Begin(TableEvents))
	must(x.Event(cases[0].ID, &sampleEvent))
	must(x.Begin(TablePerpetrators))
	must(x.Perpetrator(cases[0].ID, &samplePerpetrator))
	var buf bytes.Buffer
	if _, err := x.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var (
	sampleEvent       = alliance.Event{Type: "Recruitment", Date: "2025-04", Country: "MD", City: "Бельцы", Description: "=an advert on a social network"}
	samplePerpetrator = alliance.Perpetrator{Kind: "organisation", Name: "Agenţia Fictivă SRL", Roles: []string{"RecruiterOrIntermediary", "Exploiter"}, Details: "charged a fee"}
)

func TestReadXLSXEventsAndPerpetrators(t *testing.T) {
	recs, err := Read("w.xlsx", FormatXLSX, bytes.NewReader(exportXLSX(t, sampleCase(), secondCase())))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]alliance.Event{sampleEvent}, recs[0].Events); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]alliance.Perpetrator{samplePerpetrator}, recs[0].Perpetrators); diff != "" {
		t.Errorf("perpetrators (-want +got):\n%s", diff)
	}
	if len(recs[1].Events)+len(recs[1].Perpetrators) != 0 {
		t.Errorf("the second case got %v %v", recs[1].Events, recs[1].Perpetrators)
	}
}

// where is a fault's place, for comparison.
type where struct {
	Table string
	Row   int
	Field string
}

func places(t *testing.T, err error) []where {
	t.Helper()
	ie, ok := AsImportError(err)
	if !ok {
		t.Fatalf("error %v is not an ImportError", err)
	}
	var out []where
	for _, e := range ie.Errors {
		if e.File == "" || e.Reason == "" {
			t.Errorf("fault without file or reason: %+v", e)
		}
		out = append(out, where{e.Table, e.Row, e.Field})
	}
	return out
}

func TestReadCSVFaults(t *testing.T) {
	const header = "cas_CaseId,prs_FirstName,prs_SecondName,prs_Birthdate,prs_Gender,prs_Citizenship,vic_TypeOfExploitation,vic_ForcedLabourIndustry\n"
	for _, tc := range []struct {
		name, in string
		want     []where
	}{
		{"empty file", "", []where{{"cases", 0, ""}}},
		{"header only", header, []where{{"cases", 0, ""}}},
		{"unknown and repeated columns", "cas_CaseId,prs_Name,cas_CaseId\n1,a,b\n", []where{{"cases", 1, "prs_Name"}, {"cases", 1, "cas_CaseId"}}},
		{"every bad field of two rows", header +
			"1,Ana,Rusu,1990-13-01,Female,UA,ForcedLabour,A_AgricultureForestryAndFishing\n" +
			"2,,,1990,,XX;UA,Slavery;ForcedLabour,Farming\n",
			[]where{{"cases", 2, "prs_Birthdate"}, {"cases", 2, "prs_Gender"}, {"cases", 3, "vic_TypeOfExploitation"},
				{"cases", 3, "vic_ForcedLabourIndustry"}, {"cases", 3, "prs_SecondName"}}},
		{"a fault after good rows", header + "1,Ana,Rusu,,,,,\n2,Ion,Rusu,,,,,\n3,Eva,Rusu,,,MDA,,\n", []where{{"cases", 4, "prs_Citizenship"}}},
		{"short row", header + "1,Ana\n", []where{{"cases", 2, ""}}},
		{"repeated case id", header + "1,Ana,Rusu,,,,,\n1,Ion,Rusu,,,,,\n", []where{{"cases", 3, "cas_CaseId"}}},
		{"bad quoting", header + "1,\"Ana,Rusu,,,,,\n", []where{{"cases", 2, ""}}},
		{"invalid UTF-8", header + "1,An\xffa,Rusu,,,,,\n", []where{{"cases", 2, "prs_FirstName"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recs, err := Read("people.csv", FormatCSV, strings.NewReader(tc.in))
			if recs != nil {
				t.Errorf("records returned with faults: %v", recs)
			}
			got := places(t, err)
			if diff := cmp.Diff(tc.want, got, cmpSorted()); diff != "" {
				t.Errorf("faults (-want +got):\n%s\n%v", diff, err)
			}
		})
	}
}

func cmpSorted() cmp.Option {
	return cmp.Transformer("sorted", func(in []where) []where {
		out := append([]where{}, in...)
		for i := range out {
			for j := i + 1; j < len(out); j++ {
				a, b := out[i], out[j]
				if b.Row < a.Row || (b.Row == a.Row && b.Field < a.Field) {
					out[i], out[j] = b, a
				}
			}
		}
		return out
	})
}

func TestReadJSONLinesFaults(t *testing.T) {
	in := `{"cas_CaseId": 5, "prs_FirstName": "Ana", "vic_TypeOfExploitation": ["ForcedLabour", "Servitude"]}
not json
{"prs_FirstName": "Ion", "prs_Nickname": "x"}

{"prs_FirstName": {"a": 1}}
{"prs_FirstName": "Eva", "prs_Gender": "F"}
`
	_, err := Read("p.jsonl", FormatJSONLines, strings.NewReader(in))
	want := []where{{"cases", 2, ""}, {"cases", 3, "prs_Nickname"}, {"cases", 5, "prs_FirstName"}, {"cases", 6, "prs_Gender"}}
	if diff := cmp.Diff(want, places(t, err), cmpSorted()); diff != "" {
		t.Errorf("faults (-want +got):\n%s", diff)
	}
	recs, err := Read("p.jsonl", FormatJSONLines, strings.NewReader(strings.SplitN(in, "\n", 2)[0]))
	if err != nil {
		t.Fatal(err)
	}
	if got := recs[0].Case; got.Reference != "5" || !cmp.Equal(got.Exploitation, []string{"ForcedLabour", "Servitude"}) {
		t.Errorf("case = %+v", got)
	}
}

func TestReadXLSXFaults(t *testing.T) {
	wb := excelize.NewFile()
	wb.SetSheetName("Sheet1", "cases")
	wb.SetSheetRow("cases", "A1", &[]any{"cas_CaseId", "prs_FirstName"})
	wb.SetSheetRow("cases", "A2", &[]any{"A-1", "Ana"})
	wb.SetSheetRow("cases", "A4", &[]any{"A-2", "Ion"}) // row 3 is blank
	wb.NewSheet("events")
	wb.SetSheetRow("events", "A1", &[]any{"cas_CaseId", "hte_Type", "hte_Date"})
	wb.SetSheetRow("events", "A2", &[]any{"A-1", "Transit", "2025-02-30"})
	wb.SetSheetRow("events", "A3", &[]any{"A-2", "Transit", "", "stray"})
	wb.SetSheetRow("events", "A4", &[]any{"A-9", "Transit", ""})
	wb.NewSheet("Notes")
	var buf bytes.Buffer
	if _, err := wb.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	_, err := Read("w.xlsx", FormatXLSX, bytes.NewReader(buf.Bytes()))
	want := []where{{"Notes", 0, ""}, {"events", 2, "hte_Date"}, {"events", 3, ""}, {"events", 4, "cas_CaseId"}}
	if diff := cmp.Diff(want, places(t, err), cmpSorted()); diff != "" {
		t.Errorf("faults (-want +got):\n%s\n%v", diff, err)
	}
	if _, err := Read("w.xlsx", FormatXLSX, strings.NewReader("PK not a zip")); len(places(t, err)) != 1 {
		t.Errorf("a broken workbook: %v", err)
	}
}

func TestImportErrorCapsTheList(t *testing.T) {
	var in strings.Builder
	in.WriteString("prs_FirstName,prs_Gender\n")
	for i := 0; i < MaxErrors+50; i++ {
		in.WriteString("Ana,F\n")
	}
	_, err := Read("p.csv", FormatCSV, strings.NewReader(in.String()))
	ie, _ := AsImportError(err)
	if ie == nil || len(ie.Errors) != MaxErrors || ie.Total != MaxErrors+50 {
		t.Fatalf("error = %v", err)
	}
	if !strings.Contains(ie.Error(), "p.csv [cases], row 2, prs_Gender") || !strings.Contains(ie.Error(), fmt.Sprintf("and %d more", MaxErrors+49)) {
		t.Errorf("message %q", ie.Error())
	}
}

// TestReadXLSXRefusesZipBombs: a small upload that unpacks to far more than
// a workbook needs is refused before excelize reads it.
func TestReadXLSXRefusesZipBombs(t *testing.T) {
	good := exportXLSX(t, sampleCase())
	zr, err := zip.NewReader(bytes.NewReader(good), int64(len(good)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		w, _ := zw.Create(f.Name)
		rc, _ := f.Open()
		io.Copy(w, rc)
		rc.Close()
	}
	w, _ := zw.Create("xl/media/junk.bin")
	zeros := make([]byte, 1<<20)
	for i := 0; i < 64; i++ {
		w.Write(zeros)
	}
	zw.Close()
	if buf.Len() > 1<<20 {
		t.Fatalf("the bomb is %d bytes; it should be small", buf.Len())
	}
	_, err = Read("bomb.xlsx", FormatXLSX, bytes.NewReader(buf.Bytes()))
	if ie, ok := AsImportError(err); !ok || !strings.Contains(ie.Errors[0].Reason, "unpacks to more than") {
		t.Errorf("a zip bomb: %v", err)
	}
	if _, err := Read("good.xlsx", FormatXLSX, bytes.NewReader(good)); err != nil {
		t.Errorf("a plain workbook: %v", err)
	}
}
