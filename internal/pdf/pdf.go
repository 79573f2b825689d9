// Package pdf writes small PDF 1.7 documents — membership cards, meeting
// minutes — with the standard library only. Chinese text needs no embedded
// font file: it is set in STSong-Light, one of the CJK fonts every
// conforming reader supplies, through the predefined CMap UniGB-UTF16-H;
// printable ASCII and Latin-1 are set in Helvetica. A ToUnicode map keeps
// the text searchable and extractable.
//
// Positions and sizes are in millimetres from the page's top-left corner,
// y growing downwards (the way a layout is drawn on paper); font sizes are
// in points. The output is a pure function of the calls made: no clock,
// no map order, so the same document is the same bytes.
package pdf

import (
	"bytes"
	"crypto/md5"
	"fmt"
	"io"
	"sort"
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
	// Runes outside the Basic Multilingual Plane that the CJK font set;
	// the ToUnicode map lists them one by one (the BMP is a fixed range).
	astral map[rune]bool
}

// New returns an empty document.
func New() *Document { return &Document{astral: map[rune]bool{}} }

// AddPage appends a page of the given size in millimetres and returns it.
func (d *Document) AddPage(widthMM, heightMM float64) *Page {
	p := &Page{doc: d, w: widthMM, h: heightMM}
	d.pages = append(d.pages, p)
	return p
}

// Pages is the number of pages added so far.
func (d *Document) Pages() int { return len(d.pages) }

// Fixed object numbers; pages follow, each a page object and its content
// stream.
const (
	objCatalog = 1 + iota
	objPages
	objCJK        // Type0 font, UniGB-UTF16-H
	objCIDFont    // its CIDFontType0 descendant, STSong-Light
	objDescriptor // its font descriptor
	objToUnicode
	objHelvetica
	objInfo
	objFirstPage
)

// Font resource names used in content streams.
const (
	fontCJK   = "/F1"
	fontLatin = "/F2"
)

// Bytes renders the document.
func (d *Document) Bytes() []byte {
	var b bytes.Buffer
	// The comment of high bytes marks the file as binary for transfer tools.
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	n := objFirstPage + 2*len(d.pages) // objects 0..n-1
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
	object(objCJK, fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light-UniGB-UTF16-H /Encoding /UniGB-UTF16-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>",
		objCIDFont, objToUnicode))
	object(objCIDFont, fmt.Sprintf("<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor %d 0 R /DW 1000 >>",
		objDescriptor))
	// Metrics of Adobe's STSong-Light; flags: serif, symbolic (not Latin).
	object(objDescriptor, "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /XHeight 599 /StemV 93 >>")
	stream(objToUnicode, "", d.toUnicode())
	object(objHelvetica, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	object(objInfo, d.infoDict())
	for i, p := range d.pages {
		object(objFirstPage+2*i, fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %s %s] /Resources << /Font << %s %d 0 R %s %d 0 R >> /ProcSet [/PDF /Text] >> /Contents %d 0 R >>",
			objPages, num(pt(p.w)), num(pt(p.h)), fontCJK, objCJK, fontLatin, objHelvetica, objFirstPage+2*i+1))
		stream(objFirstPage+2*i+1, "", p.buf.Bytes())
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

// toUnicode maps the CJK font's character codes back to Unicode. The codes
// are UTF-16BE already, so the map is the identity: one range per high
// byte over the BMP, one entry per surrogate pair actually used. Readers
// could derive the same from the predefined CMap and the Adobe-GB1
// tables, but not all ship those tables.
func (d *Document) toUnicode() []byte {
	var b bytes.Buffer
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"3 begincodespacerange\n<0000> <D7FF>\n<D800DC00> <DBFFDFFF>\n<E000> <FFFF>\nendcodespacerange\n")
	var ranges []string
	for hi := 0; hi <= 0xff; hi++ {
		if hi >= 0xd8 && hi <= 0xdf {
			continue // surrogates: not characters on their own
		}
		ranges = append(ranges, fmt.Sprintf("<%02X00> <%02XFF> <%02X00>", hi, hi, hi))
	}
	writeBlocks(&b, "bfrange", ranges)
	var astral []rune
	for r := range d.astral {
		astral = append(astral, r)
	}
	sort.Slice(astral, func(i, j int) bool { return astral[i] < astral[j] })
	var chars []string
	for _, r := range astral {
		h := utf16Hex(r)
		chars = append(chars, fmt.Sprintf("<%s> <%s>", h, h))
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
