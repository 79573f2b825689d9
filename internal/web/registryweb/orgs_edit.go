package registryweb

import (
	"bytes"
	"html/template"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/kexie/kexie/internal/cnid"
	"github.com/kexie/kexie/internal/i18n"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/orgfile"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/web"
)

type importData struct {
	DryRun   bool
	Done     bool
	FileName string
	Summary  string
	Preview  [][]string
	Columns  []string
	Rejected []kexie.Rejection
	Warnings []string
	// FileColumns lists the columns a file may have, with the kind and
	// status codes it accepts.
	FileColumns []web.FileColumn
	// CanConfirm: a preview with something to write offers to import the
	// same file, sent back as FileData with its Digest.
	CanConfirm bool
	FileData   string
	Digest     string
	// RejectedFile downloads the rejected rows.
	RejectedFile template.URL
}

func orgFileColumns() []web.FileColumn {
	kinds := make([]string, len(kexie.OrgKinds))
	for i, k := range kexie.OrgKinds {
		kinds[i] = string(k)
	}
	return web.FileColumns("col.org.", orgfile.Columns, orgfile.Required, map[string]web.CodedValues{
		"kind":   {Prefix: "kind.", Codes: kinds},
		"status": {Prefix: "status.", Codes: []string{string(kexie.OrgActive), string(kexie.OrgSuspended), string(kexie.OrgCancelled)}},
	})
}

func (s *handlers) importForm(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.Render(w, http.StatusOK, "import", s.NewPage(r, rq, "import.title", importData{DryRun: true, FileColumns: orgFileColumns()}))
}

// importOrgs runs the same import as `kexie import orgs`, limited to the
// subtrees where the user may write; with "dry run" ticked (the default) it
// only previews. Either way the page shows the first rows, the summary line
// and every rejected row.
func (s *handlers) importOrgs(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	d := importData{DryRun: r.FormValue("dry_run") != "", Columns: orgfile.Columns, FileColumns: orgFileColumns()}
	fail := func(err error) error {
		if kexie.ErrorCode(err) != kexie.CodeInvalid {
			return err
		}
		p := s.NewPage(r, rq, "import.title", d)
		p.Error = web.Message(rq.L, kexie.AsError(err))
		return s.Render(w, http.StatusBadRequest, "import", p)
	}
	name, data, digest, err := web.PreviewedFile(r)
	if err != nil {
		d.DryRun = true
		return fail(err)
	}
	d.FileName = name
	parsed, err := orgfile.Read(name, bytes.NewReader(data))
	if err != nil {
		return fail(err)
	}
	for i, rec := range parsed.Records {
		if i == 20 {
			break
		}
		line := []string{}
		for _, c := range orgfile.Columns {
			line = append(line, rec.Values[c])
		}
		d.Preview = append(d.Preview, line)
	}
	checked, rejected := orgfile.CheckAll(parsed)
	rows := make([]registry.ImportRow, len(checked))
	for i, row := range checked {
		rows[i] = registry.ImportRow{Line: row.Line, Org: row.Org, Has: row.Has}
	}
	out, err := s.reg.ImportOrgs(r.Context(), rq.Actor(r), rows, registry.ImportOptions{DryRun: d.DryRun})
	if err != nil {
		return err
	}
	rejected = append(rejected, out.Rejected...)
	sort.SliceStable(rejected, func(i, j int) bool { return rejected[i].Line < rejected[j].Line })
	gone := map[int]bool{}
	for _, rj := range rejected {
		gone[rj.Line] = true
		if rj.Err != nil {
			rj.Reason = web.Message(rq.L, kexie.AsError(rj.Err))
		}
		d.Rejected = append(d.Rejected, rj)
	}
	warnings := 0
	for _, row := range checked {
		if gone[row.Line] {
			continue
		}
		for _, w := range row.Warnings {
			d.Warnings = append(d.Warnings, rq.L.T("import.warning_line", row.Line, row.Org.Code, w))
			warnings++
		}
	}
	// The same summary line as the command line prints.
	d.Summary = orgfile.Summary(len(parsed.Records), out.Created, out.Updated, out.Unchanged, len(rejected), warnings)
	if len(rejected) > 0 {
		d.RejectedFile = web.RejectedDownload(rq.L, "orgs.code", rejected)
	}
	if d.CanConfirm = d.DryRun && out.Created+out.Updated > 0; d.CanConfirm {
		d.FileData, d.Digest = web.EncodeFile(data), digest
	}
	d.Done = true
	return s.Render(w, http.StatusOK, "import", s.NewPage(r, rq, "import.title", d))
}

