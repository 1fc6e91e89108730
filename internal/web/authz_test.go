package web

import (
	"alliance/internal/screening"
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"alliance"
	"alliance/internal/app"
)

// who may do something, by role, for a resource of the actor's own organisation
// and of another.
type rule struct {
	own, other map[alliance.Role]bool
}

var everyone = map[alliance.Role]bool{alliance.RoleSuperadmin: true, alliance.RoleAdmin: true, alliance.RoleCaseworker: true, alliance.RoleAnalyst: true, alliance.RoleViewer: true}
var admins = map[alliance.Role]bool{alliance.RoleSuperadmin: true, alliance.RoleAdmin: true}
var superOnly = map[alliance.Role]bool{alliance.RoleSuperadmin: true}
var nobody = map[alliance.Role]bool{}

// readers are the roles that see people's details (and pass a second factor).
var readers = map[alliance.Role]bool{alliance.RoleSuperadmin: true, alliance.RoleAdmin: true, alliance.RoleCaseworker: true, alliance.RoleViewer: true}

// orgReaders are the members who read their organisation's records: not the
// superadmin, whose powers stop at setting organisations up, nor the analyst.
var orgReaders = map[alliance.Role]bool{alliance.RoleAdmin: true, alliance.RoleCaseworker: true, alliance.RoleViewer: true}

// orgAdmins are the administrators of the organisation itself.
var orgAdmins = map[alliance.Role]bool{alliance.RoleAdmin: true}

// members are the members of an organisation: everyone but the superadmin.
var members = map[alliance.Role]bool{alliance.RoleAdmin: true, alliance.RoleCaseworker: true, alliance.RoleAnalyst: true, alliance.RoleViewer: true}

// starters may start and match linkage rounds, and see every round.
var starters = map[alliance.Role]bool{alliance.RoleAdmin: true, alliance.RoleAnalyst: true}

// interviewers may start and answer screenings.
var interviewers = map[alliance.Role]bool{alliance.RoleAdmin: true, alliance.RoleCaseworker: true}

