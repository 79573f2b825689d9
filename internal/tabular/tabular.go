// Package tabular reads and writes the spreadsheet files kexie imports and
// exports: CSV (UTF-8 with or without BOM, or GB18030 as Excel writes it in
// China) and XLSX, with a header row naming the columns in any order.
package tabular

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

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
}

// File is a read organisation file: its records and the columns its header
// has. A column the header lacks is not "empty": an import leaves the
// stored value of an absent column alone.
type File struct {
	Records []Record
	Has     map[string]bool
}

// Read parses a CSV or XLSX file of the given spec (by extension, or by content for XLSX)
// into records. A required column missing from the header, an unknown
// column or a column named twice is an error for the whole file; header
// cells left empty (spreadsheets write them) are ignored with their data.
func Read(name string, r io.Reader, spec Spec) (File, error) {
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
		if !slices.Contains(spec.Columns, h) {
			return f, kexie.Errorf(kexie.CodeInvalid, "err.file_column", "unknown column %q in the header", h)
		}
		if f.Has[h] {
			return f, kexie.Errorf(kexie.CodeInvalid, "err.file_column_twice", "column %q appears twice in the header", h)
		}
		f.Has[h] = true
		header[i] = h
	}
	for _, req := range spec.Required {
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
			for _, c := range spec.Dates {
				if v, ok := vals[c]; ok {
					vals[c] = excelDate(v)
				}
			}
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
