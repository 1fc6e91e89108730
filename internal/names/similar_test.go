package names

import (
	"math"
	"testing"
)

func TestJaroWinkler(t *testing.T) {
	// Reference values from Winkler (1990) and the usual test pairs.
	tests := []struct {
		a, b string
		want float64
	}{
		{"martha", "marhta", 0.9611},
		{"dwayne", "duane", 0.84},
		{"dixon", "dicksonx", 0.8133},
		{"abc", "abc", 1},
		{"abc", "xyz", 0},
		{"", "abc", 0},
		{"шевченко", "шевченко", 1},
	}
	for _, tt := range tests {
		if got := JaroWinkler(tt.a, tt.b); math.Abs(got-tt.want) > 0.0005 {
			t.Errorf("JaroWinkler(%q, %q) = %.4f, want %.4f", tt.a, tt.b, got, tt.want)
		}
		if got, rev := JaroWinkler(tt.a, tt.b), JaroWinkler(tt.b, tt.a); got != rev {
			t.Errorf("JaroWinkler(%q, %q) = %v but reversed %v", tt.a, tt.b, got, rev)
		}
	}
	long := "abcdefghijklmnopqrstuvwxyzabcdefghijklmnop"
	if got := JaroWinkler(long, long+"q"); got < 0.98 {
		t.Errorf("JaroWinkler of long strings one letter apart = %v, want ≥ 0.98", got)
	}
}

func TestSimilar(t *testing.T) {
	olena := Name{Given: "Olena", Family: "Kovalenko"}
	tests := []struct {
		name     string
		a, b     Name
		min, max float64
	}{
		{"identical", olena, olena, 1, 1},
		{"swapped", olena, Name{Given: "Kovalenko", Family: "Olena"}, 1, 1},
		{"other script", Name{Given: "Тарас", Family: "Шевченко"}, Name{Given: "Taras", Family: "Shevchenko"}, 1, 1},
		{"transliteration variant", Name{Given: "Taras", Family: "Shevchenko"}, Name{Given: "Taras", Family: "Szewczenko"}, 0.95, 0.95},
		{"variants swapped", Name{Given: "Yuliya", Family: "Tsvetaeva"}, Name{Given: "Zwetajewa", Family: "Julija"}, 0.9, 0.91},
		{"transposition", olena, Name{Given: "Olena", Family: "Kovalneko"}, 0.95, 0.99},
		{"substitution", olena, Name{Given: "Olena", Family: "Kovalenka"}, 0.95, 0.99},
		{"deletion", olena, Name{Given: "Olena", Family: "Kovaleko"}, 0.95, 0.99},
		{"insertion", olena, Name{Given: "Olena", Family: "Kovallenko"}, 0.95, 1},
		{"one typo in each token", olena, Name{Given: "Olnea", Family: "Kovalenco"}, 0.9, 0.99},
		{"typo in a short token", Name{Given: "Kim", Family: "Lee"}, Name{Given: "Kin", Family: "Lee"}, 0.8, 0.9},
		{"initial", Name{Given: "J.", Family: "Smith"}, Name{Given: "John", Family: "Smith"}, 0.9, 0.9},
		{"wrong fields", Name{Given: "Ivan", Family: "Petrov"}, Name{Family: "Ivan Petrov"}, 0.9, 0.96},
		{"extra family name", Name{Given: "María", Family: "García López"}, Name{Given: "Maria", Family: "Garcia"}, 0.9, 0.96},
		{"middle name on one side", Name{Given: "Ivan", Middle: "Sergeevich", Family: "Petrov"}, Name{Given: "Ivan", Family: "Petrov"}, 1, 1},
		{"different middle names", Name{Given: "Ivan", Middle: "Sergeevich", Family: "Petrov"}, Name{Given: "Ivan", Middle: "Olegovich", Family: "Petrov"}, 0.85, 0.97},
		{"given name missing", Name{Family: "Kovalenko"}, olena, 0.89, 0.95},
		{"other family", Name{Given: "Ivan", Family: "Petrov"}, Name{Given: "Ivan", Family: "Sidorov"}, 0, 0.8},
		{"other person", Name{Given: "Ivan", Family: "Petrov"}, Name{Given: "Oleg", Family: "Sidorov"}, 0, 0.5},
		{"empty", Name{}, olena, 0, 0},
		{"both empty", Name{}, Name{}, 0, 0},
	}
	for _, tt := range tests {
		got := Similar(tt.a, tt.b)
		if got < tt.min-1e-9 || got > tt.max+1e-9 {
			t.Errorf("%s: Similar(%v, %v) = %.3f, want in [%.2f, %.2f]", tt.name, tt.a, tt.b, got, tt.min, tt.max)
		}
		if rev := Similar(tt.b, tt.a); math.Abs(rev-got) > 1e-9 {
			t.Errorf("%s: Similar is not symmetric: %.4f and %.4f", tt.name, got, rev)
		}
	}
}

func TestKey(t *testing.T) {
	a := Key(Name{Given: "Taras", Family: "Shevchenko", Middle: "Hryhorovych"})
	for _, n := range []Name{
		{Given: "Тарас", Family: "Шевченко"},
		{Given: "Szewczenko", Family: "Taras"},
		{Family: "Schewtschenko Taras"},
	} {
		if got := Key(n); got != a {
			t.Errorf("Key(%v) = %q, want %q", n, got, a)
		}
	}
	if got := Key(Name{Given: "Taras", Family: "Petrenko"}); got == a {
		t.Errorf("Key of another family name = %q, the same as %q", got, a)
	}
	if got := Key(Name{}); got != "" {
		t.Errorf("Key(Name{}) = %q, want empty", got)
	}
}
