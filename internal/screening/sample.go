package screening

import (
	"bytes"
	_ "embed"
	"time"
)

// SampleCSV is a small synthetic watch list for demonstrations and tests, in the
// alliance CSV format. Every name in it is invented: it lists no real person or
// company.
//
//go:embed sample/sample-list.csv
var SampleCSV []byte

// SampleSource is the source name under which the sample list is loaded.
const SampleSource = "builtin:sample"

// SampleList returns the sample list as a snapshot loaded at now.
func SampleList(now time.Time) *Snapshot {
	s, err := ReadSnapshot(SampleSource, bytes.NewReader(SampleCSV), FormatCSV, now)
	if err != nil {
		panic("screening: the embedded sample list is broken: " + err.Error())
	}
	return s
}
