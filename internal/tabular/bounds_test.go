package tabular

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/kexie/kexie/internal/kexie"
)

var boundsSpec = Spec{Columns: []string{"code", "name"}, Required: []string{"code"}}

// workbook is a small XLSX file with the given rows.
func workbook(t *testing.T, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// replaced is a workbook with text replaced in its parts: a cell longer
// than Excel would write (excelize cuts cells at Excel's bound).
func replaced(t *testing.T, wb []byte, old, new string) []byte {
	t.Helper()
	src, err := zip.NewReader(bytes.NewReader(wb), int64(len(wb)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	w := zip.NewWriter(&out)
	for _, f := range src.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		part, err := w.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := part.Write(bytes.ReplaceAll(b, []byte(old), []byte(new))); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// withPart adds a part of n zero bytes to a workbook: it compresses to a
// few hundred kilobytes and unzips to n.
func withPart(t *testing.T, wb []byte, name string, n int64) []byte {
	t.Helper()
	src, err := zip.NewReader(bytes.NewReader(wb), int64(len(wb)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	w := zip.NewWriter(&out)
	for _, f := range src.File {
		if err := w.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	part, err := w.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	zero := make([]byte, 1<<20)
	for written := int64(0); written < n; written += int64(len(zero)) {
		if _, err := part.Write(zero); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestFilesCannotExhaustTheServer: a cell longer than Excel allows, a row
// of too many cells, a workbook whose parts unzip past the bounds — in CSV
// and XLSX alike — fail the file with a short message that quotes at most
// an excerpt of what the file held (issue 12, item 4).
func TestFilesCannotExhaustTheServer(t *testing.T) {
	long := strings.Repeat("科", MaxCell+1)
	cases := []struct {
		name, file string
		data       []byte
		key        string
	}{
		{"CSV cell of 10 MB", "f.csv", []byte("code,name\nA1," + strings.Repeat("x", 10<<20) + "\n"), "err.file_cell_long"},
		{"CSV cell one character past the bound", "f.csv", []byte("code,name\nA1," + long + "\n"), "err.file_cell_long"},
		{"CSV header cell past the bound", "f.csv", []byte("code," + long + "\n"), "err.file_cell_long"},
		{"CSV cell with a NUL", "f.csv", []byte("code,name\nA1,a\x00b\n"), "err.file_nul"},
		{"CSV row of too many cells", "f.csv", []byte("code,name\nA1" + strings.Repeat(",x", maxColumns) + "\n"), "err.file_columns"},
		{"XLSX cell past the bound", "f.xlsx", replaced(t, workbook(t, []any{"code", "name"}, []any{"A1", "PLACEHOLDER"}), "PLACEHOLDER", long), "err.file_cell_long"},
		{"XLSX part unzipping past the bound", "f.xlsx", withPart(t, workbook(t, []any{"code", "name"}), "xl/media/bomb.bin", maxXLSXPart+1<<20), "err.file_xlsx_unzipped"},
		{"XLSX parts together past the bound", "f.xlsx", withPart(t, withPart(t, workbook(t, []any{"code", "name"}), "xl/media/a.bin", maxXLSXPart), "xl/media/b.bin", maxXLSXPart), "err.file_xlsx_unzipped"},
	}
	for _, c := range cases {
		_, err := Stream(c.file, bytes.NewReader(c.data), boundsSpec, func(Record) error { return nil })
		e := kexie.AsError(err)
		if err == nil || e.Key != c.key {
			t.Errorf("%s: %v, want %s", c.name, err, c.key)
			continue
		}
		if n := len(err.Error()); n > 300 {
			t.Errorf("%s: the message is %d bytes long: %.120s…", c.name, n, err.Error())
		}
	}
	// Within the bounds, all is read.
	ok := strings.Repeat("科", MaxCell)
	for _, f := range []struct {
		name string
		data []byte
	}{{"f.csv", []byte("code,name\nA1," + ok + "\n")}, {"f.xlsx", workbook(t, []any{"code", "name"}, []any{"A1", ok})}} {
		file, err := Read(f.name, bytes.NewReader(f.data), boundsSpec)
		if err != nil || len(file.Records) != 1 || file.Records[0].Values["name"] != ok {
			t.Errorf("%s with a cell of %d characters: %v", f.name, MaxCell, err)
		}
	}
}
