package names

// The transliteration tables. Keys are lower-case letters (Fold lower-cases first);
// letters that decompose canonically into a base letter and combining marks (ё, ї, ӣ,
// ά, ǖ ...) are not listed: Fold decomposes them and looks the base letter up, so ё
// gives "e", ӯ gives "u" and ΐ gives "i".
//
// One scheme for all scripts, close to the passport practice of ICAO Doc 9303 part 3
// (the machine-readable zone) so that a name typed from a passport and a name typed
// from a Cyrillic document fold alike:
//
//	Russian     х kh, ж zh, ц ts, ч ch, ш sh, щ shch, ю iu, я ia, й i, ы y, э e, ё e,
//	            ь and ъ dropped
//	Ukrainian   є ie, і i, ї i, ґ g, г g (ICAO; the national passport writes h)
//	Belarusian  ў u (after a vowel, which is where Belarusian writes it; see below)
//	Serbian     ђ d, ј j, љ lj, њ nj, ћ c, џ dz: exactly what the Serbian Latin
//	            alphabet gives after diacritics are removed (đ d, ć c, dž dz), so that
//	            Ђоковић and Đoković fold alike
//	Macedonian  ѓ gj, ќ kj, ѕ dz (Macedonian passports)
//	Kazakh      ә a, ғ gh, қ q, ң ng, ө o, ұ u, ү u, һ h, і i
//	Kyrgyz      ң ng, ө o, ү u
//	Tajik       ғ gh, ӣ i, қ q, ӯ u, ҳ h, ҷ j (Tajik Latin)
//	Uzbek       ў o (Uzbek Latin oʻ), қ q, ғ gh, ҳ h
//	Greek       ELOT 743 as used in Greek passports: β v, η i, θ th, ξ x, υ y, φ f,
//	            χ ch, ψ ps, ω o, ου ou, αυ/ευ/ηυ av/ev/iv (af/ef/if before a voiceless
//	            consonant or at the end), γγ ng, γξ nx, γχ nch, σ and ς s
//	Georgian    the national system of 2002 (Georgian passports): თ t, ტ t, ფ p, პ p,
//	            ქ k, კ k, ყ q, ღ gh, შ sh, ჩ ch, ჭ ch, ც ts, წ ts, ძ dz, ხ kh, ჯ j, ჟ zh
//	Armenian    Armenian passports: ե e (ye at the start of a word), ո o (vo at the
//	            start), ու u, և ev, խ kh, ղ gh, ծ ts, ց ts, ճ ch, չ ch, ջ j, ժ zh, յ y
//
// Letters whose reading depends on the language, handled from context (the only
// context rules in Fold):
//
//	ъ  Russian hard sign (dropped) or Bulgarian vowel (a). A single name cannot say
//	   which language it is in, so Fold reads ъ followed by a consonant as the Bulgarian
//	   vowel ("Бъчваров" → "bachvarov", "Търново" → "tarnovo") and drops it elsewhere,
//	   where Russian writes it (before е, ё, ю, я and at the end of a word: "Подъячев"
//	   → "podiachev"). Bulgarian щ is read the Russian way (shch, not sht): nothing in
//	   the letters tells the two apart, so "Щерев" folds to "shcherev" while a Bulgarian
//	   passport says "SHTEREV"; Similar still rates the pair highly.
//	ў  Belarusian writes ў only after a vowel (ў u: "Шаўчэнка" → "shauchenka"); Uzbek
//	   Cyrillic uses it as a vowel after consonants and at the start of a word
//	   (ў o: "Тўхтаев" → "tokhtaev", as the Uzbek Latin "Toʻxtayev").
//	υ  Greek: see above (ου, αυ, ευ, ηυ); ϋ with diaeresis is always y.
//	γ  Greek: n before γ, ξ, χ.
//	ե ո ւ  Armenian: see above.

