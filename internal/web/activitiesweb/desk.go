package activitiesweb

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/kexie/kexie/internal/activities"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/tabular"
	"github.com/kexie/kexie/internal/web"
)

// The desk's API for those who manage an activity: its registrations
// (paged, approved, rejected, cancelled, registered from a list), its
// check-in lists and its check-in history.

type registrationJSON struct {
	Reference string `json:"reference"`
	Status    string `json:"status"`
	Name      string `json:"name"`
	Employer  string `json:"employer"`
	Country   string `json:"country"`
	Member    bool   `json:"member"`
	SessionID int64  `json:"session_id,omitempty"`
	CreatedAt string `json:"created_at"`
}

func regJSON(r activities.Registration) registrationJSON {
	return registrationJSON{Reference: activities.FormatReference(r.Reference), Status: r.Status, Name: r.Name, Employer: r.Employer, Country: r.Country,
		Member: r.MembershipID != 0, SessionID: r.SessionID, CreatedAt: r.CreatedAt.In(kexie.Beijing).Format("2006-01-02T15:04:05Z07:00")}
}

// apiRegistrations: {"registrations": [...], "total"}, ?status= &offset= &limit=.
func (s *handlers) apiRegistrations(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
	if err != nil {
		return err
	}
	offset, limit, err := web.PageQuery(r)
	if err != nil {
		return err
	}
	regs, total, err := s.act.RegistrationsPage(r.Context(), a.ID, r.URL.Query().Get("status"), offset, limit)
	if err != nil {
		return err
	}
	out := make([]registrationJSON, 0, len(regs))
	for _, reg := range regs {
		out = append(out, regJSON(reg))
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"registrations": out, "total": total})
}

// apiDecide approves, rejects or cancels one registration by reference:
// 200 {"reference", "status"}.
func (s *handlers) apiDecide(action string) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
		a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
		if err != nil {
			return err
		}
		var reg activities.Registration
		ref := r.PathValue("reference")
		switch action {
		case "approve", "reject":
			reg, err = s.act.Decide(r.Context(), rq.Actor(r), a.Code, ref, action == "approve")
		default:
			reg, err = s.act.CancelByReference(r.Context(), rq.Actor(r), a.Code, ref)
		}
		if err != nil {
			return err
		}
		return web.WriteJSON(w, http.StatusOK, map[string]string{"reference": activities.FormatReference(reg.Reference), "status": reg.Status})
	}
}

// registrationListSpec is a list of people staff register: members by
// organisation code and member number, others by name.
var registrationListSpec = tabular.Spec{Columns: []string{"org_code", "member_no", "name", "employer", "country", "email", "lang", "session_id"}}

// listOutcome is what a registration list gave: the rows read, those
// registered (in a dry run: those that would be; their references were
// not kept and the page does not show them),
// and the rows refused with their line and reason.
type listOutcome struct {
	Read       int       `json:"read"`
	Registered []listed  `json:"registered"`
	Rejected   []refusal `json:"rejected"`
	Dry        bool      `json:"-"`
}

type listed struct {
	Reference string `json:"reference"`
	Status    string `json:"status"`
	Name      string `json:"name"`
}

// Count is how many were (or would be) registered with status.
func (o listOutcome) Count(status string) int {
	n := 0
	for _, l := range o.Registered {
		if l.Status == status {
			n++
		}
	}
	return n
}

// registerFile registers the people of a registration list (CSV or XLSX,
// by name or content) for activity code, in its order, in one
// transaction, under the rules of staff registering one by one.
func (s *handlers) registerFile(r *http.Request, rq *web.Request, code, name string, body io.Reader, dry bool) (listOutcome, error) {
	f, err := tabular.Read(name, body, registrationListSpec)
	if err != nil {
		return listOutcome{}, err
	}
	ins := make([]activities.RegisterInput, len(f.Records))
	for i, rec := range f.Records {
		v := rec.Values
		ins[i] = activities.RegisterInput{OrgCode: v["org_code"], MemberNo: v["member_no"], Name: v["name"], Employer: v["employer"],
			Country: v["country"], Email: v["email"], Lang: v["lang"]}
		if sid := v["session_id"]; sid != "" {
			n, err := strconv.ParseInt(sid, 10, 64)
			if err != nil || n <= 0 {
				n = -1 // refused as an unknown session
			}
			ins[i].SessionID = n
		}
	}
	first := 2
	if len(f.Records) > 0 {
		first = f.Records[0].Line
	}
	regs, rej, err := s.act.RegisterList(r.Context(), rq.Actor(r), code, first, ins, dry)
	if err != nil {
		return listOutcome{}, err
	}
	out := listOutcome{Read: len(f.Records), Registered: []listed{}, Rejected: []refusal{}, Dry: dry}
	for _, reg := range regs {
		out.Registered = append(out.Registered, listed{activities.FormatReference(reg.Reference), reg.Status, reg.Name})
	}
	for _, x := range rej {
		out.Rejected = append(out.Rejected, refusal{x.Line, x.Reason})
	}
	return out, nil
}

// apiRegisterList registers the people of a CSV or XLSX file (the request
// body), in its order, in one transaction; ?dry_run=true checks and keeps
// nothing: 200 {"read", "registered": [{reference, status, name}],
// "rejected": [{line, reason}]}.
func (s *handlers) apiRegisterList(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
	if err != nil {
		return err
	}
	name := "list.csv"
	if ct := r.Header.Get("Content-Type"); ct == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		name = "list.xlsx"
	}
	out, err := s.registerFile(r, rq, a.Code, name, r.Body, r.URL.Query().Get("dry_run") == "true")
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

