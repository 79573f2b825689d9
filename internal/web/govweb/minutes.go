package govweb

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/kexie/kexie/internal/charter"
	"github.com/kexie/kexie/internal/i18n"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/pdf"
	"github.com/kexie/kexie/internal/web"
)

// Minutes: a record of a meeting generated from what was recorded —
// attendance, quorum, each motion and election with its result — as a
// page (/meetings/{id}/minutes) and a PDF (/meetings/{id}/minutes.pdf),
// in the viewer's language or the one asked for with ?lang=.

// minutesDoc is the minutes in one language; the page and the PDF both
// set it, so they say the same.
type minutesDoc struct {
	Heading    string
	Org        string
	Facts      [][2]string
	Attendance [][3]string // name, post, attendance
	Summary    string
	Quorum     string
	Motions    []minutesItem
	Elections  []minutesItem
	Footer     string
}

type minutesItem struct {
	Title string
	Lines []string
}

func buildMinutes(L *i18n.Localizer, rec meetingRecord, today string) minutesDoc {
	body := govBodyName(L, rec.Body)
	d := minutesDoc{Heading: L.T("gov.minutes_heading", govTermLabel(L, body, rec.Term.Number)), Org: rec.Org.Name(L.Lang)}
	d.Facts = [][2]string{
		{L.T("gov.held"), rec.M.Held},
		{L.T("gov.place"), rec.M.Place},
		{L.T("gov.mode"), L.T("gov.mode." + rec.M.Mode)},
	}
	if rec.M.Agenda != "" {
		d.Facts = append(d.Facts, [2]string{L.T("gov.agenda"), rec.M.Agenda})
	}
	count := map[charter.Attendance]int{}
	for _, a := range rec.Attendance {
		count[a.Status]++
		status := L.T("gov.att." + string(a.Status))
		if a.Status == charter.RepresentedProxy {
			status = L.T("gov.att.proxy_by", a.ProxyName)
		}
		d.Attendance = append(d.Attendance, [3]string{a.Seat.Name, L.T("gov.post." + a.Seat.Post), status})
	}
	d.Summary = L.T("gov.attendance_summary", kexie.CountOf("count.seats", len(rec.Attendance)), count[charter.Present], count[charter.RepresentedProxy],
		count[charter.AbsentExcused], count[charter.AbsentUnexcused])
	d.Quorum = quorumWords(L, rec.Quorum, rec.Rules)
	for i, m := range rec.Motions {
		it := minutesItem{Title: fmt.Sprintf("%d. %s", i+1, m.Title)}
		it.Lines = append(it.Lines, L.T("gov.motion_rule", L.T("gov.decision."+string(m.Decision)), storedRuleWords(L, m.Rule)))
		if m.State == "closed" {
			it.Lines = append(it.Lines, motionWords(L, m))
		} else {
			it.Lines = append(it.Lines, L.T("gov.still_open"))
		}
		d.Motions = append(d.Motions, it)
	}
	for i, e := range rec.Elections {
		it := minutesItem{Title: fmt.Sprintf("%d. %s", i+1, e.Title)}
		it.Lines = append(it.Lines, L.T("gov.election_rule", kexie.CountOf("count.to_elect", e.Seats), storedRuleWords(L, e.Rule)))
		if e.State == "closed" {
			it.Lines = append(it.Lines, electionWords(L, e))
			for _, c := range e.Candidates {
				it.Lines = append(it.Lines, L.T("gov.candidate_line", c.Name, L.N("gov.votes_n", c.Votes), L.T("gov.outcome."+c.Outcome)))
			}
			it.Lines = append(it.Lines, electedWords(L, e))
		} else {
			it.Lines = append(it.Lines, L.T("gov.still_open"))
		}
		d.Elections = append(d.Elections, it)
	}
	d.Footer = L.T("gov.minutes_footer", today)
	return d
}

// minutesLang is the language the minutes are asked in: ?lang= when it
// names a supported one, else the viewer's.
func (s *handlers) minutesLang(r *http.Request, rq *web.Request) *i18n.Localizer {
	switch l := r.URL.Query().Get("lang"); l {
	case i18n.Chinese, i18n.English:
		return s.Bundle().For(l)
	}
	return rq.L
}

type minutesData struct {
	Doc       minutesDoc
	MeetingID int64
	Lang      string
	Other     string // the other language, for the switch link
	OtherName string
}

