package alliance

import (
	"strings"
	"time"
	"unicode/utf8"
)

// WatchList is one version of a watch list loaded into the alliance (a
// forced-labour entity list, a sanctions list, a national list of
// unlicensed agencies): the file as loaded, kept so that the matcher can be
// rebuilt, with its checksum. The latest version of a name is in force.
type WatchList struct {
	ID           int64      `json:"id"`
	Name         string     `json:"name"`   // what the list is, e.g. "UFLPA Entity List"
	Source       string     `json:"source"` // the file it was loaded from
	Format       string     `json:"format"` // csv, ftm-jsonl or targets.simple
	SHA256       string     `json:"sha256"`
	Entities     int        `json:"entities"`
	Data         []byte     `json:"-"`
	LoadedBy     int64      `json:"loaded_by"`
	LoadedAt     time.Time  `json:"loaded_at"`
	RescreenedAt *time.Time `json:"rescreened_at,omitempty"` // when the saved names were screened against it
}

// Validate checks a list's name.
func (w *WatchList) Validate() error {
	if strings.TrimSpace(w.Name) == "" || utf8.RuneCountInString(w.Name) > 200 {
		return Invalid("list_name", "name the list, in at most 200 characters")
	}
	return nil
}

// WatchCheck is a screening an organisation saved: the names it screened
// (one typed in the search box, or a file of suppliers), kept so that they
// are screened again when a list changes, and their hits.
type WatchCheck struct {
	ID        int64     `json:"id"`
	OrgID     int64     `json:"org_id"`
	Label     string    `json:"label"` // the file's name, or "search"
	Names     int       `json:"names"`
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	OpenHits  int       `json:"open_hits"` // hits not yet reviewed (filled in lists)
}

// WatchName is one name of a check. The name may be a person's: it is
// sealed.
type WatchName struct {
	ID      int64  `json:"id"`
	CheckID int64  `json:"check_id"`
	QueryID string `json:"query_id"` // the id the file gave it
	Name    string `json:"name"`
	Country string `json:"country,omitempty"`
}

// Hit review statuses.
const (
	HitOpen      = "open"
	HitConfirmed = "confirmed" // the listed entity is the one screened
	HitDismissed = "dismissed" // a false alarm
)

// WatchHit is a listed entity found for a name, and what a reviewer decided
// about it. A name is hit by an entity of a list at most once: a rescreen
// adds only new hits.
type WatchHit struct {
	ID          int64      `json:"id"`
	CheckID     int64      `json:"check_id"`
	NameID      int64      `json:"name_id"`
	ListID      int64      `json:"list_id"`   // the version that held the entity when found
	ListName    string     `json:"list_name"` // for "at most once per list"
	EntityID    string     `json:"entity_id"`
	ListedName  string     `json:"listed_name"`
	Score       float64    `json:"score"`
	Explanation string     `json:"explanation"`
	Status      string     `json:"status"`
	Reason      string     `json:"reason,omitempty"` // why confirmed or dismissed; sealed
	ReviewedBy  int64      `json:"reviewed_by,omitempty"`
	ReviewedAt  *time.Time `json:"reviewed_at,omitempty"`
	FoundAt     time.Time  `json:"found_at"`
	Revision    int64      `json:"revision"`
}

// Column names of the sealed texts of watch-list screening.
const (
	ColWatchName      = "watch_names.name"
	ColWatchHitReason = "watch_hits.reason"
)
