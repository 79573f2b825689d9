package sqldb

import (
	"database/sql/driver"
	"encoding/binary"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/kexie"
)

// valuer is a value that says itself what it stores.
type valuer string

func (v valuer) Value() (driver.Value, error) { return "v:" + string(v), nil }

// binaryCopy writes the rows of the types a load writes itself, byte for
// byte as PostgreSQL's binary COPY reads them, and leaves to pgx (false)
// a value of another kind, a Valuer, or shared values that do not match
// the shared columns.
func TestBinaryCopyBytes(t *testing.T) {
	b := &BulkWriter{t: BulkTable{Name: "t", Cols: []string{"id", "n", "s", "f", "at", "k"}, Shared: []string{"by"}},
		pgTypes: []string{"bigint", "integer", "text", "boolean", "timestamp with time zone", "character varying", "text"}, shared: []any{"王"}}
	at := time.Date(2000, 1, 1, 0, 0, 1, 500, time.UTC) // 1 s and half a microsecond past PostgreSQL's epoch
	data, ok := b.binaryCopy([][]any{{int64(-2), int64(7), "", true, at, kexie.MemberStatus("active")}, {int64(1), nil, "é", false, nil, nil}})
	if !ok {
		t.Fatal("not written")
	}
	var want []byte
	want = append(want, "PGCOPY\n\xff\r\n\x00"...)
	want = binary.BigEndian.AppendUint32(want, 0)
	want = binary.BigEndian.AppendUint32(want, 0)
	field := func(b []byte) {
		want = binary.BigEndian.AppendUint32(want, uint32(len(b)))
		want = append(want, b...)
	}
	null := func() { want = binary.BigEndian.AppendUint32(want, 0xffffffff) }
	want = binary.BigEndian.AppendUint16(want, 7)
	field(binary.BigEndian.AppendUint64(nil, uint64(0xfffffffffffffffe)))
	field(binary.BigEndian.AppendUint32(nil, 7))
	field([]byte{})
	field([]byte{1})
	field(binary.BigEndian.AppendUint64(nil, 1_000_000))
	field([]byte("active"))
	field([]byte("王"))
	want = binary.BigEndian.AppendUint16(want, 7)
	field(binary.BigEndian.AppendUint64(nil, 1))
	null()
	field([]byte("é"))
	field([]byte{0})
	null()
	null()
	field([]byte("王"))
	want = binary.BigEndian.AppendUint16(want, 0xffff)
	if string(data) != string(want) {
		t.Fatalf("bytes\n%q\nwant\n%q", data, want)
	}
	for name, row := range map[string][]any{
		"a Valuer":                {int64(1), int64(1), valuer("x"), true, at, "k"},
		"an integer out of range": {int64(1), int64(1) << 40, "s", true, at, "k"},
		"text in a bigint":        {"1", int64(1), "s", true, at, "k"},
		"a time in a text column": {int64(1), int64(1), at, true, at, "k"},
		"a row too short":         {int64(1)},
	} {
		if _, ok := b.binaryCopy([][]any{row}); ok {
			t.Errorf("%s: written", name)
		}
	}
	b.shared = nil
	if _, ok := b.binaryCopy([][]any{{int64(1), int64(1), "s", true, at, "k"}}); ok {
		t.Error("shared values missing: written")
	}
}
