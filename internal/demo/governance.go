package demo

import (
	"context"
	"fmt"

	"github.com/kexie/kexie/internal/charter"
	"github.com/kexie/kexie/internal/governance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
)

// The demo's governing bodies: CHIA's council and standing council with the
// leaders seed 003 names, and Heilongjiang's congress and committee with the
// successive chairs seed 000 names.
//
// The seeds give most dates as a month or a year; governance needs a day, so
// the first of the month (or of the year) stands in for a day the seed does
// not give. Chinese names are renderings of the seeds' English, which is the
// name_en kept for each person. People the seeds do not name (most of
// CHIA's directors) are invented, and so are the meetings after the first
// and their attendance; they are marked so below.

// govOrg is what the demo holds of one organisation's governance.
type govOrg struct {
	code     string
	template string // the charter template
	// people are numbered CODE-G001… in this order: add to the end only,
	// or a database loaded before would hold someone else under a number.
	people []govPerson
	bodies []govBody
}

// govPerson is a seat holder, a member of the organisation (membership knows
// people through their memberships). Names are unique within an
// organisation: seats, meetings and findings refer to people by name.
type govPerson struct {
	name, nameEN string
	gender       string // only where the seed says
	frontLine    bool
}

type govBody struct {
	kind           charter.BodyKind
	nameZH, nameEN string
	terms          []govTerm // in order: a term starts by ending the one before
}

type govTerm struct {
	n        int
	started  string
	seats    []govSeat
	meetings []govMeeting
}

type govSeat struct{ who, post string }

// govMeeting is a meeting at which every seat holder is present except
// those listed.
type govMeeting struct {
	held, place, mode, agenda string
	excused, unexcused        []string
	proxies                   map[string]string // absent holder → the present holder they entrusted
	motions                   []govMotion
}

// govMotion is a motion counted by the clerk: every voter not voting no or
// abstaining voted yes.
type govMotion struct {
	title       string
	decision    charter.Decision
	no, abstain int
}

// govOrgs lists the demo organisations' bodies, CHIA first.
func govOrgs() []govOrg {
	return []govOrg{chiaGovernance(), heilongjiangGovernance()}
}

