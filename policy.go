package alliance

import (
	"fmt"
	"strings"
)

// Actor is who asks: a signed-in user (through a session or an API token).
type Actor struct {
	UserID       int64
	OrgID        int64
	Role         Role
	SecondFactor bool // the session passed TOTP, or the deployment waives it (demo)
}

// Authenticated reports whether a is a signed-in user.
func (a Actor) Authenticated() bool { return a.UserID != 0 }

// Action is what an actor wants to do to a resource.
type Action string

// The actions of the foundation. Later features add theirs here, so that the whole
// policy can be read in one file.
const (
	ActOrgList      Action = "org.list"
	ActOrgRead      Action = "org.read"
	ActOrgCreate    Action = "org.create"
	ActOrgUpdate    Action = "org.update"
	ActUserList     Action = "user.list"
	ActUserRead     Action = "user.read"
	ActUserCreate   Action = "user.create"
	ActUserUpdate   Action = "user.update"
	ActUserReset2FA Action = "user.reset_2fa"
	ActAuditRead    Action = "audit.read"
	ActAccountRead  Action = "account.read"  // one's own account
	ActAccountWrite Action = "account.write" // one's own password, language, sessions, tokens

	// Identification: screening interviews and their results.
	ActAssessmentList   Action = "assessment.list"
	ActAssessmentRead   Action = "assessment.read"
	ActAssessmentCreate Action = "assessment.create"
	ActAssessmentUpdate Action = "assessment.update" // answer, resume, complete, attach to a case

	// Refer and protect: case files, consent and referral.
	ActCaseList       Action = "case.list"
	ActCaseRead       Action = "case.read"
	ActCaseCreate     Action = "case.create"
	ActCaseUpdate     Action = "case.update" // also stage changes and consent
	ActReferralCreate Action = "referral.create"
	ActReferralList   Action = "referral.list"
	ActReferralAnswer Action = "referral.answer" // accept or decline, by the receiving organisation
	ActCaseExport     Action = "case.export"     // everything held about the person (subject access)
	ActCaseErase      Action = "case.erase"      // erase the person's identity, keep the facts

	// Integration: webhooks that tell an organisation's systems of events.
	ActWebhookManage Action = "webhook.manage" // list, add and disable webhooks, see deliveries

	// Prevent: screening names of employers, recruiters and suppliers
	// against watch lists.
	ActWatchListScreen Action = "watchlist.screen" // screen names, review the hits of the organisation's screenings
	ActWatchListLoad   Action = "watchlist.load"   // load a new version of a watch list for the alliance

	// Share safely: privacy-preserving record linkage rounds.
	ActLinkageStart  Action = "linkage.start"  // start a round for the alliance, and match it
	ActLinkageRead   Action = "linkage.read"   // see a round's progress and counts
	ActLinkageSubmit Action = "linkage.submit" // submit the organisation's encodings, see its matches
)

// Resource is what an action is about. OrgID is the organisation that owns it; for
// organisations themselves it is their own ID.
type Resource struct {
	Type  string
	ID    string
	OrgID int64
	Owner int64 // the user a personal resource (account, token) belongs to
	// Role is, for a user account, that account's role: only a superadmin may
	// change a superadmin's account.
	Role Role
	// Shared is, for a case of another organisation, the parts of it that an
	// accepted referral and the person's consent let the actor's organisation
	// see now (see Grant); empty when nothing is shared.
	Shared []string
}

// Decision is the policy's answer, with a reason for the audit log and the user.
type Decision struct {
	Allow  bool
	Reason string
}

func allow(reason string) Decision { return Decision{Allow: true, Reason: reason} }

func deny(format string, args ...any) Decision {
	return Decision{Reason: fmt.Sprintf(format, args...)}
}

// Err returns nil for an allowing decision and a forbidden or unauthorised error
// otherwise.
func (d Decision) Err() error {
	if d.Allow {
		return nil
	}
	if d.Reason == reasonNotSignedIn {
		return &Error{Code: CodeUnauthorised, Message: d.Reason}
	}
	return &Error{Code: CodeForbidden, Message: d.Reason}
}

