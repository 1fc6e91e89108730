package app

import (
	"context"
	"fmt"
	"strings"

	"alliance"
	"alliance/internal/interview"
)

// DemoCountry is the user-assigned ISO 3166-1 code of Vardenia, the fictional
// country of the demo alliance.
const DemoCountry = "XV"

// DemoPassword is the password of every demo account. The demo database holds only
// synthetic data; never use demo mode for real work.
const DemoPassword = "demo-alliance-2026"

// DemoAccount is a printed credential of the demo alliance.
type DemoAccount struct {
	Organisation string
	Email        string
	Role         alliance.Role
}

var demoOrgs = []struct {
	name, domain string
	typ          alliance.OrgType
	langs        []string
}{
	{"Vardenia Labour Inspectorate", "inspectorate", alliance.OrgLabourInspectorate, []string{"en", "ru"}},
	{"Safe Harbour Vardenia (NGO)", "safeharbour", alliance.OrgNGO, []string{"en", "fr", "ru"}},
	{"Union of Farm and Food Workers", "union", alliance.OrgTradeUnion, []string{"en", "es"}},
	{"Vardenia Police, Anti-Trafficking Unit", "police", alliance.OrgPolice, []string{"en", "de"}},
	{"Northgate Shelter", "shelter", alliance.OrgShelter, []string{"en", "it"}},
}

var demoRoles = []alliance.Role{alliance.RoleAdmin, alliance.RoleCaseworker, alliance.RoleAnalyst, alliance.RoleViewer}