// cyrillic covers every letter of U+0400–U+052F; ъ and ў are handled by context.
var cyrillic = map[rune]string{
	// Russian and common letters.
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ж': "zh", 'з': "z",
	'и': "i", 'й': "i", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p",
	'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch",
	'ш': "sh", 'щ': "shch", 'ы': "y", 'ь': "", 'э': "e", 'ю': "iu", 'я': "ia",
	// Ukrainian, Belarusian, Serbian, Macedonian (U+0450–U+045F).
	'ђ': "d", 'ѓ': "gj", 'є': "ie", 'ѕ': "dz", 'і': "i", 'ј': "j", 'љ': "lj",
	'њ': "nj", 'ћ': "c", 'ќ': "kj", 'џ': "dz",
	// Historic letters (U+0460–U+0481).
	'ѡ': "o", 'ѣ': "e", 'ѥ': "ie", 'ѧ': "ia", 'ѩ': "ia", 'ѫ': "u", 'ѭ': "iu",
	'ѯ': "ks", 'ѱ': "ps", 'ѳ': "f", 'ѵ': "i", 'ѹ': "u", 'ѻ': "o", 'ѽ': "o",
	'ѿ': "ot", 'ҁ': "k",
	// Letters of the Turkic, Iranian, Caucasian and Uralic languages (U+048A–U+04FF).
	'ҋ': "i", 'ҍ': "", 'ҏ': "r", 'ґ': "g", 'ғ': "gh", 'ҕ': "gh", 'җ': "zh", 'ҙ': "z",
	'қ': "q", 'ҝ': "k", 'ҟ': "k", 'ҡ': "q", 'ң': "ng", 'ҥ': "ng", 'ҧ': "p", 'ҩ': "o",
	'ҫ': "s", 'ҭ': "t", 'ү': "u", 'ұ': "u", 'ҳ': "h", 'ҵ': "ts", 'ҷ': "j", 'ҹ': "ch",
	'һ': "h", 'ҽ': "ch", 'ҿ': "ch", 'ӏ': "", 'ӄ': "k", 'ӆ': "l", 'ӈ': "ng", 'ӊ': "n",
	'ӌ': "ch", 'ӎ': "m", 'ӕ': "ae", 'ә': "a", 'ӡ': "dz", 'ө': "o", 'ӷ': "g",
	'ӻ': "gh", 'ӽ': "kh", 'ӿ': "kh",
	// Cyrillic Supplement (U+0500–U+052F): Komi, Mordvin, Aleut, Abkhaz, Khanty.
	'ԁ': "d", 'ԃ': "d", 'ԅ': "z", 'ԇ': "dz", 'ԉ': "lj", 'ԋ': "nj", 'ԍ': "s",
	'ԏ': "t", 'ԑ': "e", 'ԓ': "l", 'ԕ': "lh", 'ԗ': "rh", 'ԙ': "ae", 'ԛ': "q",
	'ԝ': "w", 'ԟ': "q", 'ԡ': "l", 'ԣ': "n", 'ԥ': "p", 'ԧ': "h", 'ԩ': "n",
	'ԫ': "dzh", 'ԭ': "ch", 'ԯ': "l",
}

// cyrillicSigns are the letters that Fold drops on purpose: the hard and soft signs
// (ъ before a vowel or at the end of a word), the semisoft sign and the palochka.
var cyrillicSigns = []rune{'ъ', 'ь', 'ҍ', 'ӏ'}

