package awardsweb

import (
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/kexie/kexie/internal/awardrule"
	"github.com/kexie/kexie/internal/awards"
	"github.com/kexie/kexie/internal/charter"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/web"
)

// perPage is the length of a page of nominations or objections.
const perPage = 20

func invalidForm() error { return kexie.Errorf(kexie.CodeInvalid, "err.invalid", "invalid input") }

// redirect goes to path after a change, with the flash that says what
// was done (in a cookie read once: no message key in a URL).
func (s *handlers) redirect(w http.ResponseWriter, r *http.Request, path, flash string) error {
	s.RedirectFlash(w, r, path, flash)
	return nil
}

// formPost runs a page's form: the path's id and the parsed form go to
// act, which makes the change through the awards domain (the domain
// checks the caller's permission on the object before it looks at the
// input) and names the page to go to; the flash says what was done.
func (s *handlers) formPost(w http.ResponseWriter, r *http.Request, flash string, act func(id int64, f url.Values) (string, error)) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return invalidForm()
	}
	to, err := act(id, r.PostForm)
	if err != nil {
		return err
	}
	return s.redirect(w, r, to, flash)
}

// roundPost is formPost for a round the caller runs, loaded before the
// form is read; it goes back to the round's page.
func (s *handlers) roundPost(w http.ResponseWriter, r *http.Request, rq *web.Request, flash string, act func(rd awards.Round, f url.Values) error) error {
	return s.formPost(w, r, flash, func(id int64, f url.Values) (string, error) {
		rd, _, err := s.aw.Round(r.Context(), rq.Actor(r), kexie.PermAwardsManage, id)
		if err != nil {
			return "", err
		}
		return s.roundPath(rd.ID), act(rd, f)
	})
}

// programmePost is formPost for a programme the caller runs, loaded
// before the form is read; act names the page to go to.
func (s *handlers) programmePost(w http.ResponseWriter, r *http.Request, rq *web.Request, flash string, act func(p awards.Programme, f url.Values) (string, error)) error {
	return s.formPost(w, r, flash, func(id int64, f url.Values) (string, error) {
		p, err := s.aw.Programme(r.Context(), rq.Actor(r), kexie.PermAwardsManage, id)
		if err != nil {
			return "", err
		}
		return act(p, f)
	})
}

// nominationPage is the round page of nomination id, after a change to it.
func (s *handlers) nominationPage(r *http.Request, rq *web.Request, id int64) (string, error) {
	n, err := s.aw.Nomination(r.Context(), rq.Actor(r), id)
	if err != nil {
		return "", err
	}
	return s.roundPath(n.RoundID), nil
}

// named picks the name in the page's language, falling back to Chinese.
func named(lang, zh, en string) string {
	if lang == "en" && en != "" {
		return en
	}
	return zh
}

type gradeView struct{ Code, Name, Cap string }

func grades(lang string, gs []awardrule.Grade) []gradeView {
	var out []gradeView
	for _, g := range gs {
		v := gradeView{Code: g.Code, Name: named(lang, g.NameZH, g.NameEN)}
		if v.Name == "" {
			v.Name = g.Code
		}
		switch {
		case g.Cap.Share != nil:
			v.Cap = big.NewRat(g.Cap.Share.Num*100, g.Cap.Share.Den).FloatString(2) + "%"
		case g.Cap.Count > 0:
			v.Cap = strconv.Itoa(g.Cap.Count)
		}
		out = append(out, v)
	}
	return out
}

func gradeName(gs []gradeView, code string) string {
	for _, g := range gs {
		if g.Code == code {
			return g.Name
		}
	}
	return code
}

// ---- the award desk: rounds one runs or nominates in, programmes ----

type deskPage struct {
	Rounds     []awards.RoundItem
	Programmes []awards.Programme
	Public     []awards.RoundItem
	CanManage  bool
	CanReview  bool // an expert's account: the link to their reviews leads somewhere
	Lang       string
}

