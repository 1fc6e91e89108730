package storetest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"alliance"

	"github.com/google/go-cmp/cmp"
)

// Synthetic plaintexts the document tests store, distinctive enough to find
// in a raw row.
const (
	secretDocName   = "Zhanar-Kuanysheva-pasport-skan.pdf"
	secretDocNote   = "handed over by the Veltrana farm manager after three weeks"
	secretDocMarker = "N0-7731-QX-4402"
)

// secretDocContent is the content of a document: a PDF header and a
// distinctive marker.
var secretDocContent = []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Passport (" + secretDocMarker + ") >>\n%%EOF\n")

// documentSecrets are the plaintexts, and distinctive parts of them, that no
// raw row may hold.
var documentSecrets = []string{secretDocName, "Kuanysheva", secretDocNote, "Veltrana", secretDocMarker, "/Passport"}

// documentSealed are the sealed columns of documents and their names.
var documentSealed = []struct{ column, name string }{
	{"name", alliance.ColDocumentName},
	{"note", alliance.ColDocumentNote},
	{"content", alliance.ColDocumentData},
}

// document returns a new PDF document on case caseID recorded by user at
// base, changed by each mod; it is not stored.
func document(caseID, user int64, mods ...func(*alliance.Document)) *alliance.Document {
	d := &alliance.Document{CaseID: caseID, Kind: "identity", Name: secretDocName, MediaType: "application/pdf",
		Note: secretDocNote, By: user, At: base}
	withContent(secretDocContent)(d)
	for _, mod := range mods {
		mod(d)
	}
	return d
}

// withContent sets the content of a document, and its size and digest.
func withContent(b []byte) func(*alliance.Document) {
	return func(d *alliance.Document) {
		sum := sha256.Sum256(b)
		d.Content, d.Size, d.SHA256 = b, int64(len(b)), hex.EncodeToString(sum[:])
	}
}

// randomBytes returns n bytes that are the same on every run.
func randomBytes(n int) []byte {
	var seed [32]byte
	copy(seed[:], "alliance storetest documents")
	b := make([]byte, n)
	_, _ = rand.NewChaCha8(seed).Read(b)
	return b
}

// addDocuments stores each document in one transaction.
func (e *env) addDocuments(ds ...*alliance.Document) {
	e.t.Helper()
	e.update(func(tx alliance.Tx) error {
		var errs []error
		for _, d := range ds {
			errs = append(errs, tx.AddDocument(e.ctx, d))
		}
		return errors.Join(errs...)
	})
}

// sameDocument reports how got differs from want, the content compared
// byte for byte (and nil apart from empty) rather than shown, or "".
func sameDocument(want, got alliance.Document) string {
	var diff string
	if !bytes.Equal(want.Content, got.Content) || (want.Content == nil) != (got.Content == nil) {
		diff = fmt.Sprintf("content of %d bytes (nil: %t), want %d bytes (nil: %t)\n",
			len(got.Content), got.Content == nil, len(want.Content), want.Content == nil)
	}
	want.Content, got.Content = nil, nil
	return diff + cmp.Diff(want, got)
}

// checkDocuments reads the documents of case caseID back through r: the list
// without contents, and each document with its content. It only reports
// errors, never stops the test, so that it may run inside a transaction
// (whose function the SQLite store runs on its writer goroutine).
func checkDocuments(t *testing.T, e *env, r alliance.Reader, caseID int64, want []*alliance.Document) {
	t.Helper()
	got, err := r.Documents(e.ctx, caseID)
	if err != nil || got == nil || len(got) != len(want) {
		t.Errorf("Documents(%d) = %d documents (nil: %t), %v; want %d", caseID, len(got), got == nil, err, len(want))
		return
	}
	for i, d := range want {
		listed := *d
		listed.Content = nil
		if diff := sameDocument(listed, got[i]); diff != "" {
			t.Errorf("Documents(%d)[%d] mismatch (-want +got):\n%s", caseID, i, diff)
		}
		one, err := r.Document(e.ctx, d.ID)
		if err != nil {
			t.Errorf("Document(%d): %v", d.ID, err)
			continue
		}
		if diff := sameDocument(*d, *one); diff != "" {
			t.Errorf("Document(%d) mismatch (-want +got):\n%s", d.ID, diff)
		}
	}
}

