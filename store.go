package alliance

import (
	"context"
	"time"
)

// FieldCipher encrypts identity fields at rest and computes their blind index. The
// stores call it at their boundary, so that every layer above sees plain values and
// no layer below ever holds one. column names the field ("users.email") and is bound
// into the ciphertext, so that a value cannot be moved to another column unnoticed.
type FieldCipher interface {
	Seal(column string, plaintext []byte) ([]byte, error)
	Open(column string, ciphertext []byte) ([]byte, error)
	// Index returns the keyed blind index of a normalised value, for exact look-up.
	Index(column string, normalised string) []byte
	// Current reports whether ciphertext is sealed under the active data key.
	Current(ciphertext []byte) bool
}

// DataKey is a data-encryption key, stored wrapped (encrypted) under the master key
// held in the key file.
type DataKey struct {
	ID        int64
	Wrapped   []byte
	Active    bool
	CreatedAt time.Time
}

// Reader holds the queries that both a store and a transaction answer.
type Reader interface {
	Organisation(ctx context.Context, id int64) (*Organisation, error)
	Organisations(ctx context.Context) ([]Organisation, error)

	User(ctx context.Context, id int64) (*User, error)
	// UserByEmail finds a user through the blind index of the normalised email.
	UserByEmail(ctx context.Context, email string) (*User, error)
	// Users lists the users of one organisation, or of all when orgID is 0.
	Users(ctx context.Context, orgID int64) ([]User, error)

	SessionByTokenHash(ctx context.Context, hash []byte) (*Session, error)
	APITokenByHash(ctx context.Context, hash []byte) (*APIToken, error)
	APITokens(ctx context.Context, userID int64) ([]APIToken, error)
	APIToken(ctx context.Context, id int64) (*APIToken, error)

	// AuditEntries returns entries matching f, newest first.
	AuditEntries(ctx context.Context, f AuditFilter) ([]AuditEntry, error)

	DataKeys(ctx context.Context) ([]DataKey, error)

	Assessment(ctx context.Context, id int64) (*Assessment, error)
	// Assessments lists one organisation's assessments, most recently updated
	// first, without their answers and results.
	Assessments(ctx context.Context, f AssessmentFilter) ([]Assessment, error)

	// Case returns a case with its person opened.
	Case(ctx context.Context, id int64) (*Case, error)
	// Cases lists one organisation's cases matching f, newest first (by id,
	// below f.After when set), with their persons opened.
	Cases(ctx context.Context, f CaseFilter) ([]Case, error)
	// Transitions lists the stage changes of a case, oldest first.
	Transitions(ctx context.Context, caseID int64) ([]Transition, error)
	// Consents lists the consents of a case, newest first.
	Consents(ctx context.Context, caseID int64) ([]Consent, error)
	Referral(ctx context.Context, id int64) (*Referral, error)
	// Referrals lists the referrals matching f, newest first.
	Referrals(ctx context.Context, f ReferralFilter) ([]Referral, error)
	// Decisions lists the identification decisions of a case, oldest first.
	Decisions(ctx context.Context, caseID int64) ([]GroundsDecision, error)
	// Extensions lists the extensions of a case's reflection period, oldest first.
	Extensions(ctx context.Context, caseID int64) ([]Extension, error)
	// ReflectionStarts lists the organisation's cases that are not closed and
	// have a positive reasonable-grounds decision, for the deadlines.
	ReflectionStarts(ctx context.Context, orgID int64) ([]ReflectionStart, error)
	// CasesWithNameTokens returns the ids of the organisation's cases whose
	// person has at least one of the name tokens, at most limit, newest first.
	// The store compares keyed blind indexes of the tokens (ColCaseNameKey).
	CasesWithNameTokens(ctx context.Context, orgID int64, tokens []string, limit int) ([]int64, error)
	// CasesToErase lists the ids of cases, of any organisation, closed before
	// its retention period (days after ClosedAt) ran out by now and not yet
	// erased, at most limit.
	CasesToErase(ctx context.Context, now time.Time, limit int) ([]int64, error)
	// Comments lists the comments of a case, oldest first.
	Comments(ctx context.Context, caseID int64) ([]Comment, error)
	// SupportPlans lists the support plans of a case, oldest first.
	SupportPlans(ctx context.Context, caseID int64) ([]SupportPlan, error)
	SupportPlan(ctx context.Context, id int64) (*SupportPlan, error)
	// Events lists the trafficking events of a case, oldest recorded first.
	Events(ctx context.Context, caseID int64) ([]Event, error)
	// Perpetrators lists the perpetrators of a case, oldest recorded first.
	Perpetrators(ctx context.Context, caseID int64) ([]Perpetrator, error)
	// Residences lists the residence steps of a case, oldest recorded first:
	// the last is the status in force.
	Residences(ctx context.Context, caseID int64) ([]Residence, error)
	// Proceedings lists the proceedings of a case, least recently recorded
	// first.
	Proceedings(ctx context.Context, caseID int64) ([]Proceeding, error)
	Proceeding(ctx context.Context, id int64) (*Proceeding, error)
	// Documents lists the documents of a case, oldest recorded first, with
	// their names and notes opened and without their content (Content nil).
	Documents(ctx context.Context, caseID int64) ([]Document, error)
	// Document returns a document with its name, note and content opened.
	Document(ctx context.Context, id int64) (*Document, error)
	// DocumentCase returns the case a document is attached to, without
	// opening anything: what a caller may see is decided before the content
	// is read. ErrNotFound when the document is missing.
	DocumentCase(ctx context.Context, id int64) (int64, error)

	// Webhooks lists the webhooks of an organisation, oldest first, the
	// disabled ones too, with their secrets opened.
	Webhooks(ctx context.Context, orgID int64) ([]Webhook, error)
	// Webhook returns a webhook with its secret opened.
	Webhook(ctx context.Context, id int64) (*Webhook, error)
	// DueDeliveries lists up to limit deliveries, of any organisation, neither
	// delivered nor failed, whose NextAt is at or before now and whose webhook
	// is not disabled, earliest NextAt first (then by id).
	DueDeliveries(ctx context.Context, now time.Time, limit int) ([]Delivery, error)
	// Deliveries lists up to limit deliveries of a webhook, newest first.
	Deliveries(ctx context.Context, webhookID int64, limit int) ([]Delivery, error)

	// LinkageRounds lists every linkage round, newest first.
	LinkageRounds(ctx context.Context) ([]LinkageRound, error)
	// LinkageRound returns a linkage round; ErrNotFound when it is missing.
	LinkageRound(ctx context.Context, id int64) (*LinkageRound, error)
	// LinkageSubmissions lists the submissions of a round by organisation id,
	// with their encodings only when withCLK is set (CLK nil otherwise).
	LinkageSubmissions(ctx context.Context, roundID int64, withCLK bool) ([]LinkageSubmission, error)
	// LinkageMatches lists the matches of an organisation's records in a
	// round, by cluster, then by record id (byte by byte).
	LinkageMatches(ctx context.Context, roundID, orgID int64) ([]LinkageMatch, error)

	// WatchLists lists every version of every watch list, newest loaded
	// first, with the files as loaded only when withData is set (Data nil
	// otherwise).
	WatchLists(ctx context.Context, withData bool) ([]WatchList, error)
	// WatchChecks lists the checks of an organisation, newest first, with
	// their open hits counted.
	WatchChecks(ctx context.Context, orgID int64) ([]WatchCheck, error)
	// WatchCheck returns a check with its open hits counted; ErrNotFound
	// when it is missing.
	WatchCheck(ctx context.Context, id int64) (*WatchCheck, error)
	// WatchNames lists the names of every check whose id is above afterID,
	// by id, at most limit (1,000 when limit <= 0, at most 10,000), opened:
	// a rescreen reads them in pages.
	WatchNames(ctx context.Context, afterID int64, limit int) ([]WatchName, error)
	// WatchNamesOf lists the names of a check, by id, opened.
	WatchNamesOf(ctx context.Context, checkID int64) ([]WatchName, error)
	// WatchHits lists the hits of a check by name id, then highest score
	// first, with their reasons opened.
	WatchHits(ctx context.Context, checkID int64) ([]WatchHit, error)
	// WatchHit returns a hit with its reason opened; ErrNotFound when it is
	// missing.
	WatchHit(ctx context.Context, id int64) (*WatchHit, error)
}

