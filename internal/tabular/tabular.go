// Package tabular reads and writes the spreadsheet files kexie imports and
// exports: CSV (UTF-8 with or without BOM, or GB18030 as Excel writes it in
// China) and XLSX, with a header row naming the columns in any order.
package tabular

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"github.com/kexie/kexie/internal/kexie"
)

// Spec describes a file kind: its columns, the required ones, and the
// columns holding dates (which XLSX stores as serial day numbers).
type Spec struct {
	Columns  []string
	Required []string
	Dates    []string
}

// Record is one data row: its line (row) number in the file, counting the
// header as line 1, and its values by column name.
type Record struct {
	Line   int
	Values map[string]string
	Has    map[string]bool // the header's columns (shared by all records)
}

// File is a read organisation file: its records and the columns its header
// has. A column the header lacks is not "empty": an import leaves the
// stored value of an absent column alone.
type File struct {
	Records []Record
	Has     map[string]bool
}

// Read parses a CSV or XLSX file of the given spec (by extension, or by
// content for XLSX) into records; see Stream for the rules.
func Read(name string, r io.Reader, spec Spec) (File, error) {
	var f File
	has, err := Stream(name, r, spec, func(rec Record) error {
		rec.Values = maps.Clone(rec.Values)
		f.Records = append(f.Records, rec)
		return nil
	})
	f.Has = has
	return f, err
}

// Stream reads a CSV or XLSX file of the given spec row by row, calling fn
// for each record, and returns the columns its header has. A required
// column missing from the header, an unknown column or a column named twice
// is an error for the whole file (before any record); header cells left
// empty (spreadsheets write them) are ignored with their data; blank rows
// are not records. CSV is streamed: its encoding (UTF-8 with or without
// BOM, else GB18030) is decided on the first 64 KiB, and a byte sequence
// invalid in that encoding further on fails the file where it occurs.
// An error fn returns stops the reading and is returned. A record's Values
// map is reused for the next record: fn copies what it keeps.
func Stream(name string, r io.Reader, spec Spec, fn func(Record) error) (map[string]bool, error) {
	return stream(name, r, spec, false, fn)
}

// StreamOwned is Stream with a map of its own in each record, for a
// reader that hands records to other goroutines.
func StreamOwned(name string, r io.Reader, spec Spec, fn func(Record) error) (map[string]bool, error) {
	return stream(name, r, spec, true, fn)
}

func stream(name string, r io.Reader, spec Spec, owned bool, fn func(Record) error) (map[string]bool, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(4)
	if strings.EqualFold(filepath.Ext(name), ".xlsx") || bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		return streamXLSX(br, spec, owned, fn)
	}
	return streamCSV(br, spec, owned, fn)
}

// header checks a header row and returns the column name of each position
// ("" for ignored cells) and the set of columns present.
func header(row []string, spec Spec) ([]string, map[string]bool, error) {
	cols := make([]string, len(row))
	has := map[string]bool{}
	for i, h := range row {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if h == "" {
			continue
		}
		if !slices.Contains(spec.Columns, h) {
			return nil, nil, kexie.Errorf(kexie.CodeInvalid, "err.file_column", "unknown column %q in the header", kexie.Excerpt(h))
		}
		if has[h] {
			return nil, nil, kexie.Errorf(kexie.CodeInvalid, "err.file_column_twice", "column %q appears twice in the header", kexie.Excerpt(h))
		}
		has[h] = true
		cols[i] = h
	}
	for _, req := range spec.Required {
		if !has[req] {
			return nil, nil, kexie.Errorf(kexie.CodeInvalid, "err.file_column_missing", "the header lacks the column %q", req)
		}
	}
	return cols, has, nil
}

