package memberfile

import (
	"bytes"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/kexie"
)

// fuzzReading reads data as a member file of the given name, the way an
// import does, and holds it to what any file may do: no panic; a file-level
// error is a coded one with a short message; every rejection's reason is
// short; a row taken has no cell past the bound.
func fuzzReading(t *testing.T, name string, data []byte) {
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	_, err := Stream(name, bytes.NewReader(data), now, func(m Member) error {
		for _, v := range Values(m) {
			if len([]rune(v)) > 32767 {
				t.Fatalf("a row taken with a cell of %d characters", len([]rune(v)))
			}
		}
		return nil
	}, func(r kexie.Rejection) {
		if len(r.Reason) > 1000 {
			t.Fatalf("a rejection of %d bytes: %.100s…", len(r.Reason), r.Reason)
		}
	})
	if err != nil {
		if kexie.ErrorCode(err) == kexie.CodeInternal {
			t.Fatalf("an uncoded error: %v", err)
		}
		if len(kexie.AsError(err).Message) > 1000 {
			t.Fatalf("an error of %d bytes", len(kexie.AsError(err).Message))
		}
	}
}

// FuzzReadMembersCSV: any bytes as a member CSV file.
func FuzzReadMembersCSV(f *testing.F) {
	f.Add([]byte("member_no,org_code,type,name,joined\nM1,CAST,individual,王芳,2020-01-01\n"))
	f.Add([]byte("\xef\xbb\xbfmember_no,org_code,type,name,id_type,id_number\n,HLJ,student,曾小明,resident_id,11010519491231002X\n"))
	f.Add([]byte("org_code,type,name\n\xb9\xfe,individual,\"a\"\"b\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzReading(t, "f.csv", data) })
}

// FuzzReadMembersXLSX: any bytes as a member workbook.
func FuzzReadMembersXLSX(f *testing.F) {
	var b bytes.Buffer
	w, err := NewWriter("f.xlsx", &b)
	if err != nil {
		f.Fatal(err)
	}
	_ = w.Write(Values(Member{MemberNo: "M1", OrgCode: "CAST", Type: "individual", Name: "王芳", Joined: "2020-01-01", Status: "active"}))
	if err := w.Close(); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzReading(t, "f.xlsx", data) })
}
