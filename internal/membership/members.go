package membership

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kexie/kexie/internal/cnid"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/seal"
	"github.com/kexie/kexie/internal/sqldb"
)

// stored is a membership as the database holds it, for comparison.
type storedMember struct {
	membershipID, personID int64
	rec                    kexie.MemberRecord
	idHash                 string
	// twin is the number of another membership of the same holder in the
	// same organisation ("" for none): read with the member, so that the
	// import's one-document-one-member check costs no round trip of its
	// own for a row that keeps the stored document.
	twin  string
	orgID int64 // (read by the import's block look-up only)
}

// storedColumns are the import's: memberColumns and the twin.
const storedColumns = memberColumns + `, COALESCE((SELECT t.member_no FROM memberships t
	WHERE t.org_id = m.org_id AND t.person_id = m.person_id AND t.id <> m.id ORDER BY t.id LIMIT 1), '')`

const memberColumns = `m.id, p.id, m.member_no, o.code, m.type, p.name, p.name_en, p.pinyin, p.gender, p.birth_date, p.id_type, p.id_hash, p.id_masked,
	p.nationality, p.discipline, p.title, p.employer, p.front_line, p.email, p.phone, m.joined, m.status, m.last_dues_paid, m.last_activity,
	p.credit_code, p.contact_person`

const memberFrom = ` FROM memberships m JOIN people p ON p.id = m.person_id JOIN orgs o ON o.id = m.org_id`

func scanMember(s sqldb.Scanner) (storedMember, error) {
	var sm storedMember
	r := &sm.rec
	err := s.Scan(&sm.membershipID, &sm.personID, &r.MemberNo, &r.OrgCode, &r.Type, &r.Name, &r.NameEN, &r.Pinyin, &r.Gender, &r.BirthDate,
		&r.IDType, &sm.idHash, &r.IDMasked, &r.Nationality, &r.Discipline, &r.Title, &r.Employer, &r.FrontLine, &r.Email, &r.Phone,
		&r.Joined, &r.Status, &r.LastDuesPaid, &r.LastActivity, &r.CreditCode, &r.ContactPerson, &sm.twin)
	return sm, err
}

// mergeAbsentMember keeps the stored value of every column the file lacks.
func mergeAbsentMember(m, was kexie.MemberRecord, wasHash, newHash string, has map[string]bool) (kexie.MemberRecord, string) {
	if has == nil {
		if m.IDNumber == "" {
			m.IDType, newHash = was.IDType, wasHash
		}
		return m, newHash
	}
	keep := func(col string, dst *string, v string) {
		if !has[col] {
			*dst = v
		}
	}
	keep("name_en", &m.NameEN, was.NameEN)
	if m.Name == was.Name {
		// Kept unless the name changed: then the reading of the new name.
		keep("pinyin", &m.Pinyin, was.Pinyin)
	}
	keep("gender", &m.Gender, was.Gender)
	keep("birth_date", &m.BirthDate, was.BirthDate)
	keep("nationality", &m.Nationality, was.Nationality)
	keep("discipline", &m.Discipline, was.Discipline)
	keep("title", &m.Title, was.Title)
	keep("employer", &m.Employer, was.Employer)
	keep("email", &m.Email, was.Email)
	keep("phone", &m.Phone, was.Phone)
	keep("credit_code", &m.CreditCode, was.CreditCode)
	keep("contact_person", &m.ContactPerson, was.ContactPerson)
	keep("joined", &m.Joined, was.Joined)
	keep("last_dues_paid", &m.LastDuesPaid, was.LastDuesPaid)
	keep("last_activity", &m.LastActivity, was.LastActivity)
	if !has["front_line"] {
		m.FrontLine = was.FrontLine
	}
	if !has["status"] {
		m.Status = was.Status
	}
	if !has["id_number"] || m.IDNumber == "" {
		// An identity document is not cleared by a blank cell.
		m.IDType, newHash = was.IDType, wasHash
	}
	return m, newHash
}

