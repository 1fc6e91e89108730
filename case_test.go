package alliance

import (
	"slices"
	"testing"
	"time"
)

func TestStageGraph(t *testing.T) {
	// Every stage can be left, every stage can be reached, and closure can be
	// reached from everywhere but itself.
	reached := map[Stage]bool{}
	for _, s := range Stages {
		if len(s.Next()) == 0 {
			t.Errorf("stage %s is a dead end", s)
		}
		for _, n := range s.Next() {
			if !n.Valid() {
				t.Errorf("%s leads to unknown stage %q", s, n)
			}
			reached[n] = true
		}
		if s != StageClosure && !s.CanMove(StageClosure) {
			t.Errorf("a case at %s cannot be closed", s)
		}
	}
	for _, s := range Stages {
		if !reached[s] {
			t.Errorf("stage %s cannot be reached", s)
		}
	}
	for _, tc := range []struct {
		from, to Stage
		ok       bool
	}{
		{StageIdentification, StageReferral, true},
		{StageIdentification, StageInclusion, false},
		{StageDecision, StageDecision, true},  // reconsideration
		{StageClosure, StageAssistance, true}, // reopened
		{StageReturn, StageReferral, true},    // re-referral
		{Stage("nowhere"), StageClosure, false},
	} {
		if got := tc.from.CanMove(tc.to); got != tc.ok {
			t.Errorf("%s → %s: %v, want %v", tc.from, tc.to, got, tc.ok)
		}
	}
}

func TestHTCDSStatus(t *testing.T) {
	for _, tc := range []struct {
		stage    Stage
		referred bool
		want     string
	}{
		{StageIdentification, false, HTCDSActive},
		{StageDecision, true, HTCDSActive},
		{StageInclusion, false, HTCDSFollowUp},
		{StageReturn, false, HTCDSFollowUp},
		{StageClosure, false, HTCDSClosed},
		{StageClosure, true, HTCDSClosedReferred},
	} {
		k := Case{Stage: tc.stage, Referred: tc.referred}
		if got := k.HTCDSStatus(); got != tc.want {
			t.Errorf("%s referred=%v: %s, want %s", tc.stage, tc.referred, got, tc.want)
		}
	}
}

func TestConsentAndVisibility(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	c := Consent{GivenAt: t0, Shares: []ConsentShare{{OrgID: 7, Groups: []string{GroupIdentity, GroupContext}}}}
	if c.Active(t0.Add(-time.Second)) || !c.Active(t0) {
		t.Error("a consent holds from the moment it is given")
	}
	w := t0.Add(time.Hour)
	c.WithdrawnAt = &w
	if !c.Active(w.Add(-time.Second)) || c.Active(w) {
		t.Error("a withdrawn consent ends at its withdrawal")
	}
	if got := c.SharedWith(8); got != nil {
		t.Errorf("shared with an organisation it does not name: %v", got)
	}
	got := Visible([]string{GroupComments, GroupContext, GroupContact, GroupIdentity}, c.SharedWith(7))
	if !slices.Equal(got, []string{GroupIdentity, GroupContext}) {
		t.Errorf("Visible = %v, want identity and context in display order", got)
	}
}

func TestCaseValidate(t *testing.T) {
	valid := func() Case {
		return Case{Reference: "R-1", Stage: StageIdentification, Person: Person{GivenName: "Олена", FamilyName: "Ткаченко",
			BirthDate: "1994-03", Citizenships: []string{"UA"}, Languages: []string{"uk"}},
			VictimContext: VictimContext{TraffickingStatus: StatusPossible, Industry: "A"}}
	}
	for _, tc := range []struct {
		field string
		mod   func(*Case)
	}{
		{"", func(*Case) {}},
		{"reference", func(k *Case) { k.Reference = "" }},
		{"stage", func(k *Case) { k.Stage = "limbo" }},
		{"family_name", func(k *Case) { k.Person.GivenName, k.Person.FamilyName = "", "" }},
		{"birth_date", func(k *Case) { k.Person.BirthDate = "1994-02-30" }},
		{"birth_date", func(k *Case) { k.Person.BirthDate = "94" }},
		{"birth_date", func(k *Case) { k.Person.BirthDate = "1850" }},
		{"gender", func(k *Case) { k.Person.Gender = "other" }},
		{"citizenships", func(k *Case) { k.Person.Citizenships = []string{"USA"} }},
		{"languages", func(k *Case) { k.Person.Languages = []string{"not a tag"} }},
		{"trafficking_status", func(k *Case) { k.TraffickingStatus = "yes" }},
		{"industry", func(k *Case) { k.Industry = "V" }},
	} {
		k := valid()
		tc.mod(&k)
		err := k.Validate()
		if tc.field == "" {
			if err != nil {
				t.Errorf("valid case refused: %v", err)
			}
			continue
		}
		var e *Error
		if err == nil || !asError(err, &e) || e.Field != tc.field {
			t.Errorf("%s: error %v, want one naming %s", tc.field, err, tc.field)
		}
	}
}

func asError(err error, e **Error) bool {
	x, ok := err.(*Error)
	*e = x
	return ok
}

func TestReferralValidate(t *testing.T) {
	base := Referral{FromOrg: 1, ToOrg: 2, Reason: "Other", Urgency: "urgent", Groups: []string{GroupIdentity}}
	for _, tc := range []struct {
		field string
		mod   func(*Referral)
	}{
		{"", func(*Referral) {}},
		{"to_org", func(r *Referral) { r.ToOrg = 1 }},
		{"reason", func(r *Referral) { r.Reason = "because" }},
		{"urgency", func(r *Referral) { r.Urgency = "now" }},
		{"groups", func(r *Referral) { r.Groups = nil }},
		{"groups", func(r *Referral) { r.Groups = []string{"everything"} }},
		{"groups", func(r *Referral) { r.Groups = []string{GroupIdentity, GroupIdentity} }},
		{"override", func(r *Referral) { r.Override = "urgent" }},
	} {
		r := base
		tc.mod(&r)
		err := r.Validate()
		var e *Error
		if (tc.field == "") != (err == nil) || (err != nil && (!asError(err, &e) || e.Field != tc.field)) {
			t.Errorf("%q: %v", tc.field, err)
		}
	}
}

func FuzzValidatePartialDate(f *testing.F) {
	for _, s := range []string{"", "2001", "2001-02", "2001-02-28", "2001-02-29", "0000", "2001-13", "20011-01-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidatePartialDate("birth_date", s)
		if err == nil && s != "" {
			layouts := map[int]string{4: "2006", 7: "2006-01", 10: "2006-01-02"}
			d, perr := time.Parse(layouts[len(s)], s)
			if perr != nil || d.Year() < 1900 {
				t.Errorf("accepted %q", s)
			}
		}
	})
}