// greek covers the letters of U+0370–U+03FF (accented letters decompose); υ and γ are
// handled by context.
var greek = map[rune]string{
	'α': "a", 'β': "v", 'δ': "d", 'ε': "e", 'ζ': "z", 'η': "i", 'θ': "th", 'ι': "i",
	'κ': "k", 'λ': "l", 'μ': "m", 'ν': "n", 'ξ': "x", 'ο': "o", 'π': "p", 'ρ': "r",
	'σ': "s", 'ς': "s", 'τ': "t", 'φ': "f", 'χ': "ch", 'ψ': "ps", 'ω': "o",
	// Archaic letters and symbols that NFKC does not map to the letters above.
	'ͱ': "h", 'ͳ': "s", 'ͷ': "v", 'ͻ': "s", 'ͼ': "s", 'ͽ': "s", 'ϳ': "i", 'ϗ': "kai",
	'ϙ': "k", 'ϛ': "st", 'ϝ': "v", 'ϟ': "k", 'ϡ': "s", 'ϸ': "sh", 'ϻ': "s", 'ϼ': "r",
	// Coptic letters of the Greek block.
	'ϣ': "sh", 'ϥ': "f", 'ϧ': "kh", 'ϩ': "h", 'ϫ': "j", 'ϭ': "ch", 'ϯ': "ti",
}

// georgian covers Mkhedruli U+10D0–U+10FF. Asomtavruli, Nuskhuri and Mtavruli fold
// to Mkhedruli first.
var georgian = map[rune]string{
	'ა': "a", 'ბ': "b", 'გ': "g", 'დ': "d", 'ე': "e", 'ვ': "v", 'ზ': "z", 'თ': "t",
	'ი': "i", 'კ': "k", 'ლ': "l", 'მ': "m", 'ნ': "n", 'ო': "o", 'პ': "p", 'ჟ': "zh",
	'რ': "r", 'ს': "s", 'ტ': "t", 'უ': "u", 'ფ': "p", 'ქ': "k", 'ღ': "gh", 'ყ': "q",
	'შ': "sh", 'ჩ': "ch", 'ც': "ts", 'ძ': "dz", 'წ': "ts", 'ჭ': "ch", 'ხ': "kh",
	'ჯ': "j", 'ჰ': "h",
	// Archaic letters and the letters added for Mingrelian, Svan and Abkhaz.
	'ჱ': "e", 'ჲ': "i", 'ჳ': "v", 'ჴ': "q", 'ჵ': "o", 'ჶ': "f", 'ჷ': "e", 'ჹ': "g",
	'ჽ': "e",
	// Elifi and ain (glottal and pharyngeal stops) and the hard and labial signs are
	// dropped, like apostrophes.
	'ჸ': "", 'ჺ': "", 'ჾ': "", 'ჿ': "",
}

// georgianSilent are the Georgian letters that Fold drops on purpose.
var georgianSilent = []rune{'ჸ', 'ჺ', 'ჾ', 'ჿ'}

// armenian covers U+0531–U+0588; ե, ո and ւ are handled by context. և is two letters
// after NFKC (ե ւ), so it gives "ev" (and "yev" at the start of a word: Երևան →
// "yerevan").
var armenian = map[rune]string{
	'ա': "a", 'բ': "b", 'գ': "g", 'դ': "d", 'զ': "z", 'է': "e", 'ը': "y", 'թ': "t",
	'ժ': "zh", 'ի': "i", 'լ': "l", 'խ': "kh", 'ծ': "ts", 'կ': "k", 'հ': "h", 'ձ': "dz",
	'ղ': "gh", 'ճ': "ch", 'մ': "m", 'յ': "y", 'ն': "n", 'շ': "sh", 'չ': "ch", 'պ': "p",
	'ջ': "j", 'ռ': "r", 'ս': "s", 'վ': "v", 'տ': "t", 'ր': "r", 'ց': "ts", 'փ': "p",
	'ք': "k", 'օ': "o", 'ֆ': "f", 'ՠ': "a", 'ֈ': "y",
}

