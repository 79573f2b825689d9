package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/kexie/kexie/internal/awardrule"
	"github.com/kexie/kexie/internal/awards"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/seal"
	"github.com/kexie/kexie/internal/sqldb"
)

// demoProgramme is an award programme of the demo with the history it is
// given: a past round announced (its winners are then not eligible again)
// and a current round in expert review.
type demoProgramme struct {
	p            awards.Programme
	admin        string   // the administering organisation's code
	units        []string // recommending units' codes
	past, now    int      // the two rounds' years
	pastNominees []demoNominee
	nowNominees  []demoNominee
	winners      int // how many of the past round's nominees win (the first ones)
	experts      [][2]string
}

type demoNominee struct{ name, id, birth, employer, field, summary string }

func nominee(i int, name, employer, field, summary string, born int) demoNominee {
	birth := fmt.Sprintf("%d-%02d-%02d", born, i%12+1, i%27+1)
	id := fmt.Sprintf("230102%d%02d%02d%03d%d", born, i%12+1, i%27+1, 100+i, i%10)
	return demoNominee{name: name, id: id, birth: birth, employer: employer, field: field, summary: summary}
}

func awardProgrammes() []demoProgramme {
	only := func(zh, en string) []awardrule.Grade {
		return []awardrule.Grade{{Code: "award", NameZH: zh, NameEN: en}}
	}
	form := []awardrule.Criterion{{Code: "innovation", NameZH: "创新性", NameEN: "Innovation", Weight: 4, Max: 10},
		{Code: "impact", NameZH: "经济社会效益", NameEN: "Economic and social impact", Weight: 3, Max: 10},
		{Code: "contribution", NameZH: "本人贡献", NameEN: "Personal contribution", Weight: 3, Max: 10}}
	hljUnits := []string{"HLJ-UNI-01", "HLJ-UNI-02", "HLJ-UNI-03", "HLJ-UNI-04"}
	hljExperts := [][2]string{{"孙立新", "哈尔滨工业大学"}, {"周文华", "哈尔滨工程大学"}, {"吴国庆", "东北林业大学"}, {"郑海燕", "东北农业大学"},
		{"王振宇", "黑龙江大学"}, {"冯晓梅", "哈尔滨医科大学"}, {"陈建军", "中国科学院东北地理与农业生态研究所"}, {"褚丽娟", "黑龙江省农业科学院"}}
	return []demoProgramme{
		{p: awards.Programme{Code: "HLJ-YOUTH", NameZH: "黑龙江青年科技奖", NameEN: "Heilongjiang Youth Science and Technology Award",
			Bodies: []awards.Body{{Name: "中共黑龙江省委组织部"}, {Name: "黑龙江省人事厅"}, {Name: "黑龙江省科学技术协会"}}, CycleYears: 2, TotalCap: 30,
			Grades: only("黑龙江青年科技奖", "Youth Science and Technology Award"), Eligibility: awardrule.Eligibility{MaxAge: 39, AgeOn: "12-31"},
			Form: form, Uniqueness: "lifetime", COIYears: 3},
			admin: "HLJ", units: hljUnits, past: 2024, now: 2026, winners: 3, experts: hljExperts,
			pastNominees: []demoNominee{
				nominee(1, "刘子墨", "哈尔滨工业大学", "engineering", "寒区重大工程结构抗冻关键技术", 1988),
				nominee(2, "高雪婷", "哈尔滨工程大学", "engineering", "船舶水动力噪声控制", 1990),
				nominee(3, "马天宇", "东北林业大学", "agriculture", "寒温带森林碳汇计量", 1987),
				nominee(4, "赵明轩", "东北农业大学", "agriculture", "寒地水稻节水栽培", 1989)},
			nowNominees: []demoNominee{
				nominee(5, "孟佳怡", "哈尔滨工业大学", "engineering", "空间机器人柔性抓捕", 1992),
				nominee(6, "何宇航", "哈尔滨工程大学", "engineering", "水下无人航行器自主导航", 1991),
				nominee(7, "邓思远", "东北林业大学", "agriculture", "木材功能化改性", 1993),
				nominee(8, "贾欣然", "东北农业大学", "agriculture", "大豆高蛋白育种", 1990)}},
		{p: awards.Programme{Code: "HLJ-WORKER", NameZH: "黑龙江省优秀科技工作者", NameEN: "Outstanding Scientific and Technological Worker of Heilongjiang Province",
			Bodies: []awards.Body{{Name: "黑龙江省科学技术协会"}, {Name: "黑龙江省人力资源和社会保障厅"}}, CycleYears: 2, TotalCap: 20,
			Grades: only("优秀科技工作者", "Outstanding Scientific and Technological Worker"),
			// The selection scope by field.
			Eligibility: awardrule.Eligibility{Fields: []string{"engineering", "agriculture", "medicine", "science"}},
			Form:        form, Uniqueness: "lifetime", COIYears: 3},
			admin: "HLJ", units: hljUnits, past: 2024, now: 2026, winners: 2, experts: hljExperts,
			pastNominees: []demoNominee{
				nominee(11, "韩立国", "哈尔滨医科大学", "medicine", "肝移植术后免疫耐受", 1968),
				nominee(12, "曲红梅", "黑龙江大学", "science", "稀土功能配合物", 1972),
				nominee(13, "田守仁", "东北农业大学", "agriculture", "黑土地保护性耕作", 1965)},
			nowNominees: []demoNominee{
				nominee(14, "潘志刚", "哈尔滨工业大学", "engineering", "大型风电机组载荷控制", 1970),
				nominee(15, "姜玉兰", "哈尔滨医科大学", "medicine", "寒区心血管疾病防治", 1974),
				nominee(16, "罗成", "黑龙江大学", "science", "量子材料中的拓扑相变", 1978)}},
		{p: awards.Programme{Code: "CHIA-STA", NameZH: "中国高科技产业化研究会科学技术奖", NameEN: "CHIA Science and Technology Award",
			Bodies: []awards.Body{{Name: "中国高科技产业化研究会"}}, CycleYears: 1, TotalCap: 10,
			Grades: []awardrule.Grade{{Code: "first", NameZH: "一等奖", NameEN: "First prize", Cap: awardrule.Cap{Share: &awardrule.Share{Num: 15, Den: 100}}},
				{Code: "second", NameZH: "二等奖", NameEN: "Second prize"}},
			Form: form, Uniqueness: "grade", COIYears: 5},
			admin: "CHIA", units: []string{"CHIA-BR-02", "CHIA-BR-04", "CHIA-BR-06", "CHIA-BR-10"}, past: 2025, now: 2026, winners: 4,
			experts: [][2]string{{"梁国栋", "北京航空航天大学"}, {"袁静", "清华大学"}, {"许海峰", "中国科学院计算技术研究所"}, {"沈丽", "北京理工大学"},
				{"唐建华", "中国电子科技集团公司"}, {"蔡文静", "上海交通大学"}},
			pastNominees: []demoNominee{
				nominee(21, "杨晨光", "中国电子科技集团公司", "engineering", "智能产线数字孪生平台", 1975),
				nominee(22, "李芳芳", "北京理工大学", "engineering", "高能量密度固态电池", 1982),
				nominee(23, "钱卫东", "航天科技集团", "engineering", "卫星遥感数据实时处理", 1979),
				nominee(24, "朱晓峰", "清华大学", "engineering", "类脑计算芯片", 1984),
				nominee(25, "程静", "上海交通大学", "medicine", "手术机器人力反馈", 1983)},
			nowNominees: []demoNominee{
				nominee(26, "谢宏伟", "中国电子科技集团公司", "engineering", "工业互联网安全网关", 1980),
				nominee(27, "苏婉清", "北京航空航天大学", "engineering", "氢燃料电池无人机", 1986),
				nominee(28, "范志远", "中国科学院计算技术研究所", "engineering", "大模型推理加速", 1985)}},
	}
}

