package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"

	"alliance"
	"alliance/internal/screening"
)

// MaxScreenedNames bounds one screening request; a larger file is refused
// and is to be split by whoever sends it.
const MaxScreenedNames = 20_000

// watchState is the matcher over the lists in force, rebuilt when a list
// is loaded, and what each list version is in the store.
type watchState struct {
	mu       sync.RWMutex
	screener *screening.Screener
	ids      map[string]int64 // list version label → watch_lists.id
	newest   int64            // the newest version in the store when built
}

// latest returns the newest version the matcher was built with.
func (w *watchState) latest() int64 {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.newest
}

func (w *watchState) get() (*screening.Screener, map[string]int64) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.screener, w.ids
}

// WatchLists returns the versions of the lists in force: source, checksum,
// when loaded, how many entities.
func (s *Service) WatchLists() []screening.Version {
	sc, _ := s.watch.get()
	if sc == nil {
		return nil
	}
	return sc.Versions()
}

// InstallWatchLists stores the lists a deployment is started with (serve
// --watch-list) as versions, each under its file's name, unless that very
// version is in force already, and builds the matcher. The store keeps the
// lists: a list loaded in the app stays in force after a restart.
func (s *Service) InstallWatchLists(ctx context.Context, files map[string][]byte) error {
	for name, data := range files {
		w, err := s.prepareWatchList(ctx, 0, name, name, data, true)
		if alliance.ErrorCode(err) == alliance.CodeConflict {
			continue // that very file was loaded before: a restart changes nothing
		}
		if err != nil {
			return err
		}
		if err := s.store.Update(ctx, func(tx alliance.Tx) error { return tx.AddWatchList(ctx, w) }); err != nil {
			return err
		}
	}
	return s.RefreshWatchLists(ctx)
}

// RefreshWatchLists rebuilds the matcher from the latest version of every
// list in the store.
func (s *Service) RefreshWatchLists(ctx context.Context) error {
	all, err := s.store.WatchLists(ctx, true)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	ids := map[string]int64{}
	var snaps []*screening.Snapshot
	for _, w := range all { // newest first: the first of a name is in force
		if seen[w.Name] {
			continue
		}
		seen[w.Name] = true
		snap, err := screening.ReadSnapshot(w.Name, bytes.NewReader(w.Data), screening.Format(w.Format), w.LoadedAt)
		if err != nil {
			return fmt.Errorf("watch list %d (%s): %w", w.ID, w.Name, err)
		}
		snaps = append(snaps, snap)
		ids[snap.Version.Label()] = w.ID
	}
	sc := screening.NewScreener(snaps...)
	s.watch.mu.Lock()
	s.watch.screener, s.watch.ids = sc, ids
	if len(all) > 0 {
		s.watch.newest = all[0].ID
	}
	s.watch.mu.Unlock()
	return nil
}

// LoadWatchList loads a new version of the list called name from a file
// (alliance CSV, OpenSanctions FtM JSON lines or targets.simple.csv). A file
// with any fault is refused whole, naming file, line and field, and the
// version in force stays; a loaded version is rescreened against every
// saved name by the background job, and the owners of new hits are told.
func (s *Service) LoadWatchList(ctx context.Context, c Caller, name, source string, data []byte) (*alliance.WatchList, error) {
	res := alliance.Resource{Type: "watchlist", OrgID: c.OrgID}
	if err := s.authorize(ctx, c, alliance.ActWatchListLoad, res); err != nil {
		return nil, err
	}
	w, err := s.prepareWatchList(ctx, c.UserID, strings.TrimSpace(name), source, data, false)
	if err != nil {
		return nil, err
	}
	if err := s.mayReplace(ctx, c, w.Name); err != nil {
		return nil, err
	}
	err = s.commit(ctx, c, alliance.ActWatchListLoad, res, func(tx alliance.Tx, e *alliance.AuditEntry) error {
		if err := tx.AddWatchList(ctx, w); err != nil {
			return err
		}
		e.ResourceID, e.Detail = fmt.Sprint(w.ID), fmt.Sprintf("watch list %q loaded: %d entities, sha256 %s", w.Name, w.Entities, w.SHA256)
		return nil
	})
	if err != nil {
		return nil, err
	}
	w.Data = nil
	return w, s.RefreshWatchLists(ctx)
}

// mayReplace refuses a new version of a list that another organisation
// loaded first, or that the server's configuration loads: every
// organisation screens against it, and only its keeper may change it.
func (s *Service) mayReplace(ctx context.Context, c Caller, name string) error {
	all, err := s.store.WatchLists(ctx, false)
	if err != nil {
		return err
	}
	var first *alliance.WatchList
	for i := range all { // newest first: the last of a name is the first loaded
		if all[i].Name == name {
			first = &all[i]
		}
	}
	if first == nil {
		return nil
	}
	if first.LoadedBy == 0 {
		return alliance.Errorf(alliance.CodeForbidden, "the list %q is loaded by the server's configuration (serve --watch-list); its operator updates it", name)
	}
	u, err := s.store.User(ctx, first.LoadedBy)
	if err != nil || u.OrgID != c.OrgID {
		return alliance.Errorf(alliance.CodeForbidden, "the list %q is kept by another organisation; give a new list another name", name)
	}
	return nil
}

