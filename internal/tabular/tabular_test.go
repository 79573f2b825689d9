package tabular

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/iotest"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/kexie/kexie/internal/kexie"
)

var spec = Spec{Columns: []string{"code", "name"}, Required: []string{"code"}}

// TestStreamEncodings reads the same rows written in UTF-8, UTF-8 with BOM
// and GB18030, through a reader that hands out one byte at a time (runes
// cut at every possible place).
func TestStreamEncodings(t *testing.T) {
	text := "code,name\nA1,黑龙江省科学技术协会\nA2,\"哈尔滨, 工业大学\"\n\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{"utf8": text, "bom": "\ufeff" + text, "gb18030": gb} {
		var got []string
		has, err := Stream("x.csv", iotest.OneByteReader(strings.NewReader(data)), spec, func(r Record) error {
			got = append(got, r.Values["code"]+"="+r.Values["name"])
			return nil
		})
		if err != nil || !has["name"] || strings.Join(got, "|") != "A1=黑龙江省科学技术协会|A2=哈尔滨, 工业大学" {
			t.Errorf("%s: %v %v %q", name, err, has, got)
		}
	}
}

// TestStreamBadEncodingLate: a file that is UTF-8 for its first 64 KiB and
// then holds a byte sequence that is not fails as an encoding error.
func TestStreamBadEncodingLate(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("code,name\n")
	for b.Len() < 70<<10 {
		b.WriteString("A,科协\n")
	}
	b.WriteString("B,\xff\xfe\n")
	n := 0
	_, err := Stream("x.csv", &b, spec, func(Record) error { n++; return nil })
	if kexie.AsError(err).Key != "err.file_encoding" || n == 0 {
		t.Fatalf("late bad byte: %v after %d rows", err, n)
	}
	_, err = Stream("x.csv", strings.NewReader("code,name\nA,\xff\xff\xff\n"), spec, func(Record) error { return nil })
	if kexie.AsError(err).Key != "err.file_encoding" {
		t.Fatalf("neither encoding: %v", err)
	}
}

func TestStreamStopsOnCallbackError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	_, err := Stream("x.csv", strings.NewReader("code\n1\n2\n3\n"), spec, func(Record) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Fatalf("%v after %d", err, n)
	}
	if _, err := Stream("x.csv", strings.NewReader(""), spec, func(Record) error { return nil }); kexie.AsError(err).Key != "err.file_empty" {
		t.Fatalf("empty: %v", err)
	}
	if _, err := Stream("x.csv", strings.NewReader("name\nx\n"), spec, func(Record) error { return nil }); kexie.AsError(err).Key != "err.file_column_missing" {
		t.Fatalf("missing column: %v", err)
	}
}

// TestStreamGB18030Long: a GB18030 file far longer than one read — runes
// cut at every chunk boundary — and one whose first 64 KiB are ASCII read
// whole and right.
func TestStreamGB18030Long(t *testing.T) {
	enc := simplifiedchinese.GB18030.NewEncoder()
	for name, text := range map[string]string{
		"long":        "code,name\n" + strings.Repeat("A1,黑龙江省科学技术协会哈尔滨工业大学分会\n", 20000),
		"ascii first": "code,name\n" + strings.Repeat("F1,Marie Curie\n", 6000) + "A2,王芳\n",
	} {
		gb, err := enc.String(text)
		if err != nil {
			t.Fatal(err)
		}
		n, last := 0, ""
		_, err = Stream("x.csv", strings.NewReader(gb), spec, func(r Record) error { n++; last = r.Values["name"]; return nil })
		want := strings.Count(text, "\n") - 1
		if err != nil || n != want || (name == "ascii first" && last != "王芳") {
			t.Errorf("%s: %v, %d rows (want %d), last %q", name, err, n, want, last)
		}
	}
}

// TestStreamShiftJISRefused: a Shift-JIS file (Japanese names, as Excel
// saves them on a Japanese system) decodes through GB18030 without an
// invalid byte — into nonsense. It is refused as implausible, while a
// GB18030 file of Chinese names, rare name characters among them, reads.
func TestStreamShiftJISRefused(t *testing.T) {
	names := []string{"山田太郎", "佐藤花子", "鈴木一郎", "高橋ゆき", "田中さくら", "渡辺健太", "伊藤あおい", "中村翔", "小林まどか", "加藤大輔"}
	text := "code,name\n"
	for i, n := range names {
		text += fmt.Sprintf("J%d,%s,東京都千代田区\n", i, n)
	}
	sjis, err := japanese.ShiftJIS.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Stream("x.csv", strings.NewReader(sjis), spec, func(Record) error { return nil })
	if kexie.AsError(err).Key != "err.file_encoding_implausible" {
		t.Fatalf("Shift-JIS: %v", err)
	}
	chinese := "code,name\n"
	for i, n := range []string{"王赟", "李喆", "张堃", "刘昇", "陈晓明", "杨丽华", "黄志强", "赵建国", "周敏", "吴海燕", "徐静", "孙伟"} {
		chinese += fmt.Sprintf("C%d,%s,黑龙江省哈尔滨市南岗区\n", i, n)
	}
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(chinese)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	if _, err := Stream("x.csv", strings.NewReader(gb), spec, func(Record) error { n++; return nil }); err != nil || n != 12 {
		t.Fatalf("GB18030 with rare name characters: %v after %d rows", err, n)
	}
}
