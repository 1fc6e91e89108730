package app

import (
	"context"
	"fmt"
	"runtime"

	"alliance"
	"alliance/internal/screening"
)

// MaxScreenedNames bounds one screening request: a larger file is split.
const MaxScreenedNames = 20_000

// SetWatchLists sets the watch lists that names are screened against (the
// server loads them at start: serve --watch-list).
func (s *Service) SetWatchLists(sc *screening.Screener) { s.watch = sc }

// WatchLists returns the versions of the lists in force: source, checksum,
// when loaded, how many entities.
func (s *Service) WatchLists() []screening.Version {
	if s.watch == nil {
		return nil
	}
	return s.watch.Versions()
}

// ScreenNames screens names of companies, organisations or people against
// the watch lists, each with the hits at or above threshold (0: the
// default), best first. The request is audited with its counts, never the
// names: a name screened may be a person's.
func (s *Service) ScreenNames(ctx context.Context, c Caller, qs []screening.Query, threshold float64) ([]screening.Result, error) {
	res := alliance.Resource{Type: "watchlist", OrgID: c.OrgID}
	if err := s.authorize(ctx, c, alliance.ActWatchListScreen, res); err != nil {
		return nil, err
	}
	if s.watch == nil || s.watch.Entities() == 0 {
		return nil, alliance.Errorf(alliance.CodeConflict, "no watch list is loaded on this server; start it with --watch-list FILE")
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
	results, err := s.watch.ScreenAll(ctx, qs, threshold, runtime.GOMAXPROCS(0), nil)
	if err != nil {
		return nil, err
	}
	hits := 0
	for _, r := range results {
		hits += len(r.Hits)
	}
	err = s.commit(ctx, c, alliance.ActWatchListScreen, res, func(_ alliance.Tx, e *alliance.AuditEntry) error {
		e.Detail = fmt.Sprintf("watch-list screening of %d names at %.2f: %d hits", len(qs), threshold, hits)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}
