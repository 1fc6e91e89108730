package alliance

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Residence statuses: where the person stands on the right to stay (Council
// of Europe Convention on Action against Trafficking, Art. 14).
var ResidenceStatuses = []string{"not_needed", "none", "applied", "granted", "refused", "expired"}

// Residence permit types.
var PermitTypes = []string{"victim_cooperation", "personal_situation", "humanitarian", "protection", "other"}

// Residence is one step of the person's residence status, as of a date.
// Steps are never rewritten: a new one is recorded when the status changes,
// and the latest is the status in force. The permit or application number
// and the notes identify the person and are sealed.
type Residence struct {
	ID         int64     `json:"id"`
	CaseID     int64     `json:"case_id"`
	Status     string    `json:"status"`                // one of ResidenceStatuses
	PermitType string    `json:"permit_type,omitempty"` // one of PermitTypes; "" when no permit is concerned
	Reference  string    `json:"reference,omitempty"`   // permit or application number; sealed
	ValidFrom  string    `json:"valid_from,omitempty"`  // YYYY-MM-DD or ""
	ValidUntil string    `json:"valid_until,omitempty"` // YYYY-MM-DD or ""
	Notes      string    `json:"notes,omitempty"`       // sealed
	By         int64     `json:"by"`
	At         time.Time `json:"at"`
}

// Validate checks a residence step.
func (r *Residence) Validate() error {
	if !slices.Contains(ResidenceStatuses, r.Status) {
		return Invalid("status", "%q is not one of %s", r.Status, strings.Join(ResidenceStatuses, ", "))
	}
	if r.PermitType != "" && !slices.Contains(PermitTypes, r.PermitType) {
		return Invalid("permit_type", "%q is not one of %s", r.PermitType, strings.Join(PermitTypes, ", "))
	}
	if utf8.RuneCountInString(r.Reference) > 100 {
		return Invalid("reference", "at most 100 characters")
	}
	if err := validateDay("valid_from", r.ValidFrom); err != nil {
		return err
	}
	if err := validateDay("valid_until", r.ValidUntil); err != nil {
		return err
	}
	if r.ValidFrom != "" && r.ValidUntil != "" && r.ValidUntil < r.ValidFrom {
		return Invalid("valid_until", "the permit ends before it starts")
	}
	if utf8.RuneCountInString(r.Notes) > 4000 {
		return Invalid("notes", "at most 4000 characters")
	}
	return nil
}

// Proceeding kinds and statuses, and the person's roles in them.
var (
	ProceedingKinds    = []string{"criminal", "civil", "labour", "administrative"}
	ProceedingStatuses = []string{"planned", "open", "closed"}
	ProceedingRoles    = []string{"victim", "witness", "injured_party", "claimant", "defendant", "other"}
)

// Proceeding is a criminal, civil, labour or administrative proceeding the
// person takes part in: for justice and for remedies (unpaid wages,
// compensation). The court's reference and the notes are sealed.
type Proceeding struct {
	ID        int64     `json:"id"`
	CaseID    int64     `json:"case_id"`
	Kind      string    `json:"kind"`              // one of ProceedingKinds
	Role      string    `json:"role"`              // the person's role, one of ProceedingRoles
	Authority string    `json:"authority"`         // court, prosecutor's office or tribunal
	Reference string    `json:"reference"`         // the authority's file number; sealed
	Status    string    `json:"status"`            // one of ProceedingStatuses
	Outcome   string    `json:"outcome,omitempty"` // e.g. "conviction", "compensation awarded"
	OpenedOn  string    `json:"opened_on"`         // YYYY-MM-DD or ""
	ClosedOn  string    `json:"closed_on"`         // YYYY-MM-DD or ""; set when closed
	Notes     string    `json:"notes,omitempty"`   // sealed
	By        int64     `json:"by"`                // who recorded it last
	At        time.Time `json:"at"`                // when it was recorded last
	Revision  int64     `json:"revision"`          // for updates that do not overwrite each other
}

// Validate checks a proceeding.
func (p *Proceeding) Validate() error {
	for _, c := range []struct {
		field, v string
		allowed  []string
	}{
		{"kind", p.Kind, ProceedingKinds}, {"role", p.Role, ProceedingRoles}, {"status", p.Status, ProceedingStatuses}} {
		if !slices.Contains(c.allowed, c.v) {
			return Invalid(c.field, "%q is not one of %s", c.v, strings.Join(c.allowed, ", "))
		}
	}
	if strings.TrimSpace(p.Authority) == "" || utf8.RuneCountInString(p.Authority) > 200 {
		return Invalid("authority", "name the court or authority, at most 200 characters")
	}
	if utf8.RuneCountInString(p.Reference) > 100 {
		return Invalid("reference", "at most 100 characters")
	}
	if utf8.RuneCountInString(p.Outcome) > 200 {
		return Invalid("outcome", "at most 200 characters")
	}
	if err := validateDay("opened_on", p.OpenedOn); err != nil {
		return err
	}
	if err := validateDay("closed_on", p.ClosedOn); err != nil {
		return err
	}
	if p.ClosedOn != "" && p.OpenedOn != "" && p.ClosedOn < p.OpenedOn {
		return Invalid("closed_on", "the proceeding closes before it opens")
	}
	if p.ClosedOn != "" && p.Status != "closed" {
		return Invalid("closed_on", "only a closed proceeding has a closing date")
	}
	if utf8.RuneCountInString(p.Notes) > 4000 {
		return Invalid("notes", "at most 4000 characters")
	}
	return nil
}

// validateDay checks an optional full date.
func validateDay(field, s string) error {
	if s == "" {
		return nil
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return Invalid(field, "%q: give a date as YYYY-MM-DD", s)
	}
	return nil
}

// Column names of the sealed texts of residence steps and proceedings.
const (
	ColResidenceReference  = "residence.reference"
	ColResidenceNotes      = "residence.notes"
	ColProceedingReference = "proceedings.reference"
	ColProceedingNotes     = "proceedings.notes"
)
