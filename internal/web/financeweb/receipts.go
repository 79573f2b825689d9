package financeweb

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/kexie/kexie/internal/finance"
	"github.com/kexie/kexie/internal/i18n"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/pdf"
	"github.com/kexie/kexie/internal/web"
)

// Receipts: the list of an organisation's dues and donation receipts, a
// form to receipt a donation, voiding (after a confirmation), each
// receipt as a PDF in either language; and the same in the JSON API.

type receiptsData struct {
	Org        kexie.Organisation
	Year       int
	Receipts   []finance.Receipt
	Funds      []finance.Fund
	Incomes    []finance.Account // the sub-accounts of 4101 a donation may be credited to; none: 4101
	CanRecord  bool
	CanApprove bool
	Today      string
	Pager      web.Pager
}

const receiptsPerPage = 50

func (s *handlers) receiptsPage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.renderReceipts(w, r, rq, http.StatusOK, "")
}

func (s *handlers) renderReceipts(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, errMsg string) error {
	o, err := s.org(r, rq, kexie.PermFinanceRead)
	if err != nil {
		return err
	}
	ctx := r.Context()
	today := kexie.DateOf(s.Day())
	d := receiptsData{Org: o, Year: today.Year(), Today: today.String()}
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 1900 && y <= 9999 {
		d.Year = y
	}
	page := web.PageParam(r)
	total := 0
	if d.Receipts, total, err = s.fin.Receipts(ctx, o.ID, finance.ReceiptFilter{Year: d.Year, Offset: (page - 1) * receiptsPerPage, Limit: receiptsPerPage}); err != nil {
		return err
	}
	d.Pager = web.NewPager(r, page, receiptsPerPage, total)
	if d.Funds, err = s.fin.Funds(ctx, o.ID); err != nil {
		return err
	}
	chart, err := s.fin.Chart(ctx, o.ID)
	if err != nil {
		return err
	}
	for _, a := range chart.Sorted() {
		if a.Leaf && !a.Default && a.Top() == finance.AccountDonations {
			d.Incomes = append(d.Incomes, a)
		}
	}
	actor := rq.Actor(r)
	if d.CanRecord, err = s.reg.May(ctx, actor, kexie.PermFinanceRecord, o.ID); err != nil {
		return err
	}
	if d.CanApprove, err = s.reg.May(ctx, actor, kexie.PermFinanceApprove, o.ID); err != nil {
		return err
	}
	p := s.NewPage(r, rq, "receipt.title", d)
	p.Title = rq.L.T("receipt.title") + " · " + o.Name(rq.L.Lang)
	p.Error = errMsg
	return s.Render(w, status, "receipts", p)
}

// issueDonationForm receipts a donation typed on the page, in yuan.
func (s *handlers) issueDonationForm(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := s.org(r, rq, kexie.PermFinanceRecord)
	if err != nil {
		return err
	}
	f := r.PostForm
	amount, err := kexie.ParseYuan(f.Get("amount"))
	var rc finance.Receipt
	if err == nil {
		rc, _, err = s.fin.IssueDonation(r.Context(), rq.Actor(r), o.ID, finance.NewDonation{Date: f.Get("date"), Donor: f.Get("donor"), Amount: amount,
			Method: f.Get("method"), Fund: f.Get("fund"), Purpose: f.Get("purpose"), Key: f.Get("key"), Account: f.Get("account")})
	}
	if err != nil {
		switch kexie.ErrorCode(err) {
		case kexie.CodeInvalid, kexie.CodeConflict:
			return s.renderReceipts(w, r, rq, web.HTTPStatus(kexie.ErrorCode(err)), web.Message(rq.L, kexie.AsError(err)))
		}
		return err
	}
	s.RedirectFlash(w, r, "/orgs/"+o.Code+"/ledger/receipts?year="+strconv.Itoa(rc.Year), "flash.receipt_issued")
	return nil
}