// Bounds on what a file may hold, so that no file exhausts the server: a
// cell at most Excel's own 32,767 characters, a row at most maxColumns
// cells; an XLSX workbook at most maxXLSX bytes as given, each of its parts
// at most maxXLSXPart unzipped and all of them maxXLSXTotal (a 511 KB
// workbook can hold a cell that inflates to 512 MiB), at most Excel's
// 1,048,576 rows. CSV files are streamed: any number of rows.
const (
	MaxCell      = 32767
	maxColumns   = 1024
	maxXLSX      = 64 << 20
	maxXLSXPart  = 128 << 20
	maxXLSXTotal = 256 << 20
	maxXLSXRows  = 1 << 20
	maxXLSXParts = 10000
)

// cellTooLong is the error for a cell past MaxCell: where it is, and the
// start of what it holds, never more.
func cellTooLong(line, col int, v string) error {
	return kexie.Errorf(kexie.CodeInvalid, "err.file_cell_long", "line %d, column %d: a cell holds more than %d characters (it starts %q)", line, col+1, MaxCell, kexie.Excerpt(v))
}

// checkRow applies the bounds on a row's cells.
func checkRow(row []string, line int) error {
	if len(row) > maxColumns {
		return kexie.Errorf(kexie.CodeInvalid, "err.file_columns", "line %d has %v cells; a row has at most %v", line, kexie.CountOf("count.cells", len(row)), kexie.CountOf("count.cells", maxColumns))
	}
	for j, v := range row {
		if len(v) > MaxCell && utf8.RuneCountInString(v) > MaxCell {
			return cellTooLong(line, j, v)
		}
		if strings.IndexByte(v, 0) >= 0 {
			// Stored by SQLite, refused by PostgreSQL: refused on both,
			// with the line and the column.
			return kexie.Errorf(kexie.CodeInvalid, "err.file_nul", "line %d, column %d: a cell holds a NUL character", line, j+1)
		}
	}
	return nil
}

// record turns a data row into a record in vals (cleared first), or
// reports it blank.
func record(vals map[string]string, row, cols []string, has map[string]bool, line int, xlsx bool, spec Spec) (Record, bool) {
	blank := true
	clear(vals)
	for j, v := range row {
		if !xlsx {
			v = unneutralised(strings.TrimSpace(v))
		}
		v = strings.TrimSpace(v)
		switch {
		case j < len(cols) && cols[j] != "":
			vals[cols[j]] = v
		case v != "" && j >= len(cols):
			vals["\x00extra"] = v
		}
		blank = blank && v == ""
	}
	if blank {
		return Record{}, false // empty lines, as spreadsheets leave them, are not rows
	}
	if xlsx {
		for _, c := range spec.Dates {
			if v, ok := vals[c]; ok {
				vals[c] = excelDate(v)
			}
		}
	}
	return Record{Line: line, Values: vals, Has: has}, true
}

// excelDate turns a raw spreadsheet date (a serial day number, as Excel
// stores a cell typed 1958-09-01) into YYYY-MM-DD. A four-digit number is a
// year and stays; text stays.
func excelDate(v string) string {
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || (n >= 1000 && n <= 9999 && n == float64(int(n))) || n < 1 || n > 2958465 {
		return v
	}
	t, err := excelize.ExcelDateToTime(n, false)
	if err != nil {
		return v
	}
	return t.Format("2006-01-02")
}

var errEncoding = kexie.Errorf(kexie.CodeInvalid, "err.file_encoding", "the file is neither UTF-8 nor GB18030")

var errImplausible = kexie.Errorf(kexie.CodeInvalid, "err.file_encoding_implausible",
	"the file is not UTF-8, and read as GB18030 it is not plausible Chinese text (Shift-JIS, Big5 or another encoding?): save it as CSV UTF-8")

