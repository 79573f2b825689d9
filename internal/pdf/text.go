package pdf

import (
	"fmt"
	"strings"
	"unicode"
)

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

// run is a stretch of text in one face, as a hex string of two-byte
// character codes (Identity-H).
type run struct {
	face int
	hex  string
}

// runs splits s by face and encodes it, noting the glyphs used.
func (d *Document) runs(s string) []run {
	var out []run
	var b strings.Builder
	cur := -1
	for _, r := range s {
		if unicode.IsControl(r) {
			continue
		}
		f, g := pick(r)
		if f != cur && b.Len() > 0 {
			out = append(out, run{face: cur, hex: b.String()})
			b.Reset()
		}
		cur = f
		fmt.Fprintf(&b, "%04X", d.cid(f, g, r))
	}
	if b.Len() > 0 {
		out = append(out, run{face: cur, hex: b.String()})
	}
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
			word && latinScript(r))
		if glue {
			out[last].text += string(r)
		} else {
			out = append(out, piece{text: string(r), spaceBefore: space && last >= 0})
		}
		space, word = false, latinScript(r)
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
