package alliance

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is what a user may do within their organisation.
type Role string

// The roles. Superadmin is deployment-wide and sets up organisations; the others act
// within the user's own organisation.
const (
	RoleSuperadmin Role = "superadmin"
	RoleAdmin      Role = "admin"
	RoleCaseworker Role = "caseworker"
	RoleAnalyst    Role = "analyst"
	RoleViewer     Role = "viewer"
)

// Roles lists every role, most powerful first.
var Roles = []Role{RoleSuperadmin, RoleAdmin, RoleCaseworker, RoleAnalyst, RoleViewer}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, k := range Roles {
		if k == r {
			return true
		}
	}
	return false
}

// ReadsPersonalData reports whether the role can read personal data; such roles must
// use a second factor. Analysts work with statistics and non-identifying facts only.
func (r Role) ReadsPersonalData() bool { return r != RoleAnalyst }

// User is a member of staff of one organisation. Email and Name are personal data
// and are stored encrypted; EmailIndex is their keyed blind index for look-up.
type User struct {
	ID           int64      `json:"id"`
	OrgID        int64      `json:"org_id"`
	Email        string     `json:"email"`
	Name         string     `json:"name"`
	Role         Role       `json:"role"`
	Language     string     `json:"language,omitempty"` // preferred UI language; empty = Accept-Language
	PasswordHash string     `json:"-"`
	TOTPSecret   string     `json:"-"` // base32; empty until enrolment starts
	TOTPEnabled  bool       `json:"totp_enabled"`
	FailedLogins int        `json:"-"`
	LockedUntil  time.Time  `json:"-"`
	DisabledAt   *time.Time `json:"disabled_at,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	// TOTPLastStep is the time step (Unix time / 30 s) of the last TOTP code the
	// user passed, 0 before the first. A code is accepted only for a later step,
	// so that a code seen over someone's shoulder cannot be used again, on any
	// server and after a restart. The stores never lower it: UpdateUser keeps the
	// larger of the stored and the given value, so that a write from an older copy
	// of the user cannot make a used code valid again.
	TOTPLastStep int64 `json:"-"`
}

// NeedsSecondFactor reports whether u must pass TOTP before reaching any page.
func (u *User) NeedsSecondFactor() bool { return u.Role.ReadsPersonalData() }

// Normalise trims and canonicalises the fields of u in place.
func (u *User) Normalise() {
	u.Email = NormaliseEmail(u.Email)
	u.Name = strings.TrimSpace(u.Name)
	u.Language = strings.TrimSpace(u.Language)
}

// NormaliseEmail returns the canonical form of an email address used for look-up.
func NormaliseEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Validate checks u and returns a CodeInvalid error naming the first bad field.
func (u *User) Validate() error {
	if u.OrgID <= 0 {
		return Invalid("organisation", "the user must belong to an organisation")
	}
	if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email {
		return Invalid("email", "%q is not an email address such as name@example.org", u.Email)
	}
	if utf8.RuneCountInString(u.Name) > 200 {
		return Invalid("name", "at most 200 characters")
	}
	if !u.Role.Valid() {
		return Invalid("role", "unknown role %q; use superadmin, admin, caseworker, analyst or viewer", u.Role)
	}
	return nil
}

// ValidatePassword checks a new password: long enough to resist guessing, short
// enough to hash quickly.
func ValidatePassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	if n < 12 {
		return Invalid("password", "use at least 12 characters (a few unrelated words work well)")
	}
	if len(pw) > 512 {
		return Invalid("password", "at most 512 bytes")
	}
	return nil
}

// Session is a server-side login session. The browser holds only a random token;
// the store keeps its SHA-256 hash.
type Session struct {
	ID           int64     `json:"-"`
	TokenHash    []byte    `json:"-"`
	UserID       int64     `json:"user_id"`
	SecondFactor bool      `json:"second_factor"` // TOTP or recovery code passed
	CSRFToken    string    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
	LastSeenAt   time.Time `json:"last_seen_at"`
	ExpiresAt    time.Time `json:"expires_at"` // absolute timeout
	RemoteAddr   string    `json:"remote_addr"`
}

// APIToken authenticates API calls as a user. The secret is shown once; the store
// keeps its SHA-256 hash.
type APIToken struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"` // first characters, to recognise a token in lists
	Hash       []byte     `json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

// Active reports whether the token can be used at time now.
func (t *APIToken) Active(now time.Time) bool {
	return t.RevokedAt == nil && now.Before(t.ExpiresAt)
}

// RecoveryCode is a single-use second-factor code; the store keeps its hash.
type RecoveryCode struct {
	UserID int64
	Hash   []byte
	UsedAt *time.Time
}
