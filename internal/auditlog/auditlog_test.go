package auditlog

import (
	"strings"
	"testing"
	"time"
)

func chain(n int) []Entry {
	var out []Entry
	prev := Genesis
	for i := 1; i <= n; i++ {
		e := Entry{Seq: int64(i), At: time.Date(2026, 11, 21, 8, 0, i, 123456789, time.FixedZone("CST", 8*3600)),
			Actor: "admin", Action: "user.create", ObjectType: "user", ObjectID: "7", After: `{"username":"wang"}`, PrevHash: prev}
		e.Hash = ComputeHash(e)
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

func verify(es []Entry) error {
	var c Chain
	for _, e := range es {
		if err := c.Next(e); err != nil {
			return err
		}
	}
	return nil
}

func TestChainIntact(t *testing.T) {
	if err := verify(chain(5)); err != nil {
		t.Fatal(err)
	}
}

func TestChainNamesFirstBrokenEntry(t *testing.T) {
	cases := map[string]struct {
		mutate func([]Entry) []Entry
		want   string
	}{
		"altered content":  {func(es []Entry) []Entry { es[2].After = `{"username":"li"}`; return es }, "entry 3: content"},
		"altered time":     {func(es []Entry) []Entry { es[1].At = es[1].At.Add(time.Microsecond); return es }, "entry 2: content"},
		"removed entry":    {func(es []Entry) []Entry { return append(es[:3], es[4:]...) }, "entry 5: sequence gap"},
		"removed first":    {func(es []Entry) []Entry { return es[1:] }, "entry 2: sequence gap"},
		"rehashed forgery": {func(es []Entry) []Entry { es[3].Actor = "x"; es[3].Hash = ComputeHash(es[3]); return es }, "entry 5: previous-hash"},
	}
	for name, c := range cases {
		err := verify(c.mutate(chain(6)))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", name, err, c.want)
		}
	}
}

func TestHashIgnoresZoneAndSubMicrosecond(t *testing.T) {
	e := chain(1)[0]
	f := e
	f.At = e.At.UTC().Truncate(time.Microsecond)
	if ComputeHash(e) != ComputeHash(f) {
		t.Fatal("the same instant hashes differently after a database round trip")
	}
}

func TestSnapshotMasks(t *testing.T) {
	s := Snapshot(map[string]any{"username": "wang", "password_hash": "$argon2id$...", "id_number": "110105194912310029", "token": "",
		"must_change_password": true, "tokens_revoked": 2})
	if strings.Contains(s, "argon2") || strings.Contains(s, "1101") || !strings.Contains(s, `"username":"wang"`) ||
		!strings.Contains(s, `"must_change_password":true`) || !strings.Contains(s, `"tokens_revoked":2`) {
		t.Fatalf("snapshot leaks or loses: %s", s)
	}
	if Snapshot(nil) != "" {
		t.Fatal("nil snapshot")
	}
}
