package pdf

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// sample is a two-page document with Chinese, English, mixed lines,
// shapes and a module grid.
func sample() *Document {
	d := New()
	d.Info = Info{Title: "会员证 Membership card", Creator: "kexie test"}
	p := d.AddPage(ID1Width, ID1Height)
	p.Rect(0, 0, ID1Width, 12, Color{179, 38, 30})
	p.Text(4, 6, Style{Size: 9, Bold: true, Color: White}, "中国科学技术协会")
	p.Text(4, 10, Style{Size: 6, Color: White}, "China Association for Science and Technology")
	p.Text(4, 20, Style{Size: 10, Bold: true}, "会员证 Membership card")
	p.Line(4, 22, 50, 22, 0.2, Black)
	p.StrokeRect(1, 1, ID1Width-2, ID1Height-2, 0.3, Black)
	p.Modules(checker(21), 21, 60, 20, 21, Black)
	q := d.AddPage(A4Width, A4Height)
	q.Paragraph(20, 30, 170, 6, Style{Size: 11}, strings.Repeat("会议纪要：理事会审议并通过了年度工作报告。The council approved the annual report. ", 8))
	q.Text(105, 280, Style{Size: 9, Align: Center}, "第 2 页 Page 2")
	return d
}

type checker int

func (c checker) Black(x, y int) bool { return (x+y)%2 == 0 && x < int(c) && y < int(c) }

