package screening

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"alliance/internal/names"
)

// MaxNameRunes is the longest name accepted, in characters. The longest registered
// company names run to a few hundred characters; anything longer is a pasted
// document or an attack on the matcher.
const MaxNameRunes = 1000

// maxTokens bounds the tokens of one name that take part in matching, so that the
// assignment stays cheap; tokens after that are ignored.
const maxTokens = 24

// Weights of words that carry little.
const (
	fillerWeight     = 0.3 // "and", "Sanayi", "Group": a fixed weight, however rare in the list
	patronymicFactor = 0.5 // "Ivanovich", "oglu": often missing on one side
	initialWeight    = 1.0 // a single letter: an initial, worth little
)

// CheckName reports why s cannot be screened or listed as a name, or nil.
func CheckName(s string) error {
	switch {
	case !utf8.ValidString(s):
		return fmt.Errorf("is not valid UTF-8; save the file as UTF-8")
	case strings.TrimSpace(s) == "":
		return fmt.Errorf("is empty")
	}
	if n := utf8.RuneCountInString(s); n > MaxNameRunes {
		return fmt.Errorf("is %d characters long; at most %d are accepted", n, MaxNameRunes)
	}
	if names.Fold(s) == "" {
		return fmt.Errorf("%q has no letters or digits", s)
	}
	return nil
}

// tok is one normalised word of a name.
type tok struct {
	fold   string  // the word as internal/names folds it
	key    string  // fold, or "#concept" for a sector word
	phon   string  // names.Phonetic(fold)
	factor float32 // weight factor: 1, or less for a patronymic
	init   bool    // a single letter: an initial
	filler bool    // a word of organisation names that carries little
}

// weight is the weight of t given the rarity of its listed word.
func (t *tok) weight(idf float32) float32 {
	switch {
	case t.filler:
		return min(idf, fillerWeight)
	case t.init:
		return min(idf, initialWeight)
	}
	return idf * t.factor
}

// form is a normalised name.
type form struct {
	toks  []tok
	legal LegalClass
	forms []string // legal forms set aside, folded
}

// normalize folds a name into tokens. An organisation name (org) also loses its
// legal form to form.legal and has its sector words mapped to concepts; a person's
// name keeps every word as it is.
func normalize(s string, org bool) form {
	words := names.Tokens(s)
	var f form
	if org {
		words, f.forms, f.legal = stripLegal(words)
	}
	if len(words) > maxTokens {
		words = words[:maxTokens]
	}
	inits := initials(s)
	f.toks = make([]tok, len(words))
	for i, w := range words {
		f.toks[i] = makeTok(w, org, len(words))
		f.toks[i].init = f.toks[i].init || inits[w]
	}
	return f
}

// initials returns the folded forms of the one-letter words of s ("Ю." folds to
// "iu", "Х." to "kh"), which are initials however many letters they fold to.
func initials(s string) map[string]bool {
	var out map[string]bool
	prev := ' '
	for i, r := range s {
		if !unicode.IsLetter(prev) && unicode.IsLetter(r) {
			next, _ := utf8.DecodeRuneInString(s[i+utf8.RuneLen(r):])
			if !unicode.IsLetter(next) && !unicode.IsMark(next) && next != '\'' {
				if out == nil {
					out = map[string]bool{}
				}
				out[names.Fold(string(r))] = true
			}
		}
		prev = r
	}
	return out
}

func makeTok(w string, org bool, n int) tok {
	t := tok{fold: w, key: w, phon: names.Phonetic(w), factor: 1, init: oneRune(w)}
	if org {
		if c := concept(w); c != "" {
			t.key = "#" + c
			t.filler = genericConcepts[c]
		}
		if conjunctions[w] {
			t.key, t.filler = "#and", true
		}
		t.filler = t.filler || fillerWords[w]
	}
	if n >= 3 && isPatronymic(w) {
		t.factor = patronymicFactor
	}
	return t
}

// isInitial reports a one-letter token.
func (t *tok) isInitial() bool { return t.init }

func oneRune(s string) bool {
	r, size := utf8.DecodeRuneInString(s)
	return size == len(s) && r != utf8.RuneError
}

// NormalizeName returns the folded tokens of a name as matching sees them, with
// legal forms set aside and sector words as "#concept"; for tests, tools and
// explanations.
func NormalizeName(s string) (tokens []string, legalForms []string) {
	f := normalize(s, true)
	for _, t := range f.toks {
		tokens = append(tokens, t.key)
	}
	return tokens, f.forms
}
