package credential

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

func TestHashPasswordFormat(t *testing.T) {
	h, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !re.MatchString(h) {
		t.Errorf("HashPassword = %q, want a match for %s", h, re)
	}
	h2, _ := HashPassword("correct horse battery staple")
	if h == h2 {
		t.Errorf("two hashes of one password are equal (%q): the salt is not random", h)
	}
}

func TestVerifyPassword(t *testing.T) {
	const pw = "correct horse battery staple"
	h, err := HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		pw   string
		want bool
	}{
		{pw, true},
		{"correct horse battery stapl", false},
		{"Correct horse battery staple", false},
		{pw + " ", false},
		{"", false},
	}
	for _, tt := range tests {
		got, err := VerifyPassword(h, tt.pw)
		if err != nil || got != tt.want {
			t.Errorf("VerifyPassword(h, %q) = %v, %v; want %v, nil", tt.pw, got, err, tt.want)
		}
	}
}

// TestVerifyPasswordReadsParameters checks a hash made with other parameters,
// computed here independently, so that raising the defaults later keeps old
// hashes working.
func TestVerifyPasswordReadsParameters(t *testing.T) {
	salt := []byte("0123456789abcdef")
	key := argon2.IDKey([]byte("hunter2hunter2"), salt, 1, 64, 2, 24)
	h := "$argon2id$v=19$m=64,t=1,p=2$" + b64.EncodeToString(salt) + "$" + b64.EncodeToString(key)
	if ok, err := VerifyPassword(h, "hunter2hunter2"); !ok || err != nil {
		t.Errorf("VerifyPassword(m=64,t=1,p=2 hash) = %v, %v; want true, nil", ok, err)
	}
	wrongParams := strings.Replace(h, "t=1", "t=2", 1)
	if ok, err := VerifyPassword(wrongParams, "hunter2hunter2"); ok || err != nil {
		t.Errorf("VerifyPassword with t changed = %v, %v; want false, nil", ok, err)
	}
}

func TestVerifyPasswordMalformed(t *testing.T) {
	good, _ := HashPassword("correct horse battery staple")
	parts := strings.Split(good, "$")
	with := func(i int, s string) string {
		p := append([]string(nil), parts...)
		p[i] = s
		return strings.Join(p, "$")
	}
	tests := []struct {
		name, hash, want string
	}{
		{"empty", "", "5 fields"},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", "5 fields"},
		{"argon2i", with(1, "argon2i"), `algorithm "argon2i"`},
		{"version", with(2, "v=16"), `version "v=16"`},
		{"params order", with(3, "t=2,m=19456,p=1"), `want m=`},
		{"two params", with(3, "m=19456,t=2"), "want m=…,t=…,p=…"},
		{"zero time", with(3, "m=19456,t=0,p=1"), "t=\"0\""},
		{"zero threads", with(3, "m=19456,t=2,p=0"), "p=\"0\""},
		{"huge memory", with(3, "m=4294967295,t=2,p=1"), "m=\"4294967295\""},
		{"leading zero", with(3, "m=019456,t=2,p=1"), "m=\"019456\""},
		{"sign", with(3, "m=+19456,t=2,p=1"), "m=\"+19456\""},
		{"memory per lane", with(3, "m=8,t=2,p=2"), "8 KiB per lane"},
		{"padded salt", with(4, parts[4]+"=="), "salt is not unpadded base64"},
		{"short salt", with(4, "AAAA"), "salt of 3 bytes"},
		{"short hash", with(5, "AAAA"), "hash of 3 bytes"},
		{"bad hash", with(5, "!!!!"), "hash is not unpadded base64"},
		{"newline in hash", with(5, parts[5][:10]+"\r\n"+parts[5][10:]), "hash is not unpadded base64"},
		{"extra field", good + "$x", "5 fields"},
		{"leading text", "x" + good, "5 fields"},
	}
	for _, tt := range tests {
		ok, err := VerifyPassword(tt.hash, "correct horse battery staple")
		if ok || !errors.Is(err, ErrMalformedHash) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: VerifyPassword = %v, %v; want false and a malformed-hash error containing %q", tt.name, ok, err, tt.want)
		}
		if !NeedsRehash(tt.hash) {
			t.Errorf("%s: NeedsRehash = false, want true for a hash that cannot be parsed", tt.name)
		}
	}
}

func TestNeedsRehash(t *testing.T) {
	salt16, salt8 := b64.EncodeToString(make([]byte, 16)), b64.EncodeToString(make([]byte, 8))
	key32, key16 := b64.EncodeToString(make([]byte, 32)), b64.EncodeToString(make([]byte, 16))
	current, _ := HashPassword("x")
	tests := []struct {
		hash string
		want bool
	}{
		{current, false},
		{"$argon2id$v=19$m=19456,t=2,p=1$" + salt16 + "$" + key32, false},
		{"$argon2id$v=19$m=65536,t=3,p=4$" + salt16 + "$" + key32, false},
		{"$argon2id$v=19$m=19455,t=2,p=1$" + salt16 + "$" + key32, true},
		{"$argon2id$v=19$m=19456,t=1,p=1$" + salt16 + "$" + key32, true},
		{"$argon2id$v=19$m=19456,t=2,p=1$" + salt8 + "$" + key32, true},
		{"$argon2id$v=19$m=19456,t=2,p=1$" + salt16 + "$" + key16, true},
	}
	for _, tt := range tests {
		if got := NeedsRehash(tt.hash); got != tt.want {
			t.Errorf("NeedsRehash(%q) = %v, want %v", tt.hash, got, tt.want)
		}
	}
}

func FuzzVerifyPassword(f *testing.F) {
	good, _ := HashPassword("pw")
	f.Add(good, "pw")
	f.Add("$argon2id$v=19$m=64,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA", "")
	f.Add("$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", "x")
	f.Add("$$$$$", "")
	f.Fuzz(func(t *testing.T, encoded, pw string) {
		h, err := parsePHC(encoded)
		if err != nil {
			if !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("parsePHC(%q) error %v does not wrap ErrMalformedHash", encoded, err)
			}
			return
		}
		if h.String() != encoded {
			t.Fatalf("parsePHC(%q) formats back as %q", encoded, h.String())
		}
		if h.memory > 4096 || h.time > 4 {
			return // valid but too slow to verify on every fuzz input
		}
		ok, err := VerifyPassword(encoded, pw)
		if err != nil {
			t.Fatalf("VerifyPassword(%q) = %v after parsePHC accepted it", encoded, err)
		}
		if want := h.key; ok != (string(h.derive(pw, uint32(len(want)))) == string(want)) {
			t.Fatalf("VerifyPassword(%q, %q) = %v, disagrees with the derived key", encoded, pw, ok)
		}
	})
}

func BenchmarkHashPassword(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := HashPassword("correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyPassword(b *testing.B) {
	h, _ := HashPassword("correct horse battery staple")
	b.ReportAllocs()
	for b.Loop() {
		if ok, _ := VerifyPassword(h, "correct horse battery staple"); !ok {
			b.Fatal("VerifyPassword = false")
		}
	}
}
