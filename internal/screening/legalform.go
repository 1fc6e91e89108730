package screening

import (
	"strings"
	"unicode"

	"alliance/internal/names"
)

// LegalClass groups legal forms that mean the same thing in different languages,
// so that "ООО" and "LLC" agree and "A.Ş." and "GmbH" do not.
type LegalClass uint8

// The legal classes. ClassGeneric ("Company", "Co.", "Inc.") agrees with every class.
const (
	ClassNone        LegalClass = iota
	ClassGeneric                // company, corporation, incorporated
	ClassLimited                // limited liability: LLC, Ltd, GmbH, ООО, Sp. z o.o., S.R.L.
	ClassJointStock             // joint-stock: JSC, АО, AG, S.A., A.Ş., PLC
	ClassPartnership            // KG, LP, LLP-style partnerships
	ClassSole                   // sole traders: ИП, ФОП, e.K.
)

// legalForms lists legal forms as written; they are folded with internal/names at
// start-up, so Cyrillic, dotted and spelled-out forms all meet their folded tokens.
var legalForms = map[LegalClass][]string{
	ClassGeneric: {
		"Co.", "Company", "Corp.", "Corporation", "Inc.", "Incorporated", "Cie",
		"Firma", "Şirketi", "Sirketi", "Компания", "Фирма",
	},
	ClassLimited: {
		"LLC", "L.L.C.", "Ltd", "Ltd.", "Limited", "Co., Ltd.", "Company Limited",
		"Limited Liability Company", "Pvt Ltd", "Private Limited", "GmbH",
		"Gesellschaft mit beschränkter Haftung", "GmbH & Co. KG", "UG (haftungsbeschränkt)",
		"S.R.L.", "SRL", "S.r.l.", "Societate cu răspundere limitată", "Società a responsabilità limitata",
		"S.L.", "Sociedad Limitada", "Sociedad de Responsabilidad Limitada", "Ltda", "SARL", "S.à r.l.",
		"Sp. z o.o.", "Spółka z ograniczoną odpowiedzialnością", "s.r.o.", "spol. s r.o.",
		"Ltd. Şti.", "Ltd Sti", "Limited Şirketi", "Limited Şti.", "Kft.", "OOD", "EOOD", "d.o.o.", "DOO",
		"OOO", "ООО", "TOW", "Общество с ограниченной ответственностью", "ТОВ", "TOV",
		"Товариство з обмеженою відповідальністю", "ТОО", "TOO", "LLP",
		"Товарищество с ограниченной ответственностью", "MChJ", "МЧЖ", "MMC", "ШПС", "UAB", "SIA", "OÜ",
		"Sdn Bhd", "TNHH", "Công ty TNHH", "BV", "B.V.", "ApS", "Oy", "ЕООД", "ООД",
	},
	ClassJointStock: {
		"JSC", "Joint Stock Company", "Joint-Stock Company", "OJSC", "CJSC", "PJSC", "PLC",
		"AO", "АО", "ЗАО", "ZAO", "ПАО", "PAO", "ОАО", "OAO", "Акционерное общество",
		"Закрытое акционерное общество", "Открытое акционерное общество", "Публичное акционерное общество",
		"ПрАТ", "ПАТ", "АТ", "Акціонерне товариство", "Приватне акціонерне товариство",
		"AG", "Aktiengesellschaft", "S.A.", "SA", "Sociedad Anónima", "Société anonyme", "Societate pe acțiuni",
		"S.p.A.", "SpA", "Società per azioni", "S.A.S.", "SAS", "A.Ş.", "AŞ", "Anonim Şirketi",
		"Spółka Akcyjna", "a.s.", "AD", "EAD", "АД", "ЕАД", "d.d.", "NV", "N.V.", "Zrt.", "Nyrt.", "ASA", "Tbk",
	},
	ClassPartnership: {
		"KG", "OHG", "LP", "L.P.", "Sp.j.", "Sp.k.", "Spółka jawna", "Spółka komandytowa", "Kollektif Şirketi",
	},
	ClassSole: {
		"ИП", "Индивидуальный предприниматель", "ФОП", "Фізична особа-підприємець", "ЧП", "ПП",
		"Частное предприятие", "Приватне підприємство", "e.K.", "Sole Proprietor",
	},
}

// legalForm is one legal form as folded tokens, with their phonetic keys.
type legalForm struct {
	tokens, phons []string
	class         LegalClass
}

// The legal forms, keyed by their last and by their first token, longest first,
// and, for the fuzzy look-up of misspelt or otherwise transliterated spelled-out
// forms, by the first letter of their first and of their last word ("Towarischtschestwo s ogranitschennoj otwetstwennostju").
var (
	legalByLast = map[string][]legalForm{}
	legalByHead = map[string][]legalForm{}
	legalFirst  = map[byte][]legalForm{} // forms of several words, by first letter of the first
	legalLast   = map[byte][]legalForm{} // ... and of the last word
)

// leadingForms are the forms written before the name: those of the Cyrillic
// languages (and their Latin transliterations, "OOO Romashka"), and any form of
// several words. A short Western form ("AG", "SA", "Co") is looked for only at the
// end, so that "As Salam" or "Co-op Nord" keep their first word.
var leadingForms = map[string]bool{}

