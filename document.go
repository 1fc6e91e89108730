package alliance

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Documents: files attached to a case (a contract, a payslip, a medical
// note, a scan of a passport). The file name and the content are sealed; the
// type is checked from the content itself, not from the name.
const (
	MaxDocumentBytes  = 10 << 20 // 10 MiB
	ColDocumentName   = "documents.name"
	ColDocumentNote   = "documents.note"
	ColDocumentData   = "documents.content"
	maxDocumentName   = 200
	maxDocumentDetail = 1000
)

// DocumentTypes are the media types a document may have, as detected from
// its first bytes: PDF, images, plain text. Office files and archives are
// refused: they can carry macros and hide other files.
var DocumentTypes = []string{"application/pdf", "image/jpeg", "image/png", "image/webp", "image/gif", "text/plain"}

// DocumentKinds say what a document is.
var DocumentKinds = []string{"identity", "contract", "payslip", "medical", "legal", "correspondence", "photo", "other"}

// Document is a file attached to a case. Content is empty in lists: it is
// read one document at a time.
type Document struct {
	ID        int64     `json:"id"`
	CaseID    int64     `json:"case_id"`
	Kind      string    `json:"kind"`           // one of DocumentKinds
	Name      string    `json:"name"`           // the file name as uploaded; sealed
	MediaType string    `json:"media_type"`     // detected from the content; one of DocumentTypes
	Size      int64     `json:"size"`           // bytes
	SHA256    string    `json:"sha256"`         // hex digest of the content, to check a copy
	Note      string    `json:"note,omitempty"` // sealed
	Content   []byte    `json:"-"`              // sealed
	By        int64     `json:"by"`
	At        time.Time `json:"at"`
}

// Validate checks a document's metadata; the caller has set MediaType, Size
// and SHA256 from the content.
func (d *Document) Validate() error {
	if !slices.Contains(DocumentKinds, d.Kind) {
		return Invalid("kind", "%q is not one of %s", d.Kind, strings.Join(DocumentKinds, ", "))
	}
	if strings.TrimSpace(d.Name) == "" || utf8.RuneCountInString(d.Name) > maxDocumentName || !utf8.ValidString(d.Name) {
		return Invalid("file", "give the file a name of at most %d characters", maxDocumentName)
	}
	if !slices.Contains(DocumentTypes, d.MediaType) {
		return Invalid("file", "a %s file cannot be attached; attach a PDF, an image (JPEG, PNG, WebP, GIF) or plain text", d.MediaType)
	}
	if d.Size <= 0 || d.Size > MaxDocumentBytes {
		return Invalid("file", "a document holds 1 byte to %d MiB", MaxDocumentBytes>>20)
	}
	if utf8.RuneCountInString(d.Note) > maxDocumentDetail {
		return Invalid("note", "at most %d characters", maxDocumentDetail)
	}
	return nil
}