// deskPage is /awards: the rounds the caller runs or nominates in, the
// programmes they run with a form for a new one, the public lists.
func (s *handlers) deskPage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	d := deskPage{Lang: rq.L.Lang}
	var err error
	if d.Rounds, err = s.aw.RoundsFor(r.Context(), rq.Actor(r)); err != nil {
		return err
	}
	if d.Programmes, err = s.aw.Programmes(r.Context(), rq.Actor(r)); err != nil {
		return err
	}
	for _, g := range rq.User.Grants {
		if kexie.RoleGrants(g.Role, kexie.PermAwardsManage) {
			d.CanManage = true
		}
		if kexie.RoleGrants(g.Role, kexie.PermAwardsReview) {
			d.CanReview = true
		}
	}
	if d.Public, err = s.aw.PublicRounds(r.Context()); err != nil {
		return err
	}
	return s.Render(w, http.StatusOK, "awards", s.NewPage(r, rq, "aw.title", d))
}

// pipeLines splits a form's text into its non-empty lines and each line
// into its fields at "|", trimmed, with empty fields added up to n.
func pipeLines(text string, n int) [][]string {
	var out [][]string
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, "|")
		for len(f) < n {
			f = append(f, "")
		}
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		out = append(out, f)
	}
	return out
}

// parseGrades reads grade lines "code | 中文名 | English | cap", the cap a
// count ("3"), a percentage ("15%"), or empty.
func parseGrades(text string) ([]awardrule.Grade, error) {
	var out []awardrule.Grade
	for _, f := range pipeLines(text, 4) {
		g := awardrule.Grade{Code: f[0], NameZH: f[1], NameEN: f[2]}
		c := f[3]
		switch {
		case c == "":
		case strings.HasSuffix(c, "%"):
			q, ok := new(big.Rat).SetString(strings.TrimSuffix(c, "%"))
			if !ok || q.Sign() < 0 {
				return nil, kexie.Errorf(kexie.CodeInvalid, "err.award_grade_line", "grade %v: the cap is a count or a percentage", g.Code)
			}
			q.Quo(q, big.NewRat(100, 1))
			if !q.Num().IsInt64() || !q.Denom().IsInt64() {
				return nil, kexie.Errorf(kexie.CodeInvalid, "err.award_grade_line", "grade %v: the cap is a count or a percentage", g.Code)
			}
			g.Cap.Share = &awardrule.Share{Num: q.Num().Int64(), Den: q.Denom().Int64()}
		default:
			n, err := strconv.Atoi(c)
			if err != nil || n < 0 {
				return nil, kexie.Errorf(kexie.CodeInvalid, "err.award_grade_line", "grade %v: the cap is a count or a percentage", g.Code)
			}
			g.Cap.Count = n
		}
		out = append(out, g)
	}
	return out, nil
}

// parseForm reads criteria lines "code | 中文名 | English | weight | max".
func parseCriteria(text string) ([]awardrule.Criterion, error) {
	var out []awardrule.Criterion
	for _, f := range pipeLines(text, 0) {
		if len(f) != 5 {
			return nil, kexie.Errorf(kexie.CodeInvalid, "err.award_criterion_line", "a criterion is: code | Chinese name | English name | weight | maximum")
		}
		wt, err1 := strconv.ParseInt(f[3], 10, 64)
		mx, err2 := strconv.ParseInt(f[4], 10, 64)
		if err1 != nil || err2 != nil {
			return nil, kexie.Errorf(kexie.CodeInvalid, "err.award_criterion_line", "a criterion is: code | Chinese name | English name | weight | maximum")
		}
		out = append(out, awardrule.Criterion{Code: f[0], NameZH: f[1], NameEN: f[2], Weight: wt, Max: mx})
	}
	return out, nil
}

func atoi(s string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(s))
	return n
}