// chiaGovernance: seed 003, "Leaders of the 5th Council of China Hi tech
// Industrialization Research Association (2022-2027)": president Bao
// Weimin; executive vice president Liang Xiaohong; vice presidents Zhao Hui
// (resident), Feng Jichun, Kang Jincheng, Li Feng, Li Xuemei (female), Wang
// Tao, Wang Qiuliang, Zhou Zhiquan, Chen Yu; secretary general Liu Xia
// (female). Successive councils: the first (1993-1999) Wang Daheng, the
// second (1999-2009) Liu Jiyuan, the third (2009-2017) Xu Dazhen, the 4th
// (2017-2022) Bao Weimin. Dated events: the third member representative
// conference on 2009-03-31; the fourth, with the first meeting of the
// fourth council, on 2017-05-27; the fifth council elected at the general
// meeting in Beijing on 2022-07-27; Liang Xiaohong executive vice president
// in 2018.
//
// The council has 45 seats (12 leaders, 3 further standing directors, 30
// directors) and the standing council 15: exactly the charter's 1/3, the
// boundary allowed. The seed names no director or standing director beyond
// the leaders: the other 33 are invented. Front-line workers: the executive
// and the resident vice presidents and the secretary general work for the
// association itself, and the three invented standing directors come from
// the supervising units, so the standing council has 9 front-line members
// of 15 where the charter asks for 10 — the demo's first finding. The
// council has 35 of 45 (34 needed). Its second finding: the invented
// director 彭俊杰 missed the last three council meetings without excuse.
func chiaGovernance() govOrg {
	leaders := []govPerson{
		{name: "包为民", nameEN: "Bao Weimin", frontLine: true},
		{name: "梁晓红", nameEN: "Liang Xiaohong"}, // as CHIA's legal representative in demo.go
		{name: "赵辉", nameEN: "Zhao Hui"},
		{name: "冯纪春", nameEN: "Feng Jichun", frontLine: true},
		{name: "康金城", nameEN: "Kang Jincheng", frontLine: true},
		{name: "李峰", nameEN: "Li Feng", frontLine: true},
		{name: "李雪梅", nameEN: "Li Xuemei", gender: "female", frontLine: true},
		{name: "王涛", nameEN: "Wang Tao", frontLine: true},
		{name: "王秋良", nameEN: "Wang Qiuliang", frontLine: true},
		{name: "周志权", nameEN: "Zhou Zhiquan", frontLine: true},
		{name: "陈宇", nameEN: "Chen Yu", frontLine: true},
		{name: "刘霞", nameEN: "Liu Xia", gender: "female"},
	}
	former := []govPerson{
		{name: "王大珩", nameEN: "Wang Daheng", frontLine: true},
		{name: "刘纪原", nameEN: "Liu Jiyuan"},
		{name: "许达哲", nameEN: "Xu Dazhen"},
	}
	// Invented: three standing directors, then thirty directors.
	standing := []govPerson{{name: "孙立新", nameEN: "Sun Lixin"}, {name: "高建华", nameEN: "Gao Jianhua"}, {name: "何志远", nameEN: "He Zhiyuan"}}
	directors := []govPerson{
		{name: "马文博", nameEN: "Ma Wenbo"}, {name: "罗晓东", nameEN: "Luo Xiaodong", frontLine: true},
		{name: "郑国平", nameEN: "Zheng Guoping"}, {name: "谢丽娟", nameEN: "Xie Lijuan", frontLine: true},
		{name: "宋振宇", nameEN: "Song Zhenyu", frontLine: true}, {name: "唐海燕", nameEN: "Tang Haiyan", frontLine: true},
		{name: "韩立军", nameEN: "Han Lijun", frontLine: true}, {name: "邓永刚", nameEN: "Deng Yonggang", frontLine: true},
		{name: "曹明辉", nameEN: "Cao Minghui", frontLine: true}, {name: "彭俊杰", nameEN: "Peng Junjie", frontLine: true},
		{name: "肖红梅", nameEN: "Xiao Hongmei", frontLine: true}, {name: "田志强", nameEN: "Tian Zhiqiang", frontLine: true},
		{name: "董文涛", nameEN: "Dong Wentao"}, {name: "袁静", nameEN: "Yuan Jing", frontLine: true},
		{name: "潘晓峰", nameEN: "Pan Xiaofeng", frontLine: true}, {name: "蒋建平", nameEN: "Jiang Jianping", frontLine: true},
		{name: "蔡立伟", nameEN: "Cai Liwei", frontLine: true}, {name: "余海涛", nameEN: "Yu Haitao", frontLine: true},
		{name: "杜宏亮", nameEN: "Du Hongliang", frontLine: true}, {name: "叶青", nameEN: "Ye Qing", frontLine: true},
		{name: "程志刚", nameEN: "Cheng Zhigang", frontLine: true}, {name: "苏文静", nameEN: "Su Wenjing", frontLine: true},
		{name: "魏建新", nameEN: "Wei Jianxin", frontLine: true}, {name: "卢永生", nameEN: "Lu Yongsheng", frontLine: true},
		{name: "丁国庆", nameEN: "Ding Guoqing"}, {name: "任小平", nameEN: "Ren Xiaoping", frontLine: true},
		{name: "沈佳怡", nameEN: "Shen Jiayi", frontLine: true}, {name: "姚振华", nameEN: "Yao Zhenhua", frontLine: true},
		{name: "钟明远", nameEN: "Zhong Mingyuan", frontLine: true}, {name: "谭晓玲", nameEN: "Tan Xiaoling", frontLine: true},
	}
	var people []govPerson
	for _, g := range [][]govPerson{leaders, former, standing, directors} {
		people = append(people, g...)
	}

	var council, standingCouncil []govSeat
	for i, p := range leaders {
		post := "vice_chair"
		switch i {
		case 0:
			post = "chair"
		case len(leaders) - 1:
			post = "secretary_general"
		}
		council = append(council, govSeat{p.name, post})
		standingCouncil = append(standingCouncil, govSeat{p.name, post})
	}
	for _, p := range standing {
		council = append(council, govSeat{p.name, "standing_director"})
		standingCouncil = append(standingCouncil, govSeat{p.name, "standing_director"})
	}
	for _, p := range directors {
		council = append(council, govSeat{p.name, "director"})
	}

	// The first council meeting is the seed's (2022-07-27, elected at the
	// general meeting in Beijing); the yearly ones after it are invented,
	// as are the standing council's meetings. Only the standing council's
	// latest two are recorded.
	report := func(year int) govMotion {
		return govMotion{title: fmt.Sprintf("审议通过%d年度工作报告和财务报告", year), decision: charter.Ordinary}
	}
	councilMeetings := []govMeeting{
		{held: "2022-07-27", place: "北京", agenda: "第五届理事会第一次会议：选举理事长、副理事长、常务理事，聘任秘书长",
			excused: []string{"余海涛", "蒋建平"},
			motions: []govMotion{{title: "聘任刘霞为秘书长", decision: charter.Ordinary, abstain: 1}}},
		{held: "2023-06-29", place: "北京", agenda: "第五届理事会第二次会议：审议2022年度工作报告和财务报告",
			excused: []string{"康金城", "卢永生"}, proxies: map[string]string{"叶青": "程志刚"},
			motions: []govMotion{func() govMotion { m := report(2022); m.no, m.abstain = 1, 2; return m }()}},
		{held: "2024-06-27", mode: "communication", agenda: "第五届理事会第三次会议（通讯）：审议2023年度工作报告和财务报告",
			excused: []string{"王秋良"}, unexcused: []string{"彭俊杰"},
			motions: []govMotion{func() govMotion { m := report(2023); m.abstain = 1; return m }()}},
		{held: "2025-06-26", place: "北京", agenda: "第五届理事会第四次会议：审议2024年度工作报告和财务报告",
			excused: []string{"田志强", "沈佳怡"}, unexcused: []string{"彭俊杰"},
			motions: []govMotion{report(2024)}},
		{held: "2026-06-25", place: "北京", agenda: "第五届理事会第五次会议：审议2025年度工作报告和财务报告，审议新会员入会申请",
			excused: []string{"陈宇"}, unexcused: []string{"彭俊杰"}, proxies: map[string]string{"苏文静": "魏建新"},
			motions: []govMotion{report(2025), {title: "审议通过2026年上半年新会员入会申请", decision: charter.Admission, abstain: 2}}},
	}
	standingMeetings := []govMeeting{
		{held: "2026-03-26", mode: "communication", agenda: "常务理事会会议（通讯）：审议2026年度工作要点",
			excused: []string{"何志远"},
			motions: []govMotion{{title: "审议通过2026年度工作要点", decision: charter.Ordinary}}},
		{held: "2026-09-24", place: "北京", agenda: "常务理事会会议：审议新会员入会申请，研究第六次会员代表大会筹备工作",
			excused: []string{"冯纪春"},
			motions: []govMotion{{title: "审议通过2026年第三季度新会员入会申请", decision: charter.Admission}}},
	}

	return govOrg{code: "CHIA", template: "national_society", people: people, bodies: []govBody{
		{kind: charter.Congress, nameZH: "会员代表大会", nameEN: "General Assembly of Member Representatives", terms: []govTerm{
			{n: 1, started: "1993-04-01"}, // founded April 1993
			{n: 2, started: "1999-01-01"}, // the second council's year
			{n: 3, started: "2009-03-31"},
			{n: 4, started: "2017-05-27"},
			{n: 5, started: "2022-07-27"},
		}},
		{kind: charter.Council, nameZH: "理事会", nameEN: "Council", terms: []govTerm{
			{n: 1, started: "1993-04-01", seats: []govSeat{{"王大珩", "chair"}}},
			{n: 2, started: "1999-01-01", seats: []govSeat{{"刘纪原", "chair"}}},
			{n: 3, started: "2009-03-31", seats: []govSeat{{"许达哲", "chair"}}},
			{n: 4, started: "2017-05-27", seats: []govSeat{{"包为民", "chair"}, {"梁晓红", "vice_chair"}}},
			{n: 5, started: "2022-07-27", seats: council, meetings: councilMeetings},
		}},
		{kind: charter.StandingCouncil, nameZH: "常务理事会", nameEN: "Standing Council", terms: []govTerm{
			{n: 5, started: "2022-07-27", seats: standingCouncil, meetings: standingMeetings},
		}},
	}}
}

