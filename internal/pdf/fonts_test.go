package pdf

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// gb2312 is every character of GB 2312: rows 1–9 (symbols, kana, Greek,
// Cyrillic, box drawing) and 16–87 (6,763 hanzi), decoded from EUC-CN.
func gb2312(t *testing.T) []rune {
	t.Helper()
	dec := simplifiedchinese.GBK.NewDecoder()
	var out []rune
	for row := 0xa1; row <= 0xf7; row++ {
		if row >= 0xaa && row <= 0xaf {
			continue // unassigned rows
		}
		for cell := 0xa1; cell <= 0xfe; cell++ {
			s, err := dec.Bytes([]byte{byte(row), byte(cell)})
			if row == 0xd7 && cell >= 0xfa {
				continue // the hanzi end at D7F9; GBK fills the rest
			}
			if r := []rune(string(s)); err == nil && len(r) == 1 && r[0] != '\ufffd' {
				out = append(out, r[0])
			}
		}
	}
	return out
}

// TestEmbeddedFontsCover: every GB 2312 character, Latin Extended names
// and the rare characters of names have a glyph in some embedded face.
func TestEmbeddedFontsCover(t *testing.T) {
	chars := gb2312(t)
	if len(chars) < 7000 {
		t.Fatalf("decoded %d GB 2312 characters", len(chars))
	}
	hanzi := 0
	for _, r := range chars {
		if r >= 0x4e00 && r <= 0x9fff {
			hanzi++
		}
		if _, g := pick(r); g == 0 {
			t.Errorf("GB 2312 character %q (U+%04X) has no glyph", r, r)
		}
	}
	if hanzi != 6763 {
		t.Errorf("%d GB 2312 hanzi, want 6763", hanzi)
	}
	for _, s := range []string{"Müller", "Nguyễn Thị Ánh", "Łukasz Żółć", "Øyvind Ærø", "Иванов", "Παπαδόπουλος",
		"䶮", "㛃", "堃", "喆", "昇", "赟", "（）《》，。、：；！？“”…—·￥"} {
		for _, r := range s {
			if f, g := pick(r); g == 0 && r != ' ' {
				t.Errorf("%q in %q: no glyph (face %d)", r, s, f)
			}
		}
	}
	// Latin Extended stays in the Latin face, Chinese in the CJK face,
	// Extension A in the rare face.
	for r, want := range map[rune]int{'ü': latinFace, 'ễ': latinFace, 'Ж': latinFace, '中': cjkFace, '，': cjkFace, '䶮': rareFace} {
		if f, _ := pick(r); f != want {
			t.Errorf("%q set in face %d, want %d", r, f, want)
		}
	}
}

// TestSubsetKeepsComponents: a subset of an accented letter built from
// components (ễ in Liberation Sans) brings the components along, under
// their new numbers, and is a well-formed font.
func TestSubsetKeepsComponents(t *testing.T) {
	lib := fonts()[latinFace]
	g := lib.cmap['ễ']
	if i16(lib.glyph(g), 0) >= 0 {
		t.Skip("ễ is not a composite glyph in this font")
	}
	var parts []uint16
	components(lib.glyph(g), func(at int) { parts = append(parts, u16(lib.glyph(g), at)) })
	program, order := lib.subset([]uint16{0, g})
	if len(order) != 2+len(parts) || order[1] != g {
		t.Fatalf("order %v for glyph %d with components %v", order, g, parts)
	}
	sub, err := parseTrueType(program)
	if err != nil {
		t.Fatal(err)
	}
	if sub.numGlyphs != len(order) {
		t.Fatalf("%d glyphs, want %d", sub.numGlyphs, len(order))
	}
	components(sub.glyph(1), func(at int) {
		c := u16(sub.glyph(1), at)
		if int(c) >= sub.numGlyphs || order[c] == 0 || !bytes.Equal(sub.glyph(c), lib.glyph(order[c])) && i16(lib.glyph(order[c]), 0) >= 0 {
			t.Errorf("component renumbered to %d: not the original's outline", c)
		}
	})
	if sub.advances[1] != lib.advances[g] {
		t.Errorf("advance %d, want %d", sub.advances[1], lib.advances[g])
	}
	// The whole file and each table sum as the sfnt format requires.
	if got := checksum(program); got != 0xB1B0AFBA {
		t.Errorf("file checksum %08X, want B1B0AFBA", got)
	}
	for i := 0; i < int(u16(program, 4)); i++ {
		rec := program[12+16*i:]
		table := program[u32(rec, 8) : u32(rec, 8)+u32(rec, 12)]
		want := checksum(table)
		if string(rec[:4]) == "head" {
			c := append([]byte(nil), table...)
			binary.BigEndian.PutUint32(c[8:], 0)
			want = checksum(c)
		}
		if u32(rec, 4) != want {
			t.Errorf("table %q checksum %08X, want %08X", rec[:4], u32(rec, 4), want)
		}
	}
}

func TestParseTrueTypeRejectsGarbage(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("OTTO\x00\x00"), append([]byte{0, 1, 0, 0, 0, 9}, make([]byte, 40)...)} {
		if _, err := parseTrueType(b); err == nil {
			t.Errorf("%q parsed", b)
		}
	}
}

// names is a page of the characters people's names bring: Latin
// Extended, a rare character (Extension A), one outside the BMP in Plane
// 1 (𝌌, U+1D30C) and one of Extension B (𠮷, U+20BB7).
func names() *Document {
	d := sample()
	p := d.AddPage(A6Width, A6Height)
	p.Text(5, 20, Style{Size: 12}, "Müller Nguyễn Иванов")
	p.Text(5, 30, Style{Size: 12}, "王䶮 吉𠮷 太玄𝌌")
	return d
}

