package pdf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"sort"
)

// trueType is a parsed TrueType font: what measuring text and embedding a
// subset of the font need, nothing more (no shaping, no kerning).
type trueType struct {
	tables     map[string][]byte
	unitsPerEm int
	numGlyphs  int
	cmap       map[rune]uint16
	advances   []uint16 // font units, per glyph
	loca       []uint32 // numGlyphs+1 offsets into glyf
	// Where glyf is in the font file. read is set when glyf was left
	// unread: outlines are read on demand (parseSfnt).
	glyfOff, glyfLen int
	read             readFunc
	// Metrics for the font descriptor, in font units.
	xMin, yMin, xMax, yMax int16
	ascent, descent        int16
	capHeight              int16
	italicAngle            float64
}

var errFont = errors.New("pdf: malformed TrueType font")

func u16(b []byte, at int) uint16 { return binary.BigEndian.Uint16(b[at:]) }
func u32(b []byte, at int) uint32 { return binary.BigEndian.Uint32(b[at:]) }
func i16(b []byte, at int) int16  { return int16(binary.BigEndian.Uint16(b[at:])) }

// parseTrueType reads a font with TrueType outlines (glyf), as the fonts
// this package embeds are. Malformed input is an error, never a panic.
func parseTrueType(data []byte) (*trueType, error) {
	return parseSfnt(len(data), func(off, end int, _ map[int][]byte) ([]byte, error) { return data[off:end], nil }, false)
}

// readFunc returns bytes [off, end) of a font file. A reader that
// inflates the file piecewise keeps what it inflated in cache, which the
// caller owns (and frees by dropping it); others ignore cache.
type readFunc func(off, end int, cache map[int][]byte) ([]byte, error)

