// Package orgfile reads and writes organisation files — CSV (UTF-8 with or
// without BOM, or GB18030 as Excel writes it in China) and XLSX — and checks
// each row into an organisation record. It touches no database: the store
// decides what a row creates, updates or leaves unchanged.
package orgfile

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/kexie/kexie/internal/cnid"
	"github.com/kexie/kexie/internal/kexie"
)

// Columns are the file's columns, in the order kexie writes them. Reading
// accepts any order; code, kind and name_zh are required.
var Columns = []string{"code", "parent_code", "kind", "name_zh", "name_en", "region_code", "uscc", "established", "independent", "status"}

// Record is one data row: its line (row) number in the file, counting the
// header as line 1, and its values by column name.
type Record struct {
	Line   int
	Values map[string]string
}

// File is a read organisation file: its records and the columns its header
// has. A column the header lacks is not "empty": an import leaves the
// stored value of an absent column alone.
type File struct {
	Records []Record
	Has     map[string]bool
}

// Read parses a CSV or XLSX file (by extension, or by content for XLSX)
// into records. A required column missing from the header, an unknown
// column or a column named twice is an error for the whole file; header
// cells left empty (spreadsheets write them) are ignored with their data.
func Read(name string, r io.Reader) (File, error) {
	var f File
	data, err := io.ReadAll(r)
	if err != nil {
		return f, err
	}
	var rows [][]string
	var lines []int
	xlsx := strings.EqualFold(filepath.Ext(name), ".xlsx") || bytes.HasPrefix(data, []byte("PK\x03\x04"))
	if xlsx {
		rows, err = readXLSX(data)
		for i := range rows {
			lines = append(lines, i+1)
		}
	} else {
		rows, lines, err = readCSV(data)
	}
	if err != nil {
		return f, err
	}
	if len(rows) == 0 {
		return f, kexie.Errorf(kexie.CodeInvalid, "err.file_empty", "the file is empty: it needs a header row")
	}
	header := make([]string, len(rows[0]))
	f.Has = map[string]bool{}
	for i, h := range rows[0] {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if h == "" {
			continue
		}
		if !slices.Contains(Columns, h) {
			return f, kexie.Errorf(kexie.CodeInvalid, "err.file_column", "unknown column %q in the header", h)
		}
		if f.Has[h] {
			return f, kexie.Errorf(kexie.CodeInvalid, "err.file_column_twice", "column %q appears twice in the header", h)
		}
		f.Has[h] = true
		header[i] = h
	}
	for _, req := range []string{"code", "kind", "name_zh"} {
		if !f.Has[req] {
			return f, kexie.Errorf(kexie.CodeInvalid, "err.file_column_missing", "the header lacks the column %q", req)
		}
	}
	for i, row := range rows[1:] {
		blank := true
		vals := map[string]string{}
		for j, v := range row {
			v = strings.TrimSpace(v)
			switch {
			case j < len(header) && header[j] != "":
				vals[header[j]] = v
			case v != "" && j >= len(header):
				vals["\x00extra"] = v
			}
			blank = blank && v == ""
		}
		if blank {
			continue // empty lines, as spreadsheets leave them, are not rows
		}
		if xlsx {
			vals["established"] = excelDate(vals["established"])
		}
		f.Records = append(f.Records, Record{Line: lines[i+1], Values: vals})
	}
	return f, nil
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

// CheckAll checks every record: a code already used on an earlier line is
// rejected whatever else is wrong with either line, then each record is
// checked on its own. It returns the rows to import, the rejections, and
// the warnings of the accepted rows by line.
func CheckAll(f File) (rows []Row, rejected []kexie.Rejection) {
	first := map[string]int{}
	for _, rec := range f.Records {
		code := rec.Values["code"]
		if line, dup := first[code]; dup && code != "" {
			rejected = append(rejected, kexie.Rejection{Line: rec.Line, Code: code, Reason: fmt.Sprintf("code %s already appears on line %d", code, line)})
			continue
		}
		if code != "" {
			first[code] = rec.Line
		}
		row, err := Check(rec)
		if err != nil {
			rejected = append(rejected, kexie.Rejection{Line: rec.Line, Code: code, Reason: kexie.AsError(err).Message, Err: err})
			continue
		}
		row.Has = f.Has
		rows = append(rows, row)
	}
	return rows, rejected
}

// readCSV decodes the bytes (UTF-8 with or without BOM, else GB18030) and
// returns the rows with the line each starts on.
func readCSV(data []byte) ([][]string, []int, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		// The decoder maps undecodable bytes to U+FFFD instead of failing:
		// one in the result means the file was in some other encoding.
		if err != nil || bytes.ContainsRune(dec, utf8.RuneError) {
			return nil, nil, kexie.Errorf(kexie.CodeInvalid, "err.file_encoding", "the file is neither UTF-8 nor GB18030")
		}
		data = dec
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	var rows [][]string
	var lines []int
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, kexie.Wrap(kexie.CodeInvalid, "err.file_csv", "the file is not valid CSV: "+err.Error(), err)
		}
		line, _ := cr.FieldPos(0)
		rows = append(rows, rec)
		lines = append(lines, line)
	}
	return rows, lines, nil
}