// sameMember compares what a file carries.
func sameMember(a, b kexie.MemberRecord, aHash, bHash string) bool {
	fields := func(m kexie.MemberRecord) [22]string {
		return [22]string{m.MemberNo, m.OrgCode, string(m.Type), m.Name, m.NameEN, m.Pinyin, m.Gender, m.BirthDate, m.IDType,
			m.Nationality, m.Discipline, m.Title, m.Employer, strconv.FormatBool(m.FrontLine), m.Email, m.Phone, m.Joined,
			string(m.Status), m.LastDuesPaid, m.LastActivity, m.CreditCode, m.ContactPerson}
	}
	return fields(a) == fields(b) && aHash == bHash
}

func memberSnapshot(m kexie.MemberRecord) map[string]any {
	return map[string]any{"member_no": m.MemberNo, "org_code": m.OrgCode, "type": string(m.Type), "name": m.Name, "name_en": m.NameEN,
		"gender": m.Gender, "birth_date": m.BirthDate, "id_type": m.IDType, "id_number": m.IDNumber, "nationality": m.Nationality,
		"discipline": m.Discipline, "title": m.Title, "employer": m.Employer, "front_line": m.FrontLine, "email": m.Email, "phone": m.Phone,
		"joined": m.Joined, "status": string(m.Status), "last_dues_paid": m.LastDuesPaid, "last_activity": m.LastActivity,
		"credit_code": m.CreditCode, "contact_person": m.ContactPerson}
}

