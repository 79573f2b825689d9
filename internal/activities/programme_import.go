package activities

import (
	"context"
	"strings"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// ProgrammeColumns are the columns of a programme file: one row per
// contribution. Rows with the same room and start belong to one session,
// described by its first row; a row of kind "break" is a break for every
// room (entered once; 休息 says the same); a row without a contribution title is a session
// without contributions.
var ProgrammeColumns = []string{"kind", "session_title_zh", "session_title_en", "room", "track", "chairs", "starts", "ends", "international",
	"capacity", "title", "speakers", "paper"}

// ProgrammeRow is one row of a programme file, by column.
type ProgrammeRow struct {
	Line   int
	Values map[string]string
}

// ProgrammeResult counts what a programme file added, and its rows
// refused with their lines.
type ProgrammeResult struct {
	Sessions      int               `json:"sessions"`
	Breaks        int               `json:"breaks"`
	Contributions int               `json:"contributions"`
	Rejected      []kexie.Rejection `json:"-"`
}

// yes reads a spreadsheet's yes: 1, true, yes, y, 是, x.
func yes(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "yes", "y", "是", "x", "✓":
		return true
	}
	return false
}

// ImportProgramme adds a programme file's sessions, breaks and
// contributions to activity code, for those who manage it, in one
// transaction, under the rules of adding each by hand (within the days,
// no room taken, no session during a break). A refused row is reported
// with its line and adds nothing; the rows of a refused session add
// nothing either. A dry run checks everything and keeps nothing.
func (svc *Service) ImportProgramme(ctx context.Context, actor kexie.Actor, code string, rows []ProgrammeRow, dry bool) (ProgrammeResult, error) {
	var out ProgrammeResult
	err := svc.db.WriteOrDry(ctx, actor, dry, func(tx *sqldb.Tx) error {
		out = ProgrammeResult{}
		a, err := managed(ctx, tx, code)
		if err != nil {
			return err
		}
		sessions := map[string]int64{} // room and start → the session written
		refused := map[string]bool{}   // room and start → its session was refused
		for _, row := range rows {
			v := row.Values
			reject := func(err error) {
				out.Rejected = append(out.Rejected, kexie.Rejection{Line: row.Line, Code: v["room"], Reason: kexie.AsError(err).Message})
			}
			fail := func(err error) error {
				if k := kexie.ErrorCode(err); k != kexie.CodeInvalid && k != kexie.CodeConflict {
					return err
				}
				reject(err)
				return nil
			}
			if k := strings.TrimSpace(v["kind"]); k == "break" || k == "休息" {
				zh, en, s, e, err := checkBreak(v["session_title_zh"], v["session_title_en"], v["starts"], v["ends"])
				if err == nil {
					_, err = addBreak(ctx, tx, a, code, zh, en, s, e)
				}
				if err != nil {
					if err := fail(err); err != nil {
						return err
					}
					continue
				}
				out.Breaks++
				continue
			}
			in := SessionInput{Kind: strings.TrimSpace(v["kind"]), TitleZH: v["session_title_zh"], TitleEN: v["session_title_en"], Room: v["room"],
				Track: v["track"], Chairs: v["chairs"], Starts: v["starts"], Ends: v["ends"], International: yes(v["international"])}
			if c := strings.TrimSpace(v["capacity"]); c != "" {
				n := 0
				for _, r := range c {
					if r < '0' || r > '9' || n > 10_000_000 {
						n = -1
						break
					}
					n = n*10 + int(r-'0')
				}
				in.Capacity = n
			}
			// A later row of a session written already names it by its
			// room and start; only its first row describes it.
			key := ""
			if start, err := ParseInstant(in.Starts); err == nil {
				key = strings.TrimSpace(in.Room) + "\x00" + start.String()
			}
			if refused[key] && key != "" {
				reject(kexie.Errorf(kexie.CodeInvalid, "err.programme_session_refused", "the session of this row was refused on an earlier row"))
				continue
			}
			id, ok := sessions[key]
			if !ok {
				s, e, err := checkSession(&in)
				if err == nil {
					id, err = addSession(ctx, tx, a, code, in, s, e)
				}
				if err != nil {
					refused[key] = true
					if err := fail(err); err != nil {
						return err
					}
					continue
				}
				sessions[key] = id
				out.Sessions++
			}
			c := Contribution{Title: v["title"], Speakers: v["speakers"], Paper: yes(v["paper"])}
			var err error
			if c.Title, err = plain(c.Title, 300); err == nil {
				c.Speakers, err = plain(c.Speakers, 300)
			}
			if err != nil {
				if err := fail(err); err != nil {
					return err
				}
				continue
			}
			if c.Title == "" {
				continue // a session without contributions
			}
			if _, err := addContribution(ctx, tx, a, code, id, c); err != nil {
				return err
			}
			out.Contributions++
		}
		return nil
	})
	return out, err
}