// expectations is the authorisation table: every route that needs a signed-in
// user, with who may use it. TestRouteTableCovered fails when a route is missing.
var expectations = map[string]rule{
	"GET /{$}":                                      {everyone, everyone},
	"GET /account":                                  {everyone, everyone},
	"POST /account/password":                        {everyone, everyone},
	"POST /account/language":                        {everyone, everyone},
	"POST /account/logout-everywhere":               {everyone, everyone},
	"POST /account/tokens":                          {everyone, everyone},
	"POST /account/tokens/{id}/revoke":              {everyone, nobody},
	"GET /organisations":                            {everyone, everyone},
	"POST /organisations":                           {superOnly, superOnly},
	"GET /organisations/{id}":                       {everyone, superOnly},
	"POST /organisations/{id}":                      {admins, superOnly},
	"POST /organisations/{id}/users":                {admins, superOnly},
	"GET /users/{id}":                               {readers, superOnly},
	"POST /users/{id}":                              {admins, superOnly},
	"POST /users/{id}/reset-2fa":                    {admins, superOnly},
	"GET /audit":                                    {admins, admins},
	"GET /api/v1/me":                                {everyone, everyone},
	"GET /api/v1/organisations":                     {everyone, everyone},
	"POST /api/v1/organisations":                    {superOnly, superOnly},
	"GET /api/v1/organisations/{id}":                {everyone, superOnly},
	"PUT /api/v1/organisations/{id}":                {admins, superOnly},
	"GET /api/v1/organisations/{id}/users":          {readers, superOnly},
	"POST /api/v1/organisations/{id}/users":         {admins, superOnly},
	"GET /api/v1/users/{id}":                        {readers, superOnly},
	"PATCH /api/v1/users/{id}":                      {admins, superOnly},
	"POST /api/v1/users/{id}/reset-2fa":             {admins, superOnly},
	"GET /api/v1/tokens":                            {everyone, everyone},
	"POST /api/v1/tokens":                           {everyone, everyone},
	"DELETE /api/v1/tokens/{id}":                    {everyone, nobody},
	"GET /api/v1/audit":                             {admins, admins},
	"GET /screenings":                               {orgReaders, orgReaders},
	"POST /screenings":                              {interviewers, interviewers},
	"GET /screenings/{id}":                          {orgReaders, nobody},
	"POST /screenings/{id}":                         {interviewers, nobody},
	"GET /screenings/{id}/result":                   {orgReaders, nobody},
	"POST /screenings/{id}/complete":                {interviewers, nobody},
	"GET /api/v1/catalogues":                        {everyone, everyone},
	"GET /api/v1/questionnaire":                     {everyone, everyone},
	"GET /api/v1/assessments":                       {orgReaders, orgReaders},
	"POST /api/v1/assessments":                      {interviewers, interviewers},
	"GET /api/v1/assessments/{id}":                  {orgReaders, nobody},
	"PATCH /api/v1/assessments/{id}":                {interviewers, nobody},
	"PUT /api/v1/assessments/{id}/case":             {interviewers, nobody},
	"GET /cases":                                    {orgReaders, orgReaders},
	"GET /cases/new":                                {interviewers, interviewers},
	"POST /cases":                                   {interviewers, interviewers},
	"GET /cases/{id}":                               {orgReaders, nobody},
	"GET /cases/{id}/edit":                          {interviewers, nobody},
	"POST /cases/{id}/edit":                         {interviewers, nobody},
	"POST /cases/{id}/stage":                        {interviewers, nobody},
	"POST /cases/{id}/consents":                     {interviewers, nobody},
	"POST /cases/{id}/consents/{cid}/withdraw":      {interviewers, nobody},
	"GET /cases/{id}/consent-form":                  {orgReaders, nobody},
	"POST /cases/{id}/referrals":                    {interviewers, nobody},
	"GET /referrals":                                {orgReaders, orgReaders},
	"POST /referrals/{id}/answer":                   {interviewers, nobody},
	"POST /cases/{id}/decisions":                    {interviewers, nobody},
	"POST /cases/{id}/reflection":                   {interviewers, nobody},
	"POST /api/v1/cases/{id}/decisions":             {interviewers, nobody},
	"GET /api/v1/cases/{id}/decisions":              {orgReaders, nobody},
	"POST /api/v1/cases/{id}/reflection/extensions": {interviewers, nobody},
	"POST /api/v1/cases/duplicates":                 {orgReaders, orgReaders},
	"GET /api/v1/deadlines":                         {orgReaders, orgReaders},
	"GET /cases/{id}/export":                        {interviewers, nobody},
	"POST /cases/{id}/erase":                        {orgAdmins, nobody},
	"GET /api/v1/cases/{id}/export":                 {interviewers, nobody},
	"POST /api/v1/cases/{id}/erase":                 {orgAdmins, nobody},
	"GET /api/v1/cases/export":                      {orgReaders, orgReaders},
	"POST /api/v1/cases/import":                     {interviewers, interviewers},
	"POST /cases/{id}/documents":                    {interviewers, nobody},
	"GET /documents/{id}":                           {orgReaders, nobody},
	"POST /documents/{id}/delete":                   {interviewers, nobody},
	"GET /api/v1/cases/{id}/documents":              {orgReaders, nobody},
	"POST /api/v1/cases/{id}/documents":             {interviewers, nobody},
	"GET /api/v1/documents/{id}":                    {orgReaders, nobody},
	"DELETE /api/v1/documents/{id}":                 {interviewers, nobody},
	"POST /cases/{id}/residence":                    {interviewers, nobody},
	"POST /cases/{id}/proceedings":                  {interviewers, nobody},
	"GET /api/v1/cases/{id}/legal":                  {orgReaders, nobody},
	"POST /api/v1/cases/{id}/residence":             {interviewers, nobody},
	"POST /api/v1/cases/{id}/proceedings":           {interviewers, nobody},
	"PUT /api/v1/proceedings/{id}":                  {interviewers, nobody},
	"GET /linkage":                                  {members, members},
	"POST /linkage":                                 {starters, starters},
	// own: a round of the actor's organisation; other: one it is not in.
	"GET /linkage/{id}":                               {members, nobody},
	"GET /linkage/{id}/input":                         {interviewers, nobody},
	"POST /linkage/{id}/submission":                   {interviewers, nobody},
	"POST /linkage/{id}/match":                        {starters, nobody},
	"GET /api/v1/linkage/rounds":                      {members, members},
	"POST /api/v1/linkage/rounds":                     {starters, starters},
	"GET /api/v1/linkage/rounds/{id}":                 {members, nobody},
	"GET /api/v1/linkage/rounds/{id}/input":           {interviewers, nobody},
	"PUT /api/v1/linkage/rounds/{id}/submission":      {interviewers, nobody},
	"POST /api/v1/linkage/rounds/{id}/match":          {starters, nobody},
	"GET /watchlist":                                  {members, members},
	"POST /watchlist":                                 {members, members},
	"POST /api/v1/watchlist/screen":                   {members, members},
	"POST /watchlist/lists":                           {orgAdmins, orgAdmins},
	"GET /watchlist/checks/{id}":                      {members, nobody},
	"POST /watchlist/hits/{id}":                       {members, nobody},
	"GET /api/v1/watchlist/lists":                     {members, members},
	"POST /api/v1/watchlist/lists":                    {orgAdmins, orgAdmins},
	"GET /api/v1/watchlist/checks":                    {members, members},
	"GET /api/v1/watchlist/checks/{id}":               {members, nobody},
	"POST /api/v1/watchlist/hits/{id}/review":         {members, nobody},
	"GET /webhooks":                                   {orgAdmins, orgAdmins},
	"POST /webhooks":                                  {orgAdmins, orgAdmins},
	"POST /webhooks/{id}/disable":                     {orgAdmins, nobody},
	"GET /api/v1/webhooks":                            {orgAdmins, orgAdmins},
	"POST /api/v1/webhooks":                           {orgAdmins, orgAdmins},
	"DELETE /api/v1/webhooks/{id}":                    {orgAdmins, nobody},
	"GET /cases/import":                               {orgReaders, orgReaders},
	"POST /cases/import":                              {interviewers, interviewers},
	"POST /cases/{id}/comments":                       {interviewers, nobody},
	"POST /cases/{id}/support":                        {interviewers, nobody},
	"GET /api/v1/cases/{id}/comments":                 {orgReaders, nobody},
	"POST /api/v1/cases/{id}/comments":                {interviewers, nobody},
	"GET /api/v1/cases/{id}/support-plans":            {orgReaders, nobody},
	"POST /api/v1/cases/{id}/support-plans":           {interviewers, nobody},
	"PUT /api/v1/support-plans/{id}":                  {interviewers, nobody},
	"GET /api/v1/cases/{id}/events":                   {orgReaders, nobody},
	"POST /api/v1/cases/{id}/events":                  {interviewers, nobody},
	"POST /api/v1/cases/{id}/perpetrators":            {interviewers, nobody},
	"GET /api/v1/cases":                               {orgReaders, orgReaders},
	"POST /api/v1/cases":                              {interviewers, interviewers},
	"GET /api/v1/cases/{id}":                          {orgReaders, nobody},
	"PUT /api/v1/cases/{id}":                          {interviewers, nobody},
	"POST /api/v1/cases/{id}/stage":                   {interviewers, nobody},
	"GET /api/v1/cases/{id}/transitions":              {orgReaders, nobody},
	"GET /api/v1/cases/{id}/consents":                 {orgReaders, nobody},
	"POST /api/v1/cases/{id}/consents":                {interviewers, nobody},
	"POST /api/v1/cases/{id}/consents/{cid}/withdraw": {interviewers, nobody},
	"POST /api/v1/cases/{id}/referrals":               {interviewers, nobody},
	"GET /api/v1/referrals":                           {orgReaders, orgReaders},
	// own: a referral the actor's organisation received; other: one it sent.
	"POST /api/v1/referrals/{id}/answer": {interviewers, nobody},
}

