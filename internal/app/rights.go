package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"alliance"
)

// Erasure reasons, for the audit log: the detail never holds free text.
const (
	EraseRequest   = "request"   // the person asked
	EraseRetention = "retention" // the organisation's retention period ran out
)

// EraseIdentity erases a person's identity from a case: names, date of birth
// and contact details, the blind indexes of the name, every free text
// attached to the case, and the notes of its screenings. The case's
// non-identifying facts (stage, dates, gender, citizenships, the victim
// context, decisions' outcomes) stay, for statistics. It cannot be undone,
// and the case cannot be changed afterwards.
func (s *Service) EraseIdentity(ctx context.Context, c Caller, caseID int64, reason string) error {
	if reason != EraseRequest && reason != EraseRetention {
		return alliance.Invalid("reason", "%q is not request or retention", reason)
	}
	k, err := s.caseFor(ctx, c, alliance.ActCaseErase, caseID)
	if err != nil {
		return err
	}
	return s.commit(ctx, c, alliance.ActCaseErase, caseResource(k), func(tx alliance.Tx, e *alliance.AuditEntry) error {
		cur, err := tx.Case(ctx, caseID)
		if err != nil {
			return err
		}
		if cur.ErasedAt != nil {
			return alliance.Errorf(alliance.CodeConflict, "the person's identity was erased from this case already")
		}
		cur.Erase(s.now())
		cur.UpdatedAt = s.now()
		if err := tx.UpdateCase(ctx, cur); err != nil {
			return err
		}
		if err := tx.SetNameTokens(ctx, caseID, nil); err != nil {
			return err
		}
		if err := tx.EraseCaseText(ctx, caseID); err != nil {
			return err
		}
		if err := s.eraseScreeningNotes(ctx, tx, cur); err != nil {
			return err
		}
		e.Detail = "identity erased (" + reason + ")"
		return nil
	})
}

// eraseScreeningNotes clears the interviewer's notes of the screenings
// attached to case k; the answers, which name no one, stay.
func (s *Service) eraseScreeningNotes(ctx context.Context, tx alliance.Tx, k *alliance.Case) error {
	list, err := tx.Assessments(ctx, alliance.AssessmentFilter{OrgID: k.OrgID, CaseID: k.ID, Limit: 1000})
	if err != nil {
		return err
	}
	for _, item := range list {
		a, err := tx.Assessment(ctx, item.ID)
		if err != nil {
			return err
		}
		sc, err := s.decode(a)
		if err != nil {
			return err
		}
		if sc.Answers.Notes == "" {
			continue
		}
		sc.Answers.Notes = ""
		if sc.Assessment.Answers, err = json.Marshal(sc.Answers); err != nil {
			return err
		}
		if err := tx.UpdateAssessment(ctx, &sc.Assessment); err != nil {
			return err
		}
	}
	return nil
}

// EraseExpired erases the identity of every case whose organisation's
// retention period has run out since it was closed; the background job calls
// it. It returns how many it erased.
func (s *Service) EraseExpired(ctx context.Context) (int, error) {
	ids, err := s.store.CasesToErase(ctx, s.now(), 100)
	if err != nil {
		return 0, err
	}
	for i, id := range ids {
		if err := s.EraseIdentity(ctx, System(), id, EraseRetention); err != nil {
			return i, fmt.Errorf("erase case %d: %w", id, err)
		}
	}
	return len(ids), nil
}