// createProgrammePost establishes a programme from the desk's form.
func (s *handlers) createProgrammePost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	if err := r.ParseForm(); err != nil {
		return invalidForm()
	}
	f := r.PostForm
	o, err := s.reg.Org(r.Context(), rq.Actor(r), kexie.PermAwardsManage, strings.TrimSpace(f.Get("org_code")))
	if err != nil {
		return err
	}
	p := awards.Programme{OrgID: o.ID, Code: strings.TrimSpace(f.Get("code")), NameZH: f.Get("name_zh"), NameEN: f.Get("name_en"),
		CycleYears: atoi(f.Get("cycle_years")), TotalCap: atoi(f.Get("total_cap")), Uniqueness: f.Get("uniqueness"), COIYears: atoi(f.Get("coi_years"))}
	for _, b := range strings.Split(f.Get("bodies"), "\n") {
		if b = strings.TrimSpace(b); b != "" {
			p.Bodies = append(p.Bodies, awards.Body{Name: b})
		}
	}
	if p.Grades, err = parseGrades(f.Get("grades")); err != nil {
		return err
	}
	if p.Form, err = parseCriteria(f.Get("form")); err != nil {
		return err
	}
	p.Eligibility = awardrule.Eligibility{MaxAge: atoi(f.Get("max_age")), AgeOn: strings.TrimSpace(f.Get("age_on")), MembershipRequired: f.Get("membership_required") != ""}
	p, err = s.aw.CreateProgramme(r.Context(), rq.Actor(r), p)
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/award-programmes/%d", p.ID), "flash.award_programme_created")
}

// ---- a programme: rounds, experts ----

type programmePage struct {
	P       awards.Programme
	Name    string
	Grades  []gradeView
	Rounds  []awards.Round
	Experts []awards.Expert
}

func (s *handlers) programmePage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	p, err := web.LoadByID(r, rq, kexie.PermAwardsManage, s.aw.Programme)
	if err != nil {
		return err
	}
	d := programmePage{P: p, Name: named(rq.L.Lang, p.NameZH, p.NameEN), Grades: grades(rq.L.Lang, p.Grades)}
	if d.Rounds, err = s.aw.Rounds(r.Context(), p.ID); err != nil {
		return err
	}
	if d.Experts, err = s.aw.Experts(r.Context(), rq.Actor(r), p.ID); err != nil {
		return err
	}
	return s.Render(w, http.StatusOK, "award_programme", s.NewPage(r, rq, "aw.programme", d))
}

// parseUnits reads unit lines "CODE quota".
func (s *handlers) parseUnits(r *http.Request, text string) ([]awards.Unit, error) {
	var in []unitIn
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) != 2 {
			return nil, kexie.Errorf(kexie.CodeInvalid, "err.award_unit_line", "a unit is its code and quota, one to a line")
		}
		in = append(in, unitIn{OrgCode: f[0], Quota: atoi(f[1])})
	}
	return s.units(r.Context(), in)
}

func day(s string) (kexie.Date, error) {
	if strings.TrimSpace(s) == "" {
		return kexie.Date{}, nil
	}
	d, err := kexie.ParseDay(strings.TrimSpace(s))
	if err != nil {
		return d, kexie.Errorf(kexie.CodeInvalid, "err.date_full", "%v is not a date written YYYY-MM-DD.", kexie.Excerpt(s))
	}
	return d, nil
}

func (s *handlers) createRoundPost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.programmePost(w, r, rq, "flash.award_round_created", func(p awards.Programme, f url.Values) (string, error) {
		var err error
		rd := awards.Round{Year: atoi(f.Get("year")), PublicityDays: atoi(f.Get("publicity_days")), ExpertsPer: atoi(f.Get("experts_per")), HideNominee: f.Get("hide_nominee") != ""}
		for k, d := range map[string]*kexie.Date{"nominate_from": &rd.NominateFrom, "nominate_to": &rd.NominateTo, "check_by": &rd.CheckBy, "review_by": &rd.ReviewBy, "decide_by": &rd.DecideBy} {
			if *d, err = day(f.Get(k)); err != nil {
				return "", err
			}
		}
		if rd.Units, err = s.parseUnits(r, f.Get("units")); err != nil {
			return "", err
		}
		if rd, err = s.aw.CreateRound(r.Context(), rq.Actor(r), p.ID, rd); err != nil {
			return "", err
		}
		return s.roundPath(rd.ID), nil
	})
}

func (s *handlers) addExpertPost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.programmePost(w, r, rq, "flash.award_expert_added", func(p awards.Programme, f url.Values) (string, error) {
		var err error
		e := awards.Expert{Name: f.Get("name"), Employer: f.Get("employer"), Fields: f.Get("fields"), IDNumber: strings.TrimSpace(f.Get("id_number"))}
		if u := strings.TrimSpace(f.Get("user_id")); u != "" {
			if e.UserID, err = strconv.ParseInt(u, 10, 64); err != nil {
				return "", invalidForm()
			}
		}
		_, err = s.aw.AddExpert(r.Context(), rq.Actor(r), p.ID, e, s.Config().Sealer)
		return fmt.Sprintf("/award-programmes/%d", p.ID), err
	})
}

