package demo

import (
	"fmt"

	"github.com/kexie/kexie/internal/cnid"
	"github.com/kexie/kexie/internal/kexie"
)

// heilongjiang builds seed 000's association (figures of August 2017).
func heilongjiang(b *builder) {
	const p = "HLJ"
	b.add(kexie.Organisation{Code: p, ParentCode: "CAST", Kind: "provincial_association", NameZH: "黑龙江省科学技术协会",
		NameEN: "Heilongjiang Association for Science and Technology", RegionCode: "230000", Established: "1958-12",
		Independent: true, Address: "黑龙江省哈尔滨市南岗区中山路204号", RegistrationAuthority: "中共黑龙江省委"})
	b.events = append(b.events,
		Event{p, "suspended", "1966-08", "work stopped during the Cultural Revolution"},
		Event{p, "restored", "1977-06", "work resumed"})
	for i, d := range [][2]string{
		{"计划财务部", "Planning and Finance Department"}, {"组织人事部（机关党委合署办公）", "Organization and Personnel Department"},
		{"调研宣传部", "Research and Publicity Department"}, {"学会学术部", "Societies and Academic Department"},
		{"科学技术普及部", "Science Popularization Department"},
	} {
		b.add(kexie.Organisation{Code: fmt.Sprintf("%s-DEP-%d", p, i+1), ParentCode: p, Kind: "department", NameZH: d[0], NameEN: d[1]})
	}
	for i, u := range [][2]string{
		{"黑龙江省科协海外高新技术引进中心", "Overseas High-tech Introduction Center"}, {"黑龙江省科普中心", "Heilongjiang Science Popularization Center"},
		{"黑龙江省科学宫", "Heilongjiang Science Palace"}, {"家庭生活指南杂志社", "Family Life Guide Magazine"},
		{"当代旅游杂志社", "Contemporary Tourism Magazine"}, {"黑龙江科技报社", "Heilongjiang Science and Technology News"},
		{"黑龙江省科技咨询中心", "Heilongjiang Science and Technology Consulting Center"},
		{"黑龙江省老科技工作者协会办公室", "Office of the Heilongjiang Association of Senior Scientists"},
	} {
		b.add(kexie.Organisation{Code: fmt.Sprintf("%s-AFF-%d", p, i+1), ParentCode: p, Kind: "affiliated_unit", NameZH: u[0], NameEN: u[1]})
	}
	b.societies(p, "黑龙江省", "Heilongjiang", 204)
	for i, s := range [][2]string{
		{"大庆石油科学技术协会", "Daqing Petroleum Association for Science and Technology"},
		{"黑龙江省农垦总局科学技术协会", "Heilongjiang Land Reclamation Bureau Association for Science and Technology"},
		{"黑龙江省林业科学技术协会", "Heilongjiang Forestry Association for Science and Technology"},
		{"哈尔滨铁路局科学技术协会", "Harbin Railway Bureau Association for Science and Technology"},
		{"黑龙江省科学院科学技术协会", "Heilongjiang Academy of Sciences Association for Science and Technology"},
	} {
		b.add(kexie.Organisation{Code: fmt.Sprintf("%s-SYS-%d", p, i+1), ParentCode: p, Kind: "system_association", NameZH: s[0], NameEN: s[1]})
	}
	unis := [][2]string{
		{"哈尔滨工业大学", "Harbin Institute of Technology"}, {"哈尔滨工程大学", "Harbin Engineering University"},
		{"东北农业大学", "Northeast Agricultural University"}, {"东北林业大学", "Northeast Forestry University"},
		{"黑龙江大学", "Heilongjiang University"}, {"哈尔滨医科大学", "Harbin Medical University"},
		{"哈尔滨理工大学", "Harbin University of Science and Technology"}, {"东北石油大学", "Northeast Petroleum University"},
		{"齐齐哈尔大学", "Qiqihar University"}, {"佳木斯大学", "Jiamusi University"}, {"黑龙江科技大学", "Heilongjiang University of Science and Technology"},
		{"哈尔滨师范大学", "Harbin Normal University"}, {"黑龙江中医药大学", "Heilongjiang University of Chinese Medicine"},
		{"牡丹江医学院", "Mudanjiang Medical University"},
	}
	b.universities(p, unis)
	// Five districts of Yichun that existed in 2017 and were merged in 2019
	// complete the 126 county-level associations of the published figures.
	extra := []cnid.Region{{Code: "230700", Name: "南岔区"}, {Code: "230700", Name: "新青区"}, {Code: "230700", Name: "西林区"},
		{Code: "230700", Name: "翠峦区"}, {Code: "230700", Name: "美溪区"}}
	b.localTree(p, "23", map[string]string{"230100": "Harbin", "230200": "Qiqihar", "230300": "Jixi", "230400": "Hegang",
		"230500": "Shuangyashan", "230600": "Daqing", "230700": "Yichun", "230800": "Jiamusi", "230900": "Qitaihe",
		"231000": "Mudanjiang", "231100": "Heihe", "231200": "Suihua", "232700": "Daxing'anling"},
		extra, 126, 68, 204, 2727, nil)
}