// voidReceiptForm voids a receipt; the page asks for a confirmation and a
// reason first.
func (s *handlers) voidReceiptForm(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	rc, err := web.LoadByID(r, rq, kexie.PermFinanceApprove, s.fin.Receipt)
	if err != nil {
		return err
	}
	if !web.Confirmed(r) {
		err = kexie.Errorf(kexie.CodeInvalid, "err.confirm_void_receipt", "tick the confirmation to void receipt %v: it cannot be undone", rc.Number)
	} else {
		_, err = s.fin.VoidReceipt(r.Context(), rq.Actor(r), rc.ID, r.PostForm.Get("date"), r.PostForm.Get("reason"))
	}
	if err != nil {
		switch kexie.ErrorCode(err) {
		case kexie.CodeInvalid, kexie.CodeConflict:
			r.SetPathValue("code", rc.OrgCode)
			return s.renderReceipts(w, r, rq, web.HTTPStatus(kexie.ErrorCode(err)), web.Message(rq.L, kexie.AsError(err)))
		}
		return err
	}
	s.RedirectFlash(w, r, "/orgs/"+rc.OrgCode+"/ledger/receipts?year="+strconv.Itoa(rc.Year), "flash.receipt_voided")
	return nil
}

// receiptLang is the language asked for with ?lang=, else the reader's.
func (s *handlers) receiptLang(r *http.Request, rq *web.Request) *i18n.Localizer {
	switch l := r.URL.Query().Get("lang"); l {
	case i18n.Chinese, i18n.English:
		return s.Bundle().For(l)
	}
	return rq.L
}

