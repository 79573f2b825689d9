package auth

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestPasswordRoundTrip(t *testing.T) {
	for _, pw := range []string{
		"correct horse battery",
		strings.Repeat("长密码", 30), // multibyte, 90 characters
		strings.Repeat("x", 200),  // long ASCII
		"科协信息系统的密码😀",              // Chinese and an emoji
	} {
		h, err := HashPassword(pw)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
			t.Fatalf("hash parameters: %s", h)
		}
		ok, err := VerifyPassword(pw, h)
		if err != nil || !ok {
			t.Fatalf("verify %q: %v %v", pw, ok, err)
		}
		ok, err = VerifyPassword(pw+"x", h)
		if err != nil || ok {
			t.Fatalf("wrong password accepted: %v %v", ok, err)
		}
		if NeedsRehash(h) {
			t.Fatal("fresh hash needs rehash")
		}
	}
}

func TestPasswordHashesAreSalted(t *testing.T) {
	a, _ := HashPassword("same password")
	b, _ := HashPassword("same password")
	if a == b {
		t.Fatal("two hashes of one password are equal: no salt")
	}
}

func TestVerifyRejectsMalformedHash(t *testing.T) {
	for _, h := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA"} {
		if _, err := VerifyPassword("pw", h); err == nil {
			t.Errorf("malformed hash %q accepted", h)
		}
	}
}

func TestCheckPasswordCountsCharacters(t *testing.T) {
	if err := CheckPassword("短密码短密码短密码短"); err != nil { // 10 characters, 30 bytes
		t.Fatalf("10 Chinese characters refused: %v", err)
	}
	if err := CheckPassword("短密码短密码短密码"); err == nil { // 9 characters, 27 bytes
		t.Fatal("9 characters accepted")
	}
	if err := CheckPassword(strings.Repeat("a", 64)); err != nil {
		t.Fatalf("64 characters refused: %v", err)
	}
	if err := CheckPassword("\xff\xfe invalid utf8"); err == nil {
		t.Fatal("invalid UTF-8 accepted")
	}
}

func TestTokens(t *testing.T) {
	a, _ := NewToken("kx_")
	b, _ := NewToken("kx_")
	if a == b || !strings.HasPrefix(a, "kx_") || len(a) < 3+43 {
		t.Fatalf("tokens %q %q", a, b)
	}
	if TokenHash(a) == TokenHash(b) || len(TokenHash(a)) != 64 {
		t.Fatal("token hashes")
	}
	pw, _ := GeneratePassword()
	if CheckPassword(pw) != nil {
		t.Fatalf("generated password %q fails the policy", pw)
	}
}

func TestLimiterTakeIsAtomic(t *testing.T) {
	l := NewLimiter(5, time.Minute, nil)
	var wg sync.WaitGroup
	var granted atomic.Int32
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if l.Take("acct") {
				granted.Add(1)
			}
		}()
	}
	wg.Wait()
	if granted.Load() != 5 {
		t.Fatalf("%d of 50 parallel attempts granted, limit 5", granted.Load())
	}
	l.Forgive("acct")
	if !l.Take("acct") || l.Take("acct") {
		t.Fatal("Forgive should give back exactly one attempt")
	}
}

func TestLimiterWindow(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := NewLimiter(3, time.Minute, func() time.Time { return now })
	for i := 0; i < 3; i++ {
		if !l.Take("a") {
			t.Fatalf("refused after %d attempts", i)
		}
	}
	if l.Take("a") {
		t.Fatal("allowed a 4th attempt")
	}
	if !l.Take("b") {
		t.Fatal("another key refused")
	}
	now = now.Add(time.Minute) // the attempts are exactly one window old: gone
	if !l.Take("a") {
		t.Fatal("still refused after the window")
	}
	l.Reset("a")
	l.Reset("b")
	if len(l.fails) != 0 {
		t.Fatal("reset did not forget")
	}
}

// FuzzVerifyPassword: a stored hash of any shape never panics the verifier,
// and only a well-formed argon2id string can verify.
func FuzzVerifyPassword(f *testing.F) {
	h, _ := hashWith("pw", Params{Time: 1, Memory: 64, Threads: 1, KeyLen: 16, SaltLen: 8})
	f.Add("pw", h)
	f.Add("pw", "$argon2id$v=19$m=64,t=1,p=1$$")
	f.Add("", "$argon2id$v=19$m=0,t=0,p=0$AA$AA")
	f.Fuzz(func(t *testing.T, pw, encoded string) {
		p, _, key, err := decodeHash(encoded)
		if err != nil || p.Memory > 1024 || p.Time > 3 || p.Threads == 0 || p.Time == 0 || p.Threads > 4 || len(key) > 64 || len(pw) > 1024 {
			// Refused, or too costly to run inside a fuzz loop: many
			// threads or a long key made single runs slow enough for the
			// fuzzer to time out when its time was up.
			return
		}
		ok, err := VerifyPassword(pw, encoded)
		if ok && (err != nil || !strings.HasPrefix(encoded, "$argon2id$")) {
			t.Fatalf("verified %q against %q", pw, encoded)
		}
	})
}

// A refused key is told how long to wait: until its oldest failure in the
// window leaves it.
func TestLimiterSaysHowLongToWait(t *testing.T) {
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	l := NewLimiter(3, 15*time.Minute, func() time.Time { return now })
	if w := l.Wait("k"); w != 0 {
		t.Fatalf("no failures: wait %v", w)
	}
	for i := range 3 {
		now = now.Add(time.Duration(i) * time.Minute)
		l.Take("k")
	}
	// Failures at 10:00, 10:01, 10:03: the one of 10:00 leaves at 10:15.
	if w := l.Wait("k"); w != 12*time.Minute {
		t.Fatalf("wait %v, want 12m0s", w)
	}
}
