package memberweb

import (
	"net/http"
	"strings"

	"rsc.io/qr"

	"github.com/kexie/kexie/internal/i18n"
	"github.com/kexie/kexie/internal/pdf"
	"github.com/kexie/kexie/internal/web"
)

// cardPDF is the membership card as a one-page PDF of ID-1 size (a bank
// card), the QR code drawn as vectors so it prints sharp at any
// resolution. Labels are in the viewer's language — in English on a
// foreign member's card, which its holder must read — and the heading
// carries both, as the card may be shown to either reader. The name is
// printed once: a foreign member's in the form they gave in English.
func (s *handlers) cardPDF(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	c, err := s.visibleCard(r, rq)
	if err != nil {
		return err
	}
	verify := s.verifyURL(r, c.Token)
	code, err := qr.Encode(verify, qr.M)
	if err != nil {
		return err
	}

	L := rq.L
	if c.Foreign() {
		L = s.Bundle().For(i18n.English)
	}
	other := i18n.English
	if L.Lang == i18n.English {
		other = i18n.Chinese
	}
	heading := L.T("card.heading") + " " + s.Bundle().For(other).T("card.heading")
	name, second := c.Name, c.NameEN
	if c.Foreign() && c.NameEN != "" {
		name, second = c.NameEN, ""
	}
	if strings.EqualFold(strings.TrimSpace(second), strings.TrimSpace(name)) {
		second = ""
	}

	const (
		W, H   = pdf.ID1Width, pdf.ID1Height
		margin = 4.0
		qrSide = 24.0
		qrX    = W - margin - qrSide
		qrY    = 16.5
		textW  = qrX - 3 - margin // the QR code's quiet zone stays clear
	)
	doc := pdf.New()
	doc.Info = pdf.Info{Title: heading + " " + c.MemberNo, Creator: "kexie"}
	p := doc.AddPage(W, H)
	p.Rect(0, 0, W, 13, pdf.Accent)
	p.StrokeRect(0.2, 0.2, W-0.4, H-0.4, 0.2, pdf.Muted) // a cutting guide
	p.Text(margin, 6, pdf.Style{Size: fit(c.OrgNameZH, 9, W-2*margin), Bold: true, Color: pdf.White}, c.OrgNameZH)
	p.Text(margin, 10.5, pdf.Style{Size: fit(c.OrgNameEN, 6, W-2*margin), Color: pdf.White}, c.OrgNameEN)
	p.Text(margin, 19.5, pdf.Style{Size: fit(heading, 8.5, textW), Bold: true, Color: pdf.Accent}, heading)
	p.Text(margin, 26.5, pdf.Style{Size: fit(name, 12, textW), Bold: true, Color: pdf.Ink}, name)
	if second != "" {
		p.Text(margin, 30.5, pdf.Style{Size: fit(second, 7, textW), Color: pdf.Ink}, second)
	}
	y := 36.0
	for _, line := range []string{
		L.T("members.no") + ": " + c.MemberNo,
		L.T("members.type") + ": " + L.T("mtype."+string(c.Type)),
		L.T("card.issued") + ": " + c.Issued,
	} {
		p.Text(margin, y, pdf.Style{Size: fit(line, 7, textW), Color: pdf.Ink}, line)
		y += 4.5
	}
	p.Modules(code, code.Size, qrX, qrY, qrSide, pdf.Black)
	p.Text(qrX+qrSide/2, qrY+qrSide+3, pdf.Style{Size: 5, Color: pdf.Muted, Align: pdf.Center}, L.T("card.qr"))
	p.Text(margin, H-3, pdf.Style{Size: fit(verify, 4.5, W-2*margin), Color: pdf.Muted}, verify)

	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="card-`+fileSafe(c.MemberNo)+`.pdf"`)
	w.Header().Set("Cache-Control", "private, max-age=300")
	_, err = doc.WriteTo(w)
	return err
}

// fit is size, or smaller so that s fits in width millimetres (long
// organisation names); never below 4 pt, where print stops being legible.
func fit(s string, size, width float64) float64 {
	if w := pdf.Width(s, size); w > width {
		size *= width / w
	}
	return max(size, 4)
}

// fileSafe keeps the characters of s that need no quoting in a file name.
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			return r
		}
		return -1
	}, s)
}
