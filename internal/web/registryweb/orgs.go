package registryweb

import (
	"cmp"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/kexie/kexie/internal/cnid"
	"github.com/kexie/kexie/internal/governance"
	"github.com/kexie/kexie/internal/i18n"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/web"
)

// paragraphOrder is the order in which the "organisation members" paragraph
// lists kinds: societies first, then associations from the top down, as the
// encyclopedia entries do.
var paragraphOrder = []kexie.OrgKind{
	"national_society", "provincial_society", "society_branch", "industry_alliance",
	"provincial_association", "municipal_association", "county_association", "system_association",
	"enterprise_association", "university_association", "township_association", "street_association", "rural_tech_association",
}

// membersParagraph writes the roll-up as the seeds' sentence: "… has 204
// provincial societies, 13 municipal associations, 126 county associations
// (68 independent) … and 2,727 rural technical associations."
func membersParagraph(l *i18n.Localizer, name string, st kexie.OrgStats) string {
	var parts []string
	for _, k := range paragraphOrder {
		n := st.Subtree[k]
		if n == 0 {
			continue
		}
		p := l.N("kind."+string(k)+".count", n)
		p = strings.Replace(p, strconv.Itoa(n), formatCount(l.Lang, n), 1)
		if ind := st.Independent[k]; ind > 0 {
			p += l.T("org.independent_note", formatCount(l.Lang, ind))
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return l.T("org.no_members", name)
	}
	list := parts[0]
	if len(parts) > 1 {
		list = strings.Join(parts[:len(parts)-1], l.T("org.members_sep")) + l.T("org.members_and") + parts[len(parts)-1]
	}
	return l.T("org.members_lead", name) + list + l.T("org.members_end")
}

// formatCount writes 2727 as "2,727" in English; Chinese text writes it
// plain.
func formatCount(lang string, n int) string {
	s := strconv.Itoa(n)
	if lang != i18n.English || len(s) <= 3 {
		return s
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

type orgsData struct {
	Q       string
	Results []kexie.Organisation
	Top     []kexie.Organisation
	Pager   web.Pager
	CanEdit bool
}

const orgsPerPage = 50

func (s *handlers) orgsPage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	d := orgsData{Q: strings.TrimSpace(r.URL.Query().Get("q"))}
	var err error
	if d.Q != "" {
		page := web.PageParam(r)
		d.Results, err = s.reg.SearchOrgs(r.Context(), rq.Actor(r), d.Q, (page-1)*orgsPerPage, orgsPerPage)
		if err != nil {
			return err
		}
		total, err := s.reg.CountOrgs(r.Context(), rq.Actor(r), d.Q)
		if err != nil {
			return err
		}
		d.Pager = web.NewPager(r, page, orgsPerPage, total)
	}
	if d.Top, err = s.reg.TopOrgs(r.Context(), rq.Actor(r)); err != nil {
		return err
	}
	d.CanEdit, err = s.db.HoldsAnywhere(r.Context(), rq.User.ID, kexie.PermRegistryWrite)
	if err != nil {
		return err
	}
	return s.Render(w, http.StatusOK, "orgs", s.NewPage(r, rq, "orgs.title", d))
}

type orgData struct {
	Org        kexie.Organisation
	Parent     *kexie.Organisation
	Path       []kexie.Organisation
	RegionName string
	Stats      kexie.OrgStats
	Paragraph  string
	History    []registry.OrgEvent
	Structure  []kexie.Organisation
	Children   []kexie.Organisation
	Total      int
	Pager      web.Pager
	StatRows   []statRow
	CanEdit    bool
	// The council's chair, vice chairs and secretary general: now, and of
	// every term.
	Leaders, Successive []governance.Leader
	// The forms as typed, after an error in one of them.
	StatusForm, ProfileForm url.Values
}

type statRow struct {
	Kind                           kexie.OrgKind
	Children, Subtree, Independent int
}

func (s *handlers) orgPage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := web.LoadByCode(r, rq, kexie.PermRegistryRead, s.reg.Org)
	if err != nil {
		return err
	}
	ctx := r.Context()
	d := orgData{Org: o}
	if reg, ok := cnid.LookupRegion(o.RegionCode); ok {
		d.RegionName = cnid.FullNameIn(reg, rq.L.Lang)
	}
	// The path above shows only ancestors the caller may read: staff of a
	// county see their county, not the province's page.
	anc, err := s.reg.Ancestors(ctx, o.ID)
	if err != nil {
		return err
	}
	// Every permission the page asks about is answered from the request's
	// grants over this path (root … o): no query per ancestor.
	path := make([]int64, 0, len(anc)+1)
	for _, a := range anc {
		path = append(path, a.ID)
		if rq.User.MayOn(kexie.PermRegistryRead, path...) {
			d.Path = append(d.Path, a)
		}
	}
	path = append(path, o.ID)
	if o.ParentID != 0 && len(anc) > 0 {
		p := anc[len(anc)-1]
		d.Parent = &p
	}
	if d.Stats, err = s.reg.OrgStats(ctx, o); err != nil {
		return err
	}
	for _, k := range kexie.OrgKinds {
		if d.Stats.Subtree[k] > 0 {
			d.StatRows = append(d.StatRows, statRow{k, d.Stats.Children[k], d.Stats.Subtree[k], d.Stats.Independent[k]})
		}
	}
	d.Paragraph = membersParagraph(rq.L, o.Name(rq.L.Lang), d.Stats)
	if d.History, err = s.reg.History(ctx, o.ID); err != nil {
		return err
	}
	if d.Structure, _, err = s.reg.Children(ctx, o.ID, false, 0, 500); err != nil {
		return err
	}
	page := web.PageParam(r)
	if d.Children, d.Total, err = s.reg.Children(ctx, o.ID, true, (page-1)*orgsPerPage, orgsPerPage); err != nil {
		return err
	}
	d.Pager = web.NewPager(r, page, orgsPerPage, d.Total)
	d.CanEdit = rq.User.MayOn(kexie.PermRegistryWrite, path...)
	// The leaders are governance's: shown to those who may read it (a
	// treasurer or an editor reads the registry, not the councils).
	if rq.User.MayOn(kexie.PermGovernanceRead, path...) {
		if d.Leaders, err = s.gov.Leaders(ctx, o.ID, false); err != nil {
			return err
		}
		if d.Successive, err = s.gov.Leaders(ctx, o.ID, true); err != nil {
			return err
		}
	}
	if rq.Form != nil {
		if rq.Form.Has("action") {
			d.StatusForm = rq.Form
		} else {
			d.ProfileForm = rq.Form
		}
	}
	p := s.NewPage(r, rq, "orgs.title", d)
	p.Title = o.Name(rq.L.Lang)
	p.Error = rq.PageError
	return s.Render(w, cmp.Or(rq.Status, http.StatusOK), "org", p)
}
