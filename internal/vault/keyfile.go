package vault

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"alliance"
)

// keyFileHeader is the first line of every key file; the version lets a later
// format be told apart from this one.
const keyFileHeader = "alliance-master-key v1"

// MasterKeySize is the length in bytes of the master key held in the key file.
const MasterKeySize = 32

// maxKeyFileSize bounds how much of a file is read: a key file is 68 bytes, so
// anything much larger is not one.
const maxKeyFileSize = 4096

// LoadOrCreateMasterKey reads the master key from the key file at path, or, when
// no file exists there, creates one holding a new random key (mode 0600, parent
// directories 0700) and reports created. The file reads
//
//	alliance-master-key v1
//	<base64 of 32 random bytes>
//
// A malformed file, or one that other users can read, is refused with a
// CodeInvalid *alliance.Error that says what is wrong and how to fix it.
func LoadOrCreateMasterKey(path string) (key []byte, created bool, err error) {
	if path == "" {
		return nil, false, alliance.Errorf(alliance.CodeInvalid,
			"no key file given: set ALLIANCE_KEY_FILE to the path of the key file, e.g. /var/lib/alliance/master.key")
	}
	key, err = loadMasterKey(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return key, false, err
	}
	key, err = createMasterKey(path)
	if errors.Is(err, fs.ErrExist) {
		// Another process created the file between our read and our create.
		key, err = loadMasterKey(path)
		return key, false, err
	}
	return key, err == nil, err
}

// loadMasterKey reads and checks an existing key file. A missing file is
// returned as an error wrapping fs.ErrNotExist.
func loadMasterKey(path string) ([]byte, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err != nil {
		return nil, keyFileError(path, err, "cannot be opened; check that the path is right and the file readable by the user running Alliance")
	}
	defer f.Close()
	if err := checkKeyFileMode(path, f); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFileSize+1))
	if err != nil {
		return nil, keyFileError(path, err, "cannot be read")
	}
	if len(data) > maxKeyFileSize {
		return nil, keyFileError(path, nil, "is larger than %d bytes, far larger than a key file; check that ALLIANCE_KEY_FILE names the key file", maxKeyFileSize)
	}
	return parseKeyFile(path, data)
}

// checkKeyFileMode refuses a key file that is not a regular file or that group
// or others may read or write: whoever reads it can decrypt every identity.
func checkKeyFileMode(path string, f *os.File) error {
	st, err := f.Stat()
	if err != nil {
		return keyFileError(path, err, "cannot be examined")
	}
	if !st.Mode().IsRegular() {
		return keyFileError(path, nil, "is not a regular file (it is %s); ALLIANCE_KEY_FILE must name the key file", st.Mode().Type())
	}
	if runtime.GOOS == "windows" {
		return nil // permission bits do not describe Windows ACLs
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return keyFileError(path, nil, "can be accessed by other users (mode %04o); restrict it with: chmod 600 %s", perm, path)
	}
	return nil
}

// parseKeyFile checks the header, the base64 and the length of the key.
func parseKeyFile(path string, data []byte) ([]byte, error) {
	lines := strings.Split(strings.TrimRight(string(data), "\r\n"), "\n")
	if header := strings.TrimRight(lines[0], "\r"); header != keyFileHeader {
		return nil, keyFileError(path, nil, "does not start with the line %q (found %q); this is not an Alliance key file", keyFileHeader, truncate(header, 40))
	}
	if len(lines) < 2 {
		return nil, keyFileError(path, nil, "has no key on line 2; the file is damaged, restore it from your backup")
	}
	if len(lines) > 2 {
		return nil, keyFileError(path, nil, "has unexpected content after line 2; the file is damaged, restore it from your backup")
	}
	key, err := base64.StdEncoding.Strict().DecodeString(strings.TrimSpace(lines[1]))
	if err != nil {
		return nil, keyFileError(path, err, "line 2 is not valid base64; the file is damaged, restore it from your backup")
	}
	if len(key) != MasterKeySize {
		return nil, keyFileError(path, nil, "holds a key of %d bytes, want %d; the file is damaged, restore it from your backup", len(key), MasterKeySize)
	}
	return key, nil
}

// createMasterKey writes a new key file. O_EXCL makes sure an existing key file
// is never overwritten, even by a concurrent start.
func createMasterKey(path string) ([]byte, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, keyFileError(path, err, "cannot be created: its directory cannot be made")
	}
	key := make([]byte, MasterKeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("generate master key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil, err
	}
	if err != nil {
		return nil, keyFileError(path, err, "cannot be created")
	}
	if err := writeKeyFile(f, key); err != nil {
		os.Remove(path) // a half-written key file would be refused at the next start
		return nil, keyFileError(path, err, "cannot be written")
	}
	return key, nil
}

// writeKeyFile writes, syncs and closes f.
func writeKeyFile(f *os.File, key []byte) error {
	var b bytes.Buffer
	b.WriteString(keyFileHeader + "\n")
	b.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	_, err := f.Write(b.Bytes())
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// keyFileError returns a CodeInvalid error whose message names the file.
func keyFileError(path string, cause error, format string, args ...any) error {
	return &alliance.Error{
		Code:    alliance.CodeInvalid,
		Message: "key file " + path + " " + fmt.Sprintf(format, args...),
		Err:     cause,
	}
}

// truncate shortens s for quoting in a message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
