package web_test

// An authorisation oracle, in the spirit of SpiceDB's: random trees of
// organisations with members, applications, governance and users with
// random grants; every route of the route table called by every user on
// every object of its kind (and on objects that do not exist); every
// answer compared with a brute-force model computed from the generated
// data and the grants alone — no database query in the model.
//
// The parts:
//
//   - oracleSetup* functions create all data, through the store API only.
//     They are the only code that knows the store's method names (port
//     them when the store API is renamed).
//   - oracleWorld is what was generated: the tree, the objects and the
//     users with their grants. The model (can, holdsAnywhere, manages,
//     votesFor, …) reads only this.
//   - oracleRoutes maps every route pattern to its objects, its request
//     body and its model. A route missing from it fails the test.
//   - knownDefects lists disagreements that are real defects of the
//     server, waiting for a fix; they are reported as known, not as
//     failures.

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/access"
	"github.com/kexie/kexie/internal/activities"
	"github.com/kexie/kexie/internal/auth"
	"github.com/kexie/kexie/internal/awardrule"
	"github.com/kexie/kexie/internal/awards"
	"github.com/kexie/kexie/internal/charter"
	"github.com/kexie/kexie/internal/finance"
	"github.com/kexie/kexie/internal/governance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
	"github.com/kexie/kexie/internal/web"
)

// ---------------------------------------------------------------------------
// Known defects. Each is a disagreement between the server and the model
// that is a real defect (the model describes the right behaviour). The
// oracle consults this table before reporting; remove an entry when the
// defect is fixed.

type knownDefect struct {
	pattern string // route pattern, as web.Route.Pattern()
	what    string // the defect
	// when tells whether a disagreement on this route is this defect.
	when func(w *oracleWorld, u *oUser, tg oTarget, exp oExpect, got oAnswer) bool
}

var knownDefects = []knownDefect{}

// ---------------------------------------------------------------------------
// The generated world and the model.

type oOrg struct {
	code      string
	id        int64
	parent    int // index; -1 for the root
	kind      kexie.OrgKind
	suspended bool
}

type oMember struct {
	id        int64
	org       int
	person    int64
	no        string
	applicant bool   // an application (pending or decided)
	decided   bool   // rejected or approved
	card      string // card token ("" when no card was issued)
}

type oBody struct {
	id  int64
	org int
}

type oTerm struct {
	id   int64
	org  int
	body int
}

type oSeat struct {
	id     int64
	org    int
	term   int
	person int64
}

type oMeeting struct {
	id    int64
	org   int
	term  int
	seats []int       // seat indexes sitting at it
	proxy map[int]int // represented seat → the seat holding its proxy
}

type oMotion struct {
	id      int64
	meeting int
}

type oElection struct {
	id      int64
	meeting int
}

type oFiling struct {
	id int64
	to int // organisation it is addressed to
}

type oEntry struct {
	id  int64
	org int
}

// oAwardRound is an award round of a programme administered by org, with
// one recommending unit (unit), one nomination (not accepted, or accepted
// and proposed in the round in publicity) and one expert in the pool (not
// linked to an account). Rounds are in nomination but for the first, in
// publicity.
type oAwardRound struct {
	id, programme, nomination, expert, attachment int64
	org, unit                                     int
	public                                        bool
}

type oToken struct {
	id      int64
	owner   int
	revoked bool
}

type oGrant struct {
	role kexie.Role
	org  int
}

type oUser struct {
	idx    int
	name   string
	id     int64
	anon   bool
	grants []oGrant
	person int64 // linked member's person (0: none)
	bearer bool  // the API is called with a bearer token (else the session)
	secret string
	c      *client
}

func (u *oUser) String() string {
	if u.anon {
		return "anonymous"
	}
	return u.name
}

type oracleWorld struct {
	seed          uint64
	e             *env
	orgs          []oOrg
	members       []oMember
	bodies        []oBody
	terms         []oTerm
	seats         []oSeat
	meetings      []oMeeting
	motions       []oMotion
	elections     []oElection
	filings       []oFiling
	memberFilings []oFiling
	users         []*oUser
	tokens        []oToken
	entries       []oEntry
	receipts      []oEntry
	awardRounds   []oAwardRound
	activities    []oActivity
}

// oActivity is an activity of the oracle's world: owned by org (its first
// registry sponsor), also held by other (an organiser; -1: none); open is
// public with registration open; token is a registration's.
type oActivity struct {
	code  string
	org   int
	other int
	open  bool
	token string
}

// oracleSetupActivities enters activities in random organisations, some
// with a second organisation of the registry in a role, some public and
// open for registration with one registration.
func oracleSetupActivities(t *testing.T, w *oracleWorld, rng *rand.Rand) {
	e := w.e
	for i := range 6 {
		org := rng.IntN(len(w.orgs))
		other := -1
		roles := []activities.RoleInput{{Role: "sponsor", OrgCode: w.orgs[org].code}}
		if rng.IntN(2) == 0 {
			other = rng.IntN(len(w.orgs))
			roles = append(roles, activities.RoleInput{Role: "organiser", OrgCode: w.orgs[other].code})
		}
		code := fmt.Sprintf("ACT%d", i)
		open := i%2 == 0
		if _, err := e.db.Activities.Create(ctx, e.setup, activities.Input{Code: code, Kind: "forum", Category: "academic", TitleZH: code + "论坛",
			Starts: "2025-05-16", Public: open, Roles: roles}); err != nil {
			t.Fatal(err)
		}
		a := oActivity{code: code, org: org, other: other, open: open}
		if open {
			for _, st := range []string{activities.StatusPublished, activities.StatusRegistrationOpen} {
				if err := e.db.Activities.SetStatus(ctx, e.setup, code, st); err != nil {
					t.Fatal(err)
				}
			}
			r, err := e.db.Activities.Register(ctx, e.setup, code, activities.RegisterInput{Name: "来宾"})
			if err != nil {
				t.Fatal(err)
			}
			a.token = r.Token
		}
		w.activities = append(w.activities, a)
	}
}

func (w *oracleWorld) describe(u *oUser) string {
	if u.anon {
		return "anonymous"
	}
	var gs []string
	for _, g := range u.grants {
		gs = append(gs, string(g.role)+"@"+w.orgs[g.org].code)
	}
	s := u.name + "[" + strings.Join(gs, ",") + "]"
	if u.person != 0 {
		s += fmt.Sprintf("(person %d)", u.person)
	}
	return s
}

// ancestorOrSelf: a is b or above it.
func (w *oracleWorld) ancestorOrSelf(a, b int) bool {
	for x := b; x >= 0; x = w.orgs[x].parent {
		if x == a {
			return true
		}
	}
	return false
}

// can: u holds p on organisation org — a role carrying p granted on org or
// an ancestor, or sysadmin anywhere.
func (w *oracleWorld) can(u *oUser, p kexie.Permission, org int) bool {
	for _, g := range u.grants {
		if g.role == kexie.RoleSysAdmin || kexie.RoleGrants(g.role, p) && w.ancestorOrSelf(g.org, org) {
			return true
		}
	}
	return false
}

func (w *oracleWorld) holdsAnywhere(u *oUser, p kexie.Permission) bool {
	for _, g := range u.grants {
		if kexie.RoleGrants(g.role, p) {
			return true
		}
	}
	return false
}

func (w *oracleWorld) sysadmin(u *oUser) bool {
	for _, g := range u.grants {
		if g.role == kexie.RoleSysAdmin {
			return true
		}
	}
	return false
}

// manages: m may manage t's account — a system administrator anyone; else
// t holds at least one role, no sysadmin, and every role of t lies in a
// subtree where m holds user.manage.
func (w *oracleWorld) manages(m, t *oUser) bool {
	if w.sysadmin(m) {
		return true
	}
	if len(t.grants) == 0 {
		return false
	}
	for _, g := range t.grants {
		if g.role == kexie.RoleSysAdmin || !w.can(m, kexie.PermUserManage, g.org) {
			return false
		}
	}
	return true
}

// holdsSeatAt: the person holds a seat sitting at the meeting.
func (w *oracleWorld) holdsSeatAt(person int64, mt int) bool {
	if person == 0 {
		return false
	}
	for _, s := range w.meetings[mt].seats {
		if w.seats[s].person == person {
			return true
		}
	}
	return false
}

// votesFor: the seats of the meeting the person votes for — their own
// seats present, and the seats represented by a proxy they hold.
func (w *oracleWorld) votesFor(person int64, mt int) []int {
	if person == 0 {
		return nil
	}
	m := w.meetings[mt]
	var out []int
	for _, s := range m.seats {
		if p, ok := m.proxy[s]; ok {
			if w.seats[p].person == person {
				out = append(out, s)
			}
		} else if w.seats[s].person == person {
			out = append(out, s)
		}
	}
	return out
}

// ---------------------------------------------------------------------------
// Data creation: the only code that calls the store (besides the server).

// oracleSetupAwards creates award programmes in random organisations,
// each with a round whose window is open today, a recommending unit in a
// random organisation, a nomination by it and an expert in the pool. The
// first round goes through the check and the decision into publicity; in
// the others the nomination is not accepted, so the check refuses it again.
func oracleSetupAwards(t *testing.T, w *oracleWorld, rng *rand.Rand) {
	aw := w.e.db.Awards
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	today := kexie.Today(time.Now())
	for i := range 3 {
		org, unit := rng.IntN(len(w.orgs)), rng.IntN(len(w.orgs))
		p, err := aw.CreateProgramme(ctx, w.e.setup, awards.Programme{OrgID: w.orgs[org].id, Code: fmt.Sprintf("AWD%d", i), NameZH: "奖", CycleYears: 2,
			Grades: []awardrule.Grade{{Code: "only"}}})
		must(err)
		r, err := aw.CreateRound(ctx, w.e.setup, p.ID, awards.Round{Year: today.Year(), NominateFrom: today.AddDays(-10), NominateTo: today.AddDays(30),
			Units: []awards.Unit{{OrgID: w.orgs[unit].id, Quota: 2}}})
		must(err)
		n, err := aw.Nominate(ctx, w.e.setup, r.ID, w.orgs[unit].id, awards.Nominee{Name: fmt.Sprintf("候选人%d", i), IDNumber: fmt.Sprintf("23010219900101%04d", i),
			Birth: today.AddDays(-365 * 30), Employer: "某大学", Achievements: "成果", Summary: "简介"}, testSealer)
		must(err)
		x, err := aw.AddExpert(ctx, w.e.setup, p.ID, awards.Expert{Name: "专家", Employer: "另一大学"}, nil)
		must(err)
		att, err := aw.Attach(ctx, w.e.setup, n.ID, "材料.pdf", []byte("%PDF-1.4\n%%EOF\n"))
		must(err)
		ar := oAwardRound{id: r.ID, programme: p.ID, nomination: n.ID, expert: x.ID, attachment: att.ID, org: org, unit: unit, public: i == 0}
		if ar.public {
			must(aw.FormalCheck(ctx, w.e.setup, n.ID, true, ""))
			for range 3 {
				_, err := aw.Advance(ctx, w.e.setup, r.ID)
				must(err)
			}
			must(aw.Decide(ctx, w.e.setup, r.ID, map[int64]string{n.ID: "only"}, "决议"))
		} else {
			must(aw.FormalCheck(ctx, w.e.setup, n.ID, false, "材料不全"))
		}
		w.awardRounds = append(w.awardRounds, ar)
	}
}

var oracleKinds = []kexie.OrgKind{"provincial_association", "municipal_association", "county_association", "national_society",
	"society_branch", "university_association", "department"}

