package web

import (
	"io"
	"unicode/utf8"

	"github.com/kexie/kexie/internal/i18n"
	"github.com/kexie/kexie/internal/tabular"
)

// SheetField is one field of a record in an XLSX export for people.
type SheetField struct {
	Code  string // the file's column, which an import reads; "" for a field imports do not take
	Label string // its name in the reader's language
	Width float64
	// Coded names the catalog prefix of its values: a column of their
	// names in the reader's language follows it (ignored by imports).
	Coded string
}

// WriteSheet writes an XLSX export for people (tabular.NewSheet): one sheet,
// a header in the reader's language above the codes, frozen, columns as
// wide as their contents want, each coded value followed by its name. fill
// calls row with each record's values, one per field, in order.
func WriteSheet(w io.Writer, l *i18n.Localizer, sheet string, fields []SheetField, fill func(row func(vals []string) error) error) error {
	var cols []tabular.SheetColumn
	for _, f := range fields {
		cols = append(cols, tabular.SheetColumn{Label: f.Label, Code: f.Code, Width: max(f.Width, textWidth(f.Label)+2, float64(len(f.Code))+2)})
		if f.Coded != "" {
			label := l.T("export.name_of", f.Label)
			cols = append(cols, tabular.SheetColumn{Label: label, Width: max(16, textWidth(label)+2)})
		}
	}
	wr, err := tabular.NewSheet(w, sheet, cols)
	if err != nil {
		return err
	}
	err = fill(func(vals []string) error {
		out := make([]string, 0, len(cols))
		for i, f := range fields {
			v := ""
			if i < len(vals) {
				v = vals[i]
			}
			out = append(out, v)
			if f.Coded != "" {
				name := ""
				if v != "" && l.Has(f.Coded+v) {
					name = l.T(f.Coded + v)
				}
				out = append(out, name)
			}
		}
		return wr.Write(out)
	})
	if err != nil {
		return err
	}
	return wr.Close()
}

// textWidth is how many columns of a spreadsheet a text takes: a Chinese
// character two, others one.
func textWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		if utf8.RuneLen(r) >= 3 {
			w += 2
		} else {
			w++
		}
	}
	return w
}

// YesNo writes a yes/no field as the reader says it (是/否, yes/no), which
// imports read back.
func YesNo(l *i18n.Localizer, b bool) string {
	if b {
		return l.T("export.yes")
	}
	return l.T("export.no")
}
