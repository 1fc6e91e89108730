package linkage

import (
	"strings"
	"testing"
)

// dice encodes two records of the default schema and compares them.
func diceOf(t *testing.T, enc *Encoder, a, b []string) float64 {
	t.Helper()
	fa, fb := make([]uint64, enc.Words()), make([]uint64, enc.Words())
	enc.Encode(append([]string{"x"}, a...), fa)
	enc.Encode(append([]string{"y"}, b...), fb)
	return Dice(fa, fb)
}

func TestEncodingTolerances(t *testing.T) {
	enc, err := NewEncoder(DefaultSchema(), testSecret)
	if err != nil {
		t.Fatal(err)
	}
	base := []string{"Taras", "Shevchenko", "1985-03-07", "M", "UA"}
	tests := []struct {
		name     string
		other    []string
		min, max float64
	}{
		{"identical", base, 1, 1},
		{"swapped names", []string{"Shevchenko", "Taras", "1985-03-07", "M", "UA"}, 1, 1},
		{"Cyrillic", []string{"Тарас", "Шевченко", "1985-03-07", "M", "UA"}, 0.9, 1},
		{"Polish spelling", []string{"Taras", "Szewczenko", "1985-03-07", "M", "UA"}, 0.85, 1},
		{"day and month swapped", []string{"Taras", "Shevchenko", "1985-07-03", "M", "UA"}, 0.85, 0.99},
		{"year off by one", []string{"Taras", "Shevchenko", "1986-03-07", "M", "UA"}, 0.8, 0.99},
		{"1 January", []string{"Taras", "Shevchenko", "1985-01-01", "M", "UA"}, 0.8, 0.99},
		{"other person", []string{"Olena", "Kovalenko", "1990-11-23", "F", "UA"}, 0, 0.5},
		{"same name, other date", []string{"Taras", "Shevchenko", "1961-11-23", "M", "UA"}, 0, DefaultThreshold},
	}
	for _, tt := range tests {
		if got := diceOf(t, enc, base, tt.other); got < tt.min || got > tt.max {
			t.Errorf("%s: Dice = %.3f, want %.2f..%.2f", tt.name, got, tt.min, tt.max)
		}
	}
}

func TestEncodingIsKeyed(t *testing.T) {
	a, _ := NewEncoder(DefaultSchema(), testSecret)
	b, _ := NewEncoder(DefaultSchema(), []byte(strings.Repeat("k", 32)))
	rec := []string{"1", "Taras", "Shevchenko", "1985-03-07", "M", "UA"}
	fa, fb := make([]uint64, 16), make([]uint64, 16)
	a.Encode(rec, fa)
	b.Encode(rec, fb)
	if d := Dice(fa, fb); d > 0.6 {
		t.Errorf("one record under two secrets: Dice %.3f, want unrelated filters", d)
	}
	if a.SecretFingerprint() == b.SecretFingerprint() {
		t.Error("two secrets share a fingerprint")
	}
}

func TestHardening(t *testing.T) {
	tests := []struct {
		name string
		h    Hardening
	}{{"xor-fold", Hardening{XORFold: true}}, {"balance", Hardening{Balance: true}}, {"both", Hardening{XORFold: true, Balance: true}}}
	recs := [][]string{{"1", "Taras", "Shevchenko", "1985-03-07", "M", "UA"}, {"2", "Тарас", "Шевченко", "1985-07-03", "M", "UA"}, {"3", "Olena", "Kovalenko", "", "F", ""}}
	for _, tt := range tests {
		s := DefaultSchema()
		s.Hardening = tt.h
		enc, err := NewEncoder(s, testSecret)
		if err != nil {
			t.Fatal(err)
		}
		f := enc.EncodeAll(recs, nil)
		if len(f) != 3*16 {
			t.Fatalf("%s: %d words, want 48", tt.name, len(f))
		}
		for i := range recs {
			if pop := Popcount(f[i*16 : i*16+16]); tt.h.Balance && pop != 512 {
				t.Errorf("%s: record %d has %d bits set, want 512", tt.name, i, pop)
			}
		}
		same, other := Dice(f[:16], f[16:32]), Dice(f[:16], f[32:])
		if same <= other {
			t.Errorf("%s: one person %.3f, two people %.3f; want the first higher", tt.name, same, other)
		}
	}
}

func TestSalt(t *testing.T) {
	s := DefaultSchema()
	s.Fields[0].Salt = "sex"
	enc, err := NewEncoder(s, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	row := func(sex string) []uint64 {
		v := map[string]string{"id": "1", "given_name": "Taras", "family_name": "Shevchenko", "sex": sex}
		var vals []string
		for _, c := range s.Columns() {
			vals = append(vals, v[c])
		}
		f := make([]uint64, enc.Words())
		enc.Encode(vals, f)
		return f
	}
	same, salted := Dice(row("M"), row("M")), Dice(row("M"), row("F"))
	if same != 1 || salted > 0.3 {
		t.Errorf("same salt %.3f (want 1), other salt %.3f (want unrelated)", same, salted)
	}
}

func TestParseSchemaErrors(t *testing.T) {
	tests := []struct {
		name, data string
		want       []string
	}{
		{"syntax", "{\n\"version\": 1,\n}", []string{"line 3"}},
		{"unknown field", `{"version":1,"colour":2}`, []string{"colour"}},
		{"version", `{"version":2,"id_column":"id","fields":[]}`, []string{"version 2"}},
		{"bad field", "{\"version\":1,\"id_column\":\"id\",\"fields\":[\n{\"name\":\"a\",\"kind\":\"exact\",\"columns\":[\"a\"],\"bits_per_feature\":3},\n{\"name\":\"b\",\"kind\":\"name\",\"columns\":[\"b\"],\"bits_per_feature\":0}]}",
			[]string{"line 3", "fields[1]", "bits_per_feature 0"}},
		{"filter bits", `{"version":1,"id_column":"id","filter_bits":100,"fields":[{"name":"a","kind":"exact","columns":["a"],"bits_per_feature":3}]}`, []string{"multiple of 64"}},
	}
	for _, tt := range tests {
		_, err := ParseSchema("s.json", []byte(tt.data))
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

func TestParseSchemaRoundTrip(t *testing.T) {
	s, err := ParseSchema("default", DefaultSchema().JSON())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.Fingerprint(), DefaultSchema().Fingerprint(); got != want {
		t.Errorf("fingerprint %s, want %s", got, want)
	}
}
