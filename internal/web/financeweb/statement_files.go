package financeweb

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/kexie/kexie/internal/finance"
	"github.com/kexie/kexie/internal/i18n"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/pdf"
	"github.com/kexie/kexie/internal/web"
)

// A period's statements as files: one XLSX workbook with a sheet per
// statement, in the layout these statements are usually printed in (a
// title, the organisation, the period — or for the balance sheet the day
// it is drawn at — and the unit above a header row, items with line
// numbers, amounts in yuan), and the same as a PDF. The period is a year
// (?year=) or whole months (?from=&to=), the current year by default.

// cell is a statement's cell: text, or an amount of fen.
type cell struct {
	Text   string
	Fen    int64
	Amount bool
}

func txt(s string) cell  { return cell{Text: s} }
func amt(fen int64) cell { return cell{Fen: fen, Amount: true} }

// statementTable is one statement: its sheet name, title, the line
// under it, header and rows.
type statementTable struct {
	Sheet    string
	Title    string
	Subtitle string
	Header   []string
	Rows     [][]cell
	Widths   []float64 // columns, in characters
}

// statementTables builds the period's five statements in L's language:
// the statement of activities, the balance sheet at the period's end, the
// fund statement, the trial balance and the income by source of funds.
func (s *handlers) statementTables(r *http.Request, L *i18n.Localizer, o kexie.Organisation, p stmtPeriod) ([]statementTable, error) {
	ctx := r.Context()
	from, to := p.From, p.To
	sub := subtitle(L, o, p)
	act, err := s.fin.Activities(ctx, o.ID, from, to)
	if err != nil {
		return nil, err
	}
	bs, err := s.fin.BalanceSheet(ctx, o.ID, to)
	if err != nil {
		return nil, err
	}
	funds, err := s.fin.FundStatement(ctx, o.ID, from, to)
	if err != nil {
		return nil, err
	}
	tb, err := s.fin.TrialBalance(ctx, o.ID, from, to)
	if err != nil {
		return nil, err
	}
	src, err := s.fin.IncomeBySourceIn(ctx, o, from, to)
	if err != nil {
		return nil, err
	}
	chart, err := s.fin.Chart(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	name := func(code string) string {
		if a, ok := chart[code]; ok {
			return a.Name(L.Lang)
		}
		return code
	}

	// 业务活动表: rows by income category and expense; columns
	// unrestricted, restricted, total.
	a := statementTable{Sheet: L.T("ledger.sheet.activities"), Title: L.T("ledger.sheet.activities"), Subtitle: sub,
		Header: []string{L.T("ledger.col.item"), L.T("ledger.col.line"), L.T("ledger.unrestricted"), L.T("ledger.restricted"), L.T("ledger.total")},
		Widths: []float64{34, 6, 16, 16, 16}}
	n := 0
	row := func(label string, u, rs int64) {
		n++
		a.Rows = append(a.Rows, []cell{txt(label), txt(strconv.Itoa(n)), amt(u), amt(rs), amt(u + rs)})
	}
	a.Rows = append(a.Rows, []cell{txt(L.T("ledger.row.income"))})
	for _, c := range finance.CodesOf(finance.KindIncome) {
		v := act.Income[c]
		row("  "+c+" "+name(c), v.Unrestricted, v.Restricted)
	}
	ti := act.TotalIncome()
	row(L.T("ledger.row.total_income"), ti.Unrestricted, ti.Restricted)
	a.Rows = append(a.Rows, []cell{txt(L.T("ledger.row.expenses"))})
	for _, c := range finance.CodesOf(finance.KindExpense) {
		row("  "+c+" "+name(c), act.Expenses[c], 0)
	}
	row(L.T("ledger.row.total_expenses"), act.TotalExpenses(), 0)
	row(L.T("ledger.released"), act.Released, -act.Released)
	row(L.T("ledger.change"), act.Change.Unrestricted, act.Change.Restricted)

	// 资产负债表 at the period's end.
	endCol := L.T("ledger.col.period_end")
	if p.Year != 0 {
		endCol = L.T("ledger.col.year_end")
	}
	b := statementTable{Sheet: L.T("ledger.sheet.balance_sheet"), Title: L.T("ledger.sheet.balance_sheet"),
		Subtitle: L.T("ledger.sheet.subtitle_at", o.Name(L.Lang), p.End(kexie.DateOf(s.Day())).String()),
		Header:   []string{L.T("ledger.col.item"), L.T("ledger.col.line"), endCol}, Widths: []float64{34, 6, 18}}
	n = 0
	line := func(label string, v int64) {
		n++
		b.Rows = append(b.Rows, []cell{txt(label), txt(strconv.Itoa(n)), amt(v)})
	}
	b.Rows = append(b.Rows, []cell{txt(L.T("ledger.row.assets"))})
	for _, l := range bs.Assets {
		line("  "+l.Account+" "+name(l.Account), l.Amount)
	}
	line(L.T("ledger.total_assets"), bs.TotalAssets)
	b.Rows = append(b.Rows, []cell{txt(L.T("ledger.row.liabilities"))})
	for _, l := range bs.Liabilities {
		line("  "+l.Account+" "+name(l.Account), l.Amount)
	}
	line(L.T("ledger.total_liabilities"), bs.TotalLiabilities)
	b.Rows = append(b.Rows, []cell{txt(L.T("ledger.row.net_assets"))})
	line("  3101 "+name("3101"), bs.NetAssets.Unrestricted)
	line("  3102 "+name("3102"), bs.NetAssets.Restricted)
	line(L.T("ledger.row.total_net_assets"), bs.TotalNetAssets)
	line(L.T("ledger.row.total_liabilities_net_assets"), bs.TotalLiabilities+bs.TotalNetAssets)

	// The fund statement.
	f := statementTable{Sheet: L.T("ledger.sheet.funds"), Title: L.T("ledger.sheet.funds"), Subtitle: sub,
		Header: []string{L.T("ledger.fund"), L.T("ledger.fund_purpose"), L.T("ledger.opening"), L.T("ledger.received"), L.T("ledger.spent"), L.T("ledger.released"), L.T("ledger.closing")},
		Widths: []float64{14, 28, 14, 14, 14, 14, 14}}
	for _, l := range funds {
		f.Rows = append(f.Rows, []cell{txt(l.Fund), txt(l.Purpose), amt(l.Opening), amt(l.Received), amt(l.Spent), amt(l.Released), amt(l.Closing)})
	}

	// The trial balance.
	t := statementTable{Sheet: L.T("ledger.sheet.trial_balance"), Title: L.T("ledger.sheet.trial_balance"), Subtitle: sub,
		Header: []string{L.T("ledger.account"), L.T("ledger.account_name"), L.T("ledger.opening"), L.T("ledger.debit"), L.T("ledger.credit"), L.T("ledger.closing")},
		Widths: []float64{10, 26, 16, 16, 16, 16}}
	for _, l := range tb.Lines {
		t.Rows = append(t.Rows, []cell{txt(l.Account), txt(name(l.Account)), amt(l.Opening), amt(l.Debit), amt(l.Credit), amt(l.Closing)})
	}
	t.Rows = append(t.Rows, []cell{txt(L.T("ledger.total")), txt(""), txt(""), amt(tb.Debit), amt(tb.Credit), txt("")})

	// Income by source of funds, as the statistics forms ask for it: each
	// source in the forms' order with a line number, then the total.
	in := statementTable{Sheet: L.T("ledger.sheet.sources"), Title: L.T("ledger.sheet.sources"), Subtitle: sub,
		Header: []string{L.T("ledger.col.source"), L.T("ledger.col.line"), L.T("ledger.col.amount")}, Widths: []float64{34, 6, 18}}
	for i, so := range sourceOptions {
		in.Rows = append(in.Rows, []cell{txt(L.T(so.Key)), txt(strconv.Itoa(i + 1)), amt(src.Sources[so.Value])})
	}
	in.Rows = append(in.Rows, []cell{txt(L.T("ledger.total")), txt(strconv.Itoa(len(sourceOptions) + 1)), amt(src.Total)})
	return []statementTable{a, b, f, t, in}, nil
}

// subtitle is the line under a statement's title: the organisation, the
// period, the unit.
func subtitle(L *i18n.Localizer, o kexie.Organisation, p stmtPeriod) string {
	return L.T("ledger.sheet.subtitle", o.Name(L.Lang), p.Label(L))
}

// statementsXLSX is the period's statements as one workbook: a sheet per
// statement, a title and subtitle, a bold header row frozen under them,
// column widths, amounts as numbers in yuan with two decimals.
func (s *handlers) statementsXLSX(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := s.org(r, rq, kexie.PermFinanceRead)
	if err != nil {
		return err
	}
	p, err := s.readPeriod(r, thisYear)
	if err != nil {
		return err
	}
	L := s.receiptLang(r, rq)
	tables, err := s.statementTables(r, L, o, p)
	if err != nil {
		return err
	}
	x := excelize.NewFile()
	defer x.Close()
	titleStyle, _ := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}, Alignment: &excelize.Alignment{Horizontal: "center"}})
	headStyle, _ := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEEEEE"}},
		Border: []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}}, Alignment: &excelize.Alignment{Horizontal: "center"}})
	moneyStyle, _ := x.NewStyle(&excelize.Style{CustomNumFmt: ptr("#,##0.00;-#,##0.00")})
	for i, t := range tables {
		sheet := t.Sheet
		if i == 0 {
			if err := x.SetSheetName("Sheet1", sheet); err != nil {
				return err
			}
		} else if _, err := x.NewSheet(sheet); err != nil {
			return err
		}
		last, _ := excelize.ColumnNumberToName(len(t.Header))
		x.SetCellValue(sheet, "A1", t.Title)
		x.MergeCell(sheet, "A1", last+"1")
		x.SetCellStyle(sheet, "A1", "A1", titleStyle)
		x.SetCellValue(sheet, "A2", t.Subtitle)
		x.MergeCell(sheet, "A2", last+"2")
		for c, h := range t.Header {
			ref, _ := excelize.CoordinatesToCellName(c+1, 3)
			x.SetCellValue(sheet, ref, h)
		}
		x.SetCellStyle(sheet, "A3", last+"3", headStyle)
		for ri, row := range t.Rows {
			for c, v := range row {
				ref, _ := excelize.CoordinatesToCellName(c+1, ri+4)
				if v.Amount {
					// Yuan as a number for the spreadsheet (exact to the fen
					// far beyond any real amount); the books stay in fen.
					x.SetCellValue(sheet, ref, float64(v.Fen)/100)
					x.SetCellStyle(sheet, ref, ref, moneyStyle)
				} else if v.Text != "" {
					x.SetCellStr(sheet, ref, v.Text)
				}
			}
		}
		for c, wd := range t.Widths {
			col, _ := excelize.ColumnNumberToName(c + 1)
			x.SetColWidth(sheet, col, col, wd)
		}
		if err := x.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 3, TopLeftCell: "A4", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="statements-%s-%s.xlsx"`, fileSafe(o.Code), p.File()))
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(buf.Bytes())
	return err
}

func ptr[T any](v T) *T { return &v }

// fileSafe keeps letters, digits, dashes and dots of a code for a file name.
func fileSafe(s string) string {
	out := make([]rune, 0, len(s))
	for _, c := range s {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' {
			out = append(out, c)
		}
	}
	return string(out)
}

// statementsPDF is the period's statements on A4 pages, one statement
// after another, amounts right-aligned in yuan.
func (s *handlers) statementsPDF(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := s.org(r, rq, kexie.PermFinanceRead)
	if err != nil {
		return err
	}
	p, err := s.readPeriod(r, thisYear)
	if err != nil {
		return err
	}
	L := s.receiptLang(r, rq)
	tables, err := s.statementTables(r, L, o, p)
	if err != nil {
		return err
	}
	const margin = 15.0
	doc := pdf.New()
	doc.Info = pdf.Info{Title: o.Name(L.Lang) + " " + p.Label(L), Creator: "kexie"}
	for _, t := range tables {
		p := doc.AddPage(pdf.A4Width, pdf.A4Height)
		y := 20.0
		p.Text(pdf.A4Width/2, y, pdf.Style{Size: 15, Bold: true, Color: pdf.Accent, Align: pdf.Center}, t.Title)
		y += 7
		p.Text(pdf.A4Width/2, y, pdf.Style{Size: 9, Color: pdf.Muted, Align: pdf.Center}, t.Subtitle)
		y += 9
		total := 0.0
		for _, wd := range t.Widths {
			total += wd
		}
		scale := (pdf.A4Width - 2*margin) / total
		xs := make([]float64, len(t.Widths)+1)
		xs[0] = margin
		for i, wd := range t.Widths {
			xs[i+1] = xs[i] + wd*scale
		}
		put := func(c int, v cell, st pdf.Style) {
			if v.Amount {
				st.Align = pdf.Right
				p.Text(xs[c+1]-1, y, st, kexie.Money(v.Fen).String())
				return
			}
			p.Text(xs[c]+1, y, st, v.Text)
		}
		for c, h := range t.Header {
			put(c, txt(h), pdf.Style{Size: 8.5, Bold: true, Color: pdf.Ink})
		}
		p.Line(margin, y+2, pdf.A4Width-margin, y+2, 0.3, pdf.Ink)
		y += 7
		for _, row := range t.Rows {
			if y > pdf.A4Height-20 {
				p = doc.AddPage(pdf.A4Width, pdf.A4Height)
				y = 20
			}
			for c, v := range row {
				put(c, v, pdf.Style{Size: 8.5, Color: pdf.Ink})
			}
			y += 5.5
		}
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="statements-%s-%s.pdf"`, fileSafe(o.Code), p.File()))
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = doc.WriteTo(w)
	return err
}
