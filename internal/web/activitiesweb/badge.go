package activitiesweb

import (
	"net/http"
	"strings"

	"rsc.io/qr"

	"github.com/kexie/kexie/internal/activities"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/pdf"
	"github.com/kexie/kexie/internal/web"
)

// confirmedByToken is the confirmed registration a token names: only a
// confirmed place has a QR code and a badge.
func (s *handlers) confirmedByToken(r *http.Request) (activities.Registration, activities.Activity, error) {
	reg, err := s.act.RegistrationByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return reg, activities.Activity{}, err
	}
	if reg.Status != activities.RegConfirmed {
		return reg, activities.Activity{}, kexie.Errorf(kexie.CodeConflict, "err.badge_unconfirmed", "only a confirmed registration has a QR code and a badge")
	}
	a, err := s.act.ByCode(r.Context(), reg.ActivityCode)
	return reg, a, err
}

// registrationQR is the registration's QR code as a PNG: its text is the
// token, which the check-in desk scans.
func (s *handlers) registrationQR(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	reg, _, err := s.confirmedByToken(r)
	if err != nil {
		return err
	}
	code, err := qr.Encode(reg.Token, qr.M)
	if err != nil {
		return err
	}
	code.Scale = 8
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(code.PNG())
	return err
}

// Badge sizes: A6 portrait, which a desk printer takes and a lanyard
// holder fits.
const badgeW, badgeH = 105.0, 148.0

// badgePDF is the printable badge of a confirmed registration, in the
// language the person registered in: the activity, the name, the
// employer, the reference, and the QR code drawn as vectors.
func (s *handlers) badgePDF(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	reg, a, err := s.confirmedByToken(r)
	if err != nil {
		return err
	}
	code, err := qr.Encode(reg.Token, qr.M)
	if err != nil {
		return err
	}
	L := s.Bundle().For(reg.Lang)
	title, _ := a.Title(L.Lang)
	ref := activities.FormatReference(reg.Reference)
	const margin, qrSide = 8.0, 60.0
	textW := badgeW - 2*margin

	doc := pdf.New()
	doc.Info = pdf.Info{Title: L.T("badge.heading") + " " + ref, Creator: "kexie"}
	p := doc.AddPage(badgeW, badgeH)
	p.Rect(0, 0, badgeW, 30, pdf.Accent)
	p.StrokeRect(0.2, 0.2, badgeW-0.4, badgeH-0.4, 0.2, pdf.Muted) // a cutting guide
	// The title on two lines at most, in the band.
	lines := pdf.Wrap(title, 12, textW)
	if len(lines) > 2 {
		lines = []string{lines[0], strings.Join(lines[1:], "")}
	}
	for i, line := range lines {
		p.Text(margin, 11+float64(i)*6.5, pdf.Style{Size: fit(line, 12, textW), Bold: true, Color: pdf.White}, line)
	}
	dates := a.Starts.String()
	if a.Ends != a.Starts {
		dates += " – " + a.Ends.String()
	}
	if place := strings.TrimSpace(a.Venue + " " + a.City); place != "" {
		dates += "  " + place
	}
	p.Text(margin, 27, pdf.Style{Size: fit(dates, 8, textW), Color: pdf.White}, dates)
	p.Text(badgeW/2, 46, pdf.Style{Size: fit(reg.Name, 26, textW), Bold: true, Color: pdf.Ink, Align: pdf.Center}, reg.Name)
	if reg.Employer != "" {
		p.Text(badgeW/2, 55, pdf.Style{Size: fit(reg.Employer, 12, textW), Color: pdf.Ink, Align: pdf.Center}, reg.Employer)
	}
	qrX, qrY := (badgeW-qrSide)/2, 64.0
	p.Modules(code, code.Size, qrX, qrY, qrSide, pdf.Black)
	label := L.T("reg.reference") + " " + ref
	p.Text(badgeW/2, qrY+qrSide+8, pdf.Style{Size: 12, Bold: true, Color: pdf.Ink, Align: pdf.Center}, label)
	hint := L.T("badge.hint")
	p.Text(badgeW/2, badgeH-8, pdf.Style{Size: fit(hint, 7, textW), Color: pdf.Muted, Align: pdf.Center}, hint)

	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="badge-`+reg.Reference+`.pdf"`)
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = doc.WriteTo(w)
	return err
}

// fit is size, or smaller so that s fits in width millimetres; never
// below 5 pt.
func fit(s string, size, width float64) float64 {
	if w := pdf.Width(s, size); w > width {
		size *= width / w
	}
	return max(size, 5)
}
