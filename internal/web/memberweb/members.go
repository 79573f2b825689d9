package memberweb

import (
	"bytes"
	"github.com/kexie/kexie/internal/finance"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/kexie/kexie/internal/i18n"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/memberfile"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/web"
)

// memberFilter reads the list filters shared by the page, the API and the
// export. org names an organisation the caller must be able to read.
func (s *handlers) memberFilter(r *http.Request, rq *web.Request) (membership.MemberFilter, error) {
	q := r.URL.Query()
	f := membership.MemberFilter{Q: strings.TrimSpace(q.Get("q")), Type: q.Get("type"), Status: q.Get("status"), Discipline: strings.TrimSpace(q.Get("discipline"))}
	if f.Type != "" {
		if _, err := kexie.ParseMemberType(f.Type); err != nil {
			return f, err
		}
	}
	if f.Status != "" {
		if _, err := kexie.ParseMemberStatus(f.Status); err != nil {
			return f, err
		}
	}
	if code := strings.TrimSpace(q.Get("org")); code != "" {
		o, err := s.reg.OrgByCode(r.Context(), code)
		if err == nil {
			var ok bool
			if ok, err = s.reg.May(r.Context(), rq.Actor(r), kexie.PermMembershipRead, o.ID); err == nil && !ok {
				err = kexie.ErrNotFound
			}
		}
		if err != nil {
			return f, kexie.Errorf(kexie.CodeNotFound, "err.org_not_found", "no organisation with code %q", code)
		}
		f.OrgID = o.ID
	}
	return f, nil
}

type membersData struct {
	Q         url.Values
	Members   []membership.Member
	Pager     web.Pager
	Types     []kexie.MemberType
	Statuses  []kexie.MemberStatus
	ExportURL string
	// ExportXLSXURL: the same list as a sheet for people.
	ExportXLSXURL string
	// CanImport: the user may write somewhere, so the import is offered.
	CanImport bool
}

const membersPerPage = 50

func (s *handlers) membersPage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	d := membersData{Q: r.URL.Query(), Types: kexie.MemberTypes, Statuses: kexie.MemberStatuses}
	f, err := s.memberFilter(r, rq)
	if err != nil {
		if kexie.ErrorCode(err) == kexie.CodeInternal {
			return err
		}
		p := s.NewPage(r, rq, "members.title", d)
		p.Error = web.Message(rq.L, kexie.AsError(err))
		return s.Render(w, web.HTTPStatus(kexie.ErrorCode(err)), "members", p)
	}
	page := web.PageParam(r)
	ms, err := s.mem.SearchMembers(r.Context(), rq.Actor(r), f, (page-1)*membersPerPage, membersPerPage)
	if err != nil {
		return err
	}
	total, err := s.mem.CountMembers(r.Context(), rq.Actor(r), f)
	if err != nil {
		return err
	}
	d.Members = ms
	d.Pager = web.NewPager(r, page, membersPerPage, total)
	ex := r.URL.Query()
	ex.Del("page")
	d.ExportURL = "/export/members.csv?" + ex.Encode()
	d.ExportXLSXURL = "/export/members.xlsx?" + ex.Encode()
	if d.CanImport, err = s.db.HoldsAnywhere(r.Context(), rq.User.ID, kexie.PermMembershipWrite); err != nil {
		return err
	}
	return s.Render(w, http.StatusOK, "members", s.NewPage(r, rq, "members.title", d))
}

type memberData struct {
	M membership.Member
	// Duplicates: other memberships whose holder has the same identity
	// document, among those the viewer may read.
	Duplicates []membership.Member
	History    []membership.MemberEvent
	Dues       [][4]string
	Parts      [][4]string
	CanEdit    bool
	Revealed   string
	Today      string
	Form       url.Values
	// The dues standard in force today for this membership, if any.
	Standard    duesRow
	HasStandard bool
}

func (s *handlers) memberPage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.renderMember(w, r, rq, http.StatusOK, "", "")
}

func (s *handlers) renderMember(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, revealed, errMsg string) error {
	m, err := web.LoadByID(r, rq, kexie.PermMembershipRead, s.mem.Member)
	if err != nil {
		return err
	}
	ctx := r.Context()
	d := memberData{M: m, Revealed: revealed, Today: s.Today(), Form: rq.Form}
	if d.History, err = s.mem.MemberHistory(ctx, m.ID); err != nil {
		return err
	}
	if d.Dues, err = s.mem.Dues(ctx, m.ID); err != nil {
		return err
	}
	if d.Parts, err = s.mem.Participations(ctx, m.ID); err != nil {
		return err
	}
	std, ok, err := s.mem.DuesStandardFor(ctx, m.ID, s.Day())
	if err != nil {
		return err
	}
	d.Standard, d.HasStandard = duesRow{DuesStandard: std, State: "in_force"}, ok
	if d.CanEdit, err = s.reg.May(ctx, rq.Actor(r), kexie.PermMembershipWrite, m.OrgID); err != nil {
		return err
	}
	if d.Duplicates, err = s.mem.PossibleDuplicates(ctx, rq.Actor(r), m.ID); err != nil {
		return err
	}
	p := s.NewPage(r, rq, "members.title", d)
	p.Title = m.Record.Name
	p.Error = errMsg
	return s.Render(w, status, "member", p)
}

