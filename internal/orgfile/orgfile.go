// Package orgfile reads and writes organisation files — CSV (UTF-8 with or
// without BOM, or GB18030 as Excel writes it in China) and XLSX — and checks
// each row into an organisation record. It touches no database: the registry
// decides what a row creates, updates or leaves unchanged.
package orgfile

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/kexie/kexie/internal/cnid"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/tabular"
)

// Columns are the file's columns, in the order kexie writes them. Reading
// accepts any order; code, kind and name_zh are required.
var Columns = []string{"code", "parent_code", "kind", "name_zh", "name_en", "region_code", "uscc", "established", "independent", "status"}

// Record and File are the tabular package's, re-exported for callers.
type (
	Record = tabular.Record
	File   = tabular.File
	Writer = tabular.Writer
)

// Required are the columns a file must have.
var Required = []string{"code", "kind", "name_zh"}

var spec = tabular.Spec{Columns: Columns, Required: Required, Dates: []string{"established"}}

// Read parses an organisation file (see tabular.Read).
func Read(name string, r io.Reader) (File, error) { return tabular.Read(name, r, spec) }

// NewWriter starts an organisation file (CSV or XLSX by name) with its
// header.
func NewWriter(name string, w io.Writer) (*Writer, error) { return tabular.NewWriter(name, w, Columns) }

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
