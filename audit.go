package alliance

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"time"
)

// Outcome says how an audited action ended.
type Outcome string

// Audit outcomes.
const (
	OutcomeSuccess Outcome = "success"
	OutcomeDenied  Outcome = "denied"  // refused by the policy
	OutcomeFailure Outcome = "failure" // attempted and failed, e.g. a wrong password
)

// AuditEntry is one line of the append-only, hash-chained audit log. Hash is an
// HMAC-SHA256, keyed with a key derived from the deployment's key file, over the
// previous entry's hash and every field of this entry: whoever can edit the
// database but does not hold the key file cannot rewrite the chain unnoticed.
type AuditEntry struct {
	Seq          int64     `json:"seq"`
	Time         time.Time `json:"time"`
	ActorUserID  int64     `json:"actor_user_id,omitempty"` // 0: the system or an anonymous caller
	ActorOrgID   int64     `json:"actor_org_id,omitempty"`
	Action       string    `json:"action"` // e.g. "login", "user.create"
	ResourceType string    `json:"resource_type,omitempty"`
	ResourceID   string    `json:"resource_id,omitempty"`
	ResourceOrg  int64     `json:"resource_org_id,omitempty"`
	RemoteAddr   string    `json:"remote_addr,omitempty"`
	Outcome      Outcome   `json:"outcome"`
	Detail       string    `json:"detail,omitempty"` // never personal data
	PrevHash     []byte    `json:"prev_hash"`
	Hash         []byte    `json:"hash"`
}

// AuditChainer computes the hashes of the audit chain.
type AuditChainer struct{ key []byte }

// NewAuditChainer returns a chainer keyed with key (32 bytes).
func NewAuditChainer(key []byte) *AuditChainer { return &AuditChainer{key: key} }

// Seal sets e.PrevHash to prev and computes e.Hash.
func (c *AuditChainer) Seal(e *AuditEntry, prev []byte) {
	e.PrevHash = append([]byte(nil), prev...)
	e.Hash = c.sum(e)
}

func (c *AuditChainer) sum(e *AuditEntry) []byte {
	m := hmac.New(sha256.New, c.key)
	var b bytes.Buffer
	writeField := func(s string) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		b.Write(n[:])
		b.WriteString(s)
	}
	writeInt := func(i int64) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(i))
		b.Write(n[:])
	}
	writeInt(e.Seq)
	writeInt(e.Time.UTC().UnixMicro())
	writeInt(e.ActorUserID)
	writeInt(e.ActorOrgID)
	writeField(e.Action)
	writeField(e.ResourceType)
	writeField(e.ResourceID)
	writeInt(e.ResourceOrg)
	writeField(e.RemoteAddr)
	writeField(string(e.Outcome))
	writeField(e.Detail)
	writeField(string(e.PrevHash))
	m.Write(b.Bytes())
	return m.Sum(nil)
}

// ChainVerifier checks audit entries one by one, in sequence order.
type ChainVerifier struct {
	c       *AuditChainer
	prevSeq int64
	prev    []byte
	n       int64
}

// NewChainVerifier returns a verifier for a chain that starts at sequence 1.
func (c *AuditChainer) NewChainVerifier() *ChainVerifier { return &ChainVerifier{c: c} }

// Check verifies the next entry and returns an error that names the first entry
// that was altered, inserted or follows a removed one.
func (v *ChainVerifier) Check(e *AuditEntry) error {
	switch {
	case e.Seq != v.prevSeq+1 && e.Seq > v.prevSeq+1:
		return fmt.Errorf("audit entry %d: entries %d to %d were removed", e.Seq, v.prevSeq+1, e.Seq-1)
	case e.Seq <= v.prevSeq:
		return fmt.Errorf("audit entry %d: out of sequence after entry %d (inserted)", e.Seq, v.prevSeq)
	case !bytes.Equal(e.PrevHash, v.prev):
		return fmt.Errorf("audit entry %d: does not follow entry %d (inserted, or the previous entry was removed or replaced)", e.Seq, v.prevSeq)
	case !hmac.Equal(e.Hash, v.c.sum(e)):
		return fmt.Errorf("audit entry %d: altered (its content does not match its hash)", e.Seq)
	}
	v.prevSeq, v.prev = e.Seq, e.Hash
	v.n++
	return nil
}

// Verified returns how many entries have passed Check.
func (v *ChainVerifier) Verified() int64 { return v.n }

// AuditFilter selects audit entries for the audit page and API.
type AuditFilter struct {
	// OrgID 0 selects every organisation (superadmin only). Otherwise it selects
	// the entries about a resource of that organisation, and those of its
	// members about any resource: what a superadmin does in another organisation
	// shows there as well as at home, and an organisation's administrator sees
	// what its staff read of cases referred to it.
	OrgID        int64
	ActorUserID  int64
	ResourceType string
	ResourceID   string
	Since, Until time.Time
	BeforeSeq    int64 // keyset pagination: entries with Seq < BeforeSeq; 0 = newest
	Limit        int
}
