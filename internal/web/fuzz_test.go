package web

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzSafeNext: whatever a sign-in form's next= holds, the redirect stays
// on this site (a single leading slash, no scheme-relative or backslash
// tricks, no header injection).
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/", "/audit?x=1", "//evil.example", "/\\evil", "https://evil.example", "/a\r\nSet-Cookie: x", "", "javascript:alert(1)", "/\t/evil.example", "/%2F/evil", "/\x7f/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := SafeNext(next)
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.ContainsRune(got, '\\') {
			t.Fatalf("SafeNext(%q) = %q", next, got)
		}
		for _, c := range got {
			if c < 0x21 || c == 0x7f {
				t.Fatalf("SafeNext(%q) = %q keeps a control character or space", next, got)
			}
		}
		// What a browser would do with it: resolve against this site.
		base, _ := url.Parse("https://kexie.example/x")
		ref, err := url.Parse(got)
		if err != nil {
			t.Fatalf("SafeNext(%q) = %q does not parse", next, got)
		}
		if h := base.ResolveReference(ref).Host; h != "kexie.example" {
			t.Fatalf("SafeNext(%q) = %q leaves the site for %q", next, got, h)
		}
	})
}
