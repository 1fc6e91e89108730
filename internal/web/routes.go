package web

import "net/http"

// access says who may reach a route.
type access int

const (
	public   access = iota // anyone
	optional               // anyone; a signed-in user is recognised (for the navigation)
	pending                // a session that passed the password, maybe not yet the second factor
	signedIn               // a session that passed every factor, or an API token
)

// handler serves one route; a returned error becomes the error page or the JSON
// error shape, with the status of its code.
type handler func(w http.ResponseWriter, r *http.Request) error

// route is one entry of the routing table.
type route struct {
	method  string
	pattern string
	access  access
	api     bool // JSON in and out; authenticated by session (with CSRF header) or token
	h       handler
}

// routeTable lists every route of the server. Tests walk it: every route is
// covered by the authorisation table, and every API route by the OpenAPI document.
func (s *Server) routeTable() []route {
	return []route{
		{"GET", "/healthz", public, false, s.healthz},
		{"GET", "/metrics", public, false, s.metricsPage},
		{"GET", "/static/{file}", public, false, s.static},

		{"GET", "/login", public, false, s.loginForm},
		{"POST", "/login", public, false, s.login},
		{"GET", "/login/2fa", pending, false, s.secondFactorForm},
		{"POST", "/login/2fa", pending, false, s.secondFactor},
		{"GET", "/account/2fa", pending, false, s.enrolForm},
		{"POST", "/account/2fa", pending, false, s.enrol},
		{"POST", "/logout", pending, false, s.logout},

		{"GET", "/{$}", signedIn, false, s.home},
		{"GET", "/account", signedIn, false, s.account},
		{"POST", "/account/password", signedIn, false, s.changePassword},
		{"POST", "/account/language", signedIn, false, s.setLanguage},
		{"POST", "/account/logout-everywhere", signedIn, false, s.logoutEverywhere},
		{"POST", "/account/tokens", signedIn, false, s.createToken},
		{"POST", "/account/tokens/{id}/revoke", signedIn, false, s.revokeToken},
		{"GET", "/organisations", signedIn, false, s.orgList},
		{"POST", "/organisations", signedIn, false, s.orgCreate},
		{"GET", "/organisations/{id}", signedIn, false, s.orgShow},
		{"POST", "/organisations/{id}", signedIn, false, s.orgUpdate},
		{"POST", "/organisations/{id}/users", signedIn, false, s.userCreate},
		{"GET", "/users/{id}", signedIn, false, s.userShow},
		{"POST", "/users/{id}", signedIn, false, s.userUpdate},
		{"POST", "/users/{id}/reset-2fa", signedIn, false, s.userReset2FA},
		{"GET", "/audit", signedIn, false, s.auditPage},
		{"GET", "/screenings", signedIn, false, s.screenings},
		{"POST", "/screenings", signedIn, false, s.screeningStart},
		{"GET", "/screenings/{id}", signedIn, false, s.screening},
		{"POST", "/screenings/{id}", signedIn, false, s.screeningSave},
		{"GET", "/screenings/{id}/result", signedIn, false, s.screeningResult},
		{"POST", "/screenings/{id}/complete", signedIn, false, s.screeningComplete},
		{"GET", "/cases", signedIn, false, s.casesPage},
		{"GET", "/cases/new", signedIn, false, s.caseNew},
		{"POST", "/cases", signedIn, false, s.caseCreate},
		{"GET", "/cases/import", signedIn, false, s.caseImportForm},
		{"POST", "/cases/import", signedIn, false, s.caseImport},
		{"GET", "/cases/{id}", signedIn, false, s.casePage},
		{"GET", "/cases/{id}/edit", signedIn, false, s.caseEdit},
		{"POST", "/cases/{id}/edit", signedIn, false, s.caseSave},
		{"POST", "/cases/{id}/stage", signedIn, false, s.caseStage},
		{"POST", "/cases/{id}/consents", signedIn, false, s.caseConsent},
		{"POST", "/cases/{id}/consents/{cid}/withdraw", signedIn, false, s.caseConsentWithdraw},
		{"GET", "/cases/{id}/consent-form", signedIn, false, s.consentForm},
		{"POST", "/cases/{id}/referrals", signedIn, false, s.caseRefer},
		{"POST", "/cases/{id}/decisions", signedIn, false, s.caseDecision},
		{"POST", "/cases/{id}/reflection", signedIn, false, s.caseExtend},
		{"GET", "/cases/{id}/export", signedIn, false, s.caseExport},
		{"POST", "/cases/{id}/comments", signedIn, false, s.caseComment},
		{"POST", "/cases/{id}/support", signedIn, false, s.caseSupport},
		{"POST", "/cases/{id}/erase", signedIn, false, s.caseErase},
		{"POST", "/cases/{id}/documents", signedIn, false, s.caseDocument},
		{"POST", "/cases/{id}/residence", signedIn, false, s.caseResidence},
		{"POST", "/cases/{id}/proceedings", signedIn, false, s.caseProceeding},
		{"GET", "/documents/{id}", signedIn, false, s.documentDownload},
		{"POST", "/documents/{id}/delete", signedIn, false, s.documentDelete},
		{"GET", "/linkage", signedIn, false, s.linkageRoundsPage},
		{"POST", "/linkage", signedIn, false, s.linkageRoundStart},
		{"GET", "/linkage/{id}", signedIn, false, s.linkageRoundPage},
		{"GET", "/linkage/{id}/input", signedIn, false, s.linkageInput},
		{"POST", "/linkage/{id}/submission", signedIn, false, s.linkageSubmit},
		{"POST", "/linkage/{id}/match", signedIn, false, s.linkageMatch},
		{"GET", "/watchlist", signedIn, false, s.watchListPage},
		{"POST", "/watchlist", signedIn, false, s.watchListScreen},
		{"POST", "/watchlist/lists", signedIn, false, s.watchListLoad},
		{"GET", "/watchlist/checks/{id}", signedIn, false, s.watchCheckPage},
		{"POST", "/watchlist/hits/{id}", signedIn, false, s.watchHitReview},
		{"GET", "/webhooks", signedIn, false, s.webhooksPage},
		{"POST", "/webhooks", signedIn, false, s.webhookCreate},
		{"POST", "/webhooks/{id}/disable", signedIn, false, s.webhookDisable},
		{"GET", "/referrals", signedIn, false, s.referralsPage},
		{"POST", "/referrals/{id}/answer", signedIn, false, s.referralAnswer},

		{"GET", "/api/v1/openapi.json", public, true, s.openAPI},
		{"GET", "/api/v1/me", signedIn, true, s.apiMe},
		{"GET", "/api/v1/organisations", signedIn, true, s.apiOrgList},
		{"POST", "/api/v1/organisations", signedIn, true, s.apiOrgCreate},
		{"GET", "/api/v1/organisations/{id}", signedIn, true, s.apiOrgShow},
		{"PUT", "/api/v1/organisations/{id}", signedIn, true, s.apiOrgUpdate},
		{"GET", "/api/v1/organisations/{id}/users", signedIn, true, s.apiUserList},
		{"POST", "/api/v1/organisations/{id}/users", signedIn, true, s.apiUserCreate},
		{"GET", "/api/v1/users/{id}", signedIn, true, s.apiUserShow},
		{"PATCH", "/api/v1/users/{id}", signedIn, true, s.apiUserUpdate},
		{"POST", "/api/v1/users/{id}/reset-2fa", signedIn, true, s.apiUserReset2FA},
		{"GET", "/api/v1/tokens", signedIn, true, s.apiTokenList},
		{"POST", "/api/v1/tokens", signedIn, true, s.apiTokenCreate},
		{"DELETE", "/api/v1/tokens/{id}", signedIn, true, s.apiTokenRevoke},
		{"GET", "/api/v1/audit", signedIn, true, s.apiAudit},
		{"GET", "/api/v1/catalogues", signedIn, true, s.apiCatalogues},
		{"GET", "/api/v1/questionnaire", signedIn, true, s.apiQuestionnaire},
		{"GET", "/api/v1/assessments", signedIn, true, s.apiAssessmentList},
		{"POST", "/api/v1/assessments", signedIn, true, s.apiAssessmentCreate},
		{"GET", "/api/v1/assessments/{id}", signedIn, true, s.apiAssessmentShow},
		{"PATCH", "/api/v1/assessments/{id}", signedIn, true, s.apiAssessmentUpdate},
		{"PUT", "/api/v1/assessments/{id}/case", signedIn, true, s.apiAssessmentAttach},
		{"GET", "/api/v1/cases", signedIn, true, s.apiCaseList},
		{"GET", "/api/v1/cases/export", signedIn, true, s.apiCaseExportAll},
		{"POST", "/api/v1/cases/import", signedIn, true, s.apiCaseImport},
		{"POST", "/api/v1/cases", signedIn, true, s.apiCaseCreate},
		{"GET", "/api/v1/cases/{id}", signedIn, true, s.apiCaseShow},
		{"PUT", "/api/v1/cases/{id}", signedIn, true, s.apiCaseUpdate},
		{"POST", "/api/v1/cases/{id}/stage", signedIn, true, s.apiCaseStage},
		{"GET", "/api/v1/cases/{id}/transitions", signedIn, true, s.apiCaseTransitions},
		{"GET", "/api/v1/cases/{id}/consents", signedIn, true, s.apiConsentList},
		{"POST", "/api/v1/cases/{id}/consents", signedIn, true, s.apiConsentCreate},
		{"POST", "/api/v1/cases/{id}/consents/{cid}/withdraw", signedIn, true, s.apiConsentWithdraw},
		{"POST", "/api/v1/cases/{id}/referrals", signedIn, true, s.apiReferralCreate},
		{"GET", "/api/v1/referrals", signedIn, true, s.apiReferralList},
		{"POST", "/api/v1/referrals/{id}/answer", signedIn, true, s.apiReferralAnswer},
		{"POST", "/api/v1/cases/{id}/decisions", signedIn, true, s.apiDecisionCreate},
		{"GET", "/api/v1/cases/{id}/decisions", signedIn, true, s.apiDecisionList},
		{"POST", "/api/v1/cases/{id}/reflection/extensions", signedIn, true, s.apiReflectionExtend},
		{"POST", "/api/v1/cases/duplicates", signedIn, true, s.apiCaseDuplicates},
		{"GET", "/api/v1/deadlines", signedIn, true, s.apiDeadlines},
		{"GET", "/api/v1/cases/{id}/export", signedIn, true, s.apiCaseExport},
		{"GET", "/api/v1/cases/{id}/comments", signedIn, true, s.apiCommentList},
		{"POST", "/api/v1/cases/{id}/comments", signedIn, true, s.apiCommentCreate},
		{"GET", "/api/v1/cases/{id}/support-plans", signedIn, true, s.apiSupportList},
		{"POST", "/api/v1/cases/{id}/support-plans", signedIn, true, s.apiSupportCreate},
		{"PUT", "/api/v1/support-plans/{id}", signedIn, true, s.apiSupportUpdate},
		{"GET", "/api/v1/cases/{id}/events", signedIn, true, s.apiEventList},
		{"POST", "/api/v1/cases/{id}/events", signedIn, true, s.apiEventCreate},
		{"POST", "/api/v1/cases/{id}/perpetrators", signedIn, true, s.apiPerpetratorCreate},
		{"POST", "/api/v1/cases/{id}/erase", signedIn, true, s.apiCaseErase},
		{"GET", "/api/v1/cases/{id}/legal", signedIn, true, s.apiResidenceList},
		{"POST", "/api/v1/cases/{id}/residence", signedIn, true, s.apiResidenceCreate},
		{"POST", "/api/v1/cases/{id}/proceedings", signedIn, true, s.apiProceedingCreate},
		{"PUT", "/api/v1/proceedings/{id}", signedIn, true, s.apiProceedingUpdate},
		{"GET", "/api/v1/cases/{id}/documents", signedIn, true, s.apiDocumentList},
		{"POST", "/api/v1/cases/{id}/documents", signedIn, true, s.apiDocumentCreate},
		{"GET", "/api/v1/documents/{id}", signedIn, true, s.documentDownload},
		{"DELETE", "/api/v1/documents/{id}", signedIn, true, s.apiDocumentDelete},
		{"POST", "/api/v1/watchlist/screen", signedIn, true, s.apiWatchListScreen},
		{"GET", "/api/v1/watchlist/lists", signedIn, true, s.apiWatchLists},
		{"POST", "/api/v1/watchlist/lists", signedIn, true, s.apiWatchListLoad},
		{"GET", "/api/v1/watchlist/checks", signedIn, true, s.apiWatchChecks},
		{"GET", "/api/v1/watchlist/checks/{id}", signedIn, true, s.apiWatchCheck},
		{"POST", "/api/v1/watchlist/hits/{id}/review", signedIn, true, s.apiWatchHitReview},
		{"GET", "/api/v1/linkage/rounds", signedIn, true, s.apiLinkageRounds},
		{"POST", "/api/v1/linkage/rounds", signedIn, true, s.apiLinkageStart},
		{"GET", "/api/v1/linkage/rounds/{id}", signedIn, true, s.apiLinkageRound},
		{"GET", "/api/v1/linkage/rounds/{id}/input", signedIn, true, s.linkageInput},
		{"PUT", "/api/v1/linkage/rounds/{id}/submission", signedIn, true, s.apiLinkageSubmit},
		{"POST", "/api/v1/linkage/rounds/{id}/match", signedIn, true, s.apiLinkageMatch},
		{"GET", "/api/v1/webhooks", signedIn, true, s.apiWebhookList},
		{"POST", "/api/v1/webhooks", signedIn, true, s.apiWebhookCreate},
		{"DELETE", "/api/v1/webhooks/{id}", signedIn, true, s.apiWebhookDisable},
	}
}
