package web

import (
	"fmt"
	"io"
	"net/http"
	"path"
	"strconv"

	"alliance"
	"alliance/internal/app"
)

// WatchCheckPage shows a saved screening: each name with its hits and the
// review of each.
type WatchCheckPage struct {
	*Base
	Check  *app.CheckView
	HitsOf map[int64][]alliance.WatchHit // by name id
}

func (s *Server) watchCheckPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderCheck(w, r, s.newBase(r, "watch.title"), http.StatusOK)
}

func (s *Server) renderCheck(w http.ResponseWriter, r *http.Request, b *Base, status int) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.svc.WatchCheck(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	p := &WatchCheckPage{Base: b, Check: v, HitsOf: map[int64][]alliance.WatchHit{}}
	for _, h := range v.Hits {
		p.HitsOf[h.NameID] = append(p.HitsOf[h.NameID], h)
	}
	return s.render(w, status, "watch_check", p)
}

// watchHitReview confirms or dismisses a hit from the check's page.
func (s *Server) watchHitReview(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	rev, _ := strconv.ParseInt(r.PostFormValue("revision"), 10, 64)
	h, err := s.svc.ReviewHit(r.Context(), caller(r), id, r.PostFormValue("status"), r.PostFormValue("reason"), rev)
	if err != nil {
		check, _ := strconv.ParseInt(r.PostFormValue("check"), 10, 64)
		if check == 0 {
			return err
		}
		b := s.newBase(r, "watch.title")
		r.SetPathValue("id", strconv.FormatInt(check, 10))
		return s.formError(err, b, func(st int) error { return s.renderCheck(w, r, b, st) })
	}
	http.Redirect(w, r, fmt.Sprintf("/watchlist/checks/%d?flash=saved#hit-%d", h.CheckID, h.ID), http.StatusSeeOther)
	return nil
}

// watchListLoad loads a new version of a list from the page's form.
func (s *Server) watchListLoad(w http.ResponseWriter, r *http.Request) error {
	p := &WatchListPage{Base: s.newBase(r, "watch.title")}
	rerender := func(st int) error { return s.renderWatchList(w, r, p, st) }
	file, hdr, err := r.FormFile("list_file")
	if err != nil {
		return s.formError(alliance.Invalid("list_file", "choose the list's file"), p.Base, rerender)
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		return s.formError(alliance.Invalid("list_file", "the file could not be read"), p.Base, rerender)
	}
	if _, err := s.svc.LoadWatchList(r.Context(), caller(r), r.PostFormValue("list_name"), path.Base(hdr.Filename), data); err != nil {
		if statusOf(err) == http.StatusBadRequest && alliance.ErrorCode(err) == alliance.CodeInvalid {
			p.Problems = []string{alliance.ErrorMessage(err)}
		}
		return s.formError(err, p.Base, rerender)
	}
	http.Redirect(w, r, "/watchlist?flash=saved", http.StatusSeeOther)
	return nil
}

func (s *Server) apiWatchChecks(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.WatchChecks(r.Context(), caller(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, nonNil(list))
	return nil
}

func (s *Server) apiWatchCheck(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.svc.WatchCheck(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) apiWatchHitReview(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Status   string `json:"status"`
		Reason   string `json:"reason"`
		Revision int64  `json:"revision"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	h, err := s.svc.ReviewHit(r.Context(), caller(r), id, in.Status, in.Reason, in.Revision)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h)
	return nil
}

// apiWatchListLoad loads a new version of the list named in the query from
// the request body.
func (s *Server) apiWatchListLoad(w http.ResponseWriter, r *http.Request) error {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	source := q.Get("source")
	if source == "" {
		source = "upload"
	}
	wl, err := s.svc.LoadWatchList(r.Context(), caller(r), q.Get("name"), path.Base(source), data)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, wl)
	return nil
}

func (s *Server) apiWatchLists(w http.ResponseWriter, r *http.Request) error {
	if err := mayScreen(r); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listVersions(s.svc.WatchLists()))
	return nil
}
