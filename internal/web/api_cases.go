package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"alliance"
	"alliance/internal/app"
)

// caseInput is the body of POST /api/v1/cases and PUT /api/v1/cases/{id}.
type caseInput struct {
	Revision   int64                  `json:"revision"`
	Reference  string                 `json:"reference"`
	Stage      alliance.Stage         `json:"stage"`
	AssignedTo int64                  `json:"assigned_to"`
	Person     alliance.Person        `json:"person"`
	Context    alliance.VictimContext `json:"context"`
	// Screening, on POST, attaches that screening to the new case.
	Screening int64 `json:"screening_id"`
}

// caseJSON is a case as the API gives it: what the caller may see of it.
type caseJSON struct {
	alliance.Case
	HTCDSStatus string   `json:"htcds_status"`
	Own         bool     `json:"own"`
	Groups      []string `json:"groups"`
}

func toCaseJSON(v *app.CaseView) caseJSON {
	return caseJSON{Case: v.Case, HTCDSStatus: v.HTCDSStatus(), Own: v.Own, Groups: v.Groups}
}

// int64Param reads an optional positive integer query parameter.
func int64Param(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, alliance.Invalid(name, "%q is not a number", v)
	}
	return n, nil
}

// caseFilter reads the filters of the case list.
func caseFilter(r *http.Request) (alliance.CaseFilter, error) {
	q := r.URL.Query()
	f := alliance.CaseFilter{Stage: alliance.Stage(q.Get("stage")), HTCDSStatus: q.Get("status"),
		Exploitation: q.Get("exploitation"), Industry: strings.ToUpper(q.Get("industry")), Citizenship: strings.ToUpper(q.Get("citizenship"))}
	if f.Stage != "" && !f.Stage.Valid() {
		return f, alliance.Invalid("stage", "%q is not a stage", f.Stage)
	}
	switch f.HTCDSStatus {
	case "", alliance.HTCDSActive, alliance.HTCDSFollowUp, alliance.HTCDSClosed, alliance.HTCDSClosedReferred:
	default:
		return f, alliance.Invalid("status", "%q is not Active, FollowUp, Closed or ClosedReferred", f.HTCDSStatus)
	}
	var err error
	if f.AssignedTo, err = int64Param(r, "assigned_to"); err != nil {
		return f, err
	}
	if f.After, err = int64Param(r, "after"); err != nil {
		return f, err
	}
	limit, err := int64Param(r, "limit")
	if err != nil || limit > 500 {
		return f, alliance.Invalid("limit", "give a number from 1 to 500")
	}
	f.Limit = int(limit)
	return f, nil
}

func (s *Server) apiCaseList(w http.ResponseWriter, r *http.Request) error {
	f, err := caseFilter(r)
	if err != nil {
		return err
	}
	list, err := s.svc.Cases(r.Context(), caller(r), f)
	if err != nil {
		return err
	}
	out := make([]caseJSON, len(list))
	for i := range list {
		out[i] = toCaseJSON(&app.CaseView{Case: list[i], Own: true, Groups: alliance.FieldGroups})
	}
	var next *int64
	if f.Limit == 0 {
		f.Limit = 50
	}
	if len(list) == f.Limit {
		next = &list[len(list)-1].ID
	}
	writeJSON(w, http.StatusOK, map[string]any{"cases": out, "next_after": next})
	return nil
}

func (s *Server) apiCaseCreate(w http.ResponseWriter, r *http.Request) error {
	var in caseInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	k, err := s.svc.CreateCase(r.Context(), caller(r), alliance.Case{Reference: in.Reference, Stage: in.Stage,
		AssignedTo: in.AssignedTo, Person: in.Person, VictimContext: in.Context}, in.Screening)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/cases/"+strconv.FormatInt(k.ID, 10))
	writeJSON(w, http.StatusCreated, toCaseJSON(&app.CaseView{Case: *k, Own: true, Groups: alliance.FieldGroups}))
	return nil
}

func (s *Server) apiCaseShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.svc.Case(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toCaseJSON(v))
	return nil
}