// receiptPDF is a receipt on an A5 landscape page, in the language asked
// for (?lang=zh-Hans or en): the organisation, the kind of receipt, its
// number, the payer, the amount in yuan (and in Chinese capitals, as a
// receipt writes it), what for, and, for a void one, that it is void and
// why.
func (s *handlers) receiptPDF(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	rc, err := web.LoadByID(r, rq, kexie.PermFinanceRead, s.fin.Receipt)
	if err != nil {
		return err
	}
	o, err := s.fin.Ledger(r.Context(), rq.Actor(r), kexie.PermFinanceRead, rc.OrgCode)
	if err != nil {
		return err
	}
	L := s.receiptLang(r, rq)
	doc := receiptDocument(L, o, rc)
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="receipt-`+strconv.FormatInt(rc.ID, 10)+`.pdf"`)
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = doc.WriteTo(w)
	return err
}

func receiptDocument(L *i18n.Localizer, o kexie.Organisation, rc finance.Receipt) *pdf.Document {
	const (
		W, H   = pdf.A4Width, pdf.A4Height / 2
		margin = 15.0
	)
	title := L.T("receipt.kind." + rc.Series)
	doc := pdf.New()
	doc.Info = pdf.Info{Title: title + " " + rc.Number, Creator: "kexie"}
	p := doc.AddPage(W, H)
	p.Rect(0, 0, W, 4, pdf.Accent)
	p.Text(margin, 16, pdf.Style{Size: 11, Color: pdf.Muted}, o.Name(L.Lang))
	p.Text(W/2, 28, pdf.Style{Size: 18, Bold: true, Color: pdf.Accent, Align: pdf.Center}, title)
	p.Text(W-margin, 38, pdf.Style{Size: 10, Color: pdf.Ink, Align: pdf.Right}, L.T("receipt.number")+": "+rc.Number)
	p.Text(margin, 38, pdf.Style{Size: 10, Color: pdf.Ink}, L.T("ledger.date")+": "+rc.Date.String())
	rows := [][2]string{
		{L.T("receipt.payer." + rc.Series), rc.Payer},
		{L.T("ledger.amount"), "¥" + rc.Amount.String()},
	}
	if L.Lang == i18n.Chinese {
		rows = append(rows, [2]string{L.T("receipt.amount_words"), finance.Capitals(rc.Amount)})
	}
	rows = append(rows, [2]string{L.T("ledger.method"), L.T("ledger.method." + rc.Method)})
	if rc.Fund != "" {
		rows = append(rows, [2]string{L.T("ledger.fund"), rc.Fund})
	}
	if rc.Purpose != "" {
		rows = append(rows, [2]string{L.T("receipt.purpose." + rc.Series), rc.Purpose})
	}
	y := 48.0
	for _, row := range rows {
		p.Line(margin, y+2.5, W-margin, y+2.5, 0.2, pdf.Muted)
		p.Text(margin, y, pdf.Style{Size: 10, Color: pdf.Muted}, row[0])
		for i, line := range pdf.Wrap(row[1], 11, W-2*margin-45) {
			if i > 0 {
				y += 6
			}
			p.Text(margin+45, y, pdf.Style{Size: 11, Color: pdf.Ink}, line)
		}
		y += 9
	}
	if rc.Status == finance.ReceiptVoided {
		void := L.T("receipt.void_stamp")
		p.StrokeRect(W-margin-60, 44, 60, 16, 0.8, pdf.Accent)
		p.Text(W-margin-30, 55, pdf.Style{Size: 16, Bold: true, Color: pdf.Accent, Align: pdf.Center}, void)
		y = p.Paragraph(margin, y+2, W-2*margin, 5, pdf.Style{Size: 10, Bold: true, Color: pdf.Accent},
			L.T("receipt.voided_because", rc.VoidReason))
	}
	foot := L.T("receipt.footer", rc.IssuedBy, strconv.FormatInt(rc.EntryID, 10))
	p.Text(margin, H-10, pdf.Style{Size: 8, Color: pdf.Muted}, foot)
	return doc
}

func (s *handlers) apiReceipts(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := s.org(r, rq, kexie.PermFinanceRead)
	if err != nil {
		return err
	}
	offset, limit, err := web.PageQuery(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := finance.ReceiptFilter{Series: q.Get("series"), Offset: offset, Limit: limit}
	switch f.Series {
	case "", finance.SeriesDues, finance.SeriesDonation:
	default:
		return kexie.Errorf(kexie.CodeInvalid, "err.ledger_receipt_series", "a receipt series is dues or donation")
	}
	if y := q.Get("year"); y != "" {
		if f.Year, err = strconv.Atoi(y); err != nil || f.Year < 1900 || f.Year > 9999 {
			return kexie.Errorf(kexie.CodeInvalid, "err.ledger_year", "a year is written YYYY")
		}
	}
	list, total, err := s.fin.Receipts(r.Context(), o.ID, f)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"org": o.Code, "total": total, "offset": offset, "receipts": list})
}

func (s *handlers) apiIssueDonation(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := s.org(r, rq, kexie.PermFinanceRecord)
	if err != nil {
		return err
	}
	var in struct {
		Date    string      `json:"date"`
		Donor   string      `json:"donor"`
		Amount  kexie.Money `json:"amount"` // fen
		Method  string      `json:"method"`
		Fund    string      `json:"fund"`
		Purpose string      `json:"purpose"`
		Key     string      `json:"idempotency_key"`
		Account string      `json:"account"` // 4101 or a sub-account of it; "" 4101
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	key := in.Key
	if h := strings.TrimSpace(r.Header.Get("Idempotency-Key")); h != "" {
		key = h
	}
	rc, created, err := s.fin.IssueDonation(r.Context(), rq.Actor(r), o.ID, finance.NewDonation{Date: in.Date, Donor: in.Donor, Amount: in.Amount,
		Method: in.Method, Fund: in.Fund, Purpose: in.Purpose, Key: key, Account: in.Account})
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if !created {
		status = http.StatusOK
	}
	return web.WriteJSON(w, status, rc)
}

func (s *handlers) apiReceipt(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	rc, err := web.LoadByID(r, rq, kexie.PermFinanceRead, s.fin.Receipt)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, rc)
}

func (s *handlers) apiVoidReceipt(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	rc, err := web.LoadByID(r, rq, kexie.PermFinanceApprove, s.fin.Receipt)
	if err != nil {
		return err
	}
	var in struct {
		Date   string `json:"date"`
		Reason string `json:"reason"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if rc, err = s.fin.VoidReceipt(r.Context(), rq.Actor(r), rc.ID, in.Date, in.Reason); err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, rc)
}
