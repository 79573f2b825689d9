package kexie

import (
	"math/rand/v2"
	"net/mail"
	"regexp"
	"testing"
	"time"
)

// The written-out checks say exactly what the regular expressions and
// time.Parse they replaced said, on random strings over the characters
// that matter and on the edges.
func TestFastChecksMatchTheRules(t *testing.T) {
	mobileRe := regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	intlRe := regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	rng := rand.New(rand.NewPCG(7, 11))
	const alphabet = "0123456789+-x 1"
	random := func(maxLen int) string {
		b := make([]byte, rng.IntN(maxLen+1))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(b)
	}
	phones := []string{"", "1", "13800000000", "12800000000", "1380000000", "138000000000", "+8613800000000", "+1234567", "+123456",
		"+123456789012345", "+1234567890123456", "+0234567", "1380000000x", "+12345a7"}
	for i := 0; i < 200000; i++ {
		phones = append(phones, random(17))
	}
	for _, p := range phones {
		if mainlandMobile(p) != mobileRe.MatchString(p) || intlPhone(p) != intlRe.MatchString(p) {
			t.Fatalf("%q: mobile %v/%v intl %v/%v", p, mainlandMobile(p), mobileRe.MatchString(p), intlPhone(p), intlRe.MatchString(p))
		}
	}
	dates := []string{"2024-02-29", "2023-02-29", "2024-13-01", "2024-00-10", "2024-01-00", "2024-01-32", "0000-01-01", "9999-12-31",
		"2024-1-01", "+024-01-01", "-024-01-01", "2024-04-31", "2024/01/01", "20240101"}
	for i := 0; i < 200000; i++ {
		dates = append(dates, fmtDate(rng))
	}
	for _, s := range dates {
		want, werr := time.Parse("2006-01-02", s)
		got, ok := parseISODay(s)
		if ok && (werr != nil || !got.MidnightUTC().Equal(want)) {
			t.Fatalf("%q: fast %v, time.Parse %v %v", s, got, want, werr)
		}
		if !ok && werr == nil && s[0] >= '0' && s[0] <= '9' {
			t.Fatalf("%q: time.Parse takes it, the fast path does not", s)
		}
	}
}

func fmtDate(rng *rand.Rand) string {
	const digits = "0123456789"
	b := []byte("2000-01-01")
	for i := range b {
		if i == 4 || i == 7 {
			continue
		}
		b[i] = digits[rng.IntN(10)]
	}
	return string(b)
}

// plainEmail never takes what the parser refuses, and takes the everyday
// addresses themselves.
func TestPlainEmailOnlyTakesWhatTheParserTakes(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	const alphabet = "ab.Z9@_%+-\"<> ()[]!#~,;:\\王\x00"
	addrs := []string{"m1@example.cn", "a.b@c.d", ".a@b", "a.@b", "a..b@c", "a@b.", "a@.b", "a@b..c", "@b", "a@", "a@b@c",
		"a b@c", "Name <a@b>", "\"a\"@b", "a@[1.2.3.4]", "王@b", "a+tag%x_y-z@sub-domain.example.com", "a@b-c", "-@-"}
	for i := 0; i < 300000; i++ {
		b := make([]byte, rng.IntN(14))
		for j := range b {
			b[j] = alphabet[rng.IntN(len(alphabet))]
		}
		addrs = append(addrs, string(b))
	}
	for _, s := range addrs {
		a, err := mail.ParseAddress(s)
		parser := err == nil && a.Address == s && a.Name == ""
		if plainEmail(s) && !parser {
			t.Fatalf("%q: plainEmail takes it, the parser does not (%v)", s, err)
		}
	}
	for _, s := range []string{"m1@example.cn", "a.b@c.d", "a+tag%x_y-z@sub-domain.example.com", "-@-"} {
		if !plainEmail(s) {
			t.Errorf("%q: not taken by the fast path", s)
		}
	}
}
