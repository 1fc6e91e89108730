package htcds

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"alliance"
)

// Limits of one import: beyond them a file is refused as a whole rather than
// half read.
const (
	MaxRows   = 100_000 // rows per table
	MaxErrors = 200     // faults listed; the total is still counted
)

// Record is one case read from an import, with its events and perpetrators.
type Record struct {
	Row          int // row of the case in its table; the header is row 1
	Case         alliance.Case
	Events       []alliance.Event
	Perpetrators []alliance.Perpetrator
}

// FieldError is one fault of an import: in which file, table, row and field,
// and why.
type FieldError struct {
	File   string `json:"file"`
	Table  string `json:"table"`
	Row    int    `json:"row"`             // the header is row 1; 0 for the file as a whole
	Field  string `json:"field,omitempty"` // HTCDS column name
	Reason string `json:"reason"`
}

func (e FieldError) String() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Table != "" {
		fmt.Fprintf(&b, " [%s]", e.Table)
	}
	if e.Row > 0 {
		fmt.Fprintf(&b, ", row %d", e.Row)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ", %s", e.Field)
	}
	return b.String() + ": " + e.Reason
}

// ImportError lists the faults found in an import, at most MaxErrors of
// them, and counts them all. An import with faults writes nothing.
type ImportError struct {
	Errors []FieldError
	Total  int
}

func (e *ImportError) Error() string {
	if len(e.Errors) == 0 {
		return "import refused"
	}
	msg := e.Errors[0].String()
	if e.Total > 1 {
		msg += fmt.Sprintf(" (and %d more)", e.Total-1)
	}
	return msg
}

// Unwrap lets the error vocabulary see an import's faults as invalid input.
func (e *ImportError) Unwrap() error {
	return &alliance.Error{Code: alliance.CodeInvalid, Message: e.Error()}
}

// AsImportError returns the ImportError in err's chain, if any.
func AsImportError(err error) (*ImportError, bool) {
	var ie *ImportError
	ok := errors.As(err, &ie)
	return ie, ok
}

// faults collects the faults of one file.
type faults struct {
	file    string
	err     ImportError
	dropped map[string]bool // tables with rows that could not be read at all
}

func (f *faults) add(table string, row int, field, format string, args ...any) {
	f.err.Total++
	if len(f.err.Errors) < MaxErrors {
		f.err.Errors = append(f.err.Errors, FieldError{File: f.file, Table: table, Row: row, Field: field, Reason: fmt.Sprintf(format, args...)})
	}
}

func (f *faults) result() error {
	if f.err.Total == 0 {
		return nil
	}
	return &f.err
}

// row is one row of a table as column → value, with its row number.
type row struct {
	n      int
	values map[string]string
}

// checkHeader refuses unknown, empty and repeated column names.
func (f *faults) checkHeader(table string, header []string) bool {
	known := TableFields(table, true)
	ok := true
	seen := map[string]bool{}
	for _, h := range header {
		switch {
		case !slices.Contains(known, h):
			f.add(table, 1, h, "not a column of the %s table; use %s", table, strings.Join(known, ", "))
			ok = false
		case seen[h]:
			f.add(table, 1, h, "the column appears twice")
			ok = false
		}
		seen[h] = true
	}
	return ok
}

// unescape undoes the apostrophe that an export puts before a value a
// spreadsheet would read as a formula.
func unescape(v string) string {
	if len(v) > 1 && v[0] == '\'' && strings.ContainsRune("=@\t\r+-", rune(v[1])) {
		return v[1:]
	}
	return v
}

// tables is what an import read before it is turned into records.
type tables map[string][]row

// records turns the rows of every table into records, or reports every
// fault found. Events and perpetrators are tied to their case by cas_CaseId.
func (f *faults) records(t tables) []Record {
	var recs []Record
	byRef := map[string]int{}
	for _, r := range t[TableCases] {
		k := f.caseOf(r)
		ref := k.Reference
		if ref != "" {
			if first, dup := byRef[ref]; dup {
				f.add(TableCases, r.n, "cas_CaseId", "%q is also the case id of row %d", ref, recs[first].Row)
			}
			byRef[ref] = len(recs)
		}
		recs = append(recs, Record{Row: r.n, Case: k})
	}
	for _, r := range t[TableEvents] {
		if i, ok := f.owner(TableEvents, r, byRef); ok {
			e := f.eventOf(r)
			recs[i].Events = append(recs[i].Events, e)
		}
	}
	for _, r := range t[TablePerpetrators] {
		if i, ok := f.owner(TablePerpetrators, r, byRef); ok {
			p := f.perpetratorOf(r)
			recs[i].Perpetrators = append(recs[i].Perpetrators, p)
		}
	}
	return recs
}

// owner finds the case an event or perpetrator row belongs to.
func (f *faults) owner(table string, r row, byRef map[string]int) (int, bool) {
	ref := strings.TrimSpace(r.values["cas_CaseId"])
	if ref == "" {
		f.add(table, r.n, "cas_CaseId", "give the case id of a row of the cases table")
		return 0, false
	}
	i, ok := byRef[ref]
	if !ok && !f.dropped[TableCases] { // else the case may be on a row that was not read
		f.add(table, r.n, "cas_CaseId", "%q is not the case id of any row of the cases table", ref)
	}
	return i, ok
}

// list splits a multi-select value and checks each item against allowed.
func (f *faults) list(table string, r row, field string, allowed []string) []string {
	v := strings.TrimSpace(r.values[field])
	if v == "" {
		return nil
	}
	var out []string
	for _, x := range strings.Split(v, ";") {
		x = strings.TrimSpace(x)
		if allowed != nil && !slices.Contains(allowed, x) {
			f.add(table, r.n, field, "%q is not one of %s", x, strings.Join(allowed, ", "))
			continue
		}
		if x != "" && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// pick checks a single-select value against allowed; "" stays "".
func (f *faults) pick(table string, r row, field string, allowed []string) string {
	v := strings.TrimSpace(r.values[field])
	if v != "" && !slices.Contains(allowed, v) {
		f.add(table, r.n, field, "%q is not one of %s", v, strings.Join(allowed, ", "))
		return ""
	}
	return v
}

// text returns a free-text value, refusing invalid UTF-8.
func (f *faults) text(table string, r row, field string) string {
	v := r.values[field]
	if !utf8.ValidString(v) {
		f.add(table, r.n, field, "the text is not valid UTF-8")
		return ""
	}
	return strings.TrimSpace(v)
}

// validated reports the first fault validate finds, naming the HTCDS column
// for the domain field it blames.
func (f *faults) validated(table string, n int, columns map[string]string, err error) {
	if err == nil {
		return
	}
	var ae *alliance.Error
	field := ""
	if errors.As(err, &ae) {
		field = columns[ae.Field]
		if field == "" {
			field = ae.Field
		}
		f.add(table, n, field, "%s", ae.Message)
		return
	}
	f.add(table, n, field, "%v", err)
}
