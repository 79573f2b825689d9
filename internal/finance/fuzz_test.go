package finance

import (
	"bytes"
	"testing"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/tabular"
)

// fuzzJournal reads data as a journal file of the given name, as `kexie
// ledger import` does, and holds it to what any file may do: no panic; a
// file-level error is a coded one with a short message; every line read
// keeps its cells within the bound.
func fuzzJournal(t *testing.T, name string, data []byte) {
	entries, err := ReadJournal(name, bytes.NewReader(data))
	if err != nil {
		if kexie.ErrorCode(err) == kexie.CodeInternal {
			t.Fatalf("an uncoded error: %v", err)
		}
		if len(kexie.AsError(err).Message) > 1000 {
			t.Fatalf("an error of %d bytes", len(kexie.AsError(err).Message))
		}
		return
	}
	for _, e := range entries {
		for _, l := range e.Lines {
			for _, v := range []string{e.Ref, l.Date, l.Account, l.Fund, l.Debit, l.Credit, l.Memo} {
				if len([]rune(v)) > 32767 {
					t.Fatalf("line %d: a cell of %d characters", l.Line, len([]rune(v)))
				}
			}
		}
	}
}

// FuzzReadJournalCSV: any bytes as a journal CSV file.
func FuzzReadJournalCSV(f *testing.F) {
	f.Add([]byte("entry,date,account,fund,debit,credit,memo\nE1,2025-03-01,1002,,500.00,,会费\nE1,2025-03-01,4201,,,500.00,\n"))
	f.Add([]byte("\xef\xbb\xbfentry,date,account,debit,credit\nE2,2025-13-01,9999,x,\n"))
	f.Add([]byte("entry,date,account,debit,credit\n\xb9\xfe,\"a\"\"b\",=1+1,,\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzJournal(t, "j.csv", data) })
}

// FuzzReadJournalXLSX: any bytes as a journal workbook.
func FuzzReadJournalXLSX(f *testing.F) {
	var b bytes.Buffer
	w, err := tabular.NewWriter("j.xlsx", &b, JournalColumns)
	if err != nil {
		f.Fatal(err)
	}
	_ = w.Write([]string{"E1", "2025-03-01", "1002", "", "500.00", "", "会费"})
	_ = w.Write([]string{"E1", "2025-03-01", "4201", "", "", "500.00", ""})
	if err := w.Close(); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzJournal(t, "j.xlsx", data) })
}
