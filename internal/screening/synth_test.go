package screening

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// This file generates the synthetic multilingual test set: invented companies and
// people of the OSCE region and of supply-chain countries, the ways they are
// written when they reach an analyst (another script or transliteration, the legal
// form dropped, changed or spelled out, typos, another word order, lost
// diacritics, half translations) and hard negatives that share words with them.
// Every name is assembled from syllables: none is a real person or company.

// synthLang is one language of the test set.
type synthLang struct {
	code, country string
	cyr           bool // written in Cyrillic
	roots, mids   []string
	wordEnds      []string // endings of distinctive words of companies
	famEnds       []string // endings of family names
	given         []string
	patr          []string // patronymic endings (masculine), if the language has them
	sectors       map[string]string
	legal         []synthLegal
}

// synthLegal is a legal form: as usually abbreviated, spelled out, its class, and
// whether it stands before the name.
type synthLegal struct {
	short, long string
	class       string
	prefix      bool
}

var englishSectors = map[string]string{
	"textile": "Textile", "food": "Food", "agriculture": "Agro", "construction": "Construction",
	"logistics": "Logistics", "garment": "Garments", "furniture": "Furniture", "fish": "Seafood",
	"staffing": "Recruitment", "cotton": "Cotton",
}

var englishLegal = map[string]synthLegal{
	"limited": {"LLC", "Limited Liability Company", "limited", false},
	"jsc":     {"JSC", "Joint Stock Company", "jsc", false},
}

var cyrRoots = []string{"Бел", "Вор", "Крав", "Зар", "Мил", "Дуб", "Сос", "Лип", "Гор", "Сем", "Тим", "Кур", "Пол", "Стар",
	"Ясн", "Бор", "Вес", "Глин", "Мур", "Жук", "Руд", "Ков", "Шев", "Ткач", "Греч", "Хол", "Цвет", "Щер", "Юр", "Лыс"}
var cyrMids = []string{"ал", "ен", "ин", "ор", "ущ", "ар", "ан", "ет", "ов", "уж"}

