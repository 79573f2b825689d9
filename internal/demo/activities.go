package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/kexie/kexie/internal/activities"
	"github.com/kexie/kexie/internal/kexie"
)

// The seeds' activities (seeds 000, 002, 003), with their organisations in
// their roles. Where a seed gives the month only, the day is the demo's
// choice. The 21st annual meeting of CAST has its 35 sessions (15
// international) and 6,000 generated registrations, most of them checked
// in; the others have what the seeds tell: the 320th Young Scientists
// Forum's 25 Chinese and Russian young scholars and four reports, the
// fair's nearly 50 exhibitors, the 32nd competition's 113 teams.

type demoSession struct {
	activities.SessionInput
	contributions []activities.Contribution
}

type demoActivity struct {
	in         activities.Input
	sessions   []demoSession
	breaks     [][4]string // title zh, title en, starts, ends
	people     int         // generated registrations
	absent     int         // every absent-th of them does not come (0: all come)
	exhibitors []activities.Exhibitor
	teams      []activities.Team
	reach      []activities.Reach
	status     string // where it ends: held
}

func sponsor(org string) activities.RoleInput {
	return activities.RoleInput{Role: "sponsor", OrgCode: org}
}
func outside(role, name string) activities.RoleInput {
	return activities.RoleInput{Role: role, Name: name}
}

var demoSeries = []struct{ org, code, zh, en string }{
	{"CAST", "CAST-YSF", "中国科协青年科学家论坛", "CAST Young Scientists Forum"},
	{"CAST", "CAST-AM", "中国科协年会", "CAST Annual Meeting"},
	{"HLJ", "HLJ-YSTIC", "黑龙江省青少年科技创新大赛", "Heilongjiang Youth Science and Technology Innovation Competition"},
}

