package governance_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/charter"
	"github.com/kexie/kexie/internal/governance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// smallCouncil is a council of n seats held by 理事1…理事n, with a meeting
// on 2025-06-01.
func smallCouncil(t *testing.T, db *dbtest.DB, n int) (meeting int64, seats []int64) {
	t.Helper()
	_, err := db.Registry.ImportOrgs(ctx, dbtest.Admin, dbtest.Numbered(dbtest.OrgRow("CHIA", "", "national_society", "中国图学学会")), registry.ImportOptions{})
	dbtest.Must(t, err)
	chia, err := db.Registry.OrgByCode(ctx, "CHIA")
	dbtest.Must(t, err)
	var rows []kexie.MemberRecord
	for i := 1; i <= n; i++ {
		rows = append(rows, kexie.MemberRecord{Line: i + 1, MemberNo: fmt.Sprintf("D%d", i), OrgCode: "CHIA", Type: "individual",
			Name: fmt.Sprintf("理事%d", i), Status: "active", Joined: "2020-01-01"})
	}
	_, err = db.Membership.ImportMembers(ctx, dbtest.Admin, membership.MemberRecords(rows, nil), membership.MemberImportOptions{})
	dbtest.Must(t, err)
	council, err := db.Governance.CreateBody(ctx, dbtest.Admin, chia.ID, charter.Council, "理事会", "Council")
	dbtest.Must(t, err)
	term, err := db.Governance.StartTerm(ctx, dbtest.Admin, council.ID, 9, "2024-01-01")
	dbtest.Must(t, err)
	for i := 1; i <= n; i++ {
		m, err := db.Membership.MemberByNo(ctx, chia.ID, fmt.Sprintf("D%d", i))
		dbtest.Must(t, err)
		id, err := db.Governance.AddSeat(ctx, dbtest.Admin, term.ID, governance.NewSeat{PersonID: m.PersonID, Post: "director", Seated: "2024-01-01"})
		dbtest.Must(t, err)
		seats = append(seats, id)
	}
	meeting, err = db.Governance.CreateMeeting(ctx, dbtest.Admin, term.ID, governance.NewMeeting{Held: "2025-06-01", Place: "北京"})
	dbtest.Must(t, err)
	return meeting, seats
}

// A new meeting starts with nobody marked; a proxy may be entrusted in
// the save that marks its holder present; a holder holds one proxy only,
// and a refusal names the seat holders concerned.
func TestAttendanceIsTakenNotAssumed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		meeting, s := smallCouncil(t, db, 4)
		rows, err := db.Governance.Attendance(ctx, meeting)
		dbtest.Must(t, err)
		for _, r := range rows {
			if r.Marked {
				t.Fatalf("a new meeting has %s marked %s", r.Seat.Name, r.Status)
			}
		}
		dbtest.Must(t, db.Governance.SetAttendance(ctx, dbtest.Admin, meeting, []governance.Presence{
			{SeatID: s[0], Status: charter.Present},
			{SeatID: s[1], Status: charter.RepresentedProxy, ProxySeat: s[0]},
		}))
		err = db.Governance.SetAttendance(ctx, dbtest.Admin, meeting, []governance.Presence{{SeatID: s[2], Status: charter.RepresentedProxy, ProxySeat: s[0]}})
		if kexie.AsError(err).Key != "err.proxy_held" || !strings.Contains(err.Error(), "理事1") || !strings.Contains(err.Error(), "理事3") {
			t.Fatalf("a second proxy for one holder: %v, want err.proxy_held naming 理事1 and 理事3", err)
		}
		err = db.Governance.SetAttendance(ctx, dbtest.Admin, meeting, []governance.Presence{{SeatID: s[2], Status: charter.RepresentedProxy, ProxySeat: s[3]}})
		if kexie.AsError(err).Key != "err.proxy_absent" || !strings.Contains(err.Error(), "理事4") {
			t.Fatalf("a proxy to an absent holder: %v, want err.proxy_absent naming 理事4", err)
		}
		rows, err = db.Governance.Attendance(ctx, meeting)
		dbtest.Must(t, err)
		marked := 0
		for _, r := range rows {
			if r.Marked {
				marked++
			}
		}
		if marked != 2 {
			t.Fatalf("%d seats marked, want the 2 saved", marked)
		}
	})
}
