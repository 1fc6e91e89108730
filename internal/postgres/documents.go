package postgres

import (
	"context"
	"fmt"

	"alliance"
	"alliance/internal/sqlstore"
)

// documentColumns are the columns of a document but its content, which lists
// never read: a document holds up to alliance.MaxDocumentBytes.
const documentColumns = `id, case_id, kind, name, note, media_type, size, sha256, recorded_by, recorded_at`

// scanDocument scans documentColumns, followed by the content when content
// is set, and opens the sealed values.
func scanDocument(s sqlstore.Scanner, c alliance.FieldCipher, content bool) (*alliance.Document, error) {
	var d alliance.Document
	var sealed sqlstore.DocumentTexts
	dest := []any{&d.ID, &d.CaseID, &d.Kind, &sealed.Name, &sealed.Note, &d.MediaType, &d.Size, &d.SHA256,
		&d.By, &d.At}
	if content {
		dest = append(dest, &sealed.Content)
	}
	if err := s.Scan(dest...); err != nil {
		return nil, err
	}
	d.At = utc(d.At)
	if err := sqlstore.OpenDocument(c, &d, sealed); err != nil {
		return nil, fmt.Errorf("document %d: %w", d.ID, err)
	}
	return &d, nil
}

// Documents lists the documents of a case, oldest recorded first (then in
// the order they were recorded), their names and notes opened and without
// their content.
func (r *reader) Documents(ctx context.Context, caseID int64) ([]alliance.Document, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	return sqlstore.List(ctx, r.q, "list documents", func(s sqlstore.Scanner) (*alliance.Document, error) {
		return scanDocument(s, c, false)
	}, `SELECT `+documentColumns+` FROM documents WHERE case_id = $1 ORDER BY recorded_at, id`, caseID)
}

// Document returns the document with the given id, its name, note and
// content opened.
func (r *reader) Document(ctx context.Context, id int64) (*alliance.Document, error) {
	c, err := r.keys.Cipher()
	if err != nil {
		return nil, err
	}
	d, err := scanDocument(r.q.QueryRowContext(ctx, `SELECT `+documentColumns+`, content FROM documents WHERE id = $1`, id),
		c, true)
	if err != nil {
		return nil, fmt.Errorf("document %d: %w", id, translate(err))
	}
	return d, nil
}

// AddDocument stores d, sealing its name, note and content, and sets its ID
// (and At when zero).
func (t *tx) AddDocument(ctx context.Context, d *alliance.Document) error {
	c, err := t.keys.Cipher()
	if err != nil {
		return err
	}
	sealed, err := sqlstore.SealDocument(c, d)
	if err != nil {
		return fmt.Errorf("add document: %w", err)
	}
	sqlstore.Stamp(&d.At)
	err = t.q.QueryRowContext(ctx, `INSERT INTO documents (case_id, kind, name, note, media_type, size, sha256,
		content, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		d.CaseID, d.Kind, sealed.Name, sealed.Note, d.MediaType, d.Size, d.SHA256, sealed.Content, d.By,
		d.At).Scan(&d.ID)
	if err != nil {
		return fmt.Errorf("add document: %w", translate(err))
	}
	return nil
}

// DeleteDocument deletes a document; it returns ErrNotFound when there is
// none.
func (t *tx) DeleteDocument(ctx context.Context, id int64) error {
	res, err := t.q.ExecContext(ctx, `DELETE FROM documents WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete document %d: %w", id, translate(err))
	}
	if n, err := sqlstore.Affected(res); err != nil || n == 0 {
		return fmt.Errorf("delete document %d: %w", id, sqlstore.OrNotFound(err))
	}
	return nil
}

// DocumentCase returns the case document id is attached to.
func (r *reader) DocumentCase(ctx context.Context, id int64) (int64, error) {
	var caseID int64
	if err := r.q.QueryRowContext(ctx, `SELECT case_id FROM documents WHERE id = $1`, id).Scan(&caseID); err != nil {
		return 0, fmt.Errorf("document %d: %w", id, translate(err))
	}
	return caseID, nil
}
