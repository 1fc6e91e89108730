package alliance

import "fmt"

// The column names of a user's sealed fields. Each is bound into its ciphertext,
// so a value sealed for one cannot be opened as another; ColUserEmail also keys
// the blind index of the normalised email.
const (
	ColUserEmail      = "users.email"
	ColUserName       = "users.name"
	ColUserTOTPSecret = "users.totp_secret"
)

// SealedUser holds the encrypted identity fields of a user, as a store keeps
// them. Email, Name and TOTPSecret are ciphertexts; EmailIndex is the blind
// index of the normalised email. TOTPSecret is nil when the user has no secret.
type SealedUser struct {
	Email, EmailIndex, Name, TOTPSecret []byte
}

// SealedValue is one ciphertext of a SealedUser with the column name it is
// sealed under.
type SealedValue struct {
	Column string
	Value  []byte
}

// Values returns the ciphertexts of s, in the order email, name, TOTP secret,
// each with its column name; TOTPSecret is included even when nil. The blind
// index is left out: it is not a ciphertext and cannot be re-sealed.
func (s *SealedUser) Values() []SealedValue {
	return []SealedValue{
		{ColUserEmail, s.Email},
		{ColUserName, s.Name},
		{ColUserTOTPSecret, s.TOTPSecret},
	}
}

// SealUser encrypts the identity fields of u with c and computes the blind
// index of its email. The errors never contain the values.
func SealUser(c FieldCipher, u *User) (*SealedUser, error) {
	var s SealedUser
	var err error
	if s.Email, err = c.Seal(ColUserEmail, []byte(u.Email)); err != nil {
		return nil, fmt.Errorf("encrypt email: %w", err)
	}
	if s.Name, err = c.Seal(ColUserName, []byte(u.Name)); err != nil {
		return nil, fmt.Errorf("encrypt name: %w", err)
	}
	s.EmailIndex = c.Index(ColUserEmail, NormaliseEmail(u.Email))
	if u.TOTPSecret != "" {
		if s.TOTPSecret, err = c.Seal(ColUserTOTPSecret, []byte(u.TOTPSecret)); err != nil {
			return nil, fmt.Errorf("encrypt TOTP secret: %w", err)
		}
	}
	return &s, nil
}

// OpenUser decrypts the identity fields in s with c and sets them on u. An
// empty s.TOTPSecret leaves u.TOTPSecret empty; s.EmailIndex is not read. The
// errors never contain the values.
func OpenUser(c FieldCipher, u *User, s *SealedUser) error {
	pt, err := c.Open(ColUserEmail, s.Email)
	if err != nil {
		return fmt.Errorf("decrypt email: %w", err)
	}
	u.Email = string(pt)
	if pt, err = c.Open(ColUserName, s.Name); err != nil {
		return fmt.Errorf("decrypt name: %w", err)
	}
	u.Name = string(pt)
	u.TOTPSecret = ""
	if len(s.TOTPSecret) > 0 {
		if pt, err = c.Open(ColUserTOTPSecret, s.TOTPSecret); err != nil {
			return fmt.Errorf("decrypt TOTP secret: %w", err)
		}
		u.TOTPSecret = string(pt)
	}
	return nil
}

// UserEmailIndex returns the blind index under which a user with this email is
// found, whatever its case and surrounding spaces.
func UserEmailIndex(c FieldCipher, email string) []byte {
	return c.Index(ColUserEmail, NormaliseEmail(email))
}