func demoActivities() []demoActivity {
	var out []demoActivity

	// Seed 000: the 320th Young Scientists Forum, September 2017, Harbin.
	var reports []activities.Contribution
	for _, t := range []string{"寒地食品资源活性成分研究", "寒地食品资源加工技术与成品开发", "生物催化技术在寒地食品资源加工中的应用", "中俄食品产业发展战略"} {
		reports = append(reports, activities.Contribution{Title: t, Paper: true})
	}
	out = append(out, demoActivity{
		in: activities.Input{Code: "CAST-YSF-320", Kind: "forum", Category: "academic", TitleZH: "中国科协第320次青年科学家论坛",
			TitleEN: "The 320th CAST Young Scientists Forum", ThemeZH: "2017中俄寒地食品产业发展研讨会",
			ThemeEN: "2017 China–Russia Seminar on the Cold-Region Food Industry", Starts: "2017-09-16", City: "哈尔滨", RegionCode: "230100",
			Public: true, Capacity: 30, Series: "CAST-YSF", Edition: 320, Roles: []activities.RoleInput{sponsor("CAST"), {Role: "organiser", OrgCode: "HLJ"}}},
		sessions: []demoSession{{SessionInput: activities.SessionInput{Kind: "plenary", TitleZH: "学术报告", TitleEN: "Academic reports", International: true,
			Room: "报告厅", Starts: "2017-09-16 09:00", Ends: "2017-09-16 12:00"}, contributions: reports}},
		people: 25, status: activities.StatusHeld,
	})

	// Seed 000: the Longjiang Forest Ecotourism Academic Forum, August 2016, Yichun.
	out = append(out, demoActivity{
		in: activities.Input{Code: "HLJ-FOREST-2016", Kind: "forum", Category: "academic", TitleZH: "龙江森林生态旅游学术论坛",
			TitleEN: "Longjiang Forest Ecotourism Academic Forum", Starts: "2016-08-20", City: "伊春", RegionCode: "230700", Public: true,
			Roles: []activities.RoleInput{sponsor("HLJ"), outside("co_sponsor", "伊春市人民政府")}},
		status: activities.StatusHeld,
	})

	// Seed 002: the 21st annual meeting of CAST, end of June 2019, Harbin.
	am := demoActivity{
		in: activities.Input{Code: "CAST-AM-21", Kind: "annual_meeting", Category: "academic", TitleZH: "中国科协第二十一届年会",
			TitleEN: "The 21st Annual Meeting of CAST", ThemeZH: "创新驱动 改革开放——科技助力东北全面振兴",
			ThemeEN: "Innovation-driven reform and opening-up: roles of science and technology in the revitalization of northeast China",
			Starts:  "2019-06-29", Ends: "2019-06-30", Venue: "哈尔滨国际会展中心", City: "哈尔滨", RegionCode: "230100", Public: true, Capacity: 6000,
			Series: "CAST-AM", Edition: 21, Roles: []activities.RoleInput{sponsor("CAST"), outside("co_sponsor", "黑龙江省人民政府"), {Role: "organiser", OrgCode: "HLJ"}}},
		breaks: [][4]string{{"午餐", "Lunch", "2019-06-29 12:00", "2019-06-29 13:30"}, {"午餐", "Lunch", "2019-06-30 12:00", "2019-06-30 13:30"}},
		people: 6000, absent: 21, status: activities.StatusHeld,
		reach: []activities.Reach{{People: 1_000_000, Method: "年会期间科普活动线上线下受众统计"}},
	}
	am.sessions = append(am.sessions, demoSession{SessionInput: activities.SessionInput{Kind: "plenary", TitleZH: "开幕式暨中国科技论坛",
		TitleEN: "Opening and the China Science and Technology Forum", Room: "主会场", Starts: "2019-06-29 09:00", Ends: "2019-06-29 10:30", International: true}})
	topics := [][2]string{{"数字经济院长论坛", "Directors' Forum on Digital Economy"}, {"科技创新企业家峰会", "Entrepreneurs' Summit on Science and Technology Innovation"},
		{"寒地农业", "Cold-region agriculture"}, {"装备制造", "Equipment manufacturing"}, {"生物医药", "Biomedicine"}, {"新材料", "New materials"},
		{"冰雪经济", "The ice and snow economy"}, {"人工智能", "Artificial intelligence"}, {"中俄科技合作", "China–Russia S&T cooperation"},
		{"东北亚能源", "Energy in Northeast Asia"}, {"人才引进", "Attracting talent"}, {"石墨产业", "The graphite industry"}, {"生态保护", "Ecological protection"},
		{"航空航天", "Aerospace"}, {"现代农业机械", "Modern farm machinery"}, {"绿色食品", "Green food"}, {"大数据", "Big data"}, {"科学普及", "Science popularisation"},
		{"青年科学家", "Young scientists"}, {"女科技工作者", "Women in science and technology"}, {"老工业基地振兴", "Revitalizing the old industrial base"},
		{"国际组织对话", "Dialogue of international organisations"}, {"一带一路科技合作", "Belt and Road S&T cooperation"}, {"寒区工程", "Cold-region engineering"},
		{"中医药", "Traditional Chinese medicine"}, {"智慧城市", "Smart cities"}, {"科技金融", "Science and technology finance"}, {"林业经济", "The forest economy"},
		{"海洋工程", "Ocean engineering"}, {"新能源汽车", "New-energy vehicles"}, {"科技智库", "Science and technology think tanks"}, {"先进制造", "Advanced manufacturing"},
		{"科技成果转化", "Transferring research results"}, {"院士论坛", "Academicians' forum"}}
	slots := [][2]string{{"2019-06-29 10:30", "2019-06-29 12:00"}, {"2019-06-29 13:30", "2019-06-29 15:30"}, {"2019-06-29 15:30", "2019-06-29 17:30"},
		{"2019-06-30 09:00", "2019-06-30 10:30"}, {"2019-06-30 10:30", "2019-06-30 12:00"}, {"2019-06-30 13:30", "2019-06-30 15:30"}, {"2019-06-30 15:30", "2019-06-30 17:30"}}
	rooms := []string{"A厅", "B厅", "C厅", "D厅", "E厅"}
	for i, tp := range topics {
		s := slots[i/len(rooms)]
		// With the opening, 15 of the 35 sessions are international.
		am.sessions = append(am.sessions, demoSession{SessionInput: activities.SessionInput{Kind: "parallel", TitleZH: tp[0], TitleEN: tp[1],
			Room: rooms[i%len(rooms)], Starts: s[0], Ends: s[1], International: i%2 == 1 && i < 28}})
	}
	out = append(out, am)

	// Seed 000: the 2018 Popular Science Fair, main event in Baiquan County.
	fair := demoActivity{
		in: activities.Input{Code: "HLJ-FAIR-2018", Kind: "science_fair", Category: "popularisation", TitleZH: "2018年黑龙江省科普集市主场活动",
			TitleEN: "2018 Heilongjiang Popular Science Fair: the main event", ThemeZH: "科技助力乡村振兴战略，科普惠农共建时代新风",
			ThemeEN: "Science and technology for rural revitalisation; science popularisation for farmers", Starts: "2018-09-15", City: "拜泉县",
			RegionCode: "230231", Public: true, Roles: []activities.RoleInput{sponsor("HLJ"), outside("sponsor", "黑龙江省科学技术厅")}},
		status: activities.StatusHeld,
	}
	themes := []string{"扶贫村特色农产品", "有机特色食品", "生态工程", "文化旅游", "绿色农资", "畜牧经济", "农机产品", "科普大篷车"}
	for i := range 48 {
		fair.exhibitors = append(fair.exhibitors, activities.Exhibitor{Booth: fmt.Sprintf("%02d", i+1), Name: fmt.Sprintf("展商%02d", i+1), Theme: themes[i%len(themes)]})
	}
	out = append(out, fair)

	// Seed 000: National Science Popularization Day and the Golden Autumn month, September 2017.
	dayRoles := []activities.RoleInput{sponsor("HLJ"), outside("co_sponsor", "黑龙江省教育厅"), outside("co_sponsor", "黑龙江省科学技术厅"),
		outside("organiser", "中共哈尔滨市香坊区委员会"), outside("organiser", "哈尔滨市香坊区人民政府")}
	out = append(out, demoActivity{
		in: activities.Input{Code: "HLJ-SCIDAY-2017", Kind: "science_day", Category: "popularisation", TitleZH: "2017黑龙江·哈尔滨全国科普日活动启动仪式",
			TitleEN: "2017 Heilongjiang · Harbin National Science Popularization Day: the launch", ThemeZH: "创新驱动发展，科学破除愚昧",
			ThemeEN: "Innovation drives development, science dispels ignorance", Starts: "2017-09-16", Venue: "香坊公园", City: "哈尔滨", RegionCode: "230110",
			Public: true, Roles: dayRoles},
		status: activities.StatusHeld,
	}, demoActivity{
		in: activities.Input{Code: "HLJ-SCIMONTH-2017", Kind: "science_month", Category: "popularisation", TitleZH: "2017龙江金秋科普月",
			TitleEN: "2017 Longjiang Golden Autumn Science Popularization Month", Starts: "2017-09-01", Ends: "2017-09-30", City: "哈尔滨", RegionCode: "230100",
			Public: true, Roles: dayRoles},
		status: activities.StatusHeld,
	})

	// Seed 000: the 32nd Youth S&T Innovation Competition, March 2018, 113 teams.
	comp := demoActivity{
		in: activities.Input{Code: "HLJ-YSTIC-32", Kind: "competition", Category: "popularisation", TitleZH: "第32届黑龙江省青少年科技创新大赛",
			TitleEN: "The 32nd Heilongjiang Youth Science and Technology Innovation Competition", Starts: "2018-03-24", Venue: "哈尔滨工程大学帆船中心",
			City: "哈尔滨", RegionCode: "230100", Public: true, Series: "HLJ-YSTIC", Edition: 32,
			Roles: []activities.RoleInput{sponsor("HLJ"), outside("sponsor", "黑龙江省教育厅"), outside("undertaker", "哈尔滨工程大学机电工程学院")}},
		status: activities.StatusHeld,
	}
	grades := []string{"一等奖", "二等奖", "三等奖", "优秀奖"}
	cats := []string{"小学组", "初中组", "高中组"}
	for i := range 113 {
		comp.teams = append(comp.teams, activities.Team{Name: fmt.Sprintf("参赛队%03d", i+1), Category: cats[i%len(cats)], School: fmt.Sprintf("黑龙江省第%d中学", i%40+1),
			Members: "学生甲、学生乙", Advisers: "指导教师", PrizeGrade: grades[min(i/10, len(grades)-1)]})
	}
	out = append(out, comp)

	// Seed 003: CHIA's Mars Rover Design Contest and two co-sponsored summits.
	out = append(out, demoActivity{
		in: activities.Input{Code: "CHIA-MARS-2020", Kind: "competition", Category: "popularisation", TitleZH: "“火星探索计划”系列科普活动：火星车设计大赛",
			TitleEN: "Mars Exploration Plan: the Mars Rover Design Contest", Starts: "2020-08-21", Venue: "冷湖火星营地", City: "青海海西", RegionCode: "632800",
			Public: true, Roles: []activities.RoleInput{sponsor("CHIA"), outside("sponsor", "中国科学技术馆"), outside("exclusive_co_sponsor", "一汽-大众奥迪")}},
		status: activities.StatusHeld,
	}, demoActivity{
		in: activities.Input{Code: "CHIA-NOBEL-5", Kind: "forum", Category: "international", TitleZH: "第五届诺贝尔奖获得者医学峰会",
			TitleEN: "The 5th Nobel Laureate Medical Summit", ThemeZH: "创新肿瘤治疗的前沿与方向", ThemeEN: "Frontiers and directions of innovative tumour treatment",
			Starts: "2018-09-08", City: "海口", RegionCode: "460100", Public: true,
			Roles: []activities.RoleInput{outside("sponsor", "中华中医药学会"), outside("sponsor", "中国化学制药工业协会"), sponsor("CHIA"),
				outside("sponsor", "海南省卫生和计划生育委员会"), outside("sponsor", "海南省商务厅"), outside("sponsor", "中国国际科技交流中心"),
				outside("sponsor", "诺贝尔奖获得者国际科技交流协会"), outside("sponsor", "北京华夏中医药交流中心"), outside("undertaker", "海南第一投资控股集团有限公司"),
				outside("supporter", "海南省委省政府"), outside("supporter", "中国癌症基金会")}},
		status: activities.StatusHeld,
	}, demoActivity{
		in: activities.Input{Code: "CHIA-HK-2020", Kind: "forum", Category: "academic", TitleZH: "2020内地与香港青年科学家对话：免疫评估与免疫治疗高峰论坛暨宁波老年免疫健康峰会",
			TitleEN: "2020 Dialogue between Mainland and Hong Kong Young Scientists: Summit on Immune Assessment and Immunotherapy",
			ThemeZH: "守护免疫 守护健康", ThemeEN: "Protecting immunity and health", Starts: "2020-11-28", City: "宁波", RegionCode: "330200", Public: true,
			Roles: []activities.RoleInput{{Role: "guiding_unit", OrgCode: "CAST"}, sponsor("CHIA"), outside("sponsor", "香港科学家协会"),
				outside("sponsor", "宁波市科学技术协会"), outside("sponsor", "宁波大学"), outside("organiser", "中国高科技产业化研究会国际交流合作中心"),
				outside("organiser", "宁波大学医学院附属医院")}},
		status: activities.StatusHeld,
	})
	return out
}

