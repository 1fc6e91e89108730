package screening

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNormalizeName(t *testing.T) {
	tests := []struct {
		in        string
		want      []string
		wantLegal []string
		wantClass LegalClass
	}{
		{"ООО «Текстиль-Строй»", []string{"#textile", "#construction"}, []string{"ooo"}, ClassLimited},
		{"Общество с ограниченной ответственностью \"Ромашка\"", []string{"romashka"}, []string{"obshchestvo s ogranichennoi otvetstvennostiu"}, ClassLimited},
		{"Товариство з обмеженою відповідальністю «Ліщинбуд»", []string{"lishchinbud"}, []string{"tovaristvo z obmezhenoiu vidpovidalnistiu"}, ClassLimited},
		{"ТОВ Ліщинбуд", []string{"lishchinbud"}, []string{"tov"}, ClassLimited},
		{"ТОО «Жаркумбай Агро»", []string{"zharkumbai", "#agriculture"}, []string{"too"}, ClassLimited},
		{"ЗАО Вектор", []string{"vektor"}, []string{"zao"}, ClassJointStock},
		{"ПАО «Вектор»", []string{"vektor"}, []string{"pao"}, ClassJointStock},
		{"АО Вектор", []string{"vektor"}, []string{"ao"}, ClassJointStock},
		{"Öztürk Gıda Sanayi ve Ticaret A.Ş.", []string{"ozturk", "#food", "#industry", "#and", "#trade"}, []string{"a s"}, ClassJointStock},
		{"Öztürk Tekstil Ltd. Şti.", []string{"ozturk", "#textile"}, []string{"ltd sti"}, ClassLimited},
		{"Öztürk Tekstil Limited Şirketi", []string{"ozturk", "#textile"}, []string{"limited sirketi"}, ClassLimited},
		{"Öztürk Anonim Şirketi", []string{"ozturk"}, []string{"anonim sirketi"}, ClassJointStock},
		{"Przywolna Sp. z o.o.", []string{"przywolna"}, []string{"sp z o o"}, ClassLimited},
		{"Przywolna Spółka z ograniczoną odpowiedzialnością", []string{"przywolna"}, []string{"spolka z ograniczona odpowiedzialnoscia"}, ClassLimited},
		{"Henvolt Logistik GmbH", []string{"henvolt", "#logistics"}, []string{"gmbh"}, ClassLimited},
		{"Henvolt Gesellschaft mit beschränkter Haftung", []string{"henvolt"}, []string{"gesellschaft mit beschrankter haftung"}, ClassLimited},
		{"Drumelo Construcții S.R.L.", []string{"drumelo", "#construction"}, []string{"s r l"}, ClassLimited},
		{"Quenmar Garments Co., Ltd.", []string{"quenmar", "#garment"}, []string{"co ltd"}, ClassLimited},
		{"Quenmar Limited Liability Company", []string{"quenmar"}, []string{"limited liability company"}, ClassLimited},
		{"Marlevo S.L.", []string{"marlevo"}, []string{"s l"}, ClassLimited},
		{"Marlevo S.A.", []string{"marlevo"}, []string{"s a"}, ClassJointStock},
		{"Vektor JSC", []string{"vektor"}, []string{"jsc"}, ClassJointStock},
		{"Vektor LLP", []string{"vektor"}, []string{"llp"}, ClassLimited},
		// A typo or another transliteration of a spelled-out form is still a legal form.
		{"Erkensu Towarischtschestwo s ogranitschennoj otwetstwennostju", []string{"erkensu"}, []string{"towarischtschestwo s ogranitschennoj otwetstwennostju"}, ClassLimited},
		{"Quenmar Limited Liabiliy Company", []string{"quenmar"}, []string{"limited liabiliy company"}, ClassLimited},
		// The legal form is never all there is: "Limited" alone stays a name.
		{"Limited", []string{"limited"}, nil, ClassNone},
		// Short Western forms are looked for only at the end.
		{"As Salam Trading", []string{"as", "salam", "#trade"}, nil, ClassNone},
		{"AG Nordwerk AG", []string{"ag", "nordwerk"}, []string{"ag"}, ClassJointStock},
		// Single letters at the start are initials, not "S.A.".
		{"S. A. Petrov", []string{"s", "a", "petrov"}, nil, ClassNone},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			f := normalize(tc.in, true)
			var got []string
			for _, tk := range f.toks {
				got = append(got, tk.key)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("tokens (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantLegal, f.forms); diff != "" {
				t.Errorf("legal forms (-want +got):\n%s", diff)
			}
			if f.legal != tc.wantClass {
				t.Errorf("class %d, want %d", f.legal, tc.wantClass)
			}
		})
	}
}

func TestPersonNamesKeepEveryWord(t *testing.T) {
	f := normalize("Fischer Anna AG", false)
	var got []string
	for _, tk := range f.toks {
		got = append(got, tk.key)
	}
	if diff := cmp.Diff([]string{"fischer", "anna", "ag"}, got); diff != "" {
		t.Errorf("a person's name must keep its words as written (-want +got):\n%s", diff)
	}
}

func TestCheckName(t *testing.T) {
	tests := []struct {
		name, in, wantErr string
	}{
		{"ordinary", "Öztürk Gıda A.Ş.", ""},
		{"Cyrillic", "ООО «Ромашка»", ""},
		{"empty", "", "is empty"},
		{"whitespace", " \t\u00a0 ", "is empty"},
		{"invalid UTF-8", "Acme \xff Ltd", "not valid UTF-8"},
		{"10,000 characters", strings.Repeat("я", 10000), "10000 characters long"},
		{"at the limit", strings.Repeat("a", MaxNameRunes), ""},
		{"punctuation only", "«—»", "no letters or digits"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckName(tc.in)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("CheckName: %v, want nil", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("CheckName: %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestConcept(t *testing.T) {
	tests := []struct{ word, want string }{
		{"Textile", "textile"}, {"tekstil", "textile"}, {"Текстиль", "textile"}, {"текстильная", "textile"},
		{"Food", "food"}, {"Gıda", "food"}, {"Продукты", "food"}, {"Lebensmittel", "food"},
		{"Agriculture", "agriculture"}, {"Tarım", "agriculture"}, {"Agro", "agriculture"}, {"Сельхоз", "agriculture"},
		{"Construction", "construction"}, {"İnşaat", "construction"}, {"Строй", "construction"}, {"Budownictwo", "construction"},
		{"Ivanov", ""}, {"Bauer", ""}, {"Agata", ""},
	}
	for _, tc := range tests {
		toks := normalize(tc.word, true).toks
		got := strings.TrimPrefix(toks[0].key, "#")
		if tc.want == "" && strings.HasPrefix(toks[0].key, "#") || tc.want != "" && got != tc.want {
			t.Errorf("concept of %q = %q, want %q", tc.word, toks[0].key, tc.want)
		}
	}
}
