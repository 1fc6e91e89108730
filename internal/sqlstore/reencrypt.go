package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"

	"alliance"
)

// reencryptBatch is how many rows Reencrypt reads at a time.
const reencryptBatch = 100

// reencryptBatches overrides reencryptBatch for tables of large rows: a
// document holds up to alliance.MaxDocumentBytes, so a batch of 100 could
// hold a GiB, and each row is held three times while re-sealed (old, opened,
// new).
var reencryptBatches = map[string]int{"documents": 1}

// SealedColumn is a column whose values the FieldCipher sealed.
type SealedColumn struct {
	Name  string // the column of the table: "email_enc"
	Bound string // the name its values are sealed under: alliance.ColUserEmail
	// CaseText marks a free text attached to a case (its table has a case_id
	// column) that may name the person: EraseCaseText blanks it.
	CaseText bool
}

// SealedTable is a table with sealed columns and an integer primary key id.
type SealedTable struct {
	Name    string
	Columns []SealedColumn
}

// SealedTables lists every sealed column of both stores, in the order
// Reencrypt walks them. A table that gains a sealed column adds it here, and
// marks it CaseText when erasing a person's identity must blank it.
var SealedTables = []SealedTable{
	{"users", []SealedColumn{
		{"email_enc", alliance.ColUserEmail, false},
		{"name_enc", alliance.ColUserName, false},
		{"totp_secret_enc", alliance.ColUserTOTPSecret, false},
	}},
	{"assessments", []SealedColumn{
		{"answers", alliance.ColAssessmentAnswers, false},
		{"result", alliance.ColAssessmentResult, false},
	}},
	{"cases", []SealedColumn{
		{"person", alliance.ColCasePerson, false},
	}},
	{"case_transitions", []SealedColumn{
		{"reason", alliance.ColTransitionReason, true},
	}},
	{"referrals", []SealedColumn{
		{"details", alliance.ColReferralDetails, true},
		{"override", alliance.ColReferralOverride, true},
		{"answer_reason", alliance.ColReferralAnswer, true},
	}},
	{"decisions", []SealedColumn{
		{"notes", alliance.ColDecisionNotes, true},
	}},
	{"reflection_extensions", []SealedColumn{
		{"reason", alliance.ColExtensionReason, true},
	}},
	{"case_comments", []SealedColumn{
		{"text", alliance.ColCommentText, true},
	}},
	{"support_plans", []SealedColumn{
		{"objectives", alliance.ColSupportObjectives, true},
		{"action_plan", alliance.ColSupportActions, true},
	}},
	{"case_events", []SealedColumn{
		{"description", alliance.ColEventDescription, true},
	}},
	{"perpetrators", []SealedColumn{
		{"name", alliance.ColPerpetratorName, false},
		{"details", alliance.ColPerpetratorDetails, true},
	}},
	{"residence", []SealedColumn{
		{"reference", alliance.ColResidenceReference, true},
		{"notes", alliance.ColResidenceNotes, true},
	}},
	{"proceedings", []SealedColumn{
		{"reference", alliance.ColProceedingReference, true},
		{"notes", alliance.ColProceedingNotes, true},
	}},
	{"webhooks", []SealedColumn{
		{"secret", alliance.ColWebhookSecret, false},
	}},
	{"documents", []SealedColumn{
		{"name", alliance.ColDocumentName, true},
		{"note", alliance.ColDocumentNote, true},
		{"content", alliance.ColDocumentData, true},
	}},
	{"watch_names", []SealedColumn{
		{"name", alliance.ColWatchName, false},
	}},
	{"watch_hits", []SealedColumn{
		{"reason", alliance.ColWatchHitReason, false},
	}},
}

// The blind indexes of case_name_keys (alliance.ColCaseNameKey), like that of
// users.email, are not listed: they cannot be re-sealed, and need not be, for
// the FieldCipher keys them with a key derived from the master key alone, which
// a rotation of the data key leaves as it is.

// Reencryption is what Reencrypt needs of a store: its connections and its SQL.
type Reencryption struct {
	// Read runs the statements of Select, outside any transaction.
	Read Querier
	// Write runs fn in a short write transaction, rolled back when fn fails.
	Write func(ctx context.Context, fn func(*sql.Tx) error) error
	// Select returns the statement that selects id and then the columns cols
	// of the rows of table whose id is above the first argument, by id, at most
	// the second.
	Select func(table string, cols []string) string
	// Update returns the statement that sets column col of table to the first
	// argument where id is the second and col still holds the third.
	Update func(table, col string) string
}

