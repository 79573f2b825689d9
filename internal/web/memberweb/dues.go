package memberweb

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/web"
)

// Dues standards of an organisation: the page /orgs/{code}/dues and the
// API /api/v1/orgs/{code}/dues-standards, from the same use cases.

// duesRow is one standard as pages show it.
type duesRow struct {
	kexie.DuesStandard
	State string // in_force, upcoming or superseded, as of the page's day
}

// Yuan is the amount as typed and shown: yuan with two decimals.
func (r duesRow) Yuan() string { return kexie.FormatYuan(r.AmountFen) }

// duesCurrent is the standard in force for one member type, if any.
type duesCurrent struct {
	Type kexie.MemberType
	Std  *duesRow
}

type duesData struct {
	Org      kexie.Organisation
	Today    string
	Current  []duesCurrent
	History  []duesRow
	CanEdit  bool
	HasTypes bool // the organisation has members of its own
	Types    []kexie.MemberType
	Periods  []string
	Form     url.Values
}

// duesRows orders standards by member type (in kexie.MemberTypes order),
// keeping membership's newest-first order within a type, marks each one's
// state on day on, and picks the one in force for every type.
func duesRows(all []kexie.DuesStandard, on time.Time) ([]duesRow, []duesCurrent) {
	y, m, d := on.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC) // the calendar day, as effective dates are
	var rows []duesRow
	var cur []duesCurrent
	for _, t := range kexie.MemberTypes {
		inForce, ok := kexie.StandardInForce(all, t, on)
		c := duesCurrent{Type: t}
		for _, s := range all {
			if s.Type != t {
				continue
			}
			r := duesRow{DuesStandard: s, State: "superseded"}
			switch from, _ := kexie.ParseDate(s.EffectiveFrom); {
			case ok && s.ID == inForce.ID:
				r.State = "in_force"
				c.Std = &r
			case from.After(day):
				r.State = "upcoming"
			}
			rows = append(rows, r)
		}
		cur = append(cur, c)
	}
	return rows, cur
}

func (s *handlers) duesPage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.renderDues(w, r, rq, http.StatusOK, "")
}

func (s *handlers) renderDues(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, errMsg string) error {
	o, err := web.LoadByCode(r, rq, kexie.PermMembershipRead, s.reg.Org)
	if err != nil {
		return err
	}
	ctx := r.Context()
	now := s.Day()
	d := duesData{Org: o, Today: now.Format("2006-01-02"), HasTypes: o.Kind.IsMember(), Types: kexie.MemberTypes, Periods: kexie.DuesPeriods, Form: rq.Form}
	all, err := s.mem.DuesStandards(ctx, o.ID)
	if err != nil {
		return err
	}
	d.History, d.Current = duesRows(all, now)
	if d.CanEdit, err = s.reg.May(ctx, rq.Actor(r), kexie.PermMembershipWrite, o.ID); err != nil {
		return err
	}
	p := s.NewPage(r, rq, "dues.title", d)
	p.Title = rq.L.T("dues.title") + " · " + o.Name(rq.L.Lang)
	p.Error = errMsg
	return s.Render(w, status, "dues", p)
}

// setDuesStandard adds a standard from the page's form: the amount typed in
// yuan (at most two decimals), stored in fen.
func (s *handlers) setDuesStandard(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := web.LoadByCode(r, rq, kexie.PermMembershipWrite, s.reg.Org)
	if err != nil {
		return err
	}
	f := r.PostForm
	fen, err := yuanFen(f.Get("amount"))
	if err == nil {
		_, err = s.mem.SetDuesStandard(r.Context(), rq.Actor(r), o.ID, membership.NewDuesStandard{Type: kexie.MemberType(f.Get("type")), AmountFen: fen,
			Period: f.Get("period"), EffectiveFrom: f.Get("effective_from"), Note: f.Get("note")})
	}
	if err != nil {
		switch kexie.ErrorCode(err) {
		case kexie.CodeInvalid, kexie.CodeConflict:
			rq.Form = f
			return s.renderDues(w, r, rq, web.HTTPStatus(kexie.ErrorCode(err)), web.Message(rq.L, kexie.AsError(err)))
		}
		return err
	}
	s.RedirectFlash(w, r, "/orgs/"+o.Code+"/dues", "flash.dues_standard_set")
	return nil
}

// duesStandardJSON is a standard in the API. Amounts are whole fen; amount
// repeats it in yuan, as text, for display.
type duesStandardJSON struct {
	ID            int64     `json:"id"`
	OrgCode       string    `json:"org_code"`
	Type          string    `json:"type"`
	AmountFen     int64     `json:"amount_fen"`
	Amount        string    `json:"amount"`
	Period        string    `json:"period"`
	EffectiveFrom string    `json:"effective_from"`
	InForce       bool      `json:"in_force"`
	SetBy         string    `json:"set_by"`
	Note          string    `json:"note"`
	CreatedAt     time.Time `json:"created_at"`
}

func toDuesStandardJSON(r duesRow) duesStandardJSON {
	s := r.DuesStandard
	return duesStandardJSON{ID: s.ID, OrgCode: s.OrgCode, Type: string(s.Type), AmountFen: s.AmountFen, Amount: r.Yuan(), Period: s.Period,
		EffectiveFrom: s.EffectiveFrom, InForce: r.State == "in_force", SetBy: s.SetBy, Note: s.Note, CreatedAt: s.CreatedAt}
}

// apiDuesStandards lists an organisation's standards (the history), each
// marked in_force on the day on (default today).
func (s *handlers) apiDuesStandards(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := web.LoadByCode(r, rq, kexie.PermMembershipRead, s.reg.Org)
	if err != nil {
		return err
	}
	on := s.Day()
	if q := strings.TrimSpace(r.URL.Query().Get("on")); q != "" {
		d, err := kexie.ParseDate(q)
		if err != nil {
			return err
		}
		on = d
	}
	all, err := s.mem.DuesStandards(r.Context(), o.ID)
	if err != nil {
		return err
	}
	rows, _ := duesRows(all, on)
	out := []duesStandardJSON{}
	for _, row := range rows {
		out = append(out, toDuesStandardJSON(row))
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"org_code": o.Code, "on": on.Format("2006-01-02"), "standards": out})
}

func (s *handlers) apiSetDuesStandard(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := web.LoadByCode(r, rq, kexie.PermMembershipWrite, s.reg.Org)
	if err != nil {
		return err
	}
	var in struct {
		Type          string `json:"type"`
		AmountFen     *int64 `json:"amount_fen"`
		Period        string `json:"period"`
		EffectiveFrom string `json:"effective_from"`
		Note          string `json:"note"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if in.AmountFen == nil {
		return kexie.Errorf(kexie.CodeInvalid, "err.amount_fen", "amount_fen is a whole number of fen (1/100 yuan), zero to %d", membership.MaxDuesFen)
	}
	std, err := s.mem.SetDuesStandard(r.Context(), rq.Actor(r), o.ID, membership.NewDuesStandard{Type: kexie.MemberType(in.Type), AmountFen: *in.AmountFen,
		Period: in.Period, EffectiveFrom: in.EffectiveFrom, Note: in.Note})
	if err != nil {
		return err
	}
	// Whether it is in force today depends on the others of its type.
	all, err := s.mem.DuesStandards(r.Context(), o.ID)
	if err != nil {
		return err
	}
	row := duesRow{DuesStandard: std}
	if cur, ok := kexie.StandardInForce(all, std.Type, s.Day()); ok && cur.ID == std.ID {
		row.State = "in_force"
	}
	return web.WriteJSON(w, http.StatusCreated, toDuesStandardJSON(row))
}
