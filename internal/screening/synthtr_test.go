package screening

import (
	"strings"
	"unicode"

	"alliance/internal/names"
)

func foldOne(s string) string { return names.Fold(s) }
func phon(s string) string    { return names.Phonetic(s) }

// Transliteration schemes other than the one internal/names uses, as names
// actually arrive: 1 English (BGN-like; Ukrainian by the national passport rules),
// 2 German, 3 Polish.
var cyrSchemes = [4]map[rune]string{
	1: {'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "yo", 'ж': "zh", 'з': "z", 'и': "i", 'й': "y",
		'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f",
		'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya",
		'і': "i", 'ї': "yi", 'є': "ye", 'ґ': "g", 'қ': "q", 'ә': "a", 'ұ': "u", 'ү': "u", 'ң': "ng", 'ө': "o", 'ғ': "gh", 'һ': "h"},
	2: {'а': "a", 'б': "b", 'в': "w", 'г': "g", 'д': "d", 'е': "e", 'ё': "jo", 'ж': "sch", 'з': "s", 'и': "i", 'й': "j",
		'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f",
		'х': "ch", 'ц': "z", 'ч': "tsch", 'ш': "sch", 'щ': "schtsch", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "ju", 'я': "ja",
		'і': "i", 'ї': "ji", 'є': "je", 'ґ': "g", 'қ': "k", 'ә': "ä", 'ұ': "u", 'ү': "ü", 'ң': "ng", 'ө': "ö", 'ғ': "gh", 'һ': "h"},
	3: {'а': "a", 'б': "b", 'в': "w", 'г': "g", 'д': "d", 'е': "e", 'ё': "io", 'ж': "ż", 'з': "z", 'и': "i", 'й': "j",
		'к': "k", 'л': "ł", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f",
		'х': "ch", 'ц': "c", 'ч': "cz", 'ш': "sz", 'щ': "szcz", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "ju", 'я': "ja",
		'і': "i", 'ї': "ji", 'є': "je", 'ґ': "g", 'қ': "k", 'ә': "a", 'ұ': "u", 'ү': "u", 'ң': "ng", 'ө': "o", 'ғ': "gh", 'һ': "h"},
}

// translitCyr writes Cyrillic in Latin letters by scheme; Ukrainian г and и follow
// the national rules (h, y) in the English scheme.
func translitCyr(s string, scheme int, uk bool) string {
	var b strings.Builder
	for _, r := range s {
		lr := unicode.ToLower(r)
		out, ok := cyrSchemes[scheme][lr]
		if uk && scheme == 1 {
			switch lr {
			case 'г':
				out, ok = "h", true
			case 'и':
				out, ok = "y", true
			}
		}
		if !ok {
			b.WriteRune(r)
			continue
		}
		b.WriteString(capLike(r, out))
	}
	return b.String()
}

// latinDigraphs are read before single letters, by language.
var latinDigraphs = map[string][]struct{ from, to string }{
	"de": {{"sch", "ш"}, {"ch", "х"}, {"ei", "ай"}, {"eu", "ой"}, {"ck", "к"}, {"ie", "и"}},
	"pl": {{"szcz", "щ"}, {"sz", "ш"}, {"cz", "ч"}, {"ch", "х"}, {"rz", "ж"}, {"ie", "е"}},
	"ro": {{"che", "ке"}, {"chi", "ки"}, {"ce", "че"}, {"ci", "чи"}, {"ge", "дже"}, {"gi", "джи"}, {"gh", "г"}},
	"tr": {},
	"":   {{"sh", "ш"}, {"ch", "ч"}, {"zh", "ж"}, {"kh", "х"}, {"ts", "ц"}, {"ph", "ф"}, {"th", "т"}, {"ck", "к"}, {"ee", "и"}, {"oo", "у"}},
}

// latinSingle are the letters by language where they differ from latinToCyrDefault.
var latinSingle = map[string]map[rune]string{
	"de": {'j': "й", 'z': "ц", 'w': "в", 'v': "ф", 'c': "к"},
	"pl": {'c': "ц", 'w': "в", 'j': "й", 'y': "ы"},
	"ro": {'c': "к", 'j': "ж", 'ă': "э", 'â': "ы", 'î': "ы"},
	"tr": {'c': "дж", 'j': "ж", 'ı': "ы", 'ğ': "г"},
	"":   {'c': "к", 'j': "дж", 'x': "кс", 'q': "к"},
}

// latinToCyr writes a Latin name in Cyrillic letters the way a Russian speaker
// would for the language (lang: de, pl, ro, tr; others read as English), digraphs
// first.
func latinToCyr(s, lang string) string {
	digraphs, ok := latinDigraphs[lang]
	if !ok {
		lang = ""
		digraphs = latinDigraphs[""]
	}
	single := map[rune]string{'a': "а", 'b': "б", 'c': "ц", 'ç': "ч", 'd': "д", 'e': "е", 'f': "ф", 'g': "г", 'ğ': "", 'h': "х",
		'ı': "ы", 'i': "и", 'j': "ж", 'k': "к", 'l': "л", 'ł': "л", 'm': "м", 'n': "н", 'o': "о", 'ö': "ё", 'p': "п", 'q': "к",
		'r': "р", 's': "с", 'ş': "ш", 'ș': "ш", 't': "т", 'ț': "ц", 'u': "у", 'ü': "ю", 'v': "в", 'w': "в", 'x': "кс", 'y': "й",
		'z': "з", 'ż': "ж", 'ź': "з", 'ą': "он", 'ę': "ен", 'ó': "о", 'ś': "с", 'ć': "ч", 'ń': "н", 'ă': "э", 'â': "ы", 'î': "ы", 'ä': "е"}
	for r, out := range latinSingle[lang] {
		single[r] = out
	}
	var b strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); {
		low := strings.ToLower(string(rs[i:min(i+3, len(rs))]))
		done := false
		for _, d := range digraphs {
			if strings.HasPrefix(low, d.from) {
				b.WriteString(capLike(rs[i], d.to))
				i += len([]rune(d.from))
				done = true
				break
			}
		}
		if done {
			continue
		}
		if out, ok := single[unicode.ToLower(rs[i])]; ok {
			b.WriteString(capLike(rs[i], out))
		} else {
			b.WriteRune(rs[i])
		}
		i++
	}
	return b.String()
}

func capLike(r rune, s string) string {
	if s == "" || !unicode.IsUpper(r) {
		return s
	}
	rs := []rune(s)
	rs[0] = unicode.ToUpper(rs[0])
	return string(rs)
}

var plainLetters = map[rune]string{'ş': "s", 'ç': "c", 'ğ': "g", 'ı': "i", 'İ': "I", 'ö': "o", 'ü': "u", 'ł': "l", 'ż': "z",
	'ź': "z", 'ą': "a", 'ę': "e", 'ó': "o", 'ś': "s", 'ć': "c", 'ń': "n", 'ă': "a", 'â': "a", 'î': "i", 'ș': "s", 'ț': "t",
	'ä': "ae", 'ß': "ss", 'Ş': "S", 'Ç': "C", 'Ö': "O", 'Ü': "U", 'Ł': "L", 'Ż': "Z", 'Ś': "S", 'Ș': "S", 'Ț': "T", 'Ä': "Ae"}

// stripDiacritics writes a name as a keyboard without the letters would: ş s,
// ł l, ä ae.
func stripDiacritics(s string) string {
	var b strings.Builder
	for _, r := range s {
		if out, ok := plainLetters[r]; ok {
			b.WriteString(out)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}