// prepareWatchList parses a version of list name. The file of the version
// in force, or with anyVersion of any version of that name, is a conflict:
// a restart must not bring back a file a newer version replaced.
func (s *Service) prepareWatchList(ctx context.Context, user int64, name, source string, data []byte, anyVersion bool) (*alliance.WatchList, error) {
	w := &alliance.WatchList{Name: name, Source: source, LoadedBy: user, LoadedAt: s.now()}
	if err := w.Validate(); err != nil {
		return nil, err
	}
	snap, err := screening.ReadSnapshot(source, bytes.NewReader(data), "", w.LoadedAt)
	if err != nil {
		var le *screening.LoadError
		if errors.As(err, &le) {
			return nil, &alliance.Error{Code: alliance.CodeInvalid, Field: "list_file", Message: err.Error(), Err: err}
		}
		return nil, err
	}
	w.Format, w.SHA256, w.Entities, w.Data = string(snap.Version.Format), snap.Version.SHA256, len(snap.Entities), data
	all, err := s.store.WatchLists(ctx, false)
	if err != nil {
		return nil, err
	}
	for _, v := range all { // newest first
		if v.Name != w.Name {
			continue
		}
		if v.SHA256 == w.SHA256 {
			return nil, alliance.Errorf(alliance.CodeConflict, "this file was loaded as a version of %q already", w.Name)
		}
		if !anyVersion {
			break // an earlier file may be loaded again, to go back to it
		}
	}
	return w, nil
}

// ScreenOutcome is a screening and where it was saved.
type ScreenOutcome struct {
	CheckID int64
	Results []screening.Result
}

// ScreenNames screens names of companies, organisations or people against
// the lists in force, each with the hits at or above threshold (0: the
// default), best first, and saves the screening for the caller's
// organisation: its hits can be reviewed, and its names are screened again
// when a list changes. The names are sealed; the audit entry holds the
// counts, never the names.
func (s *Service) ScreenNames(ctx context.Context, c Caller, label string, qs []screening.Query, threshold float64) (*ScreenOutcome, error) {
	res := alliance.Resource{Type: "watchlist", OrgID: c.OrgID}
	if err := s.authorize(ctx, c, alliance.ActWatchListScreen, res); err != nil {
		return nil, err
	}
	sc, ids := s.watch.get()
	if sc == nil || sc.Entities() == 0 {
		return nil, alliance.Errorf(alliance.CodeConflict, "no watch list is loaded; an administrator loads one under Watch lists")
	}
	if len(qs) == 0 || len(qs) > MaxScreenedNames {
		return nil, alliance.Invalid("names", "give 1 to %d names", MaxScreenedNames)
	}
	if threshold == 0 {
		threshold = screening.DefaultThreshold
	}
	if threshold < 0.3 || threshold > 1 {
		return nil, alliance.Invalid("threshold", "give a threshold from 0.3 to 1")
	}
	if label = strings.TrimSpace(label); label == "" || utf8.RuneCountInString(label) > 200 {
		label = "search"
	}
	results, err := sc.ScreenAll(ctx, qs, threshold, runtime.GOMAXPROCS(0), nil)
	if err != nil {
		return nil, err
	}
	out := &ScreenOutcome{Results: results}
	err = s.commit(ctx, c, alliance.ActWatchListScreen, res, func(tx alliance.Tx, e *alliance.AuditEntry) error {
		id, hits, err := s.saveCheck(ctx, tx, c, label, results, ids)
		out.CheckID = id
		e.ResourceID, e.Detail = fmt.Sprint(id), fmt.Sprintf("watch-list screening of %d names at %.2f: %d hits", len(qs), threshold, hits)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// saveCheck stores a screening and its hits in tx.
func (s *Service) saveCheck(ctx context.Context, tx alliance.Tx, c Caller, label string, results []screening.Result, ids map[string]int64) (int64, int, error) {
	chk := &alliance.WatchCheck{OrgID: c.OrgID, Label: label, Names: len(results), CreatedBy: c.UserID, CreatedAt: s.now()}
	names := make([]alliance.WatchName, len(results))
	for i, r := range results {
		names[i] = alliance.WatchName{QueryID: r.Query.ID, Name: r.Query.Name, Country: r.Query.Country}
	}
	if err := tx.CreateWatchCheck(ctx, chk, names); err != nil {
		return 0, 0, err
	}
	var hits []alliance.WatchHit
	for i, r := range results {
		hits = append(hits, s.hitsOf(chk.ID, names[i].ID, r.Hits, ids)...)
	}
	n, err := tx.AddWatchHits(ctx, hits)
	return chk.ID, n, err
}

// hitsOf turns the matcher's hits for one saved name into records to keep.
func (s *Service) hitsOf(check, name int64, hs []screening.Hit, ids map[string]int64) []alliance.WatchHit {
	out := make([]alliance.WatchHit, 0, len(hs))
	for _, h := range hs {
		out = append(out, alliance.WatchHit{CheckID: check, NameID: name, ListID: ids[h.List.Label()], ListName: h.List.Source,
			EntityID: h.Entity.ID, ListedName: h.Name, Score: h.Score, Explanation: listedSide(h), Status: alliance.HitOpen, FoundAt: s.now()})
	}
	return out
}

// listedSide explains a hit by the listed words it matched, with the credit
// of each, and never the screened name's own words: the name is sealed, and
// the explanation kept beside it is not.
func listedSide(h screening.Hit) string {
	parts := make([]string, 0, len(h.Matches))
	for _, m := range h.Matches {
		p := fmt.Sprintf("%s %.2f", m.Listed, m.Credit)
		if m.Concept != "" {
			p += " (" + m.Concept + ")"
		}
		parts = append(parts, p)
	}
	return "matched listed words: " + strings.Join(parts, "; ")
}
