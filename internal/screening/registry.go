package screening

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"path"
	"strings"
	"sync"
	"time"
)

// DetectFormat tells the format of a list from its file name and its first bytes:
// .jsonl, .ndjson and .json files, and any file that starts with "{", are
// FollowTheMoney JSON lines; a file named targets.simple*, or a CSV whose header
// names a "schema" column, is OpenSanctions targets.simple.csv; any other CSV is
// the alliance format.
func DetectFormat(name string, head []byte) Format {
	switch strings.ToLower(path.Ext(name)) {
	case ".jsonl", ".ndjson", ".json":
		return FormatFtM
	}
	if strings.Contains(strings.ToLower(path.Base(name)), "targets.simple") {
		return FormatSimple
	}
	head = bytes.TrimPrefix(head, []byte("\ufeff"))
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		return FormatFtM
	}
	first, _, _ := bytes.Cut(head, []byte("\n"))
	for _, col := range strings.Split(strings.ToLower(string(first)), ",") {
		if strings.Trim(strings.TrimSpace(col), `"`) == "schema" {
			return FormatSimple
		}
	}
	return FormatCSV
}

// ReadSnapshot reads a whole list from r and returns it as a snapshot stamped with
// source, now and the SHA-256 of the bytes read. format "" detects the format
// (DetectFormat). A list with any problem is refused as a whole, with a
// *LoadError that names the file, line and field of each problem.
func ReadSnapshot(source string, r io.Reader, format Format, now time.Time) (*Snapshot, error) {
	h := sha256.New()
	br := bufio.NewReaderSize(io.TeeReader(r, h), 1<<16)
	if format == "" {
		head, _ := br.Peek(4096)
		format = DetectFormat(source, head)
	}
	var ents []Entity
	var skipped int
	var err error
	switch format {
	case FormatCSV:
		ents, err = parseCSV(source, br)
	case FormatFtM:
		ents, skipped, err = parseFtM(source, br)
	case FormatSimple:
		ents, skipped, err = parseSimple(source, br)
	default:
		return nil, fmt.Errorf("%s: unknown list format %q", source, format)
	}
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(io.Discard, br); err != nil { // hash the whole file
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	if len(ents) == 0 {
		return nil, &LoadError{File: source, Problems: []Problem{{File: source, Msg: "holds no entities to screen against"}}}
	}
	v := Version{Source: source, Format: format, LoadedAt: now.UTC(), SHA256: hex.EncodeToString(h.Sum(nil)), Entities: len(ents), Skipped: skipped}
	return &Snapshot{Version: v, Entities: ents}, nil
}

// Registry holds the version in force of each list, by source. Load replaces a
// list only when the new file loaded without a problem, so a truncated download
// or a broken export never leaves the alliance screening against nothing.
type Registry struct {
	mu       sync.Mutex
	lists    []*Snapshot
	screener *Screener
}

// Load reads a list and, if it loaded, puts it in force in place of the earlier
// version from the same source. On failure the earlier version stays in force and
// the error says why (a *LoadError for problems of the file).
func (g *Registry) Load(source string, r io.Reader, format Format, now time.Time) (*Snapshot, error) {
	s, err := ReadSnapshot(source, r, format, now)
	if err != nil {
		return nil, err
	}
	g.Put(s)
	return s, nil
}

// Put puts a snapshot in force in place of the earlier version from its source.
func (g *Registry) Put(s *Snapshot) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.screener = nil
	for i, old := range g.lists {
		if old.Version.Source == s.Version.Source {
			g.lists[i] = s
			return
		}
	}
	g.lists = append(g.lists, s)
}

// Snapshots returns the versions in force, in the order the sources were first loaded.
func (g *Registry) Snapshots() []*Snapshot {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]*Snapshot(nil), g.lists...)
}

// Screener returns a screener over the lists in force, built once per change.
func (g *Registry) Screener() *Screener {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.screener == nil {
		g.screener = NewScreener(g.lists...)
	}
	return g.screener
}
