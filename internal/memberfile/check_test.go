package memberfile

import (
	"testing"
	"time"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/tabular"
)

// A birth date is checked against the Beijing day: at 06:06 on 2026-03-02
// in Beijing (22:06 UTC on 03-01), a child born that day is not "born in
// the future".
func TestBirthDateIsCheckedOnTheBeijingDay(t *testing.T) {
	now := time.Date(2026, 3, 1, 22, 6, 0, 0, time.UTC)
	rec := tabular.Record{Line: 2, Values: map[string]string{"org_code": "A", "type": "student", "name": "王小芳", "birth_date": "2026-03-02"}}
	if _, err := Check(rec, now); err != nil {
		t.Fatalf("born today in Beijing: %v", err)
	}
	rec.Values["birth_date"] = "2026-03-03"
	if _, err := Check(rec, now); kexie.ErrorCode(err) != kexie.CodeInvalid {
		t.Fatalf("born tomorrow: %v", err)
	}
}

// A foreign member's name is not read as Chinese: no pinyin is made up
// for it (nor for a unit); a Chinese member's is.
func TestNoPinyinIsMadeUpForForeignMembers(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for typ, want := range map[string]string{"foreign": "", "unit": "", "individual": "wangfang"} {
		name := map[string]string{"foreign": "Marie Curie", "unit": "长春光机所", "individual": "王芳"}[typ]
		m, err := Check(tabular.Record{Line: 2, Values: map[string]string{"org_code": "A", "type": typ, "name": name}}, now)
		if err != nil {
			t.Fatal(err)
		}
		if m.Pinyin != want {
			t.Errorf("%s member %s: pinyin %q, want %q", typ, name, m.Pinyin, want)
		}
	}
}
