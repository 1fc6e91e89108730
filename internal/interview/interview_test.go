package interview

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"alliance/internal/indicator"
)

const (
	questionnaireFile = "data/questionnaire-ilo-ec-2009.json"
	langDir           = "data/lang"
)

// embedded returns the embedded questionnaire and language files (by file
// name), as Builtin reads them.
func embedded(t testing.TB) ([]byte, map[string][]byte) {
	t.Helper()
	qdata, err := fs.ReadFile(dataFS, questionnaireFile)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := fs.ReadDir(dataFS, langDir)
	if err != nil {
		t.Fatal(err)
	}
	langs := map[string][]byte{}
	for _, e := range entries {
		b, err := fs.ReadFile(dataFS, path.Join(langDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		langs[e.Name()] = b
	}
	return qdata, langs
}

// editJSON decodes data into generic values, lets edit change them and
// encodes the result.
func editJSON(t testing.TB, data []byte, edit func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	out, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func texts(m map[string]any) map[string]any { return m["text"].(map[string]any) }

func stagesOf(m map[string]any) []any { return m["stages"].([]any) }

// stageByID returns the stage object with the id in a generic questionnaire.
func stageByID(t testing.TB, m map[string]any, id string) map[string]any {
	t.Helper()
	for _, s := range stagesOf(m) {
		if st := s.(map[string]any); st["id"] == id {
			return st
		}
	}
	t.Fatalf("no stage %q", id)
	return nil
}

func onlyEnglish(langs map[string][]byte) map[string][]byte {
	return map[string][]byte{"en.json": langs["en.json"]}
}

func mustParse(t testing.TB, qdata []byte, langs map[string][]byte) *Questionnaire {
	t.Helper()
	q, err := Parse(qdata, langs, indicator.Builtin())
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return q
}

func wantErr(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one containing %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not contain %q", err, p)
		}
	}
}

func TestBuiltinLoads(t *testing.T) {
	q := Builtin()
	if q == nil {
		t.Fatal("Builtin() is nil")
	}
	if q.ID != "screening-ilo-ec-2009" || q.Version == "" {
		t.Errorf("id %q version %q", q.ID, q.Version)
	}
	if q.Catalog() == nil || q.Catalog().ID != q.CatalogID || q.Catalog().Kind != indicator.KindOperational {
		t.Fatalf("catalogue not linked: %+v", q.Catalog())
	}
	// Builtin is the parse of the embedded files.
	qdata, langs := embedded(t)
	again := mustParse(t, qdata, langs)
	if again.QuestionCount() != q.QuestionCount() || len(again.Languages()) != len(q.Languages()) {
		t.Errorf("re-parse differs: %d/%d questions, %d/%d languages",
			again.QuestionCount(), q.QuestionCount(), len(again.Languages()), len(q.Languages()))
	}
	n := 0
	for _, st := range q.Stages {
		n += len(st.Questions)
	}
	if n == 0 || q.QuestionCount() != n {
		t.Errorf("QuestionCount() = %d, stages hold %d", q.QuestionCount(), n)
	}
	for _, id := range []string{StageAbout, StageObservations} {
		if st, ok := q.Stage(id); !ok || st.ID != id {
			t.Errorf("Stage(%q) = %v, %v", id, st, ok)
		}
	}
	if _, ok := q.Stage("nope"); ok {
		t.Error(`Stage("nope") found`)
	}
}

func TestBuiltinLanguages(t *testing.T) {
	q := Builtin()
	want := []string{"en", "ru", "uk", "ro", "bg", "pl", "tr", "uz", "ky", "tg", "vi", "sq", "sr", "es", "fr", "de", "it", "ar"}
	var got []string
	for _, l := range q.Languages() {
		got = append(got, l.Tag)
	}
	sort.Strings(got)
	sorted := slices.Clone(want)
	sort.Strings(sorted)
	if !slices.Equal(got, sorted) {
		t.Fatalf("languages %v, want %v", got, sorted)
	}
	for _, tag := range want {
		l, ok := q.Language(tag)
		if !ok || l.Tag != tag {
			t.Errorf("Language(%q) = %v, %v", tag, l, ok)
			continue
		}
		wantDir := "ltr"
		if tag == "ar" {
			wantDir = "rtl"
		}
		if l.Dir != wantDir {
			t.Errorf("%s: dir %q, want %q", tag, l.Dir, wantDir)
		}
		if tag == "en" {
			if !l.Review.Reviewed {
				t.Error("en: the source text is not marked reviewed")
			}
		} else if l.Review.Reviewed {
			t.Errorf("%s: marked reviewed by %q; the translations are unreviewed drafts", tag, l.Review.By)
		}
		if strings.TrimSpace(l.Name) == "" || strings.TrimSpace(l.EnglishName) == "" {
			t.Errorf("%s: name %q, english name %q", tag, l.Name, l.EnglishName)
		}
		// Every text the interview shows exists in the language itself.
		for _, k := range q.keys() {
			if strings.TrimSpace(l.Text[k]) == "" {
				t.Errorf("%s: no text %q", tag, k)
			}
		}
		if len(l.Text) != len(q.keys()) {
			t.Errorf("%s: %d texts, want %d", tag, len(l.Text), len(q.keys()))
		}
	}
	if _, ok := q.Language("xx"); ok {
		t.Error(`Language("xx") found`)
	}
}

func TestLanguagesOrder(t *testing.T) {
	check := func(t *testing.T, ls []*Language) {
		t.Helper()
		if len(ls) == 0 || ls[0].Tag != "en" {
			t.Fatalf("first language is not English: %v", ls)
		}
		for i := 2; i < len(ls); i++ {
			if ls[i-1].EnglishName > ls[i].EnglishName {
				t.Errorf("%q (%s) before %q (%s)", ls[i-1].EnglishName, ls[i-1].Tag, ls[i].EnglishName, ls[i].Tag)
			}
		}
	}
	check(t, Builtin().Languages())

	// English comes first even when its English name does not sort first.
	qdata, langs := embedded(t)
	langs["en.json"] = editJSON(t, langs["en.json"], func(m map[string]any) { m["english_name"] = "Zzz English" })
	q := mustParse(t, qdata, langs)
	check(t, q.Languages())
	if q.Languages()[1].EnglishName != "Albanian" {
		t.Errorf("second language %q, want Albanian", q.Languages()[1].EnglishName)
	}
}

func TestCoverage(t *testing.T) {
	q := Builtin()
	covered := map[string][]string{}
	for _, st := range q.Stages {
		for _, qu := range st.Questions {
			if len(qu.Indicators) == 0 {
				t.Errorf("question %s maps no indicator", qu.ID)
			}
			for _, ind := range qu.Indicators {
				if _, ok := q.Catalog().Indicator(ind); !ok {
					t.Errorf("question %s: %q is not in the catalogue", qu.ID, ind)
				}
				covered[ind] = append(covered[ind], qu.ID)
			}
		}
	}
	observed := map[string]bool{}
	for _, id := range q.Observed() {
		if observed[id] {
			t.Errorf("Observed() lists %q twice", id)
		}
		observed[id] = true
	}
	var order []string
	for _, ind := range q.Catalog().Indicators {
		c, o := len(covered[ind.ID]) > 0, observed[ind.ID]
		switch {
		case c && o:
			t.Errorf("%s is covered by %v and also observed", ind.ID, covered[ind.ID])
		case !c && !o:
			t.Errorf("%s is neither covered nor observed", ind.ID)
		}
		if o {
			order = append(order, ind.ID)
		}
	}
	if len(observed) != len(order) {
		t.Errorf("Observed() lists ids outside the catalogue: %v", q.Observed())
	}
	if !slices.Equal(order, q.Observed()) {
		t.Errorf("Observed() = %v, want catalogue order %v", q.Observed(), order)
	}
	if len(q.Observed()) == 0 {
		t.Error("no indicator is left to the interviewer: the observations stage is empty")
	}
}

func TestText(t *testing.T) {
	q := Builtin()
	en, _ := q.Language("en")
	ru, _ := q.Language("ru")
	for _, k := range q.keys() {
		if got := q.Text("xx", k); got != en.Text[k] {
			t.Errorf("Text(xx, %q) = %q, want the English %q", k, got, en.Text[k])
		}
		if got := q.Text("", k); got != en.Text[k] {
			t.Errorf("Text(\"\", %q) = %q, want English", k, got)
		}
		if got := q.Text("ru", k); got != ru.Text[k] {
			t.Errorf("Text(ru, %q) = %q, want %q", k, got, ru.Text[k])
		}
	}
	if q.Text("ru", "answer.yes") == q.Text("en", "answer.yes") {
		t.Error("Russian 'yes' is the English one")
	}
	if got := q.Text("ru", "no.such.key"); got != "" {
		t.Errorf("unknown key gives %q", got)
	}
}

// position returns the 1-based line and column (in characters) of byte i.
func position(data []byte, i int) (int, int) {
	start := bytes.LastIndexByte(data[:i], '\n') + 1
	return 1 + bytes.Count(data[:i], []byte("\n")), 1 + utf8.RuneCount(data[start:i])
}

func TestParseMalformedJSON(t *testing.T) {
	qdata, langs := embedded(t)
	set := indicator.Builtin()

	t.Run("questionnaire syntax", func(t *testing.T) {
		old := `"version": "2026.1",`
		i := bytes.Index(qdata, []byte(old))
		if i < 0 {
			t.Fatalf("%s not in the questionnaire", old)
		}
		bad := slices.Concat(qdata[:i+len(old)], []byte(","), qdata[i+len(old):])
		at := i + len(old) // the stray comma
		line, col := position(bad, at)
		_, err := Parse(bad, langs, set)
		wantErr(t, err, "questionnaire", fmt.Sprintf("line %d, column %d", line, col), "','")
	})

	t.Run("questionnaire type", func(t *testing.T) {
		old := `"version": "2026.1"`
		bad := bytes.Replace(qdata, []byte(old), []byte(`"version": 20261`), 1)
		at := bytes.Index(bad, []byte(`20261`))
		line, _ := position(bad, at)
		_, err := Parse(bad, langs, set)
		wantErr(t, err, "questionnaire", fmt.Sprintf("line %d, column", line))
	})

	t.Run("language with non-ASCII text", func(t *testing.T) {
		ru := langs["ru.json"]
		old := `"answer.no": "Нет",`
		i := bytes.Index(ru, []byte(old))
		if i < 0 {
			t.Fatalf("%s not in ru.json", old)
		}
		bad := slices.Concat(ru[:i+len(old)-1], []byte(" x"), ru[i+len(old)-1:])
		at := i + len(old)
		if bad[at] != 'x' {
			t.Fatalf("test setup: byte %d is %q", at, bad[at])
		}
		line, col := position(bad, at)
		l := copyLangs(langs)
		l["ru.json"] = bad
		_, err := Parse(qdata, l, set)
		wantErr(t, err, "ru.json", fmt.Sprintf("line %d, column %d", line, col), "'x'")
	})

	t.Run("trailing data", func(t *testing.T) {
		_, err := Parse(append(slices.Clone(qdata), []byte("\n{}")...), langs, set)
		wantErr(t, err, "questionnaire", "after the JSON value")
	})

	t.Run("empty", func(t *testing.T) {
		_, err := Parse(nil, langs, set)
		wantErr(t, err, "questionnaire", "malformed JSON")
	})
}

// copyLangs returns a shallow copy of the language files.
func copyLangs(langs map[string][]byte) map[string][]byte {
	out := make(map[string][]byte, len(langs))
	for k, v := range langs {
		out[k] = v
	}
	return out
}

func TestParseQuestionnaireErrors(t *testing.T) {
	qdata, langs := embedded(t)
	tests := []struct {
		name  string
		edit  func(t *testing.T, m map[string]any)
		parts []string
	}{
		{"unknown indicator", func(t *testing.T, m map[string]any) {
			st := stageByID(t, m, "work")
			qu := st["questions"].([]any)[1].(map[string]any)
			qu["indicators"] = []any{"ex.excessive_hours", "ex.no_such_thing"}
		}, []string{"(work.little_pay)", `"ex.no_such_thing"`, `stage "work", questions[1]`}},
		{"duplicate question", func(t *testing.T, m map[string]any) {
			st := stageByID(t, m, "leaving")
			st["questions"] = append(st["questions"].([]any), map[string]any{"id": "rec.debt", "indicators": []any{"cd.debt_bondage"}})
		}, []string{`"rec.debt"`, "given twice", `stage "leaving", questions[4]`}},
		{"question without indicator", func(t *testing.T, m map[string]any) {
			st := stageByID(t, m, "living")
			st["questions"].([]any)[0].(map[string]any)["indicators"] = []any{}
		}, []string{"liv.housing_bad", "no indicator"}},
		{"bad question id", func(t *testing.T, m map[string]any) {
			stageByID(t, m, "living")["questions"].([]any)[0].(map[string]any)["id"] = "Liv Bad"
		}, []string{`"Liv Bad"`, `stage "living", questions[0]`}},
		{"duplicate stage", func(t *testing.T, m map[string]any) {
			m["stages"] = append(stagesOf(m), map[string]any{"id": "work", "questions": []any{}})
		}, []string{`"work"`, "given twice"}},
		{"missing about", func(t *testing.T, m map[string]any) {
			m["stages"] = slices.DeleteFunc(stagesOf(m), func(s any) bool { return s.(map[string]any)["id"] == StageAbout })
		}, []string{`stage "about" is missing`}},
		{"missing observations", func(t *testing.T, m map[string]any) {
			m["stages"] = slices.DeleteFunc(stagesOf(m), func(s any) bool { return s.(map[string]any)["id"] == StageObservations })
		}, []string{`stage "observations" is missing`}},
		{"missing version", func(t *testing.T, m map[string]any) { delete(m, "version") }, []string{"version is missing"}},
		{"unknown catalogue", func(t *testing.T, m map[string]any) { m["catalog"] = "nope" }, []string{`"nope"`}},
		{"view catalogue", func(t *testing.T, m map[string]any) {
			for _, id := range indicator.Builtin().IDs() {
				if c, _ := indicator.Builtin().Catalog(id); c.Kind != indicator.KindOperational {
					m["catalog"] = id
					return
				}
			}
			t.Skip("no derived view in the built-in set")
		}, []string{"not an operational catalogue"}},
		{"bad id", func(t *testing.T, m map[string]any) { m["id"] = "Bad ID" }, []string{`"Bad ID"`}},
		{"unknown field", func(t *testing.T, m map[string]any) { m["extra"] = 1 }, []string{"questionnaire", `"extra"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bad := editJSON(t, qdata, func(m map[string]any) { tc.edit(t, m) })
			q, err := Parse(bad, langs, indicator.Builtin())
			if q != nil {
				t.Error("Parse returned a questionnaire with its error")
			}
			wantErr(t, err, tc.parts...)
		})
	}
}

func TestParseLanguageErrors(t *testing.T) {
	qdata, langs := embedded(t)
	edit := func(file string, f func(m map[string]any)) map[string][]byte {
		l := copyLangs(langs)
		l[file] = editJSON(t, l[file], f)
		return l
	}
	tests := []struct {
		name  string
		langs map[string][]byte
		parts []string
	}{
		{"missing key", edit("vi.json", func(m map[string]any) { delete(texts(m), "q.work.debt") }),
			[]string{"vi.json", `"q.work.debt"`, "missing"}},
		{"blank text", edit("de.json", func(m map[string]any) { texts(m)["stage.work"] = "  " }),
			[]string{"de.json", `"stage.work"`, "missing"}},
		{"extra key", edit("fr.json", func(m map[string]any) { texts(m)["q.rec.extra"] = "Question ?" }),
			[]string{"fr.json", `"q.rec.extra"`, "belongs to no question"}},
		{"dir up", edit("ar.json", func(m map[string]any) { m["dir"] = "up" }),
			[]string{"ar.json", `"up"`}},
		{"bad tag", edit("it.json", func(m map[string]any) { m["tag"] = "Italian" }),
			[]string{"it.json", `"Italian"`, "BCP 47"}},
		{"no name", edit("sq.json", func(m map[string]any) { m["name"] = "" }),
			[]string{"sq.json", "name"}},
		{"unknown field", edit("tr.json", func(m map[string]any) { m["font"] = "x" }),
			[]string{"tr.json", `"font"`}},
		{"english missing", func() map[string][]byte {
			l := copyLangs(langs)
			delete(l, "en.json")
			return l
		}(), []string{`"en"`, "missing"}},
		{"language twice", func() map[string][]byte {
			l := copyLangs(langs)
			l["zz-copy.json"] = l["pl.json"]
			return l
		}(), []string{"zz-copy.json", `"pl"`, "twice"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, err := Parse(qdata, tc.langs, indicator.Builtin())
			if q != nil {
				t.Error("Parse returned a questionnaire with its error")
			}
			wantErr(t, err, tc.parts...)
		})
	}

	// A questionnaire with one more question needs its text in every language.
	more := editJSON(t, qdata, func(m map[string]any) {
		st := stageByID(t, m, "work")
		st["questions"] = append(st["questions"].([]any), map[string]any{"id": "work.new", "indicators": []any{"ex.excessive_hours"}})
	})
	_, err := Parse(more, langs, indicator.Builtin())
	wantErr(t, err, `"q.work.new"`, "missing")
	// A new stage needs its title.
	more = editJSON(t, qdata, func(m map[string]any) {
		m["stages"] = append(stagesOf(m), map[string]any{"id": "after", "questions": []any{}})
	})
	_, err = Parse(more, onlyEnglish(langs), indicator.Builtin())
	wantErr(t, err, "en.json", `"stage.after"`)
}

func TestParseSubsetOfLanguages(t *testing.T) {
	qdata, langs := embedded(t)
	q := mustParse(t, qdata, onlyEnglish(langs))
	if len(q.Languages()) != 1 || q.Languages()[0].Tag != "en" {
		t.Fatalf("languages %v", q.Languages())
	}
	if q.Text("ru", "answer.yes") != q.Text("en", "answer.yes") {
		t.Error("a language not carried does not fall back to English")
	}
}
