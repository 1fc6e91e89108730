// Package strictjson decodes JSON files that people write by hand (catalogues,
// questionnaires, translations, deployment settings) strictly: an unknown
// field, trailing data or a syntax error is refused with the line and column,
// counted in characters as editors count them, so the author can find it.
package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// Decode decodes exactly one JSON value from data into v, refusing unknown
// fields and anything after the value.
func Decode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return Describe(data, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("unexpected data after the JSON value at %s", Position(data, dec.InputOffset()+1))
	}
	return nil
}

// Describe adds the line and column to a syntax or type error of data.
func Describe(data []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 || off > int64(len(data)) {
		return fmt.Errorf("malformed JSON: %w", err)
	}
	return fmt.Errorf("malformed JSON at %s: %w", Position(data, off), err)
}

// Position names the place of the byte that a decoder offset points just past
// (offsets count the bytes read, the offending one included): "line L, column
// C", the column counted in characters.
func Position(data []byte, off int64) string {
	off = min(max(off-1, 0), int64(len(data)))
	at := data[:off]
	lineStart := bytes.LastIndexByte(at, '\n') + 1
	line, col := 1+bytes.Count(at, []byte("\n")), 1+utf8.RuneCount(at[lineStart:])
	return fmt.Sprintf("line %d, column %d", line, col)
}
