package sqlstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"alliance"
)

// The number of cases and referrals a list returns when the filter gives no
// limit, and the most it returns whatever the filter asks.
const (
	CaseDefaultLimit     = 50
	CaseMaxLimit         = 500
	ReferralDefaultLimit = 100
	ReferralMaxLimit     = 1000
)

// CaseLimit checks f and returns the number of rows its list may return. A
// list never crosses organisations, so f.OrgID is required.
func CaseLimit(f alliance.CaseFilter) (int, error) {
	if f.OrgID == 0 {
		return 0, alliance.Invalid("organisation", "give the organisation whose cases to list")
	}
	if f.Stage != "" && !f.Stage.Valid() {
		return 0, alliance.Invalid("stage", "%q is not one of %s", f.Stage, StageNames())
	}
	if f.HTCDSStatus != "" {
		if _, _, _, err := HTCDSStages(f.HTCDSStatus); err != nil {
			return 0, err
		}
	}
	for _, v := range []struct{ field, value string }{
		{"exploitation", f.Exploitation}, {"citizenship", f.Citizenship},
	} {
		if strings.Contains(v.value, ",") {
			return 0, alliance.Invalid(v.field, "%q is not a value of the list", v.value)
		}
	}
	return limit(f.Limit, CaseDefaultLimit, CaseMaxLimit), nil
}

// ReferralLimit checks f and returns the number of rows its list may return.
// A list is of one case, one sender or one receiver: never of every referral.
func ReferralLimit(f alliance.ReferralFilter) (int, error) {
	if f.CaseID == 0 && f.FromOrg == 0 && f.ToOrg == 0 {
		return 0, alliance.Invalid("organisation", "give the case, or the organisation that sent or received the referrals to list")
	}
	switch f.Status {
	case "", alliance.ReferralPending, alliance.ReferralAccepted, alliance.ReferralDeclined, alliance.ReferralCancelled:
	default:
		return 0, alliance.Invalid("status", "%q is not pending, accepted, declined or cancelled", f.Status)
	}
	return limit(f.Limit, ReferralDefaultLimit, ReferralMaxLimit), nil
}

func limit(n, def, most int) int {
	switch {
	case n <= 0:
		return def
	case n > most:
		return most
	}
	return n
}