// heilongjiangGovernance: seed 000. Congresses ("representative
// meetings"): the first in December 1958, the second August 1980, the third
// June 1985, the fourth May 1991, the fifth September 1996, the sixth July
// 2003, the seventh November 2011, the eighth July 2017 (work stopped from
// August 1966 to June 1977, recorded as history events in demo.go).
// "Successive leaders": the second session (August 1980 - June 1985) Wang
// Jinling, the third (June 1985 - May 1991) Yu Youtai, the fourth (May 1991
// - September 1996) Huang Wenhu, the fifth (September 1996 - July 2003) Zhu
// Dianming, the seventh (November 2011 - July 2017) Ma Shujie; the table
// names nobody for the first and the sixth. "Leaders of the 9th Committee":
// Ponta; Zhang Xiaoyan, secretary of the party leadership group and vice
// chairman; Zang Xiaomin, member of the party leadership group; Liu
// Honghui and Yan Zhijin, members of the party leadership group and vice
// chairmen; vice presidents Tian Gangyin, Zhu Mingqing, Yang Baofeng, Yang
// Desen, Zhang Yu, Zhang Xiaoyan (female), Chen Hualan (female), Lin Feng
// (Manchu), Xu Jun, Yao Lijun, Zhou Yu, Guo Hongwei, Han Jiecai.
//
// Assumed: the ninth congress in July 2022 (the seed names the ninth
// committee but not its date; five years after the eighth); Ponta, listed
// first, the chair (the seed gives no post for him), rendered 庞达 / Pang
// Da; Zang Xiaomin, who holds no committee office in the list, a standing
// member. The two Zhang Xiaoyans are two people (one a party secretary, one
// a part-time vice chair): 张晓艳 and 张晓燕. Congress representatives are
// not recorded, and no meeting of the ninth committee is: the committee
// meets yearly, so the demo shows it overdue — its finding.
func heilongjiangGovernance() govOrg {
	people := []govPerson{
		{name: "王金陵", nameEN: "Wang Jinling"}, {name: "于有泰", nameEN: "Yu Youtai"}, {name: "黄文虎", nameEN: "Huang Wenhu"},
		{name: "朱殿明", nameEN: "Zhu Dianming"}, {name: "马淑洁", nameEN: "Ma Shujie"},
		{name: "庞达", nameEN: "Pang Da"}, {name: "张晓艳", nameEN: "Zhang Xiaoyan"}, {name: "臧晓敏", nameEN: "Zang Xiaomin"},
		{name: "刘洪辉", nameEN: "Liu Honghui"}, {name: "闫志金", nameEN: "Yan Zhijin"},
	}
	ninth := []govSeat{{"庞达", "chair"}, {"张晓艳", "vice_chair"}, {"刘洪辉", "vice_chair"}, {"闫志金", "vice_chair"}}
	for _, p := range []govPerson{
		{name: "田刚印", nameEN: "Tian Gangyin"}, {name: "朱明清", nameEN: "Zhu Mingqing"}, {name: "杨宝峰", nameEN: "Yang Baofeng"},
		{name: "杨德森", nameEN: "Yang Desen"}, {name: "张宇", nameEN: "Zhang Yu"}, {name: "张晓燕", nameEN: "Zhang Xiaoyan", gender: "female"},
		{name: "陈化兰", nameEN: "Chen Hualan", gender: "female"}, {name: "林峰", nameEN: "Lin Feng"}, {name: "徐军", nameEN: "Xu Jun"},
		{name: "姚立军", nameEN: "Yao Lijun"}, {name: "周宇", nameEN: "Zhou Yu"}, {name: "郭宏伟", nameEN: "Guo Hongwei"},
		{name: "韩杰才", nameEN: "Han Jiecai"},
	} {
		people = append(people, p)
		ninth = append(ninth, govSeat{p.name, "vice_chair"})
	}
	ninth = append(ninth, govSeat{"臧晓敏", "standing_director"})

	sessions := []struct {
		n       int
		started string
		chair   string
	}{
		{1, "1958-12-01", ""}, {2, "1980-08-01", "王金陵"}, {3, "1985-06-01", "于有泰"}, {4, "1991-05-01", "黄文虎"},
		{5, "1996-09-01", "朱殿明"}, {6, "2003-07-01", ""}, {7, "2011-11-01", "马淑洁"}, {8, "2017-07-01", ""},
	}
	var congress, committee []govTerm
	for _, s := range sessions {
		congress = append(congress, govTerm{n: s.n, started: s.started})
		t := govTerm{n: s.n, started: s.started}
		if s.chair != "" {
			t.seats = []govSeat{{s.chair, "chair"}}
		}
		committee = append(committee, t)
	}
	congress = append(congress, govTerm{n: 9, started: "2022-07-01"})
	committee = append(committee, govTerm{n: 9, started: "2022-07-01", seats: ninth})

	return govOrg{code: "HLJ", template: "local_association", people: people, bodies: []govBody{
		{kind: charter.Congress, nameZH: "代表大会", nameEN: "Congress", terms: congress},
		{kind: charter.Council, nameZH: "委员会", nameEN: "Committee", terms: committee},
	}}
}

