package memberfile

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/kexie"
)

// streamFile is a member file of n rows over three organisations, with
// rows each check refuses on its own (an unknown type, a birth date to
// come) and rows refused for an earlier one (the same number, the same
// identity document in the same organisation).
func streamFile(t *testing.T, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(Columns)
	for i := range n {
		v := map[string]string{"member_no": fmt.Sprintf("N%05d", i), "org_code": []string{"A", "B", "C"}[i%3], "type": "individual",
			"name": fmt.Sprintf("成员%d", i), "status": "active", "email": fmt.Sprintf("m%d@example.cn", i)}
		if i%10 == 3 {
			v["id_type"], v["id_number"] = "passport", fmt.Sprintf("E%07d", i)
		}
		switch {
		case i%97 == 5:
			v["type"] = "alien" // refused on its own
		case i%89 == 7:
			v["birth_date"] = "2999-01-01" // refused on its own
		case i%83 == 11 && i > 300:
			v["member_no"] = fmt.Sprintf("N%05d", i-300) // a number given before in the same organisation (300 rows up: the same one)
		case i%10 == 3 && i%71 == 13 && i > 30:
			v["id_number"] = fmt.Sprintf("E%07d", i-30) // a document given before in the same organisation
		}
		row := make([]string, len(Columns))
		for j, c := range Columns {
			row[j] = v[c]
		}
		_ = w.Write(row)
	}
	w.Flush()
	return buf.Bytes()
}

// readsAfter is a reader that counts the reads made after done is set.
type readsAfter struct {
	r     io.Reader
	done  atomic.Bool
	after atomic.Int32
}

func (r *readsAfter) Read(p []byte) (int, error) {
	if r.done.Load() {
		r.after.Add(1)
	}
	// Small reads: the file is read all along the stream.
	return r.r.Read(p[:min(len(p), 512)])
}

// StreamPrepared gives what Stream gives, in the same order, whatever
// the goroutines: every good row (prepared) to emit, every refusal to
// reject, and the count of rows read; the file spans many batches.
func TestStreamPreparedAsStream(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	data := streamFile(t, 3000)
	prepare := func(m *Member) error {
		m.IDMasked = "prepared:" + m.MemberNo
		return nil
	}
	var want, got []Member
	var wantRej, gotRej []kexie.Rejection
	wantRead, err := Stream("f.csv", bytes.NewReader(data), now, func(m Member) error {
		if err := prepare(&m); err != nil {
			return err
		}
		want = append(want, m)
		return nil
	}, func(r kexie.Rejection) { wantRej = append(wantRej, r) })
	if err != nil {
		t.Fatal(err)
	}
	gotRead, err := StreamPrepared("f.csv", bytes.NewReader(data), now, prepare, func(m Member) error {
		got = append(got, m)
		return nil
	}, func(r kexie.Rejection) { gotRej = append(gotRej, r) })
	if err != nil {
		t.Fatal(err)
	}
	if gotRead != 3000 || wantRead != 3000 {
		t.Fatalf("read %d and %d rows of 3000", gotRead, wantRead)
	}
	if len(wantRej) < 40 || len(want) < 2900 {
		t.Fatalf("the file is not what the test needs: %d refused, %d good", len(wantRej), len(want))
	}
	var dupNo, dupDoc int
	for _, r := range wantRej {
		dupNo += strings.Count(r.Reason, "member_no")
		dupDoc += strings.Count(r.Reason, "identity document")
	}
	if dupNo == 0 || dupDoc == 0 {
		t.Fatalf("no refusal for an earlier row's number (%d) or document (%d)", dupNo, dupDoc)
	}
	if !reflect.DeepEqual(got, want) {
		for i := range min(len(got), len(want)) {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Fatalf("row %d: got %+v, want %+v", i, got[i], want[i])
			}
		}
		t.Fatalf("%d rows, want %d", len(got), len(want))
	}
	for i := range wantRej {
		wantRej[i].Err, gotRej[i].Err = nil, nil
	}
	if !reflect.DeepEqual(gotRej, wantRej) {
		t.Fatalf("refusals differ:\n%v\n%v", gotRej, wantRej)
	}
}

