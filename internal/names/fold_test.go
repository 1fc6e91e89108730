package names

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// alphabets lists the letters of each language and what each letter alone folds to
// ("-" for a letter that is dropped). Letters read from context appear in a short
// word that shows the reading (ъл, аў).
var alphabets = []struct{ name, letters, want string }{
	{"Russian",
		"а б в г д е ё ж з и й к л м н о п р с т у ф х ц ч ш щ ъ ы ь э ю я",
		"a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch - y - e iu ia"},
	{"Ukrainian",
		"а б в г ґ д е є ж з и і ї й к л м н о п р с т у ф х ц ч ш щ ь ю я",
		"a b v g g d e ie zh z i i i i k l m n o p r s t u f kh ts ch sh shch - iu ia"},
	{"Belarusian",
		"а б в г д е ё ж з і й к л м н о п р с т у аў ф х ц ч ш ы ь э ю я",
		"a b v g d e e zh z i i k l m n o p r s t u au f kh ts ch sh y - e iu ia"},
	{"Bulgarian",
		"а б в г д е ж з и й к л м н о п р с т у ф х ц ч ш щ ъл ь ю я",
		"a b v g d e zh z i i k l m n o p r s t u f kh ts ch sh shch al - iu ia"},
	{"Serbian",
		"а б в г д ђ е ж з и ј к л љ м н њ о п р с т ћ у ф х ц ч џ ш",
		"a b v g d d e zh z i j k l lj m n nj o p r s t c u f kh ts ch dz sh"},
	{"Macedonian",
		"а б в г д ѓ е ж з ѕ и ј к л љ м н њ о п р с т ќ у ф х ц ч џ ш",
		"a b v g d gj e zh z dz i j k l lj m n nj o p r s t kj u f kh ts ch dz sh"},
	{"Kazakh",
		"а ә б в г ғ д е ё ж з и й к қ л м н ң о ө п р с т у ұ ү ф х һ ц ч ш щ ъ ы і ь э ю я",
		"a a b v g gh d e e zh z i i k q l m n ng o o p r s t u u u f kh h ts ch sh shch - y i - e iu ia"},
	{"Kyrgyz",
		"а б в г д е ё ж з и й к л м н ң о ө п р с т у ү ф х ц ч ш щ ъ ы ь э ю я",
		"a b v g d e e zh z i i k l m n ng o o p r s t u u f kh ts ch sh shch - y - e iu ia"},
	{"Tajik",
		"а б в г ғ д е ё ж з и ӣ й к қ л м н о п р с т у ӯ ф х ҳ ч ҷ ш ъ э ю я",
		"a b v g gh d e e zh z i i i k q l m n o p r s t u u f kh h ch j sh - e iu ia"},
	{"Uzbek Cyrillic",
		"а б в г д е ё ж з и й к л м н о п р с т у ф х ц ч ш ъ ь э ю я ў қ ғ ҳ",
		"a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh - - e iu ia o q gh h"},
	{"Greek",
		"α β γ δ ε ζ η θ ι κ λ μ ν ξ ο π ρ σ ς τ υ φ χ ψ ω ά έ ή ί ό ύ ώ ϊ ϋ ΐ ΰ",
		"a v g d e z i th i k l m n x o p r s s t y f ch ps o a e i i o y o i y i y"},
	{"Greek digraphs",
		"ου αυ αυγ ευθ ηυ γγ γξ γχ γκ αϋ",
		"ou af avg efth if ng nx nch gk ay"},
	{"Georgian",
		"ა ბ გ დ ე ვ ზ თ ი კ ლ მ ნ ო პ ჟ რ ს ტ უ ფ ქ ღ ყ შ ჩ ც ძ წ ჭ ხ ჯ ჰ",
		"a b g d e v z t i k l m n o p zh r s t u p k gh q sh ch ts dz ts ch kh j h"},
	{"Armenian",
		"ա բ գ դ ե զ է ը թ ժ ի լ խ ծ կ հ ձ ղ ճ մ յ ն շ ո չ պ ջ ռ ս վ տ ր ց ւ փ ք օ ֆ ու և",
		"a b g d ye z e y t zh i l kh ts k h dz gh ch m y n sh vo ch p j r s v t r ts v p k o f u yev"},
	{"Latin without decomposition",
		"ı İ ł Ł ß ẞ đ Đ ø Ø æ Æ œ Œ þ Þ ð Ð ħ Ħ ŀ Ŀ ŧ Ŧ ĸ ŉ ə Ə ŋ ĳ",
		"i i l l ss ss d d o o ae ae oe oe th th d d h h l l t t k n a a ng ij"},
}

