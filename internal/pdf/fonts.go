package pdf

import (
	"bytes"
	"compress/gzip"
	"embed"
	"fmt"
	"io"
	"sync"
)

// The fonts every document may embed a subset of; fonts/README.md says
// where they come from, their licences and how to rebuild them.
//
//go:embed fonts/LiberationSans-Regular.ttf.gz fonts/WenQuanYiMicroHei-subset.ttf.gz fonts/DroidSansFallback-subset.ttf.gz
var fontFiles embed.FS

// The font for CJK Extension B and later (HanaMinB), packed to be read
// piecewise (packedFont). A string, not an embed.FS file, so that it is
// read in place from the binary, never copied onto the heap.
var (
	//go:embed fonts/HanaMinB-ext.ttf.gz
	extPacked string
	//go:embed fonts/HanaMinB-ext.idx
	extIndex string
)

// face is one embedded font.
type face struct {
	name     string // PostScript name, as the PDF names it
	resource string // resource name in content streams
	*trueType
}

// Faces, in the order of the fonts slice.
const (
	latinFace = iota // Liberation Sans: Helvetica's metrics, Latin, Greek, Cyrillic
	cjkFace          // WenQuanYi Micro Hei: GB 2312, GBK, CJK punctuation, fullwidth forms
	rareFace         // Droid Sans Fallback: CJK Extension A and ideographs Micro Hei lacks
	extFace          // HanaMinB: CJK Extensions B–F (U+20000–U+2EBEF), loaded when first needed
	numFaces
)

// fonts parses the embedded fonts once; they are read-only afterwards.
// A malformed embedded font is a build defect (TestEmbeddedFontsParse),
// hence the panic.
var fonts = sync.OnceValue(func() []*face {
	var out []*face
	for i, f := range []struct{ name, file string }{
		latinFace: {"LiberationSans", "LiberationSans-Regular.ttf.gz"},
		cjkFace:   {"WenQuanYiMicroHei", "WenQuanYiMicroHei-subset.ttf.gz"},
		rareFace:  {"DroidSansFallback", "DroidSansFallback-subset.ttf.gz"},
	} {
		tt, err := loadFont(f.file)
		if err != nil {
			panic(fmt.Sprintf("pdf: embedded font %s: %v", f.file, err))
		}
		out = append(out, &face{name: f.name, resource: fmt.Sprintf("/F%d", i+1), trueType: tt})
	}
	return out
})

// extFont reads the font for the supplementary ideographs the first time
// a text has one (pick): its metrics, character map and glyph offsets,
// about 2.4 MB once parsed; its outlines stay packed and each document
// inflates the pieces holding its glyphs. Documents without such
// characters never call it.
var extFont = sync.OnceValue(func() *face {
	tt, err := loadExtFont()
	if err != nil {
		panic(fmt.Sprintf("pdf: embedded font HanaMinB-ext.ttf.gz: %v", err))
	}
	return &face{name: "HanaMinB", resource: fmt.Sprintf("/F%d", extFace+1), trueType: tt}
})

func loadExtFont() (*trueType, error) {
	p, err := newPackedFont(extPacked, extIndex)
	if err != nil {
		return nil, err
	}
	return p.parse()
}

// faceAt is face i, loading the supplementary font if i is extFace.
func faceAt(i int) *face {
	if i == extFace {
		return extFont()
	}
	return fonts()[i]
}

// supplementaryIdeograph reports whether r is in the Supplementary or
// Tertiary Ideographic Plane (CJK Extension B and later), where only the
// font loaded on demand may have it.
func supplementaryIdeograph(r rune) bool {
	return r >= 0x20000 && r <= 0x3ffff
}

func loadFont(file string) (*trueType, error) {
	gz, err := fontFiles.Open("fonts/" + file)
	if err != nil {
		return nil, err
	}
	defer gz.Close()
	r, err := gzip.NewReader(gz)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if _, err := io.Copy(&b, r); err != nil {
		return nil, err
	}
	return parseTrueType(b.Bytes())
}

// latinScript reports whether r belongs to an alphabet set in proportional
// Latin type — Latin with its extensions and diacritics, Greek, Cyrillic —
// rather than in the CJK font, whose forms of these are full width.
func latinScript(r rune) bool {
	return r >= 0x20 && r <= 0x7e || r >= 0xa0 && r <= 0x52f || r >= 0x1e00 && r <= 0x1fff
}

// pick chooses the face r is set in and its glyph there: the first face
// that has the character, Latin first for Latin script and CJK first for
// the rest, then for an ideograph of Extension B or later the font for
// those (loaded now if it is the first such character). A character no
// face has is set as the .notdef glyph (0) of the face its script
// prefers; it still extracts as itself (ToUnicode).
func pick(r rune) (int, uint16) {
	order := [3]int{cjkFace, rareFace, latinFace}
	if latinScript(r) {
		order = [3]int{latinFace, cjkFace, rareFace}
	}
	fs := fonts()
	for _, i := range order {
		if g, ok := fs[i].cmap[r]; ok {
			return i, g
		}
	}
	if supplementaryIdeograph(r) {
		if g, ok := extFont().cmap[r]; ok {
			return extFace, g
		}
	}
	return order[0], 0
}

// advance is r's width in em, rounded to the thousandths the PDF's width
// arrays carry, so that what is measured is what the reader draws.
func advance(r rune) float64 {
	i, g := pick(r)
	return float64(faceAt(i).width(g)) / 1000
}

// width is glyph g's advance in thousandths of an em.
func (f *face) width(g uint16) int {
	return (int(f.advances[g])*1000 + f.unitsPerEm/2) / f.unitsPerEm
}

// scaled converts font units to the thousandths of an em PDF metrics use.
func (f *face) scaled(v int16) int {
	return int(v) * 1000 / f.unitsPerEm
}