// jilin builds seed 001's association: 106 societies, 225 enterprise and
// institution associations, 21 university, 9 municipal and 60 county
// associations.
func jilin(b *builder) {
	const p = "JL"
	b.add(kexie.Organisation{Code: p, ParentCode: "CAST", Kind: "provincial_association", NameZH: "吉林省科学技术协会",
		NameEN: "Jilin Provincial Association for Science and Technology", RegionCode: "220000", Established: "1958-11",
		Independent: true, Address: "吉林省长春市", RegistrationAuthority: "中共吉林省委"})
	for i, d := range [][2]string{
		{"办公室", "General Office"}, {"学会部", "Societies Department"}, {"科普部", "Science Popularization Department"},
		{"组织宣传部", "Organization and Publicity Department"}, {"国际部", "International Department"}, {"人事处", "Personnel Division"},
		{"老干部处", "Retired Cadres Division"}, {"机关党委", "Party Committee of the Organs"},
	} {
		b.add(kexie.Organisation{Code: fmt.Sprintf("%s-DEP-%d", p, i+1), ParentCode: p, Kind: "department", NameZH: d[0], NameEN: d[1]})
	}
	for i, u := range [][2]string{
		{"吉林省科协学会服务中心", "Jilin Society Service Center"}, {"吉林省科普服务中心", "Jilin Science Popularization Service Center"},
		{"吉林省青少年科技中心", "Jilin Youth Science and Technology Center"}, {"吉林省科技馆", "Jilin Science and Technology Museum"},
		{"吉林省科技工作者服务中心", "Jilin Service Center for Scientists"}, {"吉林省科协信息中心", "Jilin Association Information Center"},
		{"吉林省科协创新创业服务中心", "Jilin Innovation and Entrepreneurship Service Center"},
	} {
		b.add(kexie.Organisation{Code: fmt.Sprintf("%s-AFF-%d", p, i+1), ParentCode: p, Kind: "affiliated_unit", NameZH: u[0], NameEN: u[1]})
	}
	b.societies(p, "吉林省", "Jilin", 106)
	b.universities(p, [][2]string{
		{"吉林大学", "Jilin University"}, {"东北师范大学", "Northeast Normal University"}, {"延边大学", "Yanbian University"},
		{"长春理工大学", "Changchun University of Science and Technology"}, {"吉林农业大学", "Jilin Agricultural University"},
		{"长春中医药大学", "Changchun University of Chinese Medicine"}, {"吉林师范大学", "Jilin Normal University"},
		{"北华大学", "Beihua University"}, {"长春工业大学", "Changchun University of Technology"}, {"吉林建筑大学", "Jilin Jianzhu University"},
		{"吉林化工学院", "Jilin Institute of Chemical Technology"}, {"东北电力大学", "Northeast Electric Power University"},
		{"长春大学", "Changchun University"}, {"吉林财经大学", "Jilin University of Finance and Economics"},
		{"长春师范大学", "Changchun Normal University"}, {"吉林工程技术师范学院", "Jilin Engineering Normal University"},
		{"通化师范学院", "Tonghua Normal University"}, {"白城师范学院", "Baicheng Normal University"},
		{"吉林医药学院", "Jilin Medical University"}, {"长春工程学院", "Changchun Institute of Technology"},
		{"吉林农业科技学院", "Jilin Agricultural Science and Technology University"},
	})
	named := []kexie.Organisation{{Code: "JL-ENT-000", Kind: "enterprise_association", NameZH: "吉林联通科学技术协会",
		NameEN: "Jilin Unicom Association for Science and Technology", Established: "2023-03-10"}}
	b.localTree(p, "22", map[string]string{"220100": "Changchun", "220200": "Jilin", "220300": "Siping", "220400": "Liaoyuan",
		"220500": "Tonghua", "220600": "Baishan", "220700": "Songyuan", "220800": "Baicheng", "222400": "Yanbian"},
		nil, 60, 0, 225, 0, named)
}

