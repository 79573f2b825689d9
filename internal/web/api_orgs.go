package web

import (
	"net/http"
	"strconv"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
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
		os, err = s.reg.SearchOrgs(r.Context(), rq.Actor(r), q, offset, limit)
	} else {
		os, err = s.reg.TopOrgs(r.Context(), rq.Actor(r))
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"orgs": orgList(os)})
}

func (s *Server) apiOrg(w http.ResponseWriter, r *http.Request, rq *request) error {
	o, err := s.visibleOrg(r, rq, kexie.PermRegistryRead)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toOrgJSON(o))
}

func (s *Server) apiOrgChildren(w http.ResponseWriter, r *http.Request, rq *request) error {
	o, err := s.visibleOrg(r, rq, kexie.PermRegistryRead)
	if err != nil {
		return err
	}
	offset, limit, err := pageQuery(r)
	if err != nil {
		return err
	}
	members := r.URL.Query().Get("structure") != "true"
	kids, total, err := s.reg.Children(r.Context(), o.ID, members, offset, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"orgs": orgList(kids), "total": total})
}

// apiOrgStats is the roll-up contract: {"org", "children", "subtree",
// "independent"}, kinds with zero omitted.
func (s *Server) apiOrgStats(w http.ResponseWriter, r *http.Request, rq *request) error {
	o, err := s.visibleOrg(r, rq, kexie.PermRegistryRead)
	if err != nil {
		return err
	}
	st, err := s.reg.OrgStats(r.Context(), o)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, st)
}

type memberJSON struct {
	ID           int64  `json:"id"`
	MemberNo     string `json:"member_no"`
	OrgCode      string `json:"org_code"`
	Type         string `json:"type"`
	Status       string `json:"status"`
	Name         string `json:"name"`
	NameEN       string `json:"name_en"`
	Pinyin       string `json:"pinyin"`
	Gender       string `json:"gender"`
	BirthDate    string `json:"birth_date"`
	IDType       string `json:"id_type"`
	IDNumber     string `json:"id_number_masked"`
	Nationality  string `json:"nationality"`
	Discipline   string `json:"discipline"`
	Title        string `json:"title"`
	Employer     string `json:"employer"`
	FrontLine    bool   `json:"front_line"`
	Email        string `json:"email"`
	Phone        string `json:"phone"`
	Joined       string `json:"joined"`
	LastDuesPaid string `json:"last_dues_paid"`
	LastActivity string `json:"last_activity"`
	ExemptUntil  string `json:"exempt_until"`
	ExemptReason string `json:"exempt_reason"`
}

func toMemberJSON(m membership.Member) memberJSON {
	r := m.Record
	return memberJSON{ID: m.ID, MemberNo: r.MemberNo, OrgCode: r.OrgCode, Type: string(r.Type), Status: string(r.Status), Name: r.Name, NameEN: r.NameEN,
		Pinyin: r.Pinyin, Gender: r.Gender, BirthDate: r.BirthDate, IDType: r.IDType, IDNumber: r.IDMasked, Nationality: r.Nationality,
		Discipline: r.Discipline, Title: r.Title, Employer: r.Employer, FrontLine: r.FrontLine, Email: r.Email, Phone: r.Phone,
		Joined: r.Joined, LastDuesPaid: r.LastDuesPaid, LastActivity: r.LastActivity, ExemptUntil: m.Exempt, ExemptReason: m.ExemptReason}
}

func (s *Server) apiMembers(w http.ResponseWriter, r *http.Request, rq *request) error {
	f, err := s.memberFilter(r, rq)
	if err != nil {
		return err
	}
	offset, limit, err := pageQuery(r)
	if err != nil {
		return err
	}
	ms, err := s.mem.SearchMembers(r.Context(), rq.Actor(r), f, offset, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"members": memberList(ms)})
}

func memberList(ms []membership.Member) []memberJSON {
	out := []memberJSON{}
	for _, m := range ms {
		out = append(out, toMemberJSON(m))
	}
	return out
}

func (s *Server) apiMember(w http.ResponseWriter, r *http.Request, rq *request) error {
	m, err := s.visibleMember(r, rq, kexie.PermMembershipRead)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toMemberJSON(m))
}