const reasonNotSignedIn = "sign in first"

// Authorize is the one place that decides who may do what. Every handler and service
// asks it; nothing else grants access. An organisation never sees another
// organisation's records: the only cross-organisation powers are the superadmin's,
// which cover setting up organisations and their accounts, not their records.
func Authorize(a Actor, act Action, r Resource) Decision {
	if !a.Authenticated() {
		return deny(reasonNotSignedIn)
	}
	if a.Role.ReadsPersonalData() && !a.SecondFactor {
		return deny("complete the second factor first")
	}
	switch act {
	case ActAccountRead, ActAccountWrite:
		if r.Owner == a.UserID {
			return allow("own account")
		}
		return deny("only the account's owner may do this")
	}
	if a.Role == RoleSuperadmin {
		switch act {
		case ActOrgList, ActOrgRead, ActOrgCreate, ActOrgUpdate, ActUserList, ActUserRead,
			ActUserCreate, ActUserUpdate, ActUserReset2FA, ActAuditRead:
			return allow("superadmin sets up organisations and accounts")
		}
		return deny("superadmin may not %s", act)
	}
	if r.OrgID != a.OrgID {
		if act == ActCaseRead && len(r.Shared) > 0 {
			if !a.Role.ReadsPersonalData() {
				return deny("analysts work with statistics, not with people's details")
			}
			return allow("referred with consent: " + strings.Join(r.Shared, ", "))
		}
		return deny("the %s belongs to another organisation", r.Type)
	}
	switch act {
	case ActOrgList, ActOrgRead:
		return allow("member of the organisation")
	case ActUserList, ActUserRead:
		if !a.Role.ReadsPersonalData() {
			return deny("analysts work with statistics, not with people's details")
		}
		return allow("member of the organisation")
	case ActAssessmentList, ActAssessmentRead:
		if !a.Role.ReadsPersonalData() {
			return deny("analysts work with statistics, not with people's answers")
		}
		return allow("member of the organisation")
	case ActWatchListScreen, ActLinkageRead:
		return allow("member of the organisation")
	case ActLinkageStart:
		if a.Role == RoleAnalyst || a.Role == RoleAdmin {
			return allow("analyst of the alliance")
		}
		return deny("only analysts and administrators start linkage rounds")
	case ActLinkageSubmit:
		if a.Role == RoleAdmin || a.Role == RoleCaseworker {
			return allow("caseworker of the organisation")
		}
		return deny("only caseworkers and administrators submit their organisation's encodings")
	case ActCaseList, ActCaseRead, ActReferralList:
		if !a.Role.ReadsPersonalData() {
			return deny("analysts work with statistics, not with people's details")
		}
		return allow("member of the organisation")
	case ActCaseErase:
		if a.Role == RoleAdmin {
			return allow("administrator of the organisation")
		}
		return deny("only an administrator of the organisation erases a person's identity")
	case ActCaseCreate, ActCaseUpdate, ActReferralCreate, ActReferralAnswer, ActCaseExport:
		if a.Role == RoleAdmin || a.Role == RoleCaseworker {
			return allow("caseworker of the organisation")
		}
		return deny("only caseworkers and administrators work on cases")
	case ActAssessmentCreate, ActAssessmentUpdate:
		if a.Role == RoleAdmin || a.Role == RoleCaseworker {
			return allow("caseworker of the organisation")
		}
		return deny("only caseworkers and administrators interview")
	case ActUserUpdate, ActUserReset2FA:
		if r.Role == RoleSuperadmin {
			return deny("only a superadmin may change a superadmin's account")
		}
		fallthrough
	case ActOrgUpdate, ActUserCreate, ActAuditRead, ActWebhookManage, ActWatchListLoad:
		if a.Role == RoleAdmin {
			return allow("administrator of the organisation")
		}
		return deny("only an administrator of the organisation may do this")
	}
	return deny("%s is not allowed for role %s", act, a.Role)
}
