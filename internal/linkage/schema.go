package linkage

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"

	"alliance/internal/strictjson"
)

// SchemaVersion is the version of the schema format this package reads and writes.
const SchemaVersion = 1

// DefaultFilterBits is the filter length of a schema that does not give one.
const DefaultFilterBits = 1024

// Field kinds.
const (
	KindName  = "name"  // personal names: folded tokens as an unordered set
	KindDate  = "date"  // a date of birth, YYYY, YYYY-MM or YYYY-MM-DD
	KindText  = "text"  // any other text: q-grams of the folded value
	KindExact = "exact" // a code compared as a whole (sex, nationality)
)

// Schema says how records are encoded: which columns, how each field is normalised
// and cut into features, how many bits each feature sets, the filter length and the
// hardening. Partners must encode with the same schema and secret to be matched.
type Schema struct {
	Version    int       `json:"version"`
	Name       string    `json:"name"`
	IDColumn   string    `json:"id_column"`
	FilterBits int       `json:"filter_bits"`
	Threshold  float64   `json:"threshold,omitempty"`
	Hardening  Hardening `json:"hardening"`
	Fields     []Field   `json:"fields"`
}

// Hardening lists the defences applied to every filter, in this order: XOR-folding,
// then balancing. FilterBits is always the length of the result.
type Hardening struct {
	// XORFold encodes into twice the filter length and folds the two halves onto
	// each other with XOR, so that no single bit belongs to one feature: it defeats
	// the pattern-mining attacks that rebuild q-grams from co-occurring bits.
	XORFold bool `json:"xor_fold,omitempty"`
	// Balance encodes into half the filter length and appends the complement, then
	// permutes the bits with a key from the secret: every filter has exactly half of
	// its bits set, so the popcount no longer tells the length of a name.
	Balance bool `json:"balance,omitempty"`
}

// Field is one encoded field of a record.
type Field struct {
	Name    string   `json:"name"`
	Kind    string   `json:"kind"`
	Columns []string `json:"columns"`
	// Q is the q-gram length of name and text fields (default 2).
	Q int `json:"q,omitempty"`
	// Positional makes q-grams count their position in the token, which separates
	// anagrams but costs matches across an insertion or deletion.
	Positional bool `json:"positional,omitempty"`
	// Phonetic adds the q-grams of the phonetic key (names.Phonetic) of each token
	// of a name field, so that transliteration habits meet.
	Phonetic bool `json:"phonetic,omitempty"`
	// BitsPerFeature is the number of bits each feature sets (k).
	BitsPerFeature int `json:"bits_per_feature"`
	// Salt names a column whose folded value is hashed with every feature of this
	// field: a feature of records with different salts sets different bits.
	Salt string `json:"salt,omitempty"`
}

// DefaultSchema returns the built-in schema for people: it reads the columns
// id, given_name, family_name, date_of_birth, sex and nationality.
func DefaultSchema() *Schema {
	return &Schema{
		Version: SchemaVersion, Name: "alliance-people-1", IDColumn: "id",
		FilterBits: DefaultFilterBits, Threshold: DefaultThreshold,
		Fields: []Field{
			{Name: "name", Kind: KindName, Columns: []string{"given_name", "family_name"},
				Q: 2, Phonetic: true, BitsPerFeature: 10},
			{Name: "date_of_birth", Kind: KindDate, Columns: []string{"date_of_birth"}, BitsPerFeature: 30},
			{Name: "sex", Kind: KindExact, Columns: []string{"sex"}, BitsPerFeature: 6},
			{Name: "nationality", Kind: KindExact, Columns: []string{"nationality"}, BitsPerFeature: 2},
		},
	}
}

// DefaultThreshold is the Dice threshold of the default schema: the one with the
// best F1 on the synthetic test set (see quality_test.go).
const DefaultThreshold = 0.78

// ParseSchema reads a schema from JSON. name is the file name used in errors, which
// give the line of the fault.
func ParseSchema(name string, data []byte) (*Schema, error) {
	var s Schema
	if err := strictjson.Decode(data, &s); err != nil {
		return nil, fmt.Errorf("schema %s: %w", name, err)
	}
	if s.FilterBits == 0 {
		s.FilterBits = DefaultFilterBits
	}
	for i := range s.Fields {
		if s.Fields[i].Q == 0 && (s.Fields[i].Kind == KindName || s.Fields[i].Kind == KindText) {
			s.Fields[i].Q = 2
		}
	}
	if err := s.Validate(); err != nil {
		line := ""
		if fe, ok := err.(*fieldError); ok {
			line = ", " + strictjson.Position(data, elementOffset(data, "fields", fe.index))
		}
		return nil, fmt.Errorf("schema %s%s: %w", name, line, err)
	}
	return &s, nil
}

// JSON returns the canonical JSON form of the schema, as the .clk header holds it.
func (s *Schema) JSON() []byte {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err) // a Schema always marshals
	}
	return b
}

// Fingerprint returns the SHA-256 of the canonical JSON form, in hex.
func (s *Schema) Fingerprint() string {
	sum := sha256.Sum256(s.JSON())
	return hex.EncodeToString(sum[:])
}

// Columns returns the input columns the schema reads: the id column, the fields'
// columns in order, then salt columns not read otherwise.
func (s *Schema) Columns() []string {
	cols := []string{s.IDColumn}
	add := func(c string) {
		if c != "" && !slices.Contains(cols, c) {
			cols = append(cols, c)
		}
	}
	for _, f := range s.Fields {
		for _, c := range f.Columns {
			add(c)
		}
	}
	for _, f := range s.Fields {
		add(f.Salt) // after the fields' columns, so that salting keeps their order
	}
	return cols
}