var (
	startxrefRe = regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`)
	sizeRe      = regexp.MustCompile(`trailer\n<< /Size (\d+) /Root (\d+) 0 R`)
)

// xrefOffsets parses the cross-reference table back: object number →
// byte offset.
func xrefOffsets(t *testing.T, out []byte) map[int]int {
	t.Helper()
	m := startxrefRe.FindSubmatch(out)
	if m == nil {
		t.Fatalf("no startxref at the end: %q", out[max(0, len(out)-60):])
	}
	at, _ := strconv.Atoi(string(m[1]))
	rest := string(out[at:])
	if !strings.HasPrefix(rest, "xref\n") {
		t.Fatalf("startxref %d points at %q", at, rest[:min(len(rest), 20)])
	}
	lines := strings.Split(rest, "\n")
	var first, count int
	if _, err := fmt.Sscanf(lines[1], "%d %d", &first, &count); err != nil || first != 0 {
		t.Fatalf("xref subsection header %q: %v", lines[1], err)
	}
	// Each entry is exactly 20 bytes: 10 digits, space, 5 digits, space,
	// type, space, newline.
	table := rest[len("xref\n")+len(lines[1])+1:]
	offsets := map[int]int{}
	for i := 0; i < count; i++ {
		e := table[20*i : 20*i+20]
		if e[10] != ' ' || e[16] != ' ' || e[18:] != " \n" {
			t.Fatalf("xref entry %d malformed: %q", i, e)
		}
		off, _ := strconv.Atoi(e[:10])
		switch {
		case i == 0 && e[17] != 'f':
			t.Fatalf("entry 0 is not free: %q", e)
		case i > 0 && e[17] != 'n':
			t.Fatalf("entry %d is not in use: %q", i, e)
		case i > 0:
			offsets[i] = off
		}
	}
	if !strings.HasPrefix(table[20*count:], "trailer\n") {
		t.Fatalf("no trailer after %d entries", count)
	}
	s := sizeRe.FindStringSubmatch(rest)
	if s == nil || s[1] != strconv.Itoa(count) {
		t.Fatalf("trailer /Size %v, xref has %d entries", s, count)
	}
	return offsets
}

func TestXrefOffsetsPointAtTheirObjects(t *testing.T) {
	out := sample().Bytes()
	offsets := xrefOffsets(t, out)
	// Two pages; Latin and CJK fonts.
	if want := objFirstPage - 1 + 2*2 + 2*objPerFont; len(offsets) != want {
		t.Fatalf("%d objects, want %d", len(offsets), want)
	}
	for n, off := range offsets {
		if want := fmt.Sprintf("%d 0 obj\n", n); !bytes.HasPrefix(out[off:], []byte(want)) {
			t.Errorf("object %d: offset %d points at %q", n, off, out[off:off+12])
		}
	}
	// Every object ends before the next one starts.
	if c := bytes.Count(out, []byte(" 0 obj\n")); c != len(offsets) {
		t.Errorf("%d objects in the body, %d in the table", c, len(offsets))
	}
	if c := bytes.Count(out, []byte("endobj\n")); c != len(offsets) {
		t.Errorf("%d endobj, %d objects", c, len(offsets))
	}
	// Stream lengths are exact.
	streams := regexp.MustCompile(`/Length (\d+) >>\nstream\n`)
	for _, loc := range streams.FindAllSubmatchIndex(out, -1) {
		n, _ := strconv.Atoi(string(out[loc[2]:loc[3]]))
		if end := loc[1] + n; !bytes.HasPrefix(out[end:], []byte("\nendstream\n")) {
			t.Errorf("stream at %d: /Length %d does not reach endstream", loc[0], n)
		}
	}
}

// TestFirstObjectOffsetExact pins the arithmetic: the header is 15 bytes
// ("%PDF-1.7\n" and a 4-byte binary comment line), so object 1 starts at
// byte 15 and its xref entry says so.
func TestFirstObjectOffsetExact(t *testing.T) {
	d := New()
	d.AddPage(A6Width, A6Height)
	out := d.Bytes()
	if !bytes.HasPrefix(out, []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")) {
		t.Fatalf("start: %q", out[:30])
	}
	at := bytes.Index(out, []byte("\nxref\n0 6\n"))
	if at < 0 {
		t.Fatal("no xref table of 6 entries (objects 0–5: no fonts without text)")
	}
	entries := string(out[at+len("\nxref\n0 6\n"):])
	if !strings.HasPrefix(entries, "0000000000 65535 f \n0000000015 00000 n \n") {
		t.Fatalf("entries: %q", entries[:40])
	}
	second := bytes.Index(out, []byte("\n2 0 obj\n")) + 1
	if want := fmt.Sprintf("%010d 00000 n \n", second); entries[40:60] != want {
		t.Fatalf("entry 2 = %q, want %q", entries[40:60], want)
	}
}

func TestDeterministic(t *testing.T) {
	a, b := sample().Bytes(), sample().Bytes()
	if !bytes.Equal(a, b) {
		t.Fatal("the same document rendered twice differs")
	}
	if bytes.Contains(a, []byte("CreationDate")) {
		t.Fatal("a timestamp without Info.Created")
	}
	d := sample()
	d.Info.Created = time.Date(2026, 11, 20, 8, 30, 0, 0, time.UTC)
	if !bytes.Contains(d.Bytes(), []byte("/CreationDate (D:20261120083000Z)")) {
		t.Fatal("no creation date")
	}
}

func TestRunsSplitByFont(t *testing.T) {
	d := New()
	got := d.runs("会员 No.1\t䶮é会")
	// CIDs in order of first use per face: 会 1, 员 2 (CJK); space 1, N 2,
	// o 3, . 4, 1 5 (Latin); the tab dropped; 䶮 1 (rare); é 6 (Latin);
	// 会 again 1.
	want := []run{{cjkFace, "00010002"}, {latinFace, "00010002000300040005"}, {rareFace, "0001"}, {latinFace, "0006"}, {cjkFace, "0001"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("runs = %v, want %v", got, want)
	}
	if u := d.used[rareFace]; string(u.text[1:]) != "䶮" {
		t.Fatalf("rare face shows %q", string(u.text))
	}
}

func TestWidth(t *testing.T) {
	// 10 pt: a CJK character is 10 pt wide, "M" 8.33 pt.
	if w := Width("中", 10); fmt.Sprintf("%.3f", w) != "3.528" {
		t.Errorf("Width(中) = %v mm", w)
	}
	if w, want := Width("Mi", 10), (0.833+0.222)*10*25.4/72; fmt.Sprintf("%.6f", w) != fmt.Sprintf("%.6f", want) {
		t.Errorf("Width(Mi) = %v, want %v", w, want)
	}
}

func TestWrap(t *testing.T) {
	em := Width("中", 10)
	for _, c := range []struct {
		in    string
		width float64 // in ems of 10 pt
		want  []string
	}{
		{"中国科学技术协会", 3, []string{"中国科", "学技术", "协会"}},
		{"中国，科学", 2, []string{"中", "国，", "科学"}}, // the comma takes 国 with it to the next line
		{"一（二三）", 2, []string{"一", "（二", "三）"}},
		{"the quick brown fox", 4.5, []string{"the quick", "brown fox"}},
		{"first\n\nthird", 10, []string{"first", "", "third"}},
		{"abcdefghijklmnop", 3, []string{"abcde", "fghijkl", "mnop"}},
		{"会员 Membership card", 6, []string{"会员", "Membership", "card"}},
		{"会员证Membership", 20, []string{"会员证Membership"}},
	} {
		got := Wrap(c.in, 10, c.width*em)
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("Wrap(%q, %v em) = %q, want %q", c.in, c.width, got, c.want)
		}
		for _, l := range got {
			if Width(l, 10) > c.width*em+1e-9 && len([]rune(l)) > 1 && !strings.ContainsAny(l, noLineStart) {
				t.Errorf("Wrap(%q): line %q overflows", c.in, l)
			}
		}
	}
}

// pdftotext finds poppler's text extractor: a real reader, not ours.
// Locally a missing tool skips; under CI=true it fails.
func pdftotext(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("pdftotext")
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("CI=true but pdftotext is missing (apt-get install poppler-utils)")
	}
	t.Skip("pdftotext not installed; extraction test skipped")
	return ""
}

func TestTextExtractsWithPdftotext(t *testing.T) {
	tool := pdftotext(t)
	file := filepath.Join(t.TempDir(), "sample.pdf")
	if err := os.WriteFile(file, sample().Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "-enc", "UTF-8", file, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	text := string(out)
	for _, want := range []string{"中国科学技术协会", "China Association for Science and Technology", "会员证", "Membership card",
		"理事会审议并通过了年度工作报告", "The council approved the annual report.", "Page 2"} {
		if !strings.Contains(text, want) {
			t.Errorf("%q not extracted; got:\n%s", want, text)
		}
	}
	if strings.Count(text, "\f") != 2 {
		t.Errorf("%d pages extracted, want 2", strings.Count(text, "\f"))
	}
}

// noise is a fixed pseudo-random matrix: no symmetry to hide a flipped axis.
type noise [25][25]bool

func newNoise() *noise {
	var m noise
	v := uint32(1)
	for y := range m {
		for x := range m[y] {
			v = v*1664525 + 1013904223
			m[y][x] = v>>28&1 == 1
		}
	}
	return &m
}

func (m *noise) Black(x, y int) bool { return m[y][x] }

// TestModulesRenderInPlace rasterises a module grid with poppler and
// checks the centre of every module: the geometry (y pointing down, rows
// and columns not swapped) is what a scanner will see.
func TestModulesRenderInPlace(t *testing.T) {
	pdftotext(t) // the same package brings pdftoppm
	tool, err := exec.LookPath("pdftoppm")
	if err != nil {
		t.Fatal("pdftotext without pdftoppm")
	}
	const x0, y0, side, dpi = 10.0, 20.0, 50.0, 300.0
	m := newNoise()
	d := New()
	d.AddPage(A6Width, A6Height).Modules(m, 25, x0, y0, side, Black)
	dir := t.TempDir()
	file := filepath.Join(dir, "grid.pdf")
	if err := os.WriteFile(file, d.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(tool, "-gray", "-r", "300", "-singlefile", file, filepath.Join(dir, "grid")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "grid.pgm"))
	if err != nil {
		t.Fatal(err)
	}
	var w, h, maxv int
	if _, err := fmt.Sscanf(string(raw), "P5\n%d %d\n%d\n", &w, &h, &maxv); err != nil {
		t.Fatalf("PGM header: %v", err)
	}
	pix := raw[len(fmt.Sprintf("P5\n%d %d\n%d\n", w, h, maxv)):]
	u := side / 25
	for row := 0; row < 25; row++ {
		for col := 0; col < 25; col++ {
			px := int((x0 + (float64(col)+0.5)*u) / 25.4 * dpi)
			py := int((y0 + (float64(row)+0.5)*u) / 25.4 * dpi)
			dark := pix[py*w+px] < 128
			if dark != m.Black(col, row) {
				t.Fatalf("module (%d, %d): dark %v, want %v", col, row, dark, m.Black(col, row))
			}
		}
	}
}