func (s *Server) apiCaseUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in caseInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.Stage != "" {
		return alliance.Invalid("stage", "change the stage with POST /api/v1/cases/{id}/stage, which records why")
	}
	k, err := s.svc.UpdateCase(r.Context(), caller(r), id, app.CaseChange{Revision: in.Revision, RequireRevision: true, Reference: in.Reference,
		AssignedTo: in.AssignedTo, Person: in.Person, Context: in.Context})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toCaseJSON(&app.CaseView{Case: *k, Own: true, Groups: alliance.FieldGroups}))
	return nil
}

func (s *Server) apiCaseStage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		To     alliance.Stage `json:"to"`
		Reason string         `json:"reason"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	k, err := s.svc.MoveCase(r.Context(), caller(r), id, in.To, in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toCaseJSON(&app.CaseView{Case: *k, Own: true, Groups: alliance.FieldGroups}))
	return nil
}

func (s *Server) apiCaseTransitions(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := s.svc.Transitions(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"transitions": list})
	return nil
}

func (s *Server) apiConsentList(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := s.svc.Consents(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"consents": list})
	return nil
}

func (s *Server) apiConsentCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Services   bool                    `json:"services"`
		Statistics bool                    `json:"statistics"`
		Shares     []alliance.ConsentShare `json:"shares"`
		Method     string                  `json:"method"`
		Language   string                  `json:"language"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := s.svc.RecordConsent(r.Context(), caller(r), id, alliance.Consent{Services: in.Services, Statistics: in.Statistics,
		Shares: in.Shares, Method: in.Method, Language: in.Language})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) apiConsentWithdraw(w http.ResponseWriter, r *http.Request) error {
	id, cid, err := pathIDs(r, "id", "cid")
	if err != nil {
		return err
	}
	if err := s.svc.WithdrawConsent(r.Context(), caller(r), id, cid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiReferralCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		ToOrg    int64    `json:"to_org"`
		Reason   string   `json:"reason"`
		Details  string   `json:"details"`
		Urgency  string   `json:"urgency"`
		Groups   []string `json:"groups"`
		Override string   `json:"override"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	ref, err := s.svc.Refer(r.Context(), caller(r), id, alliance.Referral{ToOrg: in.ToOrg, Reason: in.Reason,
		Details: in.Details, Urgency: in.Urgency, Groups: in.Groups, Override: in.Override})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, ref)
	return nil
}

func (s *Server) apiReferralList(w http.ResponseWriter, r *http.Request) error {
	box := r.URL.Query().Get("box")
	if box == "" {
		box = "inbox"
	}
	after, err := int64Param(r, "after")
	if err != nil {
		return err
	}
	limit, err := int64Param(r, "limit")
	if err != nil || limit > 500 {
		return alliance.Invalid("limit", "give a number from 1 to 500")
	}
	if limit == 0 {
		limit = 100
	}
	list, err := s.svc.ReferralPage(r.Context(), caller(r), box, r.URL.Query().Get("status"), after, int(limit))
	if err != nil {
		return err
	}
	out := map[string]any{"referrals": list}
	if len(list) == int(limit) {
		out["next_after"] = list[len(list)-1].ID
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiReferralAnswer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Accept bool   `json:"accept"`
		Reason string `json:"reason"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	ref, err := s.svc.AnswerReferral(r.Context(), caller(r), id, in.Accept, in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ref)
	return nil
}

func (s *Server) apiAssessmentAttach(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		CaseID int64 `json:"case_id"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	sc, err := s.svc.AttachAssessment(r.Context(), caller(r), id, in.CaseID)
	if err != nil {
		return err
	}
	return s.writeScreening(w, r, http.StatusOK, sc)
}

func (s *Server) apiDecisionCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Kind      string `json:"kind"`
		Outcome   string `json:"outcome"`
		DecidedBy int64  `json:"decided_by"`
		DecidedOn string `json:"decided_on"`
		Notes     string `json:"notes"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	d, err := s.svc.RecordDecision(r.Context(), caller(r), id, alliance.GroundsDecision{Kind: in.Kind, Outcome: in.Outcome,
		DecidedBy: in.DecidedBy, DecidedOn: in.DecidedOn, Notes: in.Notes})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, d)
	return nil
}

