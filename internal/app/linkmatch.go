package app

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"alliance"
	"alliance/internal/linkage"
)

// MatchLinkageRound closes a round to submissions and hands it to the
// background job that matches it (RunLinkageRounds); the page shows its
// progress. At least two organisations must have submitted.
func (s *Service) MatchLinkageRound(ctx context.Context, c Caller, id int64) (*alliance.LinkageRound, error) {
	r, err := s.roundFor(ctx, c, alliance.ActLinkageStart, id)
	if err != nil {
		return nil, err
	}
	if r.Status != alliance.RoundCollecting && r.Status != alliance.RoundFailed {
		return nil, alliance.Errorf(alliance.CodeConflict, "the round is %s", r.Status)
	}
	subs, err := s.store.LinkageSubmissions(ctx, id, false)
	if err != nil {
		return nil, err
	}
	if len(subs) < 2 {
		return nil, alliance.Errorf(alliance.CodeConflict, "%d organisations have submitted encodings; at least two are needed", len(subs))
	}
	r.Status, r.Progress, r.Error = alliance.RoundMatching, 0, ""
	err = s.commit(ctx, c, alliance.ActLinkageStart, roundResource(c, id), func(tx alliance.Tx, e *alliance.AuditEntry) error {
		e.Detail = fmt.Sprintf("linkage round matched: %d organisations submitted", len(subs))
		return tx.UpdateLinkageRound(ctx, r)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// RunLinkageRounds matches the rounds waiting to be matched, one after the
// other; the server runs it every few seconds. The hub reads encodings only.
func (s *Service) RunLinkageRounds(ctx context.Context) error {
	rounds, err := s.store.LinkageRounds(ctx)
	if err != nil {
		return err
	}
	for i := range rounds {
		if rounds[i].Status != alliance.RoundMatching {
			continue
		}
		if err := s.runRound(ctx, &rounds[i]); err != nil {
			r := rounds[i]
			r.Status, r.Error = alliance.RoundFailed, err.Error()
			s.setRound(ctx, &r)
			return fmt.Errorf("linkage round %d: %w", r.ID, err)
		}
	}
	return nil
}

// setProgress records how far the matching of a round has come, unless the
// round has moved on meanwhile.
func (s *Service) setProgress(ctx context.Context, p *alliance.LinkageRound) {
	s.store.Update(ctx, func(tx alliance.Tx) error {
		cur, err := tx.LinkageRound(ctx, p.ID)
		if err != nil || cur.Status != alliance.RoundMatching || cur.Progress >= p.Progress {
			return err
		}
		cur.Progress = p.Progress
		return tx.UpdateLinkageRound(ctx, cur)
	})
}

// setRound writes the state of a round, re-reading its revision: the job is
// the only writer while a round is matching.
func (s *Service) setRound(ctx context.Context, r *alliance.LinkageRound) error {
	return s.store.Update(ctx, func(tx alliance.Tx) error {
		cur, err := tx.LinkageRound(ctx, r.ID)
		if err != nil {
			return err
		}
		r.Revision = cur.Revision
		return tx.UpdateLinkageRound(ctx, r)
	})
}

// runRound matches one round, records what each organisation learns and the
// alliance's counts.
func (s *Service) runRound(ctx context.Context, r *alliance.LinkageRound) error {
	parties, orgs, err := s.roundParties(ctx, r.ID, 0)
	if err != nil {
		return err
	}
	if err := linkage.Compatible(parties); err != nil {
		return err
	}
	last := time.Now()
	pairs, err := linkage.Match(parties, linkage.Options{Threshold: r.Threshold, Progress: func(done, total int64) {
		if total > 0 && time.Since(last) > 2*time.Second {
			last = time.Now()
			p := *r
			p.Progress = int(done * 99 / total)
			go s.setProgress(ctx, &p) // never hold the matcher's workers on the database
		}
	}})
	if err != nil {
		return err
	}
	clusters := linkage.Cluster(pairs, false)
	matches, err := s.roundMatches(ctx, r.ID, orgs, parties, clusters)
	if err != nil {
		return err
	}
	now := s.now()
	r.Status, r.Progress, r.MatchedAt = alliance.RoundDone, 100, &now
	r.Records, r.People = 0, 0
	for _, p := range parties {
		r.Records += len(p.IDs)
	}
	r.People = r.Records
	for _, cl := range clusters {
		r.People -= len(cl) - 1
	}
	return s.store.Update(ctx, func(tx alliance.Tx) error {
		if err := tx.SetLinkageMatches(ctx, r.ID, matches); err != nil {
			return err
		}
		cur, err := tx.LinkageRound(ctx, r.ID)
		if err != nil {
			return err
		}
		r.Revision = cur.Revision
		return tx.UpdateLinkageRound(ctx, r)
	})
}

// roundMatches turns clusters into what each organisation learns: which of
// its records matched records held elsewhere, and by which organisations
// where the person's consent allows it on both sides — each case's consent
// in force shares something with the other organisation. A match nobody may
// be named for is told only when at least two other organisations took part:
// with one, "elsewhere" would name it. Clusters are numbered per
// organisation, in the order of its record ids: a number counted across the
// round would tell which organisation holds a cluster's other record.
func (s *Service) roundMatches(ctx context.Context, round int64, orgs []int64, parties []*linkage.Party,
	clusters [][]linkage.Ref) ([]alliance.LinkageMatch, error) {
	orgOf := func(ref linkage.Ref) int64 { return orgs[ref.Party] }
	var out []alliance.LinkageMatch
	shares := map[string][]int64{} // case id → organisations its consent shares with
	for _, cl := range clusters {
		for _, ref := range cl {
			m := alliance.LinkageMatch{RoundID: round, OrgID: orgOf(ref), RecordID: parties[ref.Party].IDs[ref.Index], OtherOrgs: []int64{}}
			for _, other := range cl {
				if orgOf(other) == m.OrgID {
					continue
				}
				ok, err := s.mutualConsent(ctx, shares, m.RecordID, parties[other.Party].IDs[other.Index], m.OrgID, orgOf(other))
				if err != nil {
					return nil, err
				}
				if ok && !slices.Contains(m.OtherOrgs, orgOf(other)) {
					m.OtherOrgs = append(m.OtherOrgs, orgOf(other))
				}
			}
			if len(m.OtherOrgs) > 0 || len(parties) >= 3 {
				out = append(out, m)
			}
		}
	}
	return numberPerOrg(out), nil
}

// numberPerOrg numbers each organisation's matches 1, 2, … in the order of
// their record ids.
func numberPerOrg(ms []alliance.LinkageMatch) []alliance.LinkageMatch {
	slices.SortFunc(ms, func(a, b alliance.LinkageMatch) int {
		if a.OrgID != b.OrgID {
			return cmp.Compare(a.OrgID, b.OrgID)
		}
		return cmp.Compare(a.RecordID, b.RecordID)
	})
	n := 0
	for i := range ms {
		if i == 0 || ms[i].OrgID != ms[i-1].OrgID {
			n = 0
		}
		n++
		ms[i].Cluster = n
	}
	return ms
}

// mutualConsent reports whether case a (of organisation orgA) may be told
// that case b's organisation orgB holds the same person: both consents in
// force share something with the other organisation.
func (s *Service) mutualConsent(ctx context.Context, cache map[string][]int64, a, b string, orgA, orgB int64) (bool, error) {
	sa, err := s.consentShares(ctx, cache, a)
	if err != nil {
		return false, err
	}
	sb, err := s.consentShares(ctx, cache, b)
	if err != nil {
		return false, err
	}
	return slices.Contains(sa, orgB) && slices.Contains(sb, orgA), nil
}

// consentShares returns the organisations the consent in force of case id
// shares something with.
func (s *Service) consentShares(ctx context.Context, cache map[string][]int64, id string) ([]int64, error) {
	if orgs, ok := cache[id]; ok {
		return orgs, nil
	}
	caseID, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return nil, nil
	}
	cons, err := s.store.Consents(ctx, caseID)
	if err != nil {
		return nil, err
	}
	var orgs []int64
	if len(cons) > 0 && cons[0].Active(s.now()) {
		for _, sh := range cons[0].Shares {
			if len(sh.Groups) > 0 {
				orgs = append(orgs, sh.OrgID)
			}
		}
	}
	cache[id] = orgs
	return orgs, nil
}
