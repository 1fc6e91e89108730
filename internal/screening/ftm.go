package screening

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"unicode/utf8"
)

// typeSkip marks a record of a schema that is not screened.
const typeSkip Type = "\x00skip"

// maxLineBytes bounds one line of a JSON-lines file.
const maxLineBytes = 16 << 20

// schemaType maps the FollowTheMoney schemata that are screened to entity types.
// Other schemata (Sanction, Address, Ownership, Vessel ...) are skipped.
var schemaType = map[string]Type{
	"Person":       TypePerson,
	"Company":      TypeCompany,
	"Organization": TypeOrganization,
	"LegalEntity":  TypeOrganization,
	"PublicBody":   TypeOrganization,
}

// ftmEntity is the part of a FollowTheMoney entity that screening reads.
type ftmEntity struct {
	ID         string `json:"id"`
	Schema     string `json:"schema"`
	Properties struct {
		Name         []string `json:"name"`
		Alias        []string `json:"alias"`
		PreviousName []string `json:"previousName"`
		Country      []string `json:"country"`
		Nationality  []string `json:"nationality"`
		Jurisdiction []string `json:"jurisdiction"`
	} `json:"properties"`
}

// parseFtM reads OpenSanctions FollowTheMoney entities, one JSON object a line.
// Weak aliases are left out on purpose: OpenSanctions marks them as too short or
// common to match on.
func parseFtM(file string, r io.Reader) ([]Entity, int, error) {
	p := &problems{file: file}
	br := bufio.NewReaderSize(r, 1<<16)
	var out []Entity
	ids := map[string]int{}
	skipped := 0
	for line := 1; !p.full(); line++ {
		raw, err := readLine(br)
		if len(bytes.TrimSpace(raw)) > 0 {
			e, ok := ftmRecord(p, line, raw, ids)
			switch {
			case ok && e.Type == typeSkip:
				skipped++
			case ok:
				out = append(out, e)
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			p.add(line, "", "%v", err)
			break
		}
	}
	if err := p.err(); err != nil {
		return nil, 0, err
	}
	return out, skipped, nil
}

var errLongLine = errors.New("line is longer than 16 MiB")

// readLine reads one line without its end, failing on lines over maxLineBytes.
func readLine(br *bufio.Reader) ([]byte, error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		buf = append(buf, chunk...)
		if len(buf) > maxLineBytes {
			return nil, errLongLine
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return bytes.TrimRight(buf, "\r\n"), err
		}
	}
}

func ftmRecord(p *problems, line int, raw []byte, ids map[string]int) (Entity, bool) {
	if !utf8.Valid(raw) {
		p.add(line, "", "is not valid UTF-8")
		return Entity{}, false
	}
	var fe ftmEntity
	if err := json.Unmarshal(raw, &fe); err != nil {
		p.add(line, "", "malformed JSON: %v", err)
		return Entity{}, false
	}
	typ, ok := schemaType[fe.Schema]
	if !ok {
		if fe.Schema == "" {
			p.add(line, "schema", "is missing")
			return Entity{}, false
		}
		return Entity{Type: typeSkip}, true
	}
	props := fe.Properties
	all := append(append(append([]string(nil), props.Name...), props.Alias...), props.PreviousName...)
	e := Entity{ID: fe.ID, Type: typ, Line: line}
	if len(props.Name) == 0 {
		p.add(line, "properties.name", "is missing")
		return Entity{}, false
	}
	e.Name = strings.TrimSpace(props.Name[0])
	e.Aliases = checkEntity(p, line, &e, ids, strings.Join(dedupe(all[1:], e.Name), ";"))
	countries := append(append(append([]string(nil), props.Country...), props.Nationality...), props.Jurisdiction...)
	e.Countries = parseCountries(p, line, "properties.country", strings.Join(dedupe(countries, ""), ";"), false)
	return e, true
}

// dedupe drops empty values, repeats and skip; a ";" inside a value would split
// it, so it becomes a space.
func dedupe(vals []string, skip string) []string {
	seen := map[string]bool{skip: true, "": true}
	var out []string
	for _, v := range vals {
		v = strings.TrimSpace(strings.ReplaceAll(v, ";", " "))
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