// plausibleGB tells whether b, read as GB18030, looks like Chinese text.
// Other double-byte encodings (Shift-JIS, Big5, EUC-KR) mostly decode
// without an invalid byte — into rare characters: Chinese text, names and
// addresses included, keeps nearly all its characters within GB 2312 (both
// bytes 0xA1–0xFE), Shift-JIS's kana and most kanji fall outside it. More
// than a quarter outside, over at least 20 characters, is another
// encoding; fewer characters decide nothing.
func plausibleGB(b []byte) bool {
	inside, outside := 0, 0
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c < 0x80:
			i++
			continue
		case i+1 >= len(b):
			i = len(b)
			continue
		case b[i+1] >= 0x30 && b[i+1] <= 0x39: // a four-byte sequence
			outside++
			i += 4
		case c >= 0xA1 && c <= 0xFE && b[i+1] >= 0xA1 && b[i+1] <= 0xFE:
			inside++
			i += 2
		default:
			outside++
			i += 2
		}
	}
	total := inside + outside
	return total < 20 || outside*4 <= total
}

// streamCSV decodes a CSV stream (UTF-8 with or without BOM, else GB18030)
// and hands each record to fn with the line it starts on.
func streamCSV(br *bufio.Reader, spec Spec, owned bool, fn func(Record) error) (map[string]bool, error) {
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
	}
	src, err := decoding(br)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(src)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	var cols []string
	var has map[string]bool
	vals := map[string]string{}
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if errors.Is(err, errEncoding) {
			return has, errEncoding
		}
		if err != nil {
			return has, kexie.Wrap(kexie.CodeInvalid, "err.file_csv", "the file is not valid CSV: "+err.Error(), err)
		}
		line, _ := cr.FieldPos(0)
		if err := checkRow(row, line); err != nil {
			return has, err
		}
		if cols == nil {
			if cols, has, err = header(row, spec); err != nil {
				return nil, err
			}
			continue
		}
		if rec, ok := record(vals, row, cols, has, line, false, spec); ok {
			if owned {
				vals = make(map[string]string, len(rec.Values))
			}
			if err := fn(rec); err != nil {
				return has, err
			}
		}
	}
	if cols == nil {
		return nil, kexie.Errorf(kexie.CodeInvalid, "err.file_empty", "the file is empty: it needs a header row")
	}
	return has, nil
}

// decoding decides a CSV stream's encoding where it first matters: ASCII
// reads the same in both, so the decision waits for the first byte above
// 0x7F and looks at the 64 KiB from there — valid UTF-8 (a rune cut at the
// end allowed) is UTF-8, anything else GB18030.
func decoding(br *bufio.Reader) (io.Reader, error) {
	const window = 64 << 10
	var ascii []byte
	for {
		b, err := br.Peek(min(window, br.Buffered()+1))
		i := slices.IndexFunc(b, func(c byte) bool { return c >= 0x80 })
		if i >= 0 {
			chunk := make([]byte, i)
			_, _ = io.ReadFull(br, chunk)
			ascii = append(ascii, chunk...)
			head, perr := br.Peek(window)
			if perr != nil && !errors.Is(perr, io.EOF) && !errors.Is(perr, bufio.ErrBufferFull) {
				return nil, perr
			}
			rest := io.MultiReader(bytes.NewReader(ascii), br)
			if utf8Prefix(head, len(head) < window) {
				return &utf8Checker{r: rest}, nil
			}
			if !plausibleGB(head) {
				return nil, errImplausible
			}
			// The decoder maps undecodable bytes to U+FFFD instead of
			// failing: one in the result means some other encoding.
			return &gbChecker{r: transform.NewReader(rest, simplifiedchinese.GB18030.NewDecoder())}, nil
		}
		if len(b) > 0 {
			chunk := make([]byte, len(b))
			_, _ = io.ReadFull(br, chunk)
			ascii = append(ascii, chunk...)
			if len(ascii) > 1<<20 {
				// A long ASCII stretch: pass it on and keep looking.
				return &asciiThen{head: bytes.NewReader(ascii), br: br}, nil
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return bytes.NewReader(ascii), nil
			}
			if !errors.Is(err, bufio.ErrBufferFull) {
				return nil, err
			}
		}
	}
}