// loadGovernance writes the demo's bodies, terms, seats and meetings, each
// only where it is missing, so that a second load writes nothing.
func loadGovernance(ctx context.Context, db *domains, actor kexie.Actor) error {
	for _, g := range govOrgs() {
		if err := g.load(ctx, db, actor); err != nil {
			return fmt.Errorf("demo governance of %s: %w", g.code, err)
		}
	}
	return nil
}

// holder is a demo person as stored.
type holder struct {
	personID  int64
	frontLine bool
}

func (g govOrg) load(ctx context.Context, db *domains, actor kexie.Actor) error {
	org, err := db.reg.OrgByCode(ctx, g.code)
	if err != nil {
		return err
	}
	people, err := g.ensurePeople(ctx, db, actor, org.ID)
	if err != nil {
		return err
	}
	bodies, err := db.gov.Bodies(ctx, org.ID)
	if err != nil {
		return err
	}
	// An organisation that has bodies already has had its charter chosen,
	// by the demo or by someone since: leave that choice alone.
	if len(bodies) == 0 {
		if err := db.gov.SetCharter(ctx, actor, org.ID, g.template); err != nil {
			return err
		}
	}
	have := map[charter.BodyKind]governance.Body{}
	for _, b := range bodies {
		have[b.Kind] = b
	}
	c, err := db.gov.CharterOf(ctx, org.ID)
	if err != nil {
		return err
	}
	for _, spec := range g.bodies {
		b, ok := have[spec.kind]
		if !ok {
			if b, err = db.gov.CreateBody(ctx, actor, org.ID, spec.kind, spec.nameZH, spec.nameEN); err != nil {
				return err
			}
		}
		if err := spec.ensureTerms(ctx, db, actor, b.ID, people, c.Bodies[spec.kind].ProxiesCount); err != nil {
			return fmt.Errorf("%s: %w", spec.kind, err)
		}
	}
	return nil
}

