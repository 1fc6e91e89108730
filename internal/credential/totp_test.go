package credential

import (
	"bytes"
	"encoding/base32"
	"encoding/base64"
	"image/color"
	"image/png"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

// rfcSecret is the SHA-1 seed of the RFC 6238 test vectors, in base32.
var rfcSecret = base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))

func TestValidateTOTPRFC6238Vectors(t *testing.T) {
	tests := []struct {
		unix int64
		code string // the last six digits of the RFC's eight
	}{
		{59, "287082"},
		{1111111109, "081804"},
		{1111111111, "050471"},
		{1234567890, "005924"},
		{2000000000, "279037"},
		{20000000000, "353130"},
	}
	for _, tt := range tests {
		step, ok := ValidateTOTP(rfcSecret, tt.code, time.Unix(tt.unix, 0))
		if !ok || step != tt.unix/30 {
			t.Errorf("ValidateTOTP(%s at %d) = %d, %v; want %d, true", tt.code, tt.unix, step, ok, tt.unix/30)
		}
	}
}

func TestValidateTOTPSkewAndInput(t *testing.T) {
	at := time.Unix(1111111109, 0) // step 37037036, code 081804
	const want = 37037036
	tests := []struct {
		name string
		code string
		now  time.Time
		ok   bool
	}{
		{"exact", "081804", at, true},
		{"one step late", "081804", at.Add(30 * time.Second), true},
		{"one step early", "081804", at.Add(-30 * time.Second), true},
		{"two steps late", "081804", at.Add(60 * time.Second), false},
		{"two steps early", "081804", at.Add(-60 * time.Second), false},
		{"spaces", "081 804", at, true},
		{"padded", " 0 8 1 8 0 4\t", at, true},
		{"wrong", "081805", at, false},
		{"five digits", "81804", at, false},
		{"seven digits", "0818040", at, false},
		{"letters", "08180a", at, false},
		{"full-width digits", "０８１８０４", at, false},
		{"empty", "", at, false},
	}
	for _, tt := range tests {
		step, ok := ValidateTOTP(rfcSecret, tt.code, tt.now)
		if ok != tt.ok || (ok && step != want) {
			t.Errorf("%s: ValidateTOTP(%q) = %d, %v; want ok=%v (step %d)", tt.name, tt.code, step, ok, tt.ok, want)
		}
	}
	if _, ok := ValidateTOTP("not base32!", "081804", at); ok {
		t.Errorf("ValidateTOTP with a malformed secret = ok")
	}
}

func TestNewTOTP(t *testing.T) {
	secret, u, err := NewTOTP("Alliance", "amina@example.org")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil || len(raw) != 20 {
		t.Errorf("secret %q decodes to %d bytes (%v), want 20", secret, len(raw), err)
	}
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	q := p.Query()
	got := []string{p.Scheme, p.Host, p.Path, q.Get("secret"), q.Get("issuer"), q.Get("digits"), q.Get("period"), q.Get("algorithm")}
	want := []string{"otpauth", "totp", "/Alliance:amina@example.org", secret, "Alliance", "6", "30", "SHA1"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("otpauth URL %q parts = %q, want %q", u, got, want)
	}
	now := time.Now()
	code, err := totp.GenerateCode(secret, now)
	if err != nil {
		t.Fatal(err)
	}
	if step, ok := ValidateTOTP(secret, code, now); !ok || step != now.Unix()/30 {
		t.Errorf("ValidateTOTP(code of new secret) = %d, %v; want %d, true", step, ok, now.Unix()/30)
	}
	other, _, _ := NewTOTP("Alliance", "amina@example.org")
	if other == secret {
		t.Errorf("two NewTOTP calls gave the same secret")
	}
	if _, _, err := NewTOTP("", "amina@example.org"); err == nil {
		t.Errorf("NewTOTP without issuer: got no error")
	}
}

func TestTOTPQRCodeDataURI(t *testing.T) {
	_, u, err := NewTOTP("Alliance", "amina@example.org")
	if err != nil {
		t.Fatal(err)
	}
	uri, err := TOTPQRCodeDataURI(u)
	if err != nil {
		t.Fatal(err)
	}
	const prefix = "data:image/png;base64,"
	if !strings.HasPrefix(uri, prefix) {
		t.Fatalf("data URI starts %q, want %q", uri[:min(len(uri), 30)], prefix)
	}
	data, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(uri, prefix))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 240 || b.Dy() != 240 {
		t.Errorf("QR code is %dx%d, want 240x240", b.Dx(), b.Dy())
	}
	dark, light := 0, 0
	for y := 0; y < 240; y += 3 {
		for x := 0; x < 240; x += 3 {
			if g := color.GrayModel.Convert(img.At(x, y)).(color.Gray); g.Y < 128 {
				dark++
			} else {
				light++
			}
		}
	}
	if dark < 500 || light < 500 {
		t.Errorf("QR code has %d dark and %d light samples, want both well represented", dark, light)
	}
	other, _ := TOTPQRCodeDataURI(u + "x")
	if other == uri {
		t.Errorf("different URLs render the same QR code")
	}
	if _, err := TOTPQRCodeDataURI(strings.Repeat("x", 3000)); err == nil {
		t.Errorf("a URL too long for a 240-pixel QR code gave no error")
	}
}
