package htcds

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"alliance"
)

// Limits on what an XLSX import may unpack, so that a small zip bomb cannot
// exhaust memory or disk. excelize spills sheets and shared strings larger
// than xlsxUnzipXMLLimit to temporary files, and reads every other part of
// the workbook into memory: those are held to xlsxOtherLimit in all.
const (
	xlsxMaxBytes      = 128 << 20 // the file itself
	xlsxUnzipLimit    = 512 << 20 // all parts, unpacked
	xlsxUnzipXMLLimit = 16 << 20
	xlsxOtherLimit    = 32 << 20
	xlsxMaxParts      = 1000
)

// CheckWorkbook refuses a workbook that would unpack to more than the
// limits above, from the sizes its zip directory declares (Go's zip reader
// refuses an entry that unpacks to more than it declared).
func CheckWorkbook(data []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("not an XLSX workbook: %w", err)
	}
	if len(zr.File) > xlsxMaxParts {
		return fmt.Errorf("the workbook has %d parts; at most %d are read", len(zr.File), xlsxMaxParts)
	}
	var total, other uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if !strings.HasPrefix(f.Name, "xl/worksheets/") && f.Name != "xl/sharedStrings.xml" {
			other += f.UncompressedSize64
		}
	}
	if total > xlsxUnzipLimit || other > xlsxOtherLimit {
		return fmt.Errorf("the workbook unpacks to more than %d MiB (or holds more than %d MiB besides its sheets); save only the sheets as a new workbook",
			xlsxUnzipLimit>>20, xlsxOtherLimit>>20)
	}
	return nil
}

// readXLSX reads a workbook with a sheet per table: cases, and optionally
// events and perpetrators. Row numbers are the spreadsheet's.
func (f *faults) readXLSX(r io.Reader) tables {
	data, err := io.ReadAll(io.LimitReader(r, xlsxMaxBytes+1))
	if err != nil {
		f.add("", 0, "", "cannot read the file: %v", err)
		return nil
	}
	if len(data) > xlsxMaxBytes {
		f.add("", 0, "", "the workbook is larger than %d MiB; split it", xlsxMaxBytes>>20)
		return nil
	}
	if err := CheckWorkbook(data); err != nil {
		f.add("", 0, "", "%v", err)
		return nil
	}
	wb, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: xlsxUnzipLimit, UnzipXMLSizeLimit: xlsxUnzipXMLLimit})
	if err != nil {
		f.add("", 0, "", "not an XLSX workbook: %v", err)
		return nil
	}
	defer wb.Close()
	t := tables{}
	for _, sheet := range wb.GetSheetList() {
		table := strings.ToLower(strings.TrimSpace(sheet))
		if !slices.Contains(Tables, table) {
			f.add(sheet, 0, "", "a sheet of an import is named %s", strings.Join(Tables, ", "))
			continue
		}
		if _, dup := t[table]; dup {
			f.add(sheet, 0, "", "two sheets hold the %s table", table)
			continue
		}
		t[table] = f.readSheet(wb, sheet, table)
	}
	if _, ok := t[TableCases]; !ok && f.err.Total == 0 {
		f.add("", 0, "", "the workbook has no %q sheet", TableCases)
	}
	return t
}

// readSheet reads the rows of one sheet; blank rows are skipped.
func (f *faults) readSheet(wb *excelize.File, sheet, table string) []row {
	it, err := wb.Rows(sheet)
	if err != nil {
		f.add(table, 0, "", "cannot read the sheet: %v", err)
		return nil
	}
	defer it.Close()
	var header []string
	var rows []row
	for n := 1; it.Next(); n++ {
		cells, err := it.Columns()
		if err != nil {
			f.add(table, n, "", "cannot read the row: %v", err)
			return rows
		}
		if header == nil {
			header = cells
			if len(header) == 0 {
				f.add(table, 1, "", "the first row must name the columns")
				return nil
			}
			if !f.checkHeader(table, header) {
				return nil
			}
			continue
		}
		if blank(cells) {
			continue
		}
		if len(rows) == MaxRows {
			f.add(table, n, "", "more than %d rows; split the workbook", MaxRows)
			return rows
		}
		if r, ok := f.sheetRow(table, n, header, cells); ok {
			rows = append(rows, r)
		} else {
			f.dropped[table] = true
		}
	}
	if err := it.Error(); err != nil {
		f.add(table, 0, "", "cannot read the sheet: %v", err)
	}
	return rows
}

