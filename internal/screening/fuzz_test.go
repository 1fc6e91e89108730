package screening

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// checkLoad is what every list parser must do with any input: either refuse it
// with a *LoadError whose problems name the file, or return entities that all
// have an id and a name that CheckName accepts, and a version with a checksum.
func checkLoad(t *testing.T, data []byte, format Format) {
	t.Helper()
	s, err := ReadSnapshot("fuzz.in", strings.NewReader(string(data)), format, time.Unix(0, 0))
	if err != nil {
		var le *LoadError
		if !errors.As(err, &le) || len(le.Problems) == 0 {
			t.Fatalf("error %v is not a *LoadError with problems", err)
		}
		for _, p := range le.Problems {
			if p.File != "fuzz.in" || !utf8.ValidString(p.String()) {
				t.Fatalf("problem %q does not name the file or is not valid UTF-8", p.String())
			}
		}
		return
	}
	if len(s.Version.SHA256) != 64 || s.Version.Entities != len(s.Entities) || len(s.Entities) == 0 {
		t.Fatalf("version %+v for %d entities", s.Version, len(s.Entities))
	}
	ids := map[string]bool{}
	for _, e := range s.Entities {
		if e.ID == "" || ids[e.ID] {
			t.Fatalf("entity id %q empty or repeated", e.ID)
		}
		ids[e.ID] = true
		for _, n := range e.Names() {
			if CheckName(n) != nil {
				t.Fatalf("entity %q has name %q that CheckName refuses", e.ID, n)
			}
		}
	}
	NewScreener(s) // indexing what was accepted must not fail
}

func FuzzReadCSV(f *testing.F) {
	f.Add([]byte(goodCSV))
	f.Add([]byte("id,name,aliases,country,type\nc1,\"A,\"\"B\"\"\",x;y,UA,person\n"))
	f.Add([]byte("id,name,aliases,country,type\nc1,\xff,,,\n"))
	f.Add([]byte("id,name\n"))
	f.Add([]byte(""))
	f.Add([]byte("\ufeffid,name,aliases,country,type\r\nc1,ООО «Ромашка»,,RU,company\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) { checkLoad(t, data, FormatCSV) })
}

func FuzzReadFtM(f *testing.F) {
	f.Add([]byte(`{"id":"a","schema":"Company","properties":{"name":["Zarvelin Tekstil"],"alias":["Z; T"],"country":["tr"]}}` + "\n"))
	f.Add([]byte(`{"id":"a","schema":"Person","properties":{"name":[]}}`))
	f.Add([]byte(`{"id":"a","schema":"Person","properties":{"name":["\u0000"]}}`))
	f.Add([]byte("{\n"))
	f.Add([]byte("\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) { checkLoad(t, data, FormatFtM) })
}

func FuzzReadSimple(f *testing.F) {
	f.Add([]byte("id,schema,name,aliases,countries\nNK-1,Company,Zarvelin,Z1;Z2,tr;de\n"))
	f.Add([]byte("id,schema,name\nNK-1,Vessel,X\n"))
	f.Add([]byte("id,schema,name\n\"NK-1,Company,X\n"))
	f.Fuzz(func(t *testing.T, data []byte) { checkLoad(t, data, FormatSimple) })
}

func FuzzReadQueries(f *testing.F) {
	f.Add([]byte("id,name,country\n1,Zarvelin Textile,TR\n"))
	f.Add([]byte("id,name\n1,\n"))
	f.Add([]byte("id,name\n1,A\n1,B\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		qs, err := ReadQueries("fuzz.in", strings.NewReader(string(data)))
		if err != nil {
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("error %v is not a *LoadError", err)
			}
			return
		}
		for _, q := range qs {
			if q.ID == "" || CheckName(q.Name) != nil {
				t.Fatalf("accepted query %+v", q)
			}
		}
	})
}

// FuzzScreen checks the query side: any name either is refused by CheckName or
// screens without failing, with scores in [0, 1], best first; and a listed name
// screened as it is listed scores 1.
func FuzzScreen(f *testing.F) {
	for _, s := range []string{"Zarvelin Textile", "ООО «Ромашка»", "T. Shevchenko", "A.Ş.", "Ltd", "   ", "\xff", "Co., Ltd. Limited", "ъ ў", "山田 太郎", "S. A."} {
		f.Add(s)
	}
	s := NewScreener(SampleList(time.Unix(0, 0)))
	f.Fuzz(func(t *testing.T, name string) {
		toks, _ := NormalizeName(name)
		hits, err := s.Screen(Query{Name: name}, 0.3)
		if CheckName(name) != nil {
			if err == nil {
				t.Fatalf("Screen accepted %q, which CheckName refuses", name)
			}
			return
		}
		if err != nil {
			t.Fatalf("Screen(%q): %v", name, err)
		}
		if len(toks) == 0 {
			t.Fatalf("NormalizeName(%q) has no tokens though CheckName accepts it", name)
		}
		for i, h := range hits {
			if h.Score < 0.3 || h.Score > 1 || i > 0 && h.Score > hits[i-1].Score {
				t.Fatalf("hits of %q out of range or order: %+v", name, hits)
			}
		}
		listed := NewScreener(&Snapshot{Version: Version{SHA256: "0"}, Entities: []Entity{{ID: "x", Name: name, Type: TypeCompany}}})
		self, err := listed.Screen(Query{Name: name}, 0.99)
		if err != nil || len(self) != 1 || self[0].Score != 1 {
			t.Fatalf("%q against itself: %+v, %v; want one hit scoring 1", name, self, err)
		}
	})
}
