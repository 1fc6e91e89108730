package web

import (
	"net/http"

	"alliance"
)

// ReferralsPage shows the referrals received and sent.
type ReferralsPage struct {
	*Base
	Inbox, Outbox         []alliance.Referral
	NextInbox, NextOutbox int64 // the last referral shown, when there may be more
	InboxAfter            int64 // where the inbox page starts, to keep it on the outbox's "more" link
	OrgName               map[int64]string
	CanAnswer             bool
}

// referralsPerPage is how many referrals each box of the page shows.
const referralsPerPage = 50

func (s *Server) referralsPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderReferrals(w, r, http.StatusOK, s.newBase(r, "referrals.title"))
}

func (s *Server) renderReferrals(w http.ResponseWriter, r *http.Request, status int, b *Base) error {
	ctx, c := r.Context(), caller(r)
	p := &ReferralsPage{Base: b, OrgName: map[int64]string{},
		CanAnswer: alliance.Authorize(c.Actor, alliance.ActReferralAnswer, alliance.Resource{Type: "referral", OrgID: c.OrgID}).Allow}
	inAfter, err := int64Param(r, "inbox_after")
	if err != nil {
		return err
	}
	outAfter, err := int64Param(r, "outbox_after")
	if err != nil {
		return err
	}
	p.InboxAfter = inAfter
	if p.Inbox, err = s.svc.ReferralPage(ctx, c, "inbox", "", inAfter, referralsPerPage); err != nil {
		return err
	}
	if p.Outbox, err = s.svc.ReferralPage(ctx, c, "outbox", "", outAfter, referralsPerPage); err != nil {
		return err
	}
	if len(p.Inbox) == referralsPerPage {
		p.NextInbox = p.Inbox[len(p.Inbox)-1].ID
	}
	if len(p.Outbox) == referralsPerPage {
		p.NextOutbox = p.Outbox[len(p.Outbox)-1].ID
	}
	partners, err := s.svc.Partners(ctx, c)
	if err != nil {
		return err
	}
	for _, o := range partners {
		p.OrgName[o.ID] = o.Name
	}
	return s.render(w, status, "referrals", p)
}

func (s *Server) referralAnswer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	accept := r.PostFormValue("answer") == "accept"
	if _, err := s.svc.AnswerReferral(r.Context(), caller(r), id, accept, r.PostFormValue("reason")); err != nil {
		b := s.newBase(r, "referrals.title")
		return s.formError(err, b, func(st int) error { return s.renderReferrals(w, r, st, b) })
	}
	http.Redirect(w, r, "/referrals?flash=referral_answered", http.StatusSeeOther)
	return nil
}
