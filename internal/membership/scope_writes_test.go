package membership_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/seal"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// Every use case that changes membership data checks the membership (or
// organisation) against the actor inside its transaction, whatever its
// caller checked: a staff user of A gets, on B's member, the same not found
// as for a member that does not exist, and nothing is written; on A1's
// (below A) the change goes through; the system changes B's.
func TestWritesAreScopedToTheActor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		_, a, a1, b := dbtest.Tree(t, db)
		staff := dbtest.As(dbtest.User(t, db, "staff-a", kexie.RoleStaff, a.ID).ID)
		holder := dbtest.User(t, db, "holder", kexie.RoleMember, a1.ID) // an account to link
		sl, err := seal.New([]byte("0123456789abcdef0123456789abcdef"))
		dbtest.Must(t, err)
		mask := func(_, n string) string { return n[:4] + "…" }
		today := kexie.Today(db.Now()).MidnightUTC()

		// A fresh member of org for each call, so that one call's change
		// does not decide the next one's answer.
		n := 0
		member := func(org kexie.Organisation) int64 {
			t.Helper()
			n++
			no := fmt.Sprintf("S%03d", n)
			out, err := db.Membership.ImportMembers(ctx, dbtest.Admin, membership.MemberRecords([]kexie.MemberRecord{
				mem(2, no, org.Code, "会员"+no, residentID(n))}, sl), membership.MemberImportOptions{})
			dbtest.Must(t, err)
			if out.Created != 1 {
				t.Fatalf("set-up import: %+v", out)
			}
			m, err := db.Membership.MemberByOrgNo(ctx, org.Code, no)
			dbtest.Must(t, err)
			return m.ID
		}
		application := func(org kexie.Organisation) int64 {
			t.Helper()
			id, _, err := db.Membership.Apply(ctx, dbtest.Admin, org.ID, kexie.MemberRecord{Type: "individual", Name: "申请人", Gender: "female"}, sl, mask)
			dbtest.Must(t, err)
			return id
		}
		orgID := func(org kexie.Organisation) int64 { return org.ID }

		cases := []struct {
			name   string
			object func(org kexie.Organisation) int64 // a fresh object of org
			call   func(actor kexie.Actor, id int64) error
		}{
			{"ChangeMemberStatus", member, func(actor kexie.Actor, id int64) error {
				return db.Membership.ChangeMemberStatus(ctx, actor, id, membership.MemberChange{Status: "withdrawn", Happened: "2024-05-01", Reason: "书面申请"})
			}},
			{"SetExemption", member, func(actor kexie.Actor, id int64) error {
				return db.Membership.SetExemption(ctx, actor, id, "2030-01-01", "出国")
			}},
			{"SetExemption (ending one)", member, func(actor kexie.Actor, id int64) error {
				return db.Membership.SetExemption(ctx, actor, id, "", "")
			}},
			{"RecordDues", member, func(actor kexie.Actor, id int64) error {
				return db.Membership.RecordDues(ctx, actor, id, "2024-03-01", 5000, "2024", "R-1")
			}},
			{"RecordParticipation", member, func(actor kexie.Actor, id int64) error {
				return db.Membership.RecordParticipation(ctx, actor, id, "2024-03-01", "学术年会")
			}},
			{"RevealID", member, func(actor kexie.Actor, id int64) error {
				num, err := db.Membership.RevealID(ctx, actor, id, "核对身份", sl)
				if err == nil && !strings.HasPrefix(num, "11010519800101") {
					return fmt.Errorf("revealed %q", num)
				}
				if err != nil && num != "" {
					return fmt.Errorf("refused, yet revealed %q", num)
				}
				return err
			}},
			{"LinkMemberAccount", member, func(actor kexie.Actor, id int64) error {
				return db.Membership.LinkMemberAccount(ctx, actor, holder.ID, id)
			}},
			{"Decide", application, func(actor kexie.Actor, id int64) error {
				_, err := db.Membership.Decide(ctx, actor, id, membership.Decision{Action: "review", Day: kexie.Today(db.Now()).String(), Note: "联络部审核"})
				return err
			}},
			{"ApplyLapses", member, func(actor kexie.Actor, id int64) error {
				return db.Membership.ApplyLapses(ctx, actor, today, []membership.Lapse{{MembershipID: id, Reason: kexie.LapseBoth}})
			}},
			{"SetDuesStandard", orgID, func(actor kexie.Actor, id int64) error {
				n++ // a new date each time: one standard per type and day
				_, err := db.Membership.SetDuesStandard(ctx, actor, id, membership.NewDuesStandard{Type: "individual", AmountFen: 5000,
					EffectiveFrom: fmt.Sprintf("2020-01-%02d", n%28+1)})
				return err
			}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				// B: outside the staff user's subtree.
				other := c.object(b)
				before := dump(t, db)
				err := c.call(staff, other)
				if !errors.Is(err, kexie.ErrNotFound) {
					t.Fatalf("on B's object as A's staff: %v, want not found", err)
				}
				if after := dump(t, db); after != before {
					t.Fatalf("on B's object as A's staff: refused, yet something was written:\n%s", dbtest.Diff(before, after))
				}
				// The same answer as for an object that does not exist.
				missing := c.call(staff, 999999)
				if !errors.Is(missing, kexie.ErrNotFound) || kexie.AsError(missing).Key != kexie.AsError(err).Key {
					t.Fatalf("outside the subtree: %v; no such object: %v — not the same answer", err, missing)
				}
				// A1: below A, where the staff user holds membership.write.
				mine := c.object(a1)
				before = dump(t, db)
				if err := c.call(staff, mine); err != nil {
					t.Fatalf("on A1's object as A's staff: %v", err)
				}
				if after := dump(t, db); after == before {
					t.Fatal("on A1's object as A's staff: nothing was written")
				}
				// The system (the command line, jobs) holds everything.
				if err := c.call(dbtest.Admin, c.object(b)); err != nil {
					t.Fatalf("on B's object as the system: %v", err)
				}
			})
		}
	})
}

// residentID is a valid resident identity number (its check character
// computed), a different one for each seq.
func residentID(seq int) string {
	body := fmt.Sprintf("11010519800101%03d", seq)
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(body[i]-'0') * w
	}
	return body + string("10X98765432"[sum%11])
}

// dump is what a refused write must leave as it was.
func dump(t *testing.T, db *dbtest.DB) string {
	return db.Snapshot(t, "audit_log", "people", "memberships", "membership_events", "member_counters", "member_filings",
		"dues_payments", "participations", "dues_standards", "users", "orgs", "org_events", "filings")
}