// insertMember records a new membership (an application's) and its holder
// as the applicant typed it — even when the identity document is already
// held by someone on file. Attaching the application to that holder showed
// the reviewing staff the holder's stored record (name, phone, employer)
// from another subtree and dropped what the applicant typed: an oracle for
// "is this number on file, and whose is it" through a public form. A
// possible duplicate is shown to reviewers only where they may read it
// (PossibleDuplicates).
func insertMember(ctx context.Context, tx *sqldb.Tx, orgID int64, m *kexie.MemberRecord, idHash, sealed, masked string) error {
	var personID int64
	{
		key, initials := searchTerms(*m)
		if err := tx.QueryRowContext(ctx, `INSERT INTO people (name, name_en, pinyin, search_key, initials, gender, birth_date, nationality, id_type, id_sealed,
				id_hash, id_masked, discipline, title, employer, front_line, email, phone, created_at, updated_at, credit_code, contact_person)
			VALUES ($1, $2, $3, $4, $19, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18, $20, $21) RETURNING id`,
			m.Name, m.NameEN, m.Pinyin, key, m.Gender, m.BirthDate, m.Nationality, m.IDType, sealed, idHash, masked,
			m.Discipline, m.Title, m.Employer, m.FrontLine, m.Email, m.Phone, tx.Now(), initials, m.CreditCode, m.ContactPerson).Scan(&personID); err != nil {
			return fmt.Errorf("insert person: %w", err)
		}
	}
	if m.MemberNo == "" {
		no, err := nextMemberNo(ctx, tx, orgID)
		if err != nil {
			return err
		}
		m.MemberNo = no
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO memberships (org_id, person_id, member_no, type, status, joined, last_dues_paid, last_activity, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
		orgID, personID, m.MemberNo, string(m.Type), string(m.Status), m.Joined, m.LastDuesPaid, m.LastActivity, tx.Now()).Scan(&id); err != nil {
		return fmt.Errorf("insert membership: %w", err)
	}
	if err := memberEvent(ctx, tx, id, string(m.Status), kexie.Today(tx.Now()).String(), kexie.EventReason("event.recorded")); err != nil {
		return err
	}
	return tx.Audit(ctx, sqldb.Change{Action: "member.create", ObjectType: "membership", ObjectID: strconv.FormatInt(id, 10), OrgID: orgID, After: memberSnapshot(*m)})
}

// personUpdate is the statement that writes a holder's details (and, with
// sealed, a new identity document).
func personUpdate(tx *sqldb.Tx, personID int64, m kexie.MemberRecord, idHash, sealed, masked string) sqldb.Stmt {
	key, initials := searchTerms(m)
	q := `UPDATE people SET name = $1, name_en = $2, pinyin = $3, search_key = $4, gender = $5, birth_date = $6, nationality = $7,
		discipline = $8, title = $9, employer = $10, front_line = $11, email = $12, phone = $13, updated_at = $14, initials = $15,
		credit_code = $16, contact_person = $17`
	args := []any{m.Name, m.NameEN, m.Pinyin, key, m.Gender, m.BirthDate, m.Nationality, m.Discipline, m.Title, m.Employer,
		m.FrontLine, m.Email, m.Phone, tx.Now(), initials, m.CreditCode, m.ContactPerson}
	if sealed != "" {
		q += `, id_type = $18, id_sealed = $19, id_hash = $20, id_masked = $21 WHERE id = $22`
		args = append(args, m.IDType, sealed, idHash, masked, personID)
	} else {
		q += ` WHERE id = $18`
		args = append(args, personID)
	}
	return sqldb.Stmt{SQL: q, Args: args}
}

// memberUpdate is what updating a stored membership (of organisation
// orgID) from an import row writes: its holder, the membership, a history
// event when the status changed, and the audit entry.
func memberUpdate(tx *sqldb.Tx, orgID int64, was storedMember, m kexie.MemberRecord, idHash, sealed, masked string) ([]sqldb.Stmt, sqldb.Change) {
	stmts := []sqldb.Stmt{personUpdate(tx, was.personID, m, idHash, sealed, masked),
		{SQL: `UPDATE memberships SET type = $1, status = $2, joined = $3, last_dues_paid = $4, last_activity = $5, updated_at = $6
		WHERE id = $7`, Args: []any{string(m.Type), string(m.Status), m.Joined, m.LastDuesPaid, m.LastActivity, tx.Now(), was.membershipID}}}
	if m.Status != was.rec.Status {
		stmts = append(stmts, eventStmt(tx, was.membershipID, string(m.Status), kexie.Today(tx.Now()).String(), kexie.EventReason("event.import")))
	}
	before := was.rec
	before.IDNumber = was.rec.IDMasked
	return stmts, sqldb.Change{Action: "member.update", ObjectType: "membership", ObjectID: strconv.FormatInt(was.membershipID, 10), OrgID: orgID,
		Before: memberSnapshot(before), After: memberSnapshot(m)}
}

func eventStmt(tx *sqldb.Tx, membershipID int64, status, happened, reason string) sqldb.Stmt {
	return sqldb.Stmt{SQL: `INSERT INTO membership_events (membership_id, status, happened, reason, actor, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		Args: []any{membershipID, status, happened, reason, tx.Actor().Username, tx.Now()}}
}

func memberEvent(ctx context.Context, tx *sqldb.Tx, membershipID int64, status, happened, reason string) error {
	st := eventStmt(tx, membershipID, status, happened, reason)
	_, err := tx.ExecContext(ctx, st.SQL, st.Args...)
	return err
}

// nextMemberNo assigns the organisation's next member number: the
// organisation's code and a six-digit sequence (CAST-000001), skipping
// numbers a file has already used.
func nextMemberNo(ctx context.Context, tx *sqldb.Tx, orgID int64) (string, error) {
	var code string
	if err := tx.QueryRowContext(ctx, `SELECT code FROM orgs WHERE id = $1`, orgID).Scan(&code); err != nil {
		return "", err
	}
	for {
		n, err := reserveMemberNos(ctx, tx, orgID, 1)
		if err != nil {
			return "", err
		}
		no := memberNo(code, n)
		var taken bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM memberships WHERE org_id = $1 AND member_no = $2)`, orgID, no).Scan(&taken); err != nil {
			return "", err
		}
		if !taken {
			return no, nil
		}
	}
}

// reserveMemberNos moves the organisation's counter on by k and returns
// the first of the k sequence numbers it passed.
func reserveMemberNos(ctx context.Context, tx *sqldb.Tx, orgID, k int64) (int64, error) {
	var n int64
	err := tx.QueryRowContext(ctx, `INSERT INTO member_counters (org_id, next_no) VALUES ($1, $2 + 1)
		ON CONFLICT (org_id) DO UPDATE SET next_no = member_counters.next_no + $2 RETURNING next_no - $2`, orgID, k).Scan(&n)
	return n, err
}