var actorRoles = []alliance.Role{alliance.RoleSuperadmin, alliance.RoleAdmin, alliance.RoleCaseworker, alliance.RoleAnalyst, alliance.RoleViewer}

func TestRouteTableCovered(t *testing.T) {
	e := newTestEnv(t, testConfig())
	seen := map[string]bool{}
	for _, rt := range e.srv.routes {
		key := rt.method + " " + rt.pattern
		seen[key] = true
		_, listed := expectations[key]
		if rt.access == signedIn && !listed {
			t.Errorf("route %s needs a signed-in user but is not in the authorisation table", key)
		}
		if rt.access != signedIn && listed {
			t.Errorf("route %s is in the authorisation table but its access is %d", key, rt.access)
		}
	}
	for key := range expectations {
		if !seen[key] {
			t.Errorf("authorisation table lists %s, which is not a route", key)
		}
	}
}

// TestAuthorisation walks every signed-in route × role × own/other organisation
// through the whole handler stack and checks the answer against the table.
func TestAuthorisation(t *testing.T) {
	e := newTestEnv(t, testConfig())
	for _, rt := range e.srv.routes {
		if rt.access != signedIn {
			continue
		}
		key := rt.method + " " + rt.pattern
		want := expectations[key]
		for _, role := range actorRoles {
			for _, other := range []bool{false, true} {
				allowed := want.own[role]
				if other {
					allowed = want.other[role]
				}
				name := fmt.Sprintf("%s/%s/other=%v", key, role, other)
				t.Run(name, func(t *testing.T) {
					status := e.exercise(t, rt, string(role)+"@0", other)
					okStatus := status == 200 || status == 201 || status == 202 || status == 204 || status == 303
					if allowed && !okStatus {
						t.Errorf("status %d, want success (200, 201, 202, 204 or 303)", status)
					}
					if !allowed && status != 403 {
						t.Errorf("status %d, want 403", status)
					}
				})
			}
		}
	}
}

