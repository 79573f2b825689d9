package kexie

import (
	"strings"
	"testing"
)

// TestResidentMaskLeavesTheNumberUnknown: a masked resident ID shows the
// region only, so that together with the birth date and sex shown beside
// it the sequence and check digits stay unknown (a thousand candidates at
// the least); other documents show their last four.
func TestResidentMaskLeavesTheNumberUnknown(t *testing.T) {
	for _, n := range []string{"11010519491231002X", "230102199003077251", "440301200012310017"} {
		m := MaskID("resident_id", n)
		if len(m) != 18 || m[:6] != n[:6] || strings.ContainsAny(m[6:], "0123456789Xx") {
			t.Errorf("%s masked as %s", n, m)
		}
	}
	if m := MaskID("passport", "E12345678"); m != "*****5678" {
		t.Errorf("passport masked as %s", m)
	}
}
