package screening

import (
	"errors"
	"io"
	"strings"
)

// ReadQueries reads names to screen from a CSV file with the header id,name or
// id,name,country. Every row is checked before any is returned, so a file with a
// bad row is refused as a whole with a *LoadError naming each bad line and field.
func ReadQueries(file string, r io.Reader) ([]Query, error) {
	p := &problems{file: file}
	cr := csvReader(r)
	head, ok := readHeader(cr, p)
	if !ok {
		return nil, p.err()
	}
	if h := strings.Join(head, ","); h != "id,name" && h != "id,name,country" {
		p.add(1, "", "header is %q; want \"id,name\" or \"id,name,country\"", truncate(h))
		return nil, p.err()
	}
	var out []Query
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
		if len(rec) != len(head) {
			p.add(line, "", "%d fields; the header has %d", len(rec), len(head))
			continue
		}
		out = append(out, readQuery(p, line, rec, ids))
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return out, nil
}

func readQuery(p *problems, line int, rec []string, ids map[string]int) Query {
	q := Query{ID: strings.TrimSpace(rec[0]), Name: strings.TrimSpace(rec[1])}
	if len(rec) > 2 {
		if cs := parseCountries(p, line, "country", rec[2], true); len(cs) > 1 {
			p.add(line, "country", "one country per name, got %d", len(cs))
		} else if len(cs) == 1 {
			q.Country = cs[0]
		}
	}
	checkQuery(p, line, q, ids)
	return q
}

func checkQuery(p *problems, line int, q Query, ids map[string]int) {
	switch prev, dup := ids[q.ID]; {
	case q.ID == "":
		p.add(line, "id", "is empty")
	case !validText(q.ID):
		p.add(line, "id", "is not valid UTF-8")
	case dup:
		p.add(line, "id", "duplicate id %q (first on line %d)", truncate(q.ID), prev)
	default:
		ids[q.ID] = line
	}
	if err := CheckName(q.Name); err != nil {
		p.add(line, "name", "%v", err)
	}
}