// memberNo is the number an organisation assigns: its code and a sequence
// number of six digits at least (CAST-000001).
func memberNo(code string, n int64) string { return fmt.Sprintf("%s-%06d", code, n) }

// searchTerms are what member search matches a holder's prefix against,
// besides the name and employer: the run-together pinyin (as given —
// editable, since surname readings matter — else the converter's) and its
// initials.
func searchTerms(m kexie.MemberRecord) (pinyin, initials string) {
	if m.Pinyin != "" {
		py := strings.Map(func(r rune) rune {
			if r == ' ' || r == '\'' {
				return -1
			}
			return unicode.ToLower(r)
		}, m.Pinyin)
		return py, cnid.Initials(m.Pinyin, utf8.RuneCountInString(m.Name))
	}
	full, initials, _ := strings.Cut(cnid.SearchKey(m.Name), " ")
	return full, initials
}

// MemberExport says how members are exported.
type MemberExport struct {
	Reveal bool   // ID numbers in clear instead of masked
	Reason string // why (required to reveal; audited)
	Sealer *seal.Sealer
}

// ExportMembers streams the memberships actor may read, by organisation
// code and member number. Revealing ID numbers writes an audit entry with the reason first,
// in its own transaction, before a single number is read.
func (svc *Service) ExportMembers(ctx context.Context, actor kexie.Actor, x MemberExport, fn func(kexie.MemberRecord) error) (int, error) {
	sc, err := svc.db.ScopeOf(ctx, actor, kexie.PermMembershipRead)
	if err != nil {
		return 0, err
	}
	var args []any
	where := ` WHERE m.app_stage <> 'rejected' AND ` + sc.SQL("m.org_id", sqldb.Args(&args)) // a rejected application is no one's member
	if x.Reveal {
		if x.Sealer == nil || x.Reason == "" {
			return 0, kexie.Errorf(kexie.CodeInvalid, "err.reveal_reason", "--reveal-ids needs --reason: revealing ID numbers is audited with its reason")
		}
		if err := svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
			return tx.Audit(ctx, sqldb.Change{Action: "member.reveal_ids", ObjectType: "export", ObjectID: "members",
				After: map[string]any{"reason": x.Reason, "scope_viewer": actor.UserID}})
		}); err != nil {
			return 0, err
		}
	}
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT `+memberColumns+`, p.id_sealed`+memberFrom+where+` ORDER BY o.code, m.member_no`, args...)
	if err != nil {
		return 0, sqldb.MapErr(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var sm storedMember
		var sealed string
		r := &sm.rec
		if err := rows.Scan(&sm.membershipID, &sm.personID, &r.MemberNo, &r.OrgCode, &r.Type, &r.Name, &r.NameEN, &r.Pinyin, &r.Gender, &r.BirthDate,
			&r.IDType, &sm.idHash, &r.IDMasked, &r.Nationality, &r.Discipline, &r.Title, &r.Employer, &r.FrontLine, &r.Email, &r.Phone,
			&r.Joined, &r.Status, &r.LastDuesPaid, &r.LastActivity, &r.CreditCode, &r.ContactPerson, &sealed); err != nil {
			return n, sqldb.MapErr(err)
		}
		r.IDNumber = r.IDMasked
		if x.Reveal && sealed != "" {
			if r.IDNumber, err = x.Sealer.Open(sealed); err != nil {
				return n, fmt.Errorf("member %s/%s: %w", r.OrgCode, r.MemberNo, err)
			}
		}
		if err := fn(*r); err != nil {
			return n, err
		}
		n++
	}
	return n, sqldb.MapErr(rows.Err())
}

// Lapse is one membership the lapse rule catches.
type Lapse struct {
	MembershipID int64
	MemberNo     string
	OrgCode      string
	Name         string
	Reason       string // kexie.LapseNoDues, LapseNoParticipation or LapseBoth
}

// Lapses lists the active memberships that lapse as of day under each
// organisation's N (orgs.lapse_years), by organisation code and member
// number, in the organisations actor may read.
func (svc *Service) Lapses(ctx context.Context, actor kexie.Actor, asOf time.Time) ([]Lapse, error) {
	return svc.LapsesWhere(ctx, actor, asOf, kexie.PermMembershipRead)
}

// LapsesWhere is Lapses limited to the organisations where actor holds p
// (membership.write: the ones they may mark lapsed).
func (svc *Service) LapsesWhere(ctx context.Context, actor kexie.Actor, asOf time.Time, p kexie.Permission) ([]Lapse, error) {
	sc, err := svc.db.ScopeOf(ctx, actor, p)
	if err != nil {
		return nil, err
	}
	var args []any
	where := ` AND ` + sc.SQL("m.org_id", sqldb.Args(&args))
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT m.id, m.member_no, o.code, p.name, m.type, m.status, m.joined, m.last_dues_paid, m.last_activity,
			m.exempt_until, o.lapse_years`+memberFrom+` WHERE m.status = 'active' AND m.type <> 'honorary'`+where+` ORDER BY o.code, m.member_no`, args...)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	out := []Lapse{}
	for rows.Next() {
		var l Lapse
		var typ, status, joined, dues, act, exempt string
		var years int
		if err := rows.Scan(&l.MembershipID, &l.MemberNo, &l.OrgCode, &l.Name, &typ, &status, &joined, &dues, &act, &exempt, &years); err != nil {
			return nil, sqldb.MapErr(err)
		}
		f := kexie.LapseFacts{Type: kexie.MemberType(typ), Status: kexie.MemberStatus(status), YearsAllowed: years}
		f.Joined, _ = kexie.ParseDate(joined)
		f.LastDues, _ = kexie.ParseDate(dues)
		f.LastActivity, _ = kexie.ParseDate(act)
		f.ExemptUntil, _ = kexie.ParseDate(exempt)
		if l.Reason = kexie.LapseReason(f, asOf); l.Reason != "" {
			out = append(out, l)
		}
	}
	return out, sqldb.MapErr(rows.Err())
}