func init() {
	for _, forms := range legalForms {
		for _, f := range forms {
			if isCyrillic(f) {
				leadingForms[names.Fold(f)] = true
			}
		}
	}
	for _, f := range []string{"TOW", "Firma", "Cong ty TNHH"} {
		leadingForms[names.Fold(f)] = true
	}
}

func isCyrillic(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Cyrillic, r) {
			return true
		}
	}
	return false
}

func init() {
	for class := ClassGeneric; class <= ClassSole; class++ {
		for _, f := range legalForms[class] {
			toks := names.Tokens(f)
			if len(toks) == 0 {
				continue
			}
			lf := legalForm{tokens: toks, class: class}
			for _, t := range toks {
				lf.phons = append(lf.phons, names.Phonetic(t))
			}
			legalByLast[toks[len(toks)-1]] = insertLongest(legalByLast[toks[len(toks)-1]], lf)
			if len(toks) > 1 || leadingForms[toks[0]] {
				legalByHead[toks[0]] = insertLongest(legalByHead[toks[0]], lf)
			}
			if len(toks) > 1 {
				first, last := toks[0][0], toks[len(toks)-1][0]
				legalFirst[first] = insertLongest(legalFirst[first], lf)
				legalLast[last] = insertLongest(legalLast[last], lf)
			}
		}
	}
}

// stripLegal removes legal forms from the ends of a folded token list, repeatedly
// ("Co., Ltd.", "ООО ... LLC"), and returns what is left, the forms removed and
// the strongest class among them. It never removes the last remaining token: a
// company called "Limited" is still called something.
func stripLegal(toks []string) (rest []string, forms []string, class LegalClass) {
	rest = toks
	for {
		n, c := legalSuffix(rest)
		if n > 0 && n < len(rest) {
			forms = append(forms, strings.Join(rest[len(rest)-n:], " "))
			rest, class = rest[:len(rest)-n], stronger(class, c)
			continue
		}
		n, c = legalPrefix(rest)
		if n > 0 && n < len(rest) && !allSingleLetters(rest[:n]) {
			forms = append(forms, strings.Join(rest[:n], " "))
			rest, class = rest[n:], stronger(class, c)
			continue
		}
		return rest, forms, class
	}
}

func legalSuffix(toks []string) (int, LegalClass) {
	if len(toks) == 0 {
		return 0, ClassNone
	}
	n, class := 0, ClassNone
	for _, lf := range legalByLast[toks[len(toks)-1]] {
		if k := len(lf.tokens); k <= len(toks) && equalTokens(toks[len(toks)-k:], lf.tokens) {
			n, class = k, lf.class
			break
		}
	}
	// A longer form spelled out with a typo beats a shorter exact one
	// ("Limited Liabiliy Company" is not "... Liabiliy" + "Company").
	for _, lf := range legalLast[toks[len(toks)-1][0]] {
		if k := len(lf.tokens); k > n && k <= len(toks) && lf.near(toks[len(toks)-k:]) {
			return k, lf.class
		}
	}
	return n, class
}

func legalPrefix(toks []string) (int, LegalClass) {
	if len(toks) == 0 {
		return 0, ClassNone
	}
	n, class := 0, ClassNone
	for _, lf := range legalByHead[toks[0]] {
		if k := len(lf.tokens); k <= len(toks) && equalTokens(toks[:k], lf.tokens) {
			n, class = k, lf.class
			break
		}
	}
	for _, lf := range legalFirst[toks[0][0]] {
		if k := len(lf.tokens); k > n && k <= len(toks) && lf.near(toks[:k]) {
			return k, lf.class
		}
	}
	return n, class
}

// near reports whether toks spell the legal form out in another transliteration
// or with a typo: each token equal, of the same phonetic key, or one edit away in
// a word of five letters or more. Only forms of several words are matched this
// way; a lone short word must match exactly.
func (lf *legalForm) near(toks []string) bool {
	long := 0
	for i, t := range toks {
		want := lf.tokens[i]
		if len(want) >= 5 {
			long++
		}
		switch {
		case t == want:
		case len(want) >= 5 && abs(len(t)-len(want)) <= 4 && (names.Phonetic(t) == lf.phons[i] || editCredit(t, want) >= 0.85):
		default:
			return false
		}
	}
	return long > 0
}

// allSingleLetters reports forms such as "a s" or "s a", which at the start of a
// name are more likely initials than a legal form.
func allSingleLetters(toks []string) bool {
	for _, t := range toks {
		if len(t) > 1 {
			return false
		}
	}
	return true
}

func equalTokens(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// stronger keeps the specific class over the generic one.
func stronger(a, b LegalClass) LegalClass {
	if a == ClassNone || a == ClassGeneric {
		return b
	}
	return a
}

// legalAgree reports whether two classes are known and agree (1), conflict (-1) or
// one of them is unknown or generic (0).
func legalAgree(a, b LegalClass) int {
	switch {
	case a == ClassNone || b == ClassNone || a == ClassGeneric || b == ClassGeneric:
		return 0
	case a == b:
		return 1
	}
	return -1
}

// insertLongest adds lf to list unless it is there, keeping the longest forms first.
func insertLongest(list []legalForm, lf legalForm) []legalForm {
	for _, o := range list {
		if equalTokens(o.tokens, lf.tokens) {
			return list
		}
	}
	list = append(list, lf)
	for i := len(list) - 1; i > 0 && len(list[i].tokens) > len(list[i-1].tokens); i-- {
		list[i], list[i-1] = list[i-1], list[i]
	}
	return list
}
