package credential

import (
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"
)

// TOTP settings (RFC 6238), the ones every authenticator app supports.
const (
	totpPeriod     = 30 // seconds
	totpSecretSize = 20 // bytes, the HMAC-SHA1 block recommended by RFC 4226
	totpQRSize     = 240
)

var totpOpts = hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// NewTOTP generates a TOTP secret (base32) for account and the otpauth:// URL
// that authenticator apps enrol from, labelled with issuer.
func NewTOTP(issuer, account string) (secret, otpauthURL string, err error) {
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer:      issuer,
		AccountName: account,
		Period:      totpPeriod,
		SecretSize:  totpSecretSize,
		Digits:      otp.DigitsSix,
		Algorithm:   otp.AlgorithmSHA1,
	})
	if err != nil {
		return "", "", fmt.Errorf("generate TOTP secret: %w", err)
	}
	return key.Secret(), key.URL(), nil
}

// TOTPQRCodeDataURI renders otpauthURL as a 240×240 PNG QR code and returns it
// as a data: URI ("data:image/png;base64,…"), fit for an <img src> under a
// Content-Security-Policy that allows img-src data: (wrap it in template.URL).
func TOTPQRCodeDataURI(otpauthURL string) (string, error) {
	code, err := qr.Encode(otpauthURL, qr.M, qr.Auto)
	if err != nil {
		return "", fmt.Errorf("encode TOTP QR code: %w", err)
	}
	img, err := barcode.Scale(code, totpQRSize, totpQRSize)
	if err != nil {
		return "", fmt.Errorf("scale TOTP QR code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", fmt.Errorf("render TOTP QR code: %w", err)
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

// ValidateTOTP reports whether code (six digits; spaces are ignored) is the
// TOTP of secret at now, allowing one 30-second step of clock skew either way,
// and returns the time step it matched.
//
// A code stays valid for up to 90 seconds, so the caller must refuse replay:
// store the step of the last accepted code for the user and accept a code only
// when its step is greater than the stored one.
func ValidateTOTP(secret, code string, now time.Time) (step int64, ok bool) {
	code = strings.Join(strings.Fields(code), "")
	if !isDigits(code, otp.DigitsSix.Length()) {
		return 0, false
	}
	current := now.Unix() / totpPeriod
	for _, s := range []int64{current, current - 1, current + 1} {
		if s < 0 {
			continue
		}
		want, err := hotp.GenerateCodeCustom(secret, uint64(s), totpOpts)
		if err != nil {
			return 0, false // not base32: no code can match
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}

// isDigits reports whether s is exactly n ASCII digits.
func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