// memberNo numbers the demo's seat holders apart from the numbers the
// membership gives new members (CODE-000001…), so the demo never takes over a
// member someone has added.
func memberNo(code string, i int) string { return fmt.Sprintf("%s-G%03d", code, i+1) }

// ensurePeople makes each person an individual member of the organisation
// (the joining date unknown, so left blank) and returns them by name.
func (g govOrg) ensurePeople(ctx context.Context, db *domains, actor kexie.Actor, orgID int64) (map[string]holder, error) {
	out := map[string]holder{}
	var missing []kexie.MemberRecord
	find := func() error {
		missing = missing[:0]
		for i, p := range g.people {
			no := memberNo(g.code, i)
			m, err := db.mem.MemberByNo(ctx, orgID, no)
			switch {
			case kexie.ErrorCode(err) == kexie.CodeNotFound:
				missing = append(missing, kexie.MemberRecord{Line: i + 1, MemberNo: no, OrgCode: g.code, Type: "individual", Name: p.name,
					NameEN: p.nameEN, Gender: p.gender, FrontLine: p.frontLine, Status: "active"})
			case err != nil:
				return err
			case m.Record.Name != p.name:
				return fmt.Errorf("member %s is %s, where the demo expects %s", no, m.Record.Name, p.name)
			default:
				out[p.name] = holder{personID: m.PersonID, frontLine: p.frontLine}
			}
		}
		return nil
	}
	if err := find(); err != nil || len(missing) == 0 {
		return out, err
	}
	res, err := db.mem.ImportMembers(ctx, actor, membership.MemberRecords(missing, nil), membership.MemberImportOptions{Source: "demo"})
	if err != nil {
		return nil, err
	}
	if len(res.Rejected) > 0 {
		return nil, fmt.Errorf("demo member %s rejected: %s", res.Rejected[0].Code, res.Rejected[0].Reason)
	}
	if err := find(); err != nil {
		return nil, err
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("demo member %s not stored", missing[0].MemberNo)
	}
	return out, nil
}