// exercise sends a valid request for route rt as actor, about a resource of the
// actor's organisation (0) or the other one (1), and returns the status.
func (e *testEnv) exercise(t *testing.T, rt route, actor string, other bool) int {
	t.Helper()
	s := e.session(actor)
	org := 0
	if other {
		org = 1
	}
	path := e.fillPath(t, rt.pattern, actor, org)
	uniq := strconv.FormatInt(time.Now().UnixNano(), 36)
	if !isUnsafe(rt.method) {
		return e.do(rt.method, path, s.cookie, "", "").Code
	}
	if strings.HasSuffix(rt.pattern, "/submission") {
		return e.submitAt(t, rt, s, path, org)
	}
	if uploadRoutes[rt.method+" "+rt.pattern] {
		return e.uploadAt(t, rt, s, path, uploadContent(rt, uniq)).Code
	}
	if rt.api {
		body := e.apiBody(rt.method+" "+rt.pattern, uniq)
		if rt.pattern == "/api/v1/assessments/{id}/case" {
			body = `{"case_id":` + itoa(e.caseIn(t, org).ID) + `}`
		}
		return e.do(rt.method, path, s.cookie, "application/json", body, "X-CSRF-Token", s.csrf).Code
	}
	vals := e.formBody(rt.pattern, uniq)
	if rt.pattern == "/cases/{id}/erase" {
		id, _ := strconv.ParseInt(strings.Split(path, "/")[2], 10, 64)
		if k, err := e.store.Case(context.Background(), id); err == nil {
			vals.Set("confirm", k.Reference)
		}
	}
	w := e.form(path, s.cookie, s.csrf, vals)
	if rt.pattern == "/account/logout-everywhere" {
		delete(e.sessions, actor) // that request ended the session
	}
	return w.Code
}

