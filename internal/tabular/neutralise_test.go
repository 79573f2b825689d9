package tabular

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

// TestCSVExportNeutralisesFormulas: a cell that a spreadsheet program
// would run as a formula is written with a leading apostrophe in a CSV
// export (as the raw bytes show), other cells as they are; reading the
// export back gives every value as it was.
func TestCSVExportNeutralisesFormulas(t *testing.T) {
	cells := []string{"=HYPERLINK(\"http://x\",\"点我\")", "+8613800138000", "-2+3", "@SUM(A1)", "\t=1", "王芳", "'=x", "'quoted", "", "1958-09-01"}
	var buf bytes.Buffer
	w, err := NewWriter("out.csv", &buf, []string{"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9"})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(cells); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\xef\xbb\xbf"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range raw[1] {
		want := cells[i]
		if want != "" && strings.ContainsRune("=+-@\t\r'", rune(want[0])) {
			want = "'" + want
		}
		if v != want {
			t.Errorf("cell %d %q written as %q, want %q", i, cells[i], v, want)
		}
	}
	spec := Spec{Columns: []string{"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9"}}
	f, err := Read("out.csv", &buf, spec)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range spec.Columns {
		if got, want := f.Records[0].Values[c], strings.TrimSpace(cells[i]); got != want {
			t.Errorf("%s read back as %q, want %q", c, got, want)
		}
	}
}
