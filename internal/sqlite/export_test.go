package sqlite

import "database/sql"

// ReaderDB exposes the read-only pool to the tests.
func ReaderDB(s *Store) *sql.DB { return s.readDB }

// AuditQuery exposes the audit query builder, so that tests can check its plan.
var AuditQuery = auditQuery

// AssessmentsQuery exposes the assessment list query builder, so that tests can
// check its plan.
var AssessmentsQuery = assessmentsQuery

// CasesQuery and ReferralsQuery expose the list query builders of cases and
// referrals, so that tests can check their plans.
var (
	CasesQuery     = casesQuery
	ReferralsQuery = referralsQuery
)