// testDocuments checks the round trip of documents, a large one too, their
// order, oldest recorded first, then as recorded, and that lists leave the
// content out; inside a transaction too.
func testDocuments(t *testing.T, e *env) {
	a := e.org("Org A")
	u, v := e.user(a.ID, "a@example.org"), e.user(a.ID, "v@example.org")
	k, other := newCase(a.ID, u.ID, "D-1"), newCase(a.ID, u.ID, "D-2")
	e.createCases(k, other)
	kyiv := time.FixedZone("Kyiv", 3*3600)
	d1 := document(k.ID, u.ID, func(d *alliance.Document) { d.At = base.Add(time.Hour) })
	d2 := document(k.ID, v.ID, func(d *alliance.Document) {
		d.Kind, d.Name, d.MediaType, d.Note = "payslip", "расчётный лист, март.txt", "text/plain", ""
		withContent([]byte("Зарплата: 0 EUR\nУдержано: 450 EUR\n"))(d)
	})
	d3 := document(k.ID, u.ID, func(d *alliance.Document) { // the largest, at the same time as d1
		d.Kind, d.Name, d.MediaType, d.At = "photo", "IMG_0042.png", "image/png", base.Add(time.Hour)
		withContent(randomBytes(alliance.MaxDocumentBytes))(d)
	})
	d4 := document(other.ID, u.ID, func(d *alliance.Document) {
		d.At = time.Date(2025, 3, 1, 15, 0, 0, 123456789, kyiv)
	})
	e.addDocuments(d1, d2, d3, d4)
	if d1.ID == 0 || d1.ID == d2.ID || d2.ID == d3.ID || d3.ID == d4.ID {
		t.Errorf("ids = %d, %d, %d, %d; want distinct ids", d1.ID, d2.ID, d3.ID, d4.ID)
	}
	want := time.Date(2025, 3, 1, 12, 0, 0, 123456000, time.UTC)
	if !d4.At.Equal(want) || d4.At.Location() != time.UTC {
		t.Errorf("At of a new document = %v; want %v, truncated, in UTC", d4.At, want)
	}
	checkDocuments(t, e, e.store, k.ID, []*alliance.Document{d2, d1, d3})
	checkDocuments(t, e, e.store, other.ID, []*alliance.Document{d4})

	// Inside a transaction, and at now when no time is given.
	before := time.Now().Add(-time.Second)
	d5 := document(other.ID, v.ID, func(d *alliance.Document) { d.At, d.Kind = time.Time{}, "contract" })
	e.update(func(tx alliance.Tx) error {
		if err := tx.AddDocument(e.ctx, d5); err != nil {
			return err
		}
		checkDocuments(t, e, tx, other.ID, []*alliance.Document{d4, d5})
		return nil
	})
	if d5.At.Before(before) {
		t.Errorf("time of a document given none = %v; want now", d5.At)
	}
	checkDocuments(t, e, e.store, other.ID, []*alliance.Document{d4, d5})

	// A case with none lists none, as an empty list; a missing document is
	// not found.
	bare := newCase(a.ID, u.ID, "D-3")
	e.createCases(bare)
	checkDocuments(t, e, e.store, bare.ID, nil)
	_, err := e.store.Document(e.ctx, d5.ID+1000)
	wantCode(t, "Document of a missing id", err, alliance.CodeNotFound, "")
}

