package screening

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// csvHeader is the header of the alliance list format.
var csvHeader = []string{"id", "name", "aliases", "country", "type"}

// csvReader returns a CSV reader that reports its lines and tolerates a varying
// number of fields (checked by the caller, with a better message).
func csvReader(r io.Reader) *csv.Reader {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	return cr
}

// readHeader reads the first record, without a byte-order mark, trimmed and in lower case.
func readHeader(cr *csv.Reader, p *problems) ([]string, bool) {
	rec, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			p.add(0, "", "the file is empty; want a header line %q", strings.Join(csvHeader, ","))
		} else {
			p.add(1, "", "%s", csvErr(err))
		}
		return nil, false
	}
	out := make([]string, len(rec))
	for i, h := range rec {
		out[i] = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
	}
	return out, true
}

func csvErr(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("malformed CSV: %v", pe.Err)
	}
	return err.Error()
}

// parseCSV reads the alliance list format: a header id,name,aliases,country,type;
// aliases and countries separated by ";"; type company, person, organization or
// empty.
func parseCSV(file string, r io.Reader) ([]Entity, error) {
	p := &problems{file: file}
	cr := csvReader(r)
	head, ok := readHeader(cr, p)
	if !ok {
		return nil, p.err()
	}
	if strings.Join(head, ",") != strings.Join(csvHeader, ",") {
		p.add(1, "", "header is %q; want %q", strings.Join(head, ","), strings.Join(csvHeader, ","))
		return nil, p.err()
	}
	var out []Entity
	ids := map[string]int{}
	for !p.full() {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			p.add(parseLine(err), "", "%s", csvErr(err))
			break
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(csvHeader) {
			p.add(line, "", "%d fields; want %d (%s)", len(rec), len(csvHeader), strings.Join(csvHeader, ","))
			continue
		}
		e := Entity{ID: strings.TrimSpace(rec[0]), Name: strings.TrimSpace(rec[1]), Line: line}
		e.Aliases = checkEntity(p, line, &e, ids, rec[2])
		e.Countries = parseCountries(p, line, "country", rec[3], true)
		e.Type = parseType(p, line, rec[4])
		out = append(out, e)
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return out, nil
}

// parseLine is the line of a CSV error (FieldPos may not be called after one).
func parseLine(err error) int {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Line
	}
	return 0
}

// checkEntity checks the id and name of e and returns its aliases.
func checkEntity(p *problems, line int, e *Entity, ids map[string]int, aliases string) []string {
	switch prev, dup := ids[e.ID]; {
	case e.ID == "":
		p.add(line, "id", "is empty")
	case dup:
		p.add(line, "id", "duplicate id %q (first on line %d)", e.ID, prev)
	case !validText(e.ID):
		p.add(line, "id", "is not valid UTF-8")
	default:
		ids[e.ID] = line
	}
	if err := CheckName(e.Name); err != nil {
		p.add(line, "name", "%v", err)
	}
	return splitAliases(p, line, "aliases", aliases)
}

func splitAliases(p *problems, line int, field, s string) []string {
	var out []string
	for _, a := range strings.Split(s, ";") {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		if err := CheckName(a); err != nil {
			p.add(line, field, "alias %v", err)
			continue
		}
		out = append(out, a)
	}
	return out
}

// parseCountries splits ";"-separated country codes. strict asks for ISO 3166
// alpha-2; OpenSanctions also uses codes such as "suhh" and "ge-ab", kept as they are.
func parseCountries(p *problems, line int, field, s string, strict bool) []string {
	var out []string
	for _, c := range strings.Split(s, ";") {
		c = strings.ToLower(strings.TrimSpace(c))
		switch {
		case c == "":
			continue
		case strict && (len(c) != 2 || !isLetters(c)):
			p.add(line, field, "%q is not a two-letter ISO 3166 code such as UA or TR", truncate(c))
			continue
		case !strict && !validText(c):
			p.add(line, field, "is not valid UTF-8")
			continue
		}
		out = append(out, c)
	}
	return out
}

func parseType(p *problems, line int, s string) Type {
	switch t := Type(strings.ToLower(strings.TrimSpace(s))); t {
	case TypeUnknown, TypeCompany, TypePerson, TypeOrganization:
		return t
	case "organisation":
		return TypeOrganization
	}
	p.add(line, "type", "%q; want company, person, organization or empty", truncate(s))
	return TypeUnknown
}

func validText(s string) bool { return utf8.ValidString(s) }

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

// truncate shortens a value quoted in a message.
func truncate(s string) string {
	if len(s) > 40 {
		return strings.ToValidUTF8(s[:40], "") + "…"
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
