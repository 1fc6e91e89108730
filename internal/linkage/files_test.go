package linkage

import (
	"bytes"
	"strings"
	"testing"
)

const header = "id,given_name,family_name,date_of_birth,sex,nationality\n"

func TestReadCSVErrors(t *testing.T) {
	tests := []struct {
		name, data string
		want       []string
	}{
		{"empty", "", []string{"in.csv", "empty", "header"}},
		{"header only", header, []string{"no records"}},
		{"missing column", "id,given_name\n1,a\n", []string{"line 1", "family_name"}},
		{"bad date", header + "1,Ivan,Petrov,1985-02-30,M,UA\n", []string{"line 2", `"date_of_birth"`, "28 days"}},
		{"empty id", header + "1,a,b,,,\n,c,d,,,\n", []string{"line 3", "id is empty"}},
		{"duplicate id", header + "1,a,b,,,\n1,c,d,,,\n", []string{"line 3", "already used on line 2"}},
		{"short row", header + "1,a,b\n", []string{"line 2", "wrong number of fields"}},
		{"bad quote", header + "1,\"a,b,,,\n", []string{"line 2"}},
	}
	for _, tt := range tests {
		_, err := ReadCSV(strings.NewReader(tt.data), "in.csv", DefaultSchema())
		if err == nil {
			t.Errorf("%s: accepted", tt.name)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", tt.name, err, w)
			}
		}
	}
}

func TestReadCSV(t *testing.T) {
	data := "\ufeffSex,ID,extra,given_name,family_name,date_of_birth,nationality\nM, 7 ,x,Тарас,Шевченко,1814-03-09,UA\n"
	rows, err := ReadCSV(strings.NewReader(data), "in.csv", DefaultSchema())
	if err != nil {
		t.Fatal(err)
	}
	want := "7|Тарас|Шевченко|1814-03-09|M|UA"
	if got := strings.Join(rows[0], "|"); len(rows) != 1 || got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// clkFile returns a .clk file of three records.
func clkFile(t *testing.T) string {
	t.Helper()
	enc, err := NewEncoder(DefaultSchema(), testSecret)
	if err != nil {
		t.Fatal(err)
	}
	rows := [][]string{{"a", "Ivan", "Petrov", "1985-03-07", "M", "UA"}, {"b,\"c\"", "", "", "", "", ""}, {"d", "Olena", "", "", "F", ""}}
	var buf bytes.Buffer
	if err := WriteCLK(&buf, enc, []string{rows[0][0], rows[1][0], rows[2][0]}, enc.EncodeAll(rows, nil)); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestCLKRoundTrip(t *testing.T) {
	data := clkFile(t)
	p, err := ReadCLK(strings.NewReader(data), "x.clk")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(p.IDs, "|"), "a|b,\"c\"|d"; got != want {
		t.Errorf("ids %q, want %q", got, want)
	}
	enc, _ := NewEncoder(DefaultSchema(), testSecret)
	f := make([]uint64, 16)
	enc.Encode([]string{"a", "Ivan", "Petrov", "1985-03-07", "M", "UA"}, f)
	if Dice(f, p.Filter(0)) != 1 || Popcount(p.Filter(1)) != 0 {
		t.Error("the filters did not survive the round trip")
	}
	if p.Header.SecretFingerprint != SecretFingerprint(testSecret) || p.Header.Schema.Name != DefaultSchema().Name {
		t.Errorf("header %+v", p.Header)
	}
	for _, secret := range []string{"Ivan", "Petrov", "1985"} {
		if strings.Contains(data, secret) {
			t.Errorf("the .clk file holds %q", secret)
		}
	}
}

func TestReadCLKErrors(t *testing.T) {
	good := clkFile(t)
	lines := strings.SplitAfter(good, "\n")
	tests := []struct {
		name, data string
		want       []string
	}{
		{"empty", "", []string{"line 1", "empty"}},
		{"not clk", "id,clk\n", []string{"line 1", "not a .clk file"}},
		{"bad header", clkMagic + "\n{\"schema\":1}\n", []string{"line 2", "header"}},
		{"altered schema", lines[0] + strings.Replace(lines[1], `"filter_bits":1024`, `"filter_bits":2048`, 1) + strings.Join(lines[2:], ""),
			[]string{"line 2", "schema_fingerprint"}},
		{"truncated", strings.Join(lines[:4], ""), []string{"announces 3 records", "holds 2"}},
		{"short filter", strings.Join(lines[:3], "") + "x,AAAA\n", []string{"line 4", "field clk", "1024"}},
		{"not base64", strings.Join(lines[:3], "") + "x," + strings.Repeat("!", 172) + "\n", []string{"line 4", "base64"}},
		{"duplicate id", strings.Join(lines[:3], "") + lines[2], []string{"line 4", "twice"}},
		{"extra field", strings.Join(lines[:3], "") + "x,y,z\n", []string{"line 4"}},
	}
	for _, tt := range tests {
		_, err := ReadCLK(strings.NewReader(tt.data), "x.clk")
		if err == nil {
			t.Errorf("%s: accepted", tt.name)
			continue
		}
		for _, w := range append(tt.want, "x.clk") {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", tt.name, err, w)
			}
		}
	}
}
