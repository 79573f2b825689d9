// Package pdf writes small PDF 1.7 documents — membership cards, meeting
// minutes, receipts, statements — with the standard library only. Every
// document carries its fonts: a subset of the embedded TrueType fonts
// (fonts.go) holding just the glyphs it uses, as CIDFontType2 fonts with
// Identity-H encoding, widths and a ToUnicode map, so it looks the same on
// a machine with no Chinese fonts and its text stays searchable and
// extractable. Text is set per character in the first font that has it:
// Latin, Greek and Cyrillic in Liberation Sans (Helvetica's metrics), CJK
// in WenQuanYi Micro Hei, rare ideographs in Droid Sans Fallback, and
// those of CJK Extension B and later in HanaMinB, a font read piecewise
// and only when a text has such a character (packed.go).
//
// Positions and sizes are in millimetres from the page's top-left corner,
// y growing downwards (the way a layout is drawn on paper); font sizes are
// in points. The output is a pure function of the calls made: no clock,
// no map order, so the same document is the same bytes.
package pdf

import (
	"bytes"
	"compress/zlib"
	"crypto/md5"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

// Common page sizes in millimetres (width, height; portrait).
const (
	A4Width, A4Height   = 210.0, 297.0
	A6Width, A6Height   = 105.0, 148.0
	ID1Width, ID1Height = 85.6, 53.98 // ISO/IEC 7810 ID-1: bank and membership cards
)

// Info is the document information dictionary. Empty fields are left out;
// so is Created when zero, which keeps output free of timestamps.
type Info struct {
	Title, Author, Subject, Creator string
	Created                         time.Time
}

// Document is a PDF under construction. Build it with AddPage and the
// page's drawing methods, then write it with Bytes or WriteTo.
type Document struct {
	Info  Info
	pages []*Page
	// The glyphs each face has set so far (nil: the face is unused).
	used [numFaces]*fontUse
}

// fontUse is what a document sets in one face. Character codes (CIDs) are
// handed out in order of first use; CID 0 is .notdef.
type fontUse struct {
	glyphs  []uint16 // CID → glyph in the embedded font (0 for a missing character)
	text    []rune   // CID → the character it shows
	byGlyph map[uint16]uint16
	missing map[rune]uint16 // characters no face has, each its own CID for ToUnicode
}

// cid returns the character code for r, set as glyph g of face f.
func (d *Document) cid(f int, g uint16, r rune) uint16 {
	u := d.used[f]
	if u == nil {
		u = &fontUse{glyphs: []uint16{0}, text: []rune{0}, byGlyph: map[uint16]uint16{}, missing: map[rune]uint16{}}
		d.used[f] = u
	}
	if g == 0 {
		if c, ok := u.missing[r]; ok {
			return c
		}
	} else if c, ok := u.byGlyph[g]; ok {
		return c
	}
	if len(u.glyphs) == 0xffff {
		return 0 // two bytes of codes are spent: .notdef, never a wrong glyph
	}
	c := uint16(len(u.glyphs))
	u.glyphs, u.text = append(u.glyphs, g), append(u.text, r)
	if g == 0 {
		u.missing[r] = c
	} else {
		u.byGlyph[g] = c
	}
	return c
}

// New returns an empty document.
func New() *Document { return &Document{} }

// AddPage appends a page of the given size in millimetres and returns it.
func (d *Document) AddPage(widthMM, heightMM float64) *Page {
	p := &Page{doc: d, w: widthMM, h: heightMM}
	d.pages = append(d.pages, p)
	return p
}

// Pages is the number of pages added so far.
func (d *Document) Pages() int { return len(d.pages) }

// Fixed object numbers; pages follow, each a page object and its content
// stream, then the fonts the document uses, objPerFont objects each.
const (
	objCatalog = 1 + iota
	objPages
	objInfo
	objFirstPage
)

// A font is a Type0 font, its CIDFontType2 descendant, the font
// descriptor, the font file, the ToUnicode map and the CIDToGIDMap.
const objPerFont = 6

// Bytes renders the document.
func (d *Document) Bytes() []byte {
	var b bytes.Buffer
	// The comment of high bytes marks the file as binary for transfer tools.
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	fontObj := map[int]int{} // face → its Type0 font's object number
	var faces []int
	next := objFirstPage + 2*len(d.pages)
	for f, u := range d.used {
		if u != nil {
			faces = append(faces, f)
			fontObj[f] = next
			next += objPerFont
		}
	}
	n := next // objects 0..n-1
	offsets := make([]int, n)
	begin := func(num int) {
		offsets[num] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n", num)
	}
	object := func(num int, body string) {
		begin(num)
		b.WriteString(body)
		b.WriteString("\nendobj\n")
	}
	stream := func(num int, dict string, data []byte) {
		begin(num)
		fmt.Fprintf(&b, "<< %s/Length %d >>\nstream\n", dict, len(data))
		b.Write(data)
		b.WriteString("\nendstream\nendobj\n")
	}

	object(objCatalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", objPages))
	kids := make([]string, len(d.pages))
	for i := range d.pages {
		kids[i] = fmt.Sprintf("%d 0 R", objFirstPage+2*i)
	}
	object(objPages, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(d.pages)))
	object(objInfo, d.infoDict())
	var resources strings.Builder
	resources.WriteString("<< ")
	if len(faces) > 0 {
		resources.WriteString("/Font <<")
		for _, f := range faces {
			fmt.Fprintf(&resources, " %s %d 0 R", faceAt(f).resource, fontObj[f])
		}
		resources.WriteString(" >> ")
	}
	resources.WriteString("/ProcSet [/PDF /Text] >>")
	for i, p := range d.pages {
		object(objFirstPage+2*i, fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %s %s] /Resources %s /Contents %d 0 R >>",
			objPages, num(pt(p.w)), num(pt(p.h)), resources.String(), objFirstPage+2*i+1))
		stream(objFirstPage+2*i+1, "", p.buf.Bytes())
	}
	var z deflater
	for _, f := range faces {
		d.writeFont(faceAt(f), d.used[f], fontObj[f], &z, object, stream)
	}

	// The file identifier is a digest of the body: stable for the same
	// content, different for different content.
	id := fmt.Sprintf("%x", md5.Sum(b.Bytes()))
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", n)
	for _, off := range offsets[1:] {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n", n, objCatalog, objInfo, id, id, xref)
	return b.Bytes()
}