func (s *handlers) exportOrgs(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	name := r.PathValue("file")
	if name != "orgs.csv" && name != "orgs.xlsx" {
		return kexie.Errorf(kexie.CodeNotFound, "err.no_page", "no such page")
	}
	var buf bytes.Buffer
	ct := "text/csv; charset=utf-8"
	if strings.HasSuffix(name, ".xlsx") {
		ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		if err := s.orgSheet(r, rq, &buf); err != nil {
			return err
		}
	} else {
		wr, err := orgfile.NewWriter(name, &buf)
		if err != nil {
			return err
		}
		if err := s.reg.AllOrgs(r.Context(), rq.Actor(r), func(o kexie.Organisation) error { return wr.Write(orgfile.Values(o)) }); err != nil {
			return err
		}
		if err := wr.Close(); err != nil {
			return err
		}
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, err := w.Write(buf.Bytes())
	return err
}

// orgSheet writes the organisations the caller may read as an XLSX sheet
// for people: the file's columns, each coded value with its name, then the
// fields files do not carry (address, registration authority, legal
// representative), so the sheet holds every field of the record.
func (s *handlers) orgSheet(r *http.Request, rq *web.Request, w io.Writer) error {
	return WriteOrgSheet(w, rq.L, func(row func(kexie.Organisation) error) error {
		return s.reg.AllOrgs(r.Context(), rq.Actor(r), row)
	})
}

// WriteOrgSheet writes organisations as the XLSX sheet for people in l's
// language (the web export's, and `kexie export orgs OUT.xlsx`'s): each
// calls row with every organisation to write.
func WriteOrgSheet(w io.Writer, l *i18n.Localizer, each func(row func(kexie.Organisation) error) error) error {
	var fields []web.SheetField
	for _, c := range orgfile.Columns {
		f := web.SheetField{Code: c, Label: l.T("col.org." + c)}
		switch c {
		case "kind":
			f.Coded = "kind."
		case "status":
			f.Coded = "status."
		case "name_zh":
			f.Width = 32
		case "name_en":
			f.Width = 44
		case "uscc":
			f.Width = 22
		}
		fields = append(fields, f)
	}
	fields = append(fields, web.SheetField{Label: l.T("org.address"), Width: 36}, web.SheetField{Label: l.T("org.registration"), Width: 24},
		web.SheetField{Label: l.T("org.legal_rep"), Width: 12})
	return web.WriteSheet(w, l, l.T("export.sheet_orgs"), fields, func(row func([]string) error) error {
		return each(func(o kexie.Organisation) error {
			vals := orgfile.Values(o)
			vals[slices.Index(orgfile.Columns, "independent")] = web.YesNo(l, o.Independent)
			return row(append(vals, o.Address, o.RegistrationAuthority, o.LegalRep))
		})
	})
}

// changeStatus suspends, restores, cancels or renames an organisation.
func (s *handlers) changeStatus(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := web.LoadByCode(r, rq, kexie.PermRegistryWrite, s.reg.Org)
	if err != nil {
		return err
	}
	if r.PostFormValue("action") == "cancel" && !web.Confirmed(r) {
		rq.Form = r.PostForm
		return s.renderOrgError(w, r, rq, kexie.Errorf(kexie.CodeInvalid, "err.confirm_cancel_org",
			"cancelling %v is final: it cannot be changed again and takes no applications; confirm it", o.NameZH))
	}
	err = s.reg.ChangeOrgStatus(r.Context(), rq.Actor(r), o.ID, registry.StatusChange{
		Action: r.PostFormValue("action"), Happened: strings.TrimSpace(r.PostFormValue("date")), Resolution: r.PostFormValue("resolution"),
		NameZH: r.PostFormValue("name_zh"), NameEN: r.PostFormValue("name_en"),
	})
	if err != nil {
		switch kexie.ErrorCode(err) {
		case kexie.CodeInvalid, kexie.CodeConflict:
			// Back to the profile with the error, the form as typed.
			rq.Form = r.PostForm
			return s.renderOrgError(w, r, rq, err)
		}
		return err
	}
	s.RedirectFlash(w, r, "/orgs/"+o.Code, "flash.org_changed")
	return nil
}

func (s *handlers) renderOrgError(w http.ResponseWriter, r *http.Request, rq *web.Request, err error) error {
	rq.PageError = web.Message(rq.L, kexie.AsError(err))
	rq.Status = web.HTTPStatus(kexie.ErrorCode(err))
	return s.orgPage(w, r, rq)
}

type filingsData struct {
	Filings       []registry.Filing
	MemberFilings []membership.MemberFiling
	Pager         web.Pager // the organisations' filings
	MemberPager   web.Pager // the foreign members' filings
}

func (s *handlers) filingsPage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	ctx, actor := r.Context(), rq.Actor(r)
	// Two lists, each with its total and numbered pages: the
	// organisations' filings by "page", the foreign members' by "mpage".
	page, mpage := web.PageParam(r), web.PageParamKey(r, "mpage")
	fs, err := s.reg.FilingsPage(ctx, actor, false, (page-1)*filingsPerPage, filingsPerPage)
	if err != nil {
		return err
	}
	total, err := s.reg.CountFilings(ctx, actor, false)
	if err != nil {
		return err
	}
	mfs, err := s.mem.MemberFilingsPage(ctx, actor, (mpage-1)*filingsPerPage, filingsPerPage)
	if err != nil {
		return err
	}
	mtotal, err := s.mem.CountMemberFilings(ctx, actor)
	if err != nil {
		return err
	}
	d := filingsData{Filings: fs, MemberFilings: mfs, Pager: web.NewPager(r, page, filingsPerPage, total),
		MemberPager: web.NewPagerKey(r, "mpage", mpage, filingsPerPage, mtotal)}
	d.MemberPager.TotalID = "member-filings-total"
	return s.Render(w, http.StatusOK, "filings", s.NewPage(r, rq, "filings.title", d))
}

