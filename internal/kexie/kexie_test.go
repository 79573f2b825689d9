package kexie

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrorClasses(t *testing.T) {
	err := fmt.Errorf("create user: %w", Errorf(CodeConflict, "err.username_taken", "user name %q is taken", "wang"))
	if !errors.Is(err, ErrConflict) || errors.Is(err, ErrNotFound) {
		t.Fatal("class matching")
	}
	if ErrorCode(err) != CodeConflict || ErrorCode(errors.New("boom")) != CodeInternal {
		t.Fatal("ErrorCode")
	}
	if e := AsError(errors.New("secret driver text")); e.Message != "internal error" {
		t.Fatalf("internal errors must hide their cause: %q", e.Message)
	}
}

func TestRoleMatrix(t *testing.T) {
	if RoleGrants(RoleAuditor, PermRegistryWrite) || RoleGrants(RoleAuditor, PermMembershipWrite) || RoleGrants(RoleAuditor, PermGovernanceManage) ||
		RoleGrants(RoleStaff, PermAuditRead) || RoleGrants(RoleStaff, PermUserManage) ||
		RoleGrants(RoleTreasurer, PermFinanceApprove) || RoleGrants(RoleAccountant, PermFinanceRecord) ||
		RoleGrants(RoleReviewer, PermRegistryRead) || RoleGrants(RoleMember, PermRegistryRead) {
		t.Fatal("a role carries more than it should")
	}
	if !RoleGrants(RoleAuditor, PermAuditRead) || !RoleGrants(RoleOrgAdmin, PermUserManage) {
		t.Fatal("a role lacks what it should carry")
	}
	for _, p := range Permissions {
		if !RoleGrants(RoleSysAdmin, p) {
			t.Errorf("sysadmin lacks %s", p)
		}
	}
	// The four first roles keep their old powers: organisation read became
	// the registry's, members' and governance's reads; organisation write
	// their writes.
	for _, r := range []Role{RoleOrgAdmin, RoleStaff} {
		for _, p := range []Permission{PermRegistryRead, PermRegistryWrite, PermMembershipRead, PermMembershipWrite, PermGovernanceRead, PermGovernanceManage} {
			if !RoleGrants(r, p) {
				t.Errorf("%s lacks %s", r, p)
			}
		}
	}
	for _, p := range []Permission{PermRegistryRead, PermMembershipRead, PermGovernanceRead, PermAuditRead} {
		if !RoleGrants(RoleAuditor, p) {
			t.Errorf("auditor lacks %s", p)
		}
	}
	// Every permission some role carries is carried by a role other than
	// the system administrator's, except operations.
	for _, p := range Permissions {
		if p != PermOps && len(RolesWith(p)) < 2 {
			t.Errorf("only the system administrator holds %s", p)
		}
	}
	if MayGrant(RoleOrgAdmin, RoleSysAdmin) || !MayGrant(RoleOrgAdmin, RoleStaff) || MayGrant(RoleStaff, RoleStaff) {
		t.Fatal("MayGrant")
	}
	if _, err := ParseRole("root"); !errors.Is(err, ErrInvalid) {
		t.Fatal("unknown role accepted")
	}
}

func TestUsernames(t *testing.T) {
	good := map[string]string{" Wang.Fang ": "wang.fang", "li-1@example.org": "li-1@example.org", "abc": "abc"}
	for in, want := range good {
		if got, err := NormalizeUsername(in); err != nil || got != want {
			t.Errorf("%q: %q %v", in, got, err)
		}
	}
	for _, bad := range []string{"ab", "王芳", "a b c", "x;drop", string(make([]byte, 65))} {
		if _, err := NormalizeUsername(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("%q accepted", bad)
		}
	}
	if CheckEmail("a@b.cn") != nil || CheckEmail("Wang <a@b.cn>") == nil || CheckEmail("nope") == nil {
		t.Fatal("CheckEmail")
	}
}
