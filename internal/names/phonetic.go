package names

// Phonetic returns the phonetic key of one folded Latin token (an element of Tokens),
// so that the common transliteration habits of one name meet: passport (ICAO), English,
// German, French and Polish spellings of a Slavic name, and a few more. The key is
// written in capital letters, a code alphabet of its own: bytes other than a–z (digits,
// letters of kept scripts) pass through unchanged and the key of a key is itself.
//
// The rules, applied left to right, longest match first:
//
//	vowels          a A, e E, o O, u U, ou U, i y I, j I (but j before ou, French
//	                "Joukov", is X)
//	hushing class X sh sch sz ch kh cz tsch tch zh z ts tz, c before e i y w, final
//	                -ic, and h (except after a consonant, and after a vowel at the end
//	                of the token, where it is dropped)
//	others          w v V, ph f F, th T, gh G, gu before e i y G, ck q K, other c K,
//	                x KS, ks KS
//	then            I before E is dropped (ye ie je, aje aie: Yevgeny Evgeny,
//	                Tsvetaieva Tsvetaeva), repeated codes collapse (Anna ANA, Yuliya
//	                Julija IULIA, -ii -iy -yi -ij -y all end in I), the endings -ev -ov
//	                -ew -ow -eff -off become OV and -eva -ova -ewa -owa OVA.
//
// One hushing class is forced by the spellings that must meet: "ch" is ч in English,
// ш in French and х in German and Polish, German "sch" is both ш and ж, the Polish ż
// folds to z, and German z is ц. The price is that names that differ only in those
// sounds meet too (Chen and Shen, Zhang and Chang); Similar rates a phonetic match
// below an exact one for that reason. Dropping I before E merges Daniel and Danel.
func Phonetic(token string) string {
	var buf [48]unit
	us := buf[:0]
	body, tail := token, false
	if n := len(token); n > 3 && (token[n-3:] == "off" || token[n-3:] == "eff") {
		body, tail = token[:n-2], true // Ivanoff → Ivanov
	}
	for i := 0; i < len(body); {
		c := body[i]
		if c < 'a' || c > 'z' {
			us = append(us, unit{code: c})
			i++
			continue
		}
		codes, n := phoneticRule(body, i, us)
		for j := 0; j < len(codes); j++ {
			us = append(us, unit{code: codes[j], letter: true})
		}
		i += n
	}
	if tail {
		us = append(us, unit{code: 'V', letter: true})
	}
	us = dropGlides(us)
	us = collapse(us)
	us = endings(us)
	us = collapse(us)
	out := make([]byte, len(us))
	for i, u := range us {
		out[i] = u.code
	}
	return string(out)
}

// unit is one byte of a key: a code made from letters, or a byte passed through.
type unit struct {
	code   byte
	letter bool
}

func isVowelCode(c byte) bool {
	return c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U'
}

// phoneticRule returns the codes for the letters of s at i and how many bytes they
// take. us holds the codes so far (for h).
func phoneticRule(s string, i int, us []unit) (string, int) {
	at := func(j int) byte {
		if i+j < len(s) {
			return s[i+j]
		}
		return 0
	}
	has := func(p string) bool { return len(s)-i >= len(p) && s[i:i+len(p)] == p }
	switch c := s[i]; c {
	case 'c':
		switch {
		case has("cz"), has("ch"):
			return "X", 2
		case has("ck"):
			return "K", 2
		case at(1) == 'e' || at(1) == 'i' || at(1) == 'y' || at(1) == 'w':
			return "X", 1
		case !isLower(at(1)) && i > 0 && s[i-1] == 'i':
			return "X", 1 // -ić, -ič, -ich: Jovanović, Jovanovich
		}
		return "K", 1
	case 'g':
		switch {
		case has("gh"):
			return "G", 2
		case has("gu") && (at(2) == 'e' || at(2) == 'i' || at(2) == 'y'):
			return "G", 2 // Serguei, Guillaume
		}
		return "G", 1
	case 'h':
		prev := byte(0)
		if n := len(us); n > 0 && us[n-1].letter {
			prev = us[n-1].code
		}
		switch {
		case prev != 0 && !isVowelCode(prev):
			return "", 1 // Rhoda, Olha (after kh, sh, ch it never gets here)
		case prev != 0 && !isLower(at(1)):
			return "", 1 // Sarah
		}
		return "X", 1
	case 'j':
		if has("jou") {
			return "X", 1
		}
		return "I", 1
	case 'k':
		if has("kh") {
			return "X", 2
		}
		return "K", 1
	case 'o':
		if has("ou") {
			return "U", 2
		}
		return "O", 1
	case 'p':
		if has("ph") {
			return "F", 2
		}
		return "P", 1
	case 's':
		switch {
		case has("sch"):
			return "X", 3
		case has("sh"), has("sz"):
			return "X", 2
		}
		return "S", 1
	case 't':
		switch {
		case has("tsch"):
			return "X", 4
		case has("tch"):
			return "X", 3
		case has("ts"), has("tz"):
			return "X", 2
		case has("th"):
			return "T", 2
		}
		return "T", 1
	case 'z':
		if has("zh") {
			return "X", 2
		}
		return "X", 1
	case 'q':
		return "K", 1
	case 'w', 'v':
		return "V", 1
	case 'x':
		return "KS", 1
	case 'y', 'i':
		return "I", 1
	default:
		return upper[c-'a' : c-'a'+1], 1
	}
}

const upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

func isLower(c byte) bool { return 'a' <= c && c <= 'z' }

// dropGlides removes the glide I before E.
func dropGlides(us []unit) []unit {
	out := us[:0]
	for i, u := range us {
		if u.letter && u.code == 'I' && i+1 < len(us) && us[i+1].letter && us[i+1].code == 'E' {
			continue
		}
		out = append(out, u)
	}
	return out
}

// collapse merges repeated codes.
func collapse(us []unit) []unit {
	out := us[:0]
	for _, u := range us {
		if n := len(out); n > 0 && u.letter && out[n-1].letter && out[n-1].code == u.code {
			continue
		}
		out = append(out, u)
	}
	return out
}

// endings folds the Slavic surname endings -ev/-ov and -eva/-ova to one form.
func endings(us []unit) []unit {
	n := len(us)
	suffix := func(k int) bool {
		for _, u := range us[n-k:] {
			if !u.letter {
				return false
			}
		}
		return true
	}
	switch {
	case n >= 3 && suffix(3) && us[n-1].code == 'A' && us[n-2].code == 'V' && us[n-3].code == 'E':
		us[n-3].code = 'O'
	case n >= 2 && suffix(2) && us[n-1].code == 'V' && us[n-2].code == 'E':
		us[n-2].code = 'O'
	}
	return us
}