// ---- a round: the office's and the units' page ----

type rankRow struct {
	awards.Standing
	Place     int
	GradeName string
}

type roundPage struct {
	R           awards.Round
	P           awards.Programme
	Name        string
	Manage      bool
	Grades      []gradeView
	Stage       string
	Until       string
	Nominations []awards.Nomination
	Total       int
	Prev, Next  string
	Ranking     []rankRow
	Ties        []awardrule.Tie
	Objections  []awards.Objection
	CanNominate []awards.Unit
	Assigned    *awards.AssignResult
	Higher      []awards.Round // open rounds of the higher programme, for the winners
	Attachments map[int64][]awards.Attachment
	Experts     []awards.Expert
	UnitsText   string
	Stages      []stageView
	StagesText  string
	StagesLeft  bool // the review has a stage after the one under way
	AtPanel     bool // the review is at its panel
}

// stageView is a review stage on the round page.
type stageView struct {
	awards.Stage
	Name    string
	Current bool
}

func (s *handlers) roundPage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.showRound(w, r, rq, nil)
}

func (s *handlers) showRound(w http.ResponseWriter, r *http.Request, rq *web.Request, res *awards.AssignResult) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	rd, p, manage, err := s.aw.RoundFor(r.Context(), rq.Actor(r), id)
	if err != nil {
		return err
	}
	d := roundPage{R: rd, P: p, Name: named(rq.L.Lang, p.NameZH, p.NameEN), Manage: manage, Grades: grades(rq.L.Lang, p.Grades), Assigned: res}
	if e := rd.PublicityEnd(); !e.IsZero() {
		d.Until = e.String()
	}
	ns, err := s.aw.Nominations(r.Context(), rq.Actor(r), id)
	if err != nil {
		return err
	}
	d.Total = len(ns)
	page := web.PageParam(r)
	d.Nominations = ns[min((page-1)*perPage, len(ns)):min(page*perPage, len(ns))]
	d.Prev, d.Next = web.PageLinks(r, page, page*perPage < len(ns))
	d.Attachments = map[int64][]awards.Attachment{}
	for _, n := range d.Nominations {
		if d.Attachments[n.ID], err = s.aw.Attachments(r.Context(), rq.Actor(r), n.ID); err != nil {
			return err
		}
	}
	st, err := s.aw.Stages(r.Context(), rq.Actor(r), id)
	if err != nil {
		return err
	}
	for _, x := range st {
		d.Stages = append(d.Stages, stageView{Stage: x, Name: named(rq.L.Lang, x.NameZH, x.NameEN), Current: rd.Stage == "review" && x.Seq == rd.ReviewStage})
		line := x.Kind + " | " + x.NameZH + " | " + x.NameEN
		if x.MeetingID != 0 {
			line += " | " + strconv.FormatInt(x.MeetingID, 10)
		}
		d.StagesText += line + "\n"
	}
	d.StagesLeft = rd.Stage == "review" && rd.ReviewStage < len(st)
	d.AtPanel = rd.Stage == "review" && st[min(rd.ReviewStage, len(st))-1].Kind == "panel"
	if rd.Stage == "nomination" {
		for _, u := range rd.Units {
			if u.Used < u.Quota {
				d.CanNominate = append(d.CanNominate, u)
			}
		}
	}
	if manage {
		for _, u := range rd.Units {
			d.UnitsText += fmt.Sprintf("%s %d\n", u.Code, u.Quota)
		}
		if rd.Stage == "review" || rd.Stage == "check" {
			if d.Experts, err = s.aw.Experts(r.Context(), rq.Actor(r), p.ID); err != nil {
				return err
			}
		}
		if rd.Stage == "review" || rd.Stage == "decision" {
			list, ties, err := s.aw.Ranking(r.Context(), rq.Actor(r), id)
			if err != nil {
				return err
			}
			for i, x := range list {
				d.Ranking = append(d.Ranking, rankRow{Standing: x, Place: i + 1, GradeName: gradeName(d.Grades, x.Grade)})
			}
			d.Ties = ties
		}
		if rd.Stage == "publicity" || rd.Stage == "announced" {
			if d.Objections, err = s.aw.Objections(r.Context(), rq.Actor(r), id); err != nil {
				return err
			}
		}
		if rd.Stage == "announced" && p.HigherID != 0 {
			hs, err := s.aw.Rounds(r.Context(), p.HigherID)
			if err != nil {
				return err
			}
			for _, h := range hs {
				if h.Stage == "nomination" {
					d.Higher = append(d.Higher, h)
				}
			}
		}
	}
	return s.Render(w, http.StatusOK, "award_round", s.NewPage(r, rq, "aw.round", d))
}

