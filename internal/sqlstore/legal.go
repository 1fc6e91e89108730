package sqlstore

import (
	"strings"
	"time"

	"alliance"
)

// ProceedingChanged is the error of a proceeding update from a stale
// revision.
func ProceedingChanged() error {
	return alliance.Errorf(alliance.CodeConflict, "the proceeding was changed by someone else; reload it")
}

// Messages of values out of the lists of legal.go, the same in both stores.
var (
	ResidenceStatusMessage  = "the status must be one of " + strings.Join(alliance.ResidenceStatuses, ", ")
	PermitTypeMessage       = "the permit type must be empty or one of " + strings.Join(alliance.PermitTypes, ", ")
	ProceedingKindMessage   = "the kind must be one of " + strings.Join(alliance.ProceedingKinds, ", ")
	ProceedingRoleMessage   = "the role must be one of " + strings.Join(alliance.ProceedingRoles, ", ")
	ProceedingStatusMessage = "the status must be one of " + strings.Join(alliance.ProceedingStatuses, ", ")
)

// LegalTexts are the sealed texts of a residence step or a proceeding: the
// reference and the notes.
type LegalTexts struct {
	Reference, Notes []byte
}

// ResidenceDays are the checked days of a residence step, nil for none.
type ResidenceDays struct {
	From, Until *time.Time
}

// SealResidence checks the days of r and seals its reference and notes under
// their column names. Both stores refuse the same days, with the same error,
// before the database sees them.
func SealResidence(c alliance.FieldCipher, r *alliance.Residence) (d ResidenceDays, s LegalTexts, err error) {
	if d.From, err = PlanDay("valid_from", r.ValidFrom); err != nil {
		return
	}
	if d.Until, err = PlanDay("valid_until", r.ValidUntil); err != nil {
		return
	}
	if s.Reference, err = SealText(c, alliance.ColResidenceReference, r.Reference); err != nil {
		return
	}
	s.Notes, err = SealText(c, alliance.ColResidenceNotes, r.Notes)
	return
}

// OpenResidence opens the sealed texts of r.
func OpenResidence(c alliance.FieldCipher, r *alliance.Residence, s LegalTexts) (err error) {
	if r.Reference, err = OpenText(c, alliance.ColResidenceReference, s.Reference); err != nil {
		return err
	}
	r.Notes, err = OpenText(c, alliance.ColResidenceNotes, s.Notes)
	return err
}

// ProceedingDays are the checked days of a proceeding, nil for none.
type ProceedingDays struct {
	Opened, Closed *time.Time
}

// SealProceeding checks the days of p and seals its reference and notes
// under their column names.
func SealProceeding(c alliance.FieldCipher, p *alliance.Proceeding) (d ProceedingDays, s LegalTexts, err error) {
	if d.Opened, err = PlanDay("opened_on", p.OpenedOn); err != nil {
		return
	}
	if d.Closed, err = PlanDay("closed_on", p.ClosedOn); err != nil {
		return
	}
	if s.Reference, err = SealText(c, alliance.ColProceedingReference, p.Reference); err != nil {
		return
	}
	s.Notes, err = SealText(c, alliance.ColProceedingNotes, p.Notes)
	return
}

// OpenProceeding opens the sealed texts of p.
func OpenProceeding(c alliance.FieldCipher, p *alliance.Proceeding, s LegalTexts) (err error) {
	if p.Reference, err = OpenText(c, alliance.ColProceedingReference, s.Reference); err != nil {
		return err
	}
	p.Notes, err = OpenText(c, alliance.ColProceedingNotes, s.Notes)
	return err
}
