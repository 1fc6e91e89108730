package screening

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// scoreList is a small list with enough entities for the rarity weights to mean
// something: the test names plus filler companies and people that share their
// common words.
func scoreList(t *testing.T, extra ...Entity) *Screener {
	t.Helper()
	ents := append([]Entity(nil), extra...)
	for i, w := range []string{"Bolvar", "Cendro", "Dumest", "Elvark", "Fornel", "Gastri", "Holvin", "Istrel"} {
		ents = append(ents,
			Entity{ID: fmt.Sprintf("f%d", i), Name: w + " Tekstil A.Ş.", Type: TypeCompany},
			Entity{ID: fmt.Sprintf("g%d", i), Name: w + " Food Ltd", Type: TypeCompany},
			Entity{ID: fmt.Sprintf("p%d", i), Name: "Ivan " + w + "ov", Type: TypePerson})
	}
	return NewScreener(&Snapshot{Version: Version{Source: "t", SHA256: "00"}, Entities: ents})
}

func scoreOf(t *testing.T, s *Screener, q Query, id string) float64 {
	t.Helper()
	hits, err := s.Screen(q, 0.01)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hits {
		if h.Entity.ID == id {
			return h.Score
		}
	}
	return 0
}

func TestScore(t *testing.T) {
	listed := []Entity{
		{ID: "oz", Name: "Öztürk Gıda Sanayi ve Ticaret A.Ş.", Countries: []string{"tr"}, Type: TypeCompany},
		{ID: "rom", Name: "ООО «Ромашка Текстиль»", Countries: []string{"ru"}, Type: TypeCompany},
		{ID: "shev", Name: "Шевченко Тарас Григорович", Countries: []string{"ua"}, Type: TypePerson},
		{ID: "lodz", Name: "Łódzka Przędzalnia Sp. z o.o.", Countries: []string{"pl"}, Type: TypeCompany},
		{ID: "zar", Name: "Zarin Yurii", Type: TypePerson},
	}
	s := scoreList(t, listed...)
	tests := []struct {
		name     string
		q        Query
		id       string
		min, max float64
	}{
		{"exact", Query{Name: "Öztürk Gıda Sanayi ve Ticaret A.Ş."}, "oz", 1, 1},
		{"exact after normalisation", Query{Name: "OZTURK GIDA SANAYI VE TICARET AS"}, "oz", 1, 1},
		{"half translated", Query{Name: "Ozturk Food Industry and Trade JSC"}, "oz", 1, 1},
		{"filler words missing", Query{Name: "Öztürk Gıda"}, "oz", 0.85, 0.99},
		{"Latin for Cyrillic, English legal form", Query{Name: "Romashka Textile LLC"}, "rom", 1, 1},
		{"legal form of another class", Query{Name: "Romashka Tekstil JSC"}, "rom", 0.95, 0.99},
		{"legal form spelled out", Query{Name: "Общество с ограниченной ответственностью Ромашка Текстиль"}, "rom", 1, 1},
		{"word order", Query{Name: "Tekstil Romashka"}, "rom", 1, 1},
		{"typo", Query{Name: "Romashak Textile"}, "rom", 0.9, 0.99},
		{"person, other order, no patronymic", Query{Name: "Taras Shevchenko"}, "shev", 0.85, 0.99},
		{"person, German transliteration", Query{Name: "Taras Schewtschenko"}, "shev", 0.85, 0.99},
		{"person, initial", Query{Name: "T. Shevchenko"}, "shev", DefaultThreshold, 0.9},
		{"person, full", Query{Name: "Shevchenko Taras Grigorovich"}, "shev", 1, 1},
		{"Cyrillic initial that folds to two letters", Query{Name: "Зарин Ю."}, "zar", 0.75, 0.95},
		{"initials alone", Query{Name: "Z. Y."}, "zar", 0, 0},
		{"lost diacritics", Query{Name: "Lodzka Przedzalnia sp. z o. o."}, "lodz", 1, 1},
		{"country agrees", Query{Name: "Romashak Textile", Country: "RU"}, "rom", 0.9, 0.995},
		{"another distinctive word", Query{Name: "Öztürk Tekstil A.Ş."}, "oz", 0, 0.69},
		{"only the common words", Query{Name: "Gıda Sanayi ve Ticaret A.Ş."}, "oz", 0, 0.69},
		{"similar family name", Query{Name: "Taras Shevchuk"}, "shev", 0, 0.69},
		{"same family name, other given name", Query{Name: "Petro Shevchenko"}, "shev", 0, 0.69},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := scoreOf(t, s, tc.q, tc.id)
			if got < tc.min-1e-9 || got > tc.max+1e-9 {
				t.Errorf("score of %q against %s = %.3f, want in [%.2f, %.2f]", tc.q.Name, tc.id, got, tc.min, tc.max)
			}
		})
	}
}