// demoName is the i-th generated participant's name: a surname and a
// given name, as Chinese names are, never split.
func demoName(i int) string {
	surnames := []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕")
	given := []string{"伟", "芳", "娜", "敏", "静", "磊", "强", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "华", "平", "刚",
		"晓明", "海燕", "建国", "志强", "丽", "鹏", "宇", "欣怡", "子涵", "浩然"}
	return string(surnames[i%len(surnames)]) + given[(i/len(surnames))%len(given)]
}

// demoEmployers are the participants' employers, and their countries
// (experts came from about 30 countries).
var demoEmployers = [][2]string{{"哈尔滨工业大学", "CN"}, {"哈尔滨工程大学", "CN"}, {"东北林业大学", "CN"}, {"东北农业大学", "CN"},
	{"中国科学院", "CN"}, {"黑龙江大学", "CN"}, {"Tomsk Polytechnic University", "RU"}, {"Far Eastern Federal University", "RU"},
	{"Seoul National University", "KR"}, {"University of Tokyo", "JP"}, {"Technische Universität München", "DE"}, {"University of Oxford", "GB"}}

// loadActivities enters the seeds' activities where they are missing: an
// activity entered before is left as it is.
func loadActivities(ctx context.Context, db *domains, actor kexie.Actor) error {
	for _, s := range demoSeries {
		if _, err := db.act.SeriesByCode(ctx, s.code); err == nil {
			continue
		}
		if _, err := db.act.CreateSeries(ctx, actor, s.org, activities.Series{Code: s.code, NameZH: s.zh, NameEN: s.en}); err != nil {
			return fmt.Errorf("demo series %s: %w", s.code, err)
		}
	}
	for _, d := range demoActivities() {
		if _, err := db.act.ByCode(ctx, d.in.Code); err == nil {
			continue
		}
		if err := d.load(ctx, db, actor); err != nil {
			return fmt.Errorf("demo activity %s: %w", d.in.Code, err)
		}
	}
	return nil
}

