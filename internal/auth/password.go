// Package auth holds the pure pieces of authentication: argon2id password
// hashing, random tokens and their hashes, and the login rate limiter.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/kexie/kexie/internal/kexie"
)

// Params are argon2id cost parameters. The defaults follow OWASP's minimum
// (m=19 MiB, t=2, p=1); stored hashes carry their own parameters so they can
// be raised later without invalidating old hashes.
type Params struct {
	Time    uint32
	Memory  uint32 // KiB
	Threads uint8
	KeyLen  uint32
	SaltLen int
}

// DefaultParams is the cost used for new hashes.
var DefaultParams = Params{Time: 2, Memory: 19 * 1024, Threads: 1, KeyLen: 32, SaltLen: 16}

// Password length limits, in characters (not bytes: a Chinese character is
// three bytes in UTF-8 and counts once).
const (
	MinPasswordLen = 10
	MaxPasswordLen = 1024
)

// CheckPassword enforces the password policy on a new password.
func CheckPassword(pw string) error {
	if !utf8.ValidString(pw) {
		return kexie.Errorf(kexie.CodeInvalid, "err.password_encoding", "password is not valid UTF-8")
	}
	n := utf8.RuneCountInString(pw)
	if n < MinPasswordLen {
		return kexie.Errorf(kexie.CodeInvalid, "err.password_short", "password must have at least %d characters", MinPasswordLen)
	}
	if n > MaxPasswordLen {
		return kexie.Errorf(kexie.CodeInvalid, "err.password_long", "password must have at most %d characters", MaxPasswordLen)
	}
	return nil
}

// HashPassword returns a PHC-format argon2id hash of pw.
func HashPassword(pw string) (string, error) {
	return hashWith(pw, DefaultParams)
}

func hashWith(pw string, p Params) (string, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword reports whether pw matches a hash from HashPassword. A
// malformed hash is an error, not a mismatch, so corruption is noticed.
func VerifyPassword(pw, encoded string) (bool, error) {
	p, salt, key, err := decodeHash(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash reports whether a stored hash is weaker than DefaultParams.
func NeedsRehash(encoded string) bool {
	p, _, _, err := decodeHash(encoded)
	return err != nil || p.Time < DefaultParams.Time || p.Memory < DefaultParams.Memory
}

func decodeHash(encoded string) (Params, []byte, []byte, error) {
	var p Params
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, fmt.Errorf("password hash: not an argon2id PHC string")
	}
	// Exactly as HashPassword writes them: Sscanf alone would take
	// "v=19A" or trailing garbage.
	if parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, nil, nil, fmt.Errorf("password hash: unsupported version %q", parts[2])
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil ||
		parts[3] != fmt.Sprintf("m=%d,t=%d,p=%d", p.Memory, p.Time, p.Threads) {
		return p, nil, nil, fmt.Errorf("password hash: parameters %q", parts[3])
	}
	if p.Time < 1 || p.Threads < 1 || p.Memory < 8*uint32(p.Threads) {
		return p, nil, nil, fmt.Errorf("password hash: parameters %q out of range", parts[3])
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return p, nil, nil, fmt.Errorf("password hash: salt of %d bytes: %v", len(salt), err)
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 {
		// A short key would match a wrong password by chance.
		return p, nil, nil, fmt.Errorf("password hash: key of %d bytes: %v", len(key), err)
	}
	return p, salt, key, nil
}

// dummyHash is verified against when a login names no existing user, so the
// response takes as long as for a wrong password and does not reveal which
// accounts exist.
var dummyHash, _ = HashPassword("kexie-timing-equaliser")

// BurnPasswordCheck spends the time of one password verification.
func BurnPasswordCheck(pw string) { _, _ = VerifyPassword(pw, dummyHash) }

// NewToken returns a random token of 256 bits, URL-safe, with a prefix naming
// its kind (so a leaked token is recognisable by secret scanners).
func NewToken(prefix string) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// TokenHash is what storage keeps of a session or API token: its SHA-256,
// hex. Tokens have 256 bits of entropy, so no salt or slow hash is needed.
func TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// GeneratePassword returns a random password for one-time use, from an
// alphabet without look-alike characters.
func GeneratePassword() (string, error) {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("password: %w", err)
	}
	out := make([]byte, len(b))
	for i, c := range b {
		// 256 % 56 != 0 gives a slight bias, negligible at 20 characters
		// (over 110 bits of entropy either way).
		out[i] = alphabet[int(c)%len(alphabet)]
	}
	return string(out), nil
}