// memberAction runs one change on a membership from its page and comes
// back to it, with the error and the form as typed when it fails.
func (s *handlers) memberAction(fn func(r *http.Request, rq *web.Request, m membership.Member) error) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
		m, err := web.LoadByID(r, rq, kexie.PermMembershipWrite, s.mem.Member)
		if err != nil {
			return err
		}
		if err := fn(r, rq, m); err != nil {
			switch kexie.ErrorCode(err) {
			case kexie.CodeInvalid, kexie.CodeConflict:
				rq.Form = r.PostForm
				return s.renderMember(w, r, rq, web.HTTPStatus(kexie.ErrorCode(err)), "", web.Message(rq.L, kexie.AsError(err)))
			}
			return err
		}
		s.RedirectFlash(w, r, "/members/"+strconv.FormatInt(m.ID, 10), "flash.member_changed")
		return nil
	}
}

func (s *handlers) memberStatus(r *http.Request, rq *web.Request, m membership.Member) error {
	f := r.PostForm
	return s.mem.ChangeMemberStatus(r.Context(), rq.Actor(r), m.ID, membership.MemberChange{Status: kexie.MemberStatus(f.Get("status")),
		Happened: strings.TrimSpace(f.Get("date")), Reason: f.Get("reason"), CardReturned: f.Get("card_returned") != "", Resolution: f.Get("resolution")})
}

func (s *handlers) memberExemption(r *http.Request, rq *web.Request, m membership.Member) error {
	return s.mem.SetExemption(r.Context(), rq.Actor(r), m.ID, strings.TrimSpace(r.PostForm.Get("until")), r.PostForm.Get("reason"))
}

func (s *handlers) memberDues(r *http.Request, rq *web.Request, m membership.Member) error {
	fen, err := yuanFen(r.PostForm.Get("amount"))
	if err != nil {
		return err
	}
	f := r.PostForm
	_, err = s.fin.ReceiveDues(r.Context(), rq.Actor(r), m.ID, finance.DuesPayment{Date: strings.TrimSpace(f.Get("date")), Amount: kexie.Money(fen),
		Period: f.Get("period"), Method: f.Get("method"), Receipt: f.Get("receipt")})
	return err
}

func (s *handlers) memberParticipation(r *http.Request, rq *web.Request, m membership.Member) error {
	return s.mem.RecordParticipation(r.Context(), rq.Actor(r), m.ID, strings.TrimSpace(r.PostForm.Get("date")), r.PostForm.Get("what"))
}

// revealID shows the member's identity number once, on this response,
// after the reason has been written to the audit log.
func (s *handlers) revealID(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	m, err := web.LoadByID(r, rq, kexie.PermMembershipWrite, s.mem.Member)
	if err != nil {
		return err
	}
	num, err := s.mem.RevealID(r.Context(), rq.Actor(r), m.ID, r.PostForm.Get("reason"), s.Config().Sealer)
	if err != nil {
		if kexie.ErrorCode(err) == kexie.CodeInvalid {
			return s.renderMember(w, r, rq, http.StatusBadRequest, "", web.Message(rq.L, kexie.AsError(err)))
		}
		return err
	}
	return s.renderMember(w, r, rq, http.StatusOK, num, "")
}

func (s *handlers) exportMembers(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	f, err := s.memberFilter(r, rq)
	if err != nil {
		return err
	}
	each := func(row func(m membership.Member) error) error {
		for off := 0; ; off += 1000 {
			ms, err := s.mem.SearchMembers(r.Context(), rq.Actor(r), f, off, 1000)
			if err != nil {
				return err
			}
			for _, m := range ms {
				if err := row(m); err != nil {
					return err
				}
			}
			if len(ms) < 1000 {
				return nil
			}
		}
	}
	var buf bytes.Buffer
	name, ct := "members.csv", "text/csv; charset=utf-8"
	if strings.HasSuffix(r.URL.Path, ".xlsx") {
		name, ct = "members.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		if err := memberSheet(&buf, rq, each); err != nil {
			return err
		}
	} else {
		wr, err := memberfile.NewWriter(name, &buf)
		if err != nil {
			return err
		}
		if err := each(func(m membership.Member) error { return wr.Write(memberfile.Values(m.Record)) }); err != nil {
			return err
		}
		if err := wr.Close(); err != nil {
			return err
		}
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, err = w.Write(buf.Bytes())
	return err
}

