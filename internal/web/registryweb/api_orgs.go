package registryweb

import (
	"net/http"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/web"
)

type orgJSON struct {
	Code                  string `json:"code"`
	ParentCode            string `json:"parent_code"`
	Kind                  string `json:"kind"`
	NameZH                string `json:"name_zh"`
	NameEN                string `json:"name_en"`
	RegionCode            string `json:"region_code"`
	USCC                  string `json:"uscc"`
	Address               string `json:"address"`
	Established           string `json:"established"`
	RegistrationAuthority string `json:"registration_authority"`
	LegalRep              string `json:"legal_rep"`
	Independent           bool   `json:"independent"`
	Status                string `json:"status"`
}

func toOrgJSON(o kexie.Organisation) orgJSON {
	return orgJSON{Code: o.Code, ParentCode: o.ParentCode, Kind: string(o.Kind), NameZH: o.NameZH, NameEN: o.NameEN, RegionCode: o.RegionCode,
		USCC: o.USCC, Address: o.Address, Established: o.Established, RegistrationAuthority: o.RegistrationAuthority, LegalRep: o.LegalRep,
		Independent: o.Independent, Status: string(o.Status)}
}

func orgList(os []kexie.Organisation) []orgJSON {
	out := []orgJSON{}
	for _, o := range os {
		out = append(out, toOrgJSON(o))
	}
	return out
}

// apiOrgs searches the organisations visible to the caller (q: name,
// pinyin or code); without q it lists the highest ones they may read.
func (s *handlers) apiOrgs(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	offset, limit, err := web.PageQuery(r)
	if err != nil {
		return err
	}
	var os []kexie.Organisation
	if q := r.URL.Query().Get("q"); q != "" {
		os, err = s.reg.SearchOrgs(r.Context(), rq.Actor(r), q, offset, limit)
	} else {
		os, err = s.reg.TopOrgs(r.Context(), rq.Actor(r))
	}
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"orgs": orgList(os)})
}

func (s *handlers) apiOrg(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := web.LoadByCode(r, rq, kexie.PermRegistryRead, s.reg.Org)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, toOrgJSON(o))
}

func (s *handlers) apiOrgChildren(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := web.LoadByCode(r, rq, kexie.PermRegistryRead, s.reg.Org)
	if err != nil {
		return err
	}
	offset, limit, err := web.PageQuery(r)
	if err != nil {
		return err
	}
	members := r.URL.Query().Get("structure") != "true"
	kids, total, err := s.reg.Children(r.Context(), o.ID, members, offset, limit)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"orgs": orgList(kids), "total": total})
}

// apiOrgStats is the roll-up contract: {"org", "children", "subtree",
// "independent"}, kinds with zero omitted.
func (s *handlers) apiOrgStats(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := web.LoadByCode(r, rq, kexie.PermRegistryRead, s.reg.Org)
	if err != nil {
		return err
	}
	st, err := s.reg.OrgStats(r.Context(), o)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, st)
}