const filingsPerPage = 50

func (s *handlers) ackFiling(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if err := s.reg.AcknowledgeFiling(r.Context(), rq.Actor(r), id); err != nil {
		return err
	}
	s.RedirectFlash(w, r, "/filings", "flash.filing_acknowledged")
	return nil
}

// editProfile saves the profile fields of an organisation the caller may
// write, each checked as an import row's would be.
func (s *handlers) editProfile(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	o, err := web.LoadByCode(r, rq, kexie.PermRegistryWrite, s.reg.Org)
	if err != nil {
		return err
	}
	f := r.PostForm
	p := registry.OrgProfile{NameEN: strings.TrimSpace(f.Get("name_en")), Address: strings.TrimSpace(f.Get("address")),
		RegistrationAuthority: strings.TrimSpace(f.Get("registration_authority")), LegalRep: strings.TrimSpace(f.Get("legal_rep")),
		Independent: f.Get("independent") != ""}
	check := func() error {
		if rc := strings.TrimSpace(f.Get("region_code")); rc != "" {
			reg, err := cnid.ParseRegion(rc)
			if err != nil {
				return err
			}
			p.RegionCode = reg.Code
		}
		if u := strings.TrimSpace(f.Get("uscc")); u != "" {
			c, err := cnid.ParseUSCC(u)
			if err != nil {
				return err
			}
			p.USCC = c.Code
		}
		var err error
		if p.Established, err = kexie.ParsePartialDate(f.Get("established")); err != nil {
			return err
		}
		for _, v := range []string{p.NameEN, p.Address, p.RegistrationAuthority, p.LegalRep} {
			if utf8.RuneCountInString(v) > 300 {
				return kexie.Errorf(kexie.CodeInvalid, "err.row_name_long", "a name is too long")
			}
		}
		return s.reg.UpdateOrgProfile(r.Context(), rq.Actor(r), o.ID, p)
	}
	if err := check(); err != nil {
		if kexie.ErrorCode(err) == kexie.CodeInvalid {
			rq.Form = r.PostForm
			return s.renderOrgError(w, r, rq, err)
		}
		return err
	}
	s.RedirectFlash(w, r, "/orgs/"+o.Code, "flash.org_changed")
	return nil
}