// asciiThen passes on the ASCII already read, then decides the rest's
// encoding where its first non-ASCII byte is.
type asciiThen struct {
	head *bytes.Reader
	br   *bufio.Reader
	rest io.Reader
}

func (a *asciiThen) Read(p []byte) (int, error) {
	if a.head.Len() > 0 {
		return a.head.Read(p)
	}
	if a.rest == nil {
		r, err := decoding(a.br)
		if err != nil {
			return 0, err
		}
		a.rest = r
	}
	return a.rest.Read(p)
}

// utf8Prefix tells whether b is valid UTF-8, allowing a rune cut off at
// its end when more follows.
func utf8Prefix(b []byte, whole bool) bool {
	if utf8.Valid(b) {
		return true
	}
	if whole {
		return false
	}
	for cut := 1; cut <= 3 && cut < len(b); cut++ {
		if utf8.Valid(b[:len(b)-cut]) && !utf8.FullRune(b[len(b)-cut:]) {
			return true
		}
	}
	return false
}

// utf8Checker passes UTF-8 text on and fails on the first invalid byte
// sequence. It checks what it reads in a buffer of its own, whole runes at
// a time, and hands it out however short the caller's buffer is (a CSV
// reader's buffer, sliding along a long field, asks for one or two bytes):
// handing out nothing then would look like a stalled stream.
type utf8Checker struct {
	r       io.Reader
	scratch [32 << 10]byte
	ready   []byte  // validated bytes not yet handed out
	tail    [3]byte // an incomplete rune carried to the next read
	ntail   int
	err     error // the underlying reader's error, once ready is drained
}

func (c *utf8Checker) Read(p []byte) (int, error) {
	for empty := 0; len(c.ready) == 0; empty++ {
		if c.err != nil {
			return 0, c.err
		}
		if empty == 100 {
			return 0, io.ErrNoProgress // as bufio says of a source that gives nothing
		}
		n := copy(c.scratch[:], c.tail[:c.ntail])
		m, err := c.r.Read(c.scratch[n:])
		n += m
		end := n
		// Hold back a rune cut at the end of this chunk.
		for i := n - 1; i >= 0 && i >= n-3; i-- {
			if utf8.RuneStart(c.scratch[i]) {
				if !utf8.FullRune(c.scratch[i:n]) {
					end = i
				}
				break
			}
		}
		if !utf8.Valid(c.scratch[:end]) {
			return 0, errEncoding
		}
		c.ntail = copy(c.tail[:], c.scratch[end:n])
		if c.ntail > 0 && errors.Is(err, io.EOF) {
			return 0, errEncoding
		}
		c.ready, c.err = c.scratch[:end], err
	}
	k := copy(p, c.ready)
	c.ready = c.ready[k:]
	return k, nil
}

// gbChecker passes a decoded GB18030 stream through, failing at the first
// replacement character (bytes the decoder could not read) — the exact
// three bytes of U+FFFD, looked for across the boundary of two reads.
type gbChecker struct {
	r    io.Reader
	tail [2]byte
	n    int
}

func (c *gbChecker) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	joined := append(append([]byte{}, c.tail[:c.n]...), p[:n]...)
	if bytes.Contains(joined, []byte("\xef\xbf\xbd")) {
		return 0, errEncoding
	}
	c.n = copy(c.tail[:], joined[max(0, len(joined)-2):])
	return n, err
}