// SubjectRecord is everything an organisation holds about the person of a
// case, for a subject access request: the case, its consents, referrals,
// decisions, stage changes, screenings, events, perpetrators, residence
// steps, proceedings, support plans and comments, and who read or changed it.
type SubjectRecord struct {
	Organisation string                     `json:"organisation"`
	Generated    string                     `json:"generated"`
	Case         alliance.Case              `json:"case"`
	HTCDSStatus  string                     `json:"htcds_status"`
	Consents     []alliance.Consent         `json:"consents"`
	Referrals    []alliance.Referral        `json:"referrals"`
	Decisions    []alliance.GroundsDecision `json:"decisions"`
	Extensions   []alliance.Extension       `json:"extensions"`
	Transitions  []alliance.Transition      `json:"transitions"`
	Screenings   []Screening                `json:"screenings"`
	Events       []alliance.Event           `json:"events"`
	Perpetrators []alliance.Perpetrator     `json:"perpetrators"`
	Residence    []alliance.Residence       `json:"residence"`
	Proceedings  []alliance.Proceeding      `json:"proceedings"`
	Documents    []alliance.Document        `json:"documents"` // what is attached; the files are downloaded one by one
	SupportPlans []alliance.SupportPlan     `json:"support_plans"`
	Comments     []alliance.Comment         `json:"comments"`
	Accesses     []alliance.AuditEntry      `json:"accesses"`
}

// SubjectAccess gathers everything held about the person of a case, for the
// organisation that holds it; the export itself is audited.
func (s *Service) SubjectAccess(ctx context.Context, c Caller, caseID int64) (*SubjectRecord, error) {
	k, err := s.caseFor(ctx, c, alliance.ActCaseExport, caseID)
	if err != nil {
		return nil, err
	}
	res := caseResource(k)
	if err := s.commit(ctx, c, alliance.ActCaseExport, res, func(alliance.Tx, *alliance.AuditEntry) error { return nil }); err != nil {
		return nil, err
	}
	rec := &SubjectRecord{Case: *k, HTCDSStatus: k.HTCDSStatus(), Generated: s.now().UTC().Format("2006-01-02 15:04 UTC")}
	if o, err := s.store.Organisation(ctx, k.OrgID); err == nil {
		rec.Organisation = o.Name
	}
	if err := s.gatherRecords(ctx, rec); err != nil {
		return nil, err
	}
	rec.Accesses, err = s.store.AuditEntries(ctx, alliance.AuditFilter{ResourceType: "case", ResourceID: strconv.FormatInt(caseID, 10), Limit: 500})
	return rec, err
}

func (s *Service) gatherRecords(ctx context.Context, rec *SubjectRecord) error {
	id, st := rec.Case.ID, s.store
	for _, load := range []func() error{
		func() (err error) { rec.Consents, err = st.Consents(ctx, id); return },
		func() (err error) {
			rec.Referrals, err = st.Referrals(ctx, alliance.ReferralFilter{CaseID: id, Limit: 1000})
			return
		},
		func() (err error) { rec.Decisions, err = st.Decisions(ctx, id); return },
		func() (err error) { rec.Extensions, err = st.Extensions(ctx, id); return },
		func() (err error) { rec.Transitions, err = st.Transitions(ctx, id); return },
		func() (err error) { rec.Events, err = st.Events(ctx, id); return },
		func() (err error) { rec.Perpetrators, err = st.Perpetrators(ctx, id); return },
		func() (err error) { rec.Residence, err = st.Residences(ctx, id); return },
		func() (err error) { rec.Proceedings, err = st.Proceedings(ctx, id); return },
		func() (err error) { rec.Documents, err = st.Documents(ctx, id); return },
		func() (err error) { rec.SupportPlans, err = st.SupportPlans(ctx, id); return },
		func() (err error) { rec.Comments, err = st.Comments(ctx, id); return },
	} {
		if err := load(); err != nil {
			return err
		}
	}
	return s.gatherScreenings(ctx, rec)
}

// gatherScreenings adds the case's screenings, with their answers, to rec.
func (s *Service) gatherScreenings(ctx context.Context, rec *SubjectRecord) error {
	list, err := s.store.Assessments(ctx, alliance.AssessmentFilter{OrgID: rec.Case.OrgID, CaseID: rec.Case.ID, Limit: 1000})
	if err != nil {
		return err
	}
	for _, item := range list {
		a, err := s.store.Assessment(ctx, item.ID)
		if err != nil {
			return err
		}
		sc, err := s.decode(a)
		if err != nil {
			return err
		}
		rec.Screenings = append(rec.Screenings, *sc)
	}
	return nil
}
