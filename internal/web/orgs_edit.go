package web

import (
	"bytes"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/orgfile"
	"github.com/kexie/kexie/internal/store"
)

// maxUpload bounds an uploaded organisation file.
const maxUpload = 32 << 20

type importData struct {
	DryRun   bool
	Done     bool
	FileName string
	Summary  string
	Preview  [][]string
	Columns  []string
	Rejected []store.Rejection
	Warnings []string
}

func (s *Server) importForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.render(w, http.StatusOK, "import", s.newPage(r, rq, "import.title", importData{DryRun: true}))
}

// importOrgs runs the same import as `kexie import orgs`, limited to the
// subtrees where the user may write; with "dry run" ticked (the default) it
// only previews. Either way the page shows the first rows, the summary line
// and every rejected row.
func (s *Server) importOrgs(w http.ResponseWriter, r *http.Request, rq *request) error {
	d := importData{DryRun: r.FormValue("dry_run") != "", Columns: orgfile.Columns}
	fail := func(err error) error {
		if kexie.ErrorCode(err) != kexie.CodeInvalid {
			return err
		}
		p := s.newPage(r, rq, "import.title", d)
		p.Error = message(rq.L, kexie.AsError(err))
		return s.render(w, http.StatusBadRequest, "import", p)
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return fail(kexie.Errorf(kexie.CodeInvalid, "err.file_missing", "choose a CSV or XLSX file"))
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return fail(kexie.Wrap(kexie.CodeInvalid, "err.too_large", "the request is too large", err))
	}
	d.FileName = hdr.Filename
	recs, err := orgfile.Read(hdr.Filename, bytes.NewReader(data))
	if err != nil {
		return fail(err)
	}
	var rows []store.ImportRow
	warnings := 0
	for i, rec := range recs {
		if i < 20 {
			line := []string{}
			for _, c := range orgfile.Columns {
				line = append(line, rec.Values[c])
			}
			d.Preview = append(d.Preview, line)
		}
		row, err := orgfile.Check(rec)
		if err != nil {
			d.Rejected = append(d.Rejected, store.Rejection{Line: rec.Line, Code: rec.Values["code"], Reason: message(rq.L, kexie.AsError(err))})
			continue
		}
		for _, w := range row.Warnings {
			d.Warnings = append(d.Warnings, rq.L.T("import.warning_line", row.Line, row.Org.Code, w))
		}
		warnings += len(row.Warnings)
		rows = append(rows, store.ImportRow{Line: row.Line, Org: row.Org})
	}
	out, err := s.db.ImportOrgs(r.Context(), rq.Actor(r), rows, store.ImportOptions{DryRun: d.DryRun, Writer: rq.User.ID})
	if err != nil {
		return err
	}
	d.Rejected = append(d.Rejected, out.Rejected...)
	sort.SliceStable(d.Rejected, func(i, j int) bool { return d.Rejected[i].Line < d.Rejected[j].Line })
	// The same summary line as the command line prints.
	d.Summary = orgfile.Summary(len(recs), out.Created, out.Updated, out.Unchanged, len(d.Rejected), warnings)
	d.Done = true
	return s.render(w, http.StatusOK, "import", s.newPage(r, rq, "import.title", d))
}

func (s *Server) exportOrgs(w http.ResponseWriter, r *http.Request, rq *request) error {
	name := r.PathValue("file")
	if name != "orgs.csv" && name != "orgs.xlsx" {
		return kexie.Errorf(kexie.CodeNotFound, "err.no_page", "no such page")
	}
	var buf bytes.Buffer
	wr, err := orgfile.NewWriter(name, &buf)
	if err != nil {
		return err
	}
	if err := s.db.AllOrgs(r.Context(), rq.User.ID, func(o kexie.Organisation) error { return wr.Write(orgfile.Values(o)) }); err != nil {
		return err
	}
	if err := wr.Close(); err != nil {
		return err
	}
	ct := "text/csv; charset=utf-8"
	if strings.HasSuffix(name, ".xlsx") {
		ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, err = w.Write(buf.Bytes())
	return err
}

// changeStatus suspends, restores, cancels or renames an organisation.
func (s *Server) changeStatus(w http.ResponseWriter, r *http.Request, rq *request) error {
	o, err := s.visibleOrg(r, rq, kexie.PermOrgWrite)
	if err != nil {
		return err
	}
	err = s.db.ChangeOrgStatus(r.Context(), rq.Actor(r), o.ID, store.StatusChange{
		Action: r.PostFormValue("action"), Happened: strings.TrimSpace(r.PostFormValue("date")), Resolution: r.PostFormValue("resolution"),
		NameZH: r.PostFormValue("name_zh"), NameEN: r.PostFormValue("name_en"),
	})
	if err != nil {
		switch kexie.ErrorCode(err) {
		case kexie.CodeInvalid, kexie.CodeConflict:
			// Back to the profile with the error, the form as typed.
			rq.form = r.PostForm
			return s.renderOrgError(w, r, rq, err)
		}
		return err
	}
	http.Redirect(w, r, "/orgs/"+o.Code+"?flash=flash.org_changed", http.StatusSeeOther)
	return nil
}

func (s *Server) renderOrgError(w http.ResponseWriter, r *http.Request, rq *request, err error) error {
	rq.pageError = message(rq.L, kexie.AsError(err))
	rq.status = httpStatus(kexie.ErrorCode(err))
	return s.orgPage(w, r, rq)
}

type filingsData struct {
	Filings []store.Filing
}

func (s *Server) filingsPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	fs, err := s.db.Filings(r.Context(), rq.User.ID, false, 200)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "filings", s.newPage(r, rq, "filings.title", filingsData{Filings: fs}))
}

func (s *Server) ackFiling(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.db.AcknowledgeFiling(r.Context(), rq.Actor(r), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/filings?flash=flash.filing_acknowledged", http.StatusSeeOther)
	return nil
}
