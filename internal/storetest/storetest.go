// Package storetest holds the conformance suite that every alliance.Store passes,
// run by the tests of internal/sqlite and internal/postgres against real
// databases, and a small real FieldCipher (Keys) for it.
package storetest

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"alliance"
)

// Opener opens a store on a new, empty database and closes it in t.Cleanup.
type Opener func(t *testing.T) alliance.Store

// RawDBer is implemented by stores that expose their connection pool, which the
// suite uses to look at the rows as they are stored.
type RawDBer interface{ RawDB() *sql.DB }

// Run runs the conformance suite. Each subtest runs in parallel on its own store
// from open, which must return a store on a new, empty database that implements
// RawDBer; the suite applies the migrations and installs the keys itself. Raw
// queries use $1-style parameters, which both SQLite and PostgreSQL accept.
func Run(t *testing.T, open func(t *testing.T) alliance.Store) {
	tests := []struct {
		name   string
		fn     func(*testing.T, *env)
		noKeys bool // run without UseKeys
	}{
		{"MigrateTwice", testMigrateTwice, false},
		{"Ping", testPing, false},
		{"Organisations", testOrganisations, false},
		{"OrganisationConflicts", testOrganisationConflicts, false},
		{"Users", testUsers, false},
		{"UserUpdate", testUserUpdate, false},
		{"UserConflicts", testUserConflicts, false},
		{"UserEncryptedAtRest", testUserEncryptedAtRest, false},
		{"ReadsInsideUpdate", testReadsInsideUpdate, false},
		{"TOTPStepCheckAndSet", testTOTPStepCheckAndSet, false},
		{"NotFound", testNotFound, false},
		{"Sessions", testSessions, false},
		{"ExpiredSessions", testExpiredSessions, false},
		{"CascadeOnUserDelete", testCascade, false},
		{"APITokens", testAPITokens, false},
		{"RecoveryCodes", testRecoveryCodes, false},
		{"AuditAppend", testAuditAppend, false},
		{"AuditConcurrent", testAuditConcurrent, false},
		{"AuditFilters", testAuditFilters, false},
		{"AuditLimitsAndScan", testAuditLimits, false},
		{"AuditAppendOnly", testAuditAppendOnly, false},
		{"UpdateRollsBack", testUpdateRollsBack, false},
		{"UpdatePanics", testUpdatePanics, false},
		{"Reencrypt", testReencrypt, false},
		{"ReencryptKeepsConcurrentChange", testReencryptKeepsConcurrentChange, false},
		{"Assessments", testAssessments, false},
		{"AssessmentEncryptedAtRest", testAssessmentEncryptedAtRest, false},
		{"AssessmentList", testAssessmentList, false},
		{"AssessmentListLimits", testAssessmentListLimits, false},
		{"AssessmentUpdate", testAssessmentUpdate, false},
		{"AssessmentConcurrentSaves", testAssessmentConcurrentSaves, false},
		{"AssessmentInvalid", testAssessmentInvalid, false},
		{"ReencryptAssessments", testReencryptAssessments, false},
		{"ReencryptKeepsAssessmentChange", testReencryptKeepsAssessmentChange, false},
		{"Cases", testCases, false},
		{"CaseEncryptedAtRest", testCaseEncryptedAtRest, false},
		{"CaseReference", testCaseReference, false},
		{"CaseInvalid", testCaseInvalid, false},
		{"CaseList", testCaseList, false},
		{"CaseHTCDSStatus", testCaseHTCDSStatus, false},
		{"CasePaging", testCasePaging, false},
		{"CaseListLimits", testCaseListLimits, false},
		{"CaseUpdate", testCaseUpdate, false},
		{"CaseConcurrentUpdates", testCaseConcurrentUpdates, false},
		{"Transitions", testTransitions, false},
		{"Consents", testConsents, false},
		{"Referrals", testReferrals, false},
		{"ReferralListLimits", testReferralListLimits, false},
		{"ReferralUpdate", testReferralUpdate, false},
		{"ReencryptCases", testReencryptCases, false},
		{"ReencryptKeepsCaseChange", testReencryptKeepsCaseChange, false},
		{"Decisions", testDecisions, false},
		{"DecisionInvalid", testDecisionInvalid, false},
		{"DecisionEncryptedAtRest", testDecisionEncryptedAtRest, false},
		{"ReflectionStarts", testReflectionStarts, false},
		{"NameTokens", testNameTokens, false},
		{"NameTokenLimits", testNameTokenLimits, false},
		{"ReencryptDecisions", testReencryptDecisions, false},
		{"OrganisationRetention", testOrganisationRetention, false},
		{"CaseErasedAt", testCaseErasedAt, false},
		{"EraseCaseText", testEraseCaseText, false},
		{"CasesToErase", testCasesToErase, false},
		{"CasesToEraseLimits", testCasesToEraseLimits, false},
		{"Support", testSupport, false},
		{"SupportInvalid", testSupportInvalid, false},
		{"SupportEncryptedAtRest", testSupportEncryptedAtRest, false},
		{"SupportPlanUpdate", testSupportPlanUpdate, false},
		{"EraseSupportTexts", testEraseSupportTexts, false},
		{"ReencryptSupport", testReencryptSupport, false},
		{"Events", testEvents, false},
		{"EventsInvalid", testEventsInvalid, false},
		{"EventsEncryptedAtRest", testEventsEncryptedAtRest, false},
		{"EraseEventTexts", testEraseEventTexts, false},
		{"ReencryptEvents", testReencryptEvents, false},
		{"Webhooks", testWebhooks, false},
		{"WebhookInvalid", testWebhookInvalid, false},
		{"WebhookEncryptedAtRest", testWebhookEncryptedAtRest, false},
		{"EnqueueDeliveries", testEnqueueDeliveries, false},
		{"DueDeliveries", testDueDeliveries, false},
		{"DueDeliveriesFair", testDueDeliveriesFair, false},
		{"PurgeDeliveries", testPurgeDeliveries, false},
		{"UpdateDelivery", testUpdateDelivery, false},
		{"ReencryptWebhooks", testReencryptWebhooks, false},
		{"Legal", testLegal, false},
		{"LegalInvalid", testLegalInvalid, false},
		{"LegalEncryptedAtRest", testLegalEncryptedAtRest, false},
		{"ProceedingUpdate", testProceedingUpdate, false},
		{"EraseLegalTexts", testEraseLegalTexts, false},
		{"ReencryptLegal", testReencryptLegal, false},
		{"Documents", testDocuments, false},
		{"DocumentDelete", testDocumentDelete, false},
		{"DocumentsInvalid", testDocumentsInvalid, false},
		{"DocumentsEncryptedAtRest", testDocumentsEncryptedAtRest, false},
		{"EraseDocuments", testEraseDocuments, false},
		{"ReencryptDocuments", testReencryptDocuments, false},
		{"LinkageRounds", testLinkageRounds, false},
		{"LinkageRoundUpdate", testLinkageRoundUpdate, false},
		{"LinkageSubmissions", testLinkageSubmissions, false},
		{"LinkageMatches", testLinkageMatches, false},
		{"LinkageInvalid", testLinkageInvalid, false},
		{"LinkageManyMatches", testLinkageManyMatches, false},
		{"WatchLists", testWatchLists, false},
		{"WatchListByServer", testWatchListByServer, false},
		{"WatchChecks", testWatchChecks, false},
		{"WatchNamesPaging", testWatchNamesPaging, false},
		{"WatchHits", testWatchHits, false},
		{"WatchHitReview", testWatchHitReview, false},
		{"WatchEncryptedAtRest", testWatchEncryptedAtRest, false},
		{"WatchManyNames", testWatchManyNames, false},
		{"DataKeysWithoutUseKeys", testDataKeys, true},
		{"NoKeys", testNoKeys, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, setup(t, open, !tc.noKeys))
		})
	}
}