// registrationFilePost takes a registration list from the editing page:
// with "preview" ticked (the default) it shows what the list would give
// and keeps nothing.
func (s *handlers) registrationFilePost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
	if err != nil {
		return err
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return s.fail(w, r, rq, nil, kexie.Errorf(kexie.CodeInvalid, "err.file_missing", "choose a CSV or XLSX file"))
	}
	defer f.Close()
	out, err := s.registerFile(r, rq, a.Code, hdr.Filename, f, r.FormValue("dry_run") != "")
	if err != nil {
		return s.fail(w, r, rq, nil, err)
	}
	return s.renderEditWith(w, r, rq, http.StatusOK, nil, nil, false, func(d *editPage) { d.Listed = &out })
}

// apiAddList adds a check-in list: 201 {"name", "policy"}.
func (s *handlers) apiAddList(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
	if err != nil {
		return err
	}
	var in struct {
		Name      string `json:"name"`
		Policy    string `json:"policy"`
		SessionID int64  `json:"session_id"`
		Day       string `json:"day"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.act.AddList(r.Context(), rq.Actor(r), a.Code, in.Name, in.Policy, in.SessionID, in.Day); err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, map[string]string{"name": in.Name, "policy": in.Policy})
}

// apiHistory is the check-in history, newest first: {"checkins": [...], "total"}.
func (s *handlers) apiHistory(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
	if err != nil {
		return err
	}
	offset, limit, err := web.PageQuery(r)
	if err != nil {
		return err
	}
	es, total, err := s.act.HistoryPage(r.Context(), a.ID, offset, limit)
	if err != nil {
		return err
	}
	type entry struct {
		List       string `json:"list"`
		Reference  string `json:"reference"`
		Name       string `json:"name"`
		Result     string `json:"result"`
		At         string `json:"at"`
		Offline    bool   `json:"offline"`
		ScannedBy  string `json:"scanned_by"`
		RecordedAt string `json:"recorded_at"`
	}
	out := make([]entry, 0, len(es))
	for _, e := range es {
		out = append(out, entry{e.List, activities.FormatReference(e.Reference), e.Name, e.Result, e.At.Format("2006-01-02T15:04:05Z07:00"), e.Offline,
			e.ScannedBy, e.Recorded.Format("2006-01-02T15:04:05Z07:00")})
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"checkins": out, "total": total})
}

// programmeSpec is a programme file: one row per contribution.
var programmeSpec = tabular.Spec{Columns: activities.ProgrammeColumns, Required: []string{"starts", "ends"}}

type programmeOutcome struct {
	Read          int       `json:"read"`
	Sessions      int       `json:"sessions"`
	Breaks        int       `json:"breaks"`
	Contributions int       `json:"contributions"`
	Rejected      []refusal `json:"rejected"`
	// A page's preview: the file sent back by its confirm form (as an
	// organisation file's is: a programme holds no personal data), so
	// the import runs on the file previewed without choosing it again.
	DryRun   bool   `json:"-"`
	FileName string `json:"-"`
	FileData string `json:"-"`
	Digest   string `json:"-"`
}

type refusal struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// importProgramme reads a programme file (CSV or XLSX, by name or
// content) and adds it to activity code.
func (s *handlers) importProgramme(r *http.Request, rq *web.Request, code, name string, body io.Reader, dry bool) (programmeOutcome, error) {
	f, err := tabular.Read(name, body, programmeSpec)
	if err != nil {
		return programmeOutcome{}, err
	}
	rows := make([]activities.ProgrammeRow, len(f.Records))
	for i, rec := range f.Records {
		rows[i] = activities.ProgrammeRow{Line: rec.Line, Values: rec.Values}
	}
	res, err := s.act.ImportProgramme(r.Context(), rq.Actor(r), code, rows, dry)
	if err != nil {
		return programmeOutcome{}, err
	}
	out := programmeOutcome{Read: len(rows), Sessions: res.Sessions, Breaks: res.Breaks, Contributions: res.Contributions, Rejected: []refusal{}}
	for _, x := range res.Rejected {
		out.Rejected = append(out.Rejected, refusal{x.Line, x.Reason})
	}
	return out, nil
}

// apiProgrammeFile adds a programme file (the request body) to the
// activity: 200 {"read", "sessions", "breaks", "contributions",
// "rejected": [{line, reason}]}; ?dry_run=true keeps nothing.
func (s *handlers) apiProgrammeFile(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
	if err != nil {
		return err
	}
	out, err := s.importProgramme(r, rq, a.Code, "programme.csv", r.Body, r.URL.Query().Get("dry_run") == "true")
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

// programmeFilePost takes a programme file from the editing page.
func (s *handlers) programmeFilePost(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	a, err := web.LoadByCode(r, rq, kexie.PermActivitiesManage, s.act.Activity)
	if err != nil {
		return err
	}
	// Uploaded, or sent back by the preview's confirm form (and then only
	// the file previewed).
	name, data, digest, err := web.PreviewedFile(r)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return s.fail(w, r, rq, nil, err)
	}
	dry := r.FormValue("dry_run") != ""
	out, err := s.importProgramme(r, rq, a.Code, name, bytes.NewReader(data), dry)
	if err != nil {
		return s.fail(w, r, rq, nil, err)
	}
	if dry && out.Sessions+out.Breaks+out.Contributions > 0 {
		out.DryRun, out.FileName, out.FileData, out.Digest = true, name, web.EncodeFile(data), digest
	}
	return s.showEditWith(w, r, rq, &out)
}