// ApplyLapses marks the listed memberships lapsed as of day, each with its
// event and audit entry, in one transaction; a membership no longer active
// is left alone. The actor needs membership.write on each listed
// membership's organisation; one outside their subtrees is not found and
// nothing is written.
//
// A day after today (in China) is refused: lapsing a whole register "as of
// 2099" is a slip of the keyboard, not a decision.
// LapsesToApply is what ApplyLapses would do for actor as of asOf: the
// lapsing memberships where actor may change memberships, none when asOf
// is a day still to come (which ApplyLapses refuses). A page offers to
// apply the lapse only when this is not empty.
func (svc *Service) LapsesToApply(ctx context.Context, actor kexie.Actor, asOf time.Time) ([]Lapse, error) {
	if asOf.After(kexie.Today(svc.db.Now()).MidnightUTC()) {
		return nil, nil
	}
	return svc.LapsesWhere(ctx, actor, asOf, kexie.PermMembershipWrite)
}

func (svc *Service) ApplyLapses(ctx context.Context, actor kexie.Actor, asOf time.Time, list []Lapse) error {
	if today := kexie.Today(svc.db.Now()).MidnightUTC(); asOf.After(today) {
		return kexie.Errorf(kexie.CodeInvalid, "err.lapse_future", "members cannot be marked lapsed as of %s, a day still to come (today is %s)",
			asOf.Format("2006-01-02"), today.Format("2006-01-02"))
	}
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		for _, l := range list {
			// Every listed membership is checked (membership.write where it
			// is held), so a list not built by LapsesWhere for this actor
			// cannot lapse another subtree's members: one outside fails the
			// whole transaction as not found. A membership that does not
			// exist has no organisation (0), which only the system and
			// system administrators pass — for them it is left alone, as
			// before; anyone else gets the same not found as for another
			// subtree's.
			var orgID int64
			err := tx.QueryRowContext(ctx, `SELECT org_id FROM memberships WHERE id = $1`, l.MembershipID).Scan(&orgID)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if err := checkMemberWrite(ctx, tx, orgID); err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, `UPDATE memberships SET status = 'lapsed', updated_at = $1 WHERE id = $2 AND status = 'active'`, tx.Now(), l.MembershipID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			if err := memberEvent(ctx, tx, l.MembershipID, "lapsed", asOf.Format("2006-01-02"), kexie.EventReason("event.lapse", l.Reason)); err != nil {
				return err
			}
			if err := tx.Audit(ctx, sqldb.Change{Action: "member.lapse", ObjectType: "membership", ObjectID: strconv.FormatInt(l.MembershipID, 10), OrgID: orgID,
				Before: map[string]any{"status": "active"}, After: map[string]any{"status": "lapsed", "reason": l.Reason, "as_of": asOf.Format("2006-01-02")}}); err != nil {
				return err
			}
		}
		return nil
	})
}

