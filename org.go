package alliance

import (
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/language"
)

// OrgType is the kind of partner an organisation is.
type OrgType string

// The partner types of an alliance.
const (
	OrgLabourInspectorate  OrgType = "labour_inspectorate"
	OrgPolice              OrgType = "police"
	OrgProsecution         OrgType = "prosecution"
	OrgNGO                 OrgType = "ngo"
	OrgTradeUnion          OrgType = "trade_union"
	OrgEmployers           OrgType = "employers_organisation"
	OrgShelter             OrgType = "shelter"
	OrgLegalService        OrgType = "legal_service"
	OrgHealthService       OrgType = "health_service"
	OrgImmigrationService  OrgType = "immigration_service"
	OrgNationalCoordinator OrgType = "national_coordinator"
	OrgInternationalOrg    OrgType = "international_organisation"
	OrgBusiness            OrgType = "business"
)

// OrgTypes lists every organisation type in display order.
var OrgTypes = []OrgType{
	OrgLabourInspectorate, OrgPolice, OrgProsecution, OrgNGO, OrgTradeUnion, OrgEmployers,
	OrgShelter, OrgLegalService, OrgHealthService, OrgImmigrationService,
	OrgNationalCoordinator, OrgInternationalOrg, OrgBusiness,
}

// Valid reports whether t is a known organisation type.
func (t OrgType) Valid() bool {
	for _, k := range OrgTypes {
		if k == t {
			return true
		}
	}
	return false
}

// Organisation is a partner of the alliance. Every record belongs to one.
type Organisation struct {
	ID        int64    `json:"id"`
	Name      string   `json:"name"`
	Type      OrgType  `json:"type"`
	Country   string   `json:"country"`   // ISO 3166-1 alpha-2, upper case
	Languages []string `json:"languages"` // BCP 47 tags, e.g. "en", "ro"
	// RetentionDays is how long after a case is closed the person's identity
	// is kept; then it is erased and only the case's non-identifying facts
	// stay, for statistics. 0 keeps identities until erased by hand.
	RetentionDays int       `json:"retention_days"`
	CreatedAt     time.Time `json:"created_at"`
}

// Normalise trims and canonicalises the fields of o in place.
func (o *Organisation) Normalise() {
	o.Name = strings.TrimSpace(o.Name)
	o.Country = strings.ToUpper(strings.TrimSpace(o.Country))
	langs := o.Languages[:0:0]
	for _, l := range o.Languages {
		if l = strings.TrimSpace(l); l != "" {
			if tag, err := language.Parse(l); err == nil {
				l = tag.String()
			}
			langs = append(langs, l)
		}
	}
	o.Languages = langs
}

// Validate checks o and returns a CodeInvalid error naming the first bad field.
func (o *Organisation) Validate() error {
	if o.Name == "" {
		return Invalid("name", "the organisation needs a name")
	}
	if utf8.RuneCountInString(o.Name) > 200 {
		return Invalid("name", "at most 200 characters")
	}
	if !o.Type.Valid() {
		return Invalid("type", "unknown organisation type %q; use one of %s", o.Type, joinTypes())
	}
	if err := ValidateCountry(o.Country); err != nil {
		return err
	}
	if len(o.Languages) == 0 {
		return Invalid("languages", "give at least one working language, e.g. \"en\"")
	}
	if o.RetentionDays < 0 || o.RetentionDays > 36500 {
		return Invalid("retention_days", "give a number of days from 0 (keep until erased by hand) to 36500")
	}
	for _, l := range o.Languages {
		if err := ValidateLanguage(l); err != nil {
			return err
		}
	}
	return nil
}

// ValidateLanguage checks that l is a BCP 47 language tag.
func ValidateLanguage(l string) error {
	if _, err := language.Parse(l); err != nil || l == "" {
		return Invalid("languages", "%q is not a language tag such as \"en\" or \"pt-BR\"", l)
	}
	return nil
}

// ValidateCountry checks that c is an ISO 3166-1 alpha-2 country code.
func ValidateCountry(c string) error {
	if len(c) != 2 {
		return Invalid("country", "%q is not a two-letter ISO 3166-1 country code such as \"DE\"", c)
	}
	if c[0] == 'X' && c[1] >= 'A' && c[1] <= 'Z' {
		return nil // user-assigned (ISO 3166-1 §8.1.3): Kosovo's XK, training and demo countries
	}
	r, err := language.ParseRegion(c)
	if err != nil || !r.IsCountry() || r.String() != c {
		return Invalid("country", "%q is not an ISO 3166-1 country code", c)
	}
	return nil
}

func joinTypes() string {
	s := make([]string, len(OrgTypes))
	for i, t := range OrgTypes {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}