// oracleSetupOrgs takes the harness's tree (root → A → A1, root → B) and
// hangs random organisations under random ones.
func oracleSetupOrgs(t *testing.T, w *oracleWorld, rng *rand.Rand, n int) {
	e := w.e
	w.orgs = []oOrg{
		{code: e.root.Code, id: e.root.ID, parent: -1, kind: e.root.Kind},
		{code: e.a.Code, id: e.a.ID, parent: 0, kind: e.a.Kind},
		{code: e.a1.Code, id: e.a1.ID, parent: 1, kind: e.a1.Kind},
		{code: e.b.Code, id: e.b.ID, parent: 0, kind: e.b.Kind},
	}
	for i := range n {
		parent := rng.IntN(len(w.orgs))
		for w.orgs[parent].kind == "department" {
			parent = rng.IntN(len(w.orgs))
		}
		kind := oracleKinds[rng.IntN(len(oracleKinds))]
		code := fmt.Sprintf("R%02d", i)
		o, err := e.db.Registry.CreateOrg(ctx, e.setup, kexie.Organisation{Code: code, ParentID: w.orgs[parent].id, Kind: kind,
			NameZH: code + "科协", NameEN: code + " Association"})
		if err != nil {
			t.Fatal(err)
		}
		w.orgs = append(w.orgs, oOrg{code: code, id: o.ID, parent: parent, kind: kind})
	}
}

// oracleSetupMembers imports active members into some member
// organisations and takes applications in others: pending, rejected,
// approved (with a card; a foreign one is filed with the root).
func oracleSetupMembers(t *testing.T, w *oracleWorld, rng *rand.Rand) {
	e := w.e
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var rows []kexie.MemberRecord
	type imported struct {
		org int
		no  string
	}
	var want []imported
	for oi, o := range w.orgs {
		k := 1 + rng.IntN(3)
		if oi == 1 {
			k = 3 // A always has a council (below)
		} else if !o.kind.IsMember() || rng.IntN(10) < 5 {
			continue
		}
		for j := range k {
			no := fmt.Sprintf("%s-%02d", o.code, j)
			rows = append(rows, kexie.MemberRecord{Line: len(rows) + 2, MemberNo: no, OrgCode: o.code, Type: "individual",
				Name: "会员" + no, Status: "active", Joined: "2020-01-01"})
			want = append(want, imported{oi, no})
		}
	}
	_, err := e.db.Membership.ImportMembers(ctx, e.setup, membership.MemberRecords(rows, nil), membership.MemberImportOptions{})
	must(err)
	for _, im := range want {
		m, err := e.db.Membership.MemberByNo(ctx, w.orgs[im.org].id, im.no)
		must(err)
		w.members = append(w.members, oMember{id: m.ID, org: im.org, person: m.PersonID, no: im.no})
	}
	n := 0
	for oi, o := range w.orgs {
		if !o.kind.IsMember() || rng.IntN(10) < 6 {
			continue
		}
		for range 1 + rng.IntN(2) {
			n++
			typ := kexie.MemberType("individual")
			if rng.IntN(4) == 0 {
				typ = "foreign"
			}
			id, _, err := e.db.Membership.Apply(ctx, e.setup, o.id, kexie.MemberRecord{Type: typ, Name: fmt.Sprintf("申请人%d", n)}, nil, nil)
			must(err)
			m := oMember{id: id, org: oi, applicant: true}
			switch rng.IntN(3) {
			case 1: // rejected
				_, err = e.db.Membership.Decide(ctx, e.setup, id, membership.Decision{Action: "reject", Day: kexie.Today(e.db.Now()).String(), Note: "不符合条件"})
				must(err)
				m.decided = true
			case 2: // approved: a card
				_, err = e.db.Membership.Decide(ctx, e.setup, id, membership.Decision{Action: "review", Day: kexie.Today(e.db.Now()).String()})
				must(err)
				_, err = e.db.Membership.Decide(ctx, e.setup, id, membership.Decision{Action: "approve", Day: kexie.Today(e.db.Now()).String(), Body: "council", Resolution: "决议1号"})
				must(err)
				c, err := e.db.Membership.CardByMembership(ctx, id)
				must(err)
				m.decided, m.card = true, c.Token
			}
			w.members = append(w.members, m)
		}
	}
}

// oracleSetupGovernance gives some organisations with members a council:
// a term, a seat for each member, a meeting with everyone present but one
// represented by the first seat's proxy, an electronic and a clerk's
// motion, and an election.
func oracleSetupGovernance(t *testing.T, w *oracleWorld, rng *rand.Rand) {
	e := w.e
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for oi, o := range w.orgs {
		var mem []int
		for i, m := range w.members {
			if m.org == oi && !m.applicant {
				mem = append(mem, i)
			}
		}
		if len(mem) < 2 || oi != 1 && rng.IntN(10) < 3 {
			continue
		}
		must(e.db.Governance.SetCharter(ctx, e.setup, o.id, "national_society"))
		b, err := e.db.Governance.CreateBody(ctx, e.setup, o.id, charter.Council, "理事会", "Council")
		must(err)
		w.bodies = append(w.bodies, oBody{b.ID, oi})
		tm, err := e.db.Governance.StartTerm(ctx, e.setup, b.ID, 1, "2024-01-01")
		must(err)
		w.terms = append(w.terms, oTerm{tm.ID, oi, len(w.bodies) - 1})
		ti := len(w.terms) - 1
		var seats []int
		for k, mi := range mem {
			post := "director"
			if k == 0 {
				post = "chair"
			}
			id, err := e.db.Governance.AddSeat(ctx, e.setup, tm.ID, governance.NewSeat{PersonID: w.members[mi].person, Post: post, Seated: "2024-01-01"})
			must(err)
			w.seats = append(w.seats, oSeat{id, oi, ti, w.members[mi].person})
			seats = append(seats, len(w.seats)-1)
		}
		mid, err := e.db.Governance.CreateMeeting(ctx, e.setup, tm.ID, governance.NewMeeting{Held: "2025-06-01", Place: "北京"})
		must(err)
		mt := oMeeting{id: mid, org: oi, term: ti, seats: seats, proxy: map[int]int{}}
		var att []governance.Presence
		for k, s := range seats {
			p := governance.Presence{SeatID: w.seats[s].id, Status: charter.Present}
			if k == len(seats)-1 && len(seats) >= 3 {
				p = governance.Presence{SeatID: w.seats[s].id, Status: charter.RepresentedProxy, ProxySeat: w.seats[seats[0]].id}
				mt.proxy[s] = seats[0]
			}
			att = append(att, p)
		}
		must(e.db.Governance.SetAttendance(ctx, e.setup, mid, att))
		w.meetings = append(w.meetings, mt)
		mi := len(w.meetings) - 1
		for _, by := range []string{"electronic", "clerk"} {
			id, err := e.db.Governance.OpenMotion(ctx, e.setup, mid, "议案 "+by, "ordinary", by)
			must(err)
			w.motions = append(w.motions, oMotion{id, mi})
		}
		var cands []int64
		for _, s := range seats {
			cands = append(cands, w.seats[s].person)
		}
		eid, err := e.db.Voting.OpenElection(ctx, e.setup, mid, governance.NewElection{Title: "选举", Seats: 1, Candidates: cands})
		must(err)
		w.elections = append(w.elections, oElection{eid, mi})
	}
}

// oracleSetupFilings renames some associations at or above county level,
// which files the change with the parent, and suspends one organisation
// (no more applications); and finds the filings, and the foreign members'
// filings with the root. viewer is a system administrator (for listing).
// oracleSetupLedger posts a journal entry in some organisations' books
// (imported, so posted at once: approving it again is a conflict).
func oracleSetupLedger(t *testing.T, w *oracleWorld, rng *rand.Rand) {
	for oi, o := range w.orgs {
		if rng.IntN(2) == 0 {
			continue
		}
		res, err := w.e.db.Finance.Import(ctx, w.e.setup, o.id, []finance.ImportEntry{{Ref: "R1", Lines: []finance.ImportLine{
			{Line: 2, Date: "2025-01-02", Account: "1002", Debit: "10"}, {Line: 3, Date: "2025-01-02", Account: "4201", Credit: "10"}}}}, false)
		if err != nil || res.Posted != 1 {
			t.Fatalf("ledger set-up: %v %+v", err, res)
		}
		list, _, err := w.e.db.Finance.Entries(ctx, o.id, finance.EntryFilter{})
		if err != nil {
			t.Fatal(err)
		}
		w.entries = append(w.entries, oEntry{id: list[0].ID, org: oi})
		rc, _, err := w.e.db.Finance.IssueDonation(ctx, w.e.setup, o.id, finance.NewDonation{Date: "2025-01-03", Donor: "某基金会", Amount: 1000})
		if err != nil {
			t.Fatalf("receipt set-up: %v", err)
		}
		w.receipts = append(w.receipts, oEntry{id: rc.ID, org: oi})
	}
}

