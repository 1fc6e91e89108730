package postgres

import (
	"database/sql"
	"errors"
	"time"

	"alliance"
	"alliance/internal/sqlstore"

	"github.com/jackc/pgx/v5/pgconn"
)

// Times are stored as timestamptz, which keeps microseconds; they are read back
// in UTC.

func utc(t time.Time) time.Time { return t.UTC() }

// nullTime stores the zero time as NULL.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

func ptrTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

func timeOrZero(v sql.NullTime) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return v.Time.UTC()
}

func timePtr(v sql.NullTime) *time.Time {
	if !v.Valid {
		return nil
	}
	t := v.Time.UTC()
	return &t
}

// constraintFields maps a constraint name to the error it means for the user.
var constraintFields = map[string]*alliance.Error{
	"organisations_name_unique": {Code: alliance.CodeConflict, Field: "name", Message: "an organisation with this name already exists"},
	"users_email_unique":        {Code: alliance.CodeConflict, Field: "email", Message: "a user with this email already exists"},
	"sessions_token_unique":     {Code: alliance.CodeConflict, Field: "token", Message: "a session with this token already exists"},
	"api_tokens_hash_unique":    {Code: alliance.CodeConflict, Field: "token", Message: "an API token with this secret already exists"},
	"recovery_codes_pkey":       {Code: alliance.CodeConflict, Field: "code", Message: "the recovery codes must differ from each other"},
	"data_keys_one_active":      {Code: alliance.CodeConflict, Field: "key", Message: "another data key is already active"},
	"users_org_fk":              {Code: alliance.CodeInvalid, Field: "organisation", Message: "no such organisation"},
	"sessions_user_fk":          {Code: alliance.CodeInvalid, Field: "user", Message: "no such user"},
	"api_tokens_user_fk":        {Code: alliance.CodeInvalid, Field: "user", Message: "no such user"},
	"recovery_codes_user_fk":    {Code: alliance.CodeInvalid, Field: "user", Message: "no such user"},
	"assessments_org_fk":        {Code: alliance.CodeInvalid, Field: "organisation", Message: "no such organisation"},
	"assessments_created_by_fk": {Code: alliance.CodeInvalid, Field: "user", Message: "no such user"},
	"assessments_status_check":  {Code: alliance.CodeInvalid, Field: "status", Message: `the status must be "open" or "completed"`},
	// sqlstore.ReferenceUsed names the reference in the message.
	"cases_reference_unique":               {Code: alliance.CodeConflict, Field: "reference", Message: "another case of the organisation has this reference"},
	"cases_org_fk":                         {Code: alliance.CodeInvalid, Field: "organisation", Message: "no such organisation"},
	"cases_assigned_to_fk":                 {Code: alliance.CodeInvalid, Field: "assigned_to", Message: "no such user"},
	"cases_status_decided_by_fk":           {Code: alliance.CodeInvalid, Field: "status_decided_by", Message: "no such organisation"},
	"cases_created_by_fk":                  {Code: alliance.CodeInvalid, Field: "user", Message: "no such user"},
	"cases_stage_check":                    {Code: alliance.CodeInvalid, Field: "stage", Message: "the stage must be one of " + sqlstore.StageNames()},
	"case_transitions_case_fk":             {Code: alliance.CodeInvalid, Field: "case", Message: "no such case"},
	"case_transitions_moved_by_fk":         {Code: alliance.CodeInvalid, Field: "user", Message: "no such user"},
	"case_transitions_from_check":          {Code: alliance.CodeInvalid, Field: "from", Message: "the stage must be one of " + sqlstore.StageNames()},
	"case_transitions_to_check":            {Code: alliance.CodeInvalid, Field: "to", Message: "the stage must be one of " + sqlstore.StageNames()},
	"consents_case_fk":                     {Code: alliance.CodeInvalid, Field: "case", Message: "no such case"},
	"consents_recorded_by_fk":              {Code: alliance.CodeInvalid, Field: "user", Message: "no such user"},
	"consents_withdrawn_by_fk":             {Code: alliance.CodeInvalid, Field: "user", Message: "no such user"},
	"consents_method_check":                {Code: alliance.CodeInvalid, Field: "method", Message: `the method must be "signed", "verbal" or "interpreter"`},
	"referrals_case_fk":                    {Code: alliance.CodeInvalid, Field: "case", Message: "no such case"},
	"referrals_from_org_fk":                {Code: alliance.CodeInvalid, Field: "from_org", Message: "no such organisation"},
	"referrals_to_org_fk":                  {Code: alliance.CodeInvalid, Field: "to_org", Message: "no such organisation"},
	"referrals_created_by_fk":              {Code: alliance.CodeInvalid, Field: "user", Message: "no such user"},
	"referrals_answered_by_fk":             {Code: alliance.CodeInvalid, Field: "user", Message: "no such user"},
	"referrals_status_check":               {Code: alliance.CodeInvalid, Field: "status", Message: `the status must be "pending", "accepted", "declined" or "cancelled"`},
	"decisions_case_fk":                    {Code: alliance.CodeInvalid, Field: "case", Message: "no such case"},
	"decisions_decided_by_fk":              {Code: alliance.CodeInvalid, Field: "decided_by", Message: "no such organisation"},
	"decisions_recorded_by_fk":             {Code: alliance.CodeInvalid, Field: "user", Message: "no such user"},
	"decisions_kind_check":                 {Code: alliance.CodeInvalid, Field: "kind", Message: `the kind must be "reasonable_grounds" or "conclusive_grounds"`},
	"decisions_outcome_check":              {Code: alliance.CodeInvalid, Field: "outcome", Message: `the outcome must be "positive" or "negative"`},
	"reflection_extensions_case_fk":        {Code: alliance.CodeInvalid, Field: "case", Message: "no such case"},
	"reflection_extensions_extended_by_fk": {Code: alliance.CodeInvalid, Field: "user", Message: "no such user"},
	"reflection_extensions_days_check":     {Code: alliance.CodeInvalid, Field: "days", Message: "give 1 to 365 days"},
	"case_name_keys_case_fk":               {Code: alliance.CodeInvalid, Field: "case", Message: "no such case"},
	"case_name_keys_org_fk":                {Code: alliance.CodeInvalid, Field: "organisation", Message: "no such organisation"},
	"case_comments_case_fk":                {Code: alliance.CodeInvalid, Field: "case", Message: "no such case"},
	"case_comments_written_by_fk":          {Code: alliance.CodeInvalid, Field: "user", Message: "no such user"},
	"support_plans_case_fk":                {Code: alliance.CodeInvalid, Field: "case", Message: "no such case"},
	"support_plans_created_by_fk":          {Code: alliance.CodeInvalid, Field: "user", Message: "no such user"},
	"support_plans_type_check":             {Code: alliance.CodeInvalid, Field: "type", Message: sqlstore.SupportTypeMessage},
	"case_events_case_fk":                  {Code: alliance.CodeInvalid, Field: "case", Message: "no such case"},
	"case_events_recorded_by_fk":           {Code: alliance.CodeInvalid, Field: "user", Message: "no such user"},
	"case_events_type_check":               {Code: alliance.CodeInvalid, Field: "type", Message: sqlstore.EventTypeMessage},
	"perpetrators_case_fk":                 {Code: alliance.CodeInvalid, Field: "case", Message: "no such case"},
	"perpetrators_recorded_by_fk":          {Code: alliance.CodeInvalid, Field: "user", Message: "no such user"},
	"perpetrators_kind_check":              {Code: alliance.CodeInvalid, Field: "kind", Message: sqlstore.PerpetratorKindMessage},
	"webhooks_org_fk":                      {Code: alliance.CodeInvalid, Field: "organisation", Message: "no such organisation"},
	"webhooks_created_by_fk":               {Code: alliance.CodeInvalid, Field: "user", Message: "no such user"},
	"webhook_deliveries_webhook_fk":        {Code: alliance.CodeInvalid, Field: "webhook", Message: "no such webhook"},
	"webhook_deliveries_attempts_check":    {Code: alliance.CodeInvalid, Field: "attempts", Message: "give a number of attempts of 0 or more"},
	"residence_case_fk":                    {Code: alliance.CodeInvalid, Field: "case", Message: "no such case"},
	"residence_recorded_by_fk":             {Code: alliance.CodeInvalid, Field: "user", Message: "no such user"},
	"residence_status_check":               {Code: alliance.CodeInvalid, Field: "status", Message: sqlstore.ResidenceStatusMessage},
	"residence_permit_type_check":          {Code: alliance.CodeInvalid, Field: "permit_type", Message: sqlstore.PermitTypeMessage},
	"proceedings_case_fk":                  {Code: alliance.CodeInvalid, Field: "case", Message: "no such case"},
	"proceedings_recorded_by_fk":           {Code: alliance.CodeInvalid, Field: "user", Message: "no such user"},
	"proceedings_kind_check":               {Code: alliance.CodeInvalid, Field: "kind", Message: sqlstore.ProceedingKindMessage},
	"proceedings_role_check":               {Code: alliance.CodeInvalid, Field: "role", Message: sqlstore.ProceedingRoleMessage},
	"proceedings_status_check":             {Code: alliance.CodeInvalid, Field: "status", Message: sqlstore.ProceedingStatusMessage},
	"documents_case_fk":                    {Code: alliance.CodeInvalid, Field: "case", Message: "no such case"},
	"documents_recorded_by_fk":             {Code: alliance.CodeInvalid, Field: "user", Message: "no such user"},
	"documents_kind_check":                 {Code: alliance.CodeInvalid, Field: "kind", Message: sqlstore.DocumentKindMessage},
	"linkage_rounds_created_by_fk":         {Code: alliance.CodeInvalid, Field: "user", Message: "no such user"},
	"linkage_rounds_status_check":          {Code: alliance.CodeInvalid, Field: "status", Message: sqlstore.RoundStatusMessage},
	"linkage_rounds_progress_check":        {Code: alliance.CodeInvalid, Field: "progress", Message: "give a progress from 0 to 100 percent"},
	"linkage_rounds_counts_check":          {Code: alliance.CodeInvalid, Field: "records", Message: "give counts of records and people of 0 or more"},
	"linkage_submissions_round_fk":         {Code: alliance.CodeInvalid, Field: "round", Message: "no such linkage round"},
	"linkage_submissions_org_fk":           {Code: alliance.CodeInvalid, Field: "organisation", Message: "no such organisation"},
	"linkage_submissions_submitted_by_fk":  {Code: alliance.CodeInvalid, Field: "user", Message: "no such user"},
	"linkage_submissions_records_check":    {Code: alliance.CodeInvalid, Field: "records", Message: "give a number of records of 0 or more"},
	"linkage_matches_round_fk":             {Code: alliance.CodeInvalid, Field: "round", Message: "no such linkage round"},
	"linkage_matches_org_fk":               {Code: alliance.CodeInvalid, Field: "organisation", Message: "no such organisation"},
	"watch_lists_loaded_by_fk":             {Code: alliance.CodeInvalid, Field: "user", Message: "no such user"},
	"watch_lists_entities_check":           {Code: alliance.CodeInvalid, Field: "entities", Message: "give a number of entities of 0 or more"},
	"watch_checks_org_fk":                  {Code: alliance.CodeInvalid, Field: "organisation", Message: "no such organisation"},
	"watch_checks_created_by_fk":           {Code: alliance.CodeInvalid, Field: "user", Message: "no such user"},
	"watch_names_check_fk":                 {Code: alliance.CodeInvalid, Field: "check", Message: "no such watch-list check"},
	"watch_hits_check_fk":                  {Code: alliance.CodeInvalid, Field: "check", Message: "no such watch-list check"},
	"watch_hits_name_fk":                   {Code: alliance.CodeInvalid, Field: "name", Message: "no such name of a watch-list check"},
	"watch_hits_list_fk":                   {Code: alliance.CodeInvalid, Field: "list", Message: "no such watch list"},
	"watch_hits_reviewed_by_fk":            {Code: alliance.CodeInvalid, Field: "reviewed_by", Message: "no such user"},
	"watch_hits_status_check":              {Code: alliance.CodeInvalid, Field: "status", Message: sqlstore.WatchHitStatusMessage},
	// The message is that of alliance.Organisation.Validate.
	"organisations_retention_days_check": {Code: alliance.CodeInvalid, Field: "retention_days", Message: "give a number of days from 0 (keep until erased by hand) to 36500"},
}

// translate turns a driver error into the alliance vocabulary.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return alliance.ErrNotFound
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return err
	}
	if e, ok := constraintFields[pgErr.ConstraintName]; ok {
		return &alliance.Error{Code: e.Code, Field: e.Field, Message: e.Message, Err: err}
	}
	switch pgErr.Code {
	case "23505": // unique_violation
		return &alliance.Error{Code: alliance.CodeConflict, Message: "the record already exists", Err: err}
	case "23503": // foreign_key_violation
		return &alliance.Error{Code: alliance.CodeInvalid, Message: "refers to a record that does not exist", Err: err}
	}
	return err
}
