package orgfile

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/kexie/kexie/internal/kexie"
)

const sample = "name_zh,code,kind,parent_code,independent,established\r\n" +
	"黑龙江省科学技术协会,HLJ,provincial_association,,是,1958-12\r\n" +
	"\r\n" +
	"\"哈尔滨市\n科协\",HRB,municipal_association,HLJ,0,1958\r\n" +
	"齐齐哈尔市科协,QQHR,municipal_association,HLJ,,\r\n"

func TestReadEncodingsAndLines(t *testing.T) {
	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"utf8":     []byte(sample),
		"utf8-bom": append([]byte("\xef\xbb\xbf"), sample...),
		"gb18030":  gb,
	} {
		f, err := Read("x.csv", bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		recs := f.Records
		if len(recs) != 3 {
			t.Fatalf("%s: %d records", name, len(recs))
		}
		// Lines count from the header (1); the blank line is skipped but
		// counted; a quoted field spanning two lines starts on line 4.
		if recs[0].Line != 2 || recs[1].Line != 4 || recs[2].Line != 6 {
			t.Errorf("%s: lines %d %d %d", name, recs[0].Line, recs[1].Line, recs[2].Line)
		}
		if recs[0].Values["name_zh"] != "黑龙江省科学技术协会" || recs[1].Values["parent_code"] != "HLJ" {
			t.Errorf("%s: values %v", name, recs[0].Values)
		}
	}
}

func TestReadXLSX(t *testing.T) {
	f := excelize.NewFile()
	rows := [][]any{{"code", "kind", "name_zh", "region_code"}, {"HLJ", "provincial_association", "黑龙江省科协", "230000"}, {}, {"HRB", "municipal_association", "哈尔滨市科协", "230100"}}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	f2, err := Read("upload.bin", &buf) // recognised by content, not name
	if err != nil {
		t.Fatal(err)
	}
	recs := f2.Records
	if len(recs) != 2 || recs[1].Line != 4 || recs[1].Values["region_code"] != "230100" {
		t.Fatalf("%+v", recs)
	}
}

func TestReadHeaderErrors(t *testing.T) {
	for _, data := range []string{"", "code,kind\nX,county_association\n", "code,kind,name_zh,colour\n", "code,code,kind,name_zh\n"} {
		if _, err := Read("x.csv", strings.NewReader(data)); !errors.Is(err, kexie.ErrInvalid) {
			t.Errorf("%q: %v", data, err)
		}
	}
}

func TestCheck(t *testing.T) {
	ok := map[string]string{"code": "HLJ", "kind": "provincial_association", "name_zh": "黑龙江省科协", "region_code": "230000",
		"uscc": "91350100M000100Y43", "established": "1958-12", "independent": "是", "status": ""}
	row, err := Check(Record{Line: 2, Values: ok})
	if err != nil || !row.Org.Independent || row.Org.Status != kexie.OrgActive || len(row.Warnings) != 0 {
		t.Fatalf("%+v %v", row, err)
	}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range ok {
			m[a] = b
		}
		m[k] = v
		return m
	}
	warn, err := Check(Record{Values: with("uscc", "91350100M000100Y44")})
	if err != nil || len(warn.Warnings) != 1 {
		t.Fatalf("wrong USCC check character must warn, not reject: %v %v", warn.Warnings, err)
	}
	for k, v := range map[string]string{
		"code": "", "kind": "planet", "name_zh": "", "region_code": "999999", "uscc": "91350100M000100Y4",
		"established": "1958-13", "independent": "maybe", "status": "asleep", "parent_code": "HLJ",
	} {
		if _, err := Check(Record{Values: with(k, v)}); !errors.Is(err, kexie.ErrInvalid) {
			t.Errorf("%s=%q accepted", k, v)
		}
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	o := kexie.Organisation{Code: "HLJ", ParentCode: "CAST", Kind: "provincial_association", NameZH: "黑龙江省科协, \"省级\"", NameEN: "Heilongjiang",
		RegionCode: "230000", Established: "1958-12", Independent: true, Status: kexie.OrgSuspended}
	for _, name := range []string{"out.csv", "out.xlsx"} {
		var buf bytes.Buffer
		w, err := NewWriter(name, &buf)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(Values(o)); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		f, err := Read(name, &buf)
		recs := f.Records
		if err != nil || len(recs) != 1 {
			t.Fatalf("%s: %v %v", name, recs, err)
		}
		row, err := Check(recs[0])
		if err != nil || !row.Org.SameData(o) {
			t.Fatalf("%s: %+v %v", name, row.Org, err)
		}
	}
}

func TestReadSpreadsheetQuirks(t *testing.T) {
	// A header with a BOM, spaces, capitals and trailing empty cells; CRLF;
	// upper-case values.
	data := "\ufeff Code ,KIND,name_zh,established,independent,status,,\r\n" +
		"HLJ,Provincial_Association,黑龙江省科协,1958,TRUE,Active,,\r\n"
	f, err := Read("x.csv", strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if f.Has["parent_code"] || !f.Has["status"] {
		t.Fatalf("columns %v", f.Has)
	}
	rows, rej := CheckAll(f)
	if len(rej) != 0 || len(rows) != 1 || rows[0].Org.Kind != "provincial_association" || !rows[0].Org.Independent || rows[0].Org.Status != kexie.OrgActive {
		t.Fatalf("%+v %+v", rows, rej)
	}
	// Bytes that are neither UTF-8 nor GB18030.
	if _, err := Read("x.csv", bytes.NewReader([]byte("code,kind,name_zh\nA,county_association,\xff\xff\xff\n"))); !errors.Is(err, kexie.ErrInvalid) {
		t.Fatalf("garbage accepted: %v", err)
	}
}

func TestXLSXDatesAndNumbers(t *testing.T) {
	f := excelize.NewFile()
	_ = f.SetSheetRow("Sheet1", "A1", &[]any{"code", "kind", "name_zh", "region_code", "established", "independent"})
	_ = f.SetSheetRow("Sheet1", "A2", &[]any{"HLJ", "provincial_association", "黑龙江省科协", 230000, 1958, true})
	_ = f.SetSheetRow("Sheet1", "A3", &[]any{"HRB", "municipal_association", "哈尔滨市科协", 230100, time.Date(1958, 9, 1, 0, 0, 0, 0, time.UTC), false})
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	file, err := Read("x.xlsx", &buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, rej := CheckAll(file)
	if len(rej) != 0 || len(rows) != 2 {
		t.Fatalf("%+v %+v", rows, rej)
	}
	if rows[0].Org.RegionCode != "230000" || rows[0].Org.Established != "1958" || !rows[0].Org.Independent {
		t.Errorf("numbers: %+v", rows[0].Org)
	}
	if rows[1].Org.Established != "1958-09-01" || rows[1].Org.Independent {
		t.Errorf("date cell: %+v", rows[1].Org)
	}
}

func TestCheckAllRejectsLaterDuplicatesEvenOfBadRows(t *testing.T) {
	f := File{Has: map[string]bool{"code": true, "kind": true, "name_zh": true}, Records: []Record{
		{Line: 2, Values: map[string]string{"code": "A", "kind": "planet", "name_zh": "甲"}},
		{Line: 3, Values: map[string]string{"code": "A", "kind": "county_association", "name_zh": "甲"}},
	}}
	rows, rej := CheckAll(f)
	if len(rows) != 0 || len(rej) != 2 || !strings.Contains(rej[1].Reason, "already appears on line 2") {
		t.Fatalf("%+v %+v", rows, rej)
	}
}
