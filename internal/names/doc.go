// Package names is the one shared normalisation of personal and organisation names.
//
// Three features depend on it and must never fold a name in any other way: duplicate
// detection in case files, privacy-preserving record linkage (the Bloom-filter
// encodings of internal/linkage) and watch-list screening (internal/screening). If two
// of them folded "Шевченко" differently, a person found by one would be missed by the
// other, so every fold, transliteration and phonetic rule lives here, once. Changing a
// rule changes every stored linkage encoding and blind index built from it: treat the
// tables as a versioned data format and re-encode when they change.
//
// The layers, each built on the one before:
//
//   - Fold: Unicode NFKC, case folding, one canonical transliteration of Cyrillic,
//     Greek, Georgian and Armenian into Latin, removal of diacritics (including letters
//     without a decomposition such as ł, đ, ø, ß, ı), apostrophes dropped, other
//     punctuation and hyphens turned into spaces, whitespace collapsed. The result holds
//     only a–z, 0–9 and single spaces, plus letters (and their vowel signs) of the scripts
//     that are not transliterated: Arabic, Hebrew, the Indic scripts, Thai, CJK, Hangul,
//     Ethiopic and the rest are kept as they are after NFKC and lower-casing (Arabic
//     and Hebrew vowel points are dropped). See tables.go for the tables.
//   - Tokens: Fold, then split into name tokens.
//   - Phonetic: a light folding of one Latin token so that the usual transliteration
//     habits of one name (passport, English, German, French, Polish) meet:
//     Shevchenko, Schewtschenko, Chevtchenko and Szewczenko give one key.
//   - Key and Similar: comparison of structured names that survives swapped given and
//     family names and one typo per token.
//   - ParseDate and DatesMatch: dates of birth with unknown parts and the usual slips.
//
// Everything is pure: no I/O, no global state beyond tables built once at start-up.
package names
