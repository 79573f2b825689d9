package pdf

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// Characters of people's names outside the BMP: 𠮷 (U+20BB7), 𡃁
// (U+210C1) and 𪚥 (U+2A6A5) are in CJK Extension B.
const extNames = "吉𠮷 张𡃁 王𪚥"

// cellPixels renders s at 28 pt alone on a small page.
func cellPixels(t *testing.T, s string) []byte {
	t.Helper()
	d := New()
	p := d.AddPage(40, 20)
	p.Text(5, 15, Style{Size: 28}, s)
	pix, _, _ := render(t, d, 1)
	return pix
}

func darkPixels(pix []byte) int {
	n := 0
	for _, v := range pix {
		if v < 128 {
			n++
		}
	}
	return n
}

// TestExtensionBDrawn: characters of Extension B print as their glyphs,
// not as the empty box a character without a glyph gets (.notdef, here
// drawn for U+10FFFD, a private-use character no font has).
func TestExtensionBDrawn(t *testing.T) {
	box := cellPixels(t, "\U0010FFFD")
	if darkPixels(box) == 0 {
		t.Fatal("the .notdef box of the reference draws nothing")
	}
	seen := map[string][]byte{}
	for _, s := range []string{"𠮷", "𡃁", "𪚥"} {
		pix := cellPixels(t, s)
		// A 28 pt character at 150 dpi is a 58-pixel square: its strokes
		// cover a few hundred pixels at least (𪚥 is four 龍).
		if n := darkPixels(pix); n < 200 {
			t.Errorf("%s: %d dark pixels, the glyph is not drawn", s, n)
		}
		if bytes.Equal(pix, box) {
			t.Errorf("%s renders as the empty box", s)
		}
		for o, other := range seen {
			if bytes.Equal(pix, other) {
				t.Errorf("%s and %s render the same: boxes, not glyphs", s, o)
			}
		}
		seen[s] = pix
	}
}

// TestExtensionBEmbeddedAndExtracted: a document with such names embeds a
// subset of the font for them, and its text extracts as written.
func TestExtensionBEmbeddedAndExtracted(t *testing.T) {
	d := New()
	p := d.AddPage(A6Width, A6Height)
	p.Text(5, 20, Style{Size: 12}, "会员 "+extNames)
	file := writeTemp(t, "ext.pdf", d.Bytes())
	out, err := exec.Command(poppler(t, "pdffonts"), file).CombinedOutput()
	if err != nil {
		t.Fatalf("pdffonts: %v\n%s", err, out)
	}
	found := false
	for _, row := range strings.Split(string(out), "\n") {
		if f := strings.Fields(row); len(f) == 9 && strings.HasSuffix(f[0], "+HanaMinB") {
			found = true
			if f[4] != "yes" || f[5] != "yes" || f[6] != "yes" {
				t.Errorf("HanaMinB is not an embedded subset with ToUnicode: %q", row)
			}
		}
	}
	if !found {
		t.Errorf("no HanaMinB in the document:\n%s", out)
	}
	text, err := exec.Command(pdftotext(t), "-enc", "UTF-8", file, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, text)
	}
	if !strings.Contains(string(text), "会员 "+extNames) {
		t.Errorf("%q not extracted:\n%s", extNames, text)
	}
}

// TestCommonTextLeavesExtFontPacked: a document without characters of
// Extension B or later neither embeds the font for them nor inflates any
// of it — not its character map, not its outlines.
func TestCommonTextLeavesExtFontPacked(t *testing.T) {
	before := inflated.Load()
	d := sample()
	d.AddPage(A6Width, A6Height).Text(5, 20, Style{Size: 12}, "Müller 王䶮 太玄𝌌") // Latin Extended, Extension A, Plane 1
	pdf := d.Bytes()
	if n := inflated.Load() - before; n != 0 {
		t.Errorf("a document without such characters inflated %d bytes of the font for them", n)
	}
	if bytes.Contains(pdf, []byte("HanaMinB")) {
		t.Error("a document without such characters embeds HanaMinB")
	}
	// One with such a character inflates what its glyph needs, not the
	// whole 30 MB font.
	extFont()
	before = inflated.Load()
	d = New()
	d.AddPage(A6Width, A6Height).Text(5, 20, Style{Size: 12}, "吉𠮷")
	d.Bytes()
	if n := inflated.Load() - before; n == 0 || n > 1<<20 {
		t.Errorf("a document with 𠮷 inflated %d bytes of the font", n)
	}
}