var synthLangs = []*synthLang{
	{code: "ru", country: "RU", cyr: true, roots: cyrRoots, mids: cyrMids,
		wordEnds: []string{"ский", "ка", "ово", "ино", "ец", "ица", "ье", "град"}, famEnds: []string{"ов", "ев", "ин", "ский"},
		given: []string{"Иван", "Сергей", "Алексей", "Дмитрий", "Николай", "Ольга", "Татьяна", "Наталья", "Елена", "Юрий", "Виктор", "Андрей", "Светлана", "Михаил"},
		patr:  []string{"ович", "евич"},
		sectors: map[string]string{"textile": "Текстиль", "food": "Продукты", "agriculture": "Агро", "construction": "Строй",
			"logistics": "Логистика", "garment": "Одежда", "furniture": "Мебель", "fish": "Рыба", "staffing": "Персонал", "cotton": "Хлопок"},
		legal: []synthLegal{{"ООО", "Общество с ограниченной ответственностью", "limited", true}, {"АО", "Акционерное общество", "jsc", true}}},
	{code: "uk", country: "UA", cyr: true, roots: cyrRoots, mids: cyrMids,
		wordEnds: []string{"ський", "ка", "ове", "ине", "буд", "ець"}, famEnds: []string{"енко", "чук", "ук", "ський", "ишин"},
		given: []string{"Олег", "Тарас", "Богдан", "Оксана", "Олена", "Василь", "Петро", "Ірина", "Мирослав", "Галина"},
		patr:  []string{"ович"},
		sectors: map[string]string{"textile": "Текстиль", "food": "Продукти", "agriculture": "Агро", "construction": "Будівництво",
			"logistics": "Логістика", "garment": "Одяг", "furniture": "Меблі", "fish": "Риба", "staffing": "Персонал", "cotton": "Бавовна"},
		legal: []synthLegal{{"ТОВ", "Товариство з обмеженою відповідальністю", "limited", true}, {"ПрАТ", "Приватне акціонерне товариство", "jsc", true}}},
	{code: "kz", country: "KZ", cyr: true, roots: []string{"Жар", "Ақ", "Сар", "Қара", "Алт", "Бай", "Ерк", "Нұр", "Тас", "Кен", "Жан", "Ор"},
		mids: []string{"ум", "ай", "ын", "ет", "ал", "ас", "ен"}, wordEnds: []string{"бай", "тау", "су", "кент", "дала", "бұлақ"},
		famEnds: []string{"баев", "ов", "ұлы", "ев"},
		given:   []string{"Нурлан", "Ерлан", "Айгуль", "Данияр", "Асель", "Серик", "Гульнара", "Бахыт"},
		sectors: map[string]string{"textile": "Текстиль", "food": "Продукты", "agriculture": "Агро", "construction": "Строй",
			"logistics": "Логистика", "garment": "Одежда", "furniture": "Мебель", "fish": "Рыба", "staffing": "Персонал", "cotton": "Хлопок"},
		legal: []synthLegal{{"ТОО", "Товарищество с ограниченной ответственностью", "limited", true}, {"АО", "Акционерное общество", "jsc", true}}},
	{code: "tr", country: "TR", roots: []string{"Öz", "Kara", "Yıl", "Ak", "Demir", "Çel", "Şa", "Gül", "Er", "Ay", "Bal", "Tun", "Kuz", "Ağ", "Sar"},
		mids: []string{"tür", "dağ", "kay", "han", "soy", "can", "er", "lı", "ça", "ğı"}, wordEnds: []string{"türk", "dağ", "kaya", "han", "soy", "can", "ler", "lı"},
		famEnds: []string{"oğlu", "er", "kaya", "türk", "soy", "çı"},
		given:   []string{"Mehmet", "Ahmet", "Ayşe", "Fatma", "Mustafa", "Emine", "Hüseyin", "Zeynep", "Selim", "Gülşen"},
		sectors: map[string]string{"textile": "Tekstil", "food": "Gıda", "agriculture": "Tarım", "construction": "İnşaat",
			"logistics": "Lojistik", "garment": "Konfeksiyon", "furniture": "Mobilya", "fish": "Balıkçılık", "staffing": "İstihdam", "cotton": "Pamuk"},
		legal: []synthLegal{{"A.Ş.", "Anonim Şirketi", "jsc", false}, {"Ltd. Şti.", "Limited Şirketi", "limited", false}}},
	{code: "pl", country: "PL", roots: []string{"Prze", "Wol", "Szcz", "Kro", "Grab", "Ży", "Łęg", "Wierz", "Bor", "Chmiel", "Dąb", "Mał", "Rzecz", "Ślu"},
		mids: []string{"ew", "ol", "ar", "ęb", "on", "usz", "ór", "ic"}, wordEnds: []string{"ski", "owa", "ewo", "nik", "pol", "ówka", "mar"},
		famEnds: []string{"ski", "czyk", "owicz", "ak", "ewski"},
		given:   []string{"Krzysztof", "Agnieszka", "Małgorzata", "Piotr", "Tomasz", "Katarzyna", "Paweł", "Łukasz"},
		sectors: map[string]string{"textile": "Tekstylia", "food": "Żywność", "agriculture": "Rolnictwo", "construction": "Budownictwo",
			"logistics": "Logistyka", "garment": "Odzież", "furniture": "Meble", "fish": "Rybołówstwo", "staffing": "Rekrutacja", "cotton": "Bawełna"},
		legal: []synthLegal{{"Sp. z o.o.", "Spółka z ograniczoną odpowiedzialnością", "limited", false}, {"S.A.", "Spółka Akcyjna", "jsc", false}}},
	{code: "ro", country: "RO", roots: []string{"Dru", "Mă", "Ci", "Vâl", "Ște", "Pă", "Târ", "Bră", "Gheo", "Lun", "Cor", "Fă"},
		mids: []string{"mel", "ra", "ob", "ni", "cu", "ța", "șo", "ve"}, wordEnds: []string{"lo", "rescu", "ani", "ceni", "ovia", "mar", "ești"},
		famEnds: []string{"escu", "eanu", "aru", "ache"},
		given:   []string{"Ion", "Vasile", "Maria", "Elena", "Gheorghe", "Ioana", "Mihai", "Andreea"},
		sectors: map[string]string{"textile": "Textile", "food": "Alimente", "agriculture": "Agricol", "construction": "Construcții",
			"logistics": "Logistică", "garment": "Confecții", "furniture": "Mobilă", "fish": "Pescuit", "staffing": "Recrutare", "cotton": "Bumbac"},
		legal: []synthLegal{{"S.R.L.", "Societate cu răspundere limitată", "limited", false}, {"S.A.", "Societate pe acțiuni", "jsc", false}}},
	{code: "de", country: "DE", roots: []string{"Hen", "Brück", "Stein", "Wald", "Fels", "Mühl", "Kreu", "Lind", "Grün", "Schwar", "Eich", "Hal"},
		mids: []string{"vol", "ber", "ter", "sen", "del", "ma"}, wordEnds: []string{"volt", "berg", "hof", "feld", "au", "bach", "stedt"},
		famEnds: []string{"mann", "er", "berg", "inger", "hardt"},
		given:   []string{"Jürgen", "Klaus", "Sabine", "Anja", "Matthias", "Jörg", "Ute", "Stefan"},
		sectors: map[string]string{"textile": "Textil", "food": "Lebensmittel", "agriculture": "Agrar", "construction": "Bau",
			"logistics": "Logistik", "garment": "Bekleidung", "furniture": "Möbel", "fish": "Fisch", "staffing": "Personal", "cotton": "Baumwolle"},
		legal: []synthLegal{{"GmbH", "Gesellschaft mit beschränkter Haftung", "limited", false}, {"AG", "Aktiengesellschaft", "jsc", false}}},
	{code: "bd", country: "BD", roots: []string{"Sol", "Quen", "Mar", "Nor", "Dal", "Ash", "Ren", "Tav", "Bel", "Ruh", "Sab", "Kir"},
		mids: []string{"va", "ri", "lo", "en", "ta", "mi"}, wordEnds: []string{"varni", "mar", "vessa", "ford", "ley", "tex", "ika", "pur"},
		famEnds: []string{"uddin", "ullah", "al", "ur"},
		given:   []string{"Mohammad", "Abdul", "Rahima", "Nasrin", "Karim", "Rafiq", "Shirin", "Hasan"},
		sectors: englishSectors,
		legal:   []synthLegal{{"Pvt Ltd", "Private Limited", "limited", false}, {"PLC", "Public Limited Company", "jsc", false}}},
	{code: "vn", country: "VN", roots: []string{"Hua", "Xin", "Tian", "Hong", "Mei", "Bao", "Phu", "Thanh", "Lian", "Kai", "Zhen", "Quan"},
		mids: []string{"long", "da", "sheng", "an", "li", "hai"}, wordEnds: []string{"long", "feng", "xing", "tai", "yuan", "hua"},
		sectors: englishSectors,
		legal:   []synthLegal{{"Co., Ltd.", "Company Limited", "limited", false}, {"JSC", "Joint Stock Company", "jsc", false}}},
}