// ensureTerms starts the missing terms in order. A term missing below one
// that exists is an error: starting it would end the later one.
func (spec govBody) ensureTerms(ctx context.Context, db *domains, actor kexie.Actor, bodyID int64, people map[string]holder, proxiesCount bool) error {
	terms, err := db.gov.Terms(ctx, bodyID)
	if err != nil {
		return err
	}
	byNumber, last := map[int]governance.Term{}, 0
	for _, t := range terms {
		byNumber[t.Number] = t
		last = max(last, t.Number)
	}
	for _, ts := range spec.terms {
		t, ok := byNumber[ts.n]
		if !ok {
			if ts.n < last {
				return fmt.Errorf("term %d is missing below term %d", ts.n, last)
			}
			if t, err = db.gov.BeginTerm(ctx, actor, bodyID, governance.NewTerm{Number: ts.n, Started: ts.started, Resolution: fmt.Sprintf("第%d届换届选举决议", ts.n)}); err != nil {
				return err
			}
			last = ts.n
		}
		if err := ts.ensureSeats(ctx, db, actor, t, people); err != nil {
			return fmt.Errorf("term %d: %w", ts.n, err)
		}
		for _, m := range ts.meetings {
			if err := m.ensure(ctx, db, actor, t.ID, proxiesCount); err != nil {
				return fmt.Errorf("term %d, meeting of %s: %w", ts.n, m.held, err)
			}
		}
	}
	return nil
}