func (s *handlers) roundPath(id int64) string { return fmt.Sprintf("/award-rounds/%d", id) }

func (s *handlers) advancePost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.roundPost(w, r, rq, "flash.award_stage", func(rd awards.Round, _ url.Values) error {
		_, err := s.aw.Advance(r.Context(), rq.Actor(r), rd.ID)
		return err
	})
}

func (s *handlers) nominatePost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.formPost(w, r, "flash.award_nominated", func(id int64, f url.Values) (string, error) {
		in := nominateIn{UnitCode: f.Get("unit_code"), Nominee: awards.Nominee{Name: f.Get("name"), Gender: f.Get("gender"), IDNumber: f.Get("id_number"),
			Employer: f.Get("employer"), Field: f.Get("field"), Region: f.Get("region"), Achievements: f.Get("achievements"), Summary: f.Get("summary")}}
		_, err := s.nominate(r, rq, id, in, func(in *nominateIn) error {
			var err error
			for k, d := range map[string]*kexie.Date{"birth_date": &in.Birth, "unit_publicity_from": &in.UnitPubFrom, "unit_publicity_to": &in.UnitPubTo} {
				if *d, err = day(f.Get(k)); err != nil {
					return err
				}
			}
			return nil
		})
		return s.roundPath(id), err
	})
}

func (s *handlers) checkPost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.formPost(w, r, "flash.award_checked", func(id int64, f url.Values) (string, error) {
		if err := s.aw.FormalCheck(r.Context(), rq.Actor(r), id, f.Get("accept") == "1", f.Get("reason")); err != nil {
			return "", err
		}
		return s.nominationPage(r, rq, id)
	})
}

func (s *handlers) assignPost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	rd, _, err := s.managedRound(r, rq)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return invalidForm()
	}
	seed, _ := strconv.ParseUint(strings.TrimSpace(r.PostForm.Get("seed")), 10, 64)
	res, err := s.aw.Assign(r.Context(), rq.Actor(r), rd.ID, seed)
	if err != nil {
		return err
	}
	return s.showRound(w, r, rq, &res)
}

func (s *handlers) decidePost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.roundPost(w, r, rq, "flash.award_decided", func(rd awards.Round, f url.Values) error {
		gs := map[int64]string{}
		for k, v := range f {
			if id, ok := strings.CutPrefix(k, "grade_"); ok && len(v) > 0 && v[0] != "" {
				n, err := strconv.ParseInt(id, 10, 64)
				if err != nil {
					return invalidForm()
				}
				gs[n] = v[0]
			}
		}
		return s.aw.Decide(r.Context(), rq.Actor(r), rd.ID, gs, f.Get("resolution"))
	})
}

func (s *handlers) outcomePost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.formPost(w, r, "flash.award_objection_closed", func(id int64, f url.Values) (string, error) {
		if err := s.aw.CloseObjection(r.Context(), rq.Actor(r), id, f.Get("upheld") == "1", f.Get("reason")); err != nil {
			return "", err
		}
		round, err := strconv.ParseInt(f.Get("round"), 10, 64)
		if err != nil {
			return "/awards", nil
		}
		return s.roundPath(round), nil
	})
}

func (s *handlers) announcePost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.formPost(w, r, "flash.award_announced", func(id int64, _ url.Values) (string, error) {
		rd, _, err := s.aw.Round(r.Context(), rq.Actor(r), kexie.PermAwardsManage, id)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("/award-rounds/%d/publicity", rd.ID), s.aw.Announce(r.Context(), rq.Actor(r), rd.ID)
	})
}