// Tx is a unit of work: everything done through it commits or nothing does.
type Tx interface {
	Reader

	CreateOrganisation(ctx context.Context, o *Organisation) error
	UpdateOrganisation(ctx context.Context, o *Organisation) error

	CreateUser(ctx context.Context, u *User) error
	// UpdateUser writes every field of u, including lockout counters and TOTP state.
	UpdateUser(ctx context.Context, u *User) error

	CreateSession(ctx context.Context, s *Session) error
	UpdateSession(ctx context.Context, s *Session) error
	DeleteSession(ctx context.Context, id int64) error
	// DeleteUserSessions ends every session of a user ("log out everywhere").
	DeleteUserSessions(ctx context.Context, userID int64) (int, error)
	DeleteExpiredSessions(ctx context.Context, now time.Time, idle time.Duration) (int, error)

	// ReplaceRecoveryCodes discards a user's recovery codes and stores new hashes.
	ReplaceRecoveryCodes(ctx context.Context, userID int64, hashes [][]byte) error
	// UseRecoveryCode marks an unused code as used; it reports false when no unused
	// code has that hash.
	UseRecoveryCode(ctx context.Context, userID int64, hash []byte, now time.Time) (bool, error)
	UnusedRecoveryCodes(ctx context.Context, userID int64) (int, error)

	CreateAPIToken(ctx context.Context, t *APIToken) error
	RevokeAPIToken(ctx context.Context, id int64, now time.Time) error
	TouchAPIToken(ctx context.Context, id int64, now time.Time) error

	// AppendAudit assigns e its sequence number, links it to the previous entry and
	// stores it. Entries are never updated or deleted.
	AppendAudit(ctx context.Context, e *AuditEntry) error

	AddDataKey(ctx context.Context, k *DataKey) error
	// ActivateDataKey makes k the key new values are sealed under.
	ActivateDataKey(ctx context.Context, id int64) error

	// CreateAssessment stores a, assigning its ID and setting Revision to 1.
	CreateAssessment(ctx context.Context, a *Assessment) error
	// UpdateAssessment writes a's case, status, worker language, answers, result and times if the
	// stored revision is still a.Revision, and then increments a.Revision; a
	// stale revision is refused with CodeConflict.
	UpdateAssessment(ctx context.Context, a *Assessment) error

	// CreateCase stores c, assigning its ID and setting Revision to 1; a
	// reference already used in the organisation is refused with CodeConflict.
	CreateCase(ctx context.Context, c *Case) error
	// UpdateCase writes every field of c but its organisation, creator and
	// creation time if the stored revision is still c.Revision, then increments
	// c.Revision; a stale revision is refused with CodeConflict.
	UpdateCase(ctx context.Context, c *Case) error
	AddTransition(ctx context.Context, t *Transition) error
	CreateConsent(ctx context.Context, c *Consent) error
	// WithdrawConsent ends a consent at the given time; a consent already
	// withdrawn is refused with CodeConflict.
	WithdrawConsent(ctx context.Context, id int64, at time.Time, by int64) error
	CreateReferral(ctx context.Context, r *Referral) error
	// UpdateReferral writes the status and answer of r under the same revision
	// rule as UpdateCase.
	UpdateReferral(ctx context.Context, r *Referral) error
	// AddDecision stores d, sealing its notes, and sets its ID.
	AddDecision(ctx context.Context, d *GroundsDecision) error
	// AddExtension stores e, sealing its reason, and sets its ID.
	AddExtension(ctx context.Context, e *Extension) error
	// SetNameTokens replaces the blind indexes of a case's name tokens.
	SetNameTokens(ctx context.Context, caseID int64, tokens []string) error
	// EraseCaseText blanks every sealed free text attached to a case that may
	// name the person: transition reasons, referral details, overrides and
	// answers, decision notes, extension reasons, comments, support plans'
	// objectives and actions, events' descriptions and perpetrators' details
	// (their names stay: they are not the person's), the references and notes
	// of residence steps and proceedings, and the names, notes and contents of
	// documents (their kinds, sizes and media types stay). The records
	// themselves stay. (The service clears the notes of the case's screenings.)
	EraseCaseText(ctx context.Context, caseID int64) error
	// AddComment stores c, sealing its text, and sets its ID.
	AddComment(ctx context.Context, c *Comment) error
	// CreateSupportPlan stores p, sealing its texts, sets its ID and Revision 1.
	CreateSupportPlan(ctx context.Context, p *SupportPlan) error
	// UpdateSupportPlan writes p's type, texts and dates if the stored revision
	// is still p.Revision, then increments it; a stale one is refused with
	// CodeConflict.
	UpdateSupportPlan(ctx context.Context, p *SupportPlan) error
	// AddEvent stores e, sealing its description, and sets its ID.
	AddEvent(ctx context.Context, e *Event) error
	// AddPerpetrator stores p, sealing its name and details, and sets its ID.
	AddPerpetrator(ctx context.Context, p *Perpetrator) error
	// AddResidence stores r, sealing its reference and notes, and sets its ID.
	AddResidence(ctx context.Context, r *Residence) error
	// AddProceeding stores p, sealing its reference and notes, sets its ID
	// and Revision 1.
	AddProceeding(ctx context.Context, p *Proceeding) error
	// UpdateProceeding writes p's kind, role, authority, reference, status,
	// outcome, days, notes, By and At if the stored revision is still
	// p.Revision, then increments it; a stale one is refused with
	// CodeConflict.
	UpdateProceeding(ctx context.Context, p *Proceeding) error
	// AddDocument stores d, sealing its name, note and content, and sets its
	// ID.
	AddDocument(ctx context.Context, d *Document) error
	// DeleteDocument deletes a document; a missing one is refused with
	// CodeNotFound.
	DeleteDocument(ctx context.Context, id int64) error

	// CreateWebhook stores w, sealing its secret, and sets its ID.
	CreateWebhook(ctx context.Context, w *Webhook) error
	// DisableWebhook disables a webhook from the given time on; a webhook
	// already disabled keeps its first time.
	DisableWebhook(ctx context.Context, id int64, at time.Time) error
	// EnqueueDeliveries adds a delivery of event with payload, due at at, for
	// every webhook of the organisation that is not disabled and subscribes
	// to event, and returns how many it added.
	EnqueueDeliveries(ctx context.Context, orgID int64, event string, payload []byte, at time.Time) (int, error)
	// UpdateDelivery writes the attempts, NextAt, last status and error, and
	// delivered and failed times of d.
	UpdateDelivery(ctx context.Context, d *Delivery) error
	// PurgeDeliveries deletes the deliveries delivered or given up before
	// before, and returns how many.
	PurgeDeliveries(ctx context.Context, before time.Time) (int, error)

	// CreateLinkageRound stores r, refusing an organisation that does not
	// exist, and sets its ID, Revision 1, Status collecting when empty and
	// CreatedAt when zero.
	CreateLinkageRound(ctx context.Context, r *LinkageRound) error
	// UpdateLinkageRound writes r's status, progress, error, records, people
	// and MatchedAt if the stored revision is still r.Revision, then
	// increments it; a stale one is refused with CodeConflict, an unknown
	// round with ErrNotFound.
	UpdateLinkageRound(ctx context.Context, r *LinkageRound) error
	// PutLinkageSubmission stores s as its organisation's submission for its
	// round, replacing the one before, and sets SubmittedAt when zero.
	PutLinkageSubmission(ctx context.Context, s *LinkageSubmission) error
	// SetLinkageMatches replaces every match of a round with ms.
	SetLinkageMatches(ctx context.Context, roundID int64, ms []LinkageMatch) error

	// AddWatchList stores a version of a watch list and sets its ID (and
	// LoadedAt when zero).
	AddWatchList(ctx context.Context, w *WatchList) error
	// MarkRescreened records when the saved names were screened against a
	// list; ErrNotFound when the list is missing.
	MarkRescreened(ctx context.Context, listID int64, at time.Time) error
	// CreateWatchCheck stores c with its names, sealing them, and sets c.ID,
	// c.Names (to the number of names), CreatedAt when zero, and the ID and
	// CheckID of each name. An unknown organisation or user is refused with
	// CodeInvalid.
	CreateWatchCheck(ctx context.Context, c *WatchCheck, names []WatchName) error
	// AddWatchHits stores the hits that are new, silently skipping one whose
	// name was already hit by the same entity of the same list, and returns
	// how many it stored. It sets the ID (0 for one skipped), Revision 1,
	// Status open when empty and FoundAt when zero of the hits stored,
	// sealing their reasons. An unknown check, name, list or reviewer is
	// refused with CodeInvalid.
	AddWatchHits(ctx context.Context, hits []WatchHit) (int, error)
	// ReviewWatchHit writes h's status, reason, reviewer and review time if
	// the stored revision is still h.Revision, then increments it; a stale
	// one is refused with CodeConflict, an unknown hit with ErrNotFound.
	ReviewWatchHit(ctx context.Context, h *WatchHit) error
}

