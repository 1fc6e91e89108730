package sqlstore

import (
	"slices"
	"strings"

	"alliance"
)

// EventTypeMessage is the message of an event of an unknown type, the same
// in both stores.
var EventTypeMessage = "the type must be one of " + strings.Join(alliance.EventTypes, ", ")

// PerpetratorKindMessage is the message of a perpetrator of an unknown kind,
// the same in both stores.
const PerpetratorKindMessage = `the kind must be "person" or "organisation"`

// SealEvent checks the partial date of e and seals its description under
// its column name.
func SealEvent(c alliance.FieldCipher, e *alliance.Event) (description []byte, err error) {
	if err := alliance.ValidatePartialDate("date", e.Date); err != nil {
		return nil, err
	}
	return SealText(c, alliance.ColEventDescription, e.Description)
}

// OpenEvent opens the sealed description of e.
func OpenEvent(c alliance.FieldCipher, e *alliance.Event, description []byte) (err error) {
	e.Description, err = OpenText(c, alliance.ColEventDescription, description)
	return err
}

// PerpetratorTexts are the sealed texts of a perpetrator.
type PerpetratorTexts struct {
	Name, Details []byte
}

// SealPerpetrator checks the roles of p, returns their stored form (see
// JoinList) and seals its name and details under their column names. Both
// stores refuse the same roles, with the same error, before the database sees
// them.
func SealPerpetrator(c alliance.FieldCipher, p *alliance.Perpetrator) (roles string, s PerpetratorTexts, err error) {
	if len(p.Roles) == 0 {
		return "", s, alliance.Invalid("roles", "give at least one role")
	}
	for _, r := range p.Roles {
		if !slices.Contains(alliance.PerpetratorRoles, r) {
			return "", s, alliance.Invalid("roles", "%q is not one of %s", r, strings.Join(alliance.PerpetratorRoles, ", "))
		}
	}
	if roles, err = JoinList("roles", p.Roles); err != nil {
		return
	}
	if s.Name, err = SealText(c, alliance.ColPerpetratorName, p.Name); err != nil {
		return
	}
	s.Details, err = SealText(c, alliance.ColPerpetratorDetails, p.Details)
	return
}

// OpenPerpetrator reads the stored roles of p and opens its sealed texts.
func OpenPerpetrator(c alliance.FieldCipher, p *alliance.Perpetrator, roles string, s PerpetratorTexts) (err error) {
	p.Roles = SplitList(roles)
	if p.Name, err = OpenText(c, alliance.ColPerpetratorName, s.Name); err != nil {
		return err
	}
	p.Details, err = OpenText(c, alliance.ColPerpetratorDetails, s.Details)
	return err
}