// unitsPost replaces a round's units and quotas from the round page.
func (s *handlers) unitsPost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.roundPost(w, r, rq, "flash.award_units", func(rd awards.Round, f url.Values) error {
		us, err := s.parseUnits(r, f.Get("units"))
		if err != nil {
			return err
		}
		return s.aw.SetUnits(r.Context(), rq.Actor(r), rd.ID, us)
	})
}

// conflictPost pins or waives a conflict of an expert of the round's
// programme with one of its nominations.
func (s *handlers) conflictPost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.roundPost(w, r, rq, "flash.award_conflict", func(_ awards.Round, f url.Values) error {
		x, _ := strconv.ParseInt(f.Get("expert_id"), 10, 64)
		n, _ := strconv.ParseInt(f.Get("nomination_id"), 10, 64)
		return s.aw.SetConflict(r.Context(), rq.Actor(r), x, n, f.Get("mode"), f.Get("reason"))
	})
}

// stagesPost sets a round's review stages from lines "written | 名称 |
// name" and "panel | 名称 | name | meeting id".
func (s *handlers) stagesPost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.roundPost(w, r, rq, "flash.award_stages", func(rd awards.Round, f url.Values) error {
		list, err := parseStages(f.Get("stages"))
		if err != nil {
			return err
		}
		return s.aw.SetStages(r.Context(), rq.Actor(r), rd.ID, list)
	})
}

// parseStages reads stage lines "kind | 名称 | name [| meeting id]".
func parseStages(text string) ([]awards.Stage, error) {
	var out []awards.Stage
	for _, f := range pipeLines(text, 4) {
		st := awards.Stage{Kind: f[0], NameZH: f[1], NameEN: f[2]}
		if m := f[3]; m != "" {
			var err error
			if st.MeetingID, err = strconv.ParseInt(m, 10, 64); err != nil {
				return nil, kexie.Errorf(kexie.CodeInvalid, "err.award_panel_meeting", "a panel stage names the meeting that votes")
			}
		}
		out = append(out, st)
	}
	return out, nil
}

// reviewStagePost moves the round's review on to its next stage: the top
// so many, or those scoring at least a score.
func (s *handlers) reviewStagePost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.roundPost(w, r, rq, "flash.award_review_stage", func(rd awards.Round, f url.Values) error {
		a := awards.Advancing{MinScore: strings.TrimSpace(f.Get("min_score"))}
		if f.Get("by") == "top" {
			a = awards.Advancing{Top: atoi(f.Get("top"))}
		}
		return s.aw.AdvanceStage(r.Context(), rq.Actor(r), rd.ID, a)
	})
}

// panelPost puts a nomination to the panel's vote (open), or closes the
// vote (close, with the clerk's count for a vote counted by hand).
func (s *handlers) panelPost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.formPost(w, r, "flash.award_panel", func(id int64, f url.Values) (string, error) {
		var err error
		switch f.Get("do") {
		case "open":
			_, err = s.aw.OpenPanelVote(r.Context(), rq.Actor(r), id, f.Get("counted_by"))
		case "close":
			var clerk *charter.Tally
			if f.Get("yes") != "" || f.Get("no") != "" {
				clerk = &charter.Tally{Yes: atoi(f.Get("yes")), No: atoi(f.Get("no")), Abstain: atoi(f.Get("abstain"))}
			}
			_, err = s.aw.ClosePanelVote(r.Context(), rq.Actor(r), id, clerk)
		default:
			err = invalidForm()
		}
		if err != nil {
			return "", err
		}
		return s.nominationPage(r, rq, id)
	})
}

// relationPost imports a relation of an expert of the programme.
func (s *handlers) relationPost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.programmePost(w, r, rq, "flash.award_relation", func(p awards.Programme, f url.Values) (string, error) {
		x, _ := strconv.ParseInt(f.Get("expert_id"), 10, 64)
		rel := awards.Relation{IDNumber: strings.TrimSpace(f.Get("id_number")), Kind: f.Get("kind"), Year: atoi(f.Get("year"))}
		return fmt.Sprintf("/award-programmes/%d", p.ID), s.aw.AddRelation(r.Context(), rq.Actor(r), x, rel, s.Config().Sealer)
	})
}

