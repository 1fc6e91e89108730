package linkage

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"alliance/internal/names"
)

// maxReported is how many bad rows an input error lists before it stops reading.
const maxReported = 10

// InputError lists the faults found in an input file, each with its line.
type InputError struct {
	File   string
	Faults []string // "line 7, column \"date_of_birth\": ..."
	More   bool     // reading stopped after maxReported faults
}

// Error lists the faults on one line.
func (e *InputError) Error() string {
	s := fmt.Sprintf("%s: %s", e.File, strings.Join(e.Faults, "; "))
	if e.More {
		s += "; and more (fix these first)"
	}
	return s
}

func (e *InputError) add(format string, args ...any) {
	e.Faults = append(e.Faults, fmt.Sprintf(format, args...))
	e.More = len(e.Faults) >= maxReported
}

// ReadCSV reads the records to encode from a CSV file with a header row. name is
// the file name used in errors. Each returned row holds the values of
// s.Columns(), the id first. A row that cannot be read is reported with its line,
// never dropped: ids must be present and unique and dates valid.
func ReadCSV(r io.Reader, name string, s *Schema) ([][]string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 0
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: the file is empty; it needs a header row naming the columns %s", name, strings.Join(s.Columns(), ","))
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	idx, err := columnIndexes(header, s.Columns())
	if err != nil {
		return nil, fmt.Errorf("%s, line 1: %w", name, err)
	}
	rows, ie := readRows(cr, s, idx, name)
	if len(ie.Faults) > 0 {
		return nil, ie
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: no records after the header row", name)
	}
	return rows, nil
}

// readRows reads the records after the header, and the faults of those it cannot
// take.
func readRows(cr *csv.Reader, s *Schema, idx []int, name string) ([][]string, *InputError) {
	dates, cols := dateColumns(s), s.Columns()
	ie := &InputError{File: name}
	seen := map[string]int{}
	var rows [][]string
	for !ie.More {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line, err = pe.Line, pe.Err
			}
			ie.add("line %d: %v", line, err)
			continue
		}
		line, _ := cr.FieldPos(0)
		row := make([]string, len(idx))
		for i, j := range idx {
			row[i] = strings.TrimSpace(rec[j])
		}
		if msg := checkRow(row, cols, dates, seen, line); msg != "" {
			ie.add("line %d, %s", line, msg)
			continue
		}
		rows = append(rows, row)
	}
	return rows, ie
}

func columnIndexes(header, want []string) ([]int, error) {
	at := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := at[h]; dup {
			return nil, fmt.Errorf("column %q appears twice in the header", h)
		}
		at[h] = i
	}
	idx := make([]int, len(want))
	var missing []string
	for i, c := range want {
		j, ok := at[strings.ToLower(c)]
		if !ok {
			missing = append(missing, c)
		}
		idx[i] = j
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("the header lacks the column(s) %s; it needs %s", strings.Join(missing, ","), strings.Join(want, ","))
	}
	return idx, nil
}

// dateColumns returns the positions in Schema.Columns() of the date fields' columns.
func dateColumns(s *Schema) map[int]bool {
	cols := s.Columns()
	out := map[int]bool{}
	for _, f := range s.Fields {
		if f.Kind != KindDate {
			continue
		}
		for i, c := range cols {
			if c == f.Columns[0] {
				out[i] = true
			}
		}
	}
	return out
}

// checkRow returns what is wrong with one row, or "".
func checkRow(row, cols []string, dates map[int]bool, seen map[string]int, line int) string {
	if row[0] == "" {
		return fmt.Sprintf("column %q: the id is empty; every record needs an id", cols[0])
	}
	if first, dup := seen[row[0]]; dup {
		return fmt.Sprintf("column %q: id %q was already used on line %d; ids must be unique", cols[0], row[0], first)
	}
	seen[row[0]] = line
	for i := range dates {
		if row[i] == "" {
			continue
		}
		if _, err := names.ParseDate(row[i]); err != nil {
			return fmt.Sprintf("column %q: %v", cols[i], err)
		}
	}
	return ""
}
