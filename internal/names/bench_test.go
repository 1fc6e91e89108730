package names

import "testing"

// benchNames is a mixed list: ASCII, Latin with diacritics, Cyrillic, Greek, Georgian,
// Armenian, Arabic and CJK, as a case file or a watch list holds them.
var benchNames = []string{
	"Ivan Petrov", "Olena Kovalenko", "Łukasz Żółć", "Đặng Thị Ngọc Thịnh",
	"Шевченко Тарас Григорович", "Хрущёв Никита", "Γεώργιος Παπαδόπουλος",
	"ბიძინა ივანიშვილი", "Արմեն Պետրոսյան", "محمد أحمد", "山田 太郎",
	"O'Brien-Smith", "María José García López", "Müller-Lüdenscheidt GmbH & Co. KG",
}

func BenchmarkFold(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = Fold(benchNames[i%len(benchNames)])
	}
}

func BenchmarkPhonetic(b *testing.B) {
	var toks []string
	for _, n := range benchNames {
		toks = append(toks, Tokens(n)...)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		_ = Phonetic(toks[i%len(toks)])
	}
}

func BenchmarkSimilar(b *testing.B) {
	x := Name{Given: "Taras", Family: "Shevchenko"}
	y := Name{Given: "Тарас", Family: "Szewczenko"}
	b.ReportAllocs()
	for b.Loop() {
		_ = Similar(x, y)
	}
}