func oracleSetupFilings(t *testing.T, w *oracleWorld, rng *rand.Rand, viewer int64) {
	e := w.e
	renamed := map[string]int{}
	for oi, o := range w.orgs {
		if o.parent < 0 || !o.kind.CountyOrAbove() || rng.IntN(2) == 0 {
			continue
		}
		if err := e.db.Registry.ChangeOrgStatus(ctx, e.setup, o.id, registry.StatusChange{Action: "rename", Happened: "2025", Resolution: "决议",
			NameZH: o.code + "新科协"}); err != nil {
			t.Fatal(err)
		}
		renamed[o.code] = oi
	}
	if s := 1 + rng.IntN(len(w.orgs)-1); renamed[w.orgs[s].code] == 0 {
		if err := e.db.Registry.ChangeOrgStatus(ctx, e.setup, w.orgs[s].id, registry.StatusChange{Action: "suspend", Happened: "2025", Resolution: "决议"}); err != nil {
			t.Fatal(err)
		}
		w.orgs[s].suspended = true
		renamed[w.orgs[s].code] = s
	}
	fs, err := e.db.Registry.Filings(ctx, dbtest.As(viewer), false, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		oi, ok := renamed[f.Org.Code]
		if !ok {
			t.Fatalf("unexpected filing %+v", f)
		}
		w.filings = append(w.filings, oFiling{f.ID, w.orgs[oi].parent})
	}
	mfs, err := e.db.Membership.MemberFilings(ctx, dbtest.As(viewer), 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range mfs {
		w.memberFilings = append(w.memberFilings, oFiling{f.ID, 0})
	}
}

// oracleSetupUsers creates the anonymous visitor, a system administrator
// and n users with random grants (some with none), some linked to a
// member (most of them seat holders); each gets a session and two API
// tokens.
func oracleSetupUsers(t *testing.T, w *oracleWorld, rng *rand.Rand, n int) {
	e := w.e
	anon := &oUser{idx: 0, name: "anonymous", anon: true, c: e.client()}
	anon.c.get("/") // the anonymous cookie and its form token
	w.users = []*oUser{anon}
	mk := func(grants []oGrant) *oUser {
		u := &oUser{idx: len(w.users), name: fmt.Sprintf("user%02d", len(w.users)), grants: grants, bearer: rng.IntN(2) == 0}
		nu := access.NewUser{Username: u.name, DisplayName: u.name, Password: testPassword}
		if len(grants) > 0 {
			nu.Role, nu.OrgID = grants[0].role, w.orgs[grants[0].org].id
		}
		x, err := e.db.Access.CreateUser(ctx, e.setup, nu)
		if err != nil {
			t.Fatal(err)
		}
		u.id = x.ID
		for _, g := range grants[min(1, len(grants)):] {
			if err := e.db.Access.GrantRole(ctx, e.setup, u.id, w.orgs[g.org].id, g.role); err != nil {
				t.Fatal(err)
			}
		}
		w.users = append(w.users, u)
		return u
	}
	mk([]oGrant{{kexie.RoleSysAdmin, 0}})
	var seatHolders, others []int
	for i, m := range w.members {
		if m.applicant {
			continue
		}
		held := false
		for _, s := range w.seats {
			held = held || s.person == m.person
		}
		if held {
			seatHolders = append(seatHolders, i)
		} else {
			others = append(others, i)
		}
	}
	for i := range n {
		var grants []oGrant
		switch k := rng.IntN(10); {
		case k < 2: // none
		case k < 7:
			grants = append(grants, oGrant{kexie.Roles[1+rng.IntN(len(kexie.Roles)-1)], rng.IntN(len(w.orgs))})
		default:
			for range 2 {
				g := oGrant{kexie.Roles[1+rng.IntN(len(kexie.Roles)-1)], rng.IntN(len(w.orgs))}
				if len(grants) == 0 || grants[0] != g {
					grants = append(grants, g)
				}
			}
		}
		if i == n-1 && rng.IntN(2) == 0 {
			grants = append(grants, oGrant{kexie.RoleSysAdmin, rng.IntN(len(w.orgs))}) // a second, non-root sysadmin
		}
		u := mk(grants)
		link := -1
		if i%3 == 0 && len(seatHolders) > 0 {
			link = seatHolders[rng.IntN(len(seatHolders))]
		} else if i%5 == 1 && len(others) > 0 {
			link = others[rng.IntN(len(others))]
		}
		if link >= 0 {
			if err := e.db.Membership.LinkMemberAccount(ctx, e.setup, u.id, w.members[link].id); err != nil {
				t.Fatal(err)
			}
			u.person = w.members[link].person
		}
	}
	for _, u := range w.users[1:] {
		u.c = e.client()
		oracleNewSession(t, w, u)
		oracleNewToken(t, w, u, "main", true)
		oracleNewToken(t, w, u, "spare", false)
	}
}

// oracleNewSession signs u in (a new session, its cookie in u's browser)
// without the password's cost, and picks up the session's form token.
func oracleNewSession(t *testing.T, w *oracleWorld, u *oUser) {
	tok, err := auth.NewToken("")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.e.db.Access.CreateSession(ctx, kexie.Actor{UserID: u.id, Username: u.name, Source: "test"}, u.id, auth.TokenHash(tok), "", "oracle",
		web.DefaultConfig().Sessions); err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse(w.e.ts.URL)
	u.c.hc.Jar.SetCookies(base, []*http.Cookie{{Name: "kexie_session", Value: tok, Path: "/"}})
	u.c.csrf = ""
	u.c.get("/")
	if u.c.csrf == "" {
		t.Fatalf("%s: no form token after sign-in", u.name)
	}
}

// oracleNewToken issues u an API token; main: the one u's API calls use.
func oracleNewToken(t *testing.T, w *oracleWorld, u *oUser, name string, main bool) {
	tok, secret, err := w.e.db.Access.CreateAPIToken(ctx, w.e.setup, u.id, name, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.tokens = append(w.tokens, oToken{id: tok.ID, owner: u.idx})
	if main {
		u.secret = secret
	}
}

// oracleRestoreUser undoes a successful disable: enabled again (through
// the store), a new session and a new main token (its tokens were
// revoked).
func oracleRestoreUser(t *testing.T, w *oracleWorld, u *oUser) {
	if err := w.e.db.Access.EnableUser(ctx, w.e.setup, u.id); err != nil {
		t.Fatal(err)
	}
	for i := range w.tokens {
		if w.tokens[i].owner == u.idx {
			w.tokens[i].revoked = true
		}
	}
	oracleNewSession(t, w, u)
	oracleNewToken(t, w, u, "main", true)
}

// ---------------------------------------------------------------------------
// Targets, expectations, answers.

// oTarget is one object a route is called on: its path values, query,
// the organisation it belongs to (for the default model) and whether it
// exists.
type oTarget struct {
	label   string
	path    map[string]string
	suffix  string // appended to the path (prefix routes)
	query   string
	form    map[string]string // an object named in the body (e.g. a body id, an organisation code)
	missing bool              // an object that does not exist: the reference answer
	org     int               // the organisation the object belongs to (-1: none)
	valid   bool              // the object is what the route takes (e.g. a card was issued); false: as if missing
	ref     int               // index into the world's list of the object's kind
}

type expKind int

const (
	expAllowed  expKind = iota // not 401/403/404, no server error
	expMissing                 // exactly the answer for an object that does not exist
	expStatus                  // this status (and API error code, if given)
	expNotFound                // 404 (API: code not_found)
)

type oExpect struct {
	kind   expKind
	status int
	code   string
	why    string
}

func (x oExpect) String() string {
	switch x.kind {
	case expAllowed:
		return "allowed (not 401/403/404/5xx): " + x.why
	case expMissing:
		return "as for a missing object: " + x.why
	case expNotFound:
		return "404 not_found: " + x.why
	}
	s := strconv.Itoa(x.status)
	if x.code != "" {
		s += " " + x.code
	}
	return s + ": " + x.why
}

type oAnswer struct {
	status int
	code   string // the API's error code
	msg    string // the API's error message, without the object's id or code
	body   string
}

func (a oAnswer) String() string {
	s := strconv.Itoa(a.status)
	if a.code != "" {
		s += " " + a.code
	}
	if a.msg != "" {
		s += " " + strconv.Quote(a.msg)
	}
	return s
}

func (a oAnswer) same(b oAnswer) bool {
	return a.status == b.status && a.code == b.code && a.msg == b.msg
}

// oracleRoute is the oracle's knowledge of one route.
type oracleRoute struct {
	objs  func() []oTarget
	model func(u *oUser, tg oTarget) oExpect
	body  func(u *oUser, tg oTarget) any // url.Values for pages, a JSON value for the API; nil: none
	// destructive routes run after all others; after is called after each
	// request to put back what a success destroyed.
	destructive bool
	after       func(u *oUser, tg oTarget, got oAnswer)
}

const oMissingID = "999999999"

// ---------------------------------------------------------------------------
// The test.

func TestAuthorisationOracle(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, db *dbtest.DB) { runOracle(t, db, seed) })
		})
	}
}

func runOracle(t *testing.T, db *dbtest.DB, seed uint64) {
	start := time.Now()
	cfg := web.DefaultConfig()
	cfg.Sealer = testSealer
	cfg.LoginLimitAccount, cfg.LoginLimitAddress = 1<<30, 1<<30
	e := newEnvWith(t, db, cfg)
	rng := rand.New(rand.NewPCG(seed, 0x6b65786965))
	w := &oracleWorld{seed: seed, e: e}
	oracleSetupOrgs(t, w, rng, 9)
	oracleSetupMembers(t, w, rng)
	oracleSetupGovernance(t, w, rng)
	oracleSetupAwards(t, w, rng)
	oracleSetupUsers(t, w, rng, 8)
	oracleSetupFilings(t, w, rng, w.users[1].id)
	oracleSetupActivities(t, w, rng)
	oracleSetupLedger(t, w, rng)
	setupTime := time.Since(start)

	routes := e.srv.Routes()
	table := oracleTable(t, w)
	var problems []string
	for _, rt := range routes {
		if _, ok := table[rt.Pattern()]; !ok {
			problems = append(problems, "route "+rt.Pattern()+" is not covered by the oracle")
		}
	}
	seen := map[string]bool{}
	for _, rt := range routes {
		seen[rt.Pattern()] = true
	}
	for p := range table {
		if !seen[p] {
			problems = append(problems, "the oracle covers "+p+", which is not a route")
		}
	}
	if len(problems) > 0 {
		t.Fatalf("seed %d:\n%s", seed, strings.Join(problems, "\n"))
	}

	var (
		mu              sync.Mutex
		failures, known []string
		knownHit        = map[int]int{}
		requests        int
		spent           = map[string]time.Duration{}
		kinds           = map[string]*[4]int{} // per route: requests of each expectation kind
	)
	// runUser calls one route as one user on every object of its kind,
	// the objects that do not exist first (the reference answer).
	runUser := func(rt web.Route, or oracleRoute, u *oUser) {
		t0 := time.Now()
		var ref *oAnswer
		var fails, knowns []string
		hits := map[int]int{}
		n := 0
		var k [4]int
		for _, tg := range or.objs() {
			got := oracleCall(w, rt, or, u, tg)
			n++
			exp := or.model(u, tg)
			k[exp.kind]++
			if tg.missing && ref == nil {
				g := got
				ref = &g
			}
			ok := false
			switch exp.kind {
			case expAllowed:
				ok = got.status < 500 && got.status != 401 && got.status != 403 && got.status != 404
			case expMissing:
				ok = ref != nil && got.same(*ref)
			case expStatus:
				ok = got.status == exp.status && (exp.code == "" || got.code == exp.code)
			case expNotFound:
				ok = got.status == 404 && (!rt.API || got.code == string(kexie.CodeNotFound))
			}
			if or.after != nil {
				or.after(u, tg, got)
			}
			if ok {
				continue
			}
			want := exp.String()
			if exp.kind == expMissing && ref != nil {
				want = ref.String() + " (" + want + ")"
			}
			line := fmt.Sprintf("%s  user %s  object %s  expected %s  got %s %.160q", rt.Pattern(), w.describe(u), tg.label, want, got,
				strings.TrimSpace(oracleSnippet(got.body)))
			isKnown := false
			for i, d := range knownDefects {
				if d.pattern == rt.Pattern() && d.when(w, u, tg, exp, got) {
					hits[i]++
					isKnown = true
					break
				}
			}
			if isKnown {
				knowns = append(knowns, line)
			} else {
				fails = append(fails, line)
			}
		}
		mu.Lock()
		defer mu.Unlock()
		failures, known = append(failures, fails...), append(known, knowns...)
		for i, h := range hits {
			knownHit[i] += h
		}
		requests += n
		spent[rt.Pattern()] += time.Since(t0)
		if kinds[rt.Pattern()] == nil {
			kinds[rt.Pattern()] = &[4]int{}
		}
		for i := range k {
			kinds[rt.Pattern()][i] += k[i]
		}
	}
	// Routes that change nothing the model depends on run first, users in
	// parallel (each user is one browser); the destructive ones after,
	// one request at a time.
	users := make(chan *oUser)
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range users {
				for _, rt := range routes {
					if or := table[rt.Pattern()]; !or.destructive {
						runUser(rt, or, u)
					}
				}
			}
		}()
	}
	for _, u := range w.users {
		users <- u
	}
	close(users)
	wg.Wait()
	for _, rt := range routes {
		if or := table[rt.Pattern()]; or.destructive {
			for _, u := range w.users {
				runUser(rt, or, u)
			}
		}
	}
	t.Logf("seed %d: %d organisations, %d memberships, %d meetings, %d users; %d routes, %d requests; setup %v, total %v",
		seed, len(w.orgs), len(w.members), len(w.meetings), len(w.users), len(routes), requests, setupTime.Round(time.Millisecond),
		time.Since(start).Round(time.Millisecond))
	if testing.Verbose() {
		var ps []string
		for p := range spent {
			ps = append(ps, p)
		}
		sort.Slice(ps, func(i, j int) bool { return spent[ps[i]] > spent[ps[j]] })
		for _, p := range ps[:min(5, len(ps))] {
			t.Logf("%8v %s", spent[p].Round(time.Millisecond), p)
		}
		sort.Strings(ps)
		for _, p := range ps {
			k := kinds[p]
			t.Logf("%-55s allowed %4d  as-missing %4d  fixed status %4d  not-found %4d", p, k[expAllowed], k[expMissing], k[expStatus], k[expNotFound])
		}
	}
	for i, d := range knownDefects {
		if knownHit[i] > 0 {
			t.Logf("known defect (%d requests): %s — %s", knownHit[i], d.pattern, d.what)
		}
	}
	if testing.Verbose() && len(known) > 0 {
		sort.Strings(known)
		t.Logf("requests answered as the known defects say:\n%s", strings.Join(known[:min(40, len(known))], "\n"))
	}
	if len(failures) > 0 {
		sort.Strings(failures)
		n := len(failures)
		if n > 300 {
			failures = append(failures[:300], fmt.Sprintf("… and %d more", n-300))
		}
		t.Errorf("seed %d: %d disagreements with the authorisation model (of %d requests):\n%s", seed, n, requests, strings.Join(failures, "\n"))
	}
}

// oracleSnippet is the error message of an answer, for the report.
func oracleSnippet(body string) string {
	var j struct{ Message string }
	if json.Unmarshal([]byte(body), &j) == nil && j.Message != "" {
		return j.Message
	}
	if i := strings.Index(body, `class="error"`); i >= 0 {
		s := body[i:]
		if j := strings.Index(s, ">"); j >= 0 {
			s = s[j+1:]
		}
		if j := strings.Index(s, "<"); j >= 0 {
			s = s[:j]
		}
		return s
	}
	return ""
}

