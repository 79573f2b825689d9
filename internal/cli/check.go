package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/kexie/kexie/internal/charter"
)

func runCheck(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet(env, "check", "check CODE [--as-of YYYY-MM-DD] [--json] [--db PATH | --dsn postgres://…]")
	var d dbFlags
	d.register(fs)
	asOf := fs.String("as-of", "", "the day the rules are checked on (YYYY-MM-DD; default today in Beijing)")
	asJSON := fs.Bool("json", false, "print the findings as JSON")
	code, err := parseNamed(env, fs, args)
	if err != nil {
		return err
	}
	return withHouse(ctx, env, d, func(db *House) error {
		day, err := asOfDay(*asOf)
		if err != nil {
			return err
		}
		org, err := db.Registry.OrgByCode(ctx, code)
		if err != nil {
			return err
		}
		findings, err := db.Governance.Findings(ctx, org.ID, day)
		if err != nil {
			return err
		}
		if *asJSON {
			if findings == nil {
				findings = []charter.Finding{}
			}
			enc := json.NewEncoder(env.Stdout)
			enc.SetEscapeHTML(false)
			return enc.Encode(findings)
		}
		for _, f := range findings {
			state := "BROKEN "
			if !f.Broken {
				state = "at risk"
			}
			line := fmt.Sprintf("%s  %-16s %-16s", state, f.Body, f.Rule)
			if f.Of > 0 || f.Need > 0 {
				line += fmt.Sprintf(" have %d, need %d", f.Have, f.Need)
				if f.Of > 0 {
					line += fmt.Sprintf(" of %d", f.Of)
				}
			}
			if f.Details != "" {
				line += " (" + f.Details + ")"
			}
			if len(f.People) > 0 {
				line += ": " + strings.Join(f.People, "、")
			}
			fmt.Fprintln(env.Stdout, line)
		}
		fmt.Fprintf(env.Stdout, "%s: %d findings as of %s\n", org.Code, len(findings), day.Format("2006-01-02"))
		if len(findings) > 0 {
			return exitError{code: 1}
		}
		return nil
	})
}
