package registry_test

import (
	"slices"
	"testing"

	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// Organisation search finds the names people use (issue 13): the short
// forms 科协 and 科技 for 科学技术协会 and 科学技术 both ways, and English
// words in order with other words between them.
func TestSearchOrgsShortNamesAndWords(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		row := func(code, parent, kind, zh, en string) registry.ImportRow {
			r := dbtest.OrgRow(code, parent, kind, zh)
			r.Org.NameEN = en
			return r
		}
		_, err := db.Registry.ImportOrgs(ctx, dbtest.Admin, dbtest.Numbered(
			row("ROOT", "", "national_association", "中国科学技术协会", "China Association for Science and Technology"),
			row("HLJ", "ROOT", "provincial_association", "黑龙江省科学技术协会", "Heilongjiang Association for Science and Technology"),
			row("JL", "ROOT", "provincial_association", "吉林省科学技术协会", "Jilin Provincial Association for Science and Technology"),
			row("HRB", "HLJ", "municipal_association", "哈尔滨市科协", "Harbin Association for Science and Technology"),
			row("JLM", "JL", "affiliated_unit", "吉林省科技馆", "Jilin Science and Technology Museum"),
		), registry.ImportOptions{})
		dbtest.Must(t, err)
		for _, c := range []struct {
			q    string
			want []string
		}{
			{"黑龙江省科协", []string{"HLJ"}},
			{"中国科协", []string{"ROOT"}},
			{"哈尔滨市科学技术协会", []string{"HRB"}},
			{"吉林省科学技术馆", []string{"JLM"}},
			{"Jilin Association", []string{"JL"}},
			{"  jilin   science  museum ", []string{"JLM"}},
			{"Association Jilin", nil},
			{"科协", []string{"HLJ", "HRB", "JL", "ROOT"}},
		} {
			got, err := db.Registry.SearchOrgs(ctx, dbtest.Admin, c.q, 0, 50)
			dbtest.Must(t, err)
			var codes []string
			for _, o := range got {
				codes = append(codes, o.Code)
			}
			slices.Sort(codes)
			if !slices.Equal(codes, c.want) {
				t.Errorf("search %q found %v, want %v", c.q, codes, c.want)
			}
			pub, err := db.Registry.OrgsTakingApplications(ctx, c.q, 50)
			dbtest.Must(t, err)
			codes = codes[:0]
			for _, o := range pub {
				codes = append(codes, o.Code)
			}
			slices.Sort(codes)
			want := slices.DeleteFunc(slices.Clone(c.want), func(s string) bool { return s == "JLM" }) // not a member organisation
			if len(want) == 0 {
				want = nil
			}
			if len(codes) == 0 {
				codes = nil
			}
			if !slices.Equal(codes, want) {
				t.Errorf("public search %q found %v, want %v", c.q, codes, want)
			}
		}
	})
}
