package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kexie/kexie/internal/activities"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/tabular"
)

// attendanceSpec is the paper sign-in sheet's file: one row per person
// and activity.
var attendanceSpec = tabular.Spec{Columns: []string{"activity_code", "org_code", "member_no", "name", "checked_in_at"},
	Required: []string{"activity_code", "checked_in_at"}}

// attendanceSummary is the import's one summary line.
func attendanceSummary(read, recorded, duplicate, rejected int) string {
	return fmt.Sprintf("attendance: %d read, %d recorded, %d duplicate, %d rejected", read, recorded, duplicate, rejected)
}

// sheetTime reads a sign-in time as the file holds it: text (RFC 3339, or
// YYYY-MM-DD HH:MM in Beijing time), or an XLSX date-time cell, a serial
// number of days since 1899-12-30 in the sheet's (Beijing) time, written
// back as RFC 3339.
func sheetTime(s string) string {
	s = strings.TrimSpace(s)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 1 || f > 2958465 || math.IsNaN(f) {
		return s
	}
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, kexie.Beijing)
	return base.Add(time.Duration(math.Round(f*86400)) * time.Second).Format(time.RFC3339)
}

func runImportAttendance(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet(env, "import attendance", "import attendance FILE.(csv|xlsx) [--dry-run] [--errors OUT.csv] [--db PATH | --dsn postgres://…]")
	var d dbFlags
	d.register(fs)
	dry := fs.Bool("dry-run", false, "check every row and report, but write nothing")
	errFile := fs.String("errors", "", "write one line per rejected row (line number, activity_code, reason) to this CSV file")
	file, err := parseNamed(env, fs, args)
	if err != nil {
		return err
	}
	fileError := func(err error) error {
		fmt.Fprintf(env.Stderr, "kexie import: %s: %s\n", file, userMessage(err))
		fmt.Fprintln(env.Stdout, attendanceSummary(0, 0, 0, 0))
		return exitError{code: 1}
	}
	f, err := os.Open(file)
	if err != nil {
		return fileError(err)
	}
	parsed, err := tabular.Read(file, f, attendanceSpec)
	f.Close()
	if err != nil {
		return fileError(err)
	}
	rows := make([]activities.AttendanceRow, len(parsed.Records))
	for i, r := range parsed.Records {
		v := r.Values
		rows[i] = activities.AttendanceRow{Line: r.Line, ActivityCode: v["activity_code"], OrgCode: v["org_code"], MemberNo: v["member_no"],
			Name: v["name"], CheckedInAt: sheetTime(v["checked_in_at"])}
	}
	db, cleanup, err := openForImport(ctx, env, d, *dry)
	if err != nil {
		return err
	}
	defer cleanup()
	out, err := db.Activities.ImportAttendance(ctx, cliActor(), rows, *dry)
	if err != nil {
		return err
	}
	sort.SliceStable(out.Rejected, func(i, j int) bool { return out.Rejected[i].Line < out.Rejected[j].Line })
	for _, r := range out.Rejected {
		fmt.Fprintf(env.Stderr, "line %d (%s): rejected: %s\n", r.Line, r.Code, r.Reason)
	}
	if *errFile != "" {
		if err := writeRejections(*errFile, out.Rejected); err != nil {
			return err
		}
	}
	fmt.Fprintln(env.Stdout, attendanceSummary(len(rows), out.Recorded, out.Duplicate, len(out.Rejected)))
	if len(out.Rejected) > 0 {
		return exitError{code: 1}
	}
	return nil
}

// printActivityStats prints an organisation's activity figures for a
// year: the API's JSON, or a table by category and kind.
func printActivityStats(ctx context.Context, env Env, db *House, code string, year int, asJSON bool) error {
	if year == 0 {
		year = time.Now().In(kexie.Beijing).Year()
	}
	st, err := db.Activities.Stats(ctx, cliActor(), code, year)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(st)
	}
	fmt.Fprintf(env.Stdout, "%s: activities held in %d\n\n", st.Org, st.Year)
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tACTIVITIES\tSESSIONS\tINTERNATIONAL\tATTENDANCE\tANONYMOUS\tPAPERS\tEXHIBITORS\tTEAMS\t")
	line := func(name string, f activities.Figures) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", name, f.Activities, f.Sessions, f.InternationalSessions, f.Attendance,
			f.AnonymousAttendance, f.Papers, f.Exhibitors, f.Teams)
	}
	for _, c := range activities.Categories {
		if f := st.ByCategory[c]; f.Activities > 0 {
			line(c, f)
		}
	}
	for _, k := range activities.Kinds {
		if f := st.ByKind[k]; f.Activities > 0 {
			line(k, f)
		}
	}
	line("total", st.Total)
	return tw.Flush()
}
