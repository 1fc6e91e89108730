package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"alliance"
	"alliance/internal/app"
)

// OrgListPage lists organisations and, for a superadmin, offers to add one.
type OrgListPage struct {
	*Base
	Orgs     []alliance.Organisation
	Types    []alliance.OrgType
	CanAdd   bool
	Form     alliance.Organisation
	FormLang string
}

func (s *Server) orgList(w http.ResponseWriter, r *http.Request) error {
	return s.renderOrgList(w, r, http.StatusOK, s.newBase(r, "orgs.title"), alliance.Organisation{})
}

func (s *Server) renderOrgList(w http.ResponseWriter, r *http.Request, status int, b *Base, form alliance.Organisation) error {
	c := stateOf(r).auth.Caller
	orgs, err := s.svc.Organisations(r.Context(), c)
	if err != nil {
		return err
	}
	return s.render(w, status, "orgs", &OrgListPage{
		Base: b, Orgs: orgs, Types: alliance.OrgTypes, Form: form, FormLang: strings.Join(form.Languages, ", "),
		CanAdd: alliance.Authorize(c.Actor, alliance.ActOrgCreate, alliance.Resource{Type: "organisation"}).Allow,
	})
}

func orgFromForm(r *http.Request) alliance.Organisation {
	days, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("retention_days")))
	if err != nil && strings.TrimSpace(r.PostFormValue("retention_days")) != "" {
		days = -1 // refused by Validate, naming the field
	}
	return alliance.Organisation{
		Name: r.PostFormValue("name"), Type: alliance.OrgType(r.PostFormValue("type")),
		Country: r.PostFormValue("country"), Languages: formLanguages(r), RetentionDays: days,
	}
}

func (s *Server) orgCreate(w http.ResponseWriter, r *http.Request) error {
	o := orgFromForm(r)
	if err := s.svc.CreateOrganisation(r.Context(), stateOf(r).auth.Caller, &o); err != nil {
		b := s.newBase(r, "orgs.title")
		return s.formError(err, b, func(st int) error { return s.renderOrgList(w, r, st, b, o) })
	}
	http.Redirect(w, r, fmt.Sprintf("/organisations/%d?flash=saved", o.ID), http.StatusSeeOther)
	return nil
}

// OrgPage shows one organisation, its users and, for its administrators, the
// forms to change it and add users.
type OrgPage struct {
	*Base
	O        *alliance.Organisation
	Users    []alliance.User
	Types    []alliance.OrgType
	Roles    []alliance.Role
	CanEdit  bool
	CanList  bool // may see the users (names and emails are personal data)
	CanUsers bool
	Form     alliance.Organisation
	NewUser  app.NewUser
}

func (s *Server) orgShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderOrg(w, r, http.StatusOK, s.newBase(r, "org.title"), nil, app.NewUser{})
}

func (s *Server) renderOrg(w http.ResponseWriter, r *http.Request, status int, b *Base, form *alliance.Organisation, nu app.NewUser) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c := stateOf(r).auth.Caller
	o, err := s.svc.Organisation(r.Context(), c, id)
	if err != nil {
		return err
	}
	res := alliance.Resource{Type: "organisation", ID: strconv.FormatInt(id, 10), OrgID: id}
	var users []alliance.User
	canList := alliance.Authorize(c.Actor, alliance.ActUserList, res).Allow
	if canList {
		if users, err = s.svc.Users(r.Context(), c, id); err != nil {
			return err
		}
	}
	if form == nil {
		form = o
	}
	if nu.Role == "" {
		nu.Role = alliance.RoleViewer // the least power unless chosen otherwise
	}
	b.Title = o.Name
	return s.render(w, status, "org", &OrgPage{
		Base: b, O: o, Users: users, CanList: canList, Types: alliance.OrgTypes, Roles: s.assignableRoles(c), Form: *form, NewUser: nu,
		CanEdit:  alliance.Authorize(c.Actor, alliance.ActOrgUpdate, res).Allow,
		CanUsers: alliance.Authorize(c.Actor, alliance.ActUserCreate, res).Allow,
	})
}

func (s *Server) assignableRoles(c app.Caller) []alliance.Role {
	if c.Role == alliance.RoleSuperadmin {
		return alliance.Roles
	}
	return alliance.Roles[1:]
}

func (s *Server) orgUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	o := orgFromForm(r)
	o.ID = id
	if err := s.svc.UpdateOrganisation(r.Context(), stateOf(r).auth.Caller, &o); err != nil {
		b := s.newBase(r, "org.title")
		return s.formError(err, b, func(st int) error { return s.renderOrg(w, r, st, b, &o, app.NewUser{}) })
	}
	http.Redirect(w, r, fmt.Sprintf("/organisations/%d?flash=saved", id), http.StatusSeeOther)
	return nil
}

func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	nu := app.NewUser{
		OrgID: id, Email: r.PostFormValue("email"), Name: r.PostFormValue("name"),
		Role: alliance.Role(r.PostFormValue("role")), Password: r.PostFormValue("password"),
	}
	u, err := s.svc.CreateUser(r.Context(), stateOf(r).auth.Caller, nu)
	if err != nil {
		nu.Password = ""
		b := s.newBase(r, "org.title")
		return s.formError(err, b, func(st int) error { return s.renderOrg(w, r, st, b, nil, nu) })
	}
	http.Redirect(w, r, fmt.Sprintf("/users/%d?flash=user_created", u.ID), http.StatusSeeOther)
	return nil
}