// ensureSeats seats the term's missing holders from its start. Were the
// term over already (a load interrupted after the next term started), the
// seat ends with it.
func (ts govTerm) ensureSeats(ctx context.Context, db *domains, actor kexie.Actor, t governance.Term, people map[string]holder) error {
	seats, err := db.gov.Seats(ctx, t.ID, "")
	if err != nil {
		return err
	}
	held := map[int64]bool{}
	for _, s := range seats {
		held[s.PersonID] = true
	}
	for _, s := range ts.seats {
		p, ok := people[s.who]
		if !ok {
			return fmt.Errorf("no demo person %s", s.who)
		}
		if held[p.personID] {
			continue
		}
		id, err := db.gov.AddSeat(ctx, actor, t.ID, governance.NewSeat{PersonID: p.personID, Post: s.post, FrontLine: p.frontLine, Seated: t.Started})
		if err != nil {
			return err
		}
		if t.Ended != "" {
			if err := db.gov.EndSeat(ctx, actor, id, t.Ended, "term_end"); err != nil {
				return err
			}
		}
	}
	return nil
}

// ensure records the meeting, its attendance and its motions, each where
// missing. Attendance is fixed once a vote opens, so it is taken only while
// the meeting has no motion.
func (m govMeeting) ensure(ctx context.Context, db *domains, actor kexie.Actor, termID int64, proxiesCount bool) error {
	held, err := db.gov.Meetings(ctx, termID)
	if err != nil {
		return err
	}
	var id int64
	for _, h := range held {
		if h.Held == m.held {
			id = h.ID
		}
	}
	if id == 0 {
		if id, err = db.gov.CreateMeeting(ctx, actor, termID, governance.NewMeeting{Held: m.held, Place: m.place, Mode: m.mode, Agenda: m.agenda}); err != nil {
			return err
		}
	}
	motions, err := db.gov.Motions(ctx, id)
	if err != nil {
		return err
	}
	if len(motions) == 0 {
		if err := m.takeAttendance(ctx, db, actor, id); err != nil {
			return err
		}
	}
	put := map[string]governance.Motion{}
	for _, mo := range motions {
		put[mo.Title] = mo
	}
	for _, spec := range m.motions {
		mo, ok := put[spec.title]
		if ok && mo.State != "open" {
			continue
		}
		if !ok {
			if mo.ID, err = db.gov.OpenMotion(ctx, actor, id, spec.title, spec.decision, "clerk"); err != nil {
				return err
			}
		}
		q, err := db.gov.MeetingQuorum(ctx, id)
		if err != nil {
			return err
		}
		voters := q.Present
		if proxiesCount {
			voters += q.Represented
		}
		tally := charter.Tally{Yes: voters - spec.no - spec.abstain, No: spec.no, Abstain: spec.abstain}
		if _, err := db.gov.CloseMotion(ctx, actor, mo.ID, &tally); err != nil {
			return err
		}
	}
	return nil
}

// takeAttendance marks every seat at the meeting present but the listed
// absences and proxies.
func (m govMeeting) takeAttendance(ctx context.Context, db *domains, actor kexie.Actor, meetingID int64) error {
	rows, err := db.gov.Attendance(ctx, meetingID)
	if err != nil {
		return err
	}
	seatOf := map[string]int64{}
	for _, r := range rows {
		seatOf[r.Seat.Name] = r.Seat.ID
	}
	status := map[string]charter.Attendance{}
	for _, who := range m.excused {
		status[who] = charter.AbsentExcused
	}
	for _, who := range m.unexcused {
		status[who] = charter.AbsentUnexcused
	}
	for who, proxy := range m.proxies {
		if _, ok := seatOf[proxy]; !ok {
			return fmt.Errorf("%s holds no seat at this meeting", proxy)
		}
		status[who] = charter.RepresentedProxy
	}
	for who := range status {
		if _, ok := seatOf[who]; !ok {
			return fmt.Errorf("%s holds no seat at this meeting", who)
		}
	}
	list := make([]governance.Presence, 0, len(rows))
	for _, r := range rows {
		p := governance.Presence{SeatID: r.Seat.ID, Status: charter.Present}
		if st, ok := status[r.Seat.Name]; ok {
			p.Status = st
		}
		if p.Status == charter.RepresentedProxy {
			p.ProxySeat = seatOf[m.proxies[r.Seat.Name]]
		}
		list = append(list, p)
	}
	return db.gov.SetAttendance(ctx, actor, meetingID, list)
}
