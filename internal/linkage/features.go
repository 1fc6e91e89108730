package linkage

import (
	"strconv"

	"alliance/internal/names"
)

// features collects the features of one field of one record in a flat buffer, so
// that encoding a record allocates nothing once the buffers have grown.
type features struct {
	data []byte
	ends []int
}

func (fs *features) reset() { fs.data, fs.ends = fs.data[:0], fs.ends[:0] }

func (fs *features) len() int { return len(fs.ends) }

func (fs *features) at(i int) []byte {
	start := 0
	if i > 0 {
		start = fs.ends[i-1]
	}
	return fs.data[start:fs.ends[i]]
}

// add appends one feature: a tag byte that keeps the kinds of feature apart, then s.
func (fs *features) add(tag byte, s ...string) {
	fs.data = append(fs.data, tag)
	for _, p := range s {
		fs.data = append(fs.data, p...)
	}
	fs.ends = append(fs.ends, len(fs.data))
}

// extract appends the features of field f read from the record's values.
func (f *Field) extract(fs *features, values []string) {
	switch f.Kind {
	case KindName:
		for _, v := range values {
			for _, tok := range names.Tokens(v) {
				qgrams(fs, 'g', tok, f.Q, f.Positional)
				if f.Phonetic {
					qgrams(fs, 'p', names.Phonetic(tok), f.Q, f.Positional)
				}
			}
		}
	case KindText:
		for _, v := range values {
			if t := names.Fold(v); t != "" {
				qgrams(fs, 'g', t, f.Q, f.Positional)
			}
		}
	case KindExact:
		for _, v := range values {
			if t := names.Fold(v); t != "" {
				fs.add('v', t)
			}
		}
	case KindDate:
		if d, err := names.ParseDate(values[0]); err == nil {
			dateFeatures(fs, d)
		}
	}
}

// qgrams appends the q-grams (in runes) of s padded with '_' at both ends; a string
// shorter than q gives itself, padded, as its one q-gram.
func qgrams(fs *features, tag byte, s string, q int, positional bool) {
	var buf [64]byte
	padded := append(append(append(buf[:0], '_'), s...), '_')
	for i := range padded {
		if padded[i] == ' ' {
			padded[i] = '_'
		}
	}
	var sb [66]int
	starts := sb[:0]
	for i := range string(padded) {
		starts = append(starts, i)
	}
	starts = append(starts, len(padded))
	n := len(starts) - 1 // runes
	if n <= q {
		fs.add(tag, string(padded))
		return
	}
	for i := 0; i+q <= n; i++ {
		gram := string(padded[starts[i]:starts[i+q]])
		if positional {
			fs.add(tag, strconv.Itoa(i), ":", gram)
		} else {
			fs.add(tag, gram)
		}
	}
}

// dateFeatures appends the features of a date of birth, chosen so that the slips
// names.DatesMatch forgives keep most of them:
//
//   - the year, and the year in two-year buckets at two offsets: a year off by one
//     still shares one bucket;
//   - month and day as an unordered pair, kept when they are swapped, and each on
//     its own, which tells the right order when both sides agree;
//   - 1 January is taken for "day and month unknown", as registrations write it, and
//     contributes no month or day.
func dateFeatures(fs *features, d names.Date) {
	y := strconv.Itoa(d.Year)
	fs.add('y', y)
	fs.add('b', strconv.Itoa(d.Year/2))
	fs.add('c', strconv.Itoa((d.Year+1)/2))
	if d.Month == 0 || d.Month == 1 && d.Day == 1 {
		return
	}
	fs.add('m', strconv.Itoa(d.Month))
	if d.Day == 0 {
		return
	}
	lo, hi := min(d.Month, d.Day), max(d.Month, d.Day)
	fs.add('s', strconv.Itoa(lo), "/", strconv.Itoa(hi))
	fs.add('d', strconv.Itoa(d.Day))
}
