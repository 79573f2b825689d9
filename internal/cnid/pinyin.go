package cnid

import (
	"strings"
	"unicode"

	"github.com/mozillazg/go-pinyin"
)

// SearchKey turns a Chinese name into what a pinyin search matches: the
// full toneless pinyin run together, a space, and the initials — 黑龙江省
// gives "heilongjiangsheng hljs". Letters and digits in the name are kept
// (lower case) in both parts; other characters are dropped. The readings are
// the converter's most common ones: fine for organisation names, where
// polyphonic surnames (曾, 单, 解) do not arise; people's names keep an
// editable sort key instead.
func SearchKey(name string) string {
	args := pinyin.NewArgs()
	args.Style = pinyin.Normal
	var full, initials strings.Builder
	for _, r := range name {
		switch {
		case unicode.Is(unicode.Han, r):
			p := pinyin.SinglePinyin(r, args)
			if len(p) > 0 && p[0] != "" {
				full.WriteString(p[0])
				initials.WriteByte(p[0][0])
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			lr := unicode.ToLower(r)
			full.WriteRune(lr)
			initials.WriteRune(lr)
		}
	}
	return full.String() + " " + initials.String()
}