// oracleCall makes one request as u: pages with u's browser (session
// cookie, form token), the API with u's bearer token or with the session
// and the form token in the header.
func oracleCall(w *oracleWorld, rt web.Route, or oracleRoute, u *oUser, tg oTarget) oAnswer {
	path := rt.Path
	if path == "/{$}" {
		path = "/"
	}
	path += tg.suffix
	for k, v := range tg.path {
		path = strings.ReplaceAll(path, "{"+k+"}", url.PathEscape(v))
	}
	if strings.Contains(path, "{") {
		w.e.t.Fatalf("route %s: path %s not filled in", rt.Pattern(), path)
	}
	if tg.query != "" {
		path += "?" + tg.query
	}
	var body any
	if or.body != nil {
		body = or.body(u, tg)
	}
	method := rt.Method
	if method == "" {
		method = "GET"
	}
	var r resp
	switch {
	case rt.API:
		bearer := ""
		if u.bearer {
			bearer = u.secret
		}
		if body == nil && method != "GET" {
			body = map[string]any{}
		}
		r = u.c.api(method, path, bearer, body)
	case method == "GET":
		r = u.c.get(path)
	default:
		v, _ := body.(url.Values)
		r = u.c.post(path, v)
	}
	a := oAnswer{status: r.StatusCode, body: r.body}
	if rt.API && r.StatusCode >= 400 {
		var j struct{ Code, Message string }
		_ = json.Unmarshal([]byte(r.body), &j)
		a.code, a.msg = j.Code, j.Message
		// The object named in the message is the object asked for: the
		// message is compared without it.
		for _, m := range []map[string]string{tg.path, tg.form} {
			for _, v := range m {
				a.msg = strings.ReplaceAll(a.msg, v, "…")
			}
		}
		if _, v, ok := strings.Cut(tg.query, "="); ok {
			a.msg = strings.ReplaceAll(a.msg, v, "…")
		}
	}
	return a
}

// ---------------------------------------------------------------------------
// The route table of the oracle: for every route, its objects, body and
// model. Permissions come from each route's declared Perm.

