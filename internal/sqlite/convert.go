package sqlite

import (
	"database/sql"
	"errors"
	"strings"
	"time"

	"alliance"
	"alliance/internal/sqlstore"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Times are stored as INTEGER unix microseconds, UTC: the audit chain hashes
// UnixMicro, so a round trip must be exact.

func micro(t time.Time) int64 { return t.UnixMicro() }

func fromMicro(v int64) time.Time { return time.UnixMicro(v).UTC() }

// nullMicro stores the zero time as NULL.
func nullMicro(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

func ptrMicro(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMicro()
}

func timeOrZero(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMicro(v.Int64)
}

func timePtr(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMicro(v.Int64)
	return &t
}

// uniqueFields maps the column SQLite names in a unique-constraint error to the
// input field and the message shown to the user.
var uniqueFields = map[string][2]string{
	"organisations.name_key": {"name", "an organisation with this name already exists"},
	"users.email_index":      {"email", "a user with this email already exists"},
	"sessions.token_hash":    {"token", "a session with this token already exists"},
	"api_tokens.hash":        {"token", "an API token with this secret already exists"},
	"recovery_codes.user_id": {"code", "the recovery codes must differ from each other"},
	"data_keys.active":       {"key", "another data key is already active"},
	// sqlstore.ReferenceUsed names the reference in the message.
	"cases.org_id, cases.reference": {"reference", "another case of the organisation has this reference"},
}

// translate turns a driver error into the alliance vocabulary. onRef, when not
// nil, describes a broken foreign key: SQLite does not say which one failed, so
// the caller, which knows what its statement refers to, supplies it.
func translate(err error, onRef *alliance.Error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return alliance.ErrNotFound
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return conflict(err, se.Error())
	case sqlite3.SQLITE_CONSTRAINT_CHECK:
		return invalidCheck(err, se.Error())
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		if onRef == nil {
			onRef = &alliance.Error{Message: "refers to a record that does not exist"}
		}
		return &alliance.Error{Code: alliance.CodeInvalid, Field: onRef.Field, Message: onRef.Message, Err: err}
	}
	return err
}

func conflict(err error, msg string) error {
	for col, fm := range uniqueFields {
		if strings.Contains(msg, "failed: "+col) {
			return &alliance.Error{Code: alliance.CodeConflict, Field: fm[0], Message: fm[1], Err: err}
		}
	}
	return &alliance.Error{Code: alliance.CodeConflict, Message: "the record already exists", Err: err}
}

// checkFields maps the name of a CHECK constraint to the input field it
// guards and the message shown to the user.
var checkFields = map[string][2]string{
	"assessments_status_check":          {"status", `the status must be "open" or "completed"`},
	"cases_stage_check":                 {"stage", "the stage must be one of " + sqlstore.StageNames()},
	"case_transitions_from_check":       {"from", "the stage must be one of " + sqlstore.StageNames()},
	"case_transitions_to_check":         {"to", "the stage must be one of " + sqlstore.StageNames()},
	"consents_method_check":             {"method", `the method must be "signed", "verbal" or "interpreter"`},
	"referrals_status_check":            {"status", `the status must be "pending", "accepted", "declined" or "cancelled"`},
	"decisions_kind_check":              {"kind", `the kind must be "reasonable_grounds" or "conclusive_grounds"`},
	"decisions_outcome_check":           {"outcome", `the outcome must be "positive" or "negative"`},
	"decisions_decided_on_check":        {"decided_on", "give the date as YYYY-MM-DD"},
	"reflection_extensions_days_check":  {"days", "give 1 to 365 days"},
	"support_plans_type_check":          {"type", sqlstore.SupportTypeMessage},
	"support_plans_planned_end_check":   {"planned_end", "give the date as YYYY-MM-DD"},
	"support_plans_actual_end_check":    {"actual_end", "give the date as YYYY-MM-DD"},
	"case_events_type_check":            {"type", sqlstore.EventTypeMessage},
	"perpetrators_kind_check":           {"kind", sqlstore.PerpetratorKindMessage},
	"webhook_deliveries_attempts_check": {"attempts", "give a number of attempts of 0 or more"},
	"residence_status_check":            {"status", sqlstore.ResidenceStatusMessage},
	"residence_permit_type_check":       {"permit_type", sqlstore.PermitTypeMessage},
	"residence_valid_from_check":        {"valid_from", "give the date as YYYY-MM-DD"},
	"residence_valid_until_check":       {"valid_until", "give the date as YYYY-MM-DD"},
	"proceedings_kind_check":            {"kind", sqlstore.ProceedingKindMessage},
	"proceedings_role_check":            {"role", sqlstore.ProceedingRoleMessage},
	"proceedings_status_check":          {"status", sqlstore.ProceedingStatusMessage},
	"proceedings_opened_on_check":       {"opened_on", "give the date as YYYY-MM-DD"},
	"proceedings_closed_on_check":       {"closed_on", "give the date as YYYY-MM-DD"},
	"documents_kind_check":              {"kind", sqlstore.DocumentKindMessage},
	"linkage_rounds_status_check":       {"status", sqlstore.RoundStatusMessage},
	"linkage_rounds_progress_check":     {"progress", "give a progress from 0 to 100 percent"},
	"linkage_rounds_counts_check":       {"records", "give counts of records and people of 0 or more"},
	"linkage_submissions_records_check": {"records", "give a number of records of 0 or more"},
	"watch_lists_entities_check":        {"entities", "give a number of entities of 0 or more"},
	"watch_hits_status_check":           {"status", sqlstore.WatchHitStatusMessage},
	// The message is that of alliance.Organisation.Validate.
	"organisations_retention_days_check": {"retention_days", "give a number of days from 0 (keep until erased by hand) to 36500"},
}

func invalidCheck(err error, msg string) error {
	for name, fm := range checkFields {
		if strings.Contains(msg, "failed: "+name) {
			return &alliance.Error{Code: alliance.CodeInvalid, Field: fm[0], Message: fm[1], Err: err}
		}
	}
	return err
}

// isForeignKey reports whether err is a broken foreign key.
func isForeignKey(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

// The foreign keys a statement can break.
var (
	refOrganisation = &alliance.Error{Field: "organisation", Message: "no such organisation"}
	refUser         = &alliance.Error{Field: "user", Message: "no such user"}
	refCase         = &alliance.Error{Field: "case", Message: "no such case"}
	refAssignee     = &alliance.Error{Field: "assigned_to", Message: "no such user"}
	refDecidedBy    = &alliance.Error{Field: "status_decided_by", Message: "no such organisation"}
	refFromOrg      = &alliance.Error{Field: "from_org", Message: "no such organisation"}
	refToOrg        = &alliance.Error{Field: "to_org", Message: "no such organisation"}
	refDecisionBy   = &alliance.Error{Field: "decided_by", Message: "no such organisation"}
)
