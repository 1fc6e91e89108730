// Package screening matches names of companies, organisations and people against
// watch lists (forced-labour entity lists, sanctions lists, national lists of
// unlicensed recruitment agencies, the alliance's own list), in any script.
//
// The layers:
//
//   - Normalisation (normalize.go): internal/names folds scripts and transliterates,
//     so "ООО «Текстиль»" and "Tekstil LLC" meet. On top of it this package knows
//     organisation names: legal forms of the region's languages are recognised and
//     set aside as a weak signal (legalform.go), sector words are mapped to one
//     concept across languages, so "Öztürk Gıda" and "Ozturk Food" are the same name,
//     and filler words ("Sanayi ve Ticaret", "Group") weigh little (sector.go).
//   - Lists (csvlist.go, ftm.go, simple.go, registry.go): the alliance CSV format,
//     OpenSanctions FollowTheMoney JSON lines and OpenSanctions targets.simple.csv.
//     Every load is a versioned Snapshot (source, time, SHA-256); a Registry swaps in
//     a new snapshot only when the whole file loaded, so a broken file never replaces
//     a good list. Problems are reported by file, line and field. ReadQueries reads
//     the names to screen; SampleList is a small synthetic list for demonstrations.
//   - Index (index.go, delindex.go, retrieve.go, query.go): the lists' vocabulary
//     with rarity weights (IDF), and a symmetric-deletion index of its words and of
//     their phonetic keys that finds every listed word within one or two edits of a
//     query word. A query reaches its candidates through those words, the rarest
//     first, keeps an upper bound of each candidate's score and never scans the
//     list; a misspelt word still leads to its name.
//   - Scoring (score.go): an optimal assignment between query and listed tokens
//     (order-free), weighted by rarity, with the legal form and the country as small
//     adjustments. 1 means equal after normalisation. Every hit explains which token
//     matched which.
//
// DefaultThreshold is chosen for recall first; see its comment for the figures.
// Everything here is pure: the package reads from io.Readers and never touches the
// file system or the network.
package screening