// writeFont writes face f as the subset u uses, in objects first to
// first+objPerFont-1.
func (d *Document) writeFont(f *face, u *fontUse, first int, z *deflater, object func(int, string), stream func(int, string, []byte)) {
	type0, cidFont, descriptor, file, toUnicode, cidToGID := first, first+1, first+2, first+3, first+4, first+5
	// The subset holds .notdef and each glyph used, in order of first use.
	keep := []uint16{0}
	for _, g := range u.glyphs[1:] {
		if g != 0 {
			keep = append(keep, g)
		}
	}
	program, order := f.subset(keep)
	newID := map[uint16]uint16{}
	for i, g := range order {
		newID[g] = uint16(i)
	}
	gids := make([]byte, 2*len(u.glyphs))
	widths := make([]string, len(u.glyphs))
	for c, g := range u.glyphs {
		binary.BigEndian.PutUint16(gids[2*c:], newID[g])
		widths[c] = strconv.Itoa(f.width(g))
	}
	// A subset's name starts with a tag of six capitals, the same for the
	// same glyphs (ISO 32000-1, 9.6.4).
	sum := sha256.Sum256(program)
	tag := make([]byte, 6)
	for i := range tag {
		tag[i] = 'A' + sum[i]%26
	}
	name := string(tag) + "+" + f.name

	object(type0, fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>",
		name, cidFont, toUnicode))
	object(cidFont, fmt.Sprintf("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /%s /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R /W [0 [%s]] /CIDToGIDMap %d 0 R >>",
		name, descriptor, strings.Join(widths, " "), cidToGID))
	// Flags 4: symbolic, the glyphs are reached by CID, not by a Latin encoding.
	object(descriptor, fmt.Sprintf("<< /Type /FontDescriptor /FontName /%s /Flags 4 /FontBBox [%d %d %d %d] /ItalicAngle %s /Ascent %d /Descent %d /CapHeight %d /StemV 80 /FontFile2 %d 0 R >>",
		name, f.scaled(f.xMin), f.scaled(f.yMin), f.scaled(f.xMax), f.scaled(f.yMax), num(f.italicAngle),
		f.scaled(f.ascent), f.scaled(f.descent), f.scaled(f.capHeight), file))
	stream(file, fmt.Sprintf("/Length1 %d /Filter /FlateDecode ", len(program)), z.deflate(program))
	stream(toUnicode, "", toUnicodeCMap(u.text))
	stream(cidToGID, "/Filter /FlateDecode ", z.deflate(gids))
}

