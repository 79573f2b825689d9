// Package seal encrypts sensitive personal data at rest (resident ID
// numbers, under PIPL): AES-256-GCM with a random nonce per value, and a
// keyed hash (HMAC-SHA256 under a key derived from the same data key) that
// finds duplicates without decrypting.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"os"
	"strings"
	"sync"
)

// KeySize is the data key's length in bytes.
const KeySize = 32

// Sealer holds the data key. It is safe for concurrent use.
type Sealer struct {
	aead    cipher.AEAD
	hashKey []byte
	// macs holds HMACs under hashKey, reset between uses: keying one
	// (two hashes of the padded key) cost more than the hash of an ID
	// number, and an import hashes a million.
	macs sync.Pool
}

// New makes a sealer from a 32-byte data key.
func New(key []byte) (*Sealer, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("data key: want %d bytes, got %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte("kexie keyed hash v1"))
	sl := &Sealer{aead: aead, hashKey: m.Sum(nil)}
	sl.macs.New = func() any { return hmac.New(sha256.New, sl.hashKey) }
	return sl, nil
}

// ParseKey reads a data key written as base64 (standard or URL) or hex.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, dec := range []func(string) ([]byte, error){
		base64.StdEncoding.DecodeString, base64.RawStdEncoding.DecodeString,
		base64.URLEncoding.DecodeString, base64.RawURLEncoding.DecodeString, hex.DecodeString,
	} {
		if b, err := dec(s); err == nil && len(b) == KeySize {
			return b, nil
		}
	}
	return nil, errors.New("data key: not 32 bytes in base64 or hex")
}

// LoadKeyFile reads a key file written by WriteKeyFile.
func LoadKeyFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseKey(string(b))
}

// WriteKeyFile creates a new random key in path (mode 0600); it refuses to
// overwrite an existing file, whose loss would make every sealed value
// unreadable.
func WriteKeyFile(path string) ([]byte, error) {
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if _, err := f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n"); err != nil {
		f.Close()
		return nil, err
	}
	return key, f.Close()
}

// Seal encrypts a value; the result is text (base64 of nonce + ciphertext).
func (s *Sealer) Seal(plain string) (string, error) {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := s.aead.Seal(nonce, nonce, []byte(plain), nil)
	return base64.StdEncoding.EncodeToString(out), nil
}

// Open decrypts a value from Seal. A wrong key or a changed value is an
// error, never garbage.
func (s *Sealer) Open(sealed string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil || len(b) < s.aead.NonceSize() {
		return "", errors.New("sealed value: malformed")
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, b[:n], b[n:], nil)
	if err != nil {
		return "", errors.New("sealed value: cannot be opened with this key")
	}
	return string(plain), nil
}

// Hash is the keyed hash of a value, hex: equal values hash equal, and
// without the key the hash reveals nothing (an ID number's small space
// would make a plain hash reversible).
func (s *Sealer) Hash(value string) string {
	m := s.macs.Get().(hash.Hash)
	defer s.macs.Put(m)
	m.Reset()
	m.Write([]byte(value))
	var sum [sha256.Size]byte
	return hex.EncodeToString(m.Sum(sum[:0]))
}
