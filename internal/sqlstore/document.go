package sqlstore

import (
	"fmt"
	"strings"

	"alliance"
)

// DocumentKindMessage is the message of a document of an unknown kind, the
// same in both stores.
var DocumentKindMessage = "the kind must be one of " + strings.Join(alliance.DocumentKinds, ", ")

// DocumentTexts are the sealed columns of a document. Content is nil when
// the document was read without it, as lists do.
type DocumentTexts struct {
	Name, Note, Content []byte
}

// SealDocument seals the name, note and content of d under their column
// names. The errors never contain the values.
func SealDocument(c alliance.FieldCipher, d *alliance.Document) (s DocumentTexts, err error) {
	if s.Name, err = SealText(c, alliance.ColDocumentName, d.Name); err != nil {
		return s, err
	}
	if s.Note, err = SealText(c, alliance.ColDocumentNote, d.Note); err != nil {
		return s, err
	}
	if s.Content, err = c.Seal(alliance.ColDocumentData, d.Content); err != nil {
		return s, fmt.Errorf("encrypt %s: %w", alliance.ColDocumentData, err)
	}
	return s, nil
}

// OpenDocument opens the name and note of d and, when s holds it, its
// content; without it, d.Content stays nil.
func OpenDocument(c alliance.FieldCipher, d *alliance.Document, s DocumentTexts) (err error) {
	if d.Name, err = OpenText(c, alliance.ColDocumentName, s.Name); err != nil {
		return err
	}
	if d.Note, err = OpenText(c, alliance.ColDocumentNote, s.Note); err != nil {
		return err
	}
	if s.Content == nil {
		return nil
	}
	if d.Content, err = c.Open(alliance.ColDocumentData, s.Content); err != nil {
		return fmt.Errorf("decrypt %s: %w", alliance.ColDocumentData, err)
	}
	if d.Content == nil {
		d.Content = []byte{} // read, and empty (erased): not the nil of a list
	}
	return nil
}
