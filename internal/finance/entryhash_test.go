package finance

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/kexie/kexie/internal/kexie"
)

// fmtEntryHash is entryHash as first written, through fmt: the chain's
// definition, which the faster one must match byte for byte (every hash
// already stored was made this way).
func fmtEntryHash(prev string, seq, orgID int64, d kexie.Date, kind, ref, memo string, reverses, cause int64, lines []Line) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%d\n%d\n%s\n%s\n%q\n%q\n%d\n%d\n", prev, seq, orgID, d.String(), kind, ref, memo, reverses, cause)
	for _, l := range lines {
		fmt.Fprintf(h, "%s|%s|%d|%d|%q\n", l.Account, l.Fund, int64(l.Debit), int64(l.Credit), l.Counterparty)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestEntryHashAsDefined(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	texts := []string{"", "J-1", "会费与捐赠", "a\"b\\c\nd\te", "\x00\xff bad utf-8 \u2028", "`back`", "𠮷 emoji 🙂", "line|pipe"}
	pick := func() string { return texts[r.IntN(len(texts))] }
	for i := range 2000 {
		d, _ := kexie.ParseDay(fmt.Sprintf("%04d-%02d-%02d", 1990+r.IntN(50), 1+r.IntN(12), 1+r.IntN(28)))
		if i%7 == 0 {
			d = kexie.Date{}
		}
		var lines []Line
		for range r.IntN(5) {
			lines = append(lines, Line{Account: pick(), Fund: pick(), Debit: kexie.Money(r.Int64N(1e12) - 5), Credit: kexie.Money(r.Int64N(1000)), Counterparty: pick()})
		}
		prev := fmt.Sprintf("%064x", r.Uint64())
		seq, org, rev, cause := r.Int64N(1e9)-3, r.Int64N(1e6), r.Int64N(3), r.Int64N(1e7)
		kind, ref, memo := pick(), pick(), pick()
		want := fmtEntryHash(prev, seq, org, d, kind, ref, memo, rev, cause, lines)
		if got := entryHash(prev, seq, org, d, kind, ref, memo, rev, cause, lines); got != want {
			t.Fatalf("entry %d: hash %s, defined %s (%q %q %q %+v)", i, got, want, kind, ref, memo, lines)
		}
	}
}