// deflater compresses streams for /FlateDecode; the same input gives the
// same output. One serves a whole document: a compressor's state is
// large to allocate and small to reset.
type deflater struct{ w *zlib.Writer }

func (d *deflater) deflate(b []byte) []byte {
	var out bytes.Buffer
	if d.w == nil {
		d.w, _ = zlib.NewWriterLevel(&out, zlib.BestCompression) // the level is valid
	} else {
		d.w.Reset(&out)
	}
	d.w.Write(b)
	d.w.Close()
	return out.Bytes()
}

// WriteTo writes the rendered document to w.
func (d *Document) WriteTo(w io.Writer) (int64, error) {
	n, err := w.Write(d.Bytes())
	return int64(n), err
}

func (d *Document) infoDict() string {
	var b strings.Builder
	b.WriteString("<< /Producer (kexie)")
	for _, f := range []struct{ key, v string }{{"Title", d.Info.Title}, {"Author", d.Info.Author}, {"Subject", d.Info.Subject}, {"Creator", d.Info.Creator}} {
		if f.v != "" {
			fmt.Fprintf(&b, " /%s %s", f.key, textString(f.v))
		}
	}
	if !d.Info.Created.IsZero() {
		fmt.Fprintf(&b, " /CreationDate (D:%sZ)", d.Info.Created.UTC().Format("20060102150405"))
	}
	b.WriteString(" >>")
	return b.String()
}

// textString encodes a PDF text string: a literal for plain ASCII, else
// UTF-16BE with a byte-order mark, in hex.
func textString(s string) string {
	plain := true
	for _, r := range s {
		if r < 0x20 || r > 0x7e {
			plain = false
			break
		}
	}
	if plain {
		return "(" + strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(s) + ")"
	}
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}

// toUnicodeCMap maps each character code (CID, two bytes) back to the
// character it shows, so that text can be searched and extracted.
func toUnicodeCMap(text []rune) []byte {
	var b bytes.Buffer
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	var chars []string
	for c, r := range text[1:] {
		chars = append(chars, fmt.Sprintf("<%04X> <%s>", c+1, utf16Hex(r)))
	}
	writeBlocks(&b, "bfchar", chars)
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend")
	return b.Bytes()
}

// writeBlocks writes entries in blocks of at most 100, the CMap limit.
func writeBlocks(b *bytes.Buffer, kind string, entries []string) {
	for len(entries) > 0 {
		k := min(len(entries), 100)
		fmt.Fprintf(b, "%d begin%s\n%s\nend%s\n", k, kind, strings.Join(entries[:k], "\n"), kind)
		entries = entries[k:]
	}
}

func utf16Hex(r rune) string {
	var b strings.Builder
	for _, u := range utf16.Encode([]rune{r}) {
		fmt.Fprintf(&b, "%04X", u)
	}
	return b.String()
}

// pt converts millimetres to points.
func pt(mm float64) float64 { return mm * 72 / 25.4 }

// num formats a number for a content stream: at most three decimals, no
// trailing zeros, never "-0".
func num(v float64) string {
	s := strconv.FormatFloat(v, 'f', 3, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" || s == "" {
		return "0"
	}
	return s
}

// The house colours, those of the printable pages (kexie.css): cards and
// minutes are printed in them.
var (
	Accent = Color{R: 0xb3, G: 0x26, B: 0x1e}
	Ink    = Color{R: 0x1f, G: 0x29, B: 0x33}
	Muted  = Color{R: 0x52, G: 0x60, B: 0x6d}
)
