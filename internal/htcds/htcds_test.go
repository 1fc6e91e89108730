package htcds

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"alliance"
)

func orgTypes(id int64) alliance.OrgType {
	return map[int64]alliance.OrgType{1: alliance.OrgNGO, 2: alliance.OrgPolice}[id]
}

func sampleCase() *alliance.Case {
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	return &alliance.Case{ID: 42, OrgID: 1, Stage: alliance.StageClosure, Referred: true,
		Person: alliance.Person{GivenName: "Олена", FamilyName: "=HYPERLINK(\"x\")", BirthDate: "1994-03", Gender: "Feminine",
			Citizenships: []string{"UA", "PL"}, Languages: []string{"uk", "ru", "pl"}, Phone: "+380 44 000"},
		VictimContext: alliance.VictimContext{TraffickingStatus: alliance.StatusActual, StatusDecidedBy: 2, StatusDecidedAt: &at,
			Exploitation: []string{"ForcedLabour", "Servitude"}, MethodsOfControl: []string{"DebtBondage"}, Industry: "A"}}
}

// TestFieldNamesAreHTCDS holds every exported column to the standard's field
// list in the reference material, except our own record id.
func TestFieldNamesAreHTCDS(t *testing.T) {
	ref, err := os.ReadFile("testdata/htcds-v2-fields.tsv")
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(ref))
	for sc.Scan() {
		if f := strings.Split(sc.Text(), "\t"); len(f) > 6 {
			known[f[6]] = true
		}
	}
	for _, f := range Fields(true) {
		if f != "cas_CaseId" && !known[f] {
			t.Errorf("%s is not an HTCDS v2 field", f)
		}
	}
	for letter, v := range Industries {
		if !strings.Contains(string(ref), v) || !strings.HasPrefix(v, letter+"_") {
			t.Errorf("industry %s → %q is not the standard's value", letter, v)
		}
	}
}

func TestCSVAndJSONLines(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewCSV(&buf, false, orgTypes)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(sampleCase()); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("CSV: %v, %d rows", err, len(rows))
	}
	got := map[string]string{}
	for i, f := range rows[0] {
		got[f] = rows[1][i]
	}
	want := map[string]string{"cas_CaseId": "42", "cas_Status": "ClosedReferred", "prs_Gender": "Feminine", "prs_Citizenship": "UA;PL",
		"prs_PrimaryLanguage": "uk", "prs_SecondaryLanguage": "ru", "vic_TraffickingStatus": "ActualVictimOfTrafficking",
		"vic_TraffickingStatusDecisionMakingOrg": "Police", "vic_TypeOfExploitation": "ForcedLabour;Servitude", "vic_MethodsOfControl": "DebtBondage",
		"vic_ForcedLabourIndustry": "A_AgricultureForestryAndFishing"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if strings.Contains(buf.String(), "Олена") || len(rows[0]) != len(factFields) {
		t.Error("an export without identity holds identity columns")
	}

	buf.Reset()
	j := NewJSONLines(&buf, true, orgTypes)
	j.Write(sampleCase())
	var obj map[string]string
	if err := json.Unmarshal(buf.Bytes(), &obj); err != nil {
		t.Fatal(err)
	}
	if obj["prs_FirstName"] != "Олена" || obj["prs_MobilePhone"] != "+380 44 000" || obj["prs_SecondName"] != `'=HYPERLINK("x")` {
		t.Errorf("identity columns: %v", obj)
	}
}

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{"": "", "Ana": "Ana", "=1+1": "'=1+1", "@SUM": "'@SUM", "+380 44": "+380 44",
		"+cmd": "'+cmd", "-2": "-2", "-x": "'-x", "\tx": "'\tx"} {
		if got := safeCell(in); got != want {
			t.Errorf("safeCell(%q) = %q, want %q", in, got, want)
		}
	}
}
