package kexie

import (
	"net/mail"
	"strings"
	"unicode/utf8"
)

// NormalizeUsername lower-cases and trims a user name and checks it: 3 to 64
// characters from a-z, 0-9 and . _ - @ (so an e-mail address also works as a
// user name). Names are compared in this form everywhere.
func NormalizeUsername(s string) (string, error) {
	u := strings.ToLower(strings.TrimSpace(s))
	if n := utf8.RuneCountInString(u); n < 3 || n > 64 {
		return "", Errorf(CodeInvalid, "err.username_length", "user name must have 3 to 64 characters")
	}
	for _, r := range u {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("._-@", r)
		if !ok {
			return "", Errorf(CodeInvalid, "err.username_chars", "user name may contain only a-z, 0-9 and . _ - @")
		}
	}
	return u, nil
}

// CheckEmail accepts an empty address or one bare addr-spec.
func CheckEmail(s string) error {
	if s == "" {
		return nil
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return Errorf(CodeInvalid, "err.email", "malformed e-mail address")
	}
	return nil
}

// CheckDisplayName bounds a display name: any script, at most 100 characters.
func CheckDisplayName(s string) error {
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > 100 {
		return Errorf(CodeInvalid, "err.display_name", "display name must be at most 100 characters")
	}
	return nil
}
