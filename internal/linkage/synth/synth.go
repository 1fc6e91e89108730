// Package synth generates synthetic, reproducible test data for record linkage: the
// same invented people recorded by several partners, with names written in their
// native scripts or in the transliteration habits of other languages, typos, swapped
// name order, patronymics, and slipped or missing dates of birth. The truth (which
// records are one person) comes with the data, so that precision and recall can be
// measured. No real person's data is used: see names.go.
package synth

import (
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"

	"alliance/internal/names"
)

// Record is one partner's record of a person.
type Record struct {
	ID, Given, Family, DateOfBirth, Sex, Nationality string
	Person                                           int // the truth: who this is
}

// Config says what to generate. The zero value of a rate means none of that noise.
type Config struct {
	Seed     uint64
	People   int
	Partners int
	// Presence is the probability that a partner holds a record of a person
	// (every person is held by at least one partner).
	Presence float64
	Noise    Noise
}

// Noise holds the probability of each kind of difference between records.
type Noise struct {
	Native, Typo, Swap, Patronymic, Diacritics         float64
	DateMissing, DateSwap, DateYear, DateJan1, SexMiss float64
	Sibling                                            float64 // a person is a sibling of an earlier one
}

// Realistic is the noise the quality tests use: about what careful data entry in
// several organisations and countries produces.
var Realistic = Noise{Native: 0.35, Typo: 0.15, Swap: 0.12, Patronymic: 0.05, Diacritics: 0.5,
	DateMissing: 0.04, DateSwap: 0.05, DateYear: 0.05, DateJan1: 0.04, SexMiss: 0.03, Sibling: 0.15}

// person is the truth about one person.
type person struct {
	c              *culture
	given, family  string
	patronymic     string
	year, mon, day int
	female         bool
}

// Generate returns the records of each partner, in a random order.
func Generate(cfg Config) [][]Record {
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x5eed))
	people := make([]person, cfg.People)
	for i := range people {
		people[i] = newPerson(rng, people[:i], cfg.Noise.Sibling)
	}
	out := make([][]Record, cfg.Partners)
	for i := range people {
		held := false
		for p := range cfg.Partners {
			if rng.Float64() < cfg.Presence || (!held && p == cfg.Partners-1) {
				out[p] = append(out[p], record(rng, &people[i], i, cfg.Noise))
				held = true
			}
		}
	}
	for p, recs := range out {
		rng.Shuffle(len(recs), func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })
		for i := range recs {
			recs[i].ID = fmt.Sprintf("p%d-%07d", p, i+1)
		}
	}
	return out
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

func newPerson(rng *rand.Rand, before []person, sibling float64) person {
	if len(before) > 0 && rng.Float64() < sibling {
		p := pick(rng, before)
		p.female = rng.IntN(2) == 0
		p.given = pick(rng, map[bool][]string{true: p.c.female, false: p.c.male}[p.female])
		p.family = familyName(p.c, p.family, p.female)
		p.year += rng.IntN(11) - 5
		p.mon, p.day = 1+rng.IntN(12), 1+rng.IntN(28)
		return p
	}
	c := &cultures[rng.IntN(len(cultures))]
	p := person{c: c, female: rng.IntN(2) == 0, year: 1950 + rng.IntN(56), mon: 1 + rng.IntN(12), day: 1 + rng.IntN(28)}
	p.given = pick(rng, map[bool][]string{true: c.female, false: c.male}[p.female])
	p.family = stem(rng, c) + pick(rng, map[bool][]string{true: c.femaleEnd, false: c.maleEnd}[p.female])
	p.patronymic = pick(rng, c.male)
	return p
}

