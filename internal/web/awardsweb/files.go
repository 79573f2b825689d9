package awardsweb

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"

	"github.com/kexie/kexie/internal/awards"
	"github.com/kexie/kexie/internal/i18n"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/pdf"
	"github.com/kexie/kexie/internal/tabular"
	"github.com/kexie/kexie/internal/web"
)

// exportColumns are the columns of a round's export, named as the API's
// fields are.
var exportColumns = []string{"nomination_id", "unit_code", "name", "id_masked", "gender", "birth_date", "employer", "field", "region", "summary",
	"status", "check_reason", "score", "scored", "panel_votes", "proposed_grade", "grade", "result"}

// exportXLSX is a round's nominations and results as an XLSX file, for
// its award office: identity numbers masked; the score of a nomination
// the caller is in conflict with left out, as on the ranking.
func (s *handlers) exportXLSX(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	rd, p, err := s.managedRound(r, rq)
	if err != nil {
		return err
	}
	ns, err := s.aw.Nominations(r.Context(), rq.Actor(r), rd.ID)
	if err != nil {
		return err
	}
	list, _, err := s.aw.Ranking(r.Context(), rq.Actor(r), rd.ID)
	if err != nil {
		return err
	}
	standing := map[int64]awards.Standing{}
	for _, x := range list {
		standing[x.NominationID] = x
	}
	var buf bytes.Buffer
	out, err := tabular.NewWriter("export.xlsx", &buf, exportColumns)
	if err != nil {
		return err
	}
	for _, n := range ns {
		st := standing[n.ID]
		score, scored, proposed := st.ScoreExact, "", st.Grade
		if _, ok := standing[n.ID]; ok {
			scored = strconv.Itoa(st.Scored)
		}
		if st.Withheld {
			score, scored = "", ""
		}
		if err := out.Write([]string{strconv.FormatInt(n.ID, 10), n.UnitCode, n.Name, n.IDMasked, n.Gender, n.Birth.String(), n.Employer, n.Field, n.Region, n.Summary,
			n.Status, n.CheckReason, score, scored, strconv.Itoa(n.PanelVotes), proposed, n.Grade, n.Result}); err != nil {
			return err
		}
	}
	if err := out.Close(); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%d.xlsx"`, fileSafe(p.Code), rd.Year))
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(buf.Bytes())
	return err
}

func fileSafe(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			b[i] = '_'
		}
	}
	return string(b)
}

// certificates are the announced winners' certificates, one A4 landscape
// page each, in Chinese and English: the programme, the winner, the
// grade, the establishing bodies, the date of the announcement.
func (s *handlers) certificates(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	rd, p, err := s.managedRound(r, rq)
	if err != nil {
		return err
	}
	if rd.Stage != "announced" {
		return kexie.Errorf(kexie.CodeConflict, "err.award_not_announced", "certificates are made once the winners are announced")
	}
	pub, err := s.aw.PublicityOf(r.Context(), rd.ID)
	if err != nil {
		return err
	}
	zh, en := s.Bundle().For(i18n.Chinese), s.Bundle().For(i18n.English)
	gradeZH, gradeEN := map[string]string{}, map[string]string{}
	for _, g := range p.Grades {
		gradeZH[g.Code], gradeEN[g.Code] = named("zh-Hans", g.NameZH, g.NameEN), named("en", g.NameZH, g.NameEN)
	}
	bodies := ""
	for i, b := range p.Bodies {
		if i > 0 {
			bodies += "　"
		}
		bodies += b.Name
	}
	const W, H = pdf.A4Height, pdf.A4Width // landscape
	doc := pdf.New()
	doc.Info = pdf.Info{Title: fmt.Sprintf("%s %d", p.NameZH, rd.Year), Creator: "kexie"}
	center := func(size float64, bold bool, c pdf.Color) pdf.Style {
		return pdf.Style{Size: size, Bold: bold, Color: c, Align: pdf.Center}
	}
	fit := func(s string, size, width float64) float64 {
		if w := pdf.Width(s, size); w > width {
			size *= width / w
		}
		return size
	}
	for _, x := range pub.Winners {
		pg := doc.AddPage(W, H)
		pg.StrokeRect(10, 10, W-20, H-20, 1.2, pdf.Accent)
		pg.StrokeRect(13, 13, W-26, H-26, 0.3, pdf.Accent)
		title := zh.T("aw.certificate")
		pg.Text(W/2, 40, center(30, true, pdf.Accent), title)
		pg.Text(W/2, 50, center(14, false, pdf.Muted), en.T("aw.certificate"))
		pg.Text(W/2, 78, center(fit(x.Name, 26, W-60), true, pdf.Ink), x.Name)
		if x.Employer != "" {
			pg.Text(W/2, 88, center(fit(x.Employer, 12, W-60), false, pdf.Muted), x.Employer)
		}
		line := zh.T("aw.certificate_text", rd.Year, p.NameZH, gradeZH[x.Grade])
		pg.Text(W/2, 108, center(fit(line, 15, W-50), false, pdf.Ink), line)
		line = en.T("aw.certificate_text", rd.Year, named("en", p.NameZH, p.NameEN), gradeEN[x.Grade])
		pg.Text(W/2, 118, center(fit(line, 11, W-50), false, pdf.Ink), line)
		if bodies != "" {
			pg.Text(W/2, 150, center(fit(bodies, 12, W-50), false, pdf.Ink), bodies)
		}
		on := rd.AnnounceOn.String()
		pg.Text(W/2, 162, center(11, false, pdf.Muted), on)
		ref := fmt.Sprintf("%s-%d-%d", p.Code, rd.Year, x.NominationID)
		pg.Text(W-20, H-16, pdf.Style{Size: 7, Color: pdf.Muted, Align: pdf.Right}, ref)
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="certificates-%s-%d.pdf"`, fileSafe(p.Code), rd.Year))
	w.Header().Set("Cache-Control", "no-store")
	_, err = doc.WriteTo(w)
	return err
}