// attachPost adds a PDF to a nomination from the round page's form.
func (s *handlers) attachPost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	n, err := s.aw.Nomination(r.Context(), rq.Actor(r), id)
	if err != nil {
		return err
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		return invalidForm()
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return kexie.Errorf(kexie.CodeInvalid, "err.award_attachment_pdf", "an attachment is a PDF file")
	}
	defer file.Close()
	b, err := io.ReadAll(io.LimitReader(file, awards.MaxAttachment+1))
	if err != nil {
		return invalidForm()
	}
	if _, err := s.aw.Attach(r.Context(), rq.Actor(r), id, hdr.Filename, b); err != nil {
		return err
	}
	return s.redirect(w, r, s.roundPath(n.RoundID), "flash.award_attached")
}

// attachmentFile sends an attachment to whoever may read the
// nomination's materials.
func (s *handlers) attachmentFile(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	a, b, err := s.aw.AttachmentFile(r.Context(), rq.Actor(r), id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(a.Name))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(b)
	return err
}

// recommendPost carries a winner on to a round of the higher programme.
func (s *handlers) recommendPost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.formPost(w, r, "flash.award_recommended", func(id int64, f url.Values) (string, error) {
		to, err := strconv.ParseInt(f.Get("round_id"), 10, 64)
		if err != nil {
			return "", invalidForm()
		}
		n, err := s.aw.Recommend(r.Context(), rq.Actor(r), id, to)
		return s.roundPath(n.RoundID), err
	})
}

// ---- the panel ----

// panelOf is the panel's view of the path's round for the caller.
func (s *handlers) panelOf(r *http.Request, rq *web.Request) (awards.PanelView, error) {
	id, err := web.PathID(r)
	if err != nil {
		return awards.PanelView{}, err
	}
	return s.aw.Panel(r.Context(), rq.Actor(r), id)
}

type panelPage struct {
	V     awards.PanelView
	Name  string
	Stage string
}

// panelPage shows the panel what it votes on: the nominations before it
// with the experts' names and scores, except those the viewer is in
// conflict with.
func (s *handlers) panelPage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	v, err := s.panelOf(r, rq)
	if err != nil {
		return err
	}
	d := panelPage{V: v, Name: named(rq.L.Lang, v.ProgrammeZH, v.ProgrammeEN), Stage: named(rq.L.Lang, v.Stage.NameZH, v.Stage.NameEN)}
	return s.Render(w, http.StatusOK, "award_panel", s.NewPage(r, rq, "aw.panel", d))
}

// ---- the expert's reviews ----

type reviewsPage struct{ Reviews []awards.Review }

func (s *handlers) reviewsPage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	vs, err := s.aw.MyReviews(r.Context(), rq.Actor(r))
	if err != nil {
		return err
	}
	return s.Render(w, http.StatusOK, "award_reviews", s.NewPage(r, rq, "aw.reviews", reviewsPage{Reviews: vs}))
}

type criterionView struct {
	awardrule.Criterion
	Name  string
	Score string
}

type reviewPage struct {
	V           awards.Review
	Criteria    []criterionView
	Open        bool
	Attachments []awards.Attachment
}

func (s *handlers) reviewPage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	v, err := s.aw.Review(r.Context(), rq.Actor(r), id)
	if err != nil {
		return err
	}
	d := reviewPage{V: v, Open: v.Status == "declared" || v.Status == "scored"}
	if d.Open {
		if d.Attachments, err = s.aw.Attachments(r.Context(), rq.Actor(r), v.NominationID); err != nil {
			return err
		}
	}
	for _, c := range v.Form {
		cv := criterionView{Criterion: c, Name: named(rq.L.Lang, c.NameZH, c.NameEN)}
		if cv.Name == "" {
			cv.Name = c.Code
		}
		if x, ok := v.Scores[c.Code]; ok {
			cv.Score = strconv.FormatInt(x, 10)
		}
		d.Criteria = append(d.Criteria, cv)
	}
	return s.Render(w, http.StatusOK, "award_review", s.NewPage(r, rq, "aw.review", d))
}

