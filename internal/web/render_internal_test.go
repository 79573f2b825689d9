package web

import (
	"testing"

	"github.com/kexie/kexie/internal/i18n"
	"github.com/kexie/kexie/internal/kexie"
)

// TestEventReason: the system's reasons read in each language, their
// catalog arguments translated too; typed reasons stay as typed.
func TestEventReason(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	zh, en := b.For("zh-Hans"), b.For("en")
	for _, c := range []struct{ raw, zh, en string }{
		{kexie.EventReason("event.approved", "council", "第九届理事会第3次会议决议"), "理事会批准，决议：第九届理事会第3次会议决议", "Approved by the Council, resolution: 第九届理事会第3次会议决议"},
		{kexie.EventReason("event.withdrawn_card", "本人书面申请"), "本人书面申请（会员证已交回）", "本人书面申请 (card returned)"},
		{kexie.EventReason("event.lapse", kexie.LapseBoth), "自动失效：" + zh.T("lapse.no_dues") + ", " + zh.T("lapse.no_participation"), "Lapsed: No dues, No participation"},
		{kexie.EventReason("event.import"), "文件导入", "Imported from a file"},
		{"a|b typed by staff", "a|b typed by staff", "a|b typed by staff"},
		{kexie.EventReason("event.expelled", "R|7", "x"), "依据决议 R¦7；x", "Under resolution R¦7; x"},
	} {
		if got := eventReason(zh, c.raw); got != c.zh {
			t.Errorf("zh %q: %q, want %q", c.raw, got, c.zh)
		}
		if got := eventReason(en, c.raw); got != c.en {
			t.Errorf("en %q: %q, want %q", c.raw, got, c.en)
		}
	}
	for k := range kexie.EventReasons {
		if zh.T(k) == k || en.T(k) == k {
			t.Errorf("%s is missing from a catalog", k)
		}
	}
}
