package names

import (
	"strings"
	"testing"
)

func phoneticOf(name string) string { return Phonetic(Fold(name)) }

// TestPhoneticGroups checks that the spellings of one name give one key.
func TestPhoneticGroups(t *testing.T) {
	groups := [][]string{
		// The examples of the issue: passport, German, French, Polish and the original.
		{"Shevchenko", "Schewtschenko", "Chevtchenko", "Szewczenko", "Шевченко"},
		{"Yuliya", "Julija", "Ioulia", "Yulia", "Юлия"},
		{"Zhukov", "Schukow", "Joukov", "Żukow", "Жуков"},
		{"Khrushchev", "Chruschtschow", "Khrouchtchev", "Chruszczow", "Хрущёв"},
		{"Tsvetaeva", "Zwetajewa", "Tsvetaieva", "Cwietajewa", "Цветаева"},
		// Each habit on its own.
		{"Ivanov", "Iwanow", "Ivanoff", "Иванов"},
		{"Dmitriy", "Dmitrij", "Dmitrii", "Dmitri", "Дмитрий"},
		{"Vasiliy", "Wassilij", "Vassili", "Василий"},
		{"Aleksei", "Alexei", "Aleksey", "Alexej", "Алексей"},
		{"Maksim", "Maxim", "Максим"},
		{"Yevgeniy", "Evgenii", "Jewgeni", "Ievgenii", "Евгений"},
		{"Yekaterina", "Ekaterina", "Jekaterina", "Екатерина"},
		{"Natalya", "Natalia", "Natalija", "Natalja", "Наталья"},
		{"Mikhail", "Michail", "Mihail", "Михаил"},
		{"Sergei", "Sergey", "Sergej", "Serguei", "Сергей"},
		{"Yakovlev", "Jakowlew", "Iakovlev", "Яковлев"},
		{"Andreyev", "Andreev", "Andrejew", "Андреев"},
		{"Filip", "Philip"},
		{"Jovanović", "Jovanovich", "Јовановић"},
		{"Tsar", "Zar", "Czar"},
		{"Sarah", "Sara"},
	}
	for _, g := range groups {
		want := phoneticOf(g[0])
		for _, name := range g[1:] {
			if got := phoneticOf(name); got != want {
				t.Errorf("Phonetic(%q) = %q, want %q as for %q", name, got, want, g[0])
			}
		}
	}
}

// TestPhoneticDistinct checks that the folding does not merge different names.
func TestPhoneticDistinct(t *testing.T) {
	pairs := [][2]string{
		{"Ivanov", "Ivanova"}, {"Petrenko", "Petrov"}, {"Kim", "Kin"}, {"Maria", "Mario"},
		{"Sergei", "Sergio"}, {"Anna", "Anya"}, {"Oleg", "Olga"}, {"Lena", "Lina"},
		{"Ivan", "Ivana"}, {"Pavel", "Pavlo"}, {"Olena", "Elena"}, {"Marek", "Marko"},
		{"Kovalenko", "Kovalchuk"}, {"Sasha", "Masha"}, {"Aleksandr", "Alexander"},
		{"Petr", "Pyotr"}, {"Adam", "Adama"}, {"Sokolov", "Sokolova"}, {"Semenov", "Simonov"},
	}
	for _, p := range pairs {
		if a, b := phoneticOf(p[0]), phoneticOf(p[1]); a == b {
			t.Errorf("Phonetic(%q) = Phonetic(%q) = %q, want them distinct", p[0], p[1], a)
		}
	}
}

func TestPhonetic(t *testing.T) {
	tests := []struct{ in, want string }{
		{"shevchenko", "XEVXENKO"},
		{"yuliya", "IULIA"},
		{"khrushchev", "XRUXOV"},
		{"tsvetaeva", "XVETAOVA"},
		{"alexander", "ALEKSANDER"},
		{"", ""},
		{"2024", "2024"},
		{"山田", "山田"},
		{"ivan2", "IVAN2"},
	}
	for _, tt := range tests {
		if got := Phonetic(tt.in); got != tt.want {
			t.Errorf("Phonetic(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := Phonetic(Phonetic(tt.in)); got != Phonetic(tt.in) {
			t.Errorf("Phonetic(Phonetic(%q)) = %q, want %q", tt.in, got, Phonetic(tt.in))
		}
	}
}

func TestPhoneticCodeAlphabet(t *testing.T) {
	for _, a := range alphabets {
		for _, tok := range Tokens(a.letters) {
			if k := Phonetic(tok); strings.Trim(k, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
				t.Errorf("Phonetic(%q) = %q, want capital letters only", tok, k)
			}
		}
	}
}
