package auth

import (
	"testing"

	"github.com/kexie/kexie/internal/kexie"
)

// TestPasswordPolicy: common passwords, repeats, runs of the keyboard or
// the alphabet, and the account's own words are refused; long, personal
// passphrases in any script are taken (issue 12, item 13).
func TestPasswordPolicy(t *testing.T) {
	refused := map[string]string{
		"1234567890":        "err.password_common",
		"password12":        "err.password_common",
		"Password12":        "err.password_common",
		"          ":        "err.password_common",
		"aaaaaaaaaaaa":      "err.password_common",
		"abababababab":      "err.password_common",
		"0987654321":        "err.password_common",
		"qwertyuiop":        "err.password_common",
		"woaini1314":        "err.password_common",
		"wang.fang2026!":    "err.password_context",
		"my kexie password": "err.password_context",
		"王芳的密码很长很长很长很长":       "err.password_context",
		"wf.wang-secret-2026": "err.password_context",
	}
	for pw, key := range refused {
		if err := CheckPasswordFor(pw, "wang.fang", "王芳", "wf.wang@example.cn"); kexie.AsError(err).Key != key {
			t.Errorf("%q: %v, want %s", pw, err, key)
		}
	}
	for _, pw := range []string{"correct horse battery staple", "黑龙江的冬天很冷但是很美", "Tr0ub4dor&3-horse", "1q2w3e4r5t6y7u-lantern"} {
		if err := CheckPasswordFor(pw, "wang.fang", "王芳", "wf.wang@example.cn"); err != nil {
			t.Errorf("%q refused: %v", pw, err)
		}
	}
}
