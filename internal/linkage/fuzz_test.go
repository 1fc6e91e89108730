package linkage

import (
	"bytes"
	"strings"
	"testing"
)

func FuzzParseSchema(f *testing.F) {
	f.Add(string(DefaultSchema().JSON()))
	f.Add(`{"version":1,"id_column":"id","fields":[{"name":"n","kind":"name","columns":["a"],"bits_per_feature":0}]}`)
	f.Add(`{"version":2}`)
	f.Add(`{`)
	f.Fuzz(func(t *testing.T, data string) {
		s, err := ParseSchema("s.json", []byte(data))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "schema s.json") {
				t.Errorf("error %q does not name the file", err)
			}
			return
		}
		if err := s.Validate(); err != nil {
			t.Errorf("accepted an invalid schema: %v", err)
		}
		if _, err := NewEncoder(s, testSecret); err != nil {
			t.Errorf("accepted a schema the encoder refuses: %v", err)
		}
	})
}

func FuzzReadCSV(f *testing.F) {
	f.Add("id,given_name,family_name,date_of_birth,sex,nationality\n1,Ivan,Petrov,1985-03-07,M,UA\n")
	f.Add("id,given_name,family_name,date_of_birth,sex,nationality\n1,\"Iv\"an,P,1985-02-30,M,UA\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, data string) {
		s := DefaultSchema()
		rows, err := ReadCSV(strings.NewReader(data), "in.csv", s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "in.csv") {
				t.Errorf("error %q does not name the file", err)
			}
			return
		}
		enc, _ := NewEncoder(s, testSecret)
		for _, r := range rows {
			if len(r) != len(s.Columns()) || r[0] == "" {
				t.Fatalf("row %q", r)
			}
			enc.Encode(r, make([]uint64, enc.Words()))
		}
	})
}

func FuzzReadCLK(f *testing.F) {
	enc, _ := NewEncoder(DefaultSchema(), testSecret)
	var buf bytes.Buffer
	filters := enc.EncodeAll([][]string{{"a", "Ivan", "Petrov", "1985-03-07", "M", "UA"}, {"b,c", "", "", "", "", ""}}, nil)
	WriteCLK(&buf, enc, []string{"a", "b,c"}, filters)
	f.Add(buf.String())
	f.Add(clkMagic + "\n{}\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, data string) {
		p, err := ReadCLK(strings.NewReader(data), "x.clk")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "x.clk") {
				t.Errorf("error %q does not name the file", err)
			}
			return
		}
		if len(p.Filters) != len(p.IDs)*p.Words() || len(p.IDs) != p.Header.Records {
			t.Errorf("%d ids, %d words of filters, header %d", len(p.IDs), len(p.Filters), p.Header.Records)
		}
	})
}