// sheetRow maps the cells of one row to their columns; a cell beyond the
// header is a fault.
func (f *faults) sheetRow(table string, n int, header, cells []string) (row, bool) {
	r := row{n: n, values: make(map[string]string, len(header))}
	for i, v := range cells {
		if i >= len(header) {
			if strings.TrimSpace(v) != "" {
				f.add(table, n, "", "a value in column %d, which has no name in the first row", i+1)
				return r, false
			}
			continue
		}
		r.values[header[i]] = v
	}
	return r, true
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// XLSX writes a workbook with one sheet per table. Tables are written one
// after the other, each through a stream that keeps at most a chunk of rows
// in memory (excelize spills larger sheets to a temporary file).
type XLSX struct {
	wb       *excelize.File
	identity bool
	orgType  func(int64) alliance.OrgType
	sheet    *excelize.StreamWriter
	next     int // next row number in the sheet
}

// NewXLSX starts a workbook.
func NewXLSX(identity bool, orgType func(int64) alliance.OrgType) *XLSX {
	return &XLSX{wb: excelize.NewFile(), identity: identity, orgType: orgType}
}

// Begin ends the sheet being written, if any, and starts the sheet of table
// with its header row.
func (x *XLSX) Begin(table string) error {
	if err := x.endSheet(); err != nil {
		return err
	}
	if x.wb.SheetCount == 1 && x.wb.GetSheetName(0) == "Sheet1" {
		if err := x.wb.SetSheetName("Sheet1", table); err != nil {
			return err
		}
	} else if _, err := x.wb.NewSheet(table); err != nil {
		return err
	}
	sw, err := x.wb.NewStreamWriter(table)
	if err != nil {
		return fmt.Errorf("htcds: sheet %s: %w", table, err)
	}
	x.sheet, x.next = sw, 1
	return x.row(TableFields(table, x.identity))
}

// row appends one row of text cells to the current sheet.
func (x *XLSX) row(values []string) error {
	cells := make([]any, len(values))
	for i, v := range values {
		cells[i] = v
	}
	cell, err := excelize.CoordinatesToCellName(1, x.next)
	if err != nil {
		return err
	}
	x.next++
	return x.sheet.SetRow(cell, cells)
}

// Case adds a case to the cases sheet.
func (x *XLSX) Case(k *alliance.Case) error {
	return x.row(rowValues(k, x.identity, x.orgType, false))
}

// Event adds an event of case caseID to the events sheet.
func (x *XLSX) Event(caseID int64, e *alliance.Event) error {
	return x.row(EventRow(fmt.Sprint(caseID), e, x.identity))
}

// Perpetrator adds a perpetrator of case caseID to the perpetrators sheet.
func (x *XLSX) Perpetrator(caseID int64, p *alliance.Perpetrator) error {
	return x.row(PerpetratorRow(fmt.Sprint(caseID), p, x.identity))
}

func (x *XLSX) endSheet() error {
	if x.sheet == nil {
		return nil
	}
	err := x.sheet.Flush()
	x.sheet = nil
	return err
}

// WriteTo ends the last sheet and writes the workbook to w.
func (x *XLSX) WriteTo(w io.Writer) (int64, error) {
	if err := x.endSheet(); err != nil {
		return 0, err
	}
	defer x.wb.Close()
	return x.wb.WriteTo(w)
}
