package alliance

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Stage is where a case stands in the National Referral Mechanism. Stages form
// a graph, not a line: a person may be referred again, a decision reconsidered.
type Stage string

// The stages of a case.
const (
	StageIdentification Stage = "identification"
	StageReferral       Stage = "referral"
	StageAssistance     Stage = "assistance"
	StageDecision       Stage = "decision"
	StageInclusion      Stage = "inclusion" // social inclusion where the person is
	StageReturn         Stage = "return"    // assisted return to the country of origin
	StageClosure        Stage = "closure"
)

// Stages lists the stages in the usual order of a case.
var Stages = []Stage{StageIdentification, StageReferral, StageAssistance, StageDecision, StageInclusion, StageReturn, StageClosure}

// transitions is the graph of stages: from each stage, where a case may go.
var transitions = map[Stage][]Stage{
	StageIdentification: {StageReferral, StageAssistance, StageClosure},
	StageReferral:       {StageAssistance, StageIdentification, StageClosure},
	StageAssistance:     {StageDecision, StageReferral, StageClosure},
	StageDecision:       {StageInclusion, StageReturn, StageAssistance, StageDecision, StageClosure}, // StageDecision again: reconsideration
	StageInclusion:      {StageReferral, StageClosure},
	StageReturn:         {StageReferral, StageClosure},
	StageClosure:        {StageIdentification, StageAssistance}, // a closed case reopened
}

// Next lists the stages a case may move to from s.
func (s Stage) Next() []Stage { return transitions[s] }

// Valid reports whether s is a known stage.
func (s Stage) Valid() bool { _, ok := transitions[s]; return ok }

// CanMove reports whether a case may go from s to to.
func (s Stage) CanMove(to Stage) bool { return slices.Contains(transitions[s], to) }

// HTCDS case statuses (cas_Status), derived for export.
const (
	HTCDSActive         = "Active"
	HTCDSFollowUp       = "FollowUp"
	HTCDSClosed         = "Closed"
	HTCDSClosedReferred = "ClosedReferred"
)

// Trafficking statuses of a person (vic_TraffickingStatus).
const (
	StatusPossible = "PossibleVictimOfTrafficking"
	StatusActual   = "ActualVictimOfTrafficking"
	StatusNot      = "NotAVictimOfTrafficking"
)

// Field groups: the parts of a case that consent and referral share or
// withhold, each as a whole.
const (
	GroupIdentity    = "identity"    // names, date of birth, gender, citizenships, languages
	GroupContact     = "contact"     // telephone, email, address
	GroupContext     = "context"     // trafficking status, exploitation, control, industry, recruitment
	GroupAssessments = "assessments" // screening interviews and their results
	GroupDecisions   = "decisions"   // reasonable and conclusive grounds, reflection period
	GroupLegal       = "legal"       // residence status and proceedings
	GroupSupport     = "support"     // support plans
	GroupComments    = "comments"
	GroupDocuments   = "documents" // files attached to the case
)

// FieldGroups lists every group in display order.
var FieldGroups = []string{GroupIdentity, GroupContact, GroupContext, GroupAssessments, GroupDecisions, GroupLegal, GroupSupport,
	GroupComments, GroupDocuments}

// ValidateGroups checks a list of field groups: known, not repeated, at least one.
func ValidateGroups(field string, groups []string) error {
	if len(groups) == 0 {
		return Invalid(field, "choose at least one part of the case to share")
	}
	seen := map[string]bool{}
	for _, g := range groups {
		if !slices.Contains(FieldGroups, g) {
			return Invalid(field, "%q is not one of %s", g, strings.Join(FieldGroups, ", "))
		}
		if seen[g] {
			return Invalid(field, "%q is listed twice", g)
		}
		seen[g] = true
	}
	return nil
}

// Person is the presumed victim a case is about. Names are kept as written,
// in any script; the store seals every identity and contact field.
type Person struct {
	GivenName    string   `json:"given_name"`
	FamilyName   string   `json:"family_name"`
	MiddleName   string   `json:"middle_name,omitempty"`
	BirthDate    string   `json:"birth_date,omitempty"` // "YYYY", "YYYY-MM" or "YYYY-MM-DD"; "" unknown
	Gender       string   `json:"gender,omitempty"`     // prs_Gender
	Citizenships []string `json:"citizenships,omitempty"`
	Languages    []string `json:"languages,omitempty"`
	Phone        string   `json:"phone,omitempty"`
	Email        string   `json:"email,omitempty"`
	Address      string   `json:"address,omitempty"`
}