func readXLSX(data []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, kexie.Wrap(kexie.CodeInvalid, "err.file_xlsx", "the file is not a readable XLSX workbook", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil
	}
	// Raw values: numbers as stored (230100, not 230,100), dates as serial
	// numbers that excelDate converts, booleans as 1/0.
	rows, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, kexie.Wrap(kexie.CodeInvalid, "err.file_xlsx", "the file is not a readable XLSX workbook", err)
	}
	return rows, nil
}

// Summary is the one line an import ends with, on the command line and in
// the web UI alike.
func Summary(read, created, updated, unchanged, rejected, warnings int) string {
	return fmt.Sprintf("orgs: %d read, %d created, %d updated, %d unchanged, %d rejected, %d warnings",
		read, created, updated, unchanged, rejected, warnings)
}

// Row is a checked record: the organisation it describes (ParentCode set,
// ids not), and warnings that do not reject it.
type Row struct {
	Line     int
	Org      kexie.Organisation
	Warnings []string
	Has      map[string]bool // the file's columns (see File)
}

// Check validates one record. A rejected record's error says why, in words
// fit for the error file.
func Check(rec Record) (Row, error) {
	v := rec.Values
	row := Row{Line: rec.Line}
	if _, extra := v["\x00extra"]; extra {
		return row, kexie.Errorf(kexie.CodeInvalid, "err.row_extra", "more values than header columns")
	}
	o := kexie.Organisation{Code: v["code"], ParentCode: v["parent_code"], NameZH: v["name_zh"], NameEN: v["name_en"]}
	if o.Code == "" {
		return row, kexie.Errorf(kexie.CodeInvalid, "err.row_code", "code is empty")
	}
	if len(o.Code) > 64 || strings.ContainsAny(o.Code, " \t\r\n,") {
		return row, kexie.Errorf(kexie.CodeInvalid, "err.row_code_chars", "code must be at most 64 characters without spaces or commas")
	}
	if o.ParentCode == o.Code {
		return row, kexie.Errorf(kexie.CodeInvalid, "err.org_cycle", "an organisation cannot be its own parent")
	}
	var err error
	if o.Kind, err = kexie.ParseOrgKind(v["kind"]); err != nil {
		return row, err
	}
	if o.NameZH == "" {
		return row, kexie.Errorf(kexie.CodeInvalid, "err.row_name", "name_zh is empty")
	}
	if utf8.RuneCountInString(o.NameZH) > 200 || utf8.RuneCountInString(o.NameEN) > 300 {
		return row, kexie.Errorf(kexie.CodeInvalid, "err.row_name_long", "a name is too long")
	}
	if rc := v["region_code"]; rc != "" {
		r, err := cnid.ParseRegion(rc)
		if err != nil {
			return row, err
		}
		o.RegionCode = r.Code
	}
	if u := v["uscc"]; u != "" {
		c, err := cnid.ParseUSCC(u)
		if err != nil {
			return row, err
		}
		o.USCC = c.Code
		if !c.CheckOK {
			row.Warnings = append(row.Warnings, fmt.Sprintf("uscc %s: wrong check character (accepted: early pilot codes fail it)", c.Code))
		}
	}
	if o.Established, err = kexie.ParsePartialDate(v["established"]); err != nil {
		return row, err
	}
	if o.Independent, err = kexie.ParseYesNo(v["independent"]); err != nil {
		return row, err
	}
	if o.Status, err = kexie.ParseOrgStatus(v["status"]); err != nil {
		return row, err
	}
	row.Org = o
	return row, nil
}

// Values renders an organisation as a file row, in Columns order.
func Values(o kexie.Organisation) []string {
	ind := "false"
	if o.Independent {
		ind = "true"
	}
	return []string{o.Code, o.ParentCode, string(o.Kind), o.NameZH, o.NameEN, o.RegionCode, o.USCC, o.Established, ind, string(o.Status)}
}

// Writer writes organisations to a CSV (UTF-8 with BOM, so Excel opens it
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
func NewWriter(name string, w io.Writer) (*Writer, error) {
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
	return wr, wr.Write(Columns)
}

// Write writes one row.
func (wr *Writer) Write(vals []string) error {
	if wr.csv != nil {
		return wr.csv.Write(vals)
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