// beijingDay is noon of a day in Beijing: the clock of the demo's history.
func beijingDay(s string) time.Time {
	d, err := kexie.ParseDay(s)
	if err != nil {
		panic(err)
	}
	return d.Start().Add(12 * time.Hour)
}

// LoadAwards gives the demo its award programmes — the Heilongjiang Youth
// Science and Technology Award, the Outstanding Scientific and
// Technological Worker of Heilongjiang Province (with its selection scope
// by field) and a CHIA award — each with a past round played to its
// announcement and a current round in expert review, written through the
// awards use cases on a clock set to the days the steps happened. The
// nominees' identity numbers are sealed with the server's data key (sl),
// so that the past winners are matched, and refused, by it. A programme
// already there is left as it is.
func LoadAwards(ctx context.Context, sdb *sqldb.DB, actor kexie.Actor, sl *seal.Sealer) error {
	if sl == nil {
		return nil // no data key: no identity numbers, no awards
	}
	reg := registry.New(sdb)
	var now time.Time
	aw := awards.New(sdb.At(func() time.Time { return now }))
	have := map[string]bool{}
	ps, err := aw.Programmes(ctx, actor)
	if err != nil {
		return err
	}
	for _, p := range ps {
		have[p.Code] = true
	}
	for _, dp := range awardProgrammes() {
		if have[dp.p.Code] {
			continue
		}
		admin, err := reg.OrgByCode(ctx, dp.admin)
		if err != nil {
			return err
		}
		var units []awards.Unit
		for _, c := range dp.units {
			o, err := reg.OrgByCode(ctx, c)
			if err != nil {
				return err
			}
			units = append(units, awards.Unit{OrgID: o.ID, Code: o.Code, Quota: 3})
		}
		dp.p.OrgID = admin.ID
		now = beijingDay(fmt.Sprintf("%d-02-01", dp.past))
		p, err := aw.CreateProgramme(ctx, actor, dp.p)
		if err != nil {
			return err
		}
		for _, x := range dp.experts {
			if _, err := aw.AddExpert(ctx, actor, p.ID, awards.Expert{Name: x[0], Employer: x[1]}, sl); err != nil {
				return err
			}
		}
		past, noms, err := dp.round(ctx, aw, actor, sl, &now, p, units, dp.past, dp.pastNominees)
		if err != nil {
			return err
		}
		// The decision: the first nominees win; the highest grade as far as
		// its cap goes (a share of the winners, rounded down), then the last.
		top := dp.winners
		if c := p.Grades[0].Cap; c.Share != nil {
			top = int(int64(dp.winners) * c.Share.Num / c.Share.Den)
		} else if c.Count > 0 {
			top = min(top, c.Count)
		}
		grades := map[int64]string{}
		for i, id := range noms[:dp.winners] {
			grades[id] = p.Grades[len(p.Grades)-1].Code
			if i < top {
				grades[id] = p.Grades[0].Code
			}
		}
		now = beijingDay(fmt.Sprintf("%d-07-01", dp.past))
		if _, err := aw.Advance(ctx, actor, past); err != nil {
			return err
		}
		if err := aw.Decide(ctx, actor, past, grades, fmt.Sprintf("%s常务委员会%d年第3次会议决议", admin.NameZH, dp.past)); err != nil {
			return err
		}
		now = beijingDay(fmt.Sprintf("%d-07-10", dp.past))
		if err := aw.Announce(ctx, actor, past); err != nil {
			return err
		}
		if _, _, err := dp.round(ctx, aw, actor, sl, &now, p, units, dp.now, dp.nowNominees); err != nil {
			return err
		}
	}
	return nil
}

