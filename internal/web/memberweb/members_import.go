package memberweb

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/memberfile"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/web"
)

// maxRejectedShown bounds the rejected rows a member import lists: a file
// with thousands of bad rows is fixed from the first ones, and the page
// stays readable. The summary line still counts them all.
const maxRejectedShown = 200

type memberImportData struct {
	DryRun   bool
	Done     bool
	FileName string
	Columns  string
	// Digest is the SHA-256 of the file just previewed: the confirm form
	// sends it back, so the import runs on the file that was previewed.
	Digest     string
	CanConfirm bool
	// Stash names the previewed file kept sealed on the server for its
	// confirmation; empty on a server without a data key, where the
	// confirmation asks for the file again.
	Stash    string
	Summary  string
	Rejected []kexie.Rejection
	// RejectedTotal counts every rejected row, Rejected holds the first
	// maxRejectedShown of them.
	RejectedTotal int
	// FileColumns lists the columns a file may have, with the codes the
	// coded ones accept.
	FileColumns []web.FileColumn
	// RejectedFile downloads every rejected row.
	RejectedFile template.URL
}

func memberFileColumns() []web.FileColumn {
	strs := func(xs ...string) []string { return xs }
	types := make([]string, len(kexie.MemberTypes))
	for i, t := range kexie.MemberTypes {
		types[i] = string(t)
	}
	statuses := make([]string, len(kexie.MemberStatuses))
	for i, t := range kexie.MemberStatuses {
		statuses[i] = string(t)
	}
	return web.FileColumns("col.member.", memberfile.Columns, memberfile.Required, map[string]web.CodedValues{
		"type":    {Prefix: "mtype.", Codes: types},
		"gender":  {Prefix: "gender.", Codes: strs("male", "female")},
		"id_type": {Prefix: "idtype.", Codes: memberfile.IDTypes},
		"status":  {Prefix: "mstatus.", Codes: statuses},
	})
}

func (s *handlers) importMembersForm(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	d := memberImportData{DryRun: true, Columns: strings.Join(memberfile.Columns, ", "), FileColumns: memberFileColumns()}
	return s.Render(w, http.StatusOK, "import_members", s.NewPage(r, rq, "import.members_title", d))
}

// importMembers runs the same import as `kexie import members`, limited to
// the subtrees where the user may write. With "preview only" ticked (the
// default) it rolls back and offers to import the same file for real. The
// file is not sent back in the page (as an organisation file is): member
// files carry identity numbers in clear. On a server with a data key the
// preview keeps it sealed on the server for its confirmation, bound to the
// user, taken once and expiring (membership.StashPreviewedFile); without a
// data key the confirmation asks for the file again, checked against the
// preview's digest.
func (s *handlers) importMembers(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	d := memberImportData{DryRun: r.FormValue("dry_run") != "", Columns: strings.Join(memberfile.Columns, ", "), FileColumns: memberFileColumns()}
	fail := func(err error) error {
		if kexie.ErrorCode(err) != kexie.CodeInvalid {
			return err
		}
		p := s.NewPage(r, rq, "import.members_title", d)
		p.Error = web.Message(rq.L, kexie.AsError(err))
		return s.Render(w, http.StatusBadRequest, "import_members", p)
	}
	sl := s.Config().Sealer
	var data []byte
	if token := r.PostFormValue("stash"); token != "" && !d.DryRun {
		name, digest, b, err := s.mem.TakePreviewedFile(r.Context(), rq.Actor(r), sl, token)
		if err != nil {
			d.DryRun = true
			return fail(err)
		}
		d.FileName, d.Digest, data = name, digest, b
	} else {
		f, hdr, err := r.FormFile("file")
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return err
			}
			return fail(kexie.Errorf(kexie.CodeInvalid, "err.file_missing", "choose a CSV or XLSX file"))
		}
		defer f.Close()
		d.FileName = hdr.Filename
		if data, err = io.ReadAll(f); err != nil {
			return fmt.Errorf("read upload: %w", err)
		}
		sum := sha256.Sum256(data)
		d.Digest = hex.EncodeToString(sum[:])
		if want := r.FormValue("previewed"); !d.DryRun && want != "" && want != d.Digest {
			d.DryRun = true
			return fail(kexie.Errorf(kexie.CodeInvalid, "err.import_not_previewed", "this is not the file that was previewed; preview it again"))
		}
	}
	var fileRejected, allFileRejected []kexie.Rejection
	fileRejectedN, read := 0, 0
	// ImportMembers returns only after src has, so what src sets is safe to
	// read afterwards.
	src := func(emit func(kexie.MemberRecord) error) error {
		var err error
		// Checked and sealed on every core, in file order, as the command
		// line does.
		read, err = memberfile.StreamPrepared(d.FileName, bytes.NewReader(data), s.DB().Now(), func(m *kexie.MemberRecord) error {
			if m.IDNumber != "" && sl == nil {
				return kexie.Errorf(kexie.CodeInvalid, "err.import_no_data_key",
					"line %d has an identity number, but this server has no data key to seal it; nothing was imported", m.Line)
			}
			return membership.SealMember(m, sl)
		}, emit, func(rj kexie.Rejection) {
			allFileRejected = append(allFileRejected, rj)
			if fileRejectedN++; len(fileRejected) < maxRejectedShown {
				fileRejected = append(fileRejected, rj)
			}
		})
		return err
	}
	out, err := s.mem.ImportMembers(r.Context(), rq.Actor(r), src,
		membership.MemberImportOptions{DryRun: d.DryRun, Source: d.FileName})
	if err != nil {
		// A file that cannot be read through (or an ID number without a
		// data key) wrote nothing: shown on the form.
		return fail(err)
	}
	if d.RejectedTotal = fileRejectedN + len(out.Rejected); d.RejectedTotal > 0 {
		// The download holds every rejected row, the page the first ones.
		all := append(allFileRejected, out.Rejected...)
		sort.SliceStable(all, func(i, j int) bool { return all[i].Line < all[j].Line })
		d.RejectedFile = web.RejectedDownload(rq.L, "members.no", all)
	}
	rejected := append(fileRejected, out.Rejected...)
	sort.SliceStable(rejected, func(i, j int) bool { return rejected[i].Line < rejected[j].Line })
	if len(rejected) > maxRejectedShown {
		rejected = rejected[:maxRejectedShown]
	}
	for _, rj := range rejected {
		if rj.Err != nil {
			rj.Reason = web.Message(rq.L, kexie.AsError(rj.Err))
		}
		d.Rejected = append(d.Rejected, rj)
	}
	// The same summary line as the command line prints.
	d.Summary = memberfile.Summary(read, out.Created, out.Updated, out.Unchanged, d.RejectedTotal, len(out.Warnings))
	d.CanConfirm = d.DryRun && out.Created+out.Updated > 0
	if d.CanConfirm && sl != nil {
		if d.Stash, err = s.mem.StashPreviewedFile(r.Context(), rq.Actor(r), sl, d.FileName, d.Digest, data); err != nil {
			return err
		}
	}
	d.Done = true
	return s.Render(w, http.StatusOK, "import_members", s.NewPage(r, rq, "import.members_title", d))
}