// An error from emit, or from prepare on a good row, stops the stream at
// that row with that error; a row refused by the checks is refused, not
// an error, even when prepare failed on it. Once StreamPrepared has
// returned, the file is no longer read.
func TestStreamPreparedStopsWhereItFails(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	data := streamFile(t, 3000)
	boom := errors.New("boom")
	for _, c := range []struct {
		name            string
		prepare         func(*Member) error
		emit            func(Member) error
		wantLastEmitted string
	}{
		{name: "emit", emit: func(m Member) error {
			if m.MemberNo == "N01234" {
				return boom
			}
			return nil
		}, wantLastEmitted: "N01233"},
		{name: "prepare", prepare: func(m *Member) error {
			if m.MemberNo == "N01234" || m.Type == "alien" {
				return boom
			}
			return nil
		}, wantLastEmitted: "N01233"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := &readsAfter{r: bytes.NewReader(data)}
			var last string
			emit := func(m Member) error {
				if c.emit != nil {
					if err := c.emit(m); err != nil {
						return err
					}
				}
				last = m.MemberNo
				return nil
			}
			var refused []kexie.Rejection
			read, err := StreamPrepared("f.csv", r, now, c.prepare, emit, func(x kexie.Rejection) { refused = append(refused, x) })
			r.done.Store(true)
			if !errors.Is(err, boom) || last != c.wantLastEmitted || read != 1235 {
				t.Fatalf("err %v, last emitted %s, read %d", err, last, read)
			}
			for _, x := range refused {
				if x.Line > 1236 {
					t.Fatalf("a row past the failure was refused: %+v", x)
				}
			}
			if len(refused) == 0 {
				t.Fatal("no row refused before the failure")
			}
			time.Sleep(50 * time.Millisecond)
			if n := r.after.Load(); n != 0 {
				t.Fatalf("the file was read %d times after the stream returned", n)
			}
		})
	}
}

// A file that turns unreadable part-way (a byte sequence invalid in its
// encoding) gives every row before it, then the error.
func TestStreamPreparedReadError(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	data := streamFile(t, 2000)
	cut := bytes.Index(data, []byte("N01500"))
	bad := append(append(append([]byte{}, data[:cut]...), 0xff, 0xfe), data[cut:]...)
	var wantN, gotN int
	_, wantErr := Stream("f.csv", bytes.NewReader(bad), now, func(Member) error { wantN++; return nil }, func(kexie.Rejection) {})
	_, gotErr := StreamPrepared("f.csv", bytes.NewReader(bad), now, nil, func(Member) error { gotN++; return nil }, func(kexie.Rejection) {})
	if wantErr == nil || gotErr == nil || gotErr.Error() != wantErr.Error() || gotN != wantN || gotN < 1000 {
		t.Fatalf("Stream: %d rows, %v; StreamPrepared: %d rows, %v", wantN, wantErr, gotN, gotErr)
	}
}

// A panic in prepare (on a worker goroutine, which no request's recovery
// covers) stops the stream with an error naming its line, after the rows
// before it, instead of ending the process.
func TestStreamPreparedPanicIsAnError(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	data := streamFile(t, 2000)
	emitted := 0
	read, err := StreamPrepared("f.csv", bytes.NewReader(data), now, func(m *Member) error {
		if m.MemberNo == "N01500" {
			var none map[string]int
			none["x"]++ // a panic: assignment to entry in nil map
		}
		return nil
	}, func(Member) error { emitted++; return nil }, func(kexie.Rejection) {})
	if err == nil || !strings.Contains(err.Error(), "nil map") {
		t.Fatalf("read %d, emitted %d, err %v", read, emitted, err)
	}
	if emitted < 1000 || emitted >= 2000 {
		t.Fatalf("emitted %d rows before the panic's", emitted)
	}
}
