package cnid

import (
	"strings"
	"time"

	"github.com/kexie/kexie/internal/kexie"
)

// residentWeights are the ISO 7064 MOD 11-2 weights of digits 1 to 17.
var residentWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// ResidentID is a parsed GB 11643 citizen identity number.
type ResidentID struct {
	Number string // 18 characters, a final x upper-cased
	Birth  time.Time
	Male   bool // the 17th digit is odd
}

// Region is the six-digit address code (of registration at birth; it need
// not be a current division).
func (id ResidentID) Region() string { return id.Number[:6] }

// ResidentCheck computes the check character of the first 17 digits.
func ResidentCheck(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * residentWeights[i]
	}
	return "10X98765432"[sum%11]
}

// ParseResidentID checks an 18-character resident identity number: digits,
// a valid embedded birth date (not in the future of now), and the check
// character.
func ParseResidentID(s string, now time.Time) (ResidentID, error) {
	n := strings.ToUpper(strings.TrimSpace(s))
	if len(n) != 18 {
		return ResidentID{}, kexie.Errorf(kexie.CodeInvalid, "err.resident_id_length", "a resident ID number has 18 characters")
	}
	if strings.Trim(n[:17], "0123456789") != "" || strings.IndexByte("0123456789X", n[17]) < 0 {
		return ResidentID{}, kexie.Errorf(kexie.CodeInvalid, "err.resident_id_chars", "a resident ID number is 17 digits and a digit or X")
	}
	// A foreigner's permanent residence ID (since 2023) starts with 9 and
	// the province after it.
	if !provinces[n[:2]] && !(n[0] == '9' && provinces[n[1:3]]) {
		return ResidentID{}, kexie.Errorf(kexie.CodeInvalid, "err.resident_id_region", "the resident ID number's first two digits name no province")
	}
	birth, err := time.Parse("20060102", n[6:14])
	if err != nil || birth.Year() < 1850 || birth.After(now) {
		return ResidentID{}, kexie.Errorf(kexie.CodeInvalid, "err.resident_id_birth", "the birth date in the resident ID number is not a valid date")
	}
	if n[17] != ResidentCheck(n[:17]) {
		return ResidentID{}, kexie.Errorf(kexie.CodeInvalid, "err.resident_id_check", "the resident ID number's check character is wrong")
	}
	return ResidentID{Number: n, Birth: birth, Male: (n[16]-'0')%2 == 1}, nil
}

// Masked shows the region code only, as kexie displays ID numbers
// (110105************): the birth date is shown beside it on records, so
// the sequence and check digits must stay hidden too.
func (id ResidentID) Masked() string { return id.Number[:6] + "************" }

// provinces are the first two digits a resident ID's address code can
// start with: the provincial divisions of GB/T 2260 (Taiwan, Hong Kong and
// Macao included). Only the province is checked: the six-digit code is of
// registration at birth and need not be a division that exists today.
var provinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true, "83": true,
}
