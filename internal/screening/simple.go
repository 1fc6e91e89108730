package screening

import (
	"encoding/csv"
	"errors"
	"io"
	"strings"
)

// simpleRequired are the columns of OpenSanctions targets.simple.csv that
// screening needs; aliases and countries are read when present. The full header is
// id,schema,name,aliases,birth_date,countries,addresses,identifiers,sanctions,
// phones,emails,program_ids,dataset,first_seen,last_seen,last_change, and older
// exports lack some columns, so columns are found by name.
var simpleRequired = []string{"id", "schema", "name"}

// parseSimple reads OpenSanctions targets.simple.csv.
func parseSimple(file string, r io.Reader) ([]Entity, int, error) {
	p := &problems{file: file}
	cr := csvReader(r)
	col, ok := simpleColumns(cr, p)
	if !ok {
		return nil, 0, p.err()
	}
	var out []Entity
	ids := map[string]int{}
	skipped := 0
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
		if len(rec) != len(col) {
			p.add(line, "", "%d fields; the header has %d", len(rec), len(col))
			continue
		}
		typ, ok := schemaType[strings.TrimSpace(col.get(rec, "schema"))]
		if !ok {
			skipped++
			continue
		}
		e := Entity{ID: strings.TrimSpace(col.get(rec, "id")), Name: strings.TrimSpace(col.get(rec, "name")), Type: typ, Line: line}
		e.Aliases = checkEntity(p, line, &e, ids, col.get(rec, "aliases"))
		e.Countries = parseCountries(p, line, "countries", col.get(rec, "countries"), false)
		out = append(out, e)
	}
	if err := p.err(); err != nil {
		return nil, 0, err
	}
	return out, skipped, nil
}

// columns maps the column names of a header to their positions.
type columns map[string]int

func (c columns) get(rec []string, name string) string {
	if i, ok := c[name]; ok && i < len(rec) {
		return rec[i]
	}
	return ""
}

func simpleColumns(cr *csv.Reader, p *problems) (columns, bool) {
	head, ok := readHeader(cr, p)
	if !ok {
		return nil, false
	}
	col := columns{}
	for i, h := range head {
		col[h] = i
	}
	for _, c := range simpleRequired {
		if _, ok := col[c]; !ok {
			p.add(1, "", "header %q lacks column %q; want the OpenSanctions targets.simple.csv header (id,schema,name,aliases,...,countries,...)", truncate(strings.Join(head, ",")), c)
			return nil, false
		}
	}
	if len(col) != len(head) {
		p.add(1, "", "header %q names a column twice", truncate(strings.Join(head, ",")))
		return nil, false
	}
	return col, true
}
