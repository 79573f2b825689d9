package cli

import (
	"runtime/debug"
	"strings"
	"testing"
)

// `kexie version` names the commit it was built from, and whether the
// tree had changes; without a VCS stamp it says the commit is unknown.
func TestVersionLineNamesTheCommit(t *testing.T) {
	bi := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "8aab7de0123456789abcdef0123456789abcdef0"},
		{Key: "vcs.time", Value: "2026-12-07T02:02:01Z"},
		{Key: "vcs.modified", Value: "true"},
	}}
	got := VersionLine("1.2.0", bi)
	for _, want := range []string{"kexie 1.2.0", "commit 8aab7de01234+modified", "2026-12-07T02:02:01Z", "go1.26.0"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
	if got := VersionLine("dev", nil); !strings.Contains(got, "kexie dev (commit unknown)") {
		t.Errorf("without build info: %q", got)
	}
}
