package synth

// The name lists are invented for testing: given names common in each language
// (names, not persons) and family names built from made-up roots and the usual
// endings, so that no real person's data is used.

// culture is one way of writing names: its given names, the roots and endings of
// its family names (syllables and endings), and how its script is written in
// other records.
type culture struct {
	code           string // nationality code written in the records
	male           []string
	female         []string
	syllables      []string // family names are two or three of them and an ending
	maleEnd        []string
	femaleEnd      []string
	transliterated bool // written in a script that partners often transliterate
}

var cultures = []culture{
	{code: "UA", syllables: []string{"бо", "ро", "ко", "ли", "ва", "ше", "ти", "ма", "гри", "до", "за", "пе", "ну", "ря", "хо", "чу", "мі", "ле", "са", "жу", "ве", "ба", "ка", "ту", "го", "зі", "ра", "лу", "ду", "щер"}, transliterated: true,
		male:      []string{"Олександр", "Іван", "Микола", "Юрій", "Андрій", "Тарас", "Богдан", "Василь", "Сергій", "Олег", "Дмитро", "Петро"},
		female:    []string{"Олена", "Ірина", "Наталія", "Юлія", "Оксана", "Тетяна", "Людмила", "Ганна", "Марія", "Світлана", "Катерина", "Галина"},
		maleEnd:   []string{"енко", "ук", "чук", "ишин", "ський"},
		femaleEnd: []string{"енко", "ук", "чук", "ишина", "ська"}},
	{code: "RU", syllables: []string{"бе", "ло", "ку", "ра", "жи", "ми", "са", "то", "ше", "фе", "гу", "ва", "ды", "ле", "ко", "пу", "зо", "ча", "ни", "ро", "лы", "ба", "ме", "ту", "хо", "ще", "ви", "да", "го", "ря"}, transliterated: true,
		male:      []string{"Алексей", "Дмитрий", "Евгений", "Юрий", "Михаил", "Сергей", "Николай", "Владимир", "Григорий", "Фёдор", "Илья", "Вячеслав"},
		female:    []string{"Евгения", "Юлия", "Ксения", "Наталья", "Татьяна", "Екатерина", "Ольга", "Анастасия", "Дарья", "Людмила", "Жанна", "Яна"},
		maleEnd:   []string{"ов", "ев", "ин", "ский", "цев"},
		femaleEnd: []string{"ова", "ева", "ина", "ская", "цева"}},
	{code: "BG", syllables: []string{"ве", "ли", "ко", "да", "ни", "ра", "сто", "ми", "бо", "жа", "це", "та", "пе", "ло", "ка", "ру", "въл", "гъ", "де", "хри", "ян", "йо", "ша", "ту", "че"}, transliterated: true,
		male:      []string{"Христо", "Стоян", "Димитър", "Георги", "Йордан", "Цветан", "Живко", "Пламен"},
		female:    []string{"Йорданка", "Цветелина", "Десислава", "Живка", "Мария", "Радка", "Снежана", "Теодора"},
		maleEnd:   []string{"ов", "ев", "иев"},
		femaleEnd: []string{"ова", "ева", "иева"}},
	{code: "GE", syllables: []string{"ბე", "რი", "გო", "ლა", "ნი", "კა", "ხა", "ჯა", "ფა", "რე", "თე", "წე", "ჭა", "ქა", "შე", "ღვი", "მა", "სა", "ვა", "ტი", "ზუ", "ბა", "ლო", "დო", "ყი"}, transliterated: true,
		male:      []string{"გიორგი", "დავით", "ლევან", "ზურაბ", "ირაკლი", "თორნიკე", "ნიკოლოზ", "შოთა"},
		female:    []string{"ნინო", "თამარ", "მარიამ", "ეკატერინე", "ნათია", "ქეთევან", "სალომე", "ხათუნა"},
		maleEnd:   []string{"შვილი", "ძე", "ია"},
		femaleEnd: []string{"შვილი", "ძე", "ია"}},
	{code: "AM", syllables: []string{"պե", "տրո", "մկր", "գրի", "հով", "կա", "րա", "խա", "չա", "ղա", "զա", "շա", "հի", "նի", "մա", "սա", "վա", "լի", "դա", "բա", "գա", "թո", "ռո", "ծա", "օհ"}, transliterated: true,
		male:      []string{"Արմեն", "Դավիթ", "Տիգրան", "Հայկ", "Գևորգ", "Արամ", "Վահե", "Սարգիս"},
		female:    []string{"Անի", "Նարե", "Լիլիթ", "Մարիամ", "Անահիտ", "Գայանե", "Սոնա", "Հասմիկ"},
		maleEnd:   []string{"յան", "յանց"},
		femaleEnd: []string{"յան", "յանց"}},
	{code: "GR", syllables: []string{"πα", "δο", "κα", "ρα", "γι", "θε", "ο", "δω", "ευ", "θυ", "στα", "κυ", "ρια", "μα", "νο", "λι", "σπυ", "χα", "τζη", "βα", "ζα", "νι", "κο", "τσα", "ξε"}, transliterated: true,
		male:      []string{"Γιώργος", "Νίκος", "Δημήτρης", "Κώστας", "Χρήστος", "Θανάσης", "Παναγιώτης", "Σπύρος"},
		female:    []string{"Μαρία", "Ελένη", "Κατερίνα", "Σοφία", "Χριστίνα", "Δέσποινα", "Ευαγγελία", "Αθηνά"},
		maleEnd:   []string{"όπουλος", "ίδης", "άκης"},
		femaleEnd: []string{"οπούλου", "ίδου", "άκη"}},
	{code: "PL", syllables: []string{"wi", "śnie", "dą", "bro", "ko", "ło", "dzie", "żmi", "je", "szczę", "grzy", "łę", "czy", "przy", "by", "ścię", "chmie", "ka", "ra", "no", "wa", "le", "mi", "ta", "sko"},
		male:      []string{"Łukasz", "Paweł", "Michał", "Wojciech", "Grzegorz", "Józef", "Krzysztof", "Zbigniew", "Maciej", "Przemysław"},
		female:    []string{"Małgorzata", "Agnieszka", "Grażyna", "Żaneta", "Katarzyna", "Bożena", "Jadwiga", "Urszula", "Ewelina", "Dorota"},
		maleEnd:   []string{"ski", "czyk", "owicz", "ak"},
		femaleEnd: []string{"ska", "czyk", "owicz", "ak"}},
	{code: "TR", syllables: []string{"ka", "ra", "yıl", "dı", "öz", "tür", "şa", "hin", "çe", "lik", "ay", "doğ", "kı", "lıç", "gü", "neş", "er", "ak", "tan", "se", "vi", "mü", "bü", "gö", "ok"},
		male:      []string{"Mehmet", "Çağrı", "İsmail", "Şükrü", "Ömer", "Oğuz", "Hüseyin", "Barış", "Gökhan", "Ümit"},
		female:    []string{"Ayşe", "Gülşen", "Özlem", "Şule", "Çiğdem", "Büşra", "Ebru", "Gönül", "Sevgi", "Işıl"},
		maleEnd:   []string{"oğlu", "kaya", "soy", "er"},
		femaleEnd: []string{"oğlu", "kaya", "soy", "er"}},
	{code: "RO", syllables: []string{"po", "pe", "ță", "ra", "du", "mi", "stă", "ne", "măr", "gi", "bă", "la", "cră", "ciu", "năs", "ta", "io", "vi", "lu", "co", "dra", "se", "ghe", "ti", "zu"},
		male:      []string{"Ștefan", "Mihai", "Gheorghe", "Răzvan", "Vasile", "Cristian", "Ionuț", "Sorin"},
		female:    []string{"Ioana", "Mădălina", "Elena", "Andreea", "Ștefania", "Roxana", "Mioara", "Alina"},
		maleEnd:   []string{"u", "escu", "eanu"},
		femaleEnd: []string{"u", "escu", "eanu"}},
}

// styles rewrite the canonical transliteration (names.Fold) of a name into the habit
// of one language; the passport style leaves it as it is.
var styles = [][][2]string{
	{}, // passport (ICAO)
	{{"iu", "yu"}, {"ia", "ya"}, {"ie", "ye"}, {"ii", "y"}}, // English
	{{"shch", "schtsch"}, {"sh", "sch"}, {"zh", "sch"}, {"ch", "tsch"}, {"kh", "ch"}, {"ts", "z"}, {"v", "w"}, {"iu", "ju"}, {"ia", "ja"}, {"ii", "ij"}}, // German
	{{"shch", "chtch"}, {"sh", "ch"}, {"zh", "j"}, {"ch", "tch"}, {"u", "ou"}, {"iu", "iou"}, {"ii", "i"}},                                               // French
	{{"shch", "szcz"}, {"sh", "sz"}, {"zh", "ż"}, {"ch", "cz"}, {"kh", "ch"}, {"ts", "c"}, {"v", "w"}, {"iu", "iu"}, {"ia", "ia"}, {"ii", "ij"}},         // Polish
}