// UserPage shows one user and, for administrators, the forms to change the role,
// disable the account or reset the second factor.
type UserPage struct {
	*Base
	U       *alliance.User
	Roles   []alliance.Role
	CanEdit bool
}

func (s *Server) userShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderUser(w, r, http.StatusOK, s.newBase(r, "user.title"))
}

func (s *Server) renderUser(w http.ResponseWriter, r *http.Request, status int, b *Base) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c := stateOf(r).auth.Caller
	u, err := s.svc.User(r.Context(), c, id)
	if err != nil {
		return err
	}
	res := alliance.Resource{Type: "user", ID: strconv.FormatInt(id, 10), OrgID: u.OrgID}
	return s.render(w, status, "user", &UserPage{
		Base: b, U: u, Roles: s.assignableRoles(c),
		CanEdit: alliance.Authorize(c.Actor, alliance.ActUserUpdate, res).Allow,
	})
}

func (s *Server) userUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ch := app.UserChange{Name: r.PostFormValue("name"), Role: alliance.Role(r.PostFormValue("role")), Disabled: r.PostFormValue("disabled") == "on"}
	if _, err := s.svc.UpdateUser(r.Context(), stateOf(r).auth.Caller, id, ch); err != nil {
		b := s.newBase(r, "user.title")
		return s.formError(err, b, func(st int) error { return s.renderUser(w, r, st, b) })
	}
	http.Redirect(w, r, fmt.Sprintf("/users/%d?flash=saved", id), http.StatusSeeOther)
	return nil
}

func (s *Server) userReset2FA(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.svc.ResetTwoFactor(r.Context(), stateOf(r).auth.Caller, id); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/users/%d?flash=2fa_reset", id), http.StatusSeeOther)
	return nil
}

// AuditPage lists audit entries with filters.
type AuditPage struct {
	*Base
	Entries    []alliance.AuditEntry
	Filter     auditQuery
	NextBefore int64
}

type auditQuery struct {
	User, Resource, ResourceID, Since, Until string
}

// auditFilter reads the audit filters from a query string; each bad value is
// named in the error.
func auditFilter(r *http.Request) (alliance.AuditFilter, auditQuery, error) {
	q := r.URL.Query()
	aq := auditQuery{User: q.Get("user"), Resource: q.Get("resource"), ResourceID: q.Get("resource_id"), Since: q.Get("since"), Until: q.Get("until")}
	f := alliance.AuditFilter{ResourceType: aq.Resource, ResourceID: aq.ResourceID, Limit: 50}
	var err error
	if aq.User != "" && !strings.Contains(aq.User, "@") { // an email is resolved by the handler
		if f.ActorUserID, err = strconv.ParseInt(aq.User, 10, 64); err != nil {
			return f, aq, alliance.Invalid("user", "give the user's number, e.g. 12, or email")
		}
	}
	if f.Since, err = parseDay(aq.Since, "since"); err != nil {
		return f, aq, err
	}
	if f.Until, err = parseDay(aq.Until, "until"); err != nil {
		return f, aq, err
	}
	if !f.Until.IsZero() {
		f.Until = f.Until.Add(24 * time.Hour) // the whole day
	}
	if v := q.Get("before"); v != "" {
		if f.BeforeSeq, err = strconv.ParseInt(v, 10, 64); err != nil {
			return f, aq, alliance.Invalid("before", "not a sequence number")
		}
	}
	if v := q.Get("limit"); v != "" {
		if f.Limit, err = strconv.Atoi(v); err != nil || f.Limit < 1 || f.Limit > 500 {
			return f, aq, alliance.Invalid("limit", "give a number from 1 to 500")
		}
	}
	if v := q.Get("org"); v != "" {
		if f.OrgID, err = strconv.ParseInt(v, 10, 64); err != nil {
			return f, aq, alliance.Invalid("org", "give the organisation's number")
		}
	}
	return f, aq, nil
}

func parseDay(v, field string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", v)
	if err != nil {
		return t, alliance.Invalid(field, "%q is not a date like 2026-01-31", v)
	}
	return t, nil
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) error {
	b := s.newBase(r, "audit.title")
	f, aq, err := auditFilter(r)
	page := &AuditPage{Base: b, Filter: aq}
	if err == nil {
		page.Entries, err = s.auditEntries(r, f, aq)
	}
	if statusOf(err) == http.StatusBadRequest { // a bad filter: show the form again
		return s.formError(err, b, func(st int) error { return s.render(w, st, "audit", page) })
	}
	if err != nil {
		return err
	}
	if len(page.Entries) == f.Limit {
		page.NextBefore = page.Entries[len(page.Entries)-1].Seq
	}
	return s.render(w, http.StatusOK, "audit", page)
}

// auditEntries reads the audit log for a filter whose user may be given by email.
func (s *Server) auditEntries(r *http.Request, f alliance.AuditFilter, aq auditQuery) ([]alliance.AuditEntry, error) {
	c := stateOf(r).auth.Caller
	if strings.Contains(aq.User, "@") {
		u, err := s.svc.FindUser(r.Context(), c, aq.User)
		if err != nil {
			return nil, err
		}
		f.ActorUserID = u.ID
	}
	return s.svc.AuditLog(r.Context(), c, f)
}
