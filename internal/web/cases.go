package web

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"alliance"
	"alliance/internal/app"
)

// The case pages: the organisation's list of cases, a form to open one (also
// from a screening's result), the case page with its record, stage, consent,
// referrals and timeline, and the referral inbox and outbox. A case referred
// to the caller's organisation shows only what the referral and the consent
// share, and no form.

// CasesPage lists the organisation's cases.
type CasesPage struct {
	*Base
	Cases        []alliance.Case
	Stages       []alliance.Stage
	Exploitation []string
	Members      []alliance.User // whom a case may be assigned to
	Filter       alliance.CaseFilter
	Next         int64
	CanOpen      bool
	// DeadlinesOnly shows the cases with a deadline due within the warning
	// days or past, instead of the list.
	DeadlinesOnly bool
	Deadlines     []app.Deadline
}

func (s *Server) casesPage(w http.ResponseWriter, r *http.Request) error {
	f, err := caseFilter(r)
	if err != nil {
		return err
	}
	if f.Limit == 0 {
		f.Limit = 50
	}
	list, err := s.svc.Cases(r.Context(), caller(r), f)
	if err != nil {
		return err
	}
	members, err := s.svc.Users(r.Context(), caller(r), caller(r).OrgID)
	if err != nil {
		return err
	}
	p := &CasesPage{Base: s.newBase(r, "cases.title"), Cases: list, Stages: alliance.Stages, Filter: f,
		Exploitation: alliance.ExploitationTypes, Members: members,
		CanOpen: alliance.Authorize(caller(r).Actor, alliance.ActCaseCreate, alliance.Resource{Type: "case", OrgID: caller(r).OrgID}).Allow}
	if len(list) == f.Limit {
		p.Next = list[len(list)-1].ID
	}
	if r.URL.Query().Get("deadline") == "due" {
		d, err := s.svc.Deadlines(r.Context(), caller(r))
		if err != nil {
			return err
		}
		p.DeadlinesOnly, p.Deadlines = true, d.Deadlines
	}
	return s.render(w, http.StatusOK, "cases", p)
}

// CaseFormPage opens or edits a case.
type CaseFormPage struct {
	*Base
	Case        alliance.Case
	Genders     []string
	Statuses    []string
	Screening   int64 // the screening to attach to a new case
	Conflict    *alliance.Case
	Duplicates  []app.Duplicate
	Action      string
	Citizenship string
	Languages   string
	Exploit     string
}

func (s *Server) caseFormPage(b *Base, k alliance.Case, action string) *CaseFormPage {
	return &CaseFormPage{Base: b, Case: k, Genders: alliance.Genders, Action: action,
		Statuses:    []string{alliance.StatusPossible, alliance.StatusActual, alliance.StatusNot},
		Citizenship: strings.Join(k.Person.Citizenships, ", "), Languages: strings.Join(k.Person.Languages, ", "),
		Exploit: strings.Join(k.Exploitation, ", ")}
}

func (s *Server) caseNew(w http.ResponseWriter, r *http.Request) error {
	c := caller(r)
	if d := alliance.Authorize(c.Actor, alliance.ActCaseCreate, alliance.Resource{Type: "case", OrgID: c.OrgID}); !d.Allow {
		return d.Err()
	}
	p := s.caseFormPage(s.newBase(r, "cases.new_title"), alliance.Case{}, "/cases")
	p.Screening, _ = strconv.ParseInt(r.URL.Query().Get("screening"), 10, 64)
	return s.render(w, http.StatusOK, "case_form", p)
}

func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// caseFromForm reads the record fields of the case form.
func caseFromForm(r *http.Request) alliance.Case {
	f := r.PostFormValue
	return alliance.Case{Reference: f("reference"), Person: alliance.Person{
		GivenName: f("given_name"), FamilyName: f("family_name"), MiddleName: f("middle_name"), BirthDate: f("birth_date"),
		Gender: f("gender"), Citizenships: splitList(f("citizenships")), Languages: splitList(f("languages")),
		Phone: f("phone"), Email: f("email"), Address: f("address")},
		VictimContext: alliance.VictimContext{TraffickingStatus: f("trafficking_status"), Industry: f("industry"),
			Exploitation: splitList(f("exploitation"))}}
}

