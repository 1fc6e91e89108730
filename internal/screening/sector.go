package screening

import (
	"strings"

	"alliance/internal/names"
)

// sectorStems maps the start of a folded word to a sector concept, so that the same
// company half translated ("Öztürk Gıda", "Ozturk Food", "Озтюрк Продукты") gives the
// same token. Stems, not words, because Slavic and Turkic words inflect
// ("текстильная", "tekstilnyi", "tekstilleri"). A stem must be long enough not to
// start ordinary names; short words are listed whole in sectorWords.
var sectorStems = map[string][]string{
	"textile":       {"textil", "tekstil", "tekstyl", "tessil"},
	"garment":       {"garment", "apparel", "bekleidung", "clothing", "konfeksiyon", "giyim", "odezhd", "shvein", "kleidung", "confecti", "odziez", "odiag"},
	"food":          {"food", "gida", "produkt", "prodovol", "pishchev", "kharchov", "lebensmittel", "aliment", "zywnos", "hrana"},
	"agriculture":   {"agri", "agro", "agrar", "tarim", "selkhoz", "silgosp", "rolnic", "rolny", "landwirt", "agricol", "fermer", "zemledel"},
	"construction":  {"construct", "construc", "insaat", "stroi", "stroy", "budivn", "budow", "bauunternehm", "baugesellsch", "gradnj", "graditel"},
	"logistics":     {"logist", "lojistik", "transport", "nakliy", "perevoz", "spedit", "cargo", "kargo", "freight"},
	"trade":         {"trade", "trading", "ticaret", "torgov", "handel", "comert", "commerc", "trgovin", "savdo"},
	"industry":      {"industr", "sanayi", "promyshl", "przemysl", "manufactur", "uretim"},
	"services":      {"service", "servis", "uslug", "hizmet", "dienstleist", "servici", "poslug"},
	"staffing":      {"recruit", "staffing", "personnel", "kadrov", "personal", "recrut", "istihdam", "trudoustr", "employment", "zatrudnien", "rekrut"},
	"mining":        {"mining", "madencilik", "dobych", "bergbau", "minier"},
	"fish":          {"fish", "seafood", "balikcilik", "rybn", "rybo", "fisch", "pescuit"},
	"cotton":        {"cotton", "pamuk", "khlop", "paxta", "bavovn", "bumbac", "baumwoll", "bawelna"},
	"leather":       {"leather", "kozhev", "leder"},
	"furniture":     {"furnitur", "mobilya", "mebel", "mebl", "mobel", "meble", "mobila"},
	"meat":          {"miaso", "miasn", "fleisch", "mieso", "myaso"},
	"dairy":         {"dairy", "moloch", "molok", "milch", "mleczar"},
	"fruit":         {"fruit", "meyve", "frukt", "owoc", "sebze", "vegetab", "ovoshch"},
	"cleaning":      {"cleaning", "temizlik", "uborka", "reinigung", "klining"},
	"security":      {"security", "guvenlik", "okhran", "sicherheit", "ochron"},
	"hospitality":   {"hotel", "otel", "gostinits", "restaurant", "restoran"},
	"energy":        {"energ"},
	"group":         {"holding", "group", "grup", "gruppa", "grupa", "gruppe", "grupo"},
	"international": {"international", "uluslararasi", "mezhdunarod", "internat", "mizhnarod"},
}

// sectorWords are short sector words that are concepts only as whole words.
var sectorWords = map[string]string{
	"bau": "construction", "yapi": "construction", "farm": "agriculture", "ferma": "agriculture",
	"deri": "leather", "skora": "leather", "kozha": "leather", "meat": "meat", "sut": "dairy",
	"balik": "fish", "ryba": "fish", "riba": "fish", "bud": "construction", "prom": "industry", "torg": "trade", "intl": "international",
	"fud": "food", "obst": "fruit", "maden": "mining", "trans": "logistics",
}

// genericConcepts are sectors so broad that they hardly tell two companies apart.
var genericConcepts = map[string]bool{
	"trade": true, "industry": true, "services": true, "group": true, "international": true,
}

// fillerWords are words of organisation names that carry little: conjunctions and
// articles of the region's languages, and words such as "enterprise" or "global".
var fillerWords = map[string]bool{}

func init() {
	for _, w := range []string{
		"the", "of", "enterprise", "enterprises", "предприятие", "підприємство", "przedsiebiorstwo",
		"global", "general", "company", "firm", "unternehmen", "societe",
	} {
		for _, t := range names.Tokens(w) {
			fillerWords[t] = true
		}
	}
}

// conjunctions are "and" in the region's languages, one concept so that a half
// translated name keeps it. Single letters (Russian и, Spanish y) are left out:
// in names they are initials more often than conjunctions.
var conjunctions = map[string]bool{}

func init() {
	for _, w := range []string{"and", "ve", "und", "et", "та", "oraz", "și", "és", "ja", "ir", "un", "dhe", "și"} {
		conjunctions[names.Fold(w)] = true
	}
}

// sectorStemList is sectorStems flattened, longest stem first, for prefix search.
var sectorStemList []struct{ stem, concept string }

func init() {
	for concept, stems := range sectorStems {
		for _, s := range stems {
			sectorStemList = append(sectorStemList, struct{ stem, concept string }{s, concept})
		}
	}
	// Longest first, then alphabetical, so the result does not depend on map order.
	for i := 1; i < len(sectorStemList); i++ {
		for j := i; j > 0 && stemLess(sectorStemList[j], sectorStemList[j-1]); j-- {
			sectorStemList[j], sectorStemList[j-1] = sectorStemList[j-1], sectorStemList[j]
		}
	}
}

func stemLess(a, b struct{ stem, concept string }) bool {
	if len(a.stem) != len(b.stem) {
		return len(a.stem) > len(b.stem)
	}
	return a.stem < b.stem
}

// concept returns the sector concept of a folded word, or "".
func concept(tok string) string {
	if c, ok := sectorWords[tok]; ok {
		return c
	}
	if len(tok) < 4 {
		return ""
	}
	for _, s := range sectorStemList {
		if strings.HasPrefix(tok, s.stem) {
			return s.concept
		}
	}
	return ""
}

// patronymicEndings are the endings of East Slavic patronymics and Turkic "son of"
// and "daughter of" words, which weigh less: a list often has them and a query
// often does not.
var patronymicEndings = []string{"ovich", "evich", "ovna", "evna", "ivna", "ichna", "oglu", "ogly", "uly", "kyzy", "qizi"}

func isPatronymic(tok string) bool {
	for _, e := range patronymicEndings {
		if len(tok) > len(e)+2 && strings.HasSuffix(tok, e) {
			return true
		}
	}
	return false
}