func (b *builder) universities(p string, unis [][2]string) {
	for i, u := range unis {
		b.add(kexie.Organisation{Code: fmt.Sprintf("%s-UNI-%02d", p, i+1), ParentCode: p, Kind: "university_association",
			NameZH: u[0] + "科学技术协会", NameEN: u[1] + " Association for Science and Technology"})
	}
}

// localTree builds a province's municipal associations (one per
// prefecture; the seeds state no independence for them), county associations (one per county of the table, plus
// extra, up to counties; the first `independent` of them independent),
// enterprise associations spread over the cities (named ones first), and
// rural technical associations spread over the counties.
func (b *builder) localTree(p, prov string, cityEN map[string]string, extra []cnid.Region, counties, independent, enterprises, rural int, named []kexie.Organisation) {
	cities := regionsUnder(prov, cnid.Prefecture)
	cityCode := map[string]string{}
	for _, c := range cities {
		code := fmt.Sprintf("%s-MUN-%s", p, c.Code[:4])
		cityCode[c.Code[:4]] = code
		b.add(kexie.Organisation{Code: code, ParentCode: p, Kind: "municipal_association", RegionCode: c.Code,
			NameZH: c.Name + "科学技术协会", NameEN: cityEN[c.Code] + " Association for Science and Technology"})
	}
	cs := append(regionsUnder(prov, cnid.County), extra...)
	cs = cs[:counties]
	var countyCodes []string
	var countyNames []string
	for i, c := range cs {
		parent, ok := cityCode[c.Code[:4]]
		if !ok {
			parent = p // counties directly under the province
		}
		code := fmt.Sprintf("%s-CTY-%03d", p, i+1)
		region := c.Code
		if _, known := cnid.LookupRegion(region); !known || c.Name == "" {
			region = ""
		}
		b.add(kexie.Organisation{Code: code, ParentCode: parent, Kind: "county_association", RegionCode: region,
			NameZH: c.Name + "科学技术协会", NameEN: english(c.Name) + " Association for Science and Technology", Independent: i < independent})
		countyCodes = append(countyCodes, code)
		countyNames = append(countyNames, c.Name)
	}
	for i := 0; i < enterprises; i++ {
		if i < len(named) {
			o := named[i]
			o.ParentCode = p
			b.add(o)
			continue
		}
		c := cities[i%len(cities)]
		ind := industries[(i/len(cities))%len(industries)]
		b.add(kexie.Organisation{Code: fmt.Sprintf("%s-ENT-%03d", p, i+1), ParentCode: cityCode[c.Code[:4]], Kind: "enterprise_association",
			NameZH: fmt.Sprintf("%s%s企业科学技术协会", short(c.Name), ind[0]),
			NameEN: fmt.Sprintf("%s %s Enterprise Association for Science and Technology", cityEN[c.Code], ind[1])})
	}
	for i := 0; i < rural; i++ {
		k := i % len(countyCodes)
		pr := products[i/len(countyCodes)]
		b.add(kexie.Organisation{Code: fmt.Sprintf("%s-RUR-%04d", p, i+1), ParentCode: countyCodes[k], Kind: "rural_tech_association",
			NameZH: fmt.Sprintf("%s%s专业技术协会", countyNames[k], pr[0]),
			NameEN: fmt.Sprintf("%s %s Technical Association", english(countyNames[k]), pr[1])})
	}
}

