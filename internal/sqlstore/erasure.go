package sqlstore

import (
	"context"
	"fmt"

	"alliance"
)

// The number of case ids CasesToErase returns when the caller gives no limit,
// and the most it returns whatever the caller asks.
const (
	EraseDefaultLimit = 100
	EraseMaxLimit     = 1000
)

// EraseLimit returns the number of ids a look-up of the cases to erase may
// return.
func EraseLimit(n int) int { return limit(n, EraseDefaultLimit, EraseMaxLimit) }

// MicrosPerDay is a day of a retention period in microseconds: a period is
// counted in days of 24 hours, whatever the time zone and its daylight saving
// changes, so that both stores agree to the microsecond on when it ends.
const MicrosPerDay = 24 * 60 * 60 * 1000 * 1000

// CaseTexts lists, by table, the sealed free texts attached to a case that may
// name the person: what EraseCaseText blanks. It is derived from the columns
// SealedTables marks CaseText, so that the two lists cannot drift apart. (A
// perpetrator's name is not the person's: it stays.)
var CaseTexts = caseTexts()

func caseTexts() []SealedTable {
	var out []SealedTable
	for _, t := range SealedTables {
		var cols []SealedColumn
		for _, c := range t.Columns {
			if c.CaseText {
				cols = append(cols, c)
			}
		}
		if len(cols) > 0 {
			out = append(out, SealedTable{t.Name, cols})
		}
	}
	return out
}

// EraseCaseText sets every column of CaseTexts, in every row of case caseID,
// to an empty text sealed with c under the column's name, so that the rows
// still open, and a rotation of the data key still re-seals them. update
// returns the statement that sets the columns cols of table to the first
// len(cols) arguments where case_id is the last. The caller checks that the
// case exists.
func EraseCaseText(ctx context.Context, q Querier, c alliance.FieldCipher, caseID int64,
	update func(table string, cols []string) string) error {
	for _, t := range CaseTexts {
		cols := make([]string, len(t.Columns))
		args := make([]any, 0, len(t.Columns)+1)
		for i, col := range t.Columns {
			empty, err := SealText(c, col.Bound, "")
			if err != nil {
				return err
			}
			cols[i] = col.Name
			args = append(args, empty)
		}
		if _, err := q.ExecContext(ctx, update(t.Name, cols), append(args, caseID)...); err != nil {
			return fmt.Errorf("blank %s: %w", t.Name, err)
		}
	}
	for _, d := range clearOnErase {
		if _, err := q.ExecContext(ctx, update(d.table, []string{d.column}), "", caseID); err != nil {
			return fmt.Errorf("blank %s.%s: %w", d.table, d.column, err)
		}
	}
	return nil
}

// clearOnErase lists clear-text columns that erasure empties as well: a
// document's digest would let anyone who holds the file confirm that it was
// in the case.
var clearOnErase = []struct{ table, column string }{{"documents", "sha256"}}
