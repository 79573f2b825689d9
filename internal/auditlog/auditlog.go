// Package auditlog holds the pure rules of the audit log: the canonical
// content of an entry, the hash chain over entries, and the masking of
// sensitive fields. Storage appends entries; this package says what they are.
package auditlog

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Genesis is the previous-hash of the first entry.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// Entry is one audit record: who did what to which object, before and
// after, when and from where.
type Entry struct {
	Seq        int64     `json:"seq"`
	At         time.Time `json:"at"`
	ActorID    int64     `json:"actor_id"`
	Actor      string    `json:"actor"`
	Source     string    `json:"source"`
	Action     string    `json:"action"`
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	OrgID      int64     `json:"org_id"`
	Before     string    `json:"before"` // JSON, sensitive fields masked; "" when none
	After      string    `json:"after"`
	PrevHash   string    `json:"prev_hash"`
	Hash       string    `json:"hash"`
}

// Normalize brings At to the precision and zone both databases store
// (UTC, microseconds), so the hash computed before insert matches the one
// recomputed from what is read back.
func Normalize(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// ComputeHash is SHA-256 over the previous entry's hash and this entry's
// content in a fixed canonical form (a JSON array in field order, so no
// field boundary is ambiguous).
func ComputeHash(e Entry) string {
	content, _ := json.Marshal([]any{
		e.PrevHash, e.Seq, Normalize(e.At).Format(time.RFC3339Nano), e.ActorID, e.Actor, e.Source,
		e.Action, e.ObjectType, e.ObjectID, e.OrgID, e.Before, e.After,
	})
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:])
}

// Chain checks entries one at a time, in sequence order, as they stream from
// storage. The zero value expects the first entry.
type Chain struct {
	prevHash string
	prevSeq  int64
	count    int64
}

// Next checks e against the entries seen so far and returns a description of
// the first defect, or nil.
func (c *Chain) Next(e Entry) error {
	prev := c.prevHash
	if c.count == 0 {
		prev = Genesis
	}
	switch {
	case e.Seq != c.prevSeq+1:
		return fmt.Errorf("entry %d: sequence gap after entry %d (entries removed or inserted)", e.Seq, c.prevSeq)
	case e.PrevHash != prev:
		return fmt.Errorf("entry %d: previous-hash does not match entry %d", e.Seq, c.prevSeq)
	case ComputeHash(e) != e.Hash:
		return fmt.Errorf("entry %d: content does not match its hash (entry altered)", e.Seq)
	}
	c.prevHash, c.prevSeq = e.Hash, e.Seq
	c.count++
	return nil
}

// Count is the number of entries verified so far.
func (c *Chain) Count() int64 { return c.count }

// sensitive names the fields whose values never reach the audit log in
// clear: exact field names, so flags such as must_change_password or counts
// such as tokens_revoked stay readable. A new sensitive field is added here.
var sensitive = map[string]bool{
	"password": true, "password_hash": true, "token": true, "token_hash": true, "secret": true,
	"id_number": true, "id_number_hash": true, "data_key": true,
}

// Mask is what a sensitive value is replaced with.
const Mask = "***"

// Snapshot renders an object's state as JSON for Before/After, masking
// sensitive fields. nil gives "".
func Snapshot(fields map[string]any) string {
	if fields == nil {
		return ""
	}
	out := make(map[string]any, len(fields))
	for k, v := range fields {
		if isSensitive(k) && v != nil && v != "" {
			out[k] = Mask
		} else {
			out[k] = v
		}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return fmt.Sprintf(`{"error":%q}`, err.Error())
	}
	return string(b)
}

func isSensitive(field string) bool { return sensitive[strings.ToLower(field)] }