// SeedDemo fills an empty database with the demo alliance: five organisations of a
// fictional country, a user of each role in each, and a superadmin. On a database
// that holds them already it answers with a conflict; on one that holds any other
// organisation it refuses, so that demo mode never runs over real accounts.
func (s *Service) SeedDemo(ctx context.Context) ([]DemoAccount, error) {
	orgs, err := s.store.Organisations(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range orgs {
		if o.Country != DemoCountry {
			// Demo mode waives the second factor: never on real accounts.
			return nil, alliance.Errorf(alliance.CodeInvalid, "this database holds real organisations; --demo runs only on a new database or a demo one (give another --db)")
		}
	}
	if len(orgs) > 0 {
		return nil, alliance.Errorf(alliance.CodeConflict, "the demo alliance is already in this database")
	}
	var org *alliance.Organisation
	caseworkers := map[string]*alliance.User{} // by organisation domain
	for _, a := range s.DemoAccounts() {
		if org == nil || org.Name != a.Organisation {
			if org, err = s.createDemoOrg(ctx, a.Organisation); err != nil {
				return nil, err
			}
		}
		n := NewUser{OrgID: org.ID, Email: a.Email, Name: demoName(a.Email), Role: a.Role, Password: DemoPassword}
		u, err := s.CreateUser(ctx, System(), n)
		if err != nil {
			return nil, fmt.Errorf("demo user %s: %w", a.Email, err)
		}
		if a.Role == alliance.RoleCaseworker {
			_, domain, _ := strings.Cut(a.Email, "@")
			caseworkers[domain] = u
		}
		if a.Role == alliance.RoleCaseworker && org.Type == alliance.OrgLabourInspectorate {
			if err := s.seedDemoScreenings(ctx, u); err != nil {
				return nil, err
			}
		}
	}
	if err := s.seedDemoCase(ctx, caseworkers["safeharbour.example"], caseworkers["shelter.example"]); err != nil {
		return nil, err
	}
	return s.DemoAccounts(), nil
}

// seedDemoCase gives the NGO a synthetic case whose person consented to
// share their identity and situation with the shelter, and a referral to the
// shelter waiting for its answer.
func (s *Service) seedDemoCase(ctx context.Context, ngo, shelter *alliance.User) error {
	c := Caller{Actor: alliance.Actor{UserID: ngo.ID, OrgID: ngo.OrgID, Role: ngo.Role, SecondFactor: true}, RemoteAddr: "demo"}
	k, err := s.CreateCase(ctx, c, alliance.Case{Reference: "DEMO-1", Person: alliance.Person{
		GivenName: "Марія", FamilyName: "Демченко", BirthDate: "1996-07", Gender: "Feminine",
		Citizenships: []string{"UA"}, Languages: []string{"uk", "ru"}, Phone: "+000 0000 0000"},
		VictimContext: alliance.VictimContext{Exploitation: []string{"ForcedLabour"}, Industry: "A"}}, 0)
	if err != nil {
		return fmt.Errorf("demo case: %w", err)
	}
	groups := []string{alliance.GroupIdentity, alliance.GroupContext, alliance.GroupDecisions}
	_, err = s.RecordConsent(ctx, c, k.ID, alliance.Consent{Services: true, Statistics: true, Method: alliance.ConsentInterpreter,
		Language: "uk", Shares: []alliance.ConsentShare{{OrgID: shelter.OrgID, Groups: groups}}})
	if err != nil {
		return fmt.Errorf("demo consent: %w", err)
	}
	_, err = s.Refer(ctx, c, k.ID, alliance.Referral{ToOrg: shelter.OrgID, Reason: "AdditionalServicesRequired", Urgency: "urgent",
		Groups: groups, Details: "Synthetic demo referral: needs a safe place to stay."})
	if err != nil {
		return fmt.Errorf("demo referral: %w", err)
	}
	return nil
}

// seedDemoScreenings gives the inspectorate's caseworker two synthetic
// screenings: a completed one whose answers point to trafficking, and one
// still under way, to resume.
func (s *Service) seedDemoScreenings(ctx context.Context, u *alliance.User) error {
	c := Caller{Actor: alliance.Actor{UserID: u.ID, OrgID: u.OrgID, Role: u.Role, SecondFactor: true}, RemoteAddr: "demo"}
	age, notes := 27, "Synthetic demo screening: met during a farm inspection."
	yes := func(ids ...string) map[string]string {
		m := map[string]string{}
		for _, id := range ids {
			m[id] = "yes"
		}
		return m
	}
	done, err := s.StartAssessment(ctx, c, "ro", AssessmentUpdate{
		Answers: interview.Answers{Questions: yes("rec.job_different", "rec.pay_different", "rec.debt",
			"work.long_hours", "work.little_pay", "work.deductions", "liv.papers_held", "work.threat_police")},
		SetAge: true, Age: &age, Notes: &notes,
	})
	if err != nil {
		return fmt.Errorf("demo screening: %w", err)
	}
	if _, err := s.UpdateAssessment(ctx, c, done.ID, AssessmentUpdate{Complete: true}); err != nil {
		return fmt.Errorf("demo screening: %w", err)
	}
	_, err = s.StartAssessment(ctx, c, "ar", AssessmentUpdate{
		Answers: interview.Answers{Questions: map[string]string{"rec.job_different": "no", "rec.pay_different": "yes", "rec.debt": "unknown"}},
	})
	if err != nil {
		return fmt.Errorf("demo screening: %w", err)
	}
	return nil
}

func (s *Service) createDemoOrg(ctx context.Context, name string) (*alliance.Organisation, error) {
	for _, d := range demoOrgs {
		if d.name == name {
			o := &alliance.Organisation{Name: d.name, Type: d.typ, Country: DemoCountry, Languages: d.langs}
			if err := s.CreateOrganisation(ctx, System(), o); err != nil {
				return nil, fmt.Errorf("demo organisation %s: %w", d.name, err)
			}
			return o, nil
		}
	}
	return nil, fmt.Errorf("no demo organisation %q", name)
}

// demoName makes a display name from a demo email: "Demo admin (police)".
func demoName(email string) string {
	local, domain, _ := strings.Cut(email, "@")
	return fmt.Sprintf("Demo %s (%s)", local, strings.TrimSuffix(domain, ".example"))
}

// DemoAccounts lists the demo accounts that SeedDemo creates.
func (s *Service) DemoAccounts() []DemoAccount {
	var out []DemoAccount
	for i, d := range demoOrgs {
		roles := demoRoles
		if i == 0 {
			roles = append([]alliance.Role{alliance.RoleSuperadmin}, roles...)
		}
		for _, r := range roles {
			out = append(out, DemoAccount{Organisation: d.name, Email: fmt.Sprintf("%s@%s.example", r, d.domain), Role: r})
		}
	}
	return out
}
