package cnid

import (
	"strings"
	"sync"
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
	readings := readings()
	var full, initials strings.Builder
	for _, r := range name {
		switch {
		case unicode.Is(unicode.Han, r):
			if p := readings[r]; p != "" {
				full.WriteString(p)
				initials.WriteByte(p[0])
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			lr := unicode.ToLower(r)
			full.WriteRune(lr)
			initials.WriteRune(lr)
		}
	}
	return full.String() + " " + initials.String()
}

// readings maps each character of the converter's dictionary to its most
// common toneless reading, built once (the converter's own lookup rebuilds
// a replacer and runs regular expressions on every call: a fifth of a bulk
// import's reading time); read-only afterwards.
var readings = sync.OnceValue(func() map[rune]string {
	args := pinyin.NewArgs()
	args.Style = pinyin.Normal
	m := make(map[rune]string, len(pinyin.PinyinDict))
	for r := range pinyin.PinyinDict {
		if p := pinyin.SinglePinyin(rune(r), args); len(p) > 0 && p[0] != "" {
			m[rune(r)] = p[0]
		}
	}
	return m
})

// syllables is the set of toneless pinyin syllables the converter knows,
// built once from its dictionary; read-only afterwards.
var syllables = sync.OnceValue(func() map[string]bool {
	args := pinyin.NewArgs()
	args.Style = pinyin.Normal
	args.Heteronym = true
	set := map[string]bool{}
	for r := range pinyin.PinyinDict {
		for _, p := range pinyin.SinglePinyin(rune(r), args) {
			if p != "" {
				set[p] = true
			}
		}
	}
	return set
})

// Initials splits a run-together pinyin ("zengxiaoming") into n syllables
// and returns their initial letters ("zxm"); spaces or apostrophes in the
// input mark syllables too. A run that does not split into n known
// syllables gives "" — better no initials than wrong ones.
func Initials(py string, n int) string {
	py = strings.ToLower(strings.TrimSpace(py))
	if strings.ContainsAny(py, " '") {
		var b strings.Builder
		for _, f := range strings.FieldsFunc(py, func(r rune) bool { return r == ' ' || r == '\'' }) {
			b.WriteByte(f[0])
		}
		return b.String()
	}
	set := syllables()
	// split[i][k]: py[i:] splits into k syllables; memoised.
	type key struct{ i, k int }
	memo := map[key]string{}
	var split func(i, k int) (string, bool)
	split = func(i, k int) (string, bool) {
		if i == len(py) {
			return "", k == 0
		}
		if k == 0 {
			return "", false
		}
		if v, ok := memo[key{i, k}]; ok {
			return v, v != "\x00"
		}
		for j := min(len(py), i+6); j > i; j-- {
			if set[py[i:j]] {
				if rest, ok := split(j, k-1); ok {
					memo[key{i, k}] = py[i:i+1] + rest
					return py[i:i+1] + rest, true
				}
			}
		}
		memo[key{i, k}] = "\x00"
		return "", false
	}
	out, _ := split(0, n)
	return out
}