// Genders are the values of prs_Gender.
var Genders = []string{"Feminine", "Masculine", "TransgenderFeminine", "TransgenderMasculine", "NonConforming", "NonSpecifiedUnknown"}

// VictimContext is what is known of the exploitation (HTCDS vic_ fields).
type VictimContext struct {
	TraffickingStatus string     `json:"trafficking_status,omitempty"`
	StatusDecidedBy   int64      `json:"status_decided_by,omitempty"` // organisation id
	StatusDecidedAt   *time.Time `json:"status_decided_at,omitempty"`
	Exploitation      []string   `json:"exploitation,omitempty"`       // vic_TypeOfExploitation
	MethodsOfControl  []string   `json:"methods_of_control,omitempty"` // vic_MethodsOfControl
	Industry          string     `json:"industry,omitempty"`           // ISIC Rev. 4 section letter, A–U
	Recruitment       []string   `json:"recruitment,omitempty"`        // vic_MethodOfRecruitment
}

// Case is the file of one presumed victim in one organisation.
type Case struct {
	ID         int64  `json:"id"`
	OrgID      int64  `json:"org_id"`
	Reference  string `json:"reference"` // the organisation's own reference, e.g. "2026-0042"
	Stage      Stage  `json:"stage"`
	AssignedTo int64  `json:"assigned_to,omitempty"`
	Person     Person `json:"person"`
	// VictimContext is embedded so that its fields read as the case's own.
	VictimContext `json:"context"`
	CreatedBy     int64      `json:"created_by"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	ClosedAt      *time.Time `json:"closed_at,omitempty"`
	// Referred is set when the case was closed because the person went on to
	// another organisation (HTCDS ClosedReferred).
	Referred bool `json:"referred,omitempty"`
	// ErasedAt is set once the person's identity was erased (at their request
	// or at the end of the retention period): the case then keeps only its
	// non-identifying facts, for statistics, and cannot be changed.
	ErasedAt *time.Time `json:"erased_at,omitempty"`
	Revision int64      `json:"revision"`
}

// HTCDSStatus derives the HTCDS case status: closed (referred or not), follow-up
// after inclusion or return, active otherwise.
func (c *Case) HTCDSStatus() string {
	switch {
	case c.Stage == StageClosure && c.Referred:
		return HTCDSClosedReferred
	case c.Stage == StageClosure:
		return HTCDSClosed
	case c.Stage == StageInclusion || c.Stage == StageReturn:
		return HTCDSFollowUp
	}
	return HTCDSActive
}

// Normalise trims the text fields of c in place.
func (c *Case) Normalise() {
	p := &c.Person
	for _, s := range []*string{&c.Reference, &p.GivenName, &p.FamilyName, &p.MiddleName, &p.BirthDate, &p.Phone, &p.Email, &p.Address} {
		*s = strings.TrimSpace(*s)
	}
	for i, cc := range p.Citizenships {
		p.Citizenships[i] = strings.ToUpper(strings.TrimSpace(cc))
	}
	c.Industry = strings.ToUpper(strings.TrimSpace(c.Industry))
}

// Validate checks c and names the first field that is wrong.
func (c *Case) Validate() error {
	if c.ErasedAt != nil {
		return c.validateErased()
	}
	if c.Reference == "" || utf8.RuneCountInString(c.Reference) > 40 {
		return Invalid("reference", "give the case a reference of 1 to 40 characters")
	}
	if !c.Stage.Valid() {
		return Invalid("stage", "%q is not a stage", c.Stage)
	}
	if err := c.Person.validate(); err != nil {
		return err
	}
	return c.VictimContext.validate()
}

// validateErased checks an erased case: nothing that identifies the person
// may be left.
func (c *Case) validateErased() error {
	p := c.Person
	if p.GivenName != "" || p.FamilyName != "" || p.MiddleName != "" || p.BirthDate != "" || p.Phone != "" || p.Email != "" || p.Address != "" {
		return Errorf(CodeConflict, "the person's identity was erased from this case; it cannot be recorded again")
	}
	return c.VictimContext.validate()
}

// Erase removes from c everything that identifies the person: names, date of
// birth, contact details. Gender, citizenships, languages and the victim
// context stay, as the non-identifying facts statistics count.
func (c *Case) Erase(at time.Time) {
	p := &c.Person
	p.GivenName, p.FamilyName, p.MiddleName, p.BirthDate, p.Phone, p.Email, p.Address = "", "", "", "", "", "", ""
	c.ErasedAt = &at
}

func (p *Person) validate() error {
	if p.GivenName == "" && p.FamilyName == "" {
		return Invalid("family_name", "give at least one name, as the person writes it")
	}
	for field, v := range map[string]string{"given_name": p.GivenName, "family_name": p.FamilyName, "middle_name": p.MiddleName, "phone": p.Phone, "email": p.Email} {
		if utf8.RuneCountInString(v) > 200 || !utf8.ValidString(v) {
			return Invalid(field, "at most 200 characters")
		}
	}
	if utf8.RuneCountInString(p.Address) > 1000 {
		return Invalid("address", "at most 1000 characters")
	}
	if err := ValidatePartialDate("birth_date", p.BirthDate); err != nil {
		return err
	}
	if p.Gender != "" && !slices.Contains(Genders, p.Gender) {
		return Invalid("gender", "%q is not one of %s", p.Gender, strings.Join(Genders, ", "))
	}
	for _, cc := range p.Citizenships {
		if err := ValidateCountry(cc); err != nil {
			return Invalid("citizenships", "%q is not an ISO 3166 country code", cc)
		}
	}
	for _, l := range p.Languages {
		if err := ValidateLanguage(l); err != nil {
			return Invalid("languages", "%q is not a language code", l)
		}
	}
	return nil
}

func (v *VictimContext) validate() error {
	switch v.TraffickingStatus {
	case "", StatusPossible, StatusActual, StatusNot:
	default:
		return Invalid("trafficking_status", "%q is not one of %s, %s, %s", v.TraffickingStatus, StatusPossible, StatusActual, StatusNot)
	}
	if v.Industry != "" && (len(v.Industry) != 1 || v.Industry[0] < 'A' || v.Industry[0] > 'U') {
		return Invalid("industry", "give the ISIC Rev. 4 section letter, A to U")
	}
	for _, l := range []struct {
		field   string
		values  []string
		allowed []string
	}{{"exploitation", v.Exploitation, ExploitationTypes}, {"methods_of_control", v.MethodsOfControl, ControlMethods},
		{"recruitment", v.Recruitment, RecruitmentMethods}} {
		for _, x := range l.values {
			if !slices.Contains(l.allowed, x) {
				return Invalid(l.field, "%q is not one of %s", x, strings.Join(l.allowed, ", "))
			}
		}
	}
	return nil
}

// The HTCDS v2 picklists of the victim context.
var (
	// ExploitationTypes are the values of vic_TypeOfExploitation.
	ExploitationTypes = []string{"ForcedLabour", "SexualExploitation", "ChildLabour", "ForcedMarriage", "Servitude",
		"ForcedMilitaryByNonStateActors", "OrganRemoval", "ForcedBegging", "ForcedAdoption", "Surrogacy", "Other"}
	// ControlMethods are the values of vic_MethodsOfControl.
	ControlMethods = []string{"PhysicalThreats", "ThreatsLawEnforcement", "ThreatensChildrenFamily", "DebtBondage",
		"FalsePromises", "PhysicalAbuse", "SexualAbuse", "TakesEarnings", "RestrictsFinancialAccess", "RestrictsMedicalCare",
		"WithholdsNecessities", "PsychologicalAbuse", "PsychoactiveSubstance", "ExcessiveWorkingHours", "WithholdsDocuments", "Other"}
	// RecruitmentMethods are the values of vic_MethodOfRecruitment.
	RecruitmentMethods = []string{"AtAPlaceOfBusiness", "AtAnEducationalInstitution", "AtWork", "ThroughOnlineSocialNetworks",
		"ThroughAnOnlineAdvertisement", "ThroughATelevisionAdvert", "ThroughANewspaperAdvert", "ThroughFamilyOrFamilyEvents",
		"ThroughFriendsOrSocialEvents", "Other"}
)

// ValidatePartialDate checks a date that may be known only to the year or the
// month: "YYYY", "YYYY-MM" or "YYYY-MM-DD", or "" when unknown.
func ValidatePartialDate(field, s string) error {
	if s == "" {
		return nil
	}
	layouts := map[int]string{4: "2006", 7: "2006-01", 10: "2006-01-02"}
	layout, ok := layouts[len(s)]
	if !ok {
		return Invalid(field, "%q: give YYYY, YYYY-MM or YYYY-MM-DD", s)
	}
	t, err := time.Parse(layout, s)
	if err != nil || t.Year() < 1900 {
		return Invalid(field, "%q is not a date from 1900 on (YYYY, YYYY-MM or YYYY-MM-DD)", s)
	}
	return nil
}

// Consent methods.
const (
	ConsentSigned      = "signed"
	ConsentVerbal      = "verbal"
	ConsentInterpreter = "interpreter" // given orally through an interpreter
)

// ConsentShare is the person's agreement that one named organisation may see
// some parts of the case.
type ConsentShare struct {
	OrgID  int64    `json:"org_id"`
	Groups []string `json:"groups"`
}

// Consent is what the person agreed to, when and how. A consent is never
// edited: a new one is recorded, and a withdrawn one stays, withdrawn.
type Consent struct {
	ID         int64          `json:"id"`
	CaseID     int64          `json:"case_id"`
	Services   bool           `json:"services"`   // to receive assistance
	Statistics bool           `json:"statistics"` // use in anonymous statistics
	Shares     []ConsentShare `json:"shares"`
	Method     string         `json:"method"`
	Language   string         `json:"language"` // of the consent form read to or by the person
	GivenAt    time.Time      `json:"given_at"`
	RecordedBy int64          `json:"recorded_by"`
	// WithdrawnAt ends the consent from then on.
	WithdrawnAt *time.Time `json:"withdrawn_at,omitempty"`
	WithdrawnBy int64      `json:"withdrawn_by,omitempty"`
}

// Validate checks a new consent.
func (c *Consent) Validate() error {
	switch c.Method {
	case ConsentSigned, ConsentVerbal, ConsentInterpreter:
	default:
		return Invalid("method", "%q is not signed, verbal or interpreter", c.Method)
	}
	if err := ValidateLanguage(c.Language); err != nil {
		return Invalid("language", "%q is not a language code", c.Language)
	}
	seen := map[int64]bool{}
	for i, s := range c.Shares {
		if s.OrgID <= 0 || seen[s.OrgID] {
			return Invalid("shares", "share %d: name each organisation once", i+1)
		}
		seen[s.OrgID] = true
		if err := ValidateGroups("shares", s.Groups); err != nil {
			return err
		}
	}
	return nil
}

// Active reports whether the consent holds at t.
func (c *Consent) Active(t time.Time) bool {
	return !c.GivenAt.After(t) && (c.WithdrawnAt == nil || t.Before(*c.WithdrawnAt))
}

// SharedWith returns the groups the consent lets org see, or nil.
func (c *Consent) SharedWith(org int64) []string {
	for _, s := range c.Shares {
		if s.OrgID == org {
			return s.Groups
		}
	}
	return nil
}

// Referral statuses.
const (
	ReferralPending   = "pending"
	ReferralAccepted  = "accepted"
	ReferralDeclined  = "declined"
	ReferralCancelled = "cancelled"
)

// Referral reasons (cas_ReasonForOutgoingReferral) and urgencies.
var (
	ReferralReasons   = []string{"AdditionalServicesRequired", "MigrationOrChangeOfLocation", "Other"}
	ReferralUrgencies = []string{"routine", "urgent", "emergency"}
)

// Referral moves a person from one organisation to another: what is shared,
// why, and the receiver's answer. A referral without consent carries an
// override: the written reason why it could not wait (a child at risk, say).
type Referral struct {
	ID           int64      `json:"id"`
	CaseID       int64      `json:"case_id"`
	FromOrg      int64      `json:"from_org"`
	ToOrg        int64      `json:"to_org"`
	Reason       string     `json:"reason"`
	Details      string     `json:"details,omitempty"`
	Urgency      string     `json:"urgency"`
	Groups       []string   `json:"groups"`
	Override     string     `json:"override,omitempty"`
	Status       string     `json:"status"`
	CreatedBy    int64      `json:"created_by"`
	CreatedAt    time.Time  `json:"created_at"`
	AnsweredBy   int64      `json:"answered_by,omitempty"`
	AnsweredAt   *time.Time `json:"answered_at,omitempty"`
	AnswerReason string     `json:"answer_reason,omitempty"`
	Revision     int64      `json:"revision"`
	// Withheld is set, when listing a referral to its receiver, if the details
	// and the override's text are withheld because no consent (or override)
	// lets the receiver see anything of the case now. It is not stored.
	Withheld bool `json:"withheld,omitempty"`
}

// Validate checks a new referral.
func (r *Referral) Validate() error {
	if r.ToOrg <= 0 || r.ToOrg == r.FromOrg {
		return Invalid("to_org", "choose another organisation to refer to")
	}
	if !slices.Contains(ReferralReasons, r.Reason) {
		return Invalid("reason", "%q is not one of %s", r.Reason, strings.Join(ReferralReasons, ", "))
	}
	if !slices.Contains(ReferralUrgencies, r.Urgency) {
		return Invalid("urgency", "%q is not one of %s", r.Urgency, strings.Join(ReferralUrgencies, ", "))
	}
	if utf8.RuneCountInString(r.Details) > 4000 {
		return Invalid("details", "at most 4000 characters")
	}
	if o := strings.TrimSpace(r.Override); o != "" && utf8.RuneCountInString(o) < 20 {
		return Invalid("override", "explain in a sentence why the referral cannot wait for consent")
	}
	return ValidateGroups("groups", r.Groups)
}

// Transition records a move of a case between stages: who, when and why.
type Transition struct {
	ID     int64     `json:"id"`
	CaseID int64     `json:"case_id"`
	From   Stage     `json:"from"`
	To     Stage     `json:"to"`
	Reason string    `json:"reason"`
	By     int64     `json:"by"`
	At     time.Time `json:"at"`
}

// CaseFilter selects the cases of a list.
type CaseFilter struct {
	OrgID        int64  // required
	Stage        Stage  // "" for any
	HTCDSStatus  string // "" for any
	AssignedTo   int64
	Exploitation string // one value of vic_TypeOfExploitation
	Industry     string
	Citizenship  string
	After        int64 // keyset cursor: cases with a smaller id
	Limit        int   // 0: 50
}

// Grant is what a referral lets another organisation see of a case, under
// the consent that holds now: the groups both allow.
type Grant struct {
	ReferralID int64
	Groups     []string
	Override   bool // shared without consent, under a written override
}

// Visible intersects the groups of an accepted referral with those the
// consent gives the receiver.
func Visible(referral, consent []string) []string {
	var out []string
	for _, g := range FieldGroups {
		if slices.Contains(referral, g) && slices.Contains(consent, g) {
			out = append(out, g)
		}
	}
	return out
}

func (g Grant) String() string {
	return fmt.Sprintf("referral %d: %s", g.ReferralID, strings.Join(g.Groups, ", "))
}

// The column names the sealed fields of cases, referrals and transitions are
// bound to. Person holds every identity and contact field of Person as one
// sealed JSON document; gender, citizenships and languages are kept in clear
// as well, for filters and statistics.
const (
	ColCasePerson       = "cases.person"
	ColReferralDetails  = "referrals.details"
	ColReferralOverride = "referrals.override"
	ColReferralAnswer   = "referrals.answer_reason"
	ColTransitionReason = "case_transitions.reason"
)

// ReferralFilter selects referrals: of one case, sent by one organisation
// (outbox) or received by one (inbox), in one status.
type ReferralFilter struct {
	CaseID  int64
	FromOrg int64
	ToOrg   int64
	Status  string
	Limit   int // 0: 100
	// After, when set, continues a list after this referral (keyset
	// paging): the next page holds the referrals older than it.
	After *Referral
}
