package pdf

import (
	"compress/gzip"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync/atomic"
)

// packedFont is a font file stored as a gzip file of independent members,
// each holding chunk bytes of the font (fonts/build_ext.py): a byte range
// is read by inflating only the members that hold it. The font for CJK
// Extension B and later is 30 MB inflated; a document uses a few of its
// 60,000 glyphs, so it is never inflated whole nor kept inflated.
type packedFont struct {
	gz     string // the gzip file, embedded: read-only data of the binary, not heap
	chunk  int    // bytes of the font per member
	size   int    // bytes of the font
	starts []int  // offset of each member in gz, then len(gz)
}

// inflated counts the bytes packed fonts have inflated in this process. It
// is a statistic for tests and benchmarks (a document without such
// characters inflates none); nothing depends on its value.
var inflated atomic.Int64

// newPackedFont reads the index that build_ext.py writes beside the .gz
// file: the chunk size, the font's size, then the offset of each member
// and the .gz file's size, one decimal a line.
func newPackedFont(gz, index string) (*packedFont, error) {
	var n []int
	for _, f := range strings.Fields(index) {
		v, err := strconv.Atoi(f)
		if err != nil || v < 0 {
			return nil, fmt.Errorf("pdf: packed font index: %q", f)
		}
		n = append(n, v)
	}
	if len(n) < 3 || n[0] <= 0 {
		return nil, fmt.Errorf("pdf: packed font index of %d numbers", len(n))
	}
	p := &packedFont{gz: gz, chunk: n[0], size: n[1], starts: n[2:]}
	members := (p.size + p.chunk - 1) / p.chunk
	if len(p.starts) != members+1 || p.starts[0] != 0 || p.starts[members] != len(gz) {
		return nil, fmt.Errorf("pdf: packed font index does not match the file")
	}
	for i := 1; i < len(p.starts); i++ {
		if p.starts[i] <= p.starts[i-1] {
			return nil, fmt.Errorf("pdf: packed font index not ascending at %d", i)
		}
	}
	return p, nil
}

// read returns bytes [off, end) of the font. Members it inflates are kept
// in cache (the caller's, freed when the caller drops it), so that reading
// many glyphs near each other inflates each member once.
func (p *packedFont) read(off, end int, cache map[int][]byte) ([]byte, error) {
	if off < 0 || end < off || end > p.size {
		return nil, fmt.Errorf("pdf: packed font: bytes %d–%d of %d", off, end, p.size)
	}
	if off == end {
		return nil, nil
	}
	first, last := off/p.chunk, (end-1)/p.chunk
	var out []byte
	for i := first; i <= last; i++ {
		m, ok := cache[i]
		if !ok {
			var err error
			if m, err = p.member(i); err != nil {
				return nil, err
			}
			cache[i] = m
		}
		lo, hi := max(off-i*p.chunk, 0), min(end-i*p.chunk, len(m))
		if first == last {
			return m[lo:hi], nil
		}
		out = append(out, m[lo:hi]...)
	}
	return out, nil
}

// member inflates member i, checking its length and (by gzip) its CRC.
func (p *packedFont) member(i int) ([]byte, error) {
	r, err := gzip.NewReader(strings.NewReader(p.gz[p.starts[i]:p.starts[i+1]]))
	if err != nil {
		return nil, fmt.Errorf("pdf: packed font member %d: %w", i, err)
	}
	r.Multistream(false)
	m := make([]byte, min(p.chunk, p.size-i*p.chunk))
	if _, err := io.ReadFull(r, m); err != nil {
		return nil, fmt.Errorf("pdf: packed font member %d: %w", i, err)
	}
	// Reading to the end checks the CRC and that nothing is left over.
	if n, err := io.Copy(io.Discard, r); err != nil || n != 0 {
		return nil, fmt.Errorf("pdf: packed font member %d: %d bytes too many (%v)", i, n, err)
	}
	inflated.Add(int64(len(m)))
	return m, nil
}

// parse reads the font's tables but glyf, whose outlines are read glyph
// by glyph when a document's subset needs them.
func (p *packedFont) parse() (*trueType, error) {
	return parseSfnt(p.size, p.read, true)
}
