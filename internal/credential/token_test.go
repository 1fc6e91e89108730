package credential

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
)

func TestNewToken(t *testing.T) {
	for _, prefix := range []string{APITokenPrefix, SessionTokenPrefix, ""} {
		tok, hash, err := NewToken(prefix)
		if err != nil {
			t.Fatal(err)
		}
		rest, ok := strings.CutPrefix(tok, prefix)
		if !ok {
			t.Errorf("token %q lacks prefix %q", tok, prefix)
		}
		raw, err := base64.RawURLEncoding.DecodeString(rest)
		if err != nil || len(raw) != 32 {
			t.Errorf("token body %q decodes to %d bytes (%v), want 32", rest, len(raw), err)
		}
		want := sha256.Sum256([]byte(tok))
		if !bytes.Equal(hash, want[:]) || !bytes.Equal(HashToken(tok), want[:]) {
			t.Errorf("hash of %q is not its SHA-256", tok)
		}
		other, _, _ := NewToken(prefix)
		if other == tok {
			t.Errorf("two tokens are equal: %q", tok)
		}
	}
	a, _, _ := NewToken(APITokenPrefix)
	if bytes.Equal(HashToken(a), HashToken(SessionTokenPrefix+strings.TrimPrefix(a, APITokenPrefix))) {
		t.Errorf("an API token and a session token with the same body hash alike")
	}
}

func TestNewCSRFToken(t *testing.T) {
	a, err := NewCSRFToken()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewCSRFToken()
	raw, err := base64.RawURLEncoding.DecodeString(a)
	if err != nil || len(raw) != 32 || a == b {
		t.Errorf("NewCSRFToken = %q, %q; want two different 32-byte base64url tokens (%v)", a, b, err)
	}
}
