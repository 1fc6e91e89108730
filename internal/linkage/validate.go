package linkage

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// fieldError is a fault in one element of Schema.Fields.
type fieldError struct {
	index int
	name  string
	msg   string
}

func (e *fieldError) Error() string {
	return fmt.Sprintf("fields[%d] (%q): %s", e.index, e.name, e.msg)
}

// Validate checks that the schema can be used, and says how to fix it if not.
func (s *Schema) Validate() error {
	switch {
	case s.Version != SchemaVersion:
		return fmt.Errorf("version %d is not supported; this program reads version %d", s.Version, SchemaVersion)
	case s.IDColumn == "":
		return fmt.Errorf("id_column is missing: name the column that holds each record's id")
	case s.FilterBits < 64 || s.FilterBits > 32768 || s.FilterBits%64 != 0:
		return fmt.Errorf("filter_bits %d: must be a multiple of 64 from 64 to 32768", s.FilterBits)
	case s.Hardening.Balance && s.FilterBits%128 != 0:
		return fmt.Errorf("filter_bits %d: balancing needs a multiple of 128", s.FilterBits)
	case s.Threshold < 0 || s.Threshold > 1:
		return fmt.Errorf("threshold %v: must be between 0 and 1", s.Threshold)
	case len(s.Fields) == 0:
		return fmt.Errorf("fields is empty: a schema encodes at least one field")
	}
	seen := map[string]bool{}
	for i, f := range s.Fields {
		if msg := f.problem(); msg != "" {
			return &fieldError{i, f.Name, msg}
		}
		if seen[f.Name] {
			return &fieldError{i, f.Name, "another field has this name; names must be unique"}
		}
		seen[f.Name] = true
	}
	return nil
}

func (f Field) problem() string {
	switch {
	case f.Name == "":
		return "name is missing"
	case f.Kind != KindName && f.Kind != KindDate && f.Kind != KindText && f.Kind != KindExact:
		return fmt.Sprintf("kind %q is unknown; use name, date, text or exact", f.Kind)
	case len(f.Columns) == 0:
		return "columns is empty: name the input columns of this field"
	case f.Kind == KindDate && len(f.Columns) != 1:
		return "a date field reads exactly one column"
	case f.BitsPerFeature < 1 || f.BitsPerFeature > 64:
		return fmt.Sprintf("bits_per_feature %d: must be 1 to 64", f.BitsPerFeature)
	case (f.Kind == KindName || f.Kind == KindText) && (f.Q < 1 || f.Q > 5):
		return fmt.Sprintf("q %d: must be 1 to 5", f.Q)
	case f.Kind != KindName && f.Kind != KindText && (f.Q != 0 || f.Positional):
		return "q and positional apply to name and text fields only"
	case f.Kind != KindName && f.Phonetic:
		return "phonetic applies to name fields only"
	}
	for _, c := range f.Columns {
		if c == "" {
			return "a column name is empty"
		}
	}
	return ""
}

// elementOffset returns the decoder offset just past the start of element i of the
// top-level array key of data, or 0 when it cannot be found.
func elementOffset(data []byte, key string, i int) int64 {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return 0
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return 0
		}
		if k == key {
			if t, err := dec.Token(); err == nil && t == json.Delim('[') {
				return arrayElementOffset(dec, data, i)
			}
			return 0
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return 0
		}
	}
	return 0
}

func arrayElementOffset(dec *json.Decoder, data []byte, i int) int64 {
	for n := 0; dec.More(); n++ {
		off := dec.InputOffset()
		for off < int64(len(data)) && bytes.IndexByte([]byte(" \t\r\n,"), data[off]) >= 0 {
			off++
		}
		if n == i {
			return off + 1
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return 0
		}
	}
	return 0
}