// poppler finds a poppler-utils tool; a missing tool skips locally and
// fails under CI=true.
func poppler(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true but %s is missing (apt-get install poppler-utils)", name)
	}
	t.Skipf("%s not installed", name)
	return ""
}

func writeTemp(t *testing.T, name string, b []byte) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// TestEveryFontEmbedded: poppler's pdffonts lists each font of the
// document as embedded, a subset, with a ToUnicode map; none is
// STSong-Light or Helvetica.
func TestEveryFontEmbedded(t *testing.T) {
	out, err := exec.Command(poppler(t, "pdffonts"), writeTemp(t, "names.pdf", names().Bytes())).CombinedOutput()
	if err != nil {
		t.Fatalf("pdffonts: %v\n%s", err, out)
	}
	rows := strings.Split(strings.TrimSpace(string(out)), "\n")[2:]
	seen := map[string]bool{}
	for _, row := range rows {
		f := strings.Fields(row)
		// name type(2 words) encoding emb sub uni object ID
		if len(f) != 9 || f[4] != "yes" || f[5] != "yes" || f[6] != "yes" {
			t.Errorf("not an embedded subset with ToUnicode: %q", row)
			continue
		}
		seen[f[0][strings.IndexByte(f[0], '+')+1:]] = true
	}
	for _, name := range []string{"LiberationSans", "WenQuanYiMicroHei", "DroidSansFallback", "HanaMinB"} {
		if !seen[name] {
			t.Errorf("%s not in the document:\n%s", name, out)
		}
	}
	if strings.Contains(string(out), "STSong") || strings.Contains(string(out), "Helvetica") {
		t.Errorf("a font the reader must supply:\n%s", out)
	}
}

func TestNamesExtract(t *testing.T) {
	out, err := exec.Command(pdftotext(t), "-enc", "UTF-8", writeTemp(t, "names.pdf", names().Bytes()), "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	for _, want := range []string{"Müller Nguyễn Иванов", "王䶮", "吉𠮷", "太玄𝌌", "中国科学技术协会"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("%q not extracted:\n%s", want, out)
		}
	}
}

// render rasterises page (1-based) at 150 dpi in grey and returns the
// pixels, the width and the height.
func render(t *testing.T, d *Document, page int) ([]byte, int, int) {
	t.Helper()
	tool := poppler(t, "pdftoppm")
	file := writeTemp(t, "r.pdf", d.Bytes())
	pg := fmt.Sprint(page)
	if out, err := exec.Command(tool, "-gray", "-r", "150", "-f", pg, "-l", pg, "-singlefile", file, strings.TrimSuffix(file, ".pdf")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	raw, err := os.ReadFile(strings.TrimSuffix(file, ".pdf") + ".pgm")
	if err != nil {
		t.Fatal(err)
	}
	var w, h, maxv int
	if _, err := fmt.Sscanf(string(raw), "P5\n%d %d\n%d\n", &w, &h, &maxv); err != nil {
		t.Fatalf("PGM header: %v", err)
	}
	return raw[len(fmt.Sprintf("P5\n%d %d\n%d\n", w, h, maxv)):], w, h
}

// TestChineseDrawnWithoutSystemFonts renders Chinese with poppler and
// finds the glyphs drawn: ink where the text is, and different ink for
// different characters (a missing font shows nothing, or the same empty
// box for each). The fonts come from the document: this holds on a
// machine with no Chinese font installed, such as CI's.
func TestChineseDrawnWithoutSystemFonts(t *testing.T) {
	if out, err := exec.Command("fc-list", ":lang=zh").Output(); err == nil {
		t.Logf("Chinese fonts installed on this machine: %d", strings.Count(string(out), "\n"))
	}
	cell := func(s string) []byte {
		d := New()
		p := d.AddPage(40, 20)
		if s != "" {
			p.Text(5, 15, Style{Size: 28}, s)
		}
		pix, _, _ := render(t, d, 1)
		return pix
	}
	dark := func(pix []byte) int {
		n := 0
		for _, v := range pix {
			if v < 128 {
				n++
			}
		}
		return n
	}
	blank, zhong, guo, rare := cell(""), cell("中"), cell("国"), cell("䶮")
	if dark(blank) != 0 {
		t.Fatalf("a blank page has %d dark pixels", dark(blank))
	}
	for name, pix := range map[string][]byte{"中": zhong, "国": guo, "䶮": rare} {
		// A 28 pt character at 150 dpi is a 58-pixel square: its
		// strokes cover a few hundred pixels at least.
		if n := dark(pix); n < 200 {
			t.Errorf("%s: %d dark pixels, the glyph is not drawn", name, n)
		}
	}
	if bytes.Equal(zhong, guo) || bytes.Equal(guo, rare) {
		t.Error("different characters render the same: boxes, not glyphs")
	}
}

// BenchmarkSample is the cost of a two-page document with Chinese and
// Latin text: layout, subsetting the fonts, compressing them.
func BenchmarkSample(b *testing.B) {
	fonts() // parsed once per process, not per document
	for b.Loop() {
		sample().Bytes()
	}
}

// BenchmarkLoadFonts is the one-time cost of the first document in a
// process: decompressing and parsing the embedded fonts.
func BenchmarkLoadFonts(b *testing.B) {
	for b.Loop() {
		for _, f := range []string{"LiberationSans-Regular.ttf.gz", "WenQuanYiMicroHei-subset.ttf.gz", "DroidSansFallback-subset.ttf.gz"} {
			if _, err := loadFont(f); err != nil {
				b.Fatal(err)
			}
		}
	}
}
