package htcds

import (
	"strings"

	"alliance"
)

// The tables of an export or an import. A case row carries the case, the
// person and the victim context (cas_, prs_ and vic_ fields); events (hte_)
// and perpetrators (per_) are tables of their own, tied to their case by
// cas_CaseId. CSV and JSON lines hold the case table; XLSX holds all three,
// one sheet each, named after the table.
const (
	TableCases        = "cases"
	TableEvents       = "events"
	TablePerpetrators = "perpetrators"
)

// Tables lists the tables in the order of an XLSX workbook.
var Tables = []string{TableCases, TableEvents, TablePerpetrators}

// eventFields are the columns of the events table: recruitment, transit and
// exploitation, where and when. The description identifies and goes out
// only with identity.
var eventFields = []string{"cas_CaseId", "hte_Type", "hte_Date", "hte_Country", "hte_City"}

// perpetratorFields are the columns of the perpetrators table. HTCDS keeps a
// perpetrator as a person (prs_) or an organisation (org_) record with a
// perpetrator context (per_): Alliance holds one name as it is known, which
// goes to prs_FirstName for a person and to org_Name for an organisation.
var perpetratorFields = []string{"cas_CaseId", "per_RoleInProcess"}

// Identifying columns of the events and perpetrators tables.
var (
	eventIdentity       = []string{"hte_Description"}
	perpetratorIdentity = []string{"prs_FirstName", "org_Name", "per_RoleDetails"}
)

// TableFields returns the column names of table, with or without identity.
func TableFields(table string, identity bool) []string {
	var facts, ident []string
	switch table {
	case TableCases:
		facts, ident = factFields, identityFields
	case TableEvents:
		facts, ident = eventFields, eventIdentity
	case TablePerpetrators:
		facts, ident = perpetratorFields, perpetratorIdentity
	default:
		return nil
	}
	out := append([]string{}, facts...)
	if identity {
		out = append(out, ident...)
	}
	return out
}

// EventRow is one event as HTCDS values, in the order of TableFields.
func EventRow(caseID string, e *alliance.Event, identity bool) []string {
	row := []string{caseID, e.Type, e.Date, e.Country, e.City}
	if identity {
		row = append(row, e.Description)
	}
	return row
}

// PerpetratorRow is one perpetrator as HTCDS values, in the order of
// TableFields.
func PerpetratorRow(caseID string, p *alliance.Perpetrator, identity bool) []string {
	row := []string{caseID, strings.Join(p.Roles, ";")}
	if identity {
		person, org := p.Name, ""
		if p.Kind == "organisation" {
			person, org = "", p.Name
		}
		row = append(row, person, org, p.Details)
	}
	return row
}