// env is one subtest's store and keys.
type env struct {
	t     *testing.T
	ctx   context.Context
	store alliance.Store
	keys  *Keys
	chain *alliance.AuditChainer
}

// setup opens and migrates a store, and installs keys when withKeys is set.
func setup(t *testing.T, open Opener, withKeys bool) *env {
	t.Helper()
	s := open(t)
	e := &env{t: t, ctx: t.Context(), store: s}
	if err := s.Migrate(e.ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	if withKeys {
		c, chain := TestKeys()
		e.keys, e.chain = c.(*Keys), chain
		s.UseKeys(c, chain)
	}
	return e
}

// update runs fn in a transaction and fails the test on error.
func (e *env) update(fn func(tx alliance.Tx) error) {
	e.t.Helper()
	if err := e.store.Update(e.ctx, fn); err != nil {
		e.t.Fatalf("Update: %v", err)
	}
}

// raw returns the store's connection pool.
func (e *env) raw() *sql.DB {
	e.t.Helper()
	r, ok := e.store.(RawDBer)
	if !ok {
		e.t.Fatalf("%T does not implement RawDB() *sql.DB", e.store)
	}
	return r.RawDB()
}

// base is a fixed time with microseconds, the precision the stores keep.
var base = time.Date(2025, 3, 1, 9, 30, 0, 123456000, time.UTC)

func (e *env) org(name string) *alliance.Organisation {
	e.t.Helper()
	o := &alliance.Organisation{Name: name, Type: alliance.OrgNGO, Country: "RO", Languages: []string{"ro", "en"}}
	e.update(func(tx alliance.Tx) error { return tx.CreateOrganisation(e.ctx, o) })
	return o
}

func (e *env) user(orgID int64, email string) *alliance.User {
	e.t.Helper()
	u := &alliance.User{OrgID: orgID, Email: email, Name: "Name of " + email, Role: alliance.RoleCaseworker,
		PasswordHash: "$argon2id$v=19$m=65536,t=1,p=4$c2FsdA$aGFzaA", CreatedAt: base}
	e.update(func(tx alliance.Tx) error { return tx.CreateUser(e.ctx, u) })
	return u
}

// wantCode fails the test unless err has code, and field when field is not "".
func wantCode(t *testing.T, what string, err error, code alliance.Code, field string) {
	t.Helper()
	if got := alliance.ErrorCode(err); got != code {
		t.Errorf("%s: error %v has code %q, want %q", what, err, got, code)
		return
	}
	var ae *alliance.Error
	if field != "" && (!errors.As(err, &ae) || ae.Field != field) {
		t.Errorf("%s: error %v has field %q, want %q", what, err, fieldOf(ae), field)
	}
}

func fieldOf(e *alliance.Error) string {
	if e == nil {
		return ""
	}
	return e.Field
}

func count(t *testing.T, db *sql.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}
