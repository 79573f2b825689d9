package activities

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// Person is a chair of a session or a speaker of a contribution: a member
// of the register (OrgCode and MemberNo when entered; named as the
// register names them) or an outside person by name, with their
// affiliation and country.
type Person struct {
	ID           int64  `json:"id,omitempty"`
	Name         string `json:"name"`
	Affiliation  string `json:"affiliation"`
	Country      string `json:"country,omitempty"`
	OrgCode      string `json:"org_code,omitempty"`
	MemberNo     string `json:"member_no,omitempty"`
	MembershipID int64  `json:"-"`
}

// Label is how a programme prints the person: the name, and the
// affiliation in brackets.
func (p Person) Label(lang string) string {
	if p.Affiliation == "" {
		return p.Name
	}
	if lang == "en" {
		return p.Name + " (" + p.Affiliation + ")"
	}
	return p.Name + "（" + p.Affiliation + "）"
}

// ParsePeople reads people as a programme lists them in one field —
// "王芳（哈尔滨工业大学）、李娜, Ivan Petrov (Tomsk State University)":
// separated by 、，,;； or a new line, each a name with its affiliation
// in brackets. A bracket's commas do not separate.
func ParsePeople(text string) []Person {
	var out []Person
	var cur strings.Builder
	depth := 0
	flush := func() {
		s := strings.TrimSpace(cur.String())
		cur.Reset()
		if s == "" {
			return
		}
		p := Person{Name: s}
		for _, br := range [][2]string{{"（", "）"}, {"(", ")"}} {
			if i := strings.Index(s, br[0]); i > 0 && strings.HasSuffix(s, br[1]) {
				p.Name = strings.TrimSpace(s[:i])
				p.Affiliation = strings.TrimSpace(strings.TrimSuffix(s[i+len(br[0]):], br[1]))
				break
			}
		}
		out = append(out, p)
	}
	for _, r := range text {
		switch r {
		case '(', '（':
			depth++
		case ')', '）':
			if depth > 0 {
				depth--
			}
		case '、', '，', ',', ';', '；', '\n':
			if depth == 0 {
				flush()
				continue
			}
		}
		cur.WriteRune(r)
	}
	flush()
	return out
}

// cleanPerson checks a person as entered.
func cleanPerson(p Person) (Person, error) {
	var err error
	for _, f := range []*string{&p.Name, &p.Affiliation, &p.Country, &p.OrgCode, &p.MemberNo} {
		if *f, err = plain(*f, 200); err != nil {
			return p, err
		}
	}
	if p.Name == "" && p.MemberNo == "" {
		return p, kexie.Errorf(kexie.CodeInvalid, "err.person_name", "a chair or speaker is a member of the register (organisation and member number) or a person by name")
	}
	return p, nil
}

// addPerson writes person p (checked) as a chair of session or a speaker
// of contribution (the other 0) of activity a, after the others of its
// session or contribution. A member of the register is looked up: named
// as the register names them, of their organisation unless an
// affiliation is given.
func addPerson(ctx context.Context, tx *sqldb.Tx, a activityRow, code, role string, session, contribution int64, p Person) (int64, error) {
	if p.OrgCode != "" || p.MemberNo != "" {
		var org string
		err := tx.QueryRowContext(ctx, `SELECT m.id, pe.name, o.name_zh FROM memberships m JOIN orgs o ON o.id = m.org_id JOIN people pe ON pe.id = m.person_id
			WHERE o.code = $1 AND m.member_no = $2`, p.OrgCode, p.MemberNo).Scan(&p.MembershipID, &p.Name, &org)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, kexie.Errorf(kexie.CodeInvalid, "err.registration_member", "no member %v in organisation %v", kexie.Excerpt(p.MemberNo), kexie.Excerpt(p.OrgCode))
		}
		if err != nil {
			return 0, err
		}
		if p.Affiliation == "" {
			p.Affiliation = org
		}
	}
	where, of := `session_id = $1`, session
	if role == "speaker" {
		where, of = `contribution_id = $1`, contribution
	}
	var position int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM activity_people WHERE `+where, of).Scan(&position); err != nil {
		return 0, err
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO activity_people (activity_id, role, session_id, contribution_id, position, membership_id, name, affiliation, country, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		a.id, role, nullID(session), nullID(contribution), position, nullID(p.MembershipID), p.Name, p.Affiliation, p.Country, tx.Now()).Scan(&id); err != nil {
		return 0, err
	}
	return id, tx.Audit(ctx, sqldb.Change{Action: "activity." + role, ObjectType: "activity", ObjectID: code, OrgID: a.orgID,
		After: map[string]any{"session": session, "contribution": contribution, "name": p.Name, "affiliation": p.Affiliation, "membership_id": p.MembershipID}})
}

// addPeople writes the people a programme's field lists (see ParsePeople).
func addPeople(ctx context.Context, tx *sqldb.Tx, a activityRow, code, role string, session, contribution int64, text string) error {
	for _, p := range ParsePeople(text) {
		p, err := cleanPerson(p)
		if err != nil {
			return err
		}
		if _, err := addPerson(ctx, tx, a, code, role, session, contribution, p); err != nil {
			return err
		}
	}
	return nil
}

// AddChair adds a chair to session id of activity code, after its others.
func (svc *Service) AddChair(ctx context.Context, actor kexie.Actor, code string, session int64, p Person) (int64, error) {
	p, err := cleanPerson(p)
	if err != nil {
		return 0, err
	}
	var id int64
	err = svc.inManaged(ctx, actor, code, func(tx *sqldb.Tx, a activityRow) error {
		if _, err := sessionRow(ctx, tx, a.id, session); err != nil {
			return err
		}
		id, err = addPerson(ctx, tx, a, code, "chair", session, 0, p)
		return err
	})
	return id, err
}

// AddSpeaker adds a speaker to contribution id of activity code, after its
// others.
func (svc *Service) AddSpeaker(ctx context.Context, actor kexie.Actor, code string, contribution int64, p Person) (int64, error) {
	p, err := cleanPerson(p)
	if err != nil {
		return 0, err
	}
	var id int64
	err = svc.inManaged(ctx, actor, code, func(tx *sqldb.Tx, a activityRow) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM activity_contributions c JOIN activity_sessions s ON s.id = c.session_id
			WHERE c.id = $1 AND s.activity_id = $2`, contribution, a.id).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return kexie.Errorf(kexie.CodeNotFound, "err.contribution_not_found", "no such contribution in this activity")
		}
		id, err = addPerson(ctx, tx, a, code, "speaker", 0, contribution, p)
		return err
	})
	return id, err
}

