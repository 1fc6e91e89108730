package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"alliance"
	"alliance/internal/screening"
)

// CheckView is a saved screening with its names and hits.
type CheckView struct {
	alliance.WatchCheck
	Names []alliance.WatchName `json:"names"`
	Hits  []alliance.WatchHit  `json:"hits"`
}

// WatchChecks lists the caller's organisation's saved screenings, newest
// first, with the count of hits waiting for review.
func (s *Service) WatchChecks(ctx context.Context, c Caller) ([]alliance.WatchCheck, error) {
	if err := s.authorize(ctx, c, alliance.ActWatchListScreen, alliance.Resource{Type: "watchlist", OrgID: c.OrgID}); err != nil {
		return nil, err
	}
	return s.store.WatchChecks(ctx, c.OrgID)
}

// WatchCheck returns a saved screening of the caller's organisation with
// its names and hits; the read is audited.
func (s *Service) WatchCheck(ctx context.Context, c Caller, id int64) (*CheckView, error) {
	chk, err := s.store.WatchCheck(ctx, id)
	if err != nil {
		return nil, err
	}
	res := alliance.Resource{Type: "watchlist", ID: fmt.Sprint(id), OrgID: chk.OrgID}
	if err := s.read(ctx, c, alliance.ActWatchListScreen, res); err != nil {
		return nil, err
	}
	v := &CheckView{WatchCheck: *chk}
	if v.Names, err = s.store.WatchNamesOf(ctx, id); err != nil {
		return nil, err
	}
	if v.Hits, err = s.store.WatchHits(ctx, id); err != nil {
		return nil, err
	}
	return v, nil
}

// ReviewHit confirms or dismisses a hit of the caller's organisation, with
// a reason; revision is the one the reviewer read. Audited.
func (s *Service) ReviewHit(ctx context.Context, c Caller, id int64, status, reason string, revision int64) (*alliance.WatchHit, error) {
	reason = strings.TrimSpace(reason)
	if status != alliance.HitConfirmed && status != alliance.HitDismissed {
		return nil, alliance.Invalid("status", "confirm or dismiss the hit")
	}
	if utf8.RuneCountInString(reason) < 3 || utf8.RuneCountInString(reason) > 2000 {
		return nil, alliance.Invalid("reason", "say why, in 3 to 2000 characters")
	}
	h, err := s.store.WatchHit(ctx, id)
	if err != nil {
		return nil, err
	}
	chk, err := s.store.WatchCheck(ctx, h.CheckID)
	if err != nil {
		return nil, err
	}
	res := alliance.Resource{Type: "watchlist", ID: fmt.Sprint(chk.ID), OrgID: chk.OrgID}
	now := s.now()
	h.Status, h.Reason, h.ReviewedBy, h.ReviewedAt, h.Revision = status, reason, c.UserID, &now, revision
	err = s.change(ctx, c, alliance.ActWatchListScreen, res, func(tx alliance.Tx, e *alliance.AuditEntry) error {
		e.Detail = fmt.Sprintf("watch-list hit %d %s (entity %s of %s)", id, status, h.EntityID, h.ListName)
		return tx.ReviewWatchHit(ctx, h)
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}

// rescreenPage is how many saved names a rescreen reads at a time.
const rescreenPage = 1000

// RescreenWatchLists screens every saved name against the version in force
// of each list not yet rescreened (an older version a newer one replaced
// meanwhile is skipped), adds the hits that are new (a name hit by an entity
// of a list once is not hit again by it), and tells each organisation of
// its new hits through its watchlist.hits webhooks and the count on its
// page: the hits of each page of names and their notice are written in one
// transaction, so a rescreen that stops half way loses no notice when it
// runs again. It also rebuilds the matcher when another server loaded a
// list. The server runs it every few seconds.
func (s *Service) RescreenWatchLists(ctx context.Context) error {
	all, err := s.store.WatchLists(ctx, false)
	if err != nil || len(all) == 0 {
		return err
	}
	if s.watch.latest() != all[0].ID {
		if err := s.RefreshWatchLists(ctx); err != nil {
			return err
		}
	}
	seen := map[string]bool{}
	for _, w := range all { // newest first
		inForce := !seen[w.Name]
		seen[w.Name] = true
		if w.RescreenedAt != nil {
			continue
		}
		if !inForce {
			err = s.store.Update(ctx, func(tx alliance.Tx) error { return tx.MarkRescreened(ctx, w.ID, s.now()) })
		} else {
			err = s.rescreen(ctx, w.ID)
		}
		if err != nil {
			return fmt.Errorf("rescreen against watch list %d: %w", w.ID, err)
		}
	}
	return nil
}

// rescreen screens the saved names against one list version.
func (s *Service) rescreen(ctx context.Context, listID int64) error {
	w, err := s.watchListData(ctx, listID)
	if err != nil {
		return err
	}
	snap, err := screening.ReadSnapshot(w.Name, bytes.NewReader(w.Data), screening.Format(w.Format), w.LoadedAt)
	if err != nil {
		return err
	}
	sc := screening.NewScreener(snap)
	ids := map[string]int64{snap.Version.Label(): w.ID}
	checkOrg := map[int64]int64{}
	for after := int64(0); ; {
		names, err := s.store.WatchNames(ctx, after, rescreenPage)
		if err != nil {
			return err
		}
		if len(names) == 0 {
			break
		}
		after = names[len(names)-1].ID
		if err := s.rescreenNames(ctx, sc, w, ids, names, checkOrg); err != nil {
			return err
		}
	}
	return s.store.Update(ctx, func(tx alliance.Tx) error { return tx.MarkRescreened(ctx, w.ID, s.now()) })
}

// watchListData reads one version with its file.
func (s *Service) watchListData(ctx context.Context, id int64) (*alliance.WatchList, error) {
	all, err := s.store.WatchLists(ctx, true)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].ID == id {
			return &all[i], nil
		}
	}
	return nil, alliance.ErrNotFound
}