// streamXLSX reads the first sheet's rows with raw values: numbers as
// stored (230100, not 230,100), dates as serial numbers that excelDate
// converts, booleans as 1/0.
func streamXLSX(r io.Reader, spec Spec, owned bool, fn func(Record) error) (map[string]bool, error) {
	bad := func(err error) error {
		return kexie.Wrap(kexie.CodeInvalid, "err.file_xlsx", "the file is not a readable XLSX workbook", err)
	}
	b, err := io.ReadAll(io.LimitReader(r, maxXLSX+1))
	if err != nil {
		return nil, bad(err)
	}
	if len(b) > maxXLSX {
		return nil, kexie.Errorf(kexie.CodeInvalid, "err.file_xlsx_large", "an XLSX workbook is read up to %d MiB: save a larger one as CSV", maxXLSX>>20)
	}
	if err := zipBounded(b); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: maxXLSXTotal})
	if err != nil {
		return nil, bad(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	empty := kexie.Errorf(kexie.CodeInvalid, "err.file_empty", "the file is empty: it needs a header row")
	if len(sheets) == 0 {
		return nil, empty
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, bad(err)
	}
	defer rows.Close()
	var cols []string
	var has map[string]bool
	var firstErr error // line 1 is no header: perhaps line 2 is
	named := 0         // the columns line 1 names
	vals := map[string]string{}
	for line := 1; rows.Next(); line++ {
		if line > maxXLSXRows {
			return has, kexie.Errorf(kexie.CodeInvalid, "err.file_rows", "an XLSX sheet has at most %v rows", kexie.CountOf("count.rows", maxXLSXRows))
		}
		row, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return has, bad(err)
		}
		if err := checkRow(row, line); err != nil {
			return has, err
		}
		if cols == nil {
			// A sheet written for people (NewSheet) has the columns' names
			// in their language on line 1 and the codes on line 2: when
			// line 1 is no header, line 2 may be; if neither, line 1's
			// error is the file's.
			c, h, err := header(row, spec)
			if err != nil && line == 1 {
				firstErr, named = err, len(row)
				continue
			}
			if err != nil {
				return nil, firstErr
			}
			// Columns named on line 1 without a code on line 2 are
			// ignored with their data, as an empty header cell is.
			for len(c) < named {
				c = append(c, "")
			}
			cols, has = c, h
			continue
		}
		if rec, ok := record(vals, row, cols, has, line, true, spec); ok {
			if owned {
				vals = make(map[string]string, len(rec.Values))
			}
			if err := fn(rec); err != nil {
				return has, err
			}
		}
	}
	if err := rows.Error(); err != nil {
		return has, bad(err)
	}
	if cols == nil && firstErr != nil {
		return nil, firstErr
	}
	if cols == nil {
		return nil, empty
	}
	return has, nil
}

// Writer writes rows to a CSV (UTF-8 with BOM, so Excel opens it
// right) or an XLSX file, chosen by the file name's extension.
type Writer struct {
	csv  *csv.Writer
	w    io.Writer
	xlsx *excelize.File
	sw   *excelize.StreamWriter
	row  int
}

// NewWriter starts a file of the given name's kind on w and writes the
// header.
func NewWriter(name string, w io.Writer, header []string) (*Writer, error) {
	wr := &Writer{w: w}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		if _, err := io.WriteString(w, "\xef\xbb\xbf"); err != nil {
			return nil, err
		}
		wr.csv = csv.NewWriter(w)
	case ".xlsx":
		wr.xlsx = excelize.NewFile()
		sw, err := wr.xlsx.NewStreamWriter("Sheet1")
		if err != nil {
			return nil, err
		}
		wr.sw = sw
	default:
		return nil, kexie.Errorf(kexie.CodeInvalid, "err.file_ext", "the output file must end in .csv or .xlsx")
	}
	return wr, wr.Write(header)
}

// SheetColumn is a column of a sheet written for people (NewSheet): its
// name in the reader's language above the code an import reads, and its
// width in characters. A column without a code (the name of a coded
// value, a field imports do not take) is ignored by imports.
type SheetColumn struct {
	Label, Code string
	Width       float64
}

