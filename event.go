package alliance

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Event types (hte_Type) and perpetrator roles (per_RoleInProcess).
var (
	EventTypes       = []string{"Recruitment", "Transit", "Exploitation"}
	PerpetratorRoles = []string{"TravellingPartner", "Transporter", "RecruiterOrIntermediary", "BrokerTravelAgent",
		"TransferredIndividual", "HarbouredIndividual", "SoldIndividual", "BoughtIndividual", "ReceivedIndividual",
		"ControlledIndividual", "Smuggler", "Abuser", "Kidnapper", "Exploiter", "Other"}
)

// Event is a step of what happened to the person (HTCDS hte_): recruitment,
// transit or exploitation, where and when. Its description is sealed.
type Event struct {
	ID          int64     `json:"id"`
	CaseID      int64     `json:"case_id"`
	Type        string    `json:"type"`
	Date        string    `json:"date,omitempty"` // YYYY, YYYY-MM or YYYY-MM-DD
	Country     string    `json:"country,omitempty"`
	City        string    `json:"city,omitempty"`
	Description string    `json:"description,omitempty"`
	By          int64     `json:"by"`
	At          time.Time `json:"at"`
}

// Validate checks an event.
func (e *Event) Validate() error {
	if !slices.Contains(EventTypes, e.Type) {
		return Invalid("type", "%q is not Recruitment, Transit or Exploitation", e.Type)
	}
	if err := ValidatePartialDate("date", e.Date); err != nil {
		return err
	}
	if e.Country != "" && ValidateCountry(e.Country) != nil {
		return Invalid("country", "%q is not an ISO 3166 country code", e.Country)
	}
	if utf8.RuneCountInString(e.City) > 200 || utf8.RuneCountInString(e.Description) > 4000 {
		return Invalid("description", "at most 200 characters for the place and 4000 for the description")
	}
	return nil
}

// Perpetrator is a person or an organisation that took part in the
// trafficking (HTCDS per_), with their roles. The name and the details are
// sealed: an accusation is personal data too.
type Perpetrator struct {
	ID      int64     `json:"id"`
	CaseID  int64     `json:"case_id"`
	Kind    string    `json:"kind"` // "person" or "organisation"
	Name    string    `json:"name"`
	Roles   []string  `json:"roles"`
	Details string    `json:"details,omitempty"`
	By      int64     `json:"by"`
	At      time.Time `json:"at"`
}

// Validate checks a perpetrator.
func (p *Perpetrator) Validate() error {
	if p.Kind != "person" && p.Kind != "organisation" {
		return Invalid("kind", "%q is not person or organisation", p.Kind)
	}
	if strings.TrimSpace(p.Name) == "" || utf8.RuneCountInString(p.Name) > 300 {
		return Invalid("name", "give the name as it is known, at most 300 characters")
	}
	if len(p.Roles) == 0 {
		return Invalid("roles", "give at least one role")
	}
	for _, r := range p.Roles {
		if !slices.Contains(PerpetratorRoles, r) {
			return Invalid("roles", "%q is not one of %s", r, strings.Join(PerpetratorRoles, ", "))
		}
	}
	if utf8.RuneCountInString(p.Details) > 4000 {
		return Invalid("details", "at most 4000 characters")
	}
	return nil
}

// Column names of the sealed texts of events and perpetrators.
const (
	ColEventDescription   = "case_events.description"
	ColPerpetratorName    = "perpetrators.name"
	ColPerpetratorDetails = "perpetrators.details"
)
