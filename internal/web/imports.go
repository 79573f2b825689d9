package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"html/template"
	"io"
	"net/http"
	"strconv"

	"github.com/kexie/kexie/internal/i18n"
	"github.com/kexie/kexie/internal/kexie"
)

// FileColumn is one column of a file people import, as an import page
// lists it: the code its header must carry, its meaning from the catalog
// (LabelPrefix+Name), whether it is required, and for a coded column the
// codes it accepts, each shown with its name (CodePrefix+code).
type FileColumn struct {
	Name        string
	LabelPrefix string
	Required    bool
	Codes       []string
	CodePrefix  string
}

// FileColumns describes a file's columns for an import page: codes lists
// the accepted codes of the coded columns, each with its catalog prefix.
func FileColumns(labelPrefix string, names, required []string, codes map[string]CodedValues) []FileColumn {
	out := make([]FileColumn, len(names))
	for i, n := range names {
		out[i] = FileColumn{Name: n, LabelPrefix: labelPrefix}
		for _, r := range required {
			out[i].Required = out[i].Required || r == n
		}
		if c, ok := codes[n]; ok {
			out[i].Codes, out[i].CodePrefix = c.Codes, c.Prefix
		}
	}
	return out
}

// CodedValues are the codes a coded column accepts and the catalog prefix
// naming them.
type CodedValues struct {
	Prefix string
	Codes  []string
}

// RejectedDownload makes the rejected rows of an import a CSV file the page
// offers as a download (a data: link, so nothing is kept on the server):
// line, code and reason, under headers in the reader's language; a BOM so
// that spreadsheet programs read it as UTF-8.
func RejectedDownload(l *i18n.Localizer, codeHeaderKey string, rejected []kexie.Rejection) template.URL {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{l.T("import.line"), l.T(codeHeaderKey), l.T("import.reason")})
	for _, r := range rejected {
		reason := r.Reason
		if r.Err != nil {
			reason = Message(l, kexie.AsError(r.Err))
		}
		_ = w.Write([]string{strconv.Itoa(r.Line), r.Code, reason})
	}
	w.Flush()
	// A data: URL is safe here: its type is fixed and its content encoded.
	return template.URL("data:text/csv;charset=utf-8;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()))
}

// PreviewedFile is the file an import previews, or confirms: either
// uploaded, or sent back by the preview's confirm form (file_data, base64)
// with the digest of what was previewed. Confirming sends the same bytes,
// so the import runs on exactly the file previewed without choosing it
// again; a file whose digest is not the previewed one is refused.
func PreviewedFile(r *http.Request) (name string, data []byte, digest string, err error) {
	if enc := r.PostFormValue("file_data"); enc != "" {
		if data, err = base64.StdEncoding.DecodeString(enc); err != nil {
			return "", nil, "", kexie.Errorf(kexie.CodeInvalid, "err.import_not_previewed", "this is not the file that was previewed; preview it again")
		}
		name = r.PostFormValue("file_name")
	} else {
		f, hdr, ferr := r.FormFile("file")
		if ferr != nil {
			var mbe *http.MaxBytesError
			if errors.As(ferr, &mbe) {
				return "", nil, "", ferr
			}
			return "", nil, "", kexie.Errorf(kexie.CodeInvalid, "err.file_missing", "choose a CSV or XLSX file")
		}
		defer f.Close()
		if data, err = io.ReadAll(f); err != nil {
			return "", nil, "", kexie.Wrap(kexie.CodeInvalid, "err.too_large", "the request is too large", err)
		}
		name = hdr.Filename
	}
	sum := sha256.Sum256(data)
	digest = hex.EncodeToString(sum[:])
	if want := r.PostFormValue("previewed"); want != "" && want != digest {
		return name, nil, digest, kexie.Errorf(kexie.CodeInvalid, "err.import_not_previewed", "this is not the file that was previewed; preview it again")
	}
	return name, data, digest, nil
}

// EncodeFile is a previewed file as its confirm form sends it back.
func EncodeFile(data []byte) string { return base64.StdEncoding.EncodeToString(data) }
