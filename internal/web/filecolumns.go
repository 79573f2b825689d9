package web

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