// rescreenNames screens one page of saved names, and stores their new hits
// and the notices of them in one transaction.
func (s *Service) rescreenNames(ctx context.Context, sc *screening.Screener, w *alliance.WatchList, ids map[string]int64,
	names []alliance.WatchName, checkOrg map[int64]int64) error {
	qs := make([]screening.Query, len(names))
	for i, n := range names {
		qs[i] = screening.Query{ID: fmt.Sprint(n.ID), Name: n.Name, Country: n.Country}
	}
	results, err := sc.ScreenAll(ctx, qs, screening.DefaultThreshold, runtime.GOMAXPROCS(0), nil)
	if err != nil {
		return err
	}
	var hits []alliance.WatchHit
	for i, r := range results {
		hits = append(hits, s.hitsOf(names[i].CheckID, names[i].ID, r.Hits, ids)...)
	}
	if len(hits) == 0 {
		return nil
	}
	return s.store.Update(ctx, func(tx alliance.Tx) error {
		if _, err := tx.AddWatchHits(ctx, hits); err != nil {
			return err
		}
		newHits := map[int64]map[int64]int{} // org → check → new hits
		for _, h := range hits {
			if h.ID == 0 {
				continue // known already
			}
			org, ok := checkOrg[h.CheckID]
			if !ok {
				chk, err := tx.WatchCheck(ctx, h.CheckID)
				if err != nil {
					return err
				}
				org, checkOrg[h.CheckID] = chk.OrgID, chk.OrgID
			}
			if newHits[org] == nil {
				newHits[org] = map[int64]int{}
			}
			newHits[org][h.CheckID]++
		}
		return s.tellNewHits(ctx, tx, w, newHits)
	})
}

// tellNewHits queues a watchlist.hits event for each organisation with new
// hits: the list, and how many new hits in which of its checks.
func (s *Service) tellNewHits(ctx context.Context, tx alliance.Tx, w *alliance.WatchList, newHits map[int64]map[int64]int) error {
	for org, checks := range newHits {
		ids := make([]int64, 0, len(checks))
		total := 0
		for id, n := range checks {
			ids = append(ids, id)
			total += n
		}
		slices.Sort(ids)
		body, err := json.Marshal(map[string]any{"event": alliance.EventWatchListHits, "occurred_at": s.now().UTC().Format(time.RFC3339),
			"org_id": org, "list": w.Name, "list_version": w.ID, "new_hits": total, "checks": ids})
		if err != nil {
			return err
		}
		if _, err := tx.EnqueueDeliveries(ctx, org, alliance.EventWatchListHits, body, s.now()); err != nil {
			return err
		}
	}
	return nil
}