// synthEnt is one invented listed entity, kept in parts so that variants can be
// written from it.
type synthEnt struct {
	id       string
	lang     *synthLang
	person   bool
	distinct []string // distinctive words of a company
	sector   string   // concept, or ""
	legal    int      // index into lang.legal, or -1
	given    string
	family   string
	patr     string
}

type gen struct{ r *rand.Rand }

func newGen(seed uint64) *gen { return &gen{rand.New(rand.NewPCG(seed, 0x5eed))} }

func (g *gen) pick(list []string) string { return list[g.r.IntN(len(list))] }

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// word makes a distinctive word or a family-name root of lang.
func (g *gen) word(l *synthLang, ends []string) string {
	w := g.pick(l.roots)
	if g.chance(0.7) {
		w += g.pick(l.mids)
	}
	return w + g.pick(ends)
}

var sectorConcepts = []string{"textile", "food", "agriculture", "construction", "logistics", "garment", "furniture", "fish", "staffing", "cotton"}

func (g *gen) entity(id string) *synthEnt {
	l := synthLangs[g.r.IntN(len(synthLangs))]
	e := &synthEnt{id: id, lang: l, legal: -1}
	if l.famEnds != nil && g.chance(0.35) {
		e.person = true
		e.given = g.pick(l.given)
		e.family = g.word(l, l.famEnds)
		if l.patr != nil && g.chance(0.6) {
			e.patr = strings.TrimSuffix(strings.TrimSuffix(g.pick(l.given), "й"), "ь") + g.pick(l.patr)
		}
		return e
	}
	e.distinct = []string{g.word(l, l.wordEnds)}
	if w := g.word(l, l.wordEnds); g.chance(0.3) && w != e.distinct[0] {
		e.distinct = append(e.distinct, w)
	}
	if g.chance(0.85) {
		e.sector = g.pick(sectorConcepts)
	}
	if g.chance(0.9) {
		e.legal = g.r.IntN(len(l.legal))
	}
	return e
}