// memberSheet writes members as an XLSX sheet for people: every column of
// the member file (identity numbers masked, as on the CSV export), each
// coded value followed by its name.
func memberSheet(w io.Writer, rq *web.Request, each func(func(membership.Member) error) error) error {
	return WriteMemberSheet(w, rq.L, func(row func(kexie.MemberRecord) error) error {
		return each(func(m membership.Member) error { return row(m.Record) })
	})
}

// WriteMemberSheet writes member records as the XLSX sheet for people in
// l's language (the web export's, and `kexie export members OUT.xlsx`'s):
// each calls row with every record to write, its identity number as the
// caller has it (masked, or revealed by the command line with a reason).
func WriteMemberSheet(w io.Writer, l *i18n.Localizer, each func(row func(kexie.MemberRecord) error) error) error {
	coded := map[string]string{"type": "mtype.", "gender": "gender.", "id_type": "idtype.", "status": "mstatus."}
	widths := map[string]float64{"name": 14, "name_en": 20, "employer": 30, "email": 26, "discipline": 16, "id_number": 22, "credit_code": 22}
	var fields []web.SheetField
	for _, c := range memberfile.Columns {
		fields = append(fields, web.SheetField{Code: c, Label: l.T("col.member." + c), Coded: coded[c], Width: widths[c]})
	}
	frontLine := slices.Index(memberfile.Columns, "front_line")
	return web.WriteSheet(w, l, l.T("export.sheet_members"), fields, func(row func([]string) error) error {
		return each(func(m kexie.MemberRecord) error {
			vals := memberfile.Values(m)
			vals[frontLine] = web.YesNo(l, m.FrontLine)
			return row(vals)
		})
	})
}

type lapseData struct {
	AsOf    string
	List    []membership.Lapse
	ToApply int // how many the caller may mark lapsed as of AsOf (0: nothing is offered)
	Done    int
	Pager   web.Pager
}

const lapsePerPage = 100

// lapsePage lists who lapses as of a day in the caller's subtrees, for
// review; the button applies it to those the caller may change.
func (s *handlers) lapsePage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	asOf := r.URL.Query().Get("as_of")
	if r.Method == http.MethodPost {
		asOf = r.PostForm.Get("as_of")
	}
	if asOf == "" {
		asOf = s.Today()
	}
	day, err := kexie.ParseDate(asOf)
	if err != nil {
		return err
	}
	d := lapseData{AsOf: asOf}
	if r.Method == http.MethodPost {
		// Only where the caller may change memberships, in the same query.
		mine, err := s.mem.LapsesWhere(r.Context(), rq.Actor(r), day, kexie.PermMembershipWrite)
		if err != nil {
			return err
		}
		if err := s.mem.ApplyLapses(r.Context(), rq.Actor(r), day, mine); err != nil {
			return err
		}
		d.Done = len(mine)
	}
	all, err := s.mem.Lapses(r.Context(), rq.Actor(r), day)
	if err != nil {
		return err
	}
	// The rule runs in Go over every active membership, so the whole list
	// is at hand: a page is a slice of it.
	page := web.PageParam(r)
	if r.Method == http.MethodPost {
		page = 1
	}
	d.Pager = web.NewPager(r, page, lapsePerPage, len(all))
	d.List = all[min((page-1)*lapsePerPage, len(all)):min(page*lapsePerPage, len(all))]
	toApply, err := s.mem.LapsesToApply(r.Context(), rq.Actor(r), day)
	if err != nil {
		return err
	}
	d.ToApply = len(toApply)
	return s.Render(w, http.StatusOK, "lapse", s.NewPage(r, rq, "lapse.title", d))
}

// myMembership is a member's own record: the memberships of the holder
// their account is linked to, and nothing else.
func (s *handlers) myMembership(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	ms, err := s.mem.OwnMemberships(r.Context(), rq.User.ID)
	if err != nil {
		return err
	}
	return s.Render(w, http.StatusOK, "mymembership", s.NewPage(r, rq, "my.title", ms))
}

func (s *handlers) apiMyMembership(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	ms, err := s.mem.OwnMemberships(r.Context(), rq.User.ID)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"members": memberList(ms)})
}

// yuanFen reads an amount in yuan (kexie.ParseYuan: at most two decimals,
// exactly) as the integer fen the use cases take.
func yuanFen(s string) (int64, error) {
	m, err := kexie.ParseYuan(s)
	return m.Fen(), err
}

func (s *handlers) ackMemberFiling(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if err := s.mem.AcknowledgeMemberFiling(r.Context(), rq.Actor(r), id); err != nil {
		return err
	}
	s.RedirectFlash(w, r, "/filings", "flash.filing_acknowledged")
	return nil
}
