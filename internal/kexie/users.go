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
	if s == "" || plainEmail(s) {
		return nil
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return Errorf(CodeInvalid, "err.email", "malformed e-mail address")
	}
	return nil
}

// plainEmail tells, without parsing, whether s is an address of the
// everyday form mail.ParseAddress takes as a bare addr-spec: a dot-atom
// of letters, digits and "_%+-", "@", and another. (A bulk import checks
// a million; the parser costs several times as much.) Anything else goes
// to the parser: false here is no verdict.
func plainEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	return at > 0 && plainDotAtom(s[:at]) && plainDotAtom(s[at+1:])
}

func plainDotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '%', c == '+', c == '-':
		case c == '.' && s[i-1] != '.':
		default:
			return false
		}
	}
	return true
}

// CheckDisplayName bounds a display name: any script, at most 100 characters.
func CheckDisplayName(s string) error {
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > 100 {
		return Errorf(CodeInvalid, "err.display_name", "display name must be at most 100 characters")
	}
	return nil
}