// parseSfnt reads a font of size bytes through read. With lazyGlyf the
// glyf table — nearly all of a large font — is not read: glyph outlines
// are read through read when a subset needs them (see packedFont).
func parseSfnt(size int, read readFunc, lazyGlyf bool) (f *trueType, err error) {
	defer func() {
		if recover() != nil { // a table shorter than its header says
			f, err = nil, errFont
		}
	}()
	if size < 12 {
		return nil, fmt.Errorf("%w: not a TrueType outline font", errFont)
	}
	cache := map[int][]byte{} // what reading the tables inflates, freed on return
	header, err := read(0, 12, cache)
	if err != nil {
		return nil, err
	}
	if u32(header, 0) != 0x00010000 {
		return nil, fmt.Errorf("%w: not a TrueType outline font", errFont)
	}
	n := int(u16(header, 4))
	if 12+16*n > size {
		return nil, fmt.Errorf("%w: table directory outside the file", errFont)
	}
	dir, err := read(12, 12+16*n, cache)
	if err != nil {
		return nil, err
	}
	f = &trueType{tables: map[string][]byte{}}
	for i := 0; i < n; i++ {
		rec := dir[16*i:]
		tag, off, length := string(rec[:4]), int(u32(rec, 8)), int(u32(rec, 12))
		if off+length > size || off < 0 || length < 0 {
			return nil, fmt.Errorf("%w: table %q outside the file", errFont, tag)
		}
		if tag == "glyf" {
			f.glyfOff, f.glyfLen = off, length
			if lazyGlyf {
				f.read = read
				continue
			}
		}
		if f.tables[tag], err = read(off, off+length, cache); err != nil {
			return nil, err
		}
	}
	if f.glyfLen == 0 && f.tables["glyf"] == nil {
		return nil, fmt.Errorf("%w: no glyf table", errFont)
	}
	for _, t := range []string{"head", "hhea", "maxp", "hmtx", "loca"} {
		if f.tables[t] == nil {
			return nil, fmt.Errorf("%w: no %s table", errFont, t)
		}
	}
	head, hhea := f.tables["head"], f.tables["hhea"]
	f.unitsPerEm = int(u16(head, 18))
	f.xMin, f.yMin, f.xMax, f.yMax = i16(head, 36), i16(head, 38), i16(head, 40), i16(head, 42)
	f.ascent, f.descent = i16(hhea, 4), i16(hhea, 6)
	f.capHeight = f.ascent
	if os2 := f.tables["OS/2"]; len(os2) >= 90 && u16(os2, 0) >= 2 {
		f.capHeight = i16(os2, 88)
	}
	if post := f.tables["post"]; len(post) >= 8 {
		f.italicAngle = float64(int32(u32(post, 4))) / 65536
	}
	f.numGlyphs = int(u16(f.tables["maxp"], 4))
	if f.unitsPerEm == 0 || f.numGlyphs == 0 {
		return nil, fmt.Errorf("%w: no units per em or no glyphs", errFont)
	}

	hmtx, nh := f.tables["hmtx"], int(u16(hhea, 34))
	if nh == 0 || nh > f.numGlyphs {
		return nil, fmt.Errorf("%w: %d horizontal metrics", errFont, nh)
	}
	f.advances = make([]uint16, f.numGlyphs)
	for g := range f.advances {
		f.advances[g] = u16(hmtx, 4*min(g, nh-1)) // the last advance repeats
	}

	loca, long := f.tables["loca"], i16(head, 50) == 1
	f.loca = make([]uint32, f.numGlyphs+1)
	for g := range f.loca {
		if long {
			f.loca[g] = u32(loca, 4*g)
		} else {
			f.loca[g] = 2 * uint32(u16(loca, 2*g))
		}
		if g > 0 && f.loca[g] < f.loca[g-1] || int(f.loca[g]) > f.glyfLen {
			return nil, fmt.Errorf("%w: loca entry %d", errFont, g)
		}
	}

	f.cmap = map[rune]uint16{}
	if cmap := f.tables["cmap"]; cmap != nil { // a subset for a PDF has none
		if f.cmap, err = parseCmap(cmap, f.numGlyphs); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// parseCmap reads the best Unicode subtable: format 12 (all planes) if
// there is one, else format 4 (the BMP).
func parseCmap(b []byte, numGlyphs int) (map[rune]uint16, error) {
	var best []byte
	bestFormat := 0
	for i := 0; i < int(u16(b, 2)); i++ {
		rec := b[4+8*i:]
		platform, encoding, off := u16(rec, 0), u16(rec, 2), int(u32(rec, 4))
		unicode := platform == 0 || platform == 3 && (encoding == 1 || encoding == 10)
		if !unicode || off >= len(b) {
			continue
		}
		if format := int(u16(b, off)); (format == 4 || format == 12) && format > bestFormat {
			best, bestFormat = b[off:], format
		}
	}
	m := map[rune]uint16{}
	add := func(r rune, g uint32) {
		if g != 0 && int(g) < numGlyphs {
			m[r] = uint16(g)
		}
	}
	switch bestFormat {
	case 12:
		for i := 0; i < int(u32(best, 12)); i++ {
			grp := best[16+12*i:]
			start, end, g := u32(grp, 0), u32(grp, 4), u32(grp, 8)
			if end < start || end > 0x10ffff {
				return nil, fmt.Errorf("%w: cmap group %d", errFont, i)
			}
			for c := start; c <= end; c++ {
				add(rune(c), g+c-start)
			}
		}
	case 4:
		segs := int(u16(best, 6)) / 2
		ends, starts, deltas, ranges := 14, 16+2*segs, 16+4*segs, 16+6*segs
		for i := 0; i < segs; i++ {
			end, start := u16(best, ends+2*i), u16(best, starts+2*i)
			delta, ro := u16(best, deltas+2*i), int(u16(best, ranges+2*i))
			for c := int(start); c <= int(end) && c != 0xffff; c++ {
				if ro == 0 {
					add(rune(c), uint32(uint16(c)+delta))
					continue
				}
				if g := u16(best, ranges+2*i+ro+2*(c-int(start))); g != 0 {
					add(rune(c), uint32(g+delta))
				}
			}
		}
	default:
		return nil, fmt.Errorf("%w: no Unicode cmap of format 4 or 12", errFont)
	}
	return m, nil
}

// glyph is the outline data of glyph g (empty for a blank glyph such as
// the space).
func (f *trueType) glyph(g uint16) []byte {
	return f.outlines()(g)
}

// outlines returns a reader of glyph outlines. For a font whose glyf
// table was left unread it reads each glyph through f.read; the reader is
// for one subset, so what reading inflates is freed with it.
func (f *trueType) outlines() func(g uint16) []byte {
	if f.read == nil {
		return func(g uint16) []byte { return f.tables["glyf"][f.loca[g]:f.loca[g+1]] }
	}
	cache := map[int][]byte{}
	return func(g uint16) []byte {
		b, err := f.read(f.glyfOff+int(f.loca[g]), f.glyfOff+int(f.loca[g+1]), cache)
		if err != nil {
			// The font is embedded in the binary and checked whole by
			// TestExtFontInflates: failing here is a build defect.
			panic(fmt.Sprintf("pdf: reading glyph %d: %v", g, err))
		}
		return b
	}
}

// Composite glyph flags (the glyf table's component records).
const (
	argsAreWords   = 0x0001
	haveScale      = 0x0008
	moreComponents = 0x0020
	haveXYScale    = 0x0040
	haveTwoByTwo   = 0x0080
)

// components calls fn with the offset of each component's glyph index in
// the composite glyph data b; a simple glyph has none.
func components(b []byte, fn func(at int)) {
	if len(b) < 10 || i16(b, 0) >= 0 {
		return
	}
	for at := 10; at+4 <= len(b); {
		flags := u16(b, at)
		fn(at + 2)
		at += 4
		if flags&argsAreWords != 0 {
			at += 4
		} else {
			at += 2
		}
		switch {
		case flags&haveScale != 0:
			at += 2
		case flags&haveXYScale != 0:
			at += 4
		case flags&haveTwoByTwo != 0:
			at += 8
		}
		if flags&moreComponents == 0 {
			return
		}
	}
}

// subset writes a font holding the glyphs keep, renumbered: keep[i] becomes
// glyph i, so keep[0] must be 0 (.notdef). Components of composite glyphs
// are appended after keep (and renumbered in the composites). It returns
// the font file and the complete old glyph list in new order. Only the
// tables a PDF reader needs for a CIDFontType2 are written (ISO 32000-1,
// 9.9): no cmap, the PDF maps codes to glyphs itself.
func (f *trueType) subset(keep []uint16) ([]byte, []uint16) {
	order := append([]uint16(nil), keep...)
	newID := map[uint16]uint16{}
	for i, g := range order {
		newID[g] = uint16(i)
	}
	outline := f.outlines()
	// data[i] is the outline of order[i], each read once; order grows as
	// components are found.
	var data [][]byte
	for i := 0; i < len(order); i++ {
		b := outline(order[i])
		data = append(data, b)
		components(b, func(at int) {
			c := u16(b, at)
			if _, ok := newID[c]; !ok && int(c) < f.numGlyphs {
				newID[c] = uint16(len(order))
				order = append(order, c)
			}
		})
	}

	var glyf []byte
	loca := make([]byte, 4*(len(order)+1))
	hmtx := make([]byte, 4*len(order))
	for i, g := range order {
		binary.BigEndian.PutUint32(loca[4*i:], uint32(len(glyf)))
		b := append([]byte(nil), data[i]...)
		components(b, func(at int) {
			binary.BigEndian.PutUint16(b[at:], newID[u16(b, at)])
		})
		glyf = append(glyf, b...)
		for len(glyf)%4 != 0 {
			glyf = append(glyf, 0)
		}
		binary.BigEndian.PutUint16(hmtx[4*i:], f.advances[g])
		binary.BigEndian.PutUint16(hmtx[4*i+2:], uint16(f.lsb(g)))
	}
	binary.BigEndian.PutUint32(loca[4*len(order):], uint32(len(glyf)))

	head := append([]byte(nil), f.tables["head"]...)
	binary.BigEndian.PutUint32(head[8:], 0) // checkSumAdjustment, set below
	binary.BigEndian.PutUint16(head[50:], 1)
	hhea := append([]byte(nil), f.tables["hhea"]...)
	binary.BigEndian.PutUint16(hhea[34:], uint16(len(order)))
	maxp := append([]byte(nil), f.tables["maxp"]...)
	binary.BigEndian.PutUint16(maxp[4:], uint16(len(order)))
	tables := map[string][]byte{"head": head, "hhea": hhea, "maxp": maxp, "hmtx": hmtx, "loca": loca, "glyf": glyf}
	for _, t := range []string{"cvt ", "fpgm", "prep"} { // hinting, where the font has it
		if b := f.tables[t]; b != nil {
			tables[t] = b
		}
	}
	return writeSfnt(tables), order
}

// lsb is glyph g's left side bearing.
func (f *trueType) lsb(g uint16) int16 {
	hmtx, nh := f.tables["hmtx"], int(u16(f.tables["hhea"], 34))
	if int(g) < nh {
		return i16(hmtx, 4*int(g)+2)
	}
	return i16(hmtx, 4*nh+2*(int(g)-nh))
}

// writeSfnt assembles tables into a font file: sorted directory, tables
// padded to four bytes, checksums and head's checkSumAdjustment.
func writeSfnt(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	for t := range tables {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	n := len(tags)
	pow := 1
	for pow*2 <= n {
		pow *= 2
	}
	out := make([]byte, 12+16*n)
	binary.BigEndian.PutUint32(out, 0x00010000)
	binary.BigEndian.PutUint16(out[4:], uint16(n))
	binary.BigEndian.PutUint16(out[6:], uint16(16*pow))
	binary.BigEndian.PutUint16(out[8:], uint16(bits.Len(uint(pow))-1))
	binary.BigEndian.PutUint16(out[10:], uint16(16*n-16*pow))
	headAt := 0
	for i, t := range tags {
		b := tables[t]
		rec := out[12+16*i:]
		copy(rec, t)
		binary.BigEndian.PutUint32(rec[4:], checksum(b))
		binary.BigEndian.PutUint32(rec[8:], uint32(len(out)))
		binary.BigEndian.PutUint32(rec[12:], uint32(len(b)))
		if t == "head" {
			headAt = len(out)
		}
		out = append(out, b...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	binary.BigEndian.PutUint32(out[headAt+8:], 0xB1B0AFBA-checksum(out))
	return out
}

// checksum is the sfnt checksum: the sum of big-endian 32-bit words, the
// last one padded with zeros.
func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}