func (s *handlers) minutesPage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	m, err := s.pageMeeting(r, rq, kexie.PermGovernanceRead)
	if err != nil {
		return err
	}
	rec, err := s.loadMeetingRecord(r.Context(), m)
	if err != nil {
		return err
	}
	rq.L = s.minutesLang(r, rq) // the whole page in the minutes' language
	other := i18n.English
	if rq.L.Lang == i18n.English {
		other = i18n.Chinese
	}
	d := minutesData{Doc: buildMinutes(rq.L, rec, s.Today()), MeetingID: m.ID, Lang: rq.L.Lang, Other: other, OtherName: i18n.LanguageName(other)}
	p := s.NewPage(r, rq, "gov.minutes", d)
	p.Title = d.Doc.Heading
	return s.Render(w, http.StatusOK, "minutes", p)
}

// minutesPDF is the minutes on A4 pages, wrapped and paginated.
func (s *handlers) minutesPDF(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	m, err := s.pageMeeting(r, rq, kexie.PermGovernanceRead)
	if err != nil {
		return err
	}
	rec, err := s.loadMeetingRecord(r.Context(), m)
	if err != nil {
		return err
	}
	L := s.minutesLang(r, rq)
	d := buildMinutes(L, rec, s.Today())

	doc := pdf.New()
	doc.Info = pdf.Info{Title: d.Org + " " + d.Heading, Creator: "kexie"}
	pw := &pdfFlow{doc: doc}
	pw.page()
	pw.para(d.Org, pdf.Style{Size: 11, Color: pdf.Muted}, 6)
	pw.para(d.Heading, pdf.Style{Size: 16, Bold: true, Color: pdf.Accent}, 8)
	pw.gap(2)
	for _, f := range d.Facts {
		pw.para(f[0]+": "+f[1], pdf.Style{Size: 10, Color: pdf.Ink}, 5.5)
	}
	pw.heading(L.T("gov.attendance"))
	for _, a := range d.Attendance {
		pw.para(a[0]+" · "+a[1]+" · "+a[2], pdf.Style{Size: 10, Color: pdf.Ink}, 5.5)
	}
	pw.gap(1)
	pw.para(d.Summary, pdf.Style{Size: 10, Color: pdf.Ink}, 5.5)
	pw.heading(L.T("gov.quorum"))
	pw.para(d.Quorum, pdf.Style{Size: 10, Color: pdf.Ink}, 5.5)
	for _, sec := range []struct {
		title string
		items []minutesItem
		none  string
	}{{L.T("gov.motions"), d.Motions, L.T("gov.no_motions")}, {L.T("gov.elections"), d.Elections, L.T("gov.no_elections")}} {
		pw.heading(sec.title)
		if len(sec.items) == 0 {
			pw.para(sec.none, pdf.Style{Size: 10, Color: pdf.Muted}, 5.5)
		}
		for _, it := range sec.items {
			pw.keep(6 + 5.5*float64(min(len(it.Lines), 3))) // a title stays with its first lines
			pw.para(it.Title, pdf.Style{Size: 11, Bold: true, Color: pdf.Ink}, 6)
			for _, line := range it.Lines {
				pw.para(line, pdf.Style{Size: 10, Color: pdf.Ink}, 5.5)
			}
			pw.gap(2)
		}
	}
	pw.gap(4)
	pw.para(d.Footer, pdf.Style{Size: 8, Color: pdf.Muted}, 4.5)

	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="minutes-`+strconv.FormatInt(m.ID, 10)+`.pdf"`)
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = doc.WriteTo(w)
	return err
}

// pdfFlow sets text down A4 pages, starting a new page when the next line
// would cross the bottom margin.
type pdfFlow struct {
	doc *pdf.Document
	p   *pdf.Page
	y   float64
}

const (
	flowMargin = 20.0
	flowWidth  = pdf.A4Width - 2*flowMargin
)

func (f *pdfFlow) page() {
	f.p = f.doc.AddPage(pdf.A4Width, pdf.A4Height)
	f.y = flowMargin + 5
	n := strconv.Itoa(f.doc.Pages())
	f.p.Text(pdf.A4Width-flowMargin, pdf.A4Height-10, pdf.Style{Size: 8, Color: pdf.Muted, Align: pdf.Right}, n)
}

func (f *pdfFlow) gap(mm float64) { f.y += mm }

// para sets s wrapped to the text width, leading millimetres per line.
func (f *pdfFlow) para(s string, st pdf.Style, leading float64) {
	for _, line := range pdf.Wrap(s, st.Size, flowWidth) {
		if f.y > pdf.A4Height-flowMargin {
			f.page()
		}
		f.p.Text(flowMargin, f.y, st, line)
		f.y += leading
	}
}

// keep starts a new page unless mm millimetres still fit on this one.
func (f *pdfFlow) keep(mm float64) {
	if f.y+mm > pdf.A4Height-flowMargin {
		f.page()
	}
}

func (f *pdfFlow) heading(s string) {
	f.y += 4
	f.keep(20) // a heading does not end a page
	f.para(s, pdf.Style{Size: 12, Bold: true, Color: pdf.Accent}, 7)
}
