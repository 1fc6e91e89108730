package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"alliance"
	"alliance/internal/linkage"
)

// RoundView is a linkage round as one caller sees it: its progress and
// counts, who has submitted, and, once matched, the caller's organisation's
// records that matched records held elsewhere.
type RoundView struct {
	alliance.LinkageRound
	Submissions []alliance.LinkageSubmission `json:"submissions"`
	Participant bool                         `json:"participant"` // the caller's organisation takes part
	Suppressed  bool                         `json:"suppressed"`  // people not shown: fewer than MinCell are held twice
	Matches     []alliance.LinkageMatch      `json:"matches"`     // the caller's organisation's, once done
}

// MinCell is the smallest number of people a count may describe when it is
// shown: below it, the count is withheld.
const MinCell = 5

func roundResource(c Caller, id int64) alliance.Resource {
	return alliance.Resource{Type: "linkage_round", ID: strconv.FormatInt(id, 10), OrgID: c.OrgID}
}

// StartLinkageRound starts a round among orgs (0 threshold: the default
// schema's). The organisations then submit their encodings.
func (s *Service) StartLinkageRound(ctx context.Context, c Caller, name string, orgs []int64, threshold float64) (*alliance.LinkageRound, error) {
	if threshold == 0 {
		threshold = linkage.DefaultSchema().Threshold
	}
	r := alliance.LinkageRound{Name: strings.TrimSpace(name), Orgs: orgs, Threshold: threshold, Status: alliance.RoundCollecting,
		CreatedBy: c.UserID, CreatedAt: s.now()}
	if err := s.authorize(ctx, c, alliance.ActLinkageStart, roundResource(c, 0)); err != nil {
		return nil, err
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	if !slices.Contains(orgs, c.OrgID) {
		return nil, alliance.Invalid("orgs", "a round is started by one of the organisations that take part in it")
	}
	err := s.commit(ctx, c, alliance.ActLinkageStart, roundResource(c, 0), func(tx alliance.Tx, e *alliance.AuditEntry) error {
		for _, o := range orgs {
			if _, err := tx.Organisation(ctx, o); err != nil {
				return alliance.Invalid("orgs", "organisation %d does not exist", o)
			}
		}
		if err := tx.CreateLinkageRound(ctx, &r); err != nil {
			return err
		}
		e.ResourceID, e.Detail = strconv.FormatInt(r.ID, 10), fmt.Sprintf("linkage round started among %d organisations", len(orgs))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// LinkageRounds lists the rounds the caller's organisation takes part in.
func (s *Service) LinkageRounds(ctx context.Context, c Caller) ([]alliance.LinkageRound, error) {
	if err := s.authorize(ctx, c, alliance.ActLinkageRead, roundResource(c, 0)); err != nil {
		return nil, err
	}
	all, err := s.store.LinkageRounds(ctx)
	if err != nil {
		return nil, err
	}
	var out []alliance.LinkageRound
	for _, r := range all {
		if slices.Contains(r.Orgs, c.OrgID) {
			out = append(out, r)
		}
	}
	return out, nil
}

// LinkageRound returns a round as the caller sees it. Reading the caller's
// organisation's matches is audited: they say which of its people are known
// elsewhere.
func (s *Service) LinkageRound(ctx context.Context, c Caller, id int64) (*RoundView, error) {
	r, err := s.roundFor(ctx, c, alliance.ActLinkageRead, id)
	if err != nil {
		return nil, err
	}
	v := &RoundView{LinkageRound: *r, Participant: true, Matches: []alliance.LinkageMatch{}}
	if v.Submissions, err = s.store.LinkageSubmissions(ctx, id, false); err != nil {
		return nil, err
	}
	// A count of people held by several organisations below the minimum
	// cell size would single a few of them out: it is withheld.
	if overlap := v.Records - v.People; overlap > 0 && overlap < MinCell {
		v.People, v.Suppressed = 0, true
	}
	mayRead := alliance.Authorize(c.Actor, alliance.ActCaseList, alliance.Resource{Type: "case", OrgID: c.OrgID}).Allow
	if r.Status != alliance.RoundDone || !v.Participant || !mayRead {
		return v, nil
	}
	if v.Matches, err = s.currentMatches(ctx, id, c.OrgID); err != nil {
		return nil, err
	}
	err = s.commit(ctx, c, alliance.ActCaseList, alliance.Resource{Type: "case", OrgID: c.OrgID}, func(_ alliance.Tx, e *alliance.AuditEntry) error {
		e.Detail = fmt.Sprintf("linkage round %d: %d matched records read", id, len(v.Matches))
		return nil
	})
	return v, err
}

// roundFor reads round id for act, when the caller's organisation takes
// part in it.
func (s *Service) roundFor(ctx context.Context, c Caller, act alliance.Action, id int64) (*alliance.LinkageRound, error) {
	if err := s.authorize(ctx, c, act, roundResource(c, id)); err != nil {
		return nil, err
	}
	r, err := s.store.LinkageRound(ctx, id)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(r.Orgs, c.OrgID) {
		return nil, alliance.Errorf(alliance.CodeForbidden, "your organisation does not take part in this round")
	}
	return r, nil
}

// linkageColumns are the columns of the default people schema, in order.
var linkageColumns = []string{"id", "given_name", "family_name", "date_of_birth", "sex", "nationality"}

// LinkageInput writes the caller's organisation's records for a round as
// the CSV that alliance link encode reads: its cases whose person agreed to
// the use of their case in statistics, not erased, by case id. Staff encode
// it on their own side with the alliance's secret, which the server never
// holds, and submit the result. The export is audited.
func (s *Service) LinkageInput(ctx context.Context, c Caller, id int64, w io.Writer) (int, error) {
	r, err := s.roundFor(ctx, c, alliance.ActLinkageSubmit, id)
	if err != nil {
		return 0, err
	}
	if !slices.Contains(r.Orgs, c.OrgID) {
		return 0, alliance.Errorf(alliance.CodeForbidden, "your organisation does not take part in this round")
	}
	res := alliance.Resource{Type: "case", OrgID: c.OrgID}
	if err := s.authorize(ctx, c, alliance.ActCaseExport, res); err != nil {
		return 0, err
	}
	cases, err := s.linkableCases(ctx, c.OrgID)
	if err != nil {
		return 0, err
	}
	err = s.commit(ctx, c, alliance.ActCaseExport, res, func(_ alliance.Tx, e *alliance.AuditEntry) error {
		e.Detail = fmt.Sprintf("linkage round %d: %d cases exported for encoding", id, len(cases))
		return nil
	})
	if err != nil {
		return 0, err
	}
	cw := csv.NewWriter(w)
	cw.Write(linkageColumns)
	for _, k := range cases {
		cw.Write(linkageRow(&k))
	}
	cw.Flush()
	return len(cases), cw.Error()
}

// linkageRow is a case as a row of the linkage input.
func linkageRow(k *alliance.Case) []string {
	p := &k.Person
	sex := map[string]string{"Feminine": "F", "Masculine": "M"}[p.Gender]
	nationality := ""
	if len(p.Citizenships) > 0 {
		nationality = p.Citizenships[0]
	}
	return []string{strconv.FormatInt(k.ID, 10), p.GivenName, p.FamilyName, p.BirthDate, sex, nationality}
}

// linkableCases returns the organisation's cases that may take part in a
// round: not erased, and with a consent in force to use them in statistics.
func (s *Service) linkableCases(ctx context.Context, org int64) ([]alliance.Case, error) {
	var out []alliance.Case
	now := s.now()
	_, err := s.eachCase(ctx, org, func(k *alliance.Case) error {
		if k.ErasedAt != nil {
			return nil
		}
		cons, err := s.store.Consents(ctx, k.ID)
		if err != nil {
			return err
		}
		if len(cons) > 0 && cons[0].Active(now) && cons[0].Statistics {
			out = append(out, *k)
		}
		return nil
	})
	return out, err
}

// SubmitEncodings stores the caller's organisation's encodings for a round:
// a .clk file (alliance link encode) whose records are its cases that may
// take part, made with the same schema and secret as the others'. A second
// submission replaces the first while the round collects.
func (s *Service) SubmitEncodings(ctx context.Context, c Caller, id int64, name string, data []byte) (*alliance.LinkageSubmission, error) {
	r, err := s.roundFor(ctx, c, alliance.ActLinkageSubmit, id)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(r.Orgs, c.OrgID) {
		return nil, alliance.Errorf(alliance.CodeForbidden, "your organisation does not take part in this round")
	}
	if r.Status != alliance.RoundCollecting && r.Status != alliance.RoundFailed {
		return nil, alliance.Errorf(alliance.CodeConflict, "the round no longer takes encodings (%s)", r.Status)
	}
	party, err := linkage.ReadCLK(bytes.NewReader(data), name)
	if err != nil {
		return nil, alliance.Invalid("clk", "%v", err)
	}
	party.Name = name
	if err := s.checkParty(ctx, c.OrgID, id, party); err != nil {
		return nil, err
	}
	sub := alliance.LinkageSubmission{RoundID: id, OrgID: c.OrgID, Records: len(party.IDs), CLK: data, SubmittedBy: c.UserID, SubmittedAt: s.now()}
	err = s.commit(ctx, c, alliance.ActLinkageSubmit, roundResource(c, id), func(tx alliance.Tx, e *alliance.AuditEntry) error {
		e.Detail = fmt.Sprintf("%d encodings submitted", sub.Records)
		// The round must still collect when the file lands; the update bumps
		// its revision, so that a match started meanwhile fails instead of
		// matching without this file. A failed round collects again.
		cur, err := tx.LinkageRound(ctx, id)
		if err != nil {
			return err
		}
		if cur.Status != alliance.RoundCollecting && cur.Status != alliance.RoundFailed {
			return alliance.Errorf(alliance.CodeConflict, "the round no longer takes encodings (%s)", cur.Status)
		}
		cur.Status, cur.Error = alliance.RoundCollecting, ""
		if err := tx.UpdateLinkageRound(ctx, cur); err != nil {
			return err
		}
		return tx.PutLinkageSubmission(ctx, &sub)
	})
	if err != nil {
		return nil, err
	}
	sub.CLK = nil
	return &sub, nil
}

// checkParty refuses encodings of records that are not the organisation's
// linkable cases, and encodings another schema or secret made than the
// round's other submissions.
func (s *Service) checkParty(ctx context.Context, org, round int64, p *linkage.Party) error {
	cases, err := s.linkableCases(ctx, org)
	if err != nil {
		return err
	}
	ok := make(map[string]bool, len(cases))
	for _, k := range cases {
		ok[strconv.FormatInt(k.ID, 10)] = true
	}
	for i, id := range p.IDs {
		if !ok[id] {
			return alliance.Invalid("clk", "%s: record %d: %q is not the id of a case of your organisation whose person agreed to statistics; encode the file this round offers", p.Name, i+1, id)
		}
	}
	others, _, err := s.roundParties(ctx, round, org)
	if err != nil {
		return err
	}
	if err := linkage.Compatible(append(others, p)); err != nil {
		return alliance.Invalid("clk", "%v", err)
	}
	return nil
}

// roundParties reads the encodings submitted to a round, but those of
// organisation except (0: none), with the organisation of each, in one read.
func (s *Service) roundParties(ctx context.Context, round, except int64) ([]*linkage.Party, []int64, error) {
	subs, err := s.store.LinkageSubmissions(ctx, round, true)
	if err != nil {
		return nil, nil, err
	}
	var out []*linkage.Party
	var orgs []int64
	for _, sub := range subs {
		if sub.OrgID == except {
			continue
		}
		name := s.orgName(ctx, sub.OrgID)
		p, err := linkage.ReadCLK(bytes.NewReader(sub.CLK), name)
		if err != nil {
			return nil, nil, fmt.Errorf("the encodings of %s: %w", name, err)
		}
		p.Name = name
		out, orgs = append(out, p), append(orgs, sub.OrgID)
	}
	return out, orgs, nil
}

// orgName names an organisation in messages about a round.
func (s *Service) orgName(ctx context.Context, id int64) string {
	if o, err := s.store.Organisation(ctx, id); err == nil {
		return o.Name
	}
	return "organisation " + strconv.FormatInt(id, 10)
}

// currentMatches returns an organisation's matches of a round whose cases
// still may take part: a case erased since, or whose consent to statistics
// was withdrawn, drops out.
func (s *Service) currentMatches(ctx context.Context, round, org int64) ([]alliance.LinkageMatch, error) {
	ms, err := s.store.LinkageMatches(ctx, round, org)
	if err != nil {
		return nil, err
	}
	cases, err := s.linkableCases(ctx, org)
	if err != nil {
		return nil, err
	}
	ok := make(map[string]bool, len(cases))
	for _, k := range cases {
		ok[strconv.FormatInt(k.ID, 10)] = true
	}
	out := []alliance.LinkageMatch{}
	for _, m := range ms {
		if ok[m.RecordID] {
			out = append(out, m)
		}
	}
	return out, nil
}