// round opens a round of year, takes the nominations from the units in
// turn, accepts them at the formal check and assigns the experts: the
// round is left in review. It returns the round and its nominations.
func (dp demoProgramme) round(ctx context.Context, aw *awards.Service, actor kexie.Actor, sl *seal.Sealer, now *time.Time, p awards.Programme,
	units []awards.Unit, year int, nominees []demoNominee) (int64, []int64, error) {
	day := func(md string) kexie.Date {
		d, _ := kexie.ParseDay(fmt.Sprintf("%d-%s", year, md))
		return d
	}
	*now = beijingDay(fmt.Sprintf("%d-03-01", year))
	r, err := aw.CreateRound(ctx, actor, p.ID, awards.Round{Year: year, NominateFrom: day("03-01"), NominateTo: day("04-30"), CheckBy: day("05-15"),
		ReviewBy: day("06-15"), DecideBy: day("06-30"), PublicityDays: 7, ExpertsPer: 3, HideNominee: true, Units: units})
	if err != nil {
		return 0, nil, err
	}
	*now = beijingDay(fmt.Sprintf("%d-03-20", year))
	var noms []int64
	for i, n := range nominees {
		birth, err := kexie.ParseDay(n.birth)
		if err != nil {
			return 0, nil, err
		}
		x, err := aw.Nominate(ctx, actor, r.ID, units[i%len(units)].OrgID, awards.Nominee{Name: n.name, IDType: "resident_id", IDNumber: n.id, Birth: birth,
			Employer: n.employer, Field: n.field, Region: "230100", Summary: n.summary,
			Achievements: n.summary + "。项目成果已在行业内推广应用，取得了显著的经济和社会效益。（演示数据）"}, sl)
		if err != nil {
			return 0, nil, fmt.Errorf("demo nomination %s: %w", n.name, err)
		}
		noms = append(noms, x.ID)
	}
	*now = beijingDay(fmt.Sprintf("%d-05-05", year))
	if _, err := aw.Advance(ctx, actor, r.ID); err != nil {
		return 0, nil, err
	}
	for _, id := range noms {
		if err := aw.FormalCheck(ctx, actor, id, true, ""); err != nil {
			return 0, nil, err
		}
	}
	if _, err := aw.Advance(ctx, actor, r.ID); err != nil {
		return 0, nil, err
	}
	*now = beijingDay(fmt.Sprintf("%d-05-20", year))
	if _, err := aw.Assign(ctx, actor, r.ID, uint64(year)); err != nil {
		return 0, nil, err
	}
	return r.ID, noms, nil
}
