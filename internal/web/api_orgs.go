package web

import (
	"net/http"
	"strconv"

	"github.com/kexie/kexie/internal/kexie"
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

// pageQuery reads offset and limit (default 50, at most 500).
func pageQuery(r *http.Request) (offset, limit int, err error) {
	offset, limit = 0, 50
	q := r.URL.Query()
	for k, p := range map[string]*int{"offset": &offset, "limit": &limit} {
		if v := q.Get(k); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return 0, 0, kexie.Errorf(kexie.CodeInvalid, "err.number", "%s must be a positive whole number", k)
			}
			*p = n
		}
	}
	return offset, min(max(limit, 1), 500), nil
}

// apiOrgs searches the organisations visible to the caller (q: name,
// pinyin or code); without q it lists the highest ones they may read.
func (s *Server) apiOrgs(w http.ResponseWriter, r *http.Request, rq *request) error {
	offset, limit, err := pageQuery(r)
	if err != nil {
		return err
	}
	var os []kexie.Organisation
	if q := r.URL.Query().Get("q"); q != "" {
		os, err = s.db.SearchOrgs(r.Context(), rq.User.ID, q, offset, limit)
	} else {
		os, err = s.db.TopOrgs(r.Context(), rq.User.ID)
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"orgs": orgList(os)})
}

func (s *Server) apiOrg(w http.ResponseWriter, r *http.Request, rq *request) error {
	o, err := s.visibleOrg(r, rq, kexie.PermOrgRead)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toOrgJSON(o))
}

func (s *Server) apiOrgChildren(w http.ResponseWriter, r *http.Request, rq *request) error {
	o, err := s.visibleOrg(r, rq, kexie.PermOrgRead)
	if err != nil {
		return err
	}
	offset, limit, err := pageQuery(r)
	if err != nil {
		return err
	}
	members := r.URL.Query().Get("structure") != "true"
	kids, total, err := s.db.Children(r.Context(), o.ID, members, offset, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"orgs": orgList(kids), "total": total})
}

// apiOrgStats is the roll-up contract: {"org", "children", "subtree",
// "independent"}, kinds with zero omitted.
func (s *Server) apiOrgStats(w http.ResponseWriter, r *http.Request, rq *request) error {
	o, err := s.visibleOrg(r, rq, kexie.PermOrgRead)
	if err != nil {
		return err
	}
	st, err := s.db.OrgStats(r.Context(), o)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, st)
}
