package seal

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestSealOpenHash(t *testing.T) {
	dir := t.TempDir()
	key, err := WriteKeyFile(filepath.Join(dir, "k"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WriteKeyFile(filepath.Join(dir, "k")); err == nil {
		t.Fatal("an existing key file was overwritten")
	}
	again, err := LoadKeyFile(filepath.Join(dir, "k"))
	if err != nil || string(again) != string(key) {
		t.Fatal("key file round trip")
	}
	s, _ := New(key)
	a, _ := s.Seal("11010519491231002X")
	b, _ := s.Seal("11010519491231002X")
	if a == b || strings.Contains(a, "1949") {
		t.Fatal("sealing is deterministic or leaks")
	}
	if p, err := s.Open(a); err != nil || p != "11010519491231002X" {
		t.Fatal(p, err)
	}
	other, _ := New(make([]byte, 32))
	if _, err := other.Open(a); err == nil {
		t.Fatal("opened with the wrong key")
	}
	tampered := a[:len(a)-4] + "AAAA"
	if _, err := s.Open(tampered); err == nil {
		t.Fatal("opened a tampered value")
	}
	if s.Hash("x") != s.Hash("x") || s.Hash("x") == other.Hash("x") || s.Hash("x") == s.Hash("y") {
		t.Fatal("keyed hash")
	}
	if _, err := ParseKey("short"); err == nil {
		t.Fatal("short key accepted")
	}
}