func (s *Server) caseCreate(w http.ResponseWriter, r *http.Request) error {
	in := caseFromForm(r)
	screening, _ := strconv.ParseInt(r.PostFormValue("screening"), 10, 64)
	c := caller(r)
	if d := alliance.Authorize(c.Actor, alliance.ActCaseCreate, alliance.Resource{Type: "case", OrgID: c.OrgID}); !d.Allow {
		return d.Err()
	}
	if r.PostFormValue("confirm_new") != "on" {
		dups, err := s.svc.PossibleDuplicates(r.Context(), caller(r), in.Person, 0)
		if err != nil {
			return err
		}
		if len(dups) > 0 {
			p := s.caseFormPage(s.newBase(r, "cases.new_title"), in, "/cases")
			p.Screening, p.Duplicates = screening, dups
			return s.render(w, http.StatusConflict, "case_form", p)
		}
	}
	k, err := s.svc.CreateCase(r.Context(), caller(r), in, screening)
	if err != nil {
		b := s.newBase(r, "cases.new_title")
		return s.formError(err, b, func(st int) error {
			p := s.caseFormPage(b, in, "/cases")
			p.Screening = screening
			return s.render(w, st, "case_form", p)
		})
	}
	http.Redirect(w, r, fmt.Sprintf("/cases/%d?flash=saved", k.ID), http.StatusSeeOther)
	return nil
}

func (s *Server) caseEdit(w http.ResponseWriter, r *http.Request) error {
	v, err := s.caseView(r)
	if err != nil {
		return err
	}
	if d := alliance.Authorize(caller(r).Actor, alliance.ActCaseUpdate, alliance.Resource{Type: "case", OrgID: v.OrgID}); !v.Own || !d.Allow {
		return alliance.Errorf(alliance.CodeForbidden, "only caseworkers of the organisation holding the case edit it")
	}
	return s.render(w, http.StatusOK, "case_form", s.caseFormPage(s.newBase(r, "cases.edit_title"), v.Case, fmt.Sprintf("/cases/%d/edit", v.ID)))
}