func TestFoldAlphabets(t *testing.T) {
	for _, a := range alphabets {
		letters, want := strings.Fields(a.letters), strings.Fields(a.want)
		if len(letters) != len(want) {
			t.Fatalf("%s: %d letters but %d expectations", a.name, len(letters), len(want))
		}
		for i, l := range letters {
			w := strings.TrimPrefix(want[i], "-")
			for _, in := range []string{l, strings.ToUpper(l)} {
				if got := Fold(in); got != w {
					t.Errorf("%s: Fold(%q) = %q, want %q", a.name, in, got, w)
				}
			}
		}
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		// Diacritics and letters without a decomposition.
		{"Łukasz Żółć", "lukasz zolc"},
		{"Đặng Thị Ngọc Thịnh", "dang thi ngoc thinh"},
		{"Søren Ærø Œuvre", "soren aero oeuvre"},
		{"Þórður Guðmundsson", "thordur gudmundsson"},
		{"Straße", "strasse"},
		{"İsmail Işık", "ismail isik"},
		{"Çağlar Gül", "caglar gul"},
		{"Məmmədov", "mammadov"},
		{"Ǆemal Ǉubo", "dzemal ljubo"},
		{"Ħal Għaxaq", "hal ghaxaq"},
		{"Col·lecció", "colleccio"},
		{"Ŀuís", "luis"},
		// Apostrophes are dropped, other punctuation separates words.
		{"O'Brien", "obrien"},
		{"O’Brien", "obrien"},
		{"O‘Brien", "obrien"},
		{"OʼBrien", "obrien"},
		{"OʻBrien", "obrien"},
		{"O`Brien", "obrien"},
		{"O´Brien", "obrien"},
		{"Gʻulom Oʻzbek", "gulom ozbek"},
		{"Ngũgĩ wa Thiong’o", "ngugi wa thiongo"},
		{"Jean-Pierre  de\tla   Croix", "jean pierre de la croix"},
		{"Smith & Sons, Ltd.", "smith sons ltd"},
		{"J.R.R. Tolkien", "j r r tolkien"},
		{"  \t Anna\n ", "anna"},
		{"Anna\u00ADMaria\u200B", "annamaria"},
		{"", ""},
		{"—", ""},
		// NFKC.
		{"Ｍａｒｉａ", "maria"},
		{"ﬁlip", "filip"},
		{"Ⅻ", "xii"},
		// Transliterated names.
		{"Шевченко Тарас Григорович", "shevchenko taras grigorovich"},
		{"Хрущёв", "khrushchev"},
		{"Цветаева Марина", "tsvetaeva marina"},
		{"Ђоковић Đoković", "dokovic dokovic"},
		{"Вучић Vučić", "vuchic vucic"},
		{"Бъчваров Търново", "bachvarov tarnovo"},
		{"Подъячев", "podiachev"},
		{"Тўхтаев", "tokhtaev"},
		{"Шаўчэнка", "shauchenka"},
		{"Γεώργιος Παπαδόπουλος", "georgios papadopoulos"},
		{"ΕΥΑΓΓΕΛΟΣ", "evangelos"},
		{"Αύγουστος Ευστάθιος Παύλος", "avgoustos efstathios pavlos"},
		{"Ταΰγετος Κυριάκος", "taygetos kyriakos"},
		{"Χρήστος Ψαρρός Ξανθή ΣΟΦΙΑ", "christos psarros xanthi sofia"},
		{"ბიძინა ივანიშვილი", "bidzina ivanishvili"},
		{"მიხეილ სააკაშვილი", "mikheil saakashvili"},
		{"ᲡᲐᲥᲐᲠᲗᲕᲔᲚᲝ", "sakartvelo"},
		{"ႱႠႵႠႰႧႥႤႪႭ", "sakartvelo"},
		{"Երևան", "yerevan"},
		{"Արմեն Պետրոսյան", "armen petrosyan"},
		{"Ոսկանյան Հովհաննես", "voskanyan hovhannes"},
		{"Ուրիկ Գևորգ", "urik gevorg"},
		// Scripts kept as they are, without vowel points.
		{"山田 太郎", "山田 太郎"},
		{"김정은", "김정은"},
		{"مُحَمَّد أحمد", "محمد احمد"},
		{"ישׂראל", "ישראל"},
		{"ｶﾞｰ", "ガー"},
		{"Иван 山田-太郎", "ivan 山田 太郎"},
		{"٢٠٢٤ ۱۹", "2024 19"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTokens(t *testing.T) {
	got := Tokens("  María-José  O’Neill\tGarcía ")
	want := []string{"maria", "jose", "oneill", "garcia"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Tokens mismatch (-want +got):\n%s", diff)
	}
	if got := Tokens(" - "); len(got) != 0 {
		t.Errorf("Tokens(\" - \") = %q, want none", got)
	}
}

func TestFoldFoldedInputDoesNotAllocate(t *testing.T) {
	s := "ivan petrov"
	if n := testing.AllocsPerRun(100, func() { _ = Fold(s) }); n != 0 {
		t.Errorf("Fold of a folded string allocates %v times, want 0", n)
	}
	for _, in := range []string{"Ivan Petrov", "Шевченко Тарас", "Łukasz Żółć"} {
		if n := testing.AllocsPerRun(100, func() { _ = Fold(in) }); n > 1 {
			t.Errorf("Fold(%q) allocates %v times, want 1", in, n)
		}
	}
}