func (d demoActivity) load(ctx context.Context, db *domains, actor kexie.Actor) error {
	code := d.in.Code
	if _, err := db.act.Create(ctx, actor, d.in); err != nil {
		return err
	}
	for _, b := range d.breaks {
		if _, err := db.act.AddBreak(ctx, actor, code, b[0], b[1], b[2], b[3]); err != nil {
			return err
		}
	}
	for _, s := range d.sessions {
		id, err := db.act.AddSession(ctx, actor, code, s.SessionInput)
		if err != nil {
			return err
		}
		for _, c := range s.contributions {
			if _, err := db.act.AddContribution(ctx, actor, code, id, c); err != nil {
				return err
			}
		}
	}
	for _, x := range d.exhibitors {
		if _, err := db.act.AddExhibitor(ctx, actor, code, x); err != nil {
			return err
		}
	}
	for _, tm := range d.teams {
		if _, err := db.act.AddTeam(ctx, actor, code, tm); err != nil {
			return err
		}
	}
	for _, r := range d.reach {
		if _, err := db.act.AddReach(ctx, actor, code, r); err != nil {
			return err
		}
	}
	if err := db.act.SetStatus(ctx, actor, code, activities.StatusPublished); err != nil {
		return err
	}
	if d.people > 0 {
		ins := make([]activities.RegisterInput, d.people)
		for i := range ins {
			e := demoEmployers[i%len(demoEmployers)]
			ins[i] = activities.RegisterInput{Name: demoName(i), Employer: e[0], Country: e[1]}
			if e[1] != "CN" {
				ins[i].Lang = "en"
			}
		}
		regs, rejected, err := db.act.RegisterList(ctx, actor, code, 1, ins, false)
		if err != nil {
			return err
		}
		if len(rejected) > 0 {
			return fmt.Errorf("registration %d refused: %s", rejected[0].Line, rejected[0].Reason)
		}
		first, _ := kexie.ParseDay(d.in.Starts)
		var scans []activities.Scan
		for i, r := range regs {
			if d.absent > 0 && i%d.absent == d.absent-1 {
				continue
			}
			// Scanned at the desk from 07:30 on the first morning, offline
			// phones uploading later.
			at := first.Start().Add(7*time.Hour + 30*time.Minute + time.Duration(i%5400)*time.Second)
			scans = append(scans, activities.Scan{Code: r.Token, At: at.Format(time.RFC3339), Offline: true})
		}
		if _, rejected, err := db.act.CheckInList(ctx, actor, code, 1, scans); err != nil {
			return err
		} else if len(rejected) > 0 {
			return fmt.Errorf("check-in %d refused: %s", rejected[0].Line, rejected[0].Reason)
		}
	}
	if d.status == activities.StatusHeld {
		return db.act.SetStatus(ctx, actor, code, activities.StatusHeld)
	}
	return nil
}
