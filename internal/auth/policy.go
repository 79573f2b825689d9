package auth

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kexie/kexie/internal/kexie"
)

// CheckPasswordFor is CheckPassword with the checks NIST SP 800-63B asks
// of a new password (and OWASP ASVS 2.1.7): not one an attacker tries first
// — a common password, one character repeated, a run of the keyboard or of
// the alphabet — and not the account's own words (context: the user name,
// the display name, the e-mail address) or the service's name. No other
// composition rule: length does the work.
func CheckPasswordFor(pw string, context ...string) error {
	if err := CheckPassword(pw); err != nil {
		return err
	}
	norm := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, pw)
	if norm == "" || repeated(norm) || run(norm) || commonPasswords[norm] {
		return kexie.Errorf(kexie.CodeInvalid, "err.password_common", "this password is among the first an attacker tries: choose another")
	}
	for _, c := range append(context, "kexie") {
		c = strings.ToLower(strings.TrimSpace(c))
		if local, _, ok := strings.Cut(c, "@"); ok {
			c = local
		}
		if utf8.RuneCountInString(c) >= 4 || (c != "" && !isASCII(c)) {
			if strings.Contains(norm, strings.ReplaceAll(c, " ", "")) {
				return kexie.Errorf(kexie.CodeInvalid, "err.password_context", "the password holds your user name, your name or the service's: choose another")
			}
		}
	}
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// repeated: one character, or one short group, over and over (aaaaaaaaaa,
// abababababab, 121212121212).
func repeated(s string) bool {
	r := []rune(s)
	for n := 1; n <= 3 && n < len(r); n++ {
		same := true
		for i := n; i < len(r) && same; i++ {
			same = r[i] == r[i%n]
		}
		if same {
			return true
		}
	}
	return false
}

// run: the whole password one run of a row of the keyboard or of the
// alphabet or the digits, up or down (1234567890, 0987654321, qwertyuiop,
// abcdefghij).
func run(s string) bool {
	for _, row := range []string{"01234567890123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm", "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p", "1q2w3e4r5t6y7u8i9o0p"} {
		if strings.Contains(row, s) || strings.Contains(reverse(row), s) {
			return true
		}
	}
	return false
}

func reverse(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}

// commonPasswords are passwords of ten characters or more that lists of
// leaked passwords show most often, in English and in Chinese use (pinyin,
// lucky numbers), lower-cased and without spaces.
var commonPasswords = map[string]bool{}

func init() {
	for _, p := range strings.Fields(`
password12 password123 password1234 passw0rd12 p@ssw0rd12 p@ssword123 password01 password88
1234567890 0123456789 12345678910 123456789a a123456789 1234567890a abc1234567 abcd123456 abcd1234567
qwerty1234 qwerty12345 qwertyuiop1 1q2w3e4r5t6y 1qaz2wsx3edc qazwsxedcrfv zxcvbnm123 asdfghjkl1
iloveyou12 iloveyou123 iloveyou1314 woaini1314 woaini520 woaini5201314 5201314520 1314520520 5211314521
aa12345678 aa123456789 zz12345678 qq12345678 qq123456789 a1234567890 admin12345 admin123456 administrator
admin@1234 root123456 welcome123 welcome1234 letmein123 changeme123 changeme12 trustno1234 dragon1234
football12 baseball12 sunshine12 princess12 monkey1234 master1234 superman12 batman1234 shadow1234
1111111111 0000000000 1212121212 1122334455 1234512345 1234554321 1314131413 8888888888 6666666666
88888888888 66666666666 123123123123 147258369 1472583690 9876543210 987654321a zhang123456 wang123456
li123456789 liu123456789 chen1234567 yang1234567 huang123456 zhao1234567 wangwei123 zhangwei123
kexie123456 kexie12345 cast123456 cast12345678
`) {
		commonPasswords[p] = true
	}
}
