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

// RescreenWatchLists screens every saved name against each list version not
// yet rescreened, adds the hits that are new (a name hit by an entity of a
// list once is not hit again by it), and tells each organisation of its new
// hits through its watchlist.hits webhooks and the count on its page. The
// server runs it every few seconds.
func (s *Service) RescreenWatchLists(ctx context.Context) error {
	all, err := s.store.WatchLists(ctx, true)
	if err != nil {
		return err
	}
	for _, w := range all {
		if w.RescreenedAt != nil {
			continue
		}
		if err := s.rescreen(ctx, &w); err != nil {
			return fmt.Errorf("rescreen against watch list %d: %w", w.ID, err)
		}
	}
	return nil
}

// rescreen screens the saved names against one list version.
func (s *Service) rescreen(ctx context.Context, w *alliance.WatchList) error {
	snap, err := screening.ReadSnapshot(w.Name, bytes.NewReader(w.Data), screening.Format(w.Format), w.LoadedAt)
	if err != nil {
		return err
	}
	sc := screening.NewScreener(snap)
	ids := map[string]int64{snap.Version.Label(): w.ID}
	newHits := map[int64]map[int64]int{} // org → check → new hits
	checkOrg := map[int64]int64{}
	for after := int64(0); ; {
		names, err := s.store.WatchNames(ctx, after, rescreenPage)
		if err != nil || len(names) == 0 {
			if err != nil {
				return err
			}
			break
		}
		after = names[len(names)-1].ID
		if err := s.rescreenNames(ctx, sc, ids, names, checkOrg, newHits); err != nil {
			return err
		}
	}
	return s.store.Update(ctx, func(tx alliance.Tx) error {
		if err := tx.MarkRescreened(ctx, w.ID, s.now()); err != nil {
			return err
		}
		return s.tellNewHits(ctx, tx, w, newHits)
	})
}

// rescreenNames screens one page of saved names and stores their new hits.
func (s *Service) rescreenNames(ctx context.Context, sc *screening.Screener, ids map[string]int64, names []alliance.WatchName,
	checkOrg map[int64]int64, newHits map[int64]map[int64]int) error {
	qs := make([]screening.Query, len(names))
	for i, n := range names {
		qs[i] = screening.Query{ID: fmt.Sprint(n.ID), Name: n.Name, Country: n.Country}
	}
	results, err := sc.ScreenAll(ctx, qs, screening.DefaultThreshold, runtime.GOMAXPROCS(0), nil)
	if err != nil {
		return err
	}
	for i, r := range results {
		if len(r.Hits) == 0 {
			continue
		}
		n := names[i]
		org, ok := checkOrg[n.CheckID]
		if !ok {
			chk, err := s.store.WatchCheck(ctx, n.CheckID)
			if err != nil {
				return err
			}
			org, checkOrg[n.CheckID] = chk.OrgID, chk.OrgID
		}
		var added int
		err := s.store.Update(ctx, func(tx alliance.Tx) error {
			var err error
			added, err = tx.AddWatchHits(ctx, s.hitsOf(n.CheckID, n.ID, r.Hits, ids))
			return err
		})
		if err != nil {
			return err
		}
		if added > 0 {
			if newHits[org] == nil {
				newHits[org] = map[int64]int{}
			}
			newHits[org][n.CheckID] += added
		}
	}
	return nil
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