// apiDecisionList gives a case's decisions and reflection period, to its
// holder and to a referral's receiver with whom decisions are shared.
func (s *Server) apiDecisionList(w http.ResponseWriter, r *http.Request) error {
	v, err := s.caseShowing(r, alliance.GroupDecisions)
	if err != nil {
		return err
	}
	ds, refl, err := s.svc.Decisions(r.Context(), v)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"decisions": ds, "reflection": refl})
	return nil
}

func (s *Server) apiReflectionExtend(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Days   int    `json:"days"`
		Reason string `json:"reason"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.svc.ExtendReflection(r.Context(), caller(r), id, in.Days, in.Reason); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// apiCaseDuplicates lists the organisation's cases whose person looks like
// the one given, before it is recorded.
func (s *Server) apiCaseDuplicates(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Person alliance.Person `json:"person"`
		Except int64           `json:"except"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	dups, err := s.svc.PossibleDuplicates(r.Context(), caller(r), in.Person, in.Except)
	if err != nil {
		return err
	}
	type dupJSON struct {
		CaseID    int64   `json:"case_id"`
		Reference string  `json:"reference"`
		Name      string  `json:"name"`
		BirthDate string  `json:"birth_date,omitempty"`
		Score     float64 `json:"score"`
	}
	out := []dupJSON{}
	for _, d := range dups {
		out = append(out, dupJSON{d.CaseID, d.Reference, d.Name, d.BirthDate, d.Score})
	}
	writeJSON(w, http.StatusOK, map[string]any{"duplicates": out})
	return nil
}

func (s *Server) apiDeadlines(w http.ResponseWriter, r *http.Request) error {
	d, err := s.svc.Deadlines(r.Context(), caller(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"deadlines": d.Deadlines, "pending_inbox": d.PendingInbox, "pending_outbox": d.PendingOutbox})
	return nil
}

// apiCaseExport answers a subject access request: everything held about the
// person, as a JSON file.
func (s *Server) apiCaseExport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	rec, err := s.svc.SubjectAccess(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="case-%d-subject-access.json"`, id))
	writeJSON(w, http.StatusOK, rec)
	return nil
}

func (s *Server) apiCaseErase(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.svc.EraseIdentity(r.Context(), caller(r), id, in.Reason); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// apiCaseExportAll streams the organisation's cases with HTCDS field names:
// format=csv (default), jsonl or xlsx (cases, events and perpetrators, a
// sheet each); identity=true adds names and contacts.
func (s *Server) apiCaseExportAll(w http.ResponseWriter, r *http.Request) error {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = app.FormatCSV
	}
	identity := r.URL.Query().Get("identity") == "true"
	ctype := map[string]string{app.FormatCSV: "text/csv; charset=utf-8", app.FormatJSONLines: "application/x-ndjson",
		app.FormatXLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[format]
	if ctype == "" {
		return alliance.Invalid("format", "%q is not csv, jsonl or xlsx", format)
	}
	// Headers go out with the first row: errors before it still get the
	// JSON error shape.
	hw := &headerWriter{w: w, ctype: ctype, name: "cases-htcds." + format}
	_, err := s.svc.ExportCases(r.Context(), caller(r), hw, format, identity)
	if err != nil && hw.started {
		// Too late for an error status: end the stream; the client sees a
		// truncated file, and the log has the cause.
		s.log.ErrorContext(r.Context(), "HTCDS export cut short", "err", err)
		return nil
	}
	return err
}

// headerWriter sets the download headers at the first write.
type headerWriter struct {
	w       http.ResponseWriter
	ctype   string
	name    string
	started bool
}

func (h *headerWriter) Write(p []byte) (int, error) {
	if !h.started {
		h.started = true
		h.w.Header().Set("Content-Type", h.ctype)
		h.w.Header().Set("Content-Disposition", `attachment; filename="`+h.name+`"`)
		h.w.Header().Set("Cache-Control", "no-store")
	}
	return h.w.Write(p)
}

// caseShowing reads the case the path names, as the caller may see it, and
// refuses when the part group is not among what it shows: a referral's
// receiver reads only the parts the consent shares.
func (s *Server) caseShowing(r *http.Request, group string) (*app.CaseView, error) {
	v, err := s.caseView(r)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(v.Groups, group) {
		return nil, alliance.Errorf(alliance.CodeForbidden, "this part of the case (%s) is not shared with your organisation", group)
	}
	return v, nil
}
