package i18n

import (
	"reflect"
	"regexp"
	"testing"
)

func load(t *testing.T) *Catalog {
	t.Helper()
	c, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

// verbRE matches a printf verb with optional flags, argument index, width and
// precision, or a literal %%.
var verbRE = regexp.MustCompile(`%[-+# 0]*(?:\[\d+\])?(?:\d+|\*)?(?:\.(?:\d+|\*)?)?(?:\[\d+\])?[a-zA-Z%]`)

func TestCatalogueKeys(t *testing.T) {
	c := load(t)
	for _, lang := range Languages {
		t.Run(lang, func(t *testing.T) {
			if _, ok := c.msgs[lang]; !ok {
				t.Fatalf("no catalogue for %s", lang)
			}
			if missing := c.Missing(lang); len(missing) > 0 {
				t.Errorf("%s lacks %d key(s) English has: %v", lang, len(missing), missing)
			}
			for k, v := range c.msgs[lang] {
				if !c.Has(k) {
					t.Errorf("%s has key %q that English lacks", lang, k)
				}
				if v == "" {
					t.Errorf("%s: %q is empty", lang, k)
				}
			}
		})
	}
}

func TestPrintfVerbs(t *testing.T) {
	c := load(t)
	for _, lang := range Languages[1:] {
		t.Run(lang, func(t *testing.T) {
			for _, k := range c.Keys() {
				msg, ok := c.msgs[lang][k]
				if !ok {
					continue // reported by TestCatalogueKeys
				}
				want := verbRE.FindAllString(c.msgs["en"][k], -1)
				got := verbRE.FindAllString(msg, -1)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s %q: verbs %q, English has %q", lang, k, got, want)
				}
			}
		})
	}
}

func TestTranslated(t *testing.T) {
	const maxIdentical = 0.10
	c := load(t)
	keys := c.Keys()
	if len(keys) == 0 {
		t.Fatal("English catalogue is empty")
	}
	for _, lang := range Languages[1:] {
		t.Run(lang, func(t *testing.T) {
			var same []string
			for _, k := range keys {
				if c.msgs[lang][k] == c.msgs["en"][k] {
					same = append(same, k)
				}
			}
			if share := float64(len(same)) / float64(len(keys)); share > maxIdentical {
				t.Errorf("%s: %d of %d values (%.0f%%) are identical to English, more than %.0f%%: %v",
					lang, len(same), len(keys), 100*share, 100*maxIdentical, same)
			}
		})
	}
}

func TestChoose(t *testing.T) {
	c := load(t)
	tests := []struct {
		name, preferred, accept, want string
	}{
		{"preference wins over header", "de", "fr-FR,fr;q=0.9", "de"},
		{"preference with spaces", " it ", "ru", "it"},
		{"regional variant", "", "de-CH,de;q=0.9,en;q=0.5", "de"},
		{"unsupported falls back to English", "", "pt-BR", "en"},
		{"russian", "", "ru", "ru"},
		{"spanish with weights", "", "es-419,es;q=0.8", "es"},
		{"empty header", "", "", "en"},
		{"garbage header", "", "!!;;q=,,=*%%", "en"},
		{"unsupported preference falls back to header", "xx", "fr-CA,fr;q=0.8", "fr"},
		{"unsupported preference and no header", "xx", "", "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.Choose(tt.preferred, tt.accept); got != tt.want {
				t.Errorf("Choose(%q, %q) = %q, want %q", tt.preferred, tt.accept, got, tt.want)
			}
		})
	}
}

func TestT(t *testing.T) {
	c := load(t)
	tests := []struct {
		name, lang, key string
		args            []any
		want            string
	}{
		{"missing key", "fr", "no.such.key", nil, "[no.such.key]"},
		{"missing key with args", "en", "no.such.key", []any{"x"}, "[no.such.key]"},
		{"formats English", "en", "home.heading", []any{"Ana"}, "Welcome, Ana"},
		{"formats German", "de", "home.heading", []any{"Ana"}, "Willkommen, Ana"},
		{"unknown language falls back to English", "xx", "home.heading", []any{"Ana"}, "Welcome, Ana"},
		{"no args returns message", "en", "form.save", nil, "Save"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.T(tt.lang, tt.key, tt.args...); got != tt.want {
				t.Errorf("T(%q, %q, %v) = %q, want %q", tt.lang, tt.key, tt.args, got, tt.want)
			}
		})
	}
}