// style says how to write an entity.
type style struct {
	latin     int    // Cyrillic entity: 0 as is, else a transliteration scheme (1..3)
	cyrillic  bool   // Latin entity written in Cyrillic
	legal     string // "", "drop", "long", "english", "englishLong", "other"
	english   bool   // sector word in English (half translated)
	swap      bool   // another word order
	initial   bool   // given name as an initial
	dropPatr  bool
	legalLast bool // legal form after the name even where it usually comes first
}

func (e *synthEnt) write(s style) string {
	conv := func(w string) string {
		switch {
		case e.lang.cyr && s.latin > 0:
			return translitCyr(w, s.latin, e.lang.code == "uk")
		case !e.lang.cyr && s.cyrillic:
			return latinToCyr(w, e.lang.code)
		}
		return w
	}
	if e.person {
		return e.writePerson(s, conv)
	}
	words := make([]string, 0, 4)
	for _, d := range e.distinct {
		words = append(words, conv(d))
	}
	if e.sector != "" {
		if s.english {
			words = append(words, englishSectors[e.sector])
		} else {
			words = append(words, conv(e.lang.sectors[e.sector]))
		}
	}
	if s.swap {
		words[0], words[len(words)-1] = words[len(words)-1], words[0]
	}
	name := strings.Join(words, " ")
	lconv := conv
	if !e.lang.cyr {
		lconv = func(w string) string { return w } // Latin legal forms stay Latin
	}
	lf, prefix := e.legalForm(s, lconv)
	switch {
	case lf == "":
		return name
	case prefix && !s.legalLast:
		if e.lang.cyr && s.latin == 0 {
			return lf + " «" + name + "»"
		}
		return lf + " " + name
	}
	return name + " " + lf
}

func (e *synthEnt) legalForm(s style, conv func(string) string) (string, bool) {
	if e.legal < 0 || s.legal == "drop" {
		return "", false
	}
	l := e.lang.legal[e.legal]
	switch s.legal {
	case "long":
		return conv(l.long), l.prefix
	case "english":
		return englishLegal[l.class].short, false
	case "englishLong":
		return englishLegal[l.class].long, false
	case "other":
		o := e.lang.legal[(e.legal+1)%len(e.lang.legal)]
		return conv(o.short), o.prefix
	}
	return conv(l.short), l.prefix
}

func (e *synthEnt) writePerson(s style, conv func(string) string) string {
	given := conv(e.given)
	if s.initial {
		given = string([]rune(given)[:1]) + "."
	}
	parts := []string{conv(e.family), given}
	if e.patr != "" && !s.dropPatr {
		parts = append(parts, conv(e.patr))
	}
	if s.swap {
		parts[0], parts[1] = parts[1], parts[0]
	}
	return strings.Join(parts, " ")
}

// listed returns the entity as a list entry: its native name and, for some, an
// alias in Latin letters with an English legal form.
func (e *synthEnt) listed(g *gen) Entity {
	ent := Entity{ID: e.id, Name: e.write(style{}), Countries: []string{strings.ToLower(e.lang.country)}, Type: TypeCompany}
	if e.person {
		ent.Type = TypePerson
	}
	if e.lang.cyr && g.chance(0.4) {
		ent.Aliases = []string{e.write(style{latin: 1, legal: "english"})}
	}
	return ent
}