// stem returns the start of a family name: two or three syllables, capitalised
// (except in Georgian, which has no capitals in names).
func stem(rng *rand.Rand, c *culture) string {
	s := pick(rng, c.syllables) + pick(rng, c.syllables)
	if rng.IntN(2) == 0 {
		s += pick(rng, c.syllables)
	}
	if c.code == "GE" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// familyName returns a sibling's family name: the same root with the ending of its sex.
func familyName(c *culture, family string, female bool) string {
	for i := range c.maleEnd {
		for _, end := range []string{c.maleEnd[i], c.femaleEnd[i]} {
			if strings.HasSuffix(family, end) {
				return strings.TrimSuffix(family, end) + map[bool]string{true: c.femaleEnd[i], false: c.maleEnd[i]}[female]
			}
		}
	}
	return family
}

// record writes one partner's record of person p.
func record(rng *rand.Rand, p *person, i int, n Noise) Record {
	given, family := p.given, p.family
	if slavic(p.c.code) && rng.Float64() < n.Patronymic {
		given += " " + p.patronymic + map[bool]string{true: "овна", false: "ович"}[p.female]
	}
	w := newWriter(rng, p.c, n)
	given, family = w.write(given), w.write(family)
	if rng.Float64() < n.Typo {
		if rng.IntN(2) == 0 {
			given = typo(rng, given)
		} else {
			family = typo(rng, family)
		}
	}
	if rng.Float64() < n.Swap {
		given, family = family, given
	}
	r := Record{Given: given, Family: family,
		DateOfBirth: date(rng, p, n), Nationality: p.c.code, Person: i}
	if rng.Float64() >= n.SexMiss {
		r.Sex = map[bool]string{true: "F", false: "M"}[p.female]
	}
	return r
}

// writer writes the names of one record: natively or in one transliteration habit
// (the same for both names), with or without diacritics.
type writer struct {
	c      *culture
	native bool
	style  *strings.Replacer
}

func newWriter(rng *rand.Rand, c *culture, n Noise) writer {
	w := writer{c: c, native: rng.Float64() < n.Native}
	if !c.transliterated {
		w.native = rng.Float64() < n.Diacritics
	}
	var pairs []string
	for _, s := range pick(rng, styles) {
		pairs = append(pairs, s[0], s[1])
	}
	w.style = strings.NewReplacer(pairs...)
	return w
}

func (w writer) write(name string) string {
	if w.native {
		return name
	}
	latin := names.Fold(name)
	if w.c.transliterated {
		latin = w.style.Replace(latin)
	}
	words := strings.Fields(latin)
	for i, x := range words {
		words[i] = strings.ToUpper(x[:1]) + x[1:]
	}
	return strings.Join(words, " ")
}

// typo makes one typing error in s: a letter replaced, dropped, doubled or two
// letters swapped.
func typo(rng *rand.Rand, s string) string {
	r := []rune(s)
	if len(r) < 3 {
		return s
	}
	i := 1 + rng.IntN(len(r)-2)
	switch rng.IntN(4) {
	case 0:
		r[i] = []rune("aeioulnrstkm")[rng.IntN(12)]
	case 1:
		r = append(r[:i], r[i+1:]...)
	case 2:
		r = append(r[:i+1], r[i:]...)
	default:
		r[i], r[i+1] = r[i+1], r[i]
	}
	return string(r)
}

// date writes the date of birth with the usual slips.
func date(rng *rand.Rand, p *person, n Noise) string {
	y, m, d := p.year, p.mon, p.day
	switch x := rng.Float64(); {
	case x < n.DateMissing:
		return ""
	case x < n.DateMissing+n.DateSwap && d <= 12:
		m, d = d, m
	case x < n.DateMissing+n.DateSwap+n.DateYear:
		y += 1 - 2*rng.IntN(2)
	case x < n.DateMissing+n.DateSwap+n.DateYear+n.DateJan1:
		m, d = 1, 1
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}

// WriteCSV writes records with the header of the default linkage schema, without
// the truth.
func WriteCSV(w io.Writer, recs []Record) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "given_name", "family_name", "date_of_birth", "sex", "nationality"})
	for _, r := range recs {
		cw.Write([]string{r.ID, r.Given, r.Family, r.DateOfBirth, r.Sex, r.Nationality})
	}
	cw.Flush()
	return cw.Error()
}

func slavic(code string) bool { return code == "UA" || code == "RU" || code == "BG" }