// ContributionEntry is a contribution as a programme shows it: its title,
// its speakers (as records; or the text entered, for a contribution kept
// before speakers were records) and whether a paper goes with it.
type ContributionEntry struct {
	ID           int64    `json:"id"`
	Title        string   `json:"title"`
	Speakers     []Person `json:"speakers"`
	SpeakersText string   `json:"speakers_text,omitempty"`
	Paper        bool     `json:"paper"`
}

// attachPeople reads the chairs and contributions (with their speakers) of
// activity id's sessions into ss.
func (svc *Service) attachPeople(ctx context.Context, activityID int64, ss []Session) error {
	at := map[int64]int{}
	for i := range ss {
		at[ss[i].ID] = i
		ss[i].ChairList, ss[i].Contributions = []Person{}, []ContributionEntry{}
	}
	if len(ss) == 0 {
		return nil
	}
	q := svc.db.Reader()
	rows, err := q.QueryContext(ctx, `SELECT c.id, c.session_id, c.title, c.speakers, c.paper FROM activity_contributions c
		JOIN activity_sessions s ON s.id = c.session_id WHERE s.activity_id = $1 ORDER BY c.session_id, c.position`, activityID)
	if err != nil {
		return sqldb.MapErr(err)
	}
	type place struct{ session, index int }
	contribution := map[int64]place{}
	for rows.Next() {
		var c ContributionEntry
		var session int64
		if err := rows.Scan(&c.ID, &session, &c.Title, &c.SpeakersText, &c.Paper); err != nil {
			rows.Close()
			return sqldb.MapErr(err)
		}
		c.Speakers = []Person{}
		if i, ok := at[session]; ok {
			contribution[c.ID] = place{i, len(ss[i].Contributions)}
			ss[i].Contributions = append(ss[i].Contributions, c)
		}
	}
	if err := rows.Close(); err != nil {
		return sqldb.MapErr(err)
	}
	rows, err = q.QueryContext(ctx, `SELECT p.id, p.role, COALESCE(p.session_id, 0), COALESCE(p.contribution_id, 0), p.name, p.affiliation, p.country,
		COALESCE(o.code, ''), COALESCE(m.member_no, '') FROM activity_people p LEFT JOIN memberships m ON m.id = p.membership_id LEFT JOIN orgs o ON o.id = m.org_id
		WHERE p.activity_id = $1 ORDER BY p.position, p.id`, activityID)
	if err != nil {
		return sqldb.MapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var p Person
		var role string
		var session, contrib int64
		if err := rows.Scan(&p.ID, &role, &session, &contrib, &p.Name, &p.Affiliation, &p.Country, &p.OrgCode, &p.MemberNo); err != nil {
			return sqldb.MapErr(err)
		}
		if i, ok := at[session]; ok && role == "chair" {
			ss[i].ChairList = append(ss[i].ChairList, p)
		}
		if pl, ok := contribution[contrib]; ok && role == "speaker" {
			c := &ss[pl.session].Contributions[pl.index]
			c.Speakers = append(c.Speakers, p)
		}
	}
	if err := rows.Err(); err != nil {
		return sqldb.MapErr(err)
	}
	// The text entered is kept for what has no records (kept before
	// speakers were records); records say it better where they exist.
	for i := range ss {
		for j := range ss[i].Contributions {
			if c := &ss[i].Contributions[j]; len(c.Speakers) > 0 {
				c.SpeakersText = ""
			}
		}
	}
	return nil
}
