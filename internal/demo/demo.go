// Package demo builds the demonstration federation that `kexie serve
// --demo` loads: the national association at the root, and under it
// Heilongjiang, Jilin, Hunan and the China High-tech Industrialization
// Association, built from the facts of the seed documents. Organisations the
// seeds count but do not name are generated — region + discipline + kind —
// deterministically, so that the roll-ups reproduce the published counts
// exactly (Heilongjiang: 204 provincial societies, 13 municipal, 126 county
// associations of which 68 independent, 5 system, 204 enterprise, 14
// university and 2,727 rural technical associations).
package demo

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/mozillazg/go-pinyin"

	"github.com/kexie/kexie/internal/cnid"
	"github.com/kexie/kexie/internal/kexie"
)

// Event is a dated history event of a demo organisation.
type Event struct {
	Code, Kind, Happened, Detail string
}

// Federation returns the demo organisations, parents before children, and
// their history events.
func Federation() ([]kexie.Organisation, []Event) {
	b := &builder{}
	b.add(kexie.Organisation{Code: "CAST", Kind: "national_association", NameZH: "中国科学技术协会",
		NameEN: "China Association for Science and Technology", Established: "1958-09", Independent: true,
		Address: "北京市海淀区复兴路3号", RegistrationAuthority: "中共中央", LegalRep: ""})
	heilongjiang(b)
	jilin(b)
	b.add(kexie.Organisation{Code: "HN", ParentCode: "CAST", Kind: "provincial_association", NameZH: "湖南省科学技术协会",
		NameEN: "Hunan Association for Science and Technology", RegionCode: "430000", Independent: true,
		Address: "湖南省长沙市东风路17号，410005"})
	chia(b)
	return b.orgs, b.events
}

type builder struct {
	orgs   []kexie.Organisation
	events []Event
}

func (b *builder) add(o kexie.Organisation) {
	if o.Status == "" {
		o.Status = kexie.OrgActive
	}
	b.orgs = append(b.orgs, o)
}

// disciplines name provincial societies: 68 of them × three forms
// (学会, 研究会, 协会) give Heilongjiang's 204 societies; Jilin takes the
// first 106.
var disciplines = [][2]string{
	{"数学", "Mathematics"}, {"物理", "Physics"}, {"化学", "Chemistry"}, {"天文", "Astronomy"}, {"力学", "Mechanics"},
	{"地理", "Geography"}, {"地质", "Geology"}, {"气象", "Meteorology"}, {"海洋", "Oceanography"}, {"生态", "Ecology"},
	{"植物", "Botany"}, {"动物", "Zoology"}, {"微生物", "Microbiology"}, {"生物化学", "Biochemistry"}, {"遗传", "Genetics"},
	{"心理", "Psychology"}, {"统计", "Statistics"}, {"计算机", "Computer"}, {"自动化", "Automation"}, {"电子", "Electronics"},
	{"通信", "Communications"}, {"电机工程", "Electrical Engineering"}, {"机械工程", "Mechanical Engineering"}, {"土木建筑", "Civil Engineering"},
	{"水利", "Hydraulic Engineering"}, {"农业工程", "Agricultural Engineering"}, {"林业", "Forestry"}, {"农学", "Agronomy"},
	{"畜牧兽医", "Animal Husbandry and Veterinary"}, {"水产", "Fisheries"}, {"作物", "Crop Science"}, {"园艺", "Horticulture"},
	{"土壤肥料", "Soil and Fertilizer"}, {"植物保护", "Plant Protection"}, {"医学", "Medicine"}, {"中医药", "Traditional Chinese Medicine"},
	{"药学", "Pharmacy"}, {"护理", "Nursing"}, {"预防医学", "Preventive Medicine"}, {"口腔医学", "Stomatology"},
	{"石油", "Petroleum"}, {"煤炭", "Coal"}, {"冶金", "Metallurgy"}, {"有色金属", "Nonferrous Metals"}, {"化工", "Chemical Industry"},
	{"纺织", "Textile"}, {"造纸", "Paper"}, {"食品科学技术", "Food Science and Technology"}, {"粮油", "Cereals and Oils"},
	{"环境科学", "Environmental Sciences"}, {"能源", "Energy"}, {"核学", "Nuclear"}, {"航空", "Aeronautics"}, {"铁道", "Railway"},
	{"公路", "Highway"}, {"测绘", "Surveying and Mapping"}, {"图书馆", "Library"}, {"档案", "Archives"}, {"科技情报", "Scientific Information"},
	{"科普作家", "Science Writers"}, {"青少年科技教育", "Youth Science Education"}, {"科学技术史", "History of Science and Technology"},
	{"自然辩证法", "Dialectics of Nature"}, {"标准化", "Standardization"}, {"计量测试", "Metrology"}, {"材料", "Materials"},
	{"仪器仪表", "Instruments"}, {"寒地建筑", "Cold-Region Architecture"},
}