// TestExtFontInflates: every member of the packed font inflates with its
// CRC right, and the font covers Extension B to F.
func TestExtFontInflates(t *testing.T) {
	p, err := newPackedFont(extPacked, extIndex)
	if err != nil {
		t.Fatal(err)
	}
	// Each member ends with the length it inflates to (gzip's ISIZE).
	for i := 0; i+1 < len(p.starts); i++ {
		m := p.gz[p.starts[i]:p.starts[i+1]]
		if got, want := binary.LittleEndian.Uint32([]byte(m[len(m)-4:])), min(p.chunk, p.size-i*p.chunk); int(got) != want {
			t.Fatalf("member %d inflates to %d bytes, want %d", i, got, want)
		}
	}
	// Inflating all 30 MB (checking each CRC) takes a second or two: CI
	// does it, a developer's quick run need not.
	if os.Getenv("CI") == "true" {
		for i := 0; i+1 < len(p.starts); i++ {
			if _, err := p.member(i); err != nil {
				t.Fatal(err)
			}
		}
	}
	f := extFont()
	counts := map[string]int{}
	for r := range f.cmap {
		switch {
		case r >= 0x20000 && r <= 0x2a6df:
			counts["B"]++
		case r >= 0x2a700 && r <= 0x2b81f:
			counts["C–D"]++
		case r >= 0x2b820 && r <= 0x2ebef:
			counts["E–F"]++
		default:
			t.Errorf("U+%04X outside Extensions B–F", r)
		}
	}
	if counts["B"] < 42000 || counts["C–D"] < 4000 || counts["E–F"] < 13000 {
		t.Errorf("characters per extension: %v", counts)
	}
	for _, r := range extNames {
		if r > 0xffff {
			if face, g := pick(r); face != extFace || g == 0 {
				t.Errorf("%q set in face %d glyph %d", r, face, g)
			}
		}
	}
}

func TestPackedFontRejectsBadIndex(t *testing.T) {
	for _, index := range []string{"", "x", "262144 10 0", "4 8 0 5 5", "4 8 0 3 7 9"} {
		if _, err := newPackedFont("123456789", index); err == nil {
			t.Errorf("index %q accepted", index)
		}
	}
}

// BenchmarkLoadExtFont is the one-time cost of the first document with a
// character of Extension B or later: inflating and parsing the font's
// tables but its outlines.
// retained-B/op is what the loaded font keeps on the heap (measured
// once, after the timed loop).
func BenchmarkLoadExtFont(b *testing.B) {
	for b.Loop() {
		if _, err := loadExtFont(); err != nil {
			b.Fatal(err)
		}
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f, _ := loadExtFont()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(f)
	b.ReportMetric(float64(after.HeapAlloc-min(before.HeapAlloc, after.HeapAlloc)), "retained-B/op")
}

// BenchmarkSampleWithExtB is BenchmarkSample's document with names of
// Extension B added: the cost of inflating the pieces of the font that
// hold their glyphs, in every such document.
func BenchmarkSampleWithExtB(b *testing.B) {
	fonts()
	extFont()
	for b.Loop() {
		d := sample()
		d.AddPage(A6Width, A6Height).Text(5, 20, Style{Size: 12}, extNames)
		d.Bytes()
	}
}

// TestExtConcurrentDocuments: documents written at once (as a server's
// requests are) share the loaded font and read its pieces each on its
// own; each gets the same bytes as when written alone (go test -race).
func TestExtConcurrentDocuments(t *testing.T) {
	doc := func(s string) []byte {
		d := New()
		d.AddPage(A6Width, A6Height).Text(5, 20, Style{Size: 12}, s)
		return d.Bytes()
	}
	names := []string{"吉𠮷", "张𡃁", "王𪚥"}
	want := make([][]byte, len(names))
	for i, s := range names {
		want[i] = doc(s)
	}
	errs := make(chan string, 2*len(names))
	var wg sync.WaitGroup
	for range 2 {
		for i, s := range names {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if !bytes.Equal(doc(s), want[i]) {
					errs <- s
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for s := range errs {
		t.Errorf("%s written at the same time as others differs", s)
	}
}
