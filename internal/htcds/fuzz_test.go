package htcds

import (
	"bytes"
	"testing"
)

// checkRead holds Read to its contract on any input: either records and no
// error, or an ImportError that places every fault and no records; and every
// record it returns is a case the service may store.
func checkRead(t *testing.T, format string, data []byte) {
	recs, err := Read("fuzz."+format, format, bytes.NewReader(data))
	if err != nil {
		ie, ok := AsImportError(err)
		if !ok || len(ie.Errors) == 0 || ie.Total < len(ie.Errors) {
			t.Fatalf("error %v is not a complete ImportError", err)
		}
		if recs != nil {
			t.Fatal("records returned with an error")
		}
		for _, e := range ie.Errors {
			if e.File != "fuzz."+format || e.Reason == "" || e.Row < 0 {
				t.Fatalf("fault %+v", e)
			}
		}
		return
	}
	if len(recs) == 0 {
		t.Fatal("no records and no error")
	}
	for _, r := range recs {
		k := r.Case
		if k.Reference == "" {
			k.Reference = "-"
		}
		if err := k.Validate(); err != nil {
			t.Fatalf("row %d: a record the service would refuse: %v", r.Row, err)
		}
		for _, e := range r.Events {
			if err := e.Validate(); err != nil {
				t.Fatalf("row %d: event: %v", r.Row, err)
			}
		}
		for _, p := range r.Perpetrators {
			if err := p.Validate(); err != nil {
				t.Fatalf("row %d: perpetrator: %v", r.Row, err)
			}
		}
	}
}

func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("cas_CaseId,prs_FirstName,prs_Gender\n1,Ana,Feminine\n"))
	f.Add([]byte("prs_SecondName,prs_Citizenship,vic_TypeOfExploitation\nRusu,MD;RO,ForcedLabour;Servitude\n"))
	f.Add([]byte("\ufeffprs_FirstName,prs_Birthdate\n'=Ana,1990-02\n\"a\nb\",1990\n"))
	f.Add([]byte("prs_FirstName\n\"unterminated\n"))
	f.Fuzz(func(t *testing.T, data []byte) { checkRead(t, FormatCSV, data) })
}

func FuzzReadJSONLines(f *testing.F) {
	f.Add([]byte(`{"cas_CaseId":"1","prs_FirstName":"Олена","vic_TypeOfExploitation":["ForcedLabour"]}` + "\n"))
	f.Add([]byte(`{"prs_SecondName":"Rusu","cas_Status":"ClosedReferred","vic_ForcedLabourIndustry":"F_Construction"}`))
	f.Add([]byte("{}\n[1]\nnull\n{\"prs_FirstName\":7}\n"))
	f.Fuzz(func(t *testing.T, data []byte) { checkRead(t, FormatJSONLines, data) })
}

func FuzzReadXLSX(f *testing.F) {
	f.Add(exportXLSX(f, sampleCase(), secondCase()))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) { checkRead(t, FormatXLSX, data) })
}