// caseSave saves the edit form. When someone else saved meanwhile, the form
// comes back with both versions: nothing is silently overwritten.
func (s *Server) caseSave(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	in := caseFromForm(r)
	rev, _ := strconv.ParseInt(r.PostFormValue("revision"), 10, 64)
	assigned, _ := strconv.ParseInt(r.PostFormValue("assigned_to"), 10, 64)
	cur, err := s.svc.Case(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	// The form carries some of the victim context; keep the rest as it is.
	ctxt := cur.VictimContext
	ctxt.TraffickingStatus, ctxt.Industry, ctxt.Exploitation = in.TraffickingStatus, in.Industry, in.Exploitation
	_, err = s.svc.UpdateCase(r.Context(), caller(r), id, app.CaseChange{Revision: rev, Reference: in.Reference,
		AssignedTo: assigned, Person: in.Person, Context: ctxt})
	if err == nil {
		http.Redirect(w, r, fmt.Sprintf("/cases/%d?flash=saved", id), http.StatusSeeOther)
		return nil
	}
	b := s.newBase(r, "cases.edit_title")
	return s.formError(err, b, func(st int) error {
		in.ID, in.Revision, in.AssignedTo = id, rev, assigned
		p := s.caseFormPage(b, in, fmt.Sprintf("/cases/%d/edit", id))
		if st == http.StatusConflict {
			if v, verr := s.svc.Case(r.Context(), caller(r), id); verr == nil {
				p.Conflict = &v.Case
				p.Case.Revision = v.Revision // saving again keeps this form's values
			}
		}
		return s.render(w, st, "case_form", p)
	})
}

// TimelineItem is one event of a case, for its timeline.
type TimelineItem struct {
	At   time.Time
	Text string
}

// CasePage shows a case.
type CasePage struct {
	*app.CaseView
	*Base
	Shows          map[string]bool
	Next           []alliance.Stage
	Consents       []alliance.Consent
	Consent        *alliance.Consent // in force
	Referrals      []alliance.Referral
	Screenings     []alliance.Assessment
	Partners       []alliance.Organisation
	Groups         []string
	Timeline       []TimelineItem
	CanEdit        bool
	OrgName        map[int64]string
	Reasons        []string
	Urgencies      []string
	ConsentLang    string
	Decisions      []alliance.GroundsDecision
	Reflection     *alliance.Reflection
	ReflectionLeft int
	Today          string
	OwnOrg         alliance.Organisation
	RefForm        alliance.Referral // what was typed in a refused referral form
	CanErase       bool
	CanExport      bool
	Comments       []alliance.Comment
	Events         []alliance.Event
	Perpetrators   []alliance.Perpetrator
	Plans          []alliance.SupportPlan
	PlanTypes      []string
	Documents      []alliance.Document
	DocumentKinds  []string
	Residence      []alliance.Residence
	Proceedings    []alliance.Proceeding
	Legal          legalLists
}

// legalLists are the choices of the residence and proceeding forms.
type legalLists struct {
	ResidenceStatuses, PermitTypes, Kinds, Roles, Statuses []string
}

// caseView reads the case the path names, as the caller may see it.
func (s *Server) caseView(r *http.Request) (*app.CaseView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.svc.Case(r.Context(), caller(r), id)
}

func (s *Server) casePage(w http.ResponseWriter, r *http.Request) error {
	b := s.newBase(r, "cases.case_title")
	return s.renderCase(w, r, http.StatusOK, b)
}

func (s *Server) renderCase(w http.ResponseWriter, r *http.Request, status int, b *Base) error {
	return s.renderCaseWith(w, r, status, b, alliance.Referral{})
}

func (s *Server) renderCaseWith(w http.ResponseWriter, r *http.Request, status int, b *Base, ref alliance.Referral) error {
	v, err := s.caseView(r)
	if err != nil {
		return err
	}
	c := caller(r)
	p := &CasePage{CaseView: v, Base: b, Shows: map[string]bool{}, Groups: alliance.FieldGroups, OrgName: map[int64]string{},
		Reasons: alliance.ReferralReasons, Urgencies: alliance.ReferralUrgencies, ConsentLang: b.Lang, RefForm: ref}
	for _, g := range v.Groups {
		p.Shows[g] = true
	}
	p.Screenings, err = s.svc.CaseAssessments(r.Context(), c, v)
	if err != nil {
		return err
	}
	if p.Decisions, p.Reflection, err = s.svc.Decisions(r.Context(), v); err != nil {
		return err
	}
	if p.Comments, err = s.svc.Comments(r.Context(), v); err != nil {
		return err
	}
	if p.Events, p.Perpetrators, err = s.svc.EventsAndPerpetrators(r.Context(), v); err != nil {
		return err
	}
	if p.Plans, err = s.svc.SupportPlans(r.Context(), v); err != nil {
		return err
	}
	if p.Documents, err = s.svc.Documents(r.Context(), v); err != nil {
		return err
	}
	if p.Residence, p.Proceedings, err = s.svc.ResidenceAndProceedings(r.Context(), v); err != nil {
		return err
	}
	p.Legal = legalLists{alliance.ResidenceStatuses, alliance.PermitTypes, alliance.ProceedingKinds, alliance.ProceedingRoles, alliance.ProceedingStatuses}
	p.PlanTypes, p.DocumentKinds = alliance.SupportPlanTypes, alliance.DocumentKinds
	p.Today = time.Now().UTC().Format("2006-01-02")
	if p.Reflection != nil {
		end, _ := time.Parse("2006-01-02", p.Reflection.End)
		today, _ := time.Parse("2006-01-02", p.Today)
		p.ReflectionLeft = int(end.Sub(today).Hours() / 24)
	}
	if v.Own {
		if err := s.fillOwnCase(r, p); err != nil {
			return err
		}
	}
	return s.render(w, status, "case", p)
}

// fillOwnCase adds what only the holder of a case sees: consent, referrals,
// timeline and the forms.
func (s *Server) fillOwnCase(r *http.Request, p *CasePage) error {
	ctx, c := r.Context(), caller(r)
	var err error
	p.CanEdit = p.ErasedAt == nil && alliance.Authorize(c.Actor, alliance.ActCaseUpdate, alliance.Resource{Type: "case", OrgID: p.OrgID}).Allow
	p.CanErase = alliance.Authorize(c.Actor, alliance.ActCaseErase, alliance.Resource{Type: "case", OrgID: p.OrgID}).Allow
	p.CanExport = alliance.Authorize(c.Actor, alliance.ActCaseExport, alliance.Resource{Type: "case", OrgID: p.OrgID}).Allow
	p.Next = p.Stage.Next()
	if p.Consents, err = s.svc.Consents(ctx, c, p.ID); err != nil {
		return err
	}
	if len(p.Consents) > 0 && p.Consents[0].Active(time.Now()) {
		p.Consent = &p.Consents[0]
	}
	if p.Partners, err = s.svc.Partners(ctx, c); err != nil {
		return err
	}
	for _, o := range p.Partners {
		p.OrgName[o.ID] = o.Name
	}
	if p.Org != nil {
		p.OwnOrg, p.OrgName[p.Org.ID] = *p.Org, p.Org.Name
	}
	if p.Referrals, err = s.svc.CaseReferrals(ctx, c, p.ID); err != nil {
		return err
	}
	trs, err := s.svc.Transitions(ctx, c, p.ID)
	if err != nil {
		return err
	}
	p.Timeline = s.timeline(p, trs)
	return nil
}

// timeline merges the stage changes, consents and referrals of a case, newest
// first.
func (s *Server) timeline(p *CasePage, trs []alliance.Transition) []TimelineItem {
	var out []TimelineItem
	for _, t := range trs {
		out = append(out, TimelineItem{t.At, p.T("cases.tl_stage", p.T("stage."+string(t.To)), t.Reason)})
	}
	for i, con := range p.Consents {
		out = append(out, TimelineItem{con.GivenAt, p.T("cases.tl_consent", p.T("consent."+con.Method))})
		// A consent ended at the moment the next was given was replaced by
		// it, not withdrawn by the person (Consents lists newest first).
		replaced := i > 0 && con.WithdrawnAt != nil && con.WithdrawnAt.Equal(p.Consents[i-1].GivenAt)
		if con.WithdrawnAt != nil && !replaced {
			out = append(out, TimelineItem{*con.WithdrawnAt, p.T("cases.tl_withdrawn")})
		}
	}
	for _, ref := range p.Referrals {
		out = append(out, TimelineItem{ref.CreatedAt, p.T("cases.tl_referral", p.OrgName[ref.ToOrg])})
		if ref.AnsweredAt != nil {
			out = append(out, TimelineItem{*ref.AnsweredAt, p.T("cases.tl_answer", p.OrgName[ref.ToOrg], p.T("referral."+ref.Status))})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.After(out[j].At) })
	return out
}

// caseFormError re-renders the case page with the error of one of its forms.
func (s *Server) caseFormError(w http.ResponseWriter, r *http.Request, err error) error {
	b := s.newBase(r, "cases.case_title")
	return s.formError(err, b, func(st int) error { return s.renderCase(w, r, st, b) })
}

func (s *Server) caseStage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.svc.MoveCase(r.Context(), caller(r), id, alliance.Stage(r.PostFormValue("to")), r.PostFormValue("reason")); err != nil {
		return s.caseFormError(w, r, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/cases/%d?flash=saved", id), http.StatusSeeOther)
	return nil
}

func (s *Server) caseConsent(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return alliance.Invalid("body", "the form could not be read")
	}
	con := alliance.Consent{Services: r.PostFormValue("services") == "on", Statistics: r.PostFormValue("statistics") == "on",
		Method: r.PostFormValue("method"), Language: r.PostFormValue("language")}
	// share.<org id> = group, one value per ticked box
	var orgs []int64
	for k := range r.PostForm {
		if rest, ok := strings.CutPrefix(k, "share."); ok {
			if n, err := strconv.ParseInt(rest, 10, 64); err == nil {
				orgs = append(orgs, n)
			}
		}
	}
	slices.Sort(orgs)
	for _, o := range orgs {
		con.Shares = append(con.Shares, alliance.ConsentShare{OrgID: o, Groups: r.PostForm[fmt.Sprintf("share.%d", o)]})
	}
	if _, err := s.svc.RecordConsent(r.Context(), caller(r), id, con); err != nil {
		return s.caseFormError(w, r, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/cases/%d?flash=consent_recorded", id), http.StatusSeeOther)
	return nil
}

func (s *Server) caseConsentWithdraw(w http.ResponseWriter, r *http.Request) error {
	id, cid, err := pathIDs(r, "id", "cid")
	if err != nil {
		return err
	}
	if err := s.svc.WithdrawConsent(r.Context(), caller(r), id, cid); err != nil {
		return s.caseFormError(w, r, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/cases/%d?flash=consent_withdrawn", id), http.StatusSeeOther)
	return nil
}

func (s *Server) caseRefer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return alliance.Invalid("body", "the form could not be read")
	}
	to, _ := strconv.ParseInt(r.PostFormValue("to_org"), 10, 64)
	ref := alliance.Referral{ToOrg: to, Reason: r.PostFormValue("reason"), Urgency: r.PostFormValue("urgency"),
		Details: r.PostFormValue("details"), Override: r.PostFormValue("override"), Groups: r.PostForm["groups"]}
	if _, err := s.svc.Refer(r.Context(), caller(r), id, ref); err != nil {
		b := s.newBase(r, "cases.case_title")
		return s.formError(err, b, func(st int) error { return s.renderCaseWith(w, r, st, b, ref) })
	}
	http.Redirect(w, r, fmt.Sprintf("/cases/%d?flash=referral_sent", id), http.StatusSeeOther)
	return nil
}

// ConsentFormPage is the consent form to print and sign, in the person's
// language beside the staff member's, listing the partner organisations and
// the parts of the file each could see.
type ConsentFormPage struct {
	*Base
	Case      *app.CaseView
	Partners  []alliance.Organisation
	Groups    []string
	Worker    string // language tag
	WorkerDir string
	Same      bool
	Text      func(key string) string
	StaffText func(key string) string
}

func (s *Server) consentForm(w http.ResponseWriter, r *http.Request) error {
	v, err := s.caseView(r)
	if err != nil {
		return err
	}
	if !v.Own {
		return alliance.Errorf(alliance.CodeForbidden, "only the organisation holding the case prints its consent form")
	}
	q := s.svc.Questionnaire()
	b := s.newBase(r, "cases.consent_form_title")
	lang := r.URL.Query().Get("lang")
	if lang == "" {
		lang = b.Lang
	}
	l, ok := q.Language(lang)
	if !ok {
		return alliance.Invalid("lang", "the consent form has no texts in %q", lang)
	}
	partners, err := s.svc.Partners(r.Context(), caller(r))
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "consent_form", &ConsentFormPage{Base: b, Case: v, Partners: partners, Groups: alliance.FieldGroups,
		Worker: l.Tag, WorkerDir: l.Dir, Same: l.Tag == b.Lang,
		Text:      func(key string) string { return q.Text(l.Tag, key) },
		StaffText: func(key string) string { return q.Text(b.Lang, key) }})
}

func (s *Server) caseDecision(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	by, _ := strconv.ParseInt(r.PostFormValue("decided_by"), 10, 64)
	d := alliance.GroundsDecision{Kind: r.PostFormValue("kind"), Outcome: r.PostFormValue("outcome"), DecidedBy: by,
		DecidedOn: r.PostFormValue("decided_on"), Notes: r.PostFormValue("notes")}
	if _, err := s.svc.RecordDecision(r.Context(), caller(r), id, d); err != nil {
		return s.caseFormError(w, r, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/cases/%d?flash=saved#decisions", id), http.StatusSeeOther)
	return nil
}

func (s *Server) caseExtend(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	days, err := strconv.Atoi(r.PostFormValue("days"))
	if err != nil {
		return s.caseFormError(w, r, alliance.Invalid("days", "give a number of days"))
	}
	if err := s.svc.ExtendReflection(r.Context(), caller(r), id, days, r.PostFormValue("reason")); err != nil {
		return s.caseFormError(w, r, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/cases/%d?flash=saved#decisions", id), http.StatusSeeOther)
	return nil
}

// ExportPage is the subject access document: everything the organisation
// holds about the person of a case, to print or hand over.
type ExportPage struct {
	*Base
	R *app.SubjectRecord
}

func (s *Server) caseExport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	rec, err := s.svc.SubjectAccess(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "case_export", &ExportPage{Base: s.newBase(r, "cases.export_title"), R: rec})
}

// caseErase erases the person's identity at their request, once the
// administrator has typed the case's reference to confirm.
func (s *Server) caseErase(w http.ResponseWriter, r *http.Request) error {
	v, err := s.caseView(r)
	if err != nil {
		return err
	}
	if d := alliance.Authorize(caller(r).Actor, alliance.ActCaseErase, alliance.Resource{Type: "case", OrgID: v.OrgID}); !d.Allow {
		return d.Err()
	}
	if r.PostFormValue("confirm") != v.Reference {
		return s.caseFormError(w, r, alliance.Invalid("confirm", "type the case's reference to confirm the erasure"))
	}
	if err := s.svc.EraseIdentity(r.Context(), caller(r), v.ID, app.EraseRequest); err != nil {
		return s.caseFormError(w, r, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/cases/%d?flash=identity_erased", v.ID), http.StatusSeeOther)
	return nil
}

func (s *Server) caseComment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.svc.AddComment(r.Context(), caller(r), id, r.PostFormValue("text")); err != nil {
		return s.caseFormError(w, r, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/cases/%d?flash=saved#comments", id), http.StatusSeeOther)
	return nil
}

func (s *Server) caseSupport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p := alliance.SupportPlan{Type: r.PostFormValue("type"), Objectives: r.PostFormValue("objectives"),
		ActionPlan: r.PostFormValue("action_plan"), PlannedEnd: r.PostFormValue("planned_end")}
	if _, err := s.svc.CreateSupportPlan(r.Context(), caller(r), id, p); err != nil {
		return s.caseFormError(w, r, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/cases/%d?flash=saved#support", id), http.StatusSeeOther)
	return nil
}
