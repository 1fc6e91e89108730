package linkage

import (
	"bufio"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"alliance/internal/strictjson"
)

// clkMagic is the first line of every .clk file.
const clkMagic = "alliance-clk 1"

// Header is the second line of a .clk file: what the encodings were made with.
type Header struct {
	Schema            *Schema `json:"schema"`
	SchemaFingerprint string  `json:"schema_fingerprint"`
	SecretFingerprint string  `json:"secret_fingerprint"`
	Records           int     `json:"records"`
}

// Party is one partner's encoded records, as read from its .clk file.
type Party struct {
	Name    string
	Header  Header
	IDs     []string
	Filters []uint64 // len(IDs) filters of Words() words, one after the other
}

// Words returns the length of a filter in 64-bit words.
func (p *Party) Words() int { return p.Header.Schema.FilterBits / 64 }

// Filter returns the filter of record i.
func (p *Party) Filter(i int) []uint64 {
	w := p.Words()
	return p.Filters[i*w : (i+1)*w]
}

// WriteCLK writes a .clk file: the magic line, the header as one line of JSON, then
// one CSV line per record with its id and its filter in standard base64.
func WriteCLK(w io.Writer, e *Encoder, ids []string, filters []uint64) error {
	h := Header{Schema: e.schema, SchemaFingerprint: e.schema.Fingerprint(),
		SecretFingerprint: e.fp, Records: len(ids)}
	hj, err := json.Marshal(h)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	fmt.Fprintf(bw, "%s\n%s\n", clkMagic, hj)
	words := e.Words()
	raw := make([]byte, words*8)
	b64 := make([]byte, base64.StdEncoding.EncodedLen(len(raw)))
	cw := csv.NewWriter(bw)
	for i, id := range ids {
		for j, x := range filters[i*words : (i+1)*words] {
			putUint64(raw[j*8:], x)
		}
		base64.StdEncoding.Encode(b64, raw)
		if err := cw.Write([]string{id, string(b64)}); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func putUint64(b []byte, x uint64) {
	for i := range 8 {
		b[i] = byte(x >> (8 * i))
	}
}

func getUint64(b []byte) uint64 {
	var x uint64
	for i := range 8 {
		x |= uint64(b[i]) << (8 * i)
	}
	return x
}

// ReadCLK reads a .clk file written by WriteCLK. name is the file name used in
// errors, which give the line and the field of the fault; the party's Name is left
// for the caller to set.
func ReadCLK(r io.Reader, name string) (*Party, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	fail := func(line int, format string, args ...any) (*Party, error) {
		return nil, fmt.Errorf("%s, line %d: %s", name, line, fmt.Sprintf(format, args...))
	}
	magic, err := br.ReadString('\n')
	if strings.TrimRight(magic, "\r\n") != clkMagic {
		if err == io.EOF && magic == "" {
			return fail(1, "the file is empty; it is not a .clk file")
		}
		return fail(1, "not a .clk file (the first line must be %q); make it with 'alliance link encode'", clkMagic)
	}
	hline, err := br.ReadString('\n')
	if err != nil && err != io.EOF {
		return fail(2, "%v", err)
	}
	h, err := parseHeader([]byte(hline))
	if err != nil {
		return fail(2, "header: %v", err)
	}
	p := &Party{Header: h}
	if err := readRecords(br, p, name); err != nil {
		return nil, err
	}
	if len(p.IDs) != h.Records {
		return fail(3+len(p.IDs), "the header announces %d records but the file holds %d; is it truncated?", h.Records, len(p.IDs))
	}
	return p, nil
}

func parseHeader(line []byte) (Header, error) {
	var h Header
	if err := strictjson.Decode(line, &h); err != nil {
		return h, err
	}
	switch {
	case h.Schema == nil:
		return h, errors.New("field \"schema\" is missing")
	case h.Records < 0:
		return h, fmt.Errorf("field \"records\" is %d", h.Records)
	case len(h.SecretFingerprint) != 32:
		return h, errors.New("field \"secret_fingerprint\" is missing or malformed")
	}
	if err := h.Schema.Validate(); err != nil {
		return h, fmt.Errorf("field \"schema\": %w", err)
	}
	if fp := h.Schema.Fingerprint(); fp != h.SchemaFingerprint {
		return h, errors.New("field \"schema_fingerprint\" does not match the schema; the file was altered")
	}
	return h, nil
}

func readRecords(br *bufio.Reader, p *Party, name string) error {
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = 2
	cr.ReuseRecord = true
	raw := make([]byte, p.Words()*8+3)
	// The header's count is only a hint: it may be wrong, so it never reserves
	// more than 128 MiB of filters.
	n := min(p.Header.Records, 1<<27/(p.Words()*8))
	p.IDs = make([]string, 0, n)
	p.Filters = make([]uint64, 0, n*p.Words())
	seen := make(map[string]struct{}, n)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return fmt.Errorf("%s, line %d: %v", name, pe.Line+2, pe.Err)
			}
			return fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		line += 2
		if err := p.add(rec, seen, raw); err != nil {
			return fmt.Errorf("%s, line %d, %w", name, line, err)
		}
	}
}

// add decodes one record of a .clk file and appends it to the party.
func (p *Party) add(rec []string, seen map[string]struct{}, raw []byte) error {
	words, enc := p.Words(), base64.StdEncoding
	if rec[0] == "" {
		return errors.New("field id: the id is empty")
	}
	if _, dup := seen[rec[0]]; dup {
		return fmt.Errorf("field id: id %q appears twice", rec[0])
	}
	seen[rec[0]] = struct{}{}
	if len(rec[1]) != enc.EncodedLen(words*8) {
		return fmt.Errorf("field clk: the filter has about %d bits but the schema says %d; were files of different schemas mixed?",
			enc.DecodedLen(len(rec[1]))*8, words*64)
	}
	if n, err := enc.Decode(raw, []byte(rec[1])); err != nil || n != words*8 {
		return fmt.Errorf("field clk: not a base64 filter of %d bits", words*64)
	}
	p.IDs = append(p.IDs, strings.Clone(rec[0]))
	for j := range words {
		p.Filters = append(p.Filters, getUint64(raw[j*8:]))
	}
	return nil
}

// Compatible checks that parties were encoded with one schema and one secret, and
// says which file differs from the first.
func Compatible(parties []*Party) error {
	if len(parties) == 0 {
		return errors.New("no encodings to match")
	}
	first := parties[0]
	for _, p := range parties[1:] {
		switch {
		case p.Header.SchemaFingerprint != first.Header.SchemaFingerprint:
			return fmt.Errorf("%s was encoded with another schema than %s (%q and %q); encode both with the same --schema",
				p.Name, first.Name, p.Header.Schema.Name, first.Header.Schema.Name)
		case p.Header.SecretFingerprint != first.Header.SecretFingerprint:
			return fmt.Errorf("%s was encoded with another secret than %s (fingerprints %s and %s); encode both with the same --secret-file",
				p.Name, first.Name, p.Header.SecretFingerprint, first.Header.SecretFingerprint)
		}
	}
	return nil
}