// sealedRow is the sealed values of one row of a table, in the order of the
// table's columns.
type sealedRow struct {
	id     int64
	values [][]byte
}

// Reencrypt re-seals with c, under its active data key, up to limit sealed
// values that are sealed under an older one (every such value when limit <= 0),
// and returns how many it re-sealed. It walks each of SealedTables by id and
// updates each row in a short transaction guarded by the old ciphertext, so a
// concurrent change to a value wins over the re-sealing of its old version.
func Reencrypt(ctx context.Context, c alliance.FieldCipher, limit int, r Reencryption) (int, error) {
	if limit <= 0 {
		limit = math.MaxInt
	}
	done := 0
	for _, table := range SealedTables {
		if done >= limit {
			break
		}
		n, err := r.table(ctx, c, table, limit-done)
		done += n
		if err != nil {
			return done, err
		}
	}
	return done, nil
}

// table re-seals up to limit stale values of one table.
func (r Reencryption) table(ctx context.Context, c alliance.FieldCipher, t SealedTable, limit int) (int, error) {
	done, after := 0, int64(0)
	for done < limit {
		rows, err := r.sealedRows(ctx, t, after)
		if err != nil || len(rows) == 0 {
			return done, err
		}
		for _, row := range rows {
			if done >= limit {
				break
			}
			n, err := r.resealRow(ctx, c, t, row, limit-done)
			done += n
			if err != nil {
				return done, err
			}
			after = row.id
		}
	}
	return done, nil
}

func (r Reencryption) sealedRows(ctx context.Context, t SealedTable, after int64) ([]sealedRow, error) {
	cols := make([]string, len(t.Columns))
	for i, col := range t.Columns {
		cols[i] = col.Name
	}
	rows, err := r.Read.QueryContext(ctx, r.Select(t.Name, cols), after, cmp.Or(reencryptBatches[t.Name], reencryptBatch))
	if err != nil {
		return nil, fmt.Errorf("reencrypt: read %s: %w", t.Name, err)
	}
	defer rows.Close()
	var list []sealedRow
	for rows.Next() {
		row := sealedRow{values: make([][]byte, len(cols))}
		dest := make([]any, 1+len(cols))
		dest[0] = &row.id
		for i := range row.values {
			dest[1+i] = &row.values[i]
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("reencrypt: read %s: %w", t.Name, err)
		}
		list = append(list, row)
	}
	return list, rows.Err()
}

// resealRow re-seals at most budget stale values of one row. The values are
// sealed before the write transaction begins, to keep it short.
func (r Reencryption) resealRow(ctx context.Context, c alliance.FieldCipher, t SealedTable, row sealedRow, budget int) (int, error) {
	stale := row.stale(c)
	if len(stale) == 0 {
		return 0, nil
	}
	stale = stale[:min(len(stale), budget)]
	fresh := make([][]byte, len(stale))
	for j, i := range stale {
		ct, err := reseal(c, t.Columns[i].Bound, row.values[i])
		if err != nil {
			return 0, fmt.Errorf("reencrypt %s %d %s: %w", t.Name, row.id, t.Columns[i].Name, err)
		}
		fresh[j] = ct
	}
	n := 0
	err := r.Write(ctx, func(tx *sql.Tx) error {
		for j, i := range stale {
			col := t.Columns[i].Name
			res, err := tx.ExecContext(ctx, r.Update(t.Name, col), fresh[j], row.id, row.values[i])
			if err != nil {
				return fmt.Errorf("reencrypt %s %d %s: %w", t.Name, row.id, col, err)
			}
			// When no row changed, the value changed after it was read, and the
			// new value, sealed by its writer under the active key, stays.
			k, err := Affected(res)
			if err != nil {
				return err
			}
			n += k
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// stale returns the indexes of the values not sealed under the active key.
func (r sealedRow) stale(c alliance.FieldCipher) []int {
	var idx []int
	for i, v := range r.values {
		if len(v) > 0 && !c.Current(v) {
			idx = append(idx, i)
		}
	}
	return idx
}

// reseal opens a value and seals it again under the active key.
func reseal(c alliance.FieldCipher, column string, old []byte) ([]byte, error) {
	pt, err := c.Open(column, old)
	if err != nil {
		return nil, err
	}
	return c.Seal(column, pt)
}
