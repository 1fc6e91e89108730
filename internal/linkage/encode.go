package linkage

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"runtime"
	"sync"
)

// MinSecretBytes is the shortest secret accepted: 256 bits, as HMAC-SHA256 keys.
const MinSecretBytes = 32

// label prefixes every key derivation, so that keys of this scheme never collide
// with keys derived from the same secret for something else.
const label = "alliance/linkage/v1\x00"

// ParseSecret reads the shared secret from the contents of a secret file: leading
// and trailing white space (a final newline) is ignored, and the rest must be at
// least MinSecretBytes long.
func ParseSecret(data []byte) ([]byte, error) {
	s := bytes.TrimSpace(data)
	switch {
	case len(s) == 0:
		return nil, fmt.Errorf("the secret is empty; write at least %d random bytes, e.g. `openssl rand -base64 32`", MinSecretBytes)
	case len(s) < MinSecretBytes:
		return nil, fmt.Errorf("the secret is %d bytes; at least %d are needed, e.g. `openssl rand -base64 32`", len(s), MinSecretBytes)
	}
	return s, nil
}

// SecretFingerprint identifies a secret without revealing it: 128 bits of an HMAC
// of a fixed label. Two .clk files with the same fingerprint were made with the same
// secret.
func SecretFingerprint(secret []byte) string {
	return hex.EncodeToString(derive(secret, "fingerprint")[:16])
}

func derive(secret []byte, parts ...string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(label))
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return m.Sum(nil)
}

// Encoder turns records into filters under one schema and secret. It is safe for
// concurrent use.
type Encoder struct {
	schema   *Schema
	keys     [][]byte // per field
	cols     [][]int  // per field: indexes into the record's values
	salt     []int    // per field: index of the salt column, or -1
	baseBits int      // bits before folding and balancing
	perm     []uint32 // balancing permutation of FilterBits positions
	fp       string
	pool     sync.Pool
}

// NewEncoder returns an encoder for records whose values come in the order of
// s.Columns().
func NewEncoder(s *Schema, secret []byte) (*Encoder, error) {
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	if _, err := ParseSecret(secret); err != nil {
		return nil, err
	}
	e := &Encoder{schema: s, fp: SecretFingerprint(secret), baseBits: s.FilterBits}
	cols := s.Columns()
	index := func(c string) int {
		for i, x := range cols {
			if x == c {
				return i
			}
		}
		return -1
	}
	for _, f := range s.Fields {
		e.keys = append(e.keys, derive(secret, "field", f.Name))
		var ci []int
		for _, c := range f.Columns {
			ci = append(ci, index(c))
		}
		e.cols = append(e.cols, ci)
		e.salt = append(e.salt, map[bool]int{true: index(f.Salt), false: -1}[f.Salt != ""])
	}
	if s.Hardening.XORFold {
		e.baseBits *= 2
	}
	if s.Hardening.Balance {
		e.baseBits /= 2
		e.perm = permutation(derive(secret, "balance"), s.FilterBits)
	}
	e.pool.New = func() any { return e.newState() }
	return e, nil
}

// Schema returns the encoder's schema.
func (e *Encoder) Schema() *Schema { return e.schema }

// SecretFingerprint returns the fingerprint of the encoder's secret.
func (e *Encoder) SecretFingerprint() string { return e.fp }

// Words returns the length of a filter in 64-bit words.
func (e *Encoder) Words() int { return e.schema.FilterBits / 64 }

// permutation returns a keyed pseudo-random permutation of 0..n-1 (Fisher–Yates
// driven by HMAC-SHA256 in counter mode).
func permutation(key []byte, n int) []uint32 {
	p := make([]uint32, n)
	for i := range p {
		p[i] = uint32(i)
	}
	m := hmac.New(sha256.New, key)
	var block []byte
	var ctr [8]byte
	for i := n - 1; i > 0; i-- {
		if len(block) < 8 {
			binary.BigEndian.PutUint64(ctr[:], binary.BigEndian.Uint64(ctr[:])+1)
			m.Reset()
			m.Write(ctr[:])
			block = m.Sum(nil)
		}
		j := binary.BigEndian.Uint64(block) % uint64(i+1)
		block = block[8:]
		p[i], p[j] = p[j], p[i]
	}
	return p
}