// Store is a database holding everything Alliance keeps. Two implementations exist,
// internal/sqlite and internal/postgres, and internal/storetest holds both to the
// same behaviour.
type Store interface {
	Reader
	// Update runs fn in a transaction and commits when fn returns nil.
	Update(ctx context.Context, fn func(Tx) error) error
	// Migrate applies the embedded migrations not yet applied, each by name.
	Migrate(ctx context.Context) error
	// UseKeys installs the cipher for identity fields and the audit chainer. It must
	// be called before any query that touches either.
	UseKeys(c FieldCipher, a *AuditChainer)
	// ScanAudit calls fn for every audit entry in sequence order.
	ScanAudit(ctx context.Context, fn func(*AuditEntry) error) error
	// Reencrypt re-seals up to limit identity values that are not under the active
	// data key, and returns how many it re-sealed.
	Reencrypt(ctx context.Context, limit int) (int, error)
	// Backup writes a consistent copy of the database to path.
	Backup(ctx context.Context, path string) error
	Ping(ctx context.Context) error
	PoolStats() PoolStats
	Close() error
}

// PoolStats describes the database connection pools, for /metrics.
type PoolStats struct {
	OpenConnections int
	InUse           int
	Idle            int
	WaitCount       int64
	WaitDuration    time.Duration
}
