// Package cnid parses and checks Chinese identifiers: the unified social
// credit code of organisations (GB 32100), administrative division codes
// (GB/T 2260, from an embedded table) and resident identity numbers
// (GB 11643). Pure functions; no I/O beyond the embedded table.
package cnid

import (
	"strings"

	"github.com/kexie/kexie/internal/kexie"
)

// usccAlphabet is the GB 32100 character set: digits and capitals without
// I, O, S, V and Z. A character's value is its index.
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccWeights are the weights of positions 1 to 17 (3^(i-1) mod 31).
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// USCC is a parsed unified social credit code.
type USCC struct {
	Code string // 18 characters, upper case
	// CheckOK is false when the check character does not match. Such codes
	// are accepted with a warning: early pilot codes exist that fail it.
	CheckOK bool
}

// Authority is the registration management department (1st character).
func (u USCC) Authority() byte { return u.Code[0] }

// Category is the organisation category within that department (2nd).
func (u USCC) Category() byte { return u.Code[1] }

// Region is the GB/T 2260 code of the registration authority (3rd–8th).
func (u USCC) Region() string { return u.Code[2:8] }

// OrgCode is the GB 11714 organisation code (9th–17th).
func (u USCC) OrgCode() string { return u.Code[8:17] }

// ParseUSCC checks a unified social credit code. Surrounding spaces are
// trimmed and lower case is accepted. A wrong length or a character outside
// the alphabet is an error; a wrong check character is not (see CheckOK).
func ParseUSCC(s string) (USCC, error) {
	c := strings.ToUpper(strings.TrimSpace(s))
	if len(c) != 18 {
		return USCC{}, kexie.Errorf(kexie.CodeInvalid, "err.uscc_length", "a unified social credit code has 18 characters, not %d", len([]rune(c)))
	}
	sum := 0
	for i := 0; i < 18; i++ {
		v := strings.IndexByte(usccAlphabet, c[i])
		if v < 0 {
			return USCC{}, kexie.Errorf(kexie.CodeInvalid, "err.uscc_char", "character %d of the unified social credit code (%q) is not allowed", i+1, string(c[i]))
		}
		if i < 17 {
			sum += v * usccWeights[i]
		}
	}
	return USCC{Code: c, CheckOK: c[17] == USCCCheck(c[:17])}, nil
}

// USCCCheck computes the check character for the first 17 characters,
// which must already be in the alphabet.
func USCCCheck(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(usccAlphabet, first17[i]) * usccWeights[i]
	}
	return usccAlphabet[(31-sum%31)%31]
}
