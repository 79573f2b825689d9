package cnid

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/kexie"
)

func TestUSCC(t *testing.T) {
	cases := []struct {
		in      string
		ok      bool // parses
		checkOK bool
	}{
		{"914403001922038216", true, true},    // a published code (Huawei Technologies)
		{"91350100M000100Y43", true, true},    // the example printed in GB 32100
		{" 91350100m000100y43 ", true, true},  // trimmed, upper-cased
		{"91350100M000100Y44", true, false},   // wrong check character: accepted, flagged
		{"91350100M000100Y4", false, false},   // 17 characters
		{"91350100M000100Y433", false, false}, // 19
		{"91350100I000100Y43", false, false},  // I is not in the alphabet
		{"91350100O000100Y43", false, false},  // nor O
		{"91350100M000100Z43", false, false},  // nor Z
		{"91350100M000100Y4S", false, false},  // nor S, even as the check
		{"９１３５０１００Ｍ０００１００Ｙ４３", false, false},  // full-width digits
		{"", false, false},
	}
	for _, c := range cases {
		u, err := ParseUSCC(c.in)
		if (err == nil) != c.ok {
			t.Errorf("%q: err %v, want ok=%v", c.in, err, c.ok)
			continue
		}
		if err != nil {
			if !errors.Is(err, kexie.ErrInvalid) {
				t.Errorf("%q: error class %v", c.in, err)
			}
			continue
		}
		if u.CheckOK != c.checkOK {
			t.Errorf("%q: CheckOK %v, want %v", c.in, u.CheckOK, c.checkOK)
		}
	}
	u, _ := ParseUSCC("914403001922038216")
	if u.Authority() != '9' || u.Category() != '1' || u.Region() != "440300" || u.OrgCode() != "192203821" {
		t.Fatalf("fields of %s", u.Code)
	}
}

func TestRegions(t *testing.T) {
	for code, want := range map[string]string{"230000": "黑龙江省", "230100": "哈尔滨市", "230102": "道里区", "232700": "大兴安岭地区", "220000": "吉林省", "430000": "湖南省"} {
		r, err := ParseRegion(code)
		if err != nil || r.Name != want {
			t.Errorf("%s: %+v %v", code, r, err)
		}
	}
	for _, bad := range []string{"23010", "2301021", "23010a", "990000", "230199"} {
		if _, err := ParseRegion(bad); !errors.Is(err, kexie.ErrInvalid) {
			t.Errorf("%q accepted", bad)
		}
	}
	chain := func(code string) string {
		r, _ := LookupRegion(code)
		out := []string{r.Name}
		for p, ok := Parent(r); ok; p, ok = Parent(p) {
			out = append(out, p.Name)
		}
		return strings.Join(out, "<")
	}
	if got := chain("230102"); got != "道里区<哈尔滨市<黑龙江省" {
		t.Errorf("parents of 230102: %s", got)
	}
	if got := chain("110101"); got != "东城区<市辖区<北京市" { // a municipality's districts have their 市辖区 row
		t.Errorf("parents of 110101: %s", got)
	}
	for code, want := range map[string]string{"110101": "北京市东城区", "230102": "黑龙江省哈尔滨市道里区", "419001": "河南省济源市", "230000": "黑龙江省"} {
		r, _ := LookupRegion(code)
		if got := FullName(r); got != want {
			t.Errorf("FullName(%s) = %s, want %s", code, got, want)
		}
	}
	// The table has every province, and every entry's parent exists.
	m, err := regionTable()
	if err != nil {
		t.Fatal(err)
	}
	provinces := 0
	for _, r := range m {
		if r.Level == Province {
			provinces++
			continue
		}
		if _, ok := Parent(r); !ok {
			t.Errorf("%s %s has no parent in the table", r.Code, r.Name)
		}
	}
	if provinces != 34 || len(m) < 3000 {
		t.Fatalf("%d provinces, %d regions", provinces, len(m))
	}
}

