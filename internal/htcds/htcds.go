// Package htcds writes and reads Alliance's case records with the field names
// and picklist values of the Human Trafficking Case Data Standard v2 (IOM,
// 2021; the field list is in ../shared/reference/htcds-v2-fields.tsv), so that
// an export can be read by any system that follows the standard, and a file
// from one can be imported. It is pure: an export turns records into rows and
// writes them to the writer it is given, one at a time, so it streams in
// constant memory however many cases it holds; an import (Read) checks every
// row of a file and returns either all its records or every fault found, with
// file, table, row, field and reason.
package htcds

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"alliance"
)

// Industries maps an ISIC Rev. 4 section letter to its vic_ForcedLabourIndustry value.
var Industries = map[string]string{
	"A": "A_AgricultureForestryAndFishing", "B": "B_MiningAndQuarrying", "C": "C_Manufacturing",
	"D": "D_ElectricityGasSteamAndAirConditioningSupply", "E": "E_WaterSupplySewerageWasteManagement",
	"F": "F_Construction", "G": "G_WholesaleAndRetailTradeRepairOfMotorVehicles", "H": "H_TransportationAndStorage",
	"I": "I_AccommodationAndFoodServiceActivities", "J": "J_InformationAndCommunication",
	"K": "K_FinancialAndInsuranceActivities", "L": "L_RealEstateActivities",
	"M": "M_ProfessionalScientificAndTechnicalActivities", "N": "N_AdministrativeAndSupportServiceActivities",
	"O": "O_PublicAdministrationAndDefence", "P": "P_Education", "Q": "Q_HumanHealthAndSocialWorkActivities",
	"R": "R_ArtsEntertainmentAndRecreation", "S": "S_OtherServiceActivities",
	"T": "T_ActivitiesOfHouseholdsAsEmployers", "U": "U_ActivitiesOfExtraterritorialOrganizations",
}

// DecisionMakingOrg maps an organisation type to vic_TraffickingStatusDecisionMakingOrg.
func DecisionMakingOrg(t alliance.OrgType) string {
	switch t {
	case alliance.OrgPolice:
		return "Police"
	case alliance.OrgNGO, alliance.OrgShelter, alliance.OrgTradeUnion:
		return "NGO"
	case alliance.OrgProsecution:
		return "CourtOrProsecution"
	case alliance.OrgLabourInspectorate, alliance.OrgImmigrationService, alliance.OrgNationalCoordinator, alliance.OrgHealthService:
		return "NonPoliceGovernmentalOrganization"
	}
	return "Other"
}

// identityFields are the columns that identify the person; an export for
// statistics leaves them out.
var identityFields = []string{"prs_FirstName", "prs_MiddleName", "prs_SecondName", "prs_Birthdate",
	"prs_MobilePhone", "prs_Email", "prs_MailingStreet"}

// factFields are the columns every export carries. cas_CaseId is ours (the
// standard leaves record ids to the system).
var factFields = []string{"cas_CaseId", "cas_Status", "prs_Gender", "prs_Citizenship", "prs_PrimaryLanguage",
	"prs_SecondaryLanguage", "vic_TraffickingStatus", "vic_TraffickingStatusDecisionMakingOrg",
	"vic_TypeOfExploitation", "vic_MethodsOfControl", "vic_ForcedLabourIndustry", "vic_MethodOfRecruitment"}

// Fields returns the column names of an export, with or without identity.
func Fields(identity bool) []string {
	if identity {
		return append(append([]string{}, factFields...), identityFields...)
	}
	return append([]string{}, factFields...)
}

// Row is one case as HTCDS values, in the order of Fields. Multi-select
// picklists are joined with ";", as the standard's CSV examples do. orgType
// gives the type of an organisation, for the decision-making organisation.
func Row(k *alliance.Case, identity bool, orgType func(int64) alliance.OrgType) []string {
	return rowValues(k, identity, orgType, true)
}

// rowValues is Row; safe guards text cells against formula injection, which
// a CSV needs and an XLSX, whose cells are typed, does not.
func rowValues(k *alliance.Case, identity bool, orgType func(int64) alliance.OrgType, safe bool) []string {
	p := &k.Person
	lang := func(i int) string {
		if i < len(p.Languages) {
			return p.Languages[i]
		}
		return ""
	}
	decider := ""
	if k.StatusDecidedBy != 0 {
		decider = DecisionMakingOrg(orgType(k.StatusDecidedBy))
	}
	row := []string{strconv.FormatInt(k.ID, 10), k.HTCDSStatus(), p.Gender, strings.Join(p.Citizenships, ";"),
		lang(0), lang(1), k.TraffickingStatus, decider, strings.Join(k.Exploitation, ";"),
		strings.Join(k.MethodsOfControl, ";"), Industries[k.Industry], strings.Join(k.Recruitment, ";")}
	if identity {
		for _, v := range []string{p.GivenName, p.MiddleName, p.FamilyName, p.BirthDate, p.Phone, p.Email, p.Address} {
			if safe {
				v = safeCell(v)
			}
			row = append(row, v)
		}
	}
	return row
}

// safeCell keeps a spreadsheet from reading typed text as a formula (CSV
// injection): a value starting with =, @, a tab or a carriage return, or with
// + or - not followed by a digit or a space, gets a leading apostrophe.
// Telephone numbers such as "+380 44 …" stay as they are.
func safeCell(v string) string {
	if v == "" {
		return v
	}
	switch v[0] {
	case '=', '@', '\t', '\r':
		return "'" + v
	case '+', '-':
		if len(v) == 1 || !(v[1] == ' ' || (v[1] >= '0' && v[1] <= '9')) {
			return "'" + v
		}
	}
	return v
}

// Writer streams cases as CSV or as JSON lines.
type Writer struct {
	identity bool
	orgType  func(int64) alliance.OrgType
	csv      *csv.Writer
	json     *json.Encoder
	fields   []string
}

// NewCSV starts a CSV export with a header row.
func NewCSV(w io.Writer, identity bool, orgType func(int64) alliance.OrgType) (*Writer, error) {
	out := &Writer{identity: identity, orgType: orgType, csv: csv.NewWriter(w), fields: Fields(identity)}
	if err := out.csv.Write(out.fields); err != nil {
		return nil, fmt.Errorf("htcds: write header: %w", err)
	}
	return out, nil
}

// NewJSONLines starts a JSON-lines export: one object per case, keyed by the
// HTCDS field names.
func NewJSONLines(w io.Writer, identity bool, orgType func(int64) alliance.OrgType) *Writer {
	return &Writer{identity: identity, orgType: orgType, json: json.NewEncoder(w), fields: Fields(identity)}
}

// Write adds one case.
func (w *Writer) Write(k *alliance.Case) error {
	row := Row(k, w.identity, w.orgType)
	if w.csv != nil {
		return w.csv.Write(row)
	}
	obj := make(map[string]string, len(row))
	for i, f := range w.fields {
		if row[i] != "" {
			obj[f] = row[i]
		}
	}
	return w.json.Encode(obj)
}

// Flush writes out what is buffered; call it at the end, and from time to
// time to stream.
func (w *Writer) Flush() error {
	if w.csv != nil {
		w.csv.Flush()
		return w.csv.Error()
	}
	return nil
}