// variant writes the entity as a query might: one to three changes at random.
func (g *gen) variant(e *synthEnt) string {
	var s style
	var post []func(string) string
	for n := 1 + g.r.IntN(3); n > 0; n-- {
		switch g.r.IntN(8) {
		case 0, 1:
			if e.lang.cyr {
				s.latin = 1 + g.r.IntN(3)
			} else {
				s.cyrillic = g.chance(0.5)
			}
		case 2:
			s.legal = g.pick([]string{"drop", "long", "english", "englishLong", "other"})
			s.legalLast = g.chance(0.5)
		case 3:
			s.english = true
		case 4:
			s.swap = true
		case 5:
			post = append(post, g.typo)
		case 6:
			post = append(post, stripDiacritics)
		case 7:
			s.initial, s.dropPatr = g.chance(0.5), true
		}
	}
	out := e.write(s)
	for _, f := range post {
		out = f(out)
	}
	if g.chance(0.2) {
		out = strings.ToUpper(out)
	}
	return out
}

// negative writes a different entity that shares words with e: a company with one
// distinctive word replaced (by one that starts alike when there is only one), or
// a person of the same given name whose family name shares its root or its ending.
func (g *gen) negative(e *synthEnt) *synthEnt {
	n := *e
	n.id = e.id + "-neg"
	if e.person {
		n.family = g.similarFamily(e)
		if g.chance(0.3) {
			n.patr = ""
		}
		return &n
	}
	n.distinct = append([]string(nil), e.distinct...)
	i := g.r.IntN(len(n.distinct))
	old := n.distinct[i]
	for tries := 0; tries < 50 && (n.distinct[i] == old || tooClose(n.distinct[i], old)); tries++ {
		if len(e.distinct) == 1 {
			n.distinct[i] = firstRoot(e.lang, old) + g.pick(e.lang.mids) + g.pick(e.lang.wordEnds)
		} else {
			n.distinct[i] = g.word(e.lang, e.lang.wordEnds)
		}
	}
	return &n
}

func (g *gen) similarFamily(e *synthEnt) string {
	l := e.lang
	for tries := 0; ; tries++ {
		var f string
		if g.chance(0.5) {
			f = firstRoot(l, e.family) + g.pick(l.mids) + g.pick(l.famEnds) // same root
		} else {
			f = g.word(l, []string{lastEnd(l, e.family)}) // same ending
		}
		if f != e.family && (!tooClose(f, e.family) || tries > 50) {
			return f
		}
	}
}

func firstRoot(l *synthLang, w string) string {
	for _, r := range l.roots {
		if strings.HasPrefix(w, r) {
			return r
		}
	}
	return string([]rune(w)[:2])
}

func lastEnd(l *synthLang, w string) string {
	for _, e := range l.famEnds {
		if strings.HasSuffix(w, e) {
			return e
		}
	}
	return ""
}

// tooClose reports words within a typo of each other: such a "negative" could not
// be told from a misspelt positive by anyone, so it is not used.
// Within a typo means: the same phonetic key, one edit in a word of up to seven
// letters or two in a longer one (optimal string alignment, on the folded words).
func tooClose(a, b string) bool {
	fa, fb := foldOne(a), foldOne(b)
	if phon(fa) == phon(fb) {
		return true
	}
	d := osa(fa, fb, 3)
	return d <= 1 || d <= 2 && max(len(fa), len(fb)) >= 8
}

func (g *gen) typo(s string) string {
	words := strings.Fields(s)
	var long []int
	for i, w := range words {
		if len([]rune(w)) >= 5 {
			long = append(long, i)
		}
	}
	if len(long) == 0 {
		return s
	}
	i := long[g.r.IntN(len(long))]
	rs := []rune(words[i])
	p := 1 + g.r.IntN(len(rs)-2)
	switch g.r.IntN(4) {
	case 0: // substitution by the neighbouring letter
		rs[p] = rs[p+1]
	case 1:
		rs = append(rs[:p], rs[p+1:]...)
	case 2:
		rs = append(rs[:p], append([]rune{rs[p]}, rs[p:]...)...)
	default:
		rs[p], rs[p+1] = rs[p+1], rs[p]
	}
	words[i] = string(rs)
	return strings.Join(words, " ")
}

func (e *synthEnt) String() string { return fmt.Sprintf("%s %s", e.id, e.write(style{})) }

// keywords returns the words that tell the entity apart: a company's distinctive
// words, a person's family name.
func (e *synthEnt) keywords() []string {
	if e.person {
		return []string{e.family}
	}
	return e.distinct
}