// personRecord reads a holder's details (the person-level columns of a
// member record) and its document hash.
func personRecord(ctx context.Context, tx *sqldb.Tx, id int64) (kexie.MemberRecord, string, error) {
	var r kexie.MemberRecord
	var hash string
	err := scanPerson(tx.QueryRowContext(ctx, `SELECT `+personColumns+` FROM people WHERE id = $1`, id), &r, &hash)
	return r, hash, err
}

// personFields are a record's holder-level fields, in one comparable value.
func personFields(m kexie.MemberRecord) [14]string {
	return [14]string{m.Name, m.NameEN, m.Pinyin, m.Gender, m.BirthDate, m.Nationality, m.Discipline, m.Title, m.Employer,
		strconv.FormatBool(m.FrontLine), m.Email, m.Phone, m.CreditCode, m.ContactPerson}
}

// samePerson tells whether two records say the same of their holder.
func samePerson(a, b kexie.MemberRecord) bool { return personFields(a) == personFields(b) }

// keepPerson sets m's holder-level fields to stored's.
func keepPerson(m *kexie.MemberRecord, stored kexie.MemberRecord) {
	m.Name, m.NameEN, m.Pinyin, m.Gender, m.BirthDate = stored.Name, stored.NameEN, stored.Pinyin, stored.Gender, stored.BirthDate
	m.Nationality, m.Discipline, m.Title, m.Employer = stored.Nationality, stored.Discipline, stored.Title, stored.Employer
	m.FrontLine, m.Email, m.Phone, m.IDType = stored.FrontLine, stored.Email, stored.Phone, stored.IDType
	m.CreditCode, m.ContactPerson = stored.CreditCode, stored.ContactPerson
}

// personSnapshot is a holder for the audit log (the document masked).
func personSnapshot(m kexie.MemberRecord) map[string]any {
	return map[string]any{"name": m.Name, "name_en": m.NameEN, "pinyin": m.Pinyin, "gender": m.Gender, "birth_date": m.BirthDate,
		"id_type": m.IDType, "id_number": m.IDMasked, "nationality": m.Nationality, "discipline": m.Discipline, "title": m.Title,
		"employer": m.Employer, "front_line": m.FrontLine, "email": m.Email, "phone": m.Phone, "credit_code": m.CreditCode, "contact_person": m.ContactPerson}
}

// personKept is the warning for a row whose holder's details were kept.
const personKept = "the holder of this identity document is also a member where you may not write: their details are kept as they are; this row's are ignored"

// mayEditPerson reports whether the actor whose membership.write scope is
// sc (the transaction's: see memberWriter.editScope) may change the
// details of person personID: people are shared by their memberships, so
// only one who may write every membership the person holds may (the system
// may). Anyone else could otherwise rewrite the name, phone and employer of
// a member of another subtree by importing a row with their ID number.
func mayEditPerson(ctx context.Context, tx *sqldb.Tx, sc sqldb.Scope, personID int64) (bool, error) {
	if sc.All() {
		return true, nil
	}
	args := []any{personID}
	q := `SELECT NOT EXISTS (SELECT 1 FROM memberships m WHERE m.person_id = $1 AND NOT ` + sc.SQL("m.org_id", sqldb.Args(&args)) + `)`
	var ok bool
	err := tx.QueryRowContext(ctx, q, args...).Scan(&ok)
	return ok, err
}
