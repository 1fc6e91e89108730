package htcds

import (
	"strings"
	"unicode/utf8"

	"alliance"
)

// caseColumns names the HTCDS column for each field Case.Validate may blame.
var caseColumns = map[string]string{
	"reference": "cas_CaseId", "stage": "cas_Status", "given_name": "prs_FirstName", "family_name": "prs_SecondName",
	"middle_name": "prs_MiddleName", "birth_date": "prs_Birthdate", "phone": "prs_MobilePhone", "email": "prs_Email",
	"address": "prs_MailingStreet", "gender": "prs_Gender", "citizenships": "prs_Citizenship",
	"languages": "prs_PrimaryLanguage", "trafficking_status": "vic_TraffickingStatus",
	"industry": "vic_ForcedLabourIndustry", "exploitation": "vic_TypeOfExploitation",
	"methods_of_control": "vic_MethodsOfControl", "recruitment": "vic_MethodOfRecruitment",
}

// statusStages maps cas_Status to the stage an imported case opens at.
var statusStages = map[string]alliance.Stage{
	"": alliance.StageIdentification, alliance.HTCDSActive: alliance.StageIdentification,
	alliance.HTCDSFollowUp: alliance.StageInclusion, alliance.HTCDSClosed: alliance.StageClosure,
	alliance.HTCDSClosedReferred: alliance.StageClosure,
}

// industryLetters maps vic_ForcedLabourIndustry back to its ISIC section letter.
var industryLetters = func() map[string]string {
	m := make(map[string]string, len(Industries))
	for letter, v := range Industries {
		m[v] = letter
	}
	return m
}()

var (
	caseStatuses  = []string{alliance.HTCDSActive, alliance.HTCDSFollowUp, alliance.HTCDSClosed, alliance.HTCDSClosedReferred}
	victimStatus  = []string{alliance.StatusPossible, alliance.StatusActual, alliance.StatusNot}
	decisionOrgs  = []string{"Police", "NGO", "CourtOrProsecution", "NonPoliceGovernmentalOrganization", "Other"}
	industryNames = func() []string {
		var out []string
		for _, letter := range "ABCDEFGHIJKLMNOPQRSTU" {
			out = append(out, Industries[string(letter)])
		}
		return out
	}()
)

// caseOf reads one row of the cases table. vic_TraffickingStatusDecisionMakingOrg
// is checked but not kept: it names a kind of organisation, not one of the
// alliance's, and a decision is recorded again by whoever takes it.
func (f *faults) caseOf(r row) alliance.Case {
	t := TableCases
	ref := f.text(t, r, "cas_CaseId")
	if utf8.RuneCountInString(ref) > 40 {
		f.add(t, r.n, "cas_CaseId", "at most 40 characters")
	}
	status := f.pick(t, r, "cas_Status", caseStatuses)
	f.pick(t, r, "vic_TraffickingStatusDecisionMakingOrg", decisionOrgs)
	k := alliance.Case{Reference: ref, Stage: statusStages[status], Referred: status == alliance.HTCDSClosedReferred}
	p := &k.Person
	p.GivenName, p.MiddleName, p.FamilyName = f.text(t, r, "prs_FirstName"), f.text(t, r, "prs_MiddleName"), f.text(t, r, "prs_SecondName")
	p.BirthDate, p.Phone, p.Email, p.Address = f.text(t, r, "prs_Birthdate"), f.text(t, r, "prs_MobilePhone"), f.text(t, r, "prs_Email"), f.text(t, r, "prs_MailingStreet")
	p.Gender = f.pick(t, r, "prs_Gender", alliance.Genders)
	p.Citizenships = f.list(t, r, "prs_Citizenship", nil)
	for _, field := range []string{"prs_PrimaryLanguage", "prs_SecondaryLanguage"} {
		if l := f.text(t, r, field); l != "" {
			if err := alliance.ValidateLanguage(l); err != nil {
				f.add(t, r.n, field, "%q is not a language code such as en or uk", l)
			}
			p.Languages = append(p.Languages, l)
		}
	}
	k.TraffickingStatus = f.pick(t, r, "vic_TraffickingStatus", victimStatus)
	k.Exploitation = f.list(t, r, "vic_TypeOfExploitation", alliance.ExploitationTypes)
	k.MethodsOfControl = f.list(t, r, "vic_MethodsOfControl", alliance.ControlMethods)
	k.Recruitment = f.list(t, r, "vic_MethodOfRecruitment", alliance.RecruitmentMethods)
	k.Industry = industryLetters[f.pick(t, r, "vic_ForcedLabourIndustry", industryNames)]
	k.Normalise()
	probe := k
	if probe.Reference == "" || utf8.RuneCountInString(probe.Reference) > 40 {
		probe.Reference = "-" // the service gives one, or the fault is reported above
	}
	if probe.Person.Languages != nil {
		probe.Person.Languages = nil // reported above, column by column
	}
	f.validated(t, r.n, caseColumns, probe.Validate())
	return k
}

// eventColumns names the HTCDS column for each field Event.Validate may blame.
var eventColumns = map[string]string{"type": "hte_Type", "date": "hte_Date", "country": "hte_Country", "description": "hte_Description"}

// eventOf reads one row of the events table.
func (f *faults) eventOf(r row) alliance.Event {
	t := TableEvents
	e := alliance.Event{Type: f.text(t, r, "hte_Type"), Date: f.text(t, r, "hte_Date"), Country: strings.ToUpper(f.text(t, r, "hte_Country")),
		City: f.text(t, r, "hte_City"), Description: f.text(t, r, "hte_Description")}
	f.validated(t, r.n, eventColumns, e.Validate())
	return e
}

// perpetratorColumns names the HTCDS column for each field
// Perpetrator.Validate may blame.
var perpetratorColumns = map[string]string{"roles": "per_RoleInProcess", "details": "per_RoleDetails"}

// perpetratorOf reads one row of the perpetrators table: a person
// (prs_FirstName) or an organisation (org_Name), not both.
func (f *faults) perpetratorOf(r row) alliance.Perpetrator {
	t := TablePerpetrators
	p := alliance.Perpetrator{Kind: "person", Name: f.text(t, r, "prs_FirstName"), Details: f.text(t, r, "per_RoleDetails"),
		Roles: f.list(t, r, "per_RoleInProcess", alliance.PerpetratorRoles)}
	if org := f.text(t, r, "org_Name"); org != "" {
		if p.Name != "" {
			f.add(t, r.n, "org_Name", "give prs_FirstName for a person or org_Name for an organisation, not both")
		}
		p.Kind, p.Name = "organisation", org
	}
	columns := map[string]string{"name": "prs_FirstName", "kind": "prs_FirstName"}
	if p.Kind == "organisation" {
		columns["name"] = "org_Name"
	}
	for k, v := range perpetratorColumns {
		columns[k] = v
	}
	f.validated(t, r.n, columns, p.Validate())
	return p
}
