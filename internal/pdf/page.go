package pdf

import (
	"bytes"
	"fmt"
)

// Color is an RGB colour; the zero value is black.
type Color struct{ R, G, B uint8 }

// Common colours.
var (
	Black = Color{}
	White = Color{255, 255, 255}
)

func (c Color) ops(op string) string {
	return fmt.Sprintf("%s %s %s %s", num(float64(c.R)/255), num(float64(c.G)/255), num(float64(c.B)/255), op)
}

// Page is one page of a Document. Coordinates are millimetres from the
// top-left corner.
type Page struct {
	doc  *Document
	w, h float64 // mm
	buf  bytes.Buffer
}

// Size is the page's width and height in millimetres.
func (p *Page) Size() (width, height float64) { return p.w, p.h }

// x and y convert page millimetres to PDF user space (points, y upwards).
func (p *Page) x(mm float64) string { return num(pt(mm)) }
func (p *Page) y(mm float64) string { return num(pt(p.h - mm)) }

// Rect fills the rectangle with top-left corner (x, y).
func (p *Page) Rect(x, y, w, h float64, c Color) {
	fmt.Fprintf(&p.buf, "q %s %s %s %s %s re f Q\n", c.ops("rg"), p.x(x), p.y(y+h), num(pt(w)), num(pt(h)))
}

// StrokeRect outlines the rectangle with a line lineWidth millimetres wide.
func (p *Page) StrokeRect(x, y, w, h, lineWidth float64, c Color) {
	fmt.Fprintf(&p.buf, "q %s %s w %s %s %s %s re S Q\n", c.ops("RG"), num(pt(lineWidth)), p.x(x), p.y(y+h), num(pt(w)), num(pt(h)))
}

// Line draws a straight line lineWidth millimetres wide.
func (p *Page) Line(x1, y1, x2, y2, lineWidth float64, c Color) {
	fmt.Fprintf(&p.buf, "q %s %s w %s %s m %s %s l S Q\n", c.ops("RG"), num(pt(lineWidth)), p.x(x1), p.y(y1), p.x(x2), p.y(y2))
}

// Matrix is a square grid of dark and light modules. A QR code from
// rsc.io/qr (*qr.Code) is one; this package does not import it.
type Matrix interface {
	Black(x, y int) bool
}

// Modules draws an n×n matrix as filled squares in a square of side
// millimetres with top-left corner (x, y). Runs of dark modules in a row
// become one rectangle: fewer operators and no hairline seams between
// neighbours. Leave the quiet zone a scanner needs around it yourself.
func (p *Page) Modules(m Matrix, n int, x, y, side float64, c Color) {
	if n <= 0 {
		return
	}
	u := side / float64(n)
	fmt.Fprintf(&p.buf, "q %s\n", c.ops("rg"))
	for row := 0; row < n; row++ {
		for col := 0; col < n; {
			if !m.Black(col, row) {
				col++
				continue
			}
			start := col
			for col < n && m.Black(col, row) {
				col++
			}
			fmt.Fprintf(&p.buf, "%s %s %s %s re\n", p.x(x+float64(start)*u), p.y(y+float64(row+1)*u), num(pt(float64(col-start)*u)), num(pt(u)))
		}
	}
	p.buf.WriteString("f Q\n")
}

// Align places text relative to the x it is drawn at.
type Align int

// Alignments: x is the left edge, the centre or the right edge.
const (
	Left Align = iota
	Center
	Right
)

// Style is how text is set.
type Style struct {
	Size  float64 // points
	Bold  bool    // simulated by also stroking the outlines: no bold font is needed
	Color Color
	Align Align
}

// Text sets one line of text with its baseline at y. Control characters
// are dropped; use Paragraph for text that wraps or has line breaks.
func (p *Page) Text(x, y float64, st Style, s string) {
	runs := p.doc.runs(s)
	if len(runs) == 0 {
		return
	}
	switch st.Align {
	case Center:
		x -= Width(s, st.Size) / 2
	case Right:
		x -= Width(s, st.Size)
	}
	fmt.Fprintf(&p.buf, "q BT %s ", st.Color.ops("rg"))
	if st.Bold {
		// Stroke width about 3% of the size thickens strokes like a bold cut.
		fmt.Fprintf(&p.buf, "2 Tr %s w %s ", num(st.Size*0.03), st.Color.ops("RG"))
	}
	fmt.Fprintf(&p.buf, "1 0 0 1 %s %s Tm", p.x(x), p.y(y))
	for _, r := range runs {
		fmt.Fprintf(&p.buf, " %s %s Tf <%s> Tj", faceAt(r.face).resource, num(st.Size), r.hex)
	}
	p.buf.WriteString(" ET Q\n")
}

// Paragraph sets s wrapped to width millimetres, the first baseline at y
// and the next ones leading millimetres apart; st.Align aligns the lines
// within [x, x+width]. It returns the baseline after the last line.
func (p *Page) Paragraph(x, y, width, leading float64, st Style, s string) float64 {
	switch st.Align {
	case Center:
		x += width / 2
	case Right:
		x += width
	}
	for _, line := range Wrap(s, st.Size, width) {
		p.Text(x, y, st, line)
		y += leading
	}
	return y
}