func TestResidentID(t *testing.T) {
	now := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	id, err := ParseResidentID("11010519491231002x", now) // the GB 11643 example
	if err != nil {
		t.Fatal(err)
	}
	if id.Number != "11010519491231002X" || id.Male || id.Birth.Format("2006-01-02") != "1949-12-31" || id.Masked() != "110105************" {
		t.Fatalf("%+v %s", id, id.Masked())
	}
	for _, bad := range []string{
		"110105194912310021", // wrong check
		"11010519491331002X", // month 13
		"11010519490230002X", // 30 February
		"11010520991231002X", // future birth
		"1101051949123100",   // short
		"11010519491231002Y", // not a check character
		"A1010519491231002X", // letter
	} {
		if _, err := ParseResidentID(bad, now); !errors.Is(err, kexie.ErrInvalid) {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzParseUSCC(f *testing.F) {
	for _, s := range []string{"914403001922038216", "91350100M000100Y43", "", "ZZZ", "9135010０M000100Y43"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseUSCC(s)
		if err != nil {
			return
		}
		if len(u.Code) != 18 || strings.Trim(u.Code, usccAlphabet) != "" {
			t.Fatalf("accepted %q as %q", s, u.Code)
		}
		// Fixing the check character always yields a code that checks.
		fixed := u.Code[:17] + string(USCCCheck(u.Code[:17]))
		if v, err := ParseUSCC(fixed); err != nil || !v.CheckOK {
			t.Fatalf("recomputed check of %q fails", fixed)
		}
		if u.CheckOK != (u.Code == fixed) {
			t.Fatalf("CheckOK %v for %q", u.CheckOK, u.Code)
		}
	})
}

func FuzzParseRegion(f *testing.F) {
	for _, s := range []string{"230102", "110000", "", "99999", "23010x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRegion(s)
		if err != nil {
			return
		}
		for p, ok := Parent(r); ok; p, ok = Parent(p) {
			if p.Code[:2] != r.Code[:2] {
				t.Fatalf("%s's parent %s is in another province", r.Code, p.Code)
			}
		}
	})
}

func FuzzParseResidentID(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "110105194912310021", ""} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseResidentID(s, now)
		if err != nil {
			return
		}
		if id.Number[17] != ResidentCheck(id.Number[:17]) || id.Birth.After(now) || len(id.Masked()) != 18 {
			t.Fatalf("accepted %q: %+v", s, id)
		}
	})
}

func TestSearchKey(t *testing.T) {
	for in, want := range map[string]string{
		"黑龙江省科学技术协会": "heilongjiangshengkexuejishuxiehui hljskxjsxh",
		"哈尔滨市科协":     "haerbinshikexie hebskx",
		"CHIA 分会2":   "chiafenhui2 chiafh2",
	} {
		if got := SearchKey(in); got != want {
			t.Errorf("SearchKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestInitials(t *testing.T) {
	for _, c := range []struct {
		py   string
		n    int
		want string
	}{{"zengxiaoming", 3, "zxm"}, {"shantianfang", 3, "stf"}, {"xian", 1, "x"}, {"xi'an", 2, "xa"}, {"xie ming", 2, "xm"}, {"wangfang", 2, "wf"}, {"qqq", 2, ""}} {
		if got := Initials(c.py, c.n); got != c.want {
			t.Errorf("Initials(%q, %d) = %q, want %q", c.py, c.n, got, c.want)
		}
	}
}

// TestResidentIDRegionIsAProvince: an ID number whose first two digits name
// no province is refused (999999… was taken), whatever its check character
// (issue 12, item 12).
func TestResidentIDRegionIsAProvince(t *testing.T) {
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	for _, first17 := range []string{"99999919491231002", "00010519491231002", "19010519491231002"} {
		n := first17 + string(ResidentCheck(first17))
		if _, err := ParseResidentID(n, now); kexie.AsError(err).Key != "err.resident_id_region" {
			t.Errorf("%s: %v", n, err)
		}
	}
	if _, err := ParseResidentID("11010519491231002X", now); err != nil {
		t.Errorf("Beijing: %v", err)
	}
}

// Every region has an English name (issue: regions stayed Chinese on
// English screens): provinces by their conventional names, lower levels
// in GB/T 2260's pinyin, with readings of place names a dictionary gets
// wrong fixed.
func TestRegionsInEnglish(t *testing.T) {
	for _, r := range Regions() {
		if r.NameEN == "" || strings.IndexFunc(r.NameEN, func(c rune) bool { return c >= 0x2E80 }) >= 0 {
			t.Errorf("%s %s: English name %q", r.Code, r.Name, r.NameEN)
		}
	}
	for code, want := range map[string]string{
		"230000": "Heilongjiang Province", "150000": "Inner Mongolia Autonomous Region", "110000": "Beijing Municipality",
		"450000": "Guangxi Zhuang Autonomous Region", "810000": "Hong Kong Special Administrative Region",
		"230100": "Ha'erbin Shi", "220100": "Changchun Shi", "500000": "Chongqing Municipality", "341500": "Lu'an Shi",
		"371722": "Shan Xian", "222400": "Yanbian Chaoxianzu Zizhizhou", "632800": "Haixi Mengguzu Zangzu Zizhizhou",
		"450328": "Longsheng Gezu Zizhixian", "130825": "Longhua Xian", "310115": "Pudong Xinqu", "420116": "Huangpi Qu",
		"130533": "Wei Xian", "130726": "Yu Xian", "510100": "Chengdu Shi",
	} {
		r, ok := LookupRegion(code)
		if !ok || r.NameEN != want {
			t.Errorf("%s %s: %q, want %q", code, r.Name, r.NameEN, want)
		}
	}
	for code, want := range map[string]string{
		"230102": "Daoli Qu, Ha'erbin Shi, Heilongjiang Province",
		"110101": "Dongcheng Qu, Beijing Municipality",
		"429021": "Shennongjia Linqu, Hubei Province",
	} {
		r, _ := LookupRegion(code)
		if got := FullNameIn(r, "en"); got != want {
			t.Errorf("%s: %q, want %q", code, got, want)
		}
		if got := FullNameIn(r, "zh-Hans"); got != FullName(r) {
			t.Errorf("%s in Chinese: %q", code, got)
		}
	}
}
