// Package interview holds the screening interview: the questions put to a worker
// in their language, following their story (recruitment, journey, work, living,
// leaving), each mapped to the indicators of an operational catalogue, and the
// next steps a deployment proposes for a result. Like internal/indicator it is
// data embedded in the binary and pure code over it: no I/O beyond the readers
// it is given.
package interview

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"alliance/internal/indicator"

	"alliance/internal/strictjson"
)

// Answers to a question, as the worker gives them.
const (
	Yes      = "yes"
	No       = "no"
	Unknown  = "unknown"
	Declined = "declined"
)

// Stages with a fixed meaning: About asks the age; Observations lists the
// indicators no question covers, for the interviewer to judge.
const (
	StageAbout        = "about"
	StageObservations = "observations"
)

// Question is one question and the indicators a "yes" evidences. Its text is
// the key "q."+ID of each language.
type Question struct {
	ID         string   `json:"id"`
	Indicators []string `json:"indicators"`
}

// Stage is a part of the worker's story.
type Stage struct {
	ID        string     `json:"id"`
	Questions []Question `json:"questions"`
}

// Review records whether a native speaker has checked a language's texts.
type Review struct {
	Reviewed bool   `json:"reviewed"`
	By       string `json:"by"`
	Date     string `json:"date"`
}

// Language is the worker-facing text of the interview in one language.
type Language struct {
	Tag         string            `json:"tag"`
	Name        string            `json:"name"`         // the language's name for itself
	EnglishName string            `json:"english_name"` // for sorting and for staff
	Dir         string            `json:"dir"`          // "ltr" or "rtl"
	Review      Review            `json:"review"`
	Text        map[string]string `json:"text"`
}

// Questionnaire is a set of questions on one catalogue, in every language it
// carries. Build one with Parse or take the embedded one from Builtin.
type Questionnaire struct {
	ID        string   `json:"id"`
	Version   string   `json:"version"`
	CatalogID string   `json:"catalog"`
	Notes     []string `json:"notes,omitempty"`
	Stages    []Stage  `json:"stages"`

	cat       *indicator.Catalog
	langs     map[string]*Language
	order     []*Language
	questions map[string]*Question
	byInd     map[string][]string // indicator id -> ids of the questions that cover it
	observed  []string            // indicators no question covers, in catalogue order
}

