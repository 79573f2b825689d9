package orgfile

import (
	"bytes"
	"testing"

	"github.com/kexie/kexie/internal/kexie"
)

// fuzzReading reads data as an organisation file of the given name and
// checks its rows, the way an import does, and holds it to what any file
// may do: no panic; errors coded and short.
func fuzzReading(t *testing.T, name string, data []byte) {
	f, err := Read(name, bytes.NewReader(data))
	if err != nil {
		if kexie.ErrorCode(err) == kexie.CodeInternal {
			t.Fatalf("an uncoded error: %v", err)
		}
		if len(kexie.AsError(err).Message) > 1000 {
			t.Fatalf("an error of %d bytes", len(kexie.AsError(err).Message))
		}
		return
	}
	_, rejected := CheckAll(f)
	for _, r := range rejected {
		if len(r.Reason) > 1000 {
			t.Fatalf("a rejection of %d bytes: %.100s…", len(r.Reason), r.Reason)
		}
	}
}

// FuzzReadOrgsCSV: any bytes as an organisation CSV file.
func FuzzReadOrgsCSV(f *testing.F) {
	f.Add([]byte("code,parent_code,kind,name_zh\nROOT,,national_association,中国科协\nHLJ,ROOT,provincial_association,黑龙江省科协\n"))
	f.Add([]byte("code,kind,name_zh,established,independent\nX,county_association,\xcf\xd8,1958-09,是\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzReading(t, "f.csv", data) })
}

// FuzzReadOrgsXLSX: any bytes as an organisation workbook.
func FuzzReadOrgsXLSX(f *testing.F) {
	var b bytes.Buffer
	w, err := NewWriter("f.xlsx", &b)
	if err != nil {
		f.Fatal(err)
	}
	_ = w.Write(Values(kexie.Organisation{Code: "ROOT", Kind: "national_association", NameZH: "中国科协", Status: kexie.OrgActive}))
	if err := w.Close(); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) { fuzzReading(t, "f.xlsx", data) })
}
