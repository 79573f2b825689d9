package web_test

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
)

// openSheet opens an exported workbook with a real reader and answers its
// one sheet's name, rows and the reader.
func openSheet(t *testing.T, r resp) (*excelize.File, string, [][]string) {
	t.Helper()
	wantStatus(t, r, http.StatusOK)
	f, err := excelize.OpenReader(bytes.NewReader([]byte(r.body)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	sheets := f.GetSheetList()
	if len(sheets) != 1 {
		t.Fatalf("sheets %v", sheets)
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		t.Fatal(err)
	}
	return f, sheets[0], rows
}

// checkSheet: the header in the reader's language with the code below,
// frozen, the columns wide enough to read.
func checkSheet(t *testing.T, f *excelize.File, sheet string, rows [][]string, label, code, wide string) (labelCol int) {
	t.Helper()
	if len(rows) < 3 {
		t.Fatalf("%d rows", len(rows))
	}
	i := slices.Index(rows[0], label)
	if i < 0 || rows[1][i] != code {
		t.Fatalf("header: no %q above %q: %q / %q", label, code, rows[0], rows[1])
	}
	p, err := f.GetPanes(sheet)
	if err != nil || !p.Freeze || p.YSplit != 2 {
		t.Fatalf("the header is not frozen: %+v %v", p, err)
	}
	name, _ := excelize.ColumnNumberToName(slices.Index(rows[1], wide) + 1)
	if w, err := f.GetColWidth(sheet, name); err != nil || w < 30 {
		t.Fatalf("column %s (%s) is %v wide", name, wide, w)
	}
	return i
}

// XLSX exports of organisations and members (issue 13): a named sheet,
// headers in the reader's language above the codes, frozen, with widths;
// coded values with their names beside them; every field the record has;
// and the file imports back unchanged.
func TestXLSXExportsForPeople(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		today := kexie.Today(e.db.Now()).String()
		id, _, err := e.db.Membership.Apply(ctx, e.setup, e.a.ID, kexie.MemberRecord{Type: "individual", Name: "王芳", Gender: "female", Employer: "哈尔滨工业大学"}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range []membership.Decision{{Action: "review", Day: today}, {Action: "approve", Day: today, Body: "council", Resolution: "R1"}} {
			if _, err := e.db.Membership.Decide(ctx, e.setup, id, d); err != nil {
				t.Fatal(err)
			}
		}
		e.user("admin", kexie.RoleSysAdmin, e.root)
		c := e.client()
		c.lang = "zh-Hans"
		c.mustLogin("admin")

		f, sheet, rows := openSheet(t, c.get("/export/orgs.xlsx"))
		if sheet != "组织" {
			t.Errorf("sheet %q", sheet)
		}
		kind := checkSheet(t, f, sheet, rows, "组织类型", "kind", "name_zh")
		if !slices.Contains(rows[0], "地址") || !slices.Contains(rows[0], "法定代表人") {
			t.Errorf("fields missing: %q", rows[0])
		}
		var a []string
		for _, r := range rows[2:] {
			if r[0] == "A" {
				a = r
			}
		}
		if a == nil || a[kind] != "provincial_association" || a[kind+1] != "省级科协" || rows[1][kind+1] != "" {
			t.Fatalf("A's kind and its name: %q", a)
		}

		f, sheet, rows = openSheet(t, c.get("/export/members.xlsx"))
		if sheet != "会员" {
			t.Errorf("sheet %q", sheet)
		}
		gender := checkSheet(t, f, sheet, rows, "性别", "gender", "employer")
		if r := rows[2]; r[gender] != "female" || r[gender+1] != "女" || !slices.Contains(r, "哈尔滨工业大学") {
			t.Fatalf("member row: %q", r)
		}

		// Both files import back, changing nothing.
		c.lang = "en"
		orgs := c.get("/export/orgs.xlsx").body
		c.get("/import/orgs")
		if r := upload(c, "orgs.xlsx", orgs, true); !strings.Contains(r.body, "0 created, 0 updated, 4 unchanged, 0 rejected") {
			t.Fatalf("orgs.xlsx imported back: %s", r.body)
		}
		// A member approved from an application: its first re-import
		// changes nothing either.
		members := c.get("/export/members.xlsx").body
		c.get("/import/members")
		if r := uploadMembers(c, "members.xlsx", members, true, ""); !strings.Contains(r.body, "0 created, 0 updated, 1 unchanged, 0 rejected") {
			t.Fatalf("members.xlsx imported back: %s", r.body)
		}
	})
}
