package pdf

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"
)

// helvetica is Helvetica's advance widths (1/1000 em) for ASCII 32–126.
var helvetica = [95]int{
	278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space … /
	556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0 … 9
	278, 278, 584, 584, 584, 556, 1015, // : … @
	667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, // A … Z
	278, 278, 278, 469, 556, 333, // [ … `
	556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, // a … z
	334, 260, 334, 584, // { … ~
}

// latin reports whether r is set in Helvetica (WinAnsiEncoding, which
// agrees with Latin-1 on these code points); everything else goes to the
// CJK font.
func latin(r rune) bool { return r >= 0x20 && r <= 0x7e || r >= 0xa0 && r <= 0xff }

// advance is r's width in em.
func advance(r rune) float64 {
	switch {
	case r >= 0x20 && r <= 0x7e:
		return float64(helvetica[r-0x20]) / 1000
	case r == 0xa0:
		return 0.278
	case latin(r):
		return 0.556 // accented letters and signs: close enough to measure
	}
	return 1 // CJK: full width
}

// Width is the width of s set at size points, in millimetres.
func Width(s string, size float64) float64 {
	var em float64
	for _, r := range s {
		if !unicode.IsControl(r) {
			em += advance(r)
		}
	}
	return em * size * 25.4 / 72
}

// run is a stretch of text in one font, encoded for a hex string.
type run struct {
	cjk bool
	hex string
}

// runs splits s by font: single bytes for Helvetica, UTF-16BE for the CJK
// font (whose CMap, UniGB-UTF16-H, reads exactly that).
func (d *Document) runs(s string) []run {
	var out []run
	var b strings.Builder
	cjk := false
	flush := func() {
		if b.Len() > 0 {
			out = append(out, run{cjk: cjk, hex: b.String()})
			b.Reset()
		}
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			continue
		}
		if l := latin(r); l == cjk {
			flush()
			cjk = !l
		}
		if !cjk {
			fmt.Fprintf(&b, "%02X", r)
			continue
		}
		if r > 0xffff {
			d.astral[r] = true
		}
		for _, u := range utf16.Encode([]rune{r}) {
			fmt.Fprintf(&b, "%04X", u)
		}
	}
	flush()
	return out
}

// Punctuation that must not begin a line (it clings to what precedes) and
// that must not end one (it clings to what follows).
const (
	noLineStart = "，。、；：？！）》」』】〉”’…—·%,.;:?!)]}"
	noLineEnd   = "（《「『【〈“‘([{"
)

// Wrap breaks s into lines no wider than width millimetres at size
// points. Line breaks in s are kept. Latin words break at spaces; CJK text
// breaks between any two characters except before closing or after opening
// punctuation. A word too long for a line is cut.
func Wrap(s string, size, width float64) []string {
	var lines []string
	for _, para := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		lines = append(lines, wrapParagraph(para, size, width)...)
	}
	return lines
}

// piece is a run of text that is not broken unless it alone overflows.
type piece struct {
	text        string
	spaceBefore bool
}

func pieces(s string) []piece {
	var out []piece
	space, word := false, false // a space is pending; the last piece is an open Latin word
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space, word = true, false
			continue
		case unicode.IsControl(r):
			continue
		}
		last := len(out) - 1
		glue := last >= 0 && !space && (strings.ContainsRune(noLineStart, r) ||
			strings.ContainsRune(noLineEnd, lastRune(out[last].text)) ||
			word && latin(r))
		if glue {
			out[last].text += string(r)
		} else {
			out = append(out, piece{text: string(r), spaceBefore: space && last >= 0})
		}
		space, word = false, latin(r)
	}
	return out
}

func lastRune(s string) rune {
	r := []rune(s)
	return r[len(r)-1]
}

func wrapParagraph(s string, size, width float64) []string {
	var lines []string
	var line strings.Builder
	lineW, spaceW := 0.0, Width(" ", size)
	for _, pc := range pieces(s) {
		w := Width(pc.text, size)
		gap := 0.0
		if pc.spaceBefore && line.Len() > 0 {
			gap = spaceW
		}
		if line.Len() > 0 && lineW+gap+w > width {
			lines = append(lines, line.String())
			line.Reset()
			lineW, gap = 0, 0
		}
		if line.Len() == 0 && w > width {
			// Cut an overlong piece; its last part starts the next line.
			parts := cut(pc.text, size, width)
			lines = append(lines, parts[:len(parts)-1]...)
			pc.text = parts[len(parts)-1]
			w = Width(pc.text, size)
		}
		if gap > 0 {
			line.WriteByte(' ')
		}
		line.WriteString(pc.text)
		lineW += gap + w
	}
	return append(lines, line.String())
}

// cut splits s into parts no wider than width, each at least one rune.
func cut(s string, size, width float64) []string {
	var parts []string
	var part []rune
	w := 0.0
	for _, r := range s {
		rw := Width(string(r), size)
		if len(part) > 0 && w+rw > width {
			parts = append(parts, string(part))
			part, w = nil, 0
		}
		part = append(part, r)
		w += rw
	}
	return append(parts, string(part))
}