// testDocumentDelete checks that a deleted document is gone from the list
// and from Document, that deleting it again, or a missing one, is refused
// with CodeNotFound, and that a deletion rolled back leaves the document.
func testDocumentDelete(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "a@example.org")
	k := newCase(a.ID, u.ID, "D-1")
	e.createCases(k)
	d1, d2 := document(k.ID, u.ID), document(k.ID, u.ID, func(d *alliance.Document) { d.At = base.Add(time.Hour) })
	e.addDocuments(d1, d2)

	e.update(func(tx alliance.Tx) error {
		if err := tx.DeleteDocument(e.ctx, d1.ID); err != nil {
			return err
		}
		checkDocuments(t, e, tx, k.ID, []*alliance.Document{d2})
		return nil
	})
	checkDocuments(t, e, e.store, k.ID, []*alliance.Document{d2})
	_, err := e.store.Document(e.ctx, d1.ID)
	wantCode(t, "Document of a deleted document", err, alliance.CodeNotFound, "")
	_, err = e.store.DocumentCase(e.ctx, d1.ID)
	wantCode(t, "DocumentCase of a deleted document", err, alliance.CodeNotFound, "")
	if caseID, err := e.store.DocumentCase(e.ctx, d2.ID); err != nil || caseID != k.ID {
		t.Errorf("DocumentCase(%d) = %d, %v; want %d", d2.ID, caseID, err, k.ID)
	}
	for _, id := range []int64{d1.ID, d2.ID + 1000} {
		err := e.store.Update(e.ctx, func(tx alliance.Tx) error { return tx.DeleteDocument(e.ctx, id) })
		wantCode(t, fmt.Sprintf("DeleteDocument(%d), a missing document", id), err, alliance.CodeNotFound, "")
	}

	stop := errors.New("stop")
	err = e.store.Update(e.ctx, func(tx alliance.Tx) error {
		return errors.Join(tx.DeleteDocument(e.ctx, d2.ID), stop)
	})
	if !errors.Is(err, stop) {
		t.Errorf("Update = %v; want the error of its function", err)
	}
	checkDocuments(t, e, e.store, k.ID, []*alliance.Document{d2})
}

// testDocumentsInvalid checks that documents that refer to what does not
// exist, or are of an unknown kind, are refused with CodeInvalid and the
// field at fault and store nothing, and that every kind of
// alliance.DocumentKinds is accepted.
func testDocumentsInvalid(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "a@example.org")
	k := newCase(a.ID, u.ID, "D-1")
	e.createCases(k)
	const none = 1000
	tests := []struct {
		name  string
		mod   func(*alliance.Document)
		field string
	}{
		{"on an unknown case", func(d *alliance.Document) { d.CaseID += none }, "case"},
		{"by an unknown user", func(d *alliance.Document) { d.By += none }, "user"},
		{"of an unknown kind", func(d *alliance.Document) { d.Kind = "passport" }, "kind"},
		{"of no kind", func(d *alliance.Document) { d.Kind = "" }, "kind"},
	}
	for _, tc := range tests {
		err := e.store.Update(e.ctx, func(tx alliance.Tx) error {
			return tx.AddDocument(e.ctx, document(k.ID, u.ID, tc.mod))
		})
		wantCode(t, "a document "+tc.name, err, alliance.CodeInvalid, tc.field)
		for _, s := range documentSecrets {
			if err != nil && strings.Contains(err.Error(), s) {
				t.Errorf("the error of a document %s repeats %q: %v", tc.name, s, err)
			}
		}
	}
	checkDocuments(t, e, e.store, k.ID, nil)

	var all []*alliance.Document
	for i, kind := range alliance.DocumentKinds {
		all = append(all, document(k.ID, u.ID, func(d *alliance.Document) {
			d.Kind, d.At = kind, base.Add(time.Duration(i)*time.Minute)
		}))
	}
	e.addDocuments(all...)
	checkDocuments(t, e, e.store, k.ID, all)
}

