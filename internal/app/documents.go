package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"alliance"
)

// sniff returns the media type of content as detected from its first bytes
// (http.DetectContentType), without parameters. Plain text must also be
// valid UTF-8.
func sniff(content []byte) string {
	mt, _, err := mime.ParseMediaType(http.DetectContentType(content))
	if err != nil {
		return "application/octet-stream"
	}
	if mt == "text/plain" && !utf8.Valid(content) {
		return "application/octet-stream"
	}
	return mt
}

// AddDocument attaches a file to a case of the caller's organisation. The
// type is detected from the content, never taken from the name; only the
// types of alliance.DocumentTypes and files up to alliance.MaxDocumentBytes
// are accepted. The name, note and content are sealed.
func (s *Service) AddDocument(ctx context.Context, c Caller, caseID int64, in alliance.Document) (*alliance.Document, error) {
	d := in
	d.ID, d.CaseID, d.By, d.At = 0, caseID, c.UserID, s.now()
	d.Name = strings.TrimSpace(path.Base(strings.ReplaceAll(in.Name, `\`, "/")))
	d.Note = strings.TrimSpace(d.Note)
	d.Size, d.MediaType = int64(len(d.Content)), sniff(d.Content)
	sum := sha256.Sum256(d.Content)
	d.SHA256 = hex.EncodeToString(sum[:])
	if err := d.Validate(); err != nil {
		return nil, err
	}
	k, err := s.writableCase(ctx, c, caseID)
	if err != nil {
		return nil, err
	}
	err = s.commit(ctx, c, alliance.ActCaseUpdate, caseResource(k), func(tx alliance.Tx, e *alliance.AuditEntry) error {
		if err := stillWritable(ctx, tx, k.ID); err != nil {
			return err
		}
		if err := tx.AddDocument(ctx, &d); err != nil {
			return err
		}
		e.Detail = fmt.Sprintf("document %d attached (%s, %s, %d bytes)", d.ID, d.Kind, d.MediaType, d.Size)
		return nil
	})
	if err != nil {
		return nil, err
	}
	d.Content = nil
	return &d, nil
}

// Documents lists the documents of a case the caller sees (without their
// contents): the holder's, or a receiver's with whom documents are shared.
func (s *Service) Documents(ctx context.Context, v *CaseView) ([]alliance.Document, error) {
	if !slices.Contains(v.Groups, alliance.GroupDocuments) {
		return nil, nil
	}
	return s.store.Documents(ctx, v.ID)
}

// Document returns one document with its content, when the caller sees the
// documents of its case; every such read is audited.
func (s *Service) Document(ctx context.Context, c Caller, id int64) (*alliance.Document, error) {
	caseID, err := s.store.DocumentCase(ctx, id)
	if err != nil {
		return nil, err
	}
	v, err := s.Case(ctx, c, caseID)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(v.Groups, alliance.GroupDocuments) {
		return nil, alliance.Errorf(alliance.CodeForbidden, "the documents of this case are not shared with your organisation")
	}
	res := caseResource(&v.Case)
	res.Shared = v.Groups
	err = s.commit(ctx, c, alliance.ActCaseRead, res, func(_ alliance.Tx, e *alliance.AuditEntry) error {
		e.Detail = "document " + strconv.FormatInt(id, 10) + " read"
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.store.Document(ctx, id)
}

// DeleteDocument removes a document from a case of the caller's
// organisation, for good.
func (s *Service) DeleteDocument(ctx context.Context, c Caller, id int64) error {
	caseID, err := s.store.DocumentCase(ctx, id)
	if err != nil {
		return err
	}
	k, err := s.writableCase(ctx, c, caseID)
	if err != nil {
		return err
	}
	return s.commit(ctx, c, alliance.ActCaseUpdate, caseResource(k), func(tx alliance.Tx, e *alliance.AuditEntry) error {
		if err := stillWritable(ctx, tx, k.ID); err != nil {
			return err
		}
		e.Detail = fmt.Sprintf("document %d deleted", id)
		return tx.DeleteDocument(ctx, id)
	})
}
