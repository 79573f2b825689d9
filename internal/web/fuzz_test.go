package web

import (
	"strings"
	"testing"
)

// FuzzSafeNext: whatever a sign-in form's next= holds, the redirect stays
// on this site (a single leading slash, no scheme-relative or backslash
// tricks, no header injection).
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/", "/audit?x=1", "//evil.example", "/\\evil", "https://evil.example", "/a\r\nSet-Cookie: x", "", "javascript:alert(1)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.HasPrefix(got, "/\\") || strings.ContainsAny(got, "\r\n") {
			t.Fatalf("safeNext(%q) = %q", next, got)
		}
		if got != "/" && got != next {
			t.Fatalf("safeNext(%q) rewrote a local path to %q", next, got)
		}
	})
}
