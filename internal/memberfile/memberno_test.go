package memberfile

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// memberNo says what the regular expression it replaced said.
func TestMemberNoMatchesTheRule(t *testing.T) {
	re := regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	rng := rand.New(rand.NewPCG(3, 5))
	const alphabet = "aZ09._-/ 中\n"
	cases := []string{"", "A", ".A", "-1", "_x", "A-1.2_3", strings.Repeat("a", 64), strings.Repeat("a", 65), "a\n", "ä"}
	for i := 0; i < 200000; i++ {
		b := make([]byte, rng.IntN(70))
		for j := range b {
			b[j] = alphabet[rng.IntN(len(alphabet))]
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		if memberNo(s) != re.MatchString(s) {
			t.Fatalf("%q: %v, the rule says %v", s, memberNo(s), re.MatchString(s))
		}
	}
}