// rawDocument returns the stored sealed values of a document, keyed by
// column.
func rawDocument(t *testing.T, e *env, id int64) map[string][]byte {
	t.Helper()
	var name, note, content []byte
	err := e.raw().QueryRowContext(e.ctx, `SELECT name, note, content FROM documents WHERE id = $1`, id).
		Scan(&name, &note, &content)
	if err != nil {
		t.Fatalf("read document %d: %v", id, err)
	}
	return map[string][]byte{"name": name, "note": note, "content": content}
}

// checkDocumentSealed checks that the sealed values of document d are sealed
// under the active key, bound to their column names, and open to the name,
// note and content of d.
func checkDocumentSealed(t *testing.T, e *env, d *alliance.Document) {
	t.Helper()
	stored := rawDocument(t, e, d.ID)
	want := map[string][]byte{"name": []byte(d.Name), "note": []byte(d.Note), "content": d.Content}
	for i, c := range documentSealed {
		ct := stored[c.column]
		pt, err := e.keys.Open(c.name, ct)
		if err != nil || !e.keys.Current(ct) || !bytes.Equal(pt, want[c.column]) {
			t.Errorf("documents.%s of %d opens under %s to %d bytes, %v (current: %t); want %d bytes, under the active key",
				c.column, d.ID, c.name, len(pt), err, e.keys.Current(ct), len(want[c.column]))
		}
		other := documentSealed[(i+1)%len(documentSealed)].name
		if _, err := e.keys.Open(other, ct); err == nil {
			t.Errorf("documents.%s of %d opens under %s too; want it bound to %s", c.column, d.ID, other, c.name)
		}
	}
}

// checkNoDocumentSecrets checks that no column of the row of document id
// holds a plaintext of documentSecrets, nor the content given.
func checkNoDocumentSecrets(t *testing.T, e *env, id int64, content []byte) {
	t.Helper()
	for col, v := range rawRow(t, e, `SELECT * FROM documents WHERE id = $1`, id) {
		for _, s := range documentSecrets {
			if bytes.Contains(bytes.ToLower(v), bytes.ToLower([]byte(s))) {
				t.Errorf("documents.%s of %d holds the plaintext %q", col, id, s)
			}
		}
		if len(content) > 0 && bytes.Contains(v, content) {
			t.Errorf("documents.%s of %d holds the content", col, id)
		}
	}
}

// checkDocumentClear checks the columns of document d kept in clear.
func checkDocumentClear(t *testing.T, e *env, d *alliance.Document) {
	t.Helper()
	var kind, mediaType, sum string
	var size int64
	err := e.raw().QueryRowContext(e.ctx, `SELECT kind, media_type, size, sha256 FROM documents WHERE id = $1`, d.ID).
		Scan(&kind, &mediaType, &size, &sum)
	if err != nil || kind != d.Kind || mediaType != d.MediaType || size != d.Size || sum != d.SHA256 {
		t.Errorf("clear columns of document %d = %q, %q, %d, %q, %v; want %q, %q, %d, %q",
			d.ID, kind, mediaType, size, sum, err, d.Kind, d.MediaType, d.Size, d.SHA256)
	}
}

// testDocumentsEncryptedAtRest checks that the name, note and content of a
// document are stored sealed, and its kind, media type, size and digest in
// clear.
func testDocumentsEncryptedAtRest(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "a@example.org")
	k := newCase(a.ID, u.ID, "D-1")
	e.createCases(k)
	large := append(bytes.Repeat([]byte(secretDocMarker+" "), 1000), randomBytes(1<<16)...)
	d1, d2 := document(k.ID, u.ID), document(k.ID, u.ID, withContent(large))
	e.addDocuments(d1, d2)
	for _, d := range []*alliance.Document{d1, d2} {
		checkNoDocumentSecrets(t, e, d.ID, d.Content)
		checkDocumentClear(t, e, d)
		checkDocumentSealed(t, e, d)
	}
}

// blankDocument returns a copy of d as EraseCaseText leaves it: no name, no
// note, an empty content, the rest as it was.
func blankDocument(d *alliance.Document) *alliance.Document {
	x := *d
	x.Name, x.Note, x.Content, x.SHA256 = "", "", []byte{}, ""
	return &x
}

