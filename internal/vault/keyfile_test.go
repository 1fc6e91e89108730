package vault

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"alliance"
)

func TestLoadOrCreateMasterKeyCreatesThenLoads(t *testing.T) {
	path := filepath.Join(t.TempDir(), "etc", "alliance", "master.key")
	key, created, err := LoadOrCreateMasterKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if !created || len(key) != MasterKeySize {
		t.Fatalf("first call: created=%v, len(key)=%d; want true, %d", created, len(key), MasterKeySize)
	}
	if bytes.Equal(key, make([]byte, MasterKeySize)) {
		t.Errorf("created key is all zeros")
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode = %04o, want 0600", st.Mode().Perm())
	}
	data, _ := os.ReadFile(path)
	want := "alliance-master-key v1\n" + base64.StdEncoding.EncodeToString(key) + "\n"
	if string(data) != want {
		t.Errorf("key file content = %q, want %q", data, want)
	}
	again, created, err := LoadOrCreateMasterKey(path)
	if err != nil || created || !bytes.Equal(again, key) {
		t.Errorf("second call = %x, created=%v, %v; want the same key, false, nil", again, created, err)
	}
	other, _, _ := LoadOrCreateMasterKey(filepath.Join(t.TempDir(), "other.key"))
	if bytes.Equal(other, key) {
		t.Errorf("two created key files hold the same key")
	}
}

func TestLoadMasterKeyRefusesMalformedFiles(t *testing.T) {
	good := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{9}, 32))
	tests := []struct {
		name, content string
		want          []string
	}{
		{"empty", "", []string{`does not start with the line "alliance-master-key v1"`, "not an Alliance key file"}},
		{"wrong header", "alliance-master-key v2\n" + good + "\n", []string{`found "alliance-master-key v2"`}},
		{"raw key", good + "\n", []string{"not an Alliance key file"}},
		{"no key", "alliance-master-key v1\n", []string{"no key on line 2"}},
		{"bad base64", "alliance-master-key v1\nnot*base64!\n", []string{"line 2 is not valid base64"}},
		{"short key", "alliance-master-key v1\n" + base64.StdEncoding.EncodeToString(make([]byte, 16)) + "\n", []string{"key of 16 bytes, want 32"}},
		{"long key", "alliance-master-key v1\n" + base64.StdEncoding.EncodeToString(make([]byte, 33)) + "\n", []string{"key of 33 bytes, want 32"}},
		{"extra line", "alliance-master-key v1\n" + good + "\nmore\n", []string{"unexpected content after line 2"}},
		{"huge", strings.Repeat("x", 5000), []string{"far larger than a key file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "master.key")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			key, _, err := LoadOrCreateMasterKey(path)
			checkKeyFileError(t, err, path, tt.want...)
			if key != nil {
				t.Errorf("key = %x, want nil", key)
			}
			if data, _ := os.ReadFile(path); string(data) != tt.content {
				t.Errorf("the malformed file was changed to %q", data)
			}
		})
	}
}

func TestLoadMasterKeyAcceptsCRLF(t *testing.T) {
	key := bytes.Repeat([]byte{5}, 32)
	path := filepath.Join(t.TempDir(), "master.key")
	content := "alliance-master-key v1\r\n" + base64.StdEncoding.EncodeToString(key) + "\r\n"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	got, created, err := LoadOrCreateMasterKey(path)
	if err != nil || created || !bytes.Equal(got, key) {
		t.Errorf("LoadOrCreateMasterKey = %x, %v, %v; want %x, false, nil", got, created, err, key)
	}
}

func TestLoadMasterKeyRefusesOpenPermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("permission bits do not apply")
	}
	for _, mode := range []os.FileMode{0o640, 0o604, 0o660, 0o644, 0o602} {
		path := filepath.Join(t.TempDir(), "master.key")
		if _, _, err := LoadOrCreateMasterKey(path); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		_, _, err := LoadOrCreateMasterKey(path)
		checkKeyFileError(t, err, path, "chmod 600 "+path)
	}
}

func TestLoadMasterKeyRefusesDirectory(t *testing.T) {
	dir := t.TempDir()
	_, _, err := LoadOrCreateMasterKey(dir)
	checkKeyFileError(t, err, dir, "not a regular file")
}

func TestLoadMasterKeyRefusesEmptyPath(t *testing.T) {
	_, _, err := LoadOrCreateMasterKey("")
	checkKeyFileError(t, err, "ALLIANCE_KEY_FILE", "no key file given")
}

// checkKeyFileError checks that err is CodeInvalid and that its user-facing
// message names the file and contains each of want.
func checkKeyFileError(t *testing.T, err error, path string, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one containing %q", want)
	}
	if got := alliance.ErrorCode(err); got != alliance.CodeInvalid {
		t.Errorf("error code = %s, want %s (%v)", got, alliance.CodeInvalid, err)
	}
	msg := alliance.ErrorMessage(err)
	for _, w := range append(want, path) {
		if !strings.Contains(msg, w) {
			t.Errorf("message %q does not contain %q", msg, w)
		}
	}
}
