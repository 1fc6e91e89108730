package htcds

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Formats of an export or an import.
const (
	FormatCSV       = "csv"
	FormatJSONLines = "jsonl"
	FormatXLSX      = "xlsx"
)

// maxLine is the longest JSON line an import reads.
const maxLine = 1 << 20

// Read reads an import of the given format from r: the cases table from CSV
// or JSON lines, all three tables from XLSX. name is the file's name, for the
// reports. Every row is checked; when any is wrong, Read returns an
// *ImportError that lists the faults (file, table, row, HTCDS field, reason)
// and no records, so that the caller writes nothing.
func Read(name, format string, r io.Reader) ([]Record, error) {
	f := &faults{file: name, dropped: map[string]bool{}}
	var t tables
	switch format {
	case FormatCSV:
		t = tables{TableCases: f.readCSV(TableCases, r)}
	case FormatJSONLines:
		t = tables{TableCases: f.readJSONLines(r)}
	case FormatXLSX:
		t = f.readXLSX(r)
	default:
		f.add("", 0, "", "the format %q is not csv, jsonl or xlsx", format)
		return nil, f.result()
	}
	if len(t[TableCases]) == 0 && f.err.Total == 0 {
		f.add(TableCases, 0, "", "there are no cases to import")
	}
	// Rows that were read are checked even when others could not be, so
	// that one report lists every fault.
	recs := f.records(t)
	if err := f.result(); err != nil {
		return nil, err
	}
	return recs, nil
}

// readCSV reads one table from CSV with a header row. Row numbers count
// records as a spreadsheet shows them: the header is row 1.
func (f *faults) readCSV(table string, r io.Reader) []row {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		f.csvFault(table, 1, err)
		return nil
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	if !f.checkHeader(table, header) {
		return nil
	}
	var rows []row
	for n := 2; ; n++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows
		}
		if err != nil {
			f.csvFault(table, n, err)
			return rows
		}
		if len(rows) == MaxRows {
			f.add(table, n, "", "more than %d rows; split the file", MaxRows)
			return rows
		}
		if len(rec) != len(header) {
			f.add(table, n, "", "%d values where the header has %d columns", len(rec), len(header))
			f.dropped[table] = true
			continue
		}
		rows = append(rows, f.csvRow(n, header, rec))
	}
}

// csvRow maps a record to its columns, undoing the export's formula guard.
func (f *faults) csvRow(n int, header, rec []string) row {
	r := row{n: n, values: make(map[string]string, len(header))}
	for i, h := range header {
		r.values[h] = unescape(rec[i])
	}
	return r
}

func (f *faults) csvFault(table string, n int, err error) {
	var pe *csv.ParseError
	switch {
	case errors.Is(err, io.EOF):
		f.add(table, 0, "", "the file is empty; the first row must name the columns")
	case errors.As(err, &pe):
		f.add(table, n, "", "not CSV at line %d, column %d: %v", pe.Line, pe.Column, pe.Err)
	default:
		f.add(table, n, "", "cannot read: %v", err)
	}
}

// readJSONLines reads the cases table from JSON lines: one object per line,
// keyed by HTCDS field names, with string values (numbers are taken as
// written, and a multi-select value may be an array of strings). The row
// number is the line number.
func (f *faults) readJSONLines(r io.Reader) []row {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	known := TableFields(TableCases, true)
	var rows []row
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\ufeff"))
		}
		if len(line) == 0 {
			continue
		}
		if len(rows) == MaxRows {
			f.add(TableCases, n, "", "more than %d rows; split the file", MaxRows)
			return rows
		}
		if r, ok := f.jsonRow(n, line, known); ok {
			rows = append(rows, r)
		} else {
			f.dropped[TableCases] = true
		}
	}
	if err := sc.Err(); err != nil {
		f.add(TableCases, 0, "", "cannot read: %v (a line may hold at most %d bytes)", err, maxLine)
	}
	return rows
}

// jsonRow reads one JSON line.
func (f *faults) jsonRow(n int, line []byte, known []string) (row, bool) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(line, &obj); err != nil {
		f.add(TableCases, n, "", "not a JSON object: %v", err)
		return row{}, false
	}
	r := row{n: n, values: make(map[string]string, len(obj))}
	ok := true
	for k, raw := range obj {
		if !slices.Contains(known, k) {
			f.add(TableCases, n, k, "not a field of the cases table")
			ok = false
			continue
		}
		v, err := jsonValue(raw)
		if err != nil {
			f.add(TableCases, n, k, "%v", err)
			ok = false
			continue
		}
		r.values[k] = unescape(v)
	}
	return r, ok
}

// jsonValue reads a string, a number or an array of strings (joined by ";").
func jsonValue(raw json.RawMessage) (string, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, nil
	}
	var num json.Number
	if json.Unmarshal(raw, &num) == nil {
		return num.String(), nil
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		for _, x := range list {
			if strings.Contains(x, ";") {
				return "", fmt.Errorf("the item %q holds a semicolon", x)
			}
		}
		return strings.Join(list, ";"), nil
	}
	if string(raw) == "null" {
		return "", nil
	}
	return "", errors.New("give a string, a number or a list of strings")
}