// chia builds seed 003's national society: 5 departments, 25 branches, 11
// industrial alliances and 1 subordinate enterprise (figures of January
// 2023; the seed names the liaison department and one branch).
func chia(b *builder) {
	const p = "CHIA"
	b.add(kexie.Organisation{Code: p, ParentCode: "CAST", Kind: "national_society", NameZH: "中国高科技产业化研究会",
		NameEN: "China High-tech Industrialization Association", Established: "1993-04", USCC: "511000005000139246",
		Address: "北京市海淀区阜成路8号综合办公楼315室", RegistrationAuthority: "中华人民共和国民政部", LegalRep: "梁晓红", Independent: true})
	for i, d := range [][2]string{{"联络部", "Liaison Department"}, {"办公室", "General Office"}, {"会员部", "Membership Department"},
		{"学术交流部", "Academic Exchange Department"}, {"财务部", "Finance Department"}} {
		b.add(kexie.Organisation{Code: fmt.Sprintf("%s-DEP-%d", p, i+1), ParentCode: p, Kind: "department", NameZH: d[0], NameEN: d[1]})
	}
	fields := [][2]string{
		{"军民两用技术创新", "Dual-use Technology Innovation"}, {"智能制造", "Intelligent Manufacturing"}, {"新能源", "New Energy"},
		{"新材料", "New Materials"}, {"生物医药", "Biomedicine"}, {"人工智能", "Artificial Intelligence"}, {"大数据", "Big Data"},
		{"区块链", "Blockchain"}, {"集成电路", "Integrated Circuits"}, {"航空航天", "Aerospace"}, {"海洋经济", "Marine Economy"},
		{"现代农业", "Modern Agriculture"}, {"节能环保", "Energy Saving and Environmental Protection"}, {"智慧城市", "Smart City"},
		{"金融科技", "Financial Technology"}, {"文化科技", "Culture and Technology"}, {"科技成果评价", "Evaluation of Scientific Achievements"},
		{"知识产权", "Intellectual Property"}, {"标准化", "Standardization"}, {"数字经济", "Digital Economy"}, {"健康产业", "Health Industry"},
		{"应急产业", "Emergency Industry"}, {"氢能", "Hydrogen Energy"}, {"卫星应用", "Satellite Applications"}, {"科技园区", "Science Parks"},
	}
	for i, f := range fields {
		b.add(kexie.Organisation{Code: fmt.Sprintf("%s-BR-%02d", p, i+1), ParentCode: p, Kind: "society_branch",
			NameZH: "中国高科技产业化研究会" + f[0] + "工作委员会", NameEN: "CHIA Committee on " + f[1]})
	}
	for i, f := range fields[1:12] {
		b.add(kexie.Organisation{Code: fmt.Sprintf("%s-ALL-%02d", p, i+1), ParentCode: p, Kind: "industry_alliance",
			NameZH: f[0] + "产业技术创新联盟", NameEN: f[1] + " Industrial Technology Innovation Alliance"})
	}
	b.add(kexie.Organisation{Code: p + "-ENT-1", ParentCode: p, Kind: "subordinate_enterprise",
		NameZH: "中高科技产业化咨询服务（北京）有限公司", NameEN: "CHIA Industrialization Consulting Services (Beijing) Co., Ltd."})
}