// latin maps the Latin letters that have no canonical decomposition into an ASCII
// letter and combining marks: stroked, hooked, turned and ligature letters, the
// letters of the Nordic, Baltic, Turkish, Polish, Vietnamese, Azerbaijani and African
// orthographies, and the IPA letters. Glottal stops, clicks and tone letters are
// dropped like apostrophes. ə is "a" as in Azerbaijani passports (Məmmədov →
// MAMMADOV).
var latin = map[rune]string{
	// Latin-1 and Latin Extended-A.
	'ß': "ss", 'æ': "ae", 'ð': "d", 'ø': "o", 'þ': "th", 'đ': "d", 'ħ': "h", 'ı': "i",
	'ĸ': "k", 'ŀ': "l", 'ł': "l", 'ŉ': "n", 'ŋ': "ng", 'œ': "oe", 'ŧ': "t", 'ſ': "s",
	// Latin Extended-B.
	'ƀ': "b", 'ƃ': "b", 'ƅ': "", 'ƈ': "c", 'ƌ': "d", 'ƍ': "d", 'ƒ': "f", 'ƕ': "hv",
	'ƙ': "k", 'ƚ': "l", 'ƛ': "l", 'ƞ': "n", 'ƣ': "oi", 'ƥ': "p", 'ƨ': "", 'ƪ': "sh",
	'ƫ': "t", 'ƭ': "t", 'ƴ': "y", 'ƶ': "z", 'ƹ': "z", 'ƺ': "z", 'ƻ': "", 'ƽ': "",
	'ƾ': "", 'ƿ': "w", 'ǀ': "", 'ǁ': "", 'ǂ': "", 'ǃ': "", 'ǝ': "e", 'ǣ': "ae",
	'ǥ': "g", 'ǯ': "z", 'ǽ': "ae", 'ǿ': "o", 'ȝ': "gh", 'ȡ': "d", 'ȣ': "ou", 'ȥ': "z",
	'ȴ': "l", 'ȵ': "n", 'ȶ': "t", 'ȷ': "j", 'ȸ': "db", 'ȹ': "qp", 'ȼ': "c", 'ȿ': "s",
	'ɀ': "z", 'ɂ': "", 'ɇ': "e", 'ɉ': "j", 'ɋ': "q", 'ɍ': "r", 'ɏ': "y",
	// IPA Extensions.
	'ɐ': "a", 'ɑ': "a", 'ɒ': "a", 'ɓ': "b", 'ɔ': "o", 'ɕ': "c", 'ɖ': "d", 'ɗ': "d",
	'ɘ': "e", 'ə': "a", 'ɚ': "e", 'ɛ': "e", 'ɜ': "e", 'ɝ': "e", 'ɞ': "e", 'ɟ': "j",
	'ɠ': "g", 'ɡ': "g", 'ɢ': "g", 'ɣ': "g", 'ɤ': "o", 'ɥ': "h", 'ɦ': "h", 'ɧ': "h",
	'ɨ': "i", 'ɩ': "i", 'ɪ': "i", 'ɫ': "l", 'ɬ': "l", 'ɭ': "l", 'ɮ': "lz", 'ɯ': "m",
	'ɰ': "m", 'ɱ': "m", 'ɲ': "n", 'ɳ': "n", 'ɴ': "n", 'ɵ': "o", 'ɶ': "oe", 'ɷ': "o",
	'ɸ': "f", 'ɹ': "r", 'ɺ': "r", 'ɻ': "r", 'ɼ': "r", 'ɽ': "r", 'ɾ': "r", 'ɿ': "r",
	'ʀ': "r", 'ʁ': "r", 'ʂ': "s", 'ʃ': "sh", 'ʄ': "j", 'ʅ': "sh", 'ʆ': "sh", 'ʇ': "t",
	'ʈ': "t", 'ʉ': "u", 'ʊ': "u", 'ʋ': "v", 'ʌ': "v", 'ʍ': "w", 'ʎ': "y", 'ʏ': "y",
	'ʐ': "z", 'ʑ': "z", 'ʒ': "z", 'ʓ': "z", 'ʔ': "", 'ʕ': "", 'ʖ': "", 'ʗ': "c",
	'ʘ': "", 'ʙ': "b", 'ʚ': "e", 'ʛ': "g", 'ʜ': "h", 'ʝ': "j", 'ʞ': "k", 'ʟ': "l",
	'ʠ': "q", 'ʡ': "", 'ʢ': "", 'ʣ': "dz", 'ʤ': "dz", 'ʥ': "dz", 'ʦ': "ts", 'ʧ': "ch",
	'ʨ': "tc", 'ʩ': "f", 'ʪ': "ls", 'ʫ': "lz", 'ʬ': "", 'ʭ': "", 'ʮ': "h", 'ʯ': "h",
	// Latin Extended Additional.
	'ẚ': "a", 'ẜ': "s", 'ẝ': "s", 'ẟ': "d", 'ỻ': "ll", 'ỽ': "v", 'ỿ': "y",
	// Latin Extended-C.
	'ⱡ': "l", 'ⱥ': "a", 'ⱦ': "t", 'ⱨ': "h", 'ⱪ': "k", 'ⱬ': "z", 'ⱱ': "v", 'ⱳ': "w",
	'ⱴ': "v", 'ⱶ': "h", 'ⱷ': "f", 'ⱸ': "e", 'ⱹ': "r", 'ⱺ': "o", 'ⱻ': "e",
	// Latin Extended-D (the saltillo ꞌ is an apostrophe).
	'ꜣ': "", 'ꜥ': "", 'ꜧ': "h", 'ꜩ': "tz", 'ꜫ': "", 'ꜭ': "", 'ꜯ': "", 'ꜰ': "f",
	'ꜱ': "s", 'ꜳ': "aa", 'ꜵ': "ao", 'ꜷ': "au", 'ꜹ': "av", 'ꜻ': "av", 'ꜽ': "ay",
	'ꜿ': "c", 'ꝁ': "k", 'ꝃ': "k", 'ꝅ': "k", 'ꝇ': "l", 'ꝉ': "l", 'ꝋ': "o", 'ꝍ': "o",
	'ꝏ': "oo", 'ꝑ': "p", 'ꝓ': "p", 'ꝕ': "p", 'ꝗ': "q", 'ꝙ': "q", 'ꝛ': "r",
	'ꝝ': "rum", 'ꝟ': "v", 'ꝡ': "vy", 'ꝣ': "z", 'ꝥ': "th", 'ꝧ': "th", 'ꝩ': "v",
	'ꝫ': "et", 'ꝭ': "is", 'ꝯ': "con", 'ꝱ': "dum", 'ꝲ': "lum", 'ꝳ': "mum",
	'ꝴ': "num", 'ꝵ': "rum", 'ꝶ': "rum", 'ꝷ': "tum", 'ꝸ': "um", 'ꝺ': "d", 'ꝼ': "f",
	'ꝿ': "g", 'ꞁ': "l", 'ꞃ': "r", 'ꞅ': "s", 'ꞇ': "t", 'ꞌ': "", 'ꞎ': "l", 'ꞏ': "",
	'ꞑ': "n", 'ꞓ': "c", 'ꞔ': "c", 'ꞕ': "h", 'ꞗ': "b", 'ꞙ': "f", 'ꞛ': "ae",
	'ꞝ': "oe", 'ꞟ': "ue", 'ꞡ': "g", 'ꞣ': "k", 'ꞥ': "n", 'ꞧ': "r", 'ꞩ': "s",
	'ꞯ': "q", 'ꞵ': "b", 'ꞷ': "o", 'ꞹ': "u", 'ꞻ': "a", 'ꞽ': "i", 'ꞿ': "u", 'ꟁ': "o",
	'ꟃ': "w", 'ꟈ': "d", 'ꟊ': "s", 'ꟑ': "g", 'ꟓ': "th", 'ꟕ': "w", 'ꟗ': "s",
	'ꟙ': "s", 'ꟶ': "h", 'ꟷ': "i", 'ꟺ': "m", 'ꟻ': "f", 'ꟼ': "p", 'ꟽ': "m",
	'ꟾ': "i", 'ꟿ': "m",
	// Lower-case partners, outside these blocks, of capitals inside them.
	'ᵽ': "p", 'ᵹ': "g", 'ꭓ': "kh", 'ᶎ': "z",
}
