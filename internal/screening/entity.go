package screening

import (
	"fmt"
	"strings"
	"time"
)

// Type is the kind of a listed entity.
type Type string

// The entity types of the lists. TypeUnknown is a list entry that did not say.
const (
	TypeUnknown      Type = ""
	TypeCompany      Type = "company"
	TypePerson       Type = "person"
	TypeOrganization Type = "organization"
)

// Entity is one entry of a watch list: a company, an organisation or a person,
// under its name and its aliases.
type Entity struct {
	ID        string
	Name      string
	Aliases   []string
	Countries []string // ISO 3166 alpha-2 codes, lower case
	Type      Type
	Line      int // line of the list file the entity came from
}

// Names returns the entity's name followed by its aliases.
func (e *Entity) Names() []string {
	return append([]string{e.Name}, e.Aliases...)
}

// Format is the file format of a list.
type Format string

// The list formats.
const (
	FormatCSV    Format = "csv"            // id,name,aliases,country,type
	FormatFtM    Format = "ftm-jsonl"      // OpenSanctions FollowTheMoney JSON lines
	FormatSimple Format = "targets.simple" // OpenSanctions targets.simple.csv
)

// Version identifies one load of a list: which file, when, and what it held.
type Version struct {
	Source   string    // the file name or other label the list was loaded from
	Format   Format    //
	LoadedAt time.Time // when the load finished
	SHA256   string    // hex checksum of the bytes read
	Entities int       // entities loaded
	Skipped  int       // records of schemas that are not screened (addresses, sanctions ...)
}

// Label is a short, stable name of the version for reports: the source and the
// first twelve hex digits of the checksum.
func (v Version) Label() string {
	return v.Source + "@" + v.SHA256[:min(12, len(v.SHA256))]
}

// Snapshot is a list as loaded once. It is never changed after the load.
type Snapshot struct {
	Version  Version
	Entities []Entity
}

// Problem is one defect of a list or input file, located by line and field.
type Problem struct {
	File  string
	Line  int    // 1-based; 0 when the problem concerns the whole file
	Field string // empty when the problem concerns the whole line
	Msg   string
}

// String renders the problem as "file:line: field: message".
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	if p.Field != "" {
		fmt.Fprintf(&b, ": %s", p.Field)
	}
	b.WriteString(": ")
	b.WriteString(p.Msg)
	return b.String()
}

// maxProblems bounds the problems collected from one file: after that many the
// file is clearly of the wrong kind and more messages do not help.
const maxProblems = 20

// LoadError reports why a file could not be loaded, with every problem found (up to
// a bound). A list that fails to load does not replace the version in force.
type LoadError struct {
	File     string
	Problems []Problem
	More     bool // more problems were found than are listed
}

// Error lists the problems, one a line.
func (e *LoadError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d problem(s), nothing loaded", e.File, len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	if e.More {
		b.WriteString("\n  ... and more; fix these first")
	}
	return b.String()
}

// problems collects the defects of one file.
type problems struct {
	file string
	list []Problem
	more bool
}

func (p *problems) add(line int, field, format string, args ...any) {
	if len(p.list) >= maxProblems {
		p.more = true
		return
	}
	p.list = append(p.list, Problem{File: p.file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

func (p *problems) full() bool { return len(p.list) >= maxProblems }

func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	return &LoadError{File: p.file, Problems: p.list, More: p.more}
}