// NewSheet starts an XLSX workbook for people on w: one sheet named sheet,
// the columns' names on line 1 and their codes on line 2, both frozen, the
// columns set to their widths. Such a file imports back: the reader takes
// line 2 as the header when line 1 is none.
func NewSheet(w io.Writer, sheet string, cols []SheetColumn) (*Writer, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, max(c.Width, 8)); err != nil {
			return nil, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F0F4F8"}}})
	if err != nil {
		return nil, err
	}
	grey, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Color: "7B8794", Size: 9}})
	if err != nil {
		return nil, err
	}
	labels, codes := make([]any, len(cols)), make([]any, len(cols))
	for i, c := range cols {
		labels[i] = excelize.Cell{StyleID: bold, Value: c.Label}
		codes[i] = excelize.Cell{StyleID: grey, Value: c.Code}
	}
	if err := sw.SetRow("A1", labels); err != nil {
		return nil, err
	}
	if err := sw.SetRow("A2", codes); err != nil {
		return nil, err
	}
	return &Writer{w: w, xlsx: f, sw: sw, row: 2}, nil
}

// Write writes one row.
func (wr *Writer) Write(vals []string) error {
	if wr.csv != nil {
		safe := make([]string, len(vals))
		for i, v := range vals {
			safe[i] = neutralised(v)
		}
		return wr.csv.Write(safe)
	}
	wr.row++
	cells := make([]any, len(vals))
	for i, v := range vals {
		cells[i] = v // text cells: codes such as 230100 stay text, not numbers
	}
	cell, _ := excelize.CoordinatesToCellName(1, wr.row)
	return wr.sw.SetRow(cell, cells)
}

// Close finishes the file.
func (wr *Writer) Close() error {
	if wr.csv != nil {
		wr.csv.Flush()
		return wr.csv.Error()
	}
	if err := wr.sw.Flush(); err != nil {
		return err
	}
	if _, err := wr.xlsx.WriteTo(wr.w); err != nil {
		return err
	}
	return wr.xlsx.Close()
}

// formulaStart are the first characters that make a spreadsheet program
// take a CSV cell for a formula (=1+1, +86…, -2, @SUM, a tab or a carriage
// return before any of them): a cell a person typed can then run as one
// on the computer of whoever opens the export (CSV injection).
const formulaStart = "=+-@\t\r"

// neutralised is a CSV cell as an export writes it: one that starts like a
// formula gets a leading apostrophe, which spreadsheet programs read as
// "this is text" and do not show. XLSX cells are stored as text already.
func neutralised(v string) string {
	if v != "" && (strings.IndexByte(formulaStart, v[0]) >= 0 || v[0] == '\'') {
		// A cell that starts with an apostrophe gets one more, so that
		// reading takes exactly one off whatever the cell held.
		return "'" + v
	}
	return v
}

// unneutralised undoes neutralised on a CSV cell read back, so that an
// export imports as it was exported (+8613800000000 stays a phone number).
func unneutralised(v string) string {
	if len(v) > 1 && v[0] == '\'' && (strings.IndexByte(formulaStart, v[1]) >= 0 || v[1] == '\'') {
		return v[1:]
	}
	return v
}

// zipBounded checks a workbook's parts before anything is unzipped: each
// part and all of them together within the bounds, as their sizes are
// declared (archive/zip refuses a part that unzips to more than it
// declares, so a declared size cannot lie).
func zipBounded(b []byte) error {
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return kexie.Wrap(kexie.CodeInvalid, "err.file_xlsx", "the file is not a readable XLSX workbook", err)
	}
	if len(z.File) > maxXLSXParts {
		return kexie.Errorf(kexie.CodeInvalid, "err.file_xlsx_unzipped", "the workbook unzips to more than %d MiB: save it as CSV", maxXLSXTotal>>20)
	}
	var total uint64
	for _, f := range z.File {
		total += f.UncompressedSize64
		if f.UncompressedSize64 > maxXLSXPart || total > maxXLSXTotal {
			return kexie.Errorf(kexie.CodeInvalid, "err.file_xlsx_unzipped", "the workbook unzips to more than %d MiB: save it as CSV", maxXLSXTotal>>20)
		}
	}
	return nil
}