func TestScoreIsSymmetricInWordOrder(t *testing.T) {
	s := scoreList(t, Entity{ID: "x", Name: "Zarvelin Kostrova Tekstil", Type: TypeCompany})
	a := scoreOf(t, s, Query{Name: "Zarvelin Kostrowa"}, "x")
	b := scoreOf(t, s, Query{Name: "Kostrowa Zarvelin"}, "x")
	if a != b || a == 0 {
		t.Errorf("scores %v and %v, want equal and positive", a, b)
	}
}

func TestCountryDisagreementLowersScore(t *testing.T) {
	s := scoreList(t, Entity{ID: "x", Name: "Zarvelin Tekstil", Countries: []string{"tr"}, Type: TypeCompany})
	agree := scoreOf(t, s, Query{Name: "Zarvelin Tekstl", Country: "tr"}, "x")
	none := scoreOf(t, s, Query{Name: "Zarvelin Tekstl"}, "x")
	differ := scoreOf(t, s, Query{Name: "Zarvelin Tekstl", Country: "bd"}, "x")
	if !(agree > none && none > differ) || none-differ > 0.06 {
		t.Errorf("agree %.3f, none %.3f, differ %.3f: want agree > none > differ, by a small step", agree, none, differ)
	}
}

func TestExplanation(t *testing.T) {
	s := scoreList(t, Entity{ID: "oz", Name: "Öztürk Gıda A.Ş.", Countries: []string{"tr"}, Type: TypeCompany})
	hits, err := s.Screen(Query{Name: "Ozturk Food Ltd", Country: "TR"}, DefaultThreshold)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 {
		t.Fatalf("%d hits, want 1: %+v", len(hits), hits)
	}
	for _, want := range []string{"ozturk=ozturk 1.00", "food=gida 1.00 (food)", "legal form differs (ltd / a s)", "country agrees"} {
		if !strings.Contains(hits[0].Explanation, want) {
			t.Errorf("explanation %q lacks %q", hits[0].Explanation, want)
		}
	}
	if len(hits[0].Matches) != 2 || hits[0].Matches[1].Concept != "food" {
		t.Errorf("matches %+v, want two, the second by the concept food", hits[0].Matches)
	}
}

func TestHitsRecordListVersion(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s := NewScreener(SampleList(now))
	hits, err := s.Screen(Query{Name: "Zarvelin Textile"}, DefaultThreshold)
	if err != nil || len(hits) == 0 {
		t.Fatalf("hits %v, err %v", hits, err)
	}
	v := hits[0].List
	if v.Source != SampleSource || !v.LoadedAt.Equal(now) || len(v.SHA256) != 64 || v.Entities != 30 {
		t.Errorf("version %+v", v)
	}
}

func TestScreenRejectsBadNames(t *testing.T) {
	s := NewScreener(SampleList(time.Now()))
	for _, name := range []string{"", "   ", "\xff\xfe", strings.Repeat("x", 10000)} {
		if _, err := s.Screen(Query{Name: name}, DefaultThreshold); err == nil {
			t.Errorf("Screen(%.20q) succeeded, want an error", name)
		}
	}
}

// TestAssign compares the assignment with the best of all pairings on random
// matrices.
func TestAssign(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 300; trial++ {
		rows, cols := 1+r.IntN(5), 1+r.IntN(5)
		g := make([]float32, rows*cols)
		for i := range g {
			if r.IntN(3) > 0 {
				g[i] = float32(r.IntN(10))
			}
		}
		got := total(g, cols, assign(g, rows, cols))
		if want := bestTotal(g, rows, cols, 0, make([]bool, cols)); got != want {
			t.Fatalf("%dx%d %v: assignment gains %v, the best is %v", rows, cols, g, got, want)
		}
	}
}

func total(g []float32, cols int, pairs []int) float32 {
	var sum float32
	used := map[int]bool{}
	for i, j := range pairs {
		if j >= 0 {
			if used[j] {
				return -1
			}
			used[j] = true
			sum += g[i*cols+j]
		}
	}
	return sum
}

func bestTotal(g []float32, rows, cols, i int, used []bool) float32 {
	if i == rows {
		return 0
	}
	best := bestTotal(g, rows, cols, i+1, used) // row i unpaired
	for j := 0; j < cols; j++ {
		if !used[j] {
			used[j] = true
			best = max(best, g[i*cols+j]+bestTotal(g, rows, cols, i+1, used))
			used[j] = false
		}
	}
	return best
}