func (s *handlers) declarePost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.formPost(w, r, "flash.award_declared", func(id int64, f url.Values) (string, error) {
		if f.Get("recuse") == "1" {
			return fmt.Sprintf("/my/reviews/%d", id), s.aw.Recuse(r.Context(), rq.Actor(r), id, f.Get("reason"))
		}
		return fmt.Sprintf("/my/reviews/%d", id), s.aw.Declare(r.Context(), rq.Actor(r), id, f.Get("conflict") == "1", f.Get("reason"))
	})
}

func (s *handlers) scorePost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.formPost(w, r, "flash.award_scored", func(id int64, f url.Values) (string, error) {
		// The scores are read only for the assignment's own expert.
		if _, err := s.aw.Review(r.Context(), rq.Actor(r), id); err != nil {
			return "", err
		}
		scores := map[string]int64{}
		for k, v := range f {
			if c, ok := strings.CutPrefix(k, "score_"); ok && len(v) > 0 {
				n, err := strconv.ParseInt(strings.TrimSpace(v[0]), 10, 64)
				if err != nil {
					return "", kexie.Errorf(kexie.CodeInvalid, "err.number", "%s must be a positive whole number", c)
				}
				scores[c] = n
			}
		}
		return fmt.Sprintf("/my/reviews/%d", id), s.aw.Score(r.Context(), rq.Actor(r), id, scores)
	})
}

// ---- public: the rounds in publicity or announced, one round's list and
// the objection form ----

type publicListPage struct {
	Rounds []awards.RoundItem
	Lang   string
}

func (s *handlers) publicListPage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	rs, err := s.aw.PublicRounds(r.Context())
	if err != nil {
		return err
	}
	return s.Render(w, http.StatusOK, "award_public", s.NewPage(r, rq, "aw.public", publicListPage{Rounds: rs, Lang: rq.L.Lang}))
}

type winnerView struct {
	awards.Proposed
	GradeName string
}

type publicityPage struct {
	P        awards.Publicity
	ID       int64
	Name     string
	Winners  []winnerView
	Open     bool // objections are received today
	Received *awards.Objection
}

func (s *handlers) publicityPage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.showPublicity(w, r, rq, nil)
}

func (s *handlers) showPublicity(w http.ResponseWriter, r *http.Request, rq *web.Request, got *awards.Objection) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	p, err := s.aw.PublicityOf(r.Context(), id)
	if err != nil {
		return err
	}
	gs := grades(rq.L.Lang, p.Grades)
	d := publicityPage{P: p, ID: id, Name: named(rq.L.Lang, p.Programme, p.NameEN), Received: got}
	for _, x := range p.Winners {
		d.Winners = append(d.Winners, winnerView{Proposed: x, GradeName: gradeName(gs, x.Grade)})
	}
	t := kexie.Today(s.DB().Now())
	d.Open = p.Stage == "publicity" && !t.Before(p.From) && !t.After(p.Until)
	return s.Render(w, http.StatusOK, "award_publicity", s.NewPage(r, rq, "aw.publicity", d))
}

// objectPost is the public objection form (multipart: the unit's letter
// is a file).
func (s *handlers) objectPost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if _, err := s.aw.PublicityOf(r.Context(), id); err != nil {
		return err
	}
	if !s.objectLimit.Take("o:" + rq.Addr) {
		return kexie.ErrRateLimited
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		if err := r.ParseForm(); err != nil {
			return invalidForm()
		}
	}
	f := r.PostForm
	nom, _ := strconv.ParseInt(f.Get("nomination_id"), 10, 64)
	o := awards.Objection{NominationID: nom, Kind: f.Get("kind"), Name: f.Get("name"), IDNumber: f.Get("id_number"), Contact: f.Get("contact"),
		ContactPerson: f.Get("contact_person"), GradeOnly: f.Get("grade_only") != "", Body: f.Get("text")}
	if file, _, err := r.FormFile("letter"); err == nil {
		defer file.Close()
		b, err := io.ReadAll(io.LimitReader(file, awards.MaxLetter+1))
		if err != nil {
			return invalidForm()
		}
		o.Letter = b
	}
	o, err = s.aw.Object(r.Context(), rq.Actor(r), id, o, s.Config().Sealer)
	if err != nil {
		return err
	}
	return s.showPublicity(w, r, rq, &o)
}