var societyForms = [][2]string{{"学会", "Society"}, {"研究会", "Research Association"}, {"协会", "Association"}}

// societies generates n provincial societies under parent, codes PREFIX-SOC-NNN.
func (b *builder) societies(parent, provZH, provEN string, n int) {
	for i := 0; i < n; i++ {
		d, f := disciplines[i%len(disciplines)], societyForms[i/len(disciplines)]
		b.add(kexie.Organisation{Code: fmt.Sprintf("%s-SOC-%03d", parent, i+1), ParentCode: parent, Kind: "provincial_society",
			NameZH: provZH + d[0] + f[0], NameEN: provEN + " " + d[1] + " " + f[1]})
	}
}

// industries name enterprise associations: "{city}{industry}企业科学技术协会".
var industries = [][2]string{
	{"装备制造", "Equipment Manufacturing"}, {"石油化工", "Petrochemical"}, {"食品加工", "Food Processing"}, {"医药", "Pharmaceutical"},
	{"电力", "Power"}, {"煤化工", "Coal Chemical"}, {"汽车", "Automotive"}, {"农机", "Farm Machinery"}, {"林产", "Forest Products"},
	{"建材", "Building Materials"}, {"电子信息", "Electronic Information"}, {"新材料", "New Materials"}, {"生物", "Biotechnology"},
	{"乳业", "Dairy"}, {"冶金", "Metallurgy"}, {"通信", "Telecommunications"}, {"轨道交通", "Rail Transit"}, {"航空", "Aviation"},
	{"纺织", "Textile"}, {"环保", "Environmental"}, {"物流", "Logistics"}, {"软件", "Software"}, {"粮食", "Grain"}, {"能源", "Energy"},
	{"水务", "Water"},
}

// products name rural technical associations: "{county}{product}专业技术协会".
var products = [][2]string{
	{"水稻", "Rice"}, {"大豆", "Soybean"}, {"玉米", "Maize"}, {"马铃薯", "Potato"}, {"食用菌", "Edible Fungi"}, {"蓝莓", "Blueberry"},
	{"奶牛", "Dairy Cattle"}, {"生猪", "Pig"}, {"肉牛", "Beef Cattle"}, {"养蜂", "Beekeeping"}, {"水产养殖", "Aquaculture"},
	{"林下参", "Forest Ginseng"}, {"蔬菜", "Vegetable"}, {"果树", "Fruit Tree"}, {"农机", "Farm Machinery"}, {"葵花", "Sunflower"},
	{"杂粮", "Coarse Grain"}, {"中草药", "Medicinal Herb"}, {"白鹅", "White Goose"}, {"肉羊", "Mutton Sheep"}, {"红小豆", "Adzuki Bean"},
	{"汉麻", "Hemp"}, {"木耳", "Wood Ear"},
}

// regionsUnder lists the GB/T 2260 regions of a level whose code starts
// with prefix, in code order.
func regionsUnder(prefix string, level cnid.Level) []cnid.Region {
	var out []cnid.Region
	for _, r := range cnid.Regions() {
		if r.Level == level && strings.HasPrefix(r.Code, prefix) {
			out = append(out, r)
		}
	}
	return out
}

// english renders a place name in pinyin with its administrative suffix
// translated: 道里区 → Daoli District.
func english(name string) string {
	suffixes := [][2]string{{"朝鲜族自治州", "Korean Autonomous Prefecture"}, {"自治县", "Autonomous County"}, {"地区", "Prefecture"},
		{"县", "County"}, {"区", "District"}, {"市", "City"}, {"旗", "Banner"}}
	base, suffix := name, ""
	for _, s := range suffixes {
		if strings.HasSuffix(name, s[0]) && len(name) > len(s[0]) {
			base, suffix = strings.TrimSuffix(name, s[0]), s[1]
			break
		}
	}
	args := pinyin.NewArgs()
	var sb strings.Builder
	for i, p := range pinyin.LazyPinyin(base, args) {
		if i == 0 {
			r := []rune(p)
			r[0] = unicode.ToUpper(r[0])
			p = string(r)
		} else if strings.IndexByte("aoe", p[0]) >= 0 {
			sb.WriteByte('\'') // Xi'an, not Xian
		}
		sb.WriteString(p)
	}
	if suffix != "" {
		sb.WriteString(" " + suffix)
	}
	return sb.String()
}

// short is a place name without its administrative suffix, as association
// names use it: 哈尔滨市 → 哈尔滨.
func short(name string) string {
	for _, s := range []string{"朝鲜族自治州", "地区", "市"} {
		if strings.HasSuffix(name, s) && len([]rune(name)) > len([]rune(s))+1 {
			return strings.TrimSuffix(name, s)
		}
	}
	return name
}