var (
	idPattern  = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]*$`)
	tagPattern = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)
)

// fixedKeys are the texts every language carries besides the questions'.
var fixedKeys = []string{"intro", "answer.yes", "answer.no", "answer.unknown", "answer.declined", "about.age",
	"consent.title", "consent.intro", "consent.services", "consent.statistics", "consent.share", "consent.withdraw",
	"consent.group.identity", "consent.group.contact", "consent.group.context", "consent.group.assessments",
	"consent.group.decisions", "consent.group.support", "consent.group.comments", "consent.group.documents", "consent.group.legal",
	"consent.signature", "consent.date", "consent.interpreter"}

// Parse decodes a questionnaire and its languages (file name -> content, for
// messages) and checks them against the catalogues of set: every indicator
// must exist, and every language must carry every text, no more. A malformed
// file is refused with a message that names the file and what is wrong.
func Parse(questionnaire []byte, languages map[string][]byte, set *indicator.Set) (*Questionnaire, error) {
	var q Questionnaire
	if err := strictjson.Decode(questionnaire, &q); err != nil {
		return nil, fmt.Errorf("questionnaire: %w", err)
	}
	if err := q.link(set); err != nil {
		return nil, fmt.Errorf("questionnaire %q: %w", q.ID, err)
	}
	q.langs = map[string]*Language{}
	names := make([]string, 0, len(languages))
	for name := range languages {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		var l Language
		if err := strictjson.Decode(languages[name], &l); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if err := q.checkLanguage(&l); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if _, dup := q.langs[l.Tag]; dup {
			return nil, fmt.Errorf("%s: language %q is given twice", name, l.Tag)
		}
		q.langs[l.Tag] = &l
		q.order = append(q.order, &l)
	}
	if q.langs["en"] == nil {
		return nil, fmt.Errorf("questionnaire %q: the English texts (tag \"en\") are missing", q.ID)
	}
	sort.Slice(q.order, func(i, j int) bool {
		a, b := q.order[i], q.order[j]
		if (a.Tag == "en") != (b.Tag == "en") {
			return a.Tag == "en"
		}
		return a.EnglishName < b.EnglishName
	})
	return &q, nil
}

// link validates the structure and indexes it against its catalogue.
func (q *Questionnaire) link(set *indicator.Set) error {
	if !idPattern.MatchString(q.ID) {
		return fmt.Errorf("id %q must be lower-case letters, digits, '.', '_' or '-'", q.ID)
	}
	if q.Version == "" {
		return fmt.Errorf("version is missing")
	}
	cat, ok := set.Catalog(q.CatalogID)
	if !ok || cat.Kind != indicator.KindOperational {
		return fmt.Errorf("catalog %q is not an operational catalogue of this server", q.CatalogID)
	}
	q.cat = cat
	q.questions = map[string]*Question{}
	q.byInd = map[string][]string{}
	stages := map[string]bool{}
	for si := range q.Stages {
		st := &q.Stages[si]
		if !idPattern.MatchString(st.ID) || stages[st.ID] {
			return fmt.Errorf("stages[%d]: id %q is not valid or is given twice", si, st.ID)
		}
		stages[st.ID] = true
		for qi := range st.Questions {
			qu := &st.Questions[qi]
			where := fmt.Sprintf("stage %q, questions[%d]", st.ID, qi)
			if !idPattern.MatchString(qu.ID) || q.questions[qu.ID] != nil {
				return fmt.Errorf("%s: id %q is not valid or is given twice", where, qu.ID)
			}
			if len(qu.Indicators) == 0 {
				return fmt.Errorf("%s (%s): lists no indicator", where, qu.ID)
			}
			for _, ind := range qu.Indicators {
				if _, ok := cat.Indicator(ind); !ok {
					return fmt.Errorf("%s (%s): %q is not an indicator of %q", where, qu.ID, ind, cat.ID)
				}
				q.byInd[ind] = append(q.byInd[ind], qu.ID)
			}
			q.questions[qu.ID] = qu
		}
	}
	for _, want := range []string{StageAbout, StageObservations} {
		if !stages[want] {
			return fmt.Errorf("stage %q is missing", want)
		}
	}
	for _, ind := range cat.Indicators {
		if len(q.byInd[ind.ID]) == 0 {
			q.observed = append(q.observed, ind.ID)
		}
	}
	return nil
}

// keys returns every text key a language must carry.
func (q *Questionnaire) keys() []string {
	keys := append([]string(nil), fixedKeys...)
	for _, st := range q.Stages {
		keys = append(keys, "stage."+st.ID)
		for _, qu := range st.Questions {
			keys = append(keys, "q."+qu.ID)
		}
	}
	return keys
}

func (q *Questionnaire) checkLanguage(l *Language) error {
	if !tagPattern.MatchString(l.Tag) {
		return fmt.Errorf("tag %q is not a BCP 47 language tag", l.Tag)
	}
	if strings.TrimSpace(l.Name) == "" || strings.TrimSpace(l.EnglishName) == "" {
		return fmt.Errorf("language %q: name and english_name are required", l.Tag)
	}
	if l.Dir != "ltr" && l.Dir != "rtl" {
		return fmt.Errorf("language %q: dir %q is not \"ltr\" or \"rtl\"", l.Tag, l.Dir)
	}
	want := q.keys()
	for _, k := range want {
		if strings.TrimSpace(l.Text[k]) == "" {
			return fmt.Errorf("language %q: text %q is missing", l.Tag, k)
		}
	}
	if len(l.Text) != len(want) {
		known := map[string]bool{}
		for _, k := range want {
			known[k] = true
		}
		var extra []string
		for k := range l.Text {
			if !known[k] {
				extra = append(extra, k)
			}
		}
		sort.Strings(extra)
		return fmt.Errorf("language %q: text %q belongs to no question or stage", l.Tag, extra[0])
	}
	return nil
}

// Catalog returns the catalogue the questions map onto.
func (q *Questionnaire) Catalog() *indicator.Catalog { return q.cat }

// Languages returns the worker languages, English first, then by English name.
func (q *Questionnaire) Languages() []*Language { return q.order }

// Language returns the language with the tag.
func (q *Questionnaire) Language(tag string) (*Language, bool) {
	l, ok := q.langs[tag]
	return l, ok
}

// Text returns a text in the language, in English when the language is not
// carried.
func (q *Questionnaire) Text(tag, key string) string {
	if l, ok := q.langs[tag]; ok {
		if s, ok := l.Text[key]; ok {
			return s
		}
	}
	return q.langs["en"].Text[key]
}

// Stage returns the stage with the id.
func (q *Questionnaire) Stage(id string) (*Stage, bool) {
	for i := range q.Stages {
		if q.Stages[i].ID == id {
			return &q.Stages[i], true
		}
	}
	return nil, false
}

// Observed returns the indicators that no question covers, which the
// interviewer judges in the stage Observations, in catalogue order.
func (q *Questionnaire) Observed() []string { return q.observed }

// QuestionCount returns how many questions the questionnaire asks.
func (q *Questionnaire) QuestionCount() int { return len(q.questions) }

//go:embed data
var dataFS embed.FS

var builtin = mustBuiltin()

// Builtin returns the questionnaire embedded in the binary, on the built-in
// catalogues.
func Builtin() *Questionnaire { return builtin }

func mustBuiltin() *Questionnaire {
	q, err := loadFS(dataFS, "data/questionnaire-ilo-ec-2009.json", "data/lang", indicator.Builtin())
	if err != nil {
		panic("interview: embedded data: " + err.Error())
	}
	return q
}

func loadFS(fsys fs.FS, file, langDir string, set *indicator.Set) (*Questionnaire, error) {
	qdata, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(fsys, langDir)
	if err != nil {
		return nil, err
	}
	langs := map[string][]byte{}
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".json" {
			continue
		}
		b, err := fs.ReadFile(fsys, path.Join(langDir, e.Name()))
		if err != nil {
			return nil, err
		}
		langs[e.Name()] = b
	}
	return Parse(qdata, langs, set)
}