// state is the scratch space of one goroutine.
type state struct {
	macs   []hash.Hash
	fs     features
	values []string
	msg    []byte
	sum    []byte
	base   []uint64
	fold   []uint64
}

func (e *Encoder) newState() *state {
	st := &state{base: make([]uint64, e.baseBits/64), fold: make([]uint64, e.schema.FilterBits/64)}
	for _, k := range e.keys {
		st.macs = append(st.macs, hmac.New(sha256.New, k))
	}
	return st
}

// Encode writes the filter of one record into dst, which must hold Words() words.
// values are the record's values in the order of Schema().Columns().
func (e *Encoder) Encode(values []string, dst []uint64) {
	st := e.pool.Get().(*state)
	e.encode(st, values, dst)
	e.pool.Put(st)
}

func (e *Encoder) encode(st *state, values []string, dst []uint64) {
	clear(st.base)
	for i := range e.schema.Fields {
		f := &e.schema.Fields[i]
		st.values = st.values[:0]
		for _, c := range e.cols[i] {
			st.values = append(st.values, values[c])
		}
		st.fs.reset()
		f.extract(&st.fs, st.values)
		salt := ""
		if e.salt[i] >= 0 {
			salt = foldSalt(values[e.salt[i]])
		}
		for j := range st.fs.len() {
			e.setBits(st, i, st.fs.at(j), salt, f.BitsPerFeature)
		}
	}
	e.harden(st, dst)
}

// setBits sets the k bits of one feature: HMAC-SHA256 under the field's key of the
// feature (and salt) gives 16 positions per digest; more digests, with a counter,
// when k > 16. Each position is a 16-bit value scaled to the filter length.
func (e *Encoder) setBits(st *state, field int, feature []byte, salt string, k int) {
	m := st.macs[field]
	for ctr := 0; k > 0; ctr++ {
		st.msg = append(append(append(st.msg[:0], feature...), 0), salt...)
		if ctr > 0 {
			st.msg = append(st.msg, 0, byte(ctr))
		}
		m.Reset()
		m.Write(st.msg)
		st.sum = m.Sum(st.sum[:0])
		for i := 0; i < 16 && k > 0; i, k = i+1, k-1 {
			pos := uint32(binary.LittleEndian.Uint16(st.sum[2*i:])) * uint32(e.baseBits) >> 16
			st.base[pos/64] |= 1 << (pos % 64)
		}
	}
}

// harden applies XOR-folding and balancing and writes the result to dst.
func (e *Encoder) harden(st *state, dst []uint64) {
	x := st.base
	if e.schema.Hardening.XORFold {
		half := len(x) / 2
		for i := range half {
			st.fold[i] = x[i] ^ x[i+half]
		}
		x = st.fold[:half]
	}
	if !e.schema.Hardening.Balance {
		copy(dst, x)
		return
	}
	n := len(x) * 64
	clear(dst)
	for j := range 2 * n {
		bit := x[j%n/64] >> (j % 64) & 1
		if j >= n {
			bit ^= 1
		}
		p := e.perm[j]
		dst[p/64] |= bit << (p % 64)
	}
}

// EncodeAll encodes rows on every core and returns their filters, one after the
// other. progress, when not nil, is called now and then with the number of rows done.
func (e *Encoder) EncodeAll(rows [][]string, progress func(done int)) []uint64 {
	w := e.Words()
	out := make([]uint64, len(rows)*w)
	const chunk = 1024
	var next, done sync.Mutex
	pos, finished := 0, 0
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			st := e.newState()
			for {
				next.Lock()
				lo := pos
				pos += chunk
				next.Unlock()
				if lo >= len(rows) {
					return
				}
				hi := min(lo+chunk, len(rows))
				for i := lo; i < hi; i++ {
					e.encode(st, rows[i], out[i*w:(i+1)*w])
				}
				if progress != nil {
					done.Lock()
					finished += hi - lo
					progress(finished)
					done.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return out
}

// foldSalt normalises a salt value as exact fields are normalised.
func foldSalt(v string) string {
	var fs features
	(&Field{Kind: KindExact}).extract(&fs, []string{v})
	if fs.len() == 0 {
		return ""
	}
	return string(fs.at(0)[1:])
}