// StageNames lists the stages, for messages: "identification, referral, …".
func StageNames() string {
	names := make([]string, len(alliance.Stages))
	for i, s := range alliance.Stages {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}

// HTCDSStages tells which cases have the HTCDS status: those in a stage of
// both whatever their Referred, those in a stage of referred when Referred is
// set, and those in a stage of notReferred when it is not. It derives the
// answer from alliance.Case.HTCDSStatus itself, so that a store's filter and
// the status a case shows cannot disagree. An unknown status is invalid.
func HTCDSStages(status string) (both, referred, notReferred []alliance.Stage, err error) {
	for _, s := range alliance.Stages {
		yes := (&alliance.Case{Stage: s, Referred: true}).HTCDSStatus() == status
		no := (&alliance.Case{Stage: s}).HTCDSStatus() == status
		switch {
		case yes && no:
			both = append(both, s)
		case yes:
			referred = append(referred, s)
		case no:
			notReferred = append(notReferred, s)
		}
	}
	if both == nil && referred == nil && notReferred == nil {
		return nil, nil, nil, alliance.Invalid("htcds_status", "%q is not one of %s, %s, %s, %s", status,
			alliance.HTCDSActive, alliance.HTCDSFollowUp, alliance.HTCDSClosed, alliance.HTCDSClosedReferred)
	}
	return both, referred, notReferred, nil
}

// ListItem is how one value of a list is found in its stored form (see
// JoinList): ",UA,".
func ListItem(v string) string { return "," + v + "," }

// JoinList returns the stored form of a list kept in clear: its values between
// commas, ",UA,RO,", so that ListItem finds one whole value; "" when the list
// is empty. A value holding a comma is refused: it could not be told apart.
func JoinList(field string, list []string) (string, error) {
	if len(list) == 0 {
		return "", nil
	}
	for _, v := range list {
		if strings.Contains(v, ",") {
			return "", alliance.Invalid(field, "%q is not a value of the list", v)
		}
	}
	return ListItem(strings.Join(list, ",")), nil
}

// SplitList reads a list that JoinList stored; an empty list is nil.
func SplitList(s string) []string {
	if len(s) < 2 {
		return nil
	}
	return strings.Split(s[1:len(s)-1], ",")
}

// sealedPerson is the part of a Person that is sealed: every identity and
// contact field. Gender, citizenships and languages are kept in clear.
type sealedPerson struct {
	GivenName  string `json:"given_name,omitempty"`
	FamilyName string `json:"family_name,omitempty"`
	MiddleName string `json:"middle_name,omitempty"`
	BirthDate  string `json:"birth_date,omitempty"`
	Phone      string `json:"phone,omitempty"`
	Email      string `json:"email,omitempty"`
	Address    string `json:"address,omitempty"`
}

// CaseColumns are the columns of a case stored in another form than the Case
// holds them: the sealed person, and the lists kept in clear as JoinList
// writes them.
type CaseColumns struct {
	Person                                                               []byte
	Citizenships, Languages, Exploitation, MethodsOfControl, Recruitment string
}

// SealCase seals the identity and contact fields of k's person with c, as one
// JSON document under alliance.ColCasePerson, and joins its lists. The errors
// never contain the person's details.
func SealCase(c alliance.FieldCipher, k *alliance.Case) (*CaseColumns, error) {
	p := &k.Person
	sp := sealedPerson{GivenName: p.GivenName, FamilyName: p.FamilyName, MiddleName: p.MiddleName,
		BirthDate: p.BirthDate, Phone: p.Phone, Email: p.Email, Address: p.Address}
	// JSON would replace invalid UTF-8 silently; refuse it instead.
	for _, f := range [][2]string{{"given_name", sp.GivenName}, {"family_name", sp.FamilyName},
		{"middle_name", sp.MiddleName}, {"birth_date", sp.BirthDate}, {"phone", sp.Phone}, {"email", sp.Email},
		{"address", sp.Address}} {
		if !utf8.ValidString(f[1]) {
			return nil, alliance.Invalid(f[0], "the text is not valid UTF-8")
		}
	}
	doc, err := json.Marshal(sp)
	if err != nil {
		return nil, fmt.Errorf("encode person: %w", err)
	}
	var cols CaseColumns
	if cols.Person, err = c.Seal(alliance.ColCasePerson, doc); err != nil {
		return nil, fmt.Errorf("encrypt person: %w", err)
	}
	lists := []struct {
		field string
		list  []string
		dst   *string
	}{
		{"citizenships", p.Citizenships, &cols.Citizenships},
		{"languages", p.Languages, &cols.Languages},
		{"exploitation", k.Exploitation, &cols.Exploitation},
		{"methods_of_control", k.MethodsOfControl, &cols.MethodsOfControl},
		{"recruitment", k.Recruitment, &cols.Recruitment},
	}
	for _, l := range lists {
		if *l.dst, err = JoinList(l.field, l.list); err != nil {
			return nil, err
		}
	}
	return &cols, nil
}

// OpenCase opens the sealed person of cols with c and sets it, and the lists,
// on k. An empty list is set as nil. The errors never contain the person's
// details.
func OpenCase(c alliance.FieldCipher, k *alliance.Case, cols *CaseColumns) error {
	doc, err := c.Open(alliance.ColCasePerson, cols.Person)
	if err != nil {
		return fmt.Errorf("decrypt person: %w", err)
	}
	var sp sealedPerson
	if err := json.Unmarshal(doc, &sp); err != nil {
		return errors.New("decode person: the decrypted document is not the JSON of a person")
	}
	p := &k.Person
	p.GivenName, p.FamilyName, p.MiddleName, p.BirthDate = sp.GivenName, sp.FamilyName, sp.MiddleName, sp.BirthDate
	p.Phone, p.Email, p.Address = sp.Phone, sp.Email, sp.Address
	p.Citizenships, p.Languages = SplitList(cols.Citizenships), SplitList(cols.Languages)
	k.Exploitation, k.MethodsOfControl = SplitList(cols.Exploitation), SplitList(cols.MethodsOfControl)
	k.Recruitment = SplitList(cols.Recruitment)
	return nil
}

// StampCase prepares the times of a new case: CreatedAt is now when zero,
// UpdatedAt is CreatedAt when zero, and all are truncated to what the stores
// keep.
func StampCase(k *alliance.Case) {
	Stamp(&k.CreatedAt)
	if k.UpdatedAt.IsZero() {
		k.UpdatedAt = k.CreatedAt
	}
	Stamp(&k.UpdatedAt)
	k.StatusDecidedAt, k.ClosedAt = Truncated(k.StatusDecidedAt), Truncated(k.ClosedAt)
	k.ErasedAt = Truncated(k.ErasedAt)
}

// SealText seals s with c under column; an empty s is sealed as an empty
// value. The errors never contain s.
func SealText(c alliance.FieldCipher, column, s string) ([]byte, error) {
	ct, err := c.Seal(column, []byte(s))
	if err != nil {
		return nil, fmt.Errorf("encrypt %s: %w", column, err)
	}
	return ct, nil
}

// OpenText opens a value SealText sealed under column.
func OpenText(c alliance.FieldCipher, column string, ct []byte) (string, error) {
	pt, err := c.Open(column, ct)
	if err != nil {
		return "", fmt.Errorf("decrypt %s: %w", column, err)
	}
	return string(pt), nil
}

// SealedReferral is the sealed columns of a referral.
type SealedReferral struct{ Details, Override, AnswerReason []byte }

// SealReferral seals the details, override and answer reason of r with c.
func SealReferral(c alliance.FieldCipher, r *alliance.Referral) (*SealedReferral, error) {
	var s SealedReferral
	var err error
	if s.Details, err = SealText(c, alliance.ColReferralDetails, r.Details); err != nil {
		return nil, err
	}
	if s.Override, err = SealText(c, alliance.ColReferralOverride, r.Override); err != nil {
		return nil, err
	}
	if s.AnswerReason, err = SealText(c, alliance.ColReferralAnswer, r.AnswerReason); err != nil {
		return nil, err
	}
	return &s, nil
}

// OpenReferral opens the sealed columns of a referral with c and sets them on r.
func OpenReferral(c alliance.FieldCipher, r *alliance.Referral, s *SealedReferral) error {
	var err error
	if r.Details, err = OpenText(c, alliance.ColReferralDetails, s.Details); err != nil {
		return err
	}
	if r.Override, err = OpenText(c, alliance.ColReferralOverride, s.Override); err != nil {
		return err
	}
	r.AnswerReason, err = OpenText(c, alliance.ColReferralAnswer, s.AnswerReason)
	return err
}

// JSONList returns the JSON text of a list kept in clear (a referral's groups,
// a consent's shares); a nil list is stored as an empty one, "[]".
func JSONList[T any](list []T) (string, error) {
	if list == nil {
		list = []T{}
	}
	b, err := json.Marshal(list)
	return string(b), err
}

// ParseJSONList reads a list JSONList stored; it is never nil.
func ParseJSONList[T any](s string) ([]T, error) {
	var list []T
	if err := json.Unmarshal([]byte(s), &list); err != nil {
		return nil, err
	}
	if list == nil {
		list = []T{}
	}
	return list, nil
}

// ReferenceUsed gives the refusal of a case reference already used in the
// organisation the reference itself, which the store's error translation
// (by constraint, field "reference") does not know; other errors pass as they are.
func ReferenceUsed(err error, reference string) error {
	var ae *alliance.Error
	if !errors.As(err, &ae) || ae.Code != alliance.CodeConflict || ae.Field != "reference" {
		return err
	}
	return &alliance.Error{Code: alliance.CodeConflict, Field: "reference",
		Message: fmt.Sprintf("the reference %q is already used by another case", reference), Err: ae.Err}
}

// CaseChanged is the error of a case update from a stale revision.
func CaseChanged() error {
	return alliance.Errorf(alliance.CodeConflict, "the case was changed by someone else; reload it")
}

// ReferralChanged is the error of a referral update from a stale revision.
func ReferralChanged() error {
	return alliance.Errorf(alliance.CodeConflict, "the referral was answered or changed meanwhile; reload it")
}

// ConsentWithdrawn is the error of withdrawing a consent a second time.
func ConsentWithdrawn() error {
	return alliance.Errorf(alliance.CodeConflict, "the consent was withdrawn already")
}

// HTCDSCondition is the SQL condition on stage and referred that selects the
// cases whose HTCDS status is status, as HTCDSStages derives it from
// alliance.Case.HTCDSStatus. The stages are constants, written in the query; the condition reads the same on
// both databases.
func HTCDSCondition(status string) (string, error) {
	both, referred, notReferred, err := HTCDSStages(status)
	if err != nil {
		return "", err
	}
	in := func(stages []alliance.Stage) string {
		q := make([]string, len(stages))
		for i, s := range stages {
			q[i] = `'` + string(s) + `'`
		}
		return `stage IN (` + strings.Join(q, `, `) + `)`
	}
	var or []string
	if len(both) > 0 {
		or = append(or, in(both))
	}
	if len(referred) > 0 {
		or = append(or, `(`+in(referred)+` AND referred)`)
	}
	if len(notReferred) > 0 {
		or = append(or, `(`+in(notReferred)+` AND NOT referred)`)
	}
	return `(` + strings.Join(or, ` OR `) + `)`, nil
}