func (e *testEnv) fillPath(t *testing.T, pattern, actor string, org int) string {
	t.Helper()
	id := ""
	switch {
	case strings.Contains(pattern, "/organisations/{id}"):
		id = strconv.FormatInt(e.orgs[org].ID, 10)
	case strings.Contains(pattern, "/users/{id}"):
		id = strconv.FormatInt(e.users[fmt.Sprintf("target@%d", org)].ID, 10)
	case strings.Contains(pattern, "/consents/{cid}"):
		k := e.caseIn(t, org)
		con := e.consent(t, org, k.ID)
		return strings.NewReplacer("{id}", itoa(k.ID), "{cid}", itoa(con.ID)).Replace(pattern)
	case strings.Contains(pattern, "/cases/{id}/reflection"):
		id = itoa(e.decidedCase(t, org).ID)
	case strings.Contains(pattern, "/cases/{id}"):
		id = itoa(e.caseIn(t, org).ID)
	case strings.Contains(pattern, "/watchlist/checks/{id}"), strings.Contains(pattern, "/watchlist/hits/{id}"):
		u := e.users[fmt.Sprintf("caseworker@%d", org)]
		c := app.Caller{Actor: alliance.Actor{UserID: u.ID, OrgID: u.OrgID, Role: u.Role, SecondFactor: true}, RemoteAddr: "test"}
		out, err := e.svc.ScreenNames(context.Background(), c, "authz", []screening.Query{{ID: "1", Name: "Zarvelin Textile"}}, 0)
		if err != nil {
			t.Fatal(err)
		}
		id = itoa(out.CheckID)
		if strings.Contains(pattern, "/hits/") {
			v, err := e.svc.WatchCheck(context.Background(), c, out.CheckID)
			if err != nil || len(v.Hits) == 0 {
				t.Fatalf("no hit to review: %v", err)
			}
			id = itoa(v.Hits[0].ID)
		}
	case strings.Contains(pattern, "/linkage/{id}"), strings.Contains(pattern, "/linkage/rounds/{id}"):
		r := e.submittedRound(t)
		if org == 1 {
			r = e.otherRound(t)
		}
		id = itoa(r.ID)
	case strings.Contains(pattern, "/documents/{id}"):
		d, err := e.svc.AddDocument(context.Background(), e.caseworkerOf(org), e.caseIn(t, org).ID,
			alliance.Document{Kind: "payslip", Name: "march.txt", Content: []byte("Net pay: 120 EUR for 280 hours.\n")})
		if err != nil {
			t.Fatal(err)
		}
		id = itoa(d.ID)
	case strings.Contains(pattern, "/proceedings/{id}"):
		p, err := e.svc.AddProceeding(context.Background(), e.caseworkerOf(org), e.caseIn(t, org).ID,
			alliance.Proceeding{Kind: "labour", Role: "claimant", Authority: "District labour court", Status: "open"})
		if err != nil {
			t.Fatal(err)
		}
		id = itoa(p.ID)
	case strings.Contains(pattern, "/webhooks/{id}"):
		w, err := e.svc.CreateWebhook(context.Background(), e.adminOf(org), "https://hooks.example.org/alliance", []string{alliance.EventCaseCreated})
		if err != nil {
			t.Fatal(err)
		}
		id = itoa(w.ID)
	case strings.Contains(pattern, "/support-plans/{id}"):
		k := e.caseIn(t, org)
		p, err := e.svc.CreateSupportPlan(context.Background(), e.caseworkerOf(org), k.ID, alliance.SupportPlan{Type: "Legal", Objectives: "claim unpaid wages"})
		if err != nil {
			t.Fatal(err)
		}
		id = itoa(p.ID)
	case strings.Contains(pattern, "/referrals/{id}"):
		id = itoa(e.referral(t, 1-org, org).ID) // own: received by the actor's organisation
	case strings.Contains(pattern, "/screenings/{id}"), strings.Contains(pattern, "/assessments/{id}"):
		// A fresh screening each time: completing one closes it to the next role.
		id = strconv.FormatInt(e.screening(t, org).ID, 10)
	case strings.Contains(pattern, "/tokens/{id}"):
		owner := e.users[actor]
		if org == 1 {
			owner = e.users["target@1"]
		}
		tok, err := e.svc.CreateAPIToken(context.Background(), app.System(), owner, "test", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		id = strconv.FormatInt(tok.ID, 10)
	}
	return strings.Replace(strings.Replace(pattern, "{id}", id, 1), "{$}", "", 1)
}

func (e *testEnv) formBody(pattern, uniq string) url.Values {
	switch pattern {
	case "/account/password":
		return url.Values{"current": {testPassword}, "next": {testPassword}, "confirm": {testPassword}}
	case "/account/language":
		return url.Values{"language": {"en"}}
	case "/account/tokens":
		return url.Values{"name": {"t" + uniq}, "days": {"30"}}
	case "/organisations", "/organisations/{id}":
		return url.Values{"name": {"Org " + uniq}, "type": {"ngo"}, "country": {"FR"}, "languages": {"fr, en"}}
	case "/organisations/{id}/users":
		return url.Values{"email": {"u" + uniq + "@example.org"}, "name": {"New"}, "role": {"viewer"}, "password": {testPassword}}
	case "/users/{id}":
		return url.Values{"name": {"target"}, "role": {"viewer"}}
	case "/screenings":
		return url.Values{"worker_lang": {"ar"}}
	case "/cases", "/cases/{id}/edit":
		return url.Values{"reference": {"F" + uniq}, "given_name": {"Ana"}, "family_name": {"Rusu"}, "birth_date": {"1999"}, "confirm_new": {"on"}, "revision": {"1"}}
	case "/watchlist/hits/{id}":
		return url.Values{"status": {"dismissed"}, "reason": {"another company"}, "revision": {"1"}}
	case "/linkage":
		return url.Values{"name": {"round " + uniq}, "orgs": {itoa(e.orgs[0].ID), itoa(e.orgs[1].ID)}}
	case "/watchlist":
		return url.Values{"name": {"Zarvelin Textile"}, "country": {"TR"}}
	case "/webhooks":
		return url.Values{"url": {"https://hooks.example.org/" + uniq}, "events": {alliance.EventCaseCreated, alliance.EventReferralSent}}
	case "/cases/{id}/residence":
		return url.Values{"status": {"applied"}, "permit_type": {"victim_cooperation"}, "valid_from": {"2026-11-01"}}
	case "/cases/{id}/proceedings":
		return url.Values{"kind": {"criminal"}, "role": {"victim"}, "authority": {"Regional court"}, "status": {"open"}}
	case "/cases/{id}/decisions":
		return url.Values{"kind": {"reasonable_grounds"}, "outcome": {"positive"}, "decided_by": {itoa(e.orgs[0].ID)}, "decided_on": {"2026-11-01"}}
	case "/cases/{id}/reflection":
		return url.Values{"days": {"14"}, "reason": {"medical treatment continues"}}
	case "/cases/{id}/comments":
		return url.Values{"text": {"called the shelter"}}
	case "/cases/{id}/support":
		return url.Values{"type": {"Health"}, "objectives": {"see a doctor this week"}}
	case "/cases/{id}/stage":
		return url.Values{"to": {"assistance"}, "reason": {"a place in the shelter"}}
	case "/cases/{id}/consents":
		return url.Values{"services": {"on"}, "method": {"signed"}, "language": {"ro"}, "share." + itoa(e.orgs[1].ID): {"identity", "context"}}
	case "/cases/{id}/referrals":
		return url.Values{"to_org": {itoa(e.orgs[1].ID)}, "reason": {"Other"}, "urgency": {"urgent"}, "groups": {"identity"},
			"override": {"the person is in danger tonight and cannot sign yet"}}
	case "/referrals/{id}/answer":
		return url.Values{"answer": {"accept"}}
	case "/screenings/{id}":
		return url.Values{"stage": {"recruitment"}, "q.rec.debt": {"yes"}, "go": {"journey"}}
	}
	return url.Values{}
}

func (e *testEnv) apiBody(route, uniq string) string {
	switch route {
	case "POST /api/v1/organisations", "PUT /api/v1/organisations/{id}":
		return `{"name":"Org ` + uniq + `","type":"ngo","country":"FR","languages":["fr"]}`
	case "POST /api/v1/organisations/{id}/users":
		return `{"email":"a` + uniq + `@example.org","role":"viewer","password":"` + testPassword + `"}`
	case "POST /api/v1/cases/{id}/residence":
		return `{"status":"granted","permit_type":"personal_situation","valid_from":"2026-11-01","valid_until":"2027-10-31"}`
	case "POST /api/v1/cases/{id}/proceedings":
		return `{"kind":"civil","role":"claimant","authority":"City court","status":"planned"}`
	case "PUT /api/v1/proceedings/{id}":
		return `{"kind":"labour","role":"claimant","authority":"District labour court","status":"closed","closed_on":"2026-11-20","outcome":"wages awarded","revision":1}`
	case "POST /api/v1/watchlist/hits/{id}/review":
		return `{"status":"confirmed","reason":"same registration number","revision":1}`
	case "POST /api/v1/linkage/rounds":
		return `{"name":"round ` + uniq + `","orgs":[` + itoa(e.orgs[0].ID) + `,` + itoa(e.orgs[1].ID) + `]}`
	case "POST /api/v1/watchlist/screen":
		return `{"names":[{"id":"s1","name":"Bramkovskij Agrokompleks"}]}`
	case "POST /api/v1/webhooks":
		return `{"url":"https://hooks.example.org/` + uniq + `","events":["referral.answered"]}`
	case "PATCH /api/v1/users/{id}":
		return `{"name":"target"}`
	case "POST /api/v1/assessments":
		return `{"worker_lang":"ar","answers":{"questions":{"rec.debt":"yes"}}}`
	case "PATCH /api/v1/assessments/{id}":
		return `{"answers":{"questions":{"rec.debt":"no"}},"age":30}`
	case "POST /api/v1/cases":
		return `{"reference":"R` + uniq + `","person":{"given_name":"Олена","family_name":"Ткаченко"}}`
	case "PUT /api/v1/cases/{id}":
		return `{"revision":1,"person":{"given_name":"Olena","family_name":"Tkachenko"},"context":{"industry":"A"}}`
	case "POST /api/v1/cases/{id}/stage":
		return `{"to":"assistance","reason":"shelter place found"}`
	case "POST /api/v1/cases/{id}/consents":
		return `{"services":true,"method":"signed","language":"uk","shares":[]}`
	case "POST /api/v1/cases/{id}/referrals":
		return `{"to_org":` + itoa(e.orgs[1].ID) + `,"reason":"AdditionalServicesRequired","urgency":"urgent","groups":["identity"],"override":"a child is at risk tonight and cannot wait"}`
	case "POST /api/v1/cases/{id}/decisions":
		return `{"kind":"conclusive_grounds","outcome":"negative","decided_by":` + itoa(e.orgs[0].ID) + `,"decided_on":"2026-11-02"}`
	case "POST /api/v1/cases/{id}/reflection/extensions":
		return `{"days":10,"reason":"the person asked for more time"}`
	case "POST /api/v1/cases/duplicates":
		return `{"person":{"given_name":"Mihai","family_name":"Popescu"}}`
	case "POST /api/v1/cases/{id}/events":
		return `{"type":"Recruitment","date":"2025-06","country":"MD","city":"Chișinău","description":"answered an advert"}`
	case "POST /api/v1/cases/{id}/perpetrators":
		return `{"kind":"organisation","name":"Synthetic Agency SRL","roles":["RecruiterOrIntermediary"]}`
	case "POST /api/v1/cases/{id}/comments":
		return `{"text":"called the shelter"}`
	case "POST /api/v1/cases/{id}/support-plans":
		return `{"type":"Livelihood","objectives":"find lawful work"}`
	case "PUT /api/v1/support-plans/{id}":
		return `{"revision":1,"type":"Legal","objectives":"claim unpaid wages","actual_end":"2026-12-01"}`
	case "POST /api/v1/cases/{id}/erase":
		return `{"reason":"request"}`
	case "POST /api/v1/referrals/{id}/answer":
		return `{"accept":true}`
	case "POST /api/v1/tokens":
		return `{"name":"t` + uniq + `","days":7}`
	}
	return ""
}

// screening starts an empty screening in organisation org, as its caseworker.
func (e *testEnv) screening(t testing.TB, org int) *app.Screening {
	t.Helper()
	u := e.users[fmt.Sprintf("caseworker@%d", org)]
	c := app.Caller{Actor: alliance.Actor{UserID: u.ID, OrgID: u.OrgID, Role: u.Role, SecondFactor: true}, RemoteAddr: "test"}
	sc, err := e.svc.StartAssessment(context.Background(), c, "en", app.AssessmentUpdate{})
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// caseworkerOf is the caller of organisation org's caseworker.
func (e *testEnv) caseworkerOf(org int) app.Caller {
	u := e.users[fmt.Sprintf("caseworker@%d", org)]
	return app.Caller{Actor: alliance.Actor{UserID: u.ID, OrgID: u.OrgID, Role: u.Role, SecondFactor: true}, RemoteAddr: "test"}
}

func (e *testEnv) adminOf(org int) app.Caller {
	u := e.users[fmt.Sprintf("admin@%d", org)]
	return app.Caller{Actor: alliance.Actor{UserID: u.ID, OrgID: u.OrgID, Role: u.Role, SecondFactor: true}, RemoteAddr: "test"}
}

// caseIn opens a case in organisation org, as its caseworker.
func (e *testEnv) caseIn(t testing.TB, org int) *alliance.Case {
	t.Helper()
	k, err := e.svc.CreateCase(context.Background(), e.caseworkerOf(org), alliance.Case{
		Person: alliance.Person{GivenName: "Mihai", FamilyName: "Popescu", BirthDate: "1990"}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// decidedCase opens a case in organisation org with a positive
// reasonable-grounds decision, which starts its reflection period.
func (e *testEnv) decidedCase(t testing.TB, org int) *alliance.Case {
	t.Helper()
	k := e.caseIn(t, org)
	_, err := e.svc.RecordDecision(context.Background(), e.caseworkerOf(org), k.ID, alliance.GroundsDecision{
		Kind: alliance.DecisionReasonableGrounds, Outcome: alliance.OutcomePositive, DecidedBy: e.orgs[org].ID, DecidedOn: "2026-11-01"})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// consent records a consent on case id of organisation org.
func (e *testEnv) consent(t testing.TB, org int, id int64) *alliance.Consent {
	t.Helper()
	c, err := e.svc.RecordConsent(context.Background(), e.caseworkerOf(org), id, alliance.Consent{Services: true, Method: alliance.ConsentSigned, Language: "ro"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// referral refers a new case of organisation from to organisation to, under
// an override, and leaves it pending.
func (e *testEnv) referral(t testing.TB, from, to int) *alliance.Referral {
	t.Helper()
	k := e.caseIn(t, from)
	r, err := e.svc.Refer(context.Background(), e.caseworkerOf(from), k.ID, alliance.Referral{ToOrg: e.orgs[to].ID,
		Reason: "AdditionalServicesRequired", Urgency: "urgent", Groups: []string{alliance.GroupIdentity},
		Override: "the person is in danger tonight and consent cannot be recorded yet"})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// referredReads are the routes through which an organisation that received
// a referral reads a case of another, while the person's consent shares
// parts of it (identity and decisions, in TestAuthorisationReferred).
var referredReads = map[string]map[alliance.Role]bool{
	"GET /cases/{id}":                  orgReaders,
	"GET /api/v1/cases/{id}":           orgReaders,
	"GET /api/v1/cases/{id}/decisions": orgReaders,
}

// TestAuthorisationReferred walks every route about one case × role, for a
// case of another organisation referred to the actor's, once while the
// person's consent shares parts of it and once after it was withdrawn: only
// the reads in referredReads are allowed, and only under consent.
func TestAuthorisationReferred(t *testing.T) {
	e := newTestEnv(t, testConfig())
	for _, rt := range e.srv.routes {
		if rt.access != signedIn || !strings.Contains(rt.pattern, "/cases/{id}") {
			continue
		}
		key := rt.method + " " + rt.pattern
		for _, withdrawn := range []bool{false, true} {
			for _, role := range actorRoles {
				allowed := !withdrawn && referredReads[key][role]
				t.Run(fmt.Sprintf("%s/%s/withdrawn=%v", key, role, withdrawn), func(t *testing.T) {
					k := e.referredCase(t, withdrawn)
					path := strings.NewReplacer("{id}", itoa(k.ID), "{cid}", "1").Replace(rt.pattern)
					status := e.exerciseAt(t, rt, string(role)+"@0", path)
					okStatus := status == 200 || status == 201 || status == 202 || status == 204 || status == 303
					if allowed && !okStatus {
						t.Errorf("status %d, want success", status)
					}
					if !allowed && status != 403 {
						t.Errorf("status %d, want 403", status)
					}
				})
			}
		}
	}
}

// referredCase opens a case in organisation 1, with a consent that shares
// identity and decisions with organisation 0, refers it there and has it
// accepted; withdrawn then withdraws the consent.
func (e *testEnv) referredCase(t testing.TB, withdrawn bool) *alliance.Case {
	t.Helper()
	k := e.caseIn(t, 1)
	con := e.shareWith(t, k, alliance.GroupIdentity, alliance.GroupDecisions)
	if withdrawn {
		if err := e.svc.WithdrawConsent(context.Background(), e.caseworkerOf(1), k.ID, con.ID); err != nil {
			t.Fatal(err)
		}
	}
	return k
}

// exerciseAt sends a valid request for route rt to path as actor.
func (e *testEnv) exerciseAt(t *testing.T, rt route, actor, path string) int {
	t.Helper()
	s := e.session(actor)
	uniq := strconv.FormatInt(time.Now().UnixNano(), 36)
	if !isUnsafe(rt.method) {
		return e.do(rt.method, path, s.cookie, "", "").Code
	}
	if uploadRoutes[rt.method+" "+rt.pattern] {
		return e.uploadAt(t, rt, s, path, uploadContent(rt, uniq)).Code
	}
	if rt.api {
		return e.do(rt.method, path, s.cookie, "application/json", e.apiBody(rt.method+" "+rt.pattern, uniq), "X-CSRF-Token", s.csrf).Code
	}
	return e.form(path, s.cookie, s.csrf, e.formBody(rt.pattern, uniq)).Code
}

// uploadContent is a valid file for an upload route.
func uploadContent(rt route, uniq string) string {
	if strings.HasSuffix(rt.pattern, "/documents") {
		return "A payslip for March, written out by hand.\n"
	}
	if rt.pattern == "/watchlist" {
		return "id,name,country\nq1,Zarvelin Textile,TR\n"
	}
	if strings.HasSuffix(rt.pattern, "/watchlist/lists") {
		return "id,name,aliases,country,type\nl1,Synthetic Listed Co " + uniq + ",,GB,company\n"
	}
	return "prs_FirstName,cas_CaseId\nAna,I" + uniq + "\n"
}
