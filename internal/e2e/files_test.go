package e2e

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/kexie/kexie/internal/sqldb"
)

// TestSensitiveFilesAreTheOperatorsAlone: the database file and its WAL,
// a backup, and a member export (ID numbers revealed or not) are created
// readable by their owner only (0600), whatever the umask — they hold
// people's details (issue 12, item 15).
func TestSensitiveFilesAreTheOperatorsAlone(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file modes are POSIX")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	key := filepath.Join(dir, "k.key")
	members := filepath.Join(dir, "m.csv")
	if err := os.WriteFile(members, []byte("member_no,org_code,type,name,id_type,id_number,joined\nM1,CAST,individual,王芳,resident_id,11010519491231002X,2020-01-01\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"KEXIE_DATA_KEY_FILE": key}
	want(t, run(t, "", env, "migrate", "--db", db), 0, "applied")
	want(t, run(t, "", env, "user", "add", "admin", "--role", "sysadmin", "--db", db), 0, "created")
	if err := os.WriteFile(key, []byte("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	want(t, run(t, "", env, "import", "members", members, "--db", db), 0, "1 created")
	want(t, run(t, "", env, "export", "members", filepath.Join(dir, "out.csv"), "--db", db), 0, "")
	want(t, run(t, "", env, "export", "members", filepath.Join(dir, "revealed.csv"), "--reveal-ids", "--reason", "审计抽查", "--db", db), 0, "")
	want(t, run(t, "", env, "backup", filepath.Join(dir, "copy.db"), "--db", db), 0, "")
	// The WAL exists while the database is open (a clean close folds it
	// back in): look at it then.
	live, err := sqldb.Open(context.Background(), sqldb.Config{Path: db})
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	if _, err := live.Secret(context.Background(), "files-test"); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"k.db", "k.db-wal", "out.csv", "revealed.csv", "copy.db"} {
		fi, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if m := fi.Mode().Perm(); m&0o077 != 0 {
			t.Errorf("%s is created %v: others may read it", f, m)
		}
	}
}