func oracleTable(t *testing.T, w *oracleWorld) map[string]oracleRoute {
	byPattern := map[string]web.Route{}
	for _, rt := range w.e.srv.Routes() {
		byPattern[rt.Pattern()] = rt
	}
	route := func(pattern string) web.Route {
		rt, ok := byPattern[pattern]
		if !ok {
			// A stale oracle entry: reported by the caller.
			method, path, _ := strings.Cut(pattern, " ")
			return web.Route{Method: method, Path: path, Perm: kexie.PermPublic, API: strings.HasPrefix(path, "/api/")}
		}
		return rt
	}
	id := func(n int64) string { return strconv.FormatInt(n, 10) }

	// --- route-level gate: sign-in and the permission held somewhere ---
	unauth := func(rt web.Route) oExpect {
		switch {
		case rt.API:
			return oExpect{kind: expStatus, status: 401, code: string(kexie.CodeUnauthorized), why: "not signed in"}
		case rt.Method == "GET":
			return oExpect{kind: expStatus, status: 303, why: "not signed in: to the sign-in page"}
		}
		return oExpect{kind: expStatus, status: 401, why: "not signed in"}
	}
	gate := func(rt web.Route, u *oUser) (oExpect, bool) {
		switch rt.Perm {
		case kexie.PermPublic:
			return oExpect{}, false
		case kexie.PermOps:
			// Requests from the loopback interface (as every test request
			// is) reach the operational endpoints.
			return oExpect{}, false
		}
		if u.anon {
			return unauth(rt), true
		}
		if rt.Perm == kexie.PermSignedIn || w.holdsAnywhere(u, rt.Perm) {
			return oExpect{}, false
		}
		x := oExpect{kind: expStatus, status: 403, why: "holds " + string(rt.Perm) + " nowhere"}
		if rt.API {
			x.code = string(kexie.CodeForbidden)
		}
		return x, true
	}
	allowed := func(why string) oExpect { return oExpect{kind: expAllowed, why: why} }
	asMissing := func(why string) oExpect { return oExpect{kind: expMissing, why: why} }
	notFound := oExpect{kind: expNotFound, why: "no such object"}

	// objModel is the default model: the route's permission on the
	// organisation the object belongs to.
	objModel := func(rt web.Route) func(u *oUser, tg oTarget) oExpect {
		return func(u *oUser, tg oTarget) oExpect {
			if x, stop := gate(rt, u); stop {
				return x
			}
			if tg.missing {
				return notFound
			}
			if tg.org < 0 {
				return allowed(string(rt.Perm) + ", no object")
			}
			if !tg.valid {
				return asMissing("not an object of this route")
			}
			if w.can(u, rt.Perm, tg.org) {
				return allowed(string(rt.Perm) + " on " + w.orgs[tg.org].code)
			}
			return asMissing("no " + string(rt.Perm) + " on " + w.orgs[tg.org].code)
		}
	}

	// --- objects ---
	none := func() []oTarget { return []oTarget{{label: "-", org: -1, valid: true}} }
	orgs := func() []oTarget {
		out := []oTarget{{label: "org NOPE", path: map[string]string{"code": "NOPE"}, missing: true}}
		for i, o := range w.orgs {
			out = append(out, oTarget{label: "org " + o.code, path: map[string]string{"code": o.code}, org: i, valid: true, ref: i})
		}
		return out
	}
	orgQuery := func() []oTarget {
		out := []oTarget{{label: "?org=NOPE", query: "org=NOPE", missing: true}, {label: "-", org: -1, valid: true}}
		for i, o := range w.orgs {
			out = append(out, oTarget{label: "?org=" + o.code, query: "org=" + o.code, org: i, valid: true, ref: i})
		}
		return out
	}
	orgInBody := func() []oTarget {
		out := []oTarget{{label: "org_code NOPE", form: map[string]string{"org_code": "NOPE"}, missing: true}}
		for i, o := range w.orgs {
			out = append(out, oTarget{label: "org_code " + o.code, form: map[string]string{"org_code": o.code}, org: i, valid: true, ref: i})
		}
		return out
	}
	missingID := oTarget{label: "id " + oMissingID, path: map[string]string{"id": oMissingID}, missing: true, ref: -1}
	members := func(kind string, valid func(m oMember) bool) func() []oTarget {
		return func() []oTarget {
			out := []oTarget{missingID}
			for i, m := range w.members {
				out = append(out, oTarget{label: fmt.Sprintf("%s %d (%s)", kind, m.id, w.orgs[m.org].code), path: map[string]string{"id": id(m.id)},
					org: m.org, valid: valid(m), ref: i})
			}
			return out
		}
	}
	anyMember := func(oMember) bool { return true }
	applications := func() []oTarget {
		out := []oTarget{missingID}
		for i, m := range w.members {
			if m.applicant {
				out = append(out, oTarget{label: fmt.Sprintf("application %d (%s)", m.id, w.orgs[m.org].code), path: map[string]string{"id": id(m.id)},
					org: m.org, valid: true, ref: i})
			}
		}
		return out
	}
	list := func(kind string, n int, of func(i int) (int64, int)) func() []oTarget {
		return func() []oTarget {
			out := []oTarget{missingID}
			for i := range n {
				oid, org := of(i)
				out = append(out, oTarget{label: fmt.Sprintf("%s %d (%s)", kind, oid, w.orgs[org].code), path: map[string]string{"id": id(oid)},
					org: org, valid: true, ref: i})
			}
			return out
		}
	}
	bodies := list("body", len(w.bodies), func(i int) (int64, int) { return w.bodies[i].id, w.bodies[i].org })
	terms := list("term", len(w.terms), func(i int) (int64, int) { return w.terms[i].id, w.terms[i].org })
	seats := list("seat", len(w.seats), func(i int) (int64, int) { return w.seats[i].id, w.seats[i].org })
	meetings := list("meeting", len(w.meetings), func(i int) (int64, int) { return w.meetings[i].id, w.meetings[i].org })
	motions := list("motion", len(w.motions), func(i int) (int64, int) {
		return w.motions[i].id, w.meetings[w.motions[i].meeting].org
	})
	elections := list("election", len(w.elections), func(i int) (int64, int) {
		return w.elections[i].id, w.meetings[w.elections[i].meeting].org
	})
	filings := list("filing to", len(w.filings), func(i int) (int64, int) { return w.filings[i].id, w.filings[i].to })
	memberFilings := list("member filing to", len(w.memberFilings), func(i int) (int64, int) {
		return w.memberFilings[i].id, w.memberFilings[i].to
	})
	users := func() []oTarget {
		out := []oTarget{missingID}
		for i, u := range w.users[1:] {
			out = append(out, oTarget{label: "user " + w.describe(u), path: map[string]string{"id": id(u.id)}, org: -1, valid: true, ref: i + 1})
		}
		return out
	}
	tokens := func() []oTarget {
		out := []oTarget{missingID}
		for i, tk := range w.tokens {
			state := ""
			if tk.revoked {
				state = ", revoked"
			}
			out = append(out, oTarget{label: fmt.Sprintf("token %d of %s%s", tk.id, w.users[tk.owner].name, state),
				path: map[string]string{"id": id(tk.id)}, org: -1, valid: true, ref: i})
		}
		return out
	}
	// Two objects: an organisation's path and an object of it. Each object
	// with its own organisation, and with its organisation's parent (a
	// caller who may write the parent may write the child: still not
	// found there).
	orgAnd := func(kind string, n int, of func(i int) (int64, int)) func() []oTarget {
		return func() []oTarget {
			out := []oTarget{{label: "org NOPE, " + kind + " " + oMissingID, path: map[string]string{"code": "NOPE", "id": oMissingID}, missing: true, ref: -1}}
			for i := range n {
				oid, org := of(i)
				other := w.orgs[org].parent
				if other < 0 {
					other = 1
				}
				for _, at := range []int{org, other} {
					out = append(out, oTarget{label: fmt.Sprintf("org %s, %s %d (of %s)", w.orgs[at].code, kind, oid, w.orgs[org].code),
						path: map[string]string{"code": w.orgs[at].code, "id": id(oid)}, org: at, valid: at == org, ref: i})
				}
			}
			return out
		}
	}
	orgAndBodyInForm := func() []oTarget {
		out := []oTarget{{label: "org NOPE, body 0", path: map[string]string{"code": "NOPE"}, form: map[string]string{"body": "0"}, missing: true, ref: -1}}
		for i, b := range w.bodies {
			other := w.orgs[b.org].parent
			if other < 0 {
				other = 1
			}
			for _, at := range []int{b.org, other} {
				out = append(out, oTarget{label: fmt.Sprintf("org %s, body %d (of %s)", w.orgs[at].code, b.id, w.orgs[b.org].code),
					path: map[string]string{"code": w.orgs[at].code}, form: map[string]string{"body": id(b.id)}, org: at, valid: at == b.org, ref: i})
			}
		}
		return out
	}
	cardTokens := func() []oTarget {
		out := []oTarget{{label: "token (none)", path: map[string]string{"token": strings.Repeat("x", 22)}, missing: true}}
		for _, m := range w.members {
			if m.card != "" {
				out = append(out, oTarget{label: "card of " + id(m.id), path: map[string]string{"token": m.card}, org: -1, valid: true})
			}
		}
		return out
	}

	// --- special models ---
	meetingOf := func(kind string, tg oTarget) int {
		switch kind {
		case "motion":
			return w.motions[tg.ref].meeting
		case "election":
			return w.elections[tg.ref].meeting
		}
		return tg.ref
	}
	// viewModel: signed-in routes of a meeting (or its election) for those
	// who may read its organisation or hold a seat at it.
	viewModel := func(rt web.Route, kind string) func(u *oUser, tg oTarget) oExpect {
		return func(u *oUser, tg oTarget) oExpect {
			if x, stop := gate(rt, u); stop {
				return x
			}
			if tg.missing {
				return notFound
			}
			mt := meetingOf(kind, tg)
			if w.can(u, kexie.PermGovernanceRead, w.meetings[mt].org) {
				return allowed("governance.read on " + w.orgs[w.meetings[mt].org].code)
			}
			if w.holdsSeatAt(u.person, mt) {
				return allowed("holds a seat at the meeting")
			}
			return asMissing("neither reads the organisation nor sits at the meeting")
		}
	}
	// voterSeat is the seat a vote is cast for: one the caller votes for,
	// else the meeting's first seat (someone else's).
	voterSeat := func(u *oUser, kind string, tg oTarget) string {
		if tg.missing {
			return "0"
		}
		mt := meetingOf(kind, tg)
		if v := w.votesFor(u.person, mt); len(v) > 0 {
			return id(w.seats[v[0]].id)
		}
		return id(w.seats[w.meetings[mt].seats[0]].id)
	}
	// voteModel: casting for a seat — allowed for a seat the caller votes
	// for (own, present; or a proxy held); a seat of a meeting the caller
	// may see but does not vote for is refused (403); else not found.
	voteModel := func(rt web.Route, kind string) func(u *oUser, tg oTarget) oExpect {
		return func(u *oUser, tg oTarget) oExpect {
			if x, stop := gate(rt, u); stop {
				return x
			}
			if tg.missing {
				return notFound
			}
			mt := meetingOf(kind, tg)
			if len(w.votesFor(u.person, mt)) > 0 {
				return allowed("votes for a seat at the meeting")
			}
			if w.can(u, kexie.PermGovernanceRead, w.meetings[mt].org) || w.holdsSeatAt(u.person, mt) {
				x := oExpect{kind: expStatus, status: 403, why: "sees the meeting, votes for no seat there"}
				if rt.API {
					x.code = string(kexie.CodeForbidden)
				}
				return x
			}
			return asMissing("neither reads the organisation nor sits at the meeting")
		}
	}
	// cardModel: the card of a membership the caller may read, or holds
	// (a member's own card), if one was issued.
	cardModel := func(rt web.Route) func(u *oUser, tg oTarget) oExpect {
		return func(u *oUser, tg oTarget) oExpect {
			if x, stop := gate(rt, u); stop {
				return x
			}
			if tg.missing {
				return notFound
			}
			m := w.members[tg.ref]
			own := u.person != 0 && m.person == u.person
			if !own && !w.can(u, kexie.PermMembershipRead, m.org) {
				return asMissing("no membership.read on " + w.orgs[m.org].code + ", not the holder")
			}
			if m.card == "" {
				return oExpect{kind: expNotFound, why: "may read the membership; no card was issued"}
			}
			return allowed(string(rt.Perm) + " on " + w.orgs[m.org].code)
		}
	}
	// userModel: user management of the user {id}: only users whose every
	// role lies within the caller's user.manage subtrees (sysadmins: all).
	userModel := func(rt web.Route) func(u *oUser, tg oTarget) oExpect {
		return func(u *oUser, tg oTarget) oExpect {
			if x, stop := gate(rt, u); stop {
				return x
			}
			if tg.missing {
				return notFound
			}
			if w.manages(u, w.users[tg.ref]) {
				return allowed("manages " + w.users[tg.ref].name)
			}
			return asMissing("may not manage " + w.describe(w.users[tg.ref]))
		}
	}
	// tokenModel: one's own active tokens.
	tokenModel := func(rt web.Route) func(u *oUser, tg oTarget) oExpect {
		return func(u *oUser, tg oTarget) oExpect {
			if x, stop := gate(rt, u); stop {
				return x
			}
			if tg.missing {
				return notFound
			}
			tk := w.tokens[tg.ref]
			if tk.owner == u.idx && !tk.revoked {
				return allowed("own active token")
			}
			return asMissing("not an active token of the caller")
		}
	}
	// mintModel: a token is made by a signed-in session, never by a
	// request made with a token.
	mintModel := func(rt web.Route) func(u *oUser, tg oTarget) oExpect {
		return func(u *oUser, tg oTarget) oExpect {
			if x, stop := gate(rt, u); stop {
				return x
			}
			if u.bearer {
				return oExpect{kind: expStatus, status: 403, code: string(kexie.CodeForbidden), why: "a token does not make tokens"}
			}
			return allowed("signed in")
		}
	}
	// applyModel: public applications to an active member organisation.
	applyModel := func(rt web.Route) func(u *oUser, tg oTarget) oExpect {
		return func(u *oUser, tg oTarget) oExpect {
			if tg.missing {
				return notFound
			}
			if o := w.orgs[tg.ref]; o.kind.IsMember() && !o.suspended {
				return allowed("public; an active member organisation")
			}
			return asMissing("takes no applications (not a member organisation, or suspended)")
		}
	}
	// publicModel: anyone, for objects that exist.
	publicModel := func(rt web.Route) func(u *oUser, tg oTarget) oExpect {
		return func(u *oUser, tg oTarget) oExpect {
			if x, stop := gate(rt, u); stop {
				return x
			}
			if tg.missing {
				return notFound
			}
			return allowed(string(rt.Perm))
		}
	}

	// --- after-hooks of destructive routes ---
	restoreDisabled := func(u *oUser, tg oTarget, got oAnswer) {
		if !tg.missing && got.status < 400 {
			oracleRestoreUser(t, w, w.users[tg.ref])
		}
	}
	revoked := func(u *oUser, tg oTarget, got oAnswer) {
		if tg.missing || got.status >= 400 {
			return
		}
		tk := &w.tokens[tg.ref]
		tk.revoked = true
		if owner := w.users[tk.owner]; tk.owner == u.idx {
			// Whether or not it was the one in use: a fresh main token.
			oracleNewToken(t, w, owner, "main", true)
		}
	}
	signedOut := func(u *oUser, tg oTarget, got oAnswer) {
		if !u.anon && got.status < 400 {
			oracleNewSession(t, w, u)
		}
	}

	// --- bodies ---
	form := func(kv ...string) func(u *oUser, tg oTarget) any {
		return func(u *oUser, tg oTarget) any {
			v := url.Values{}
			for i := 0; i+1 < len(kv); i += 2 {
				v.Set(kv[i], kv[i+1])
			}
			for k, x := range tg.form {
				v.Set(k, x)
			}
			return v
		}
	}
	jsonBody := func(m map[string]any) func(u *oUser, tg oTarget) any {
		return func(u *oUser, tg oTarget) any {
			out := map[string]any{}
			for k, v := range m {
				out[k] = v
			}
			for k, x := range tg.form {
				out[k] = x
			}
			return out
		}
	}
	seatOfTermOrg := func(u *oUser, tg oTarget) any {
		no := "X"
		if !tg.missing {
			for _, m := range w.members {
				if m.org == w.terms[tg.ref].org && !m.applicant {
					no = m.no
					break
				}
			}
		}
		return map[string]any{"member_no": no, "post": "nope", "seated": "2025-01-01"}
	}

	table := map[string]oracleRoute{}
	// def declares the oracle's entry for one route: objects, body, model
	// (nil: the default model from the route's Perm).
	def := func(pattern string, objs func() []oTarget, body func(u *oUser, tg oTarget) any, model func(rt web.Route) func(u *oUser, tg oTarget) oExpect) *oracleRoute {
		if _, dup := table[pattern]; dup {
			t.Fatalf("oracle: %s declared twice", pattern)
		}
		rt := route(pattern)
		if model == nil {
			model = objModel
		}
		table[pattern] = oracleRoute{objs: objs, body: body, model: model(rt)}
		r := table[pattern]
		return &r
	}
	destructive := func(pattern string, after func(u *oUser, tg oTarget, got oAnswer)) {
		r := table[pattern]
		r.destructive, r.after = true, after
		table[pattern] = r
	}
	view := func(kind string) func(rt web.Route) func(u *oUser, tg oTarget) oExpect {
		return func(rt web.Route) func(u *oUser, tg oTarget) oExpect { return viewModel(rt, kind) }
	}
	vote := func(kind string) func(rt web.Route) func(u *oUser, tg oTarget) oExpect {
		return func(rt web.Route) func(u *oUser, tg oTarget) oExpect { return voteModel(rt, kind) }
	}
	fixed := func(status int, why string) func(rt web.Route) func(u *oUser, tg oTarget) oExpect {
		return func(rt web.Route) func(u *oUser, tg oTarget) oExpect {
			return func(u *oUser, tg oTarget) oExpect { return oExpect{kind: expStatus, status: status, why: why} }
		}
	}
	static := func() []oTarget {
		return []oTarget{{label: "/static/nope.css", suffix: "nope.css", missing: true}, {label: "/static/ (a directory)", suffix: "", org: -1, valid: false},
			{label: "/static/kexie.css", suffix: "kexie.css", org: -1, valid: true}}
	}
	staticModel := func(rt web.Route) func(u *oUser, tg oTarget) oExpect {
		return func(u *oUser, tg oTarget) oExpect {
			switch {
			case tg.missing:
				return notFound
			case !tg.valid:
				return asMissing("no directory listings")
			}
			return allowed("public")
		}
	}
	exportFiles := func() []oTarget {
		return []oTarget{{label: "nope.csv", path: map[string]string{"file": "nope.csv"}, missing: true},
			{label: "orgs.csv", path: map[string]string{"file": "orgs.csv"}, org: -1, valid: true},
			{label: "orgs.xlsx", path: map[string]string{"file": "orgs.xlsx"}, org: -1, valid: true}}
	}

	// Activities: by code; read by staff of any registry organisation
	// holding a role, managed on the owner's.
	acts := func() []oTarget {
		out := []oTarget{{label: "activity NOPE", path: map[string]string{"code": "NOPE"}, missing: true, ref: -1}}
		for i, a := range w.activities {
			out = append(out, oTarget{label: "activity " + a.code + " (" + w.orgs[a.org].code + ")", path: map[string]string{"code": a.code}, org: a.org, valid: true, ref: i})
		}
		return out
	}
	actModel := func(rt web.Route) func(u *oUser, tg oTarget) oExpect {
		return func(u *oUser, tg oTarget) oExpect {
			if x, stop := gate(rt, u); stop {
				return x
			}
			if tg.missing {
				return notFound
			}
			a := w.activities[tg.ref]
			if w.can(u, rt.Perm, a.org) || rt.Perm != kexie.PermActivitiesManage && a.other >= 0 && w.can(u, rt.Perm, a.other) {
				return allowed(string(rt.Perm) + " where the activity belongs")
			}
			return asMissing("no " + string(rt.Perm) + " where the activity belongs")
		}
	}
	// registerModel: those who manage the activity register anyone; others
	// only for a public activity open for registration.
	registerModel := func(rt web.Route) func(u *oUser, tg oTarget) oExpect {
		return func(u *oUser, tg oTarget) oExpect {
			if tg.missing {
				return notFound
			}
			a := w.activities[tg.ref]
			if a.open || w.can(u, kexie.PermActivitiesManage, a.org) {
				return allowed("open to the public, or managed by the caller")
			}
			return asMissing("not public, not managed by the caller")
		}
	}
	regTokens := func() []oTarget {
		out := []oTarget{{label: "token (none)", path: map[string]string{"token": strings.Repeat("X", 26)}, missing: true}}
		for _, a := range w.activities {
			if a.token != "" {
				out = append(out, oTarget{label: "registration of " + a.code, path: map[string]string{"token": a.token}, org: -1, valid: true})
			}
		}
		return out
	}

	// Operations and public pages.
	def("GET /activities/{code}", acts, nil, actModel)
	def("POST /activities/{code}/checkin", acts, form("code", "NOPE"), actModel)
	def("GET /api/v1/activities", none, nil, nil)
	def("POST /api/v1/orgs/{code}/activities", orgs, jsonBody(map[string]any{"code": "!"}), nil)
	def("GET /api/v1/activities/{code}", acts, nil, actModel)
	def("POST /api/v1/activities/{code}/status", acts, jsonBody(map[string]any{"status": "nope"}), actModel)
	def("POST /api/v1/activities/{code}/sessions", acts, jsonBody(map[string]any{"kind": "nope"}), actModel)
	def("POST /api/v1/activities/{code}/breaks", acts, jsonBody(map[string]any{"title_zh": ""}), actModel)
	def("POST /api/v1/activities/{code}/registrations", acts, jsonBody(map[string]any{"name": ""}), registerModel)
	def("POST /api/v1/activities/{code}/checkins", acts, jsonBody(map[string]any{"code": "NOPE"}), actModel)
	def("POST /api/v1/registrations/{token}/cancel", regTokens, nil, publicModel)
	destructive("POST /api/v1/registrations/{token}/cancel", nil)
	// Editing: {id} 0 is refused (400) once the activity is found and
	// managed, so the model is the activity's.
	actsID := func() []oTarget {
		out := acts()
		for i := range out {
			out[i].path = map[string]string{"code": out[i].path["code"], "id": "0"}
		}
		return out
	}
	def("GET /activities/{code}/checkins", acts, nil, actModel)
	def("GET /activities", none, nil, nil)
	def("POST /activities/{code}/reach", acts, form("people", "x"), actModel)
	def("POST /activities/{code}/exhibitors", acts, form("booth", ""), actModel)
	def("POST /activities/{code}/teams", acts, form("name", ""), actModel)
	def("GET /activities/new", none, nil, nil)
	def("POST /activities/new", none, form("code", "!"), nil)
	def("GET /activities/{code}/edit", acts, nil, actModel)
	def("POST /activities/{code}/edit", acts, form("kind", "nope"), actModel)
	def("POST /activities/{code}/organisations", acts, form("role_0", "nope"), actModel)
	def("POST /activities/{code}/sessions", acts, form("kind", "nope"), actModel)
	def("POST /activities/{code}/sessions/{id}", actsID, form("kind", "nope"), actModel)
	def("POST /activities/{code}/sessions/{id}/delete", actsID, nil, actModel)
	def("POST /activities/{code}/breaks", acts, form("title_zh", ""), actModel)
	def("POST /activities/{code}/breaks/{id}/delete", actsID, nil, actModel)
	def("POST /activities/{code}/status", acts, form("status", "nope"), actModel)
	def("PUT /api/v1/activities/{code}", acts, jsonBody(map[string]any{"kind": "nope"}), actModel)
	def("PUT /api/v1/activities/{code}/organisations", acts, jsonBody(map[string]any{"organisations": []any{}}), actModel)
	def("PUT /api/v1/activities/{code}/sessions/{id}", actsID, jsonBody(map[string]any{"kind": "nope"}), actModel)
	def("DELETE /api/v1/activities/{code}/sessions/{id}", actsID, nil, actModel)
	def("DELETE /api/v1/activities/{code}/breaks/{id}", actsID, nil, actModel)
	def("GET /api/v1/orgs/{code}/activity-stats", orgs, nil, nil)
	actsRef := func() []oTarget {
		out := acts()
		for i := range out {
			out[i].path = map[string]string{"code": out[i].path["code"], "reference": "NOPE-NOPE"}
		}
		return out
	}
	def("GET /api/v1/activities/{code}/registrations", acts, nil, actModel)
	def("POST /api/v1/activities/{code}/registrations/{reference}/approve", actsRef, nil, actModel)
	def("POST /api/v1/activities/{code}/registrations/{reference}/reject", actsRef, nil, actModel)
	def("POST /api/v1/activities/{code}/registrations/{reference}/cancel", actsRef, nil, actModel)
	def("POST /api/v1/activities/{code}/registration-list", acts, jsonBody(map[string]any{"x": 1}), actModel)
	def("POST /api/v1/activities/{code}/checkin-lists", acts, jsonBody(map[string]any{"name": "!"}), actModel)
	def("GET /api/v1/activities/{code}/checkins", acts, nil, actModel)
	def("POST /activities/{code}/programme-file", acts, form("dry_run", "on"), actModel)
	def("POST /api/v1/activities/{code}/programme-file", acts, jsonBody(map[string]any{"x": 1}), actModel)
	def("POST /api/v1/activities/{code}/sessions/{id}/contributions", actsID, jsonBody(map[string]any{"title": ""}), actModel)
	def("POST /api/v1/activities/{code}/reach", acts, jsonBody(map[string]any{"people": 0}), actModel)
	def("POST /api/v1/activities/{code}/exhibitors", acts, jsonBody(map[string]any{"booth": ""}), actModel)
	def("POST /api/v1/activities/{code}/teams", acts, jsonBody(map[string]any{"name": ""}), actModel)
	def("POST /activities/{code}/registration-file", acts, form("dry_run", "on"), actModel)
	def("POST /api/v1/activities/{code}/sessions/{id}/chairs", actsID, jsonBody(map[string]any{"name": ""}), actModel)
	def("POST /api/v1/activities/{code}/contributions/{id}/speakers", actsID, jsonBody(map[string]any{"name": ""}), actModel)
	def("GET /api/v1/activities/{code}/exhibitors", acts, nil, actModel)
	def("GET /api/v1/activities/{code}/teams", acts, nil, actModel)
	// The public side: a public activity is shown to anyone, any other
	// is missing; a series without public editions is missing.
	publicActModel := func(rt web.Route) func(u *oUser, tg oTarget) oExpect {
		return func(u *oUser, tg oTarget) oExpect {
			if tg.missing {
				return notFound
			}
			if w.activities[tg.ref].open {
				return allowed("a public activity")
			}
			return asMissing("not public")
		}
	}
	series := func() []oTarget {
		return []oTarget{{label: "series NOPE", path: map[string]string{"code": "NOPE"}, missing: true}}
	}
	def("GET /calendar", none, nil, nil)
	def("GET /calendar.ics", none, nil, nil)
	def("GET /calendar/{code}", acts, nil, publicActModel)
	def("POST /calendar/{code}/register", acts, form("name", ""), publicActModel)
	def("GET /series/{code}", series, nil, publicModel)
	def("GET /registrations/{token}", regTokens, nil, publicModel)
	def("GET /registrations/{token}/qr.png", regTokens, nil, publicModel)
	def("GET /registrations/{token}/badge.pdf", regTokens, nil, publicModel)
	def("POST /registrations/{token}/cancel", regTokens, nil, publicModel)
	destructive("POST /registrations/{token}/cancel", nil)
	def("GET /api/v1/calendar", none, nil, nil)
	def("GET /api/v1/series/{code}", series, nil, publicModel)
	entries := list("entry", len(w.entries), func(i int) (int64, int) { return w.entries[i].id, w.entries[i].org })
	def("GET /orgs/{code}/ledger", orgs, nil, nil)
	def("POST /orgs/{code}/ledger/entries", orgs, form("date", "x"), nil)
	def("POST /ledger/entries/{id}/approve", entries, nil, nil) // posted already: 409 when allowed
	def("GET /api/v1/orgs/{code}/ledger/accounts", orgs, nil, nil)
	def("POST /api/v1/orgs/{code}/ledger/accounts", orgs, jsonBody(map[string]any{"code": "x"}), nil)
	def("GET /api/v1/orgs/{code}/ledger/funds", orgs, nil, nil)
	def("POST /api/v1/orgs/{code}/ledger/funds", orgs, jsonBody(map[string]any{"code": "!"}), nil)
	def("GET /api/v1/orgs/{code}/ledger/entries", orgs, nil, nil)
	def("POST /api/v1/orgs/{code}/ledger/entries", orgs, jsonBody(map[string]any{"date": "x"}), nil)
	def("GET /api/v1/ledger/entries/{id}", entries, nil, nil)
	def("POST /api/v1/ledger/entries/{id}/approve", entries, nil, nil)
	def("POST /api/v1/ledger/entries/{id}/reject", entries, jsonBody(map[string]any{"reason": "r"}), nil)
	def("POST /api/v1/ledger/entries/{id}/reverse", entries, jsonBody(map[string]any{"date": "x"}), nil)
	def("POST /api/v1/orgs/{code}/ledger/close", orgs, jsonBody(map[string]any{"month": "x"}), nil)
	def("POST /api/v1/orgs/{code}/ledger/reopen", orgs, jsonBody(map[string]any{"month": "x"}), nil)
	def("GET /api/v1/orgs/{code}/ledger/trial-balance", orgs, nil, nil)
	def("GET /api/v1/orgs/{code}/ledger/balance-sheet", orgs, nil, nil)
	def("GET /api/v1/orgs/{code}/ledger/activities", orgs, nil, nil)
	def("GET /api/v1/orgs/{code}/ledger/fund-statement", orgs, nil, nil)
	def("GET /api/v1/orgs/{code}/ledger/report", orgs, nil, nil)
	def("GET /api/v1/orgs/{code}/ledger/sources", orgs, nil, nil)
	receipts := list("receipt", len(w.receipts), func(i int) (int64, int) { return w.receipts[i].id, w.receipts[i].org })
	def("POST /ledger/entries/{id}/reject", entries, form("reason", "r"), nil) // posted already: 409 when allowed
	def("POST /ledger/entries/{id}/reverse", entries, form("date", "x"), nil)
	def("POST /orgs/{code}/ledger/close", orgs, form("month", "x"), nil)
	def("POST /orgs/{code}/ledger/reopen", orgs, form("month", "x"), nil)
	def("GET /orgs/{code}/ledger/funds", orgs, nil, nil)
	def("POST /orgs/{code}/ledger/funds", orgs, form("code", "!"), nil)
	def("POST /orgs/{code}/ledger/accounts", orgs, form("code", "x"), nil)
	def("GET /orgs/{code}/ledger/statements", orgs, nil, nil)
	def("GET /orgs/{code}/ledger/statements.xlsx", orgs, nil, nil)
	def("GET /orgs/{code}/ledger/statements.pdf", orgs, nil, nil)
	def("GET /orgs/{code}/ledger/receipts", orgs, nil, nil)
	def("POST /orgs/{code}/ledger/receipts", orgs, form("amount", "x"), nil)
	def("POST /ledger/receipts/{id}/void", receipts, form("reason", ""), nil) // no reason: refused when allowed
	def("GET /ledger/receipts/{id}/pdf", receipts, nil, nil)
	def("GET /api/v1/orgs/{code}/ledger/receipts", orgs, nil, nil)
	def("POST /api/v1/orgs/{code}/ledger/receipts", orgs, jsonBody(map[string]any{"amount": 0}), nil)
	def("GET /api/v1/ledger/receipts/{id}", receipts, nil, nil)
	def("POST /api/v1/ledger/receipts/{id}/void", receipts, jsonBody(map[string]any{"reason": ""}), nil)
	def("GET /healthz", none, nil, nil)
	def("GET /metrics", none, nil, nil)
	def("GET /static/", static, nil, staticModel)
	def("GET /api/openapi.json", none, nil, nil)
	def("GET /{$}", none, nil, nil)
	def("GET /login", none, nil, nil)
	def("POST /login", none, form("username", "nobody", "password", "wrong password"), fixed(401, "wrong user name or password"))
	def("POST /logout", none, nil, nil)
	destructive("POST /logout", signedOut)
	def("POST /lang", none, form("lang", "xx"), nil)
	// Account: signed in, one's own.
	def("GET /account", none, nil, nil)
	def("GET /account/password", none, nil, nil)
	def("POST /account/password", none, form("current", "wrong password", "new", "a", "confirm", "b"), nil)
	def("POST /account/tokens", none, form("name", "t", "expires", "someday"), nil)
	def("POST /account/tokens/{id}/revoke", tokens, nil, tokenModel)
	destructive("POST /account/tokens/{id}/revoke", revoked)
	// Organisations.
	def("GET /orgs", none, nil, nil)
	def("GET /orgs/{code}", orgs, nil, nil)
	def("POST /orgs/{code}/status", orgs, form("action", "suspend"), nil)
	def("POST /orgs/{code}/profile", orgs, form("region_code", "bad"), nil)
	def("GET /orgs/{code}/dues", orgs, nil, nil)
	def("POST /orgs/{code}/dues", orgs, form("amount", "x"), nil)
	// Governance pages.
	def("GET /orgs/{code}/governance", orgs, nil, nil)
	def("POST /orgs/{code}/governance/charter", orgs, form("template", "nope"), nil)
	def("POST /orgs/{code}/governance/bodies", orgs, form("kind", "nope"), nil)
	def("POST /orgs/{code}/governance/terms", orgAndBodyInForm, form("number", "x"), nil)
	orgTerms := orgAnd("term", len(w.terms), func(i int) (int64, int) { return w.terms[i].id, w.terms[i].org })
	def("POST /orgs/{code}/governance/terms/{id}/extend", orgTerms, form("months", "x"), nil)
	def("POST /orgs/{code}/governance/terms/{id}/seats", orgTerms, form("member_no", "", "post", "director"), nil)
	def("POST /orgs/{code}/governance/terms/{id}/meetings", orgTerms, form("held", "x"), nil)
	def("POST /orgs/{code}/governance/seats/{id}/end", orgAnd("seat", len(w.seats), func(i int) (int64, int) { return w.seats[i].id, w.seats[i].org }),
		form("left_on", "x", "why", "resignation"), nil)
	def("GET /meetings/{id}", meetings, nil, nil)
	def("POST /meetings/{id}/attendance", meetings, form(), nil) // nothing changed: back to the page
	def("POST /meetings/{id}/motions", meetings, form("title", "", "decision", "ordinary"), nil)
	def("POST /meetings/{id}/elections", meetings, form("title", "t", "seats", "x"), nil)
	def("POST /motions/{id}/close", motions, form("yes", "x"), nil)
	destructive("POST /motions/{id}/close", nil) // closes electronic motions: after the votes
	def("POST /elections/{id}/close", elections, nil, nil)
	destructive("POST /elections/{id}/close", nil)
	def("GET /meetings/{id}/minutes", meetings, nil, nil)
	def("GET /meetings/{id}/minutes.pdf", meetings, nil, nil)
	def("GET /meetings/{id}/vote", meetings, nil, view("meeting"))
	def("POST /motions/{id}/vote", motions, func(u *oUser, tg oTarget) any {
		return url.Values{"seat": {voterSeat(u, "motion", tg)}, "vote": {"maybe"}}
	}, vote("motion"))
	def("POST /elections/{id}/ballot", elections, func(u *oUser, tg oTarget) any {
		return url.Values{"seat": {voterSeat(u, "election", tg)}, "choice": {"-1"}}
	}, vote("election"))
	def("POST /elections/{id}/receipt", elections, func(u *oUser, tg oTarget) any {
		return url.Values{"seat": {voterSeat(u, "election", tg)}}
	}, vote("election"))
	def("GET /elections/{id}/ballots", elections, nil, view("election"))
	def("POST /elections/{id}/ballots", elections, form("receipt", "NOPE"), view("election"))
	def("GET /my/meetings", none, nil, nil)
	// Import, export, filings.
	def("GET /import/orgs", none, nil, nil)
	def("POST /import/orgs", none, form("dry_run", "1"), nil)
	def("GET /import/members", none, nil, nil)
	def("POST /import/members", none, form("dry_run", "1"), nil)
	def("GET /export/{file}", exportFiles, nil, nil)
	def("GET /filings", none, nil, nil)
	def("POST /filings/{id}/ack", filings, nil, nil)
	def("POST /member-filings/{id}/ack", memberFilings, nil, nil)
	// Applications and members.
	def("GET /apply", none, nil, publicModel)
	def("GET /apply/{code}", orgs, nil, applyModel)
	def("POST /apply/{code}", orgs, form("type", "nope", "name", "x"), applyModel)
	def("GET /verify/{token}", cardTokens, nil, publicModel)
	def("GET /applications", none, nil, nil)
	def("POST /applications/{id}/decide", applications, form("action", "review"), nil)
	def("GET /members/{id}/card", members("membership", anyMember), nil, cardModel)
	def("GET /members/{id}/card.png", members("membership", anyMember), nil, cardModel)
	def("GET /members/{id}/card.pdf", members("membership", anyMember), nil, cardModel)
	def("GET /my/membership", none, nil, nil)
	def("GET /members", orgQuery, nil, nil)
	def("GET /members/{id}", members("membership", anyMember), nil, nil)
	def("POST /members/{id}/status", members("membership", anyMember), form("status", "nope"), nil)
	def("POST /members/{id}/exemption", members("membership", anyMember), form("until", "x"), nil)
	def("POST /members/{id}/dues", members("membership", anyMember), form("amount", "x"), nil)
	def("POST /members/{id}/participation", members("membership", anyMember), form("date", "x"), nil)
	def("POST /members/{id}/reveal", members("membership", anyMember), form("reason", ""), nil)
	def("GET /export/members.csv", orgQuery, nil, nil)
	def("GET /export/members.xlsx", orgQuery, nil, nil)
	def("GET /lapse", none, nil, nil)
	def("POST /lapse", none, form("as_of", "x"), nil)
	def("GET /audit", none, nil, nil)
	// Users.
	def("GET /admin/users", none, nil, nil)
	def("POST /admin/users", orgInBody, form("username", "!", "role", "staff"), nil)
	def("POST /admin/users/{id}/disable", users, nil, userModel)
	destructive("POST /admin/users/{id}/disable", restoreDisabled)
	def("POST /admin/users/{id}/enable", users, nil, userModel) // not disabled: 409 when allowed
	def("POST /admin/users/{id}/grants", users, form("role", "nope", "org_code", "A"), userModel)
	def("POST /admin/users/{id}/member", users, form("org_code", "NOPE", "member_no", "x"), userModel) // no such member: 400 when allowed
	def("POST /admin/users/{id}/password", users, nil, userModel)                                      // unconfirmed: 400 when allowed

	// JSON API.
	def("GET /api/v1/me", none, nil, nil)
	// Awards. The award office (awards.manage on the programme's
	// organisation) runs programmes, rounds, nominations, experts,
	// objections; a round and its nominations are also read, and
	// nominations made, by the staff of its recommending unit
	// (membership.write there); the publicity and objections are public,
	// for a round in publicity; reviews are the caller's own assignments
	// (none in this world: not found to everyone).
	awardRounds := list("award round", len(w.awardRounds), func(i int) (int64, int) { return w.awardRounds[i].id, w.awardRounds[i].org })
	awardProgs := list("award programme", len(w.awardRounds), func(i int) (int64, int) { return w.awardRounds[i].programme, w.awardRounds[i].org })
	awardNoms := list("award nomination", len(w.awardRounds), func(i int) (int64, int) { return w.awardRounds[i].nomination, w.awardRounds[i].org })
	awardExperts := list("award expert", len(w.awardRounds), func(i int) (int64, int) { return w.awardRounds[i].expert, w.awardRounds[i].org })
	awardAttachments := list("award attachment", len(w.awardRounds), func(i int) (int64, int) { return w.awardRounds[i].attachment, w.awardRounds[i].org })
	nothing := list("nothing", 0, nil)
	// officeOrUnit: the award office of the round (or nomination) tg.ref,
	// or the staff of its recommending unit.
	officeOrUnit := func(rt web.Route) func(u *oUser, tg oTarget) oExpect {
		return func(u *oUser, tg oTarget) oExpect {
			if x, stop := gate(rt, u); stop {
				return x
			}
			if tg.missing {
				return notFound
			}
			ar := w.awardRounds[tg.ref]
			if w.can(u, kexie.PermAwardsManage, ar.org) {
				return allowed("awards.manage on " + w.orgs[ar.org].code)
			}
			if w.can(u, kexie.PermMembershipWrite, ar.unit) {
				return allowed("membership.write on the recommending unit " + w.orgs[ar.unit].code)
			}
			return asMissing("neither the award office nor the recommending unit's staff")
		}
	}
	// publicity: anyone, for a round in publicity.
	publicity := func(rt web.Route) func(u *oUser, tg oTarget) oExpect {
		return func(u *oUser, tg oTarget) oExpect {
			if x, stop := gate(rt, u); stop {
				return x
			}
			if tg.missing {
				return notFound
			}
			if w.awardRounds[tg.ref].public {
				return allowed("public: the round is in publicity")
			}
			return asMissing("no publicity before the decision")
		}
	}
	unitOfRound := func(u *oUser, tg oTarget) any {
		code := "NOPE"
		if !tg.missing {
			code = w.orgs[w.awardRounds[tg.ref].unit].code
		}
		return map[string]any{"unit_code": code, "name": ""}
	}
	unitOfRoundForm := func(u *oUser, tg oTarget) any {
		code := "NOPE"
		if !tg.missing {
			code = w.orgs[w.awardRounds[tg.ref].unit].code
		}
		return url.Values{"unit_code": {code}, "name": {""}}
	}
	// The round's own expert (and nomination) in a form: the domain checks
	// the caller's permission on them before it reads the rest of the form.
	expertForm := func(fields ...string) func(u *oUser, tg oTarget) any {
		return func(u *oUser, tg oTarget) any {
			v := form(fields...)(u, tg).(url.Values)
			if !tg.missing {
				v.Set("expert_id", strconv.FormatInt(w.awardRounds[tg.ref].expert, 10))
				v.Set("nomination_id", strconv.FormatInt(w.awardRounds[tg.ref].nomination, 10))
			}
			return v
		}
	}
	// Award pages, as their API counterparts.
	def("GET /awards", none, nil, nil)
	def("POST /award-programmes", orgInBody, form("code", ""), nil)
	def("GET /award-programmes/{id}", awardProgs, nil, nil)
	def("POST /award-programmes/{id}/rounds", awardProgs, form("year", "1"), nil)
	def("POST /award-programmes/{id}/experts", awardProgs, form("name", ""), nil)
	def("GET /award-rounds/{id}", awardRounds, nil, officeOrUnit)
	def("POST /award-rounds/{id}/stage", awardRounds, nil, nil)
	destructive("POST /award-rounds/{id}/stage", nil)
	def("POST /award-rounds/{id}/nominations", awardRounds, unitOfRoundForm, officeOrUnit)
	def("POST /award-nominations/{id}/check", awardNoms, form("accept", "0", "reason", "r"), nil)
	def("POST /award-rounds/{id}/assignment", awardRounds, form("seed", "1"), nil)
	def("POST /award-rounds/{id}/decision", awardRounds, form("resolution", "r"), nil)
	def("POST /award-objections/{id}/outcome", nothing, form("reason", "r", "round", "1"), nil)
	def("POST /award-rounds/{id}/announcement", awardRounds, nil, nil)
	def("POST /award-nominations/{id}/recommendation", awardNoms, form("round_id", "0"), nil)
	def("POST /award-rounds/{id}/units", awardRounds, form("units", "NOPE 1"), nil)                             // unknown unit: 400
	def("POST /award-rounds/{id}/conflicts", awardRounds, expertForm("mode", "nope", "reason", "r"), nil)       // 400
	def("POST /award-rounds/{id}/stages", awardRounds, form("stages", "oral | x | y"), nil)                     // 400 or stage: 409
	def("POST /award-rounds/{id}/review-stage", awardRounds, form("by", "score", "min_score", "x"), nil)        // 400
	def("GET /award-rounds/{id}/panel", nothing, nil, nil)                                                      // no round has a panel
	def("POST /award-nominations/{id}/panel-vote", awardNoms, form("do", "open"), nil)                          // not at a panel: 409
	def("POST /award-programmes/{id}/relations", awardProgs, expertForm("kind", "nope", "id_number", "1"), nil) // 400
	def("POST /award-nominations/{id}/attachments", awardNoms, form(), officeOrUnit)                            // not multipart: 400
	def("GET /award-attachments/{id}", awardAttachments, nil, officeOrUnit)
	def("GET /award-rounds/{id}/export.xlsx", awardRounds, nil, nil)
	def("GET /award-rounds/{id}/certificates.pdf", awardRounds, nil, nil) // not announced: 409 when allowed
	def("GET /my/reviews", none, nil, nil)
	def("GET /my/reviews/{id}", nothing, nil, nil)
	def("POST /my/reviews/{id}/declaration", nothing, form("conflict", "0"), nil)
	def("POST /my/reviews/{id}/scores", nothing, form("score_x", "1"), nil)
	def("GET /awards/publicity", none, nil, nil)
	def("GET /award-rounds/{id}/publicity", awardRounds, nil, publicity)
	def("POST /award-rounds/{id}/objections", awardRounds, form("kind", "individual", "name", "", "text", "t"), publicity)
	def("GET /api/v1/award-programmes", none, nil, nil)
	def("POST /api/v1/award-programmes", orgInBody, jsonBody(map[string]any{"code": ""}), nil)
	def("GET /api/v1/award-programmes/{id}", awardProgs, nil, nil)
	def("POST /api/v1/award-programmes/{id}/rounds", awardProgs, jsonBody(map[string]any{"year": 1}), nil)
	def("GET /api/v1/award-programmes/{id}/experts", awardProgs, nil, nil)
	def("POST /api/v1/award-programmes/{id}/experts", awardProgs, jsonBody(map[string]any{"name": ""}), nil)
	// The experts are linked to no account: the award office only.
	def("POST /api/v1/award-experts/{id}/relations", awardExperts, jsonBody(map[string]any{"kind": "nope"}), func(rt web.Route) func(u *oUser, tg oTarget) oExpect {
		return func(u *oUser, tg oTarget) oExpect {
			if x, stop := gate(rt, u); stop {
				return x
			}
			if tg.missing {
				return notFound
			}
			if w.can(u, kexie.PermAwardsManage, tg.org) {
				return allowed("awards.manage on " + w.orgs[tg.org].code)
			}
			return asMissing("neither the award office nor the expert")
		}
	})
	def("POST /api/v1/award-experts/{id}/conflicts", awardExperts, jsonBody(map[string]any{"mode": "nope"}), nil)
	def("GET /api/v1/award-rounds", none, nil, nil)
	def("GET /api/v1/award-rounds/{id}", awardRounds, nil, officeOrUnit)
	def("POST /api/v1/award-rounds/{id}/units", awardRounds, jsonBody(map[string]any{"units": []map[string]any{{"org_code": "NOPE", "quota": 1}}}), nil)
	def("POST /api/v1/award-rounds/{id}/stage", awardRounds, jsonBody(map[string]any{}), nil)
	destructive("POST /api/v1/award-rounds/{id}/stage", nil) // nomination → check → review → decision; never to publicity
	def("GET /api/v1/award-rounds/{id}/nominations", awardRounds, nil, officeOrUnit)
	def("POST /api/v1/award-rounds/{id}/nominations", awardRounds, unitOfRound, officeOrUnit)
	def("GET /api/v1/award-nominations/{id}", awardNoms, nil, officeOrUnit)
	def("POST /api/v1/award-nominations/{id}/check", awardNoms, jsonBody(map[string]any{"accept": false, "reason": "r"}), nil) // checked already: 409
	def("GET /api/v1/award-rounds/{id}/stages", awardRounds, nil, officeOrUnit)
	def("POST /api/v1/award-rounds/{id}/stages", awardRounds, jsonBody(map[string]any{"stages": []map[string]any{{"kind": "oral"}}}), nil) // 400 or stage: 409
	def("POST /api/v1/award-rounds/{id}/review-stage", awardRounds, jsonBody(map[string]any{"min_score": "x"}), nil)                       // 400
	def("GET /api/v1/award-rounds/{id}/panel", nothing, nil, nil)                                                                          // no round has a panel
	def("POST /api/v1/award-nominations/{id}/panel-vote", awardNoms, jsonBody(map[string]any{"action": "open"}), nil)                      // not at a panel: 409
	def("POST /api/v1/award-rounds/{id}/assignment", awardRounds, jsonBody(map[string]any{"seed": 1}), nil)
	def("GET /api/v1/award-reviews", none, nil, nil)
	def("GET /api/v1/award-reviews/{id}", nothing, nil, nil)
	def("POST /api/v1/award-reviews/{id}/declaration", nothing, jsonBody(map[string]any{"conflict": false}), nil)
	def("POST /api/v1/award-reviews/{id}/recusal", nothing, jsonBody(map[string]any{"reason": "r"}), nil)
	def("POST /api/v1/award-reviews/{id}/scores", nothing, jsonBody(map[string]any{"scores": map[string]any{}}), nil)
	def("GET /api/v1/award-rounds/{id}/ranking", awardRounds, nil, nil)
	def("POST /api/v1/award-rounds/{id}/decision", awardRounds, jsonBody(map[string]any{"grades": map[string]any{}, "resolution": "r"}), nil)
	def("GET /api/v1/award-rounds/{id}/publicity", awardRounds, nil, publicity)
	def("POST /api/v1/award-rounds/{id}/objections", awardRounds, jsonBody(map[string]any{"kind": "individual", "name": "", "text": "t"}), publicity)
	def("GET /api/v1/award-rounds/{id}/objections", awardRounds, nil, nil)
	def("POST /api/v1/award-objections/{id}/outcome", nothing, jsonBody(map[string]any{"upheld": false, "reason": "r"}), nil)
	def("POST /api/v1/award-rounds/{id}/announcement", awardRounds, jsonBody(map[string]any{}), nil)
	def("POST /api/v1/award-nominations/{id}/recommendation", awardNoms, jsonBody(map[string]any{"round_id": 0}), nil)                        // not a winner: 409
	def("POST /api/v1/award-nominations/{id}/attachments", awardNoms, jsonBody(map[string]any{"name": "x.pdf", "content": ""}), officeOrUnit) // not a PDF: 400
	def("GET /api/v1/award-nominations/{id}/attachments", awardNoms, nil, officeOrUnit)
	def("GET /api/v1/audit", none, nil, nil)
	def("GET /api/v1/me/memberships", none, nil, nil)
	def("GET /api/v1/members", orgQuery, nil, nil)
	def("GET /api/v1/members/{id}", members("membership", anyMember), nil, nil)
	def("GET /api/v1/members/{id}/card", members("membership", anyMember), nil, cardModel)
	def("POST /api/v1/members/{id}/status", members("membership", anyMember), jsonBody(map[string]any{"status": "nope"}), nil)
	def("POST /api/v1/members/{id}/exemption", members("membership", anyMember), jsonBody(map[string]any{"until": "x"}), nil)
	def("POST /api/v1/members/{id}/dues", members("membership", anyMember), jsonBody(map[string]any{"amount": "x"}), nil)
	def("POST /api/v1/members/{id}/participation", members("membership", anyMember), jsonBody(map[string]any{"date": "x"}), nil)
	def("POST /api/v1/orgs/{code}/applications", orgs, jsonBody(map[string]any{"type": "nope", "name": "x"}), applyModel)
	def("GET /api/v1/applications", none, nil, nil)
	def("POST /api/v1/applications/{id}/decide", applications, jsonBody(map[string]any{"action": "review"}), nil)
	def("GET /api/v1/verify/{token}", cardTokens, nil, publicModel)
	def("GET /api/v1/lapse", none, nil, nil)
	def("POST /api/v1/lapse", none, jsonBody(map[string]any{"as_of": "x"}), nil)
	def("GET /api/v1/orgs", none, nil, nil)
	def("GET /api/v1/orgs/{code}", orgs, nil, nil)
	def("GET /api/v1/orgs/{code}/children", orgs, nil, nil)
	def("GET /api/v1/orgs/{code}/stats", orgs, nil, nil)
	def("GET /api/v1/orgs/{code}/dues-standards", orgs, nil, nil)
	def("POST /api/v1/orgs/{code}/dues-standards", orgs, jsonBody(map[string]any{"type": "nope"}), nil)
	def("GET /api/v1/users", none, nil, nil)
	def("POST /api/v1/users", orgInBody, jsonBody(map[string]any{"username": "!", "role": "staff"}), nil)
	def("POST /api/v1/users/{id}/disable", users, nil, userModel)
	destructive("POST /api/v1/users/{id}/disable", restoreDisabled)
	def("POST /api/v1/users/{id}/enable", users, nil, userModel)
	def("POST /api/v1/users/{id}/grants", users, jsonBody(map[string]any{"role": "nope", "org_code": "A"}), userModel)
	def("GET /api/v1/tokens", none, nil, nil)
	def("POST /api/v1/tokens", none, jsonBody(map[string]any{"name": ""}), mintModel)
	def("DELETE /api/v1/tokens/{id}", tokens, nil, tokenModel)
	destructive("DELETE /api/v1/tokens/{id}", revoked)
	// Governance API.
	def("GET /api/v1/orgs/{code}/governance", orgs, nil, nil)
	def("GET /api/v1/orgs/{code}/charter", orgs, nil, nil)
	def("POST /api/v1/orgs/{code}/charter", orgs, jsonBody(map[string]any{"template": "nope"}), nil)
	def("POST /api/v1/orgs/{code}/bodies", orgs, jsonBody(map[string]any{"kind": "nope"}), nil)
	def("POST /api/v1/bodies/{id}/terms", bodies, jsonBody(map[string]any{"number": 0, "started": "x"}), nil)
	def("POST /api/v1/terms/{id}/extensions", terms, jsonBody(map[string]any{"months": 0, "resolution": ""}), nil)
	def("POST /api/v1/terms/{id}/seats", terms, seatOfTermOrg, nil)
	def("POST /api/v1/seats/{id}/end", seats, jsonBody(map[string]any{"date": "x", "why": "resignation"}), nil)
	def("POST /api/v1/terms/{id}/meetings", terms, jsonBody(map[string]any{"held": "x"}), nil)
	def("GET /api/v1/meetings/{id}", meetings, nil, view("meeting"))
	def("POST /api/v1/meetings/{id}/attendance", meetings, jsonBody(map[string]any{"attendance": []any{}}), nil)
	def("POST /api/v1/meetings/{id}/motions", meetings, jsonBody(map[string]any{"title": "", "decision": "ordinary"}), nil)
	def("POST /api/v1/motions/{id}/votes", motions, func(u *oUser, tg oTarget) any {
		s, _ := strconv.ParseInt(voterSeat(u, "motion", tg), 10, 64)
		return map[string]any{"seat_id": s, "vote": "maybe"}
	}, vote("motion"))
	def("POST /api/v1/motions/{id}/close", motions, jsonBody(map[string]any{}), nil)
	destructive("POST /api/v1/motions/{id}/close", nil)
	def("POST /api/v1/meetings/{id}/elections", meetings, jsonBody(map[string]any{"title": "", "seats": 1}), nil)
	def("GET /api/v1/elections/{id}", elections, nil, view("election"))
	def("POST /api/v1/elections/{id}/ballots", elections, func(u *oUser, tg oTarget) any {
		s, _ := strconv.ParseInt(voterSeat(u, "election", tg), 10, 64)
		return map[string]any{"seat_id": s, "choices": []int64{-1}}
	}, vote("election"))
	def("GET /api/v1/elections/{id}/ballots", elections, nil, view("election"))
	def("POST /api/v1/elections/{id}/receipt", elections, func(u *oUser, tg oTarget) any {
		s, _ := strconv.ParseInt(voterSeat(u, "election", tg), 10, 64)
		return map[string]any{"seat_id": s}
	}, vote("election"))
	def("POST /api/v1/elections/{id}/close", elections, jsonBody(map[string]any{}), nil)
	destructive("POST /api/v1/elections/{id}/close", nil)

	// The catch-alls: nothing there, for anyone.
	def("/api/", func() []oTarget { return []oTarget{{label: "/api/nope", suffix: "nope", org: -1, valid: true}} }, nil, fixed(404, "no such API route"))
	def("/", func() []oTarget { return []oTarget{{label: "/nope", suffix: "nope", org: -1, valid: true}} }, nil, fixed(404, "no such page"))
	return table
}