// testEraseDocuments checks that EraseCaseText blanks the names, notes and
// contents and the digests of the documents of one case, and only of that
// case, keeping their kinds, media types and sizes, and that a rotation
// re-seals the blanks.
func testEraseDocuments(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "a@example.org")
	k, other := newCase(a.ID, u.ID, "D-1"), newCase(a.ID, u.ID, "D-2")
	e.createCases(k, other)
	ds := []*alliance.Document{document(k.ID, u.ID), document(k.ID, u.ID, func(d *alliance.Document) {
		d.Kind, d.Note, d.At = "medical", "", base.Add(time.Hour)
	})}
	otherD := document(other.ID, u.ID)
	e.addDocuments(append(ds, otherD)...)
	otherOld := rawDocument(t, e, otherD.ID)

	var blank []*alliance.Document
	for _, d := range ds {
		blank = append(blank, blankDocument(d))
	}
	e.update(func(tx alliance.Tx) error {
		if err := tx.EraseCaseText(e.ctx, k.ID); err != nil {
			return err
		}
		checkDocuments(t, e, tx, k.ID, blank)
		return nil
	})
	checkDocuments(t, e, e.store, k.ID, blank)
	checkDocuments(t, e, e.store, other.ID, []*alliance.Document{otherD})
	if diff := cmp.Diff(otherOld, rawDocument(t, e, otherD.ID)); diff != "" {
		t.Errorf("the stored document of another case changed (-before +after):\n%s", diff)
	}
	for _, d := range blank {
		checkNoDocumentSecrets(t, e, d.ID, secretDocContent)
		checkDocumentClear(t, e, d)
		checkDocumentSealed(t, e, d)
	}

	// The blanks are sealed under the data key like any other value.
	e.keys.Rotate()
	if n, err := e.store.Reencrypt(e.ctx, 0); err != nil || n == 0 {
		t.Fatalf("Reencrypt = %d, %v; want values re-sealed", n, err)
	}
	for _, d := range blank {
		checkDocumentSealed(t, e, d)
	}
	checkDocuments(t, e, e.store, k.ID, blank)
	checkDocuments(t, e, e.store, other.ID, []*alliance.Document{otherD})
}

// testReencryptDocuments rotates the data key and checks that Reencrypt
// re-seals the names, notes and contents of documents, the empty ones too,
// within its limit, row after row.
func testReencryptDocuments(t *testing.T, e *env) {
	a := e.org("Org A")
	u := e.user(a.ID, "caseworker@example.org")
	k := newCase(a.ID, u.ID, "R-1")
	e.createCases(k)
	ds := []*alliance.Document{
		document(k.ID, u.ID, withContent(randomBytes(1<<20))),
		document(k.ID, u.ID, func(d *alliance.Document) { d.Note, d.At = "", base.Add(time.Hour) }),
		document(k.ID, u.ID, func(d *alliance.Document) { d.At = base.Add(2 * time.Hour) }),
	}
	e.addDocuments(ds...)
	old := map[int64]map[string][]byte{}
	for _, d := range ds {
		old[d.ID] = rawDocument(t, e, d.ID)
	}

	reencrypt(t, e, 0, 0)
	e.keys.Rotate()
	reencrypt(t, e, 3, 3) // the user's email and name, and the person
	reencrypt(t, e, 4, 4) // the first document, and the name of the second
	reencrypt(t, e, 0, 5) // the rest: 2 of the second, 3 of the third, the empty note too
	reencrypt(t, e, 0, 0)
	for _, d := range ds {
		checkDocumentSealed(t, e, d)
		for col, ct := range rawDocument(t, e, d.ID) {
			if bytes.Equal(ct, old[d.ID][col]) {
				t.Errorf("documents.%s of %d is unchanged after Reencrypt", col, d.ID)
			}
		}
	}
	checkDocuments(t, e, e.store, k.ID, ds)
}
