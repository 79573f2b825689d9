package membership

import (
	"strconv"
	"strings"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// An import into a register that holds members looks up, for each row,
// the stored member with its number, the holder of its identity document,
// that holder's record and other memberships. Asked one row at a time
// that is several round trips a row, each after the pending new rows are
// written (so that it sees them); a block of rows instead asks the
// database once per kind of look-up (blockLook), and answers each row from
// the block's answers unless this import has since changed what the
// answer rests on (the dirty sets of memberWriter): then, and for what the
// block did not ask, the row asks on its own as before.

// orgNo is a membership's key: organisation and member number.
type orgNo struct {
	org int64
	no  string
}

// blockLook holds the answers read for one block of rows.
type blockLook struct {
	nos    map[orgNo]int64  // asked keys → membership (0: none)
	hashes map[string]int64 // asked documents → holder, the person of lowest id (0: none)
	people map[int64]personRow
	// held: the persons asked → their memberships in id order; byID the
	// same memberships by id.
	held map[int64][]*storedMember
	byID map[int64]*storedMember
}

type personRow struct {
	rec  kexie.MemberRecord
	hash string
}

// personColumns are a holder's details as personRecord and the block
// look-up read them.
const personColumns = `name, name_en, pinyin, gender, birth_date, id_type, id_hash, id_masked, nationality, discipline, title,
		employer, front_line, email, phone, credit_code, contact_person`

func scanPerson(s sqldb.Scanner, r *kexie.MemberRecord, hash *string, extra ...any) error {
	return s.Scan(append([]any{&r.Name, &r.NameEN, &r.Pinyin, &r.Gender, &r.BirthDate, &r.IDType, hash, &r.IDMasked, &r.Nationality,
		&r.Discipline, &r.Title, &r.Employer, &r.FrontLine, &r.Email, &r.Phone, &r.CreditCode, &r.ContactPerson}, extra...)...)
}

// inList is "($k, $k+1, …)" for the values vs, appended to args.
func inList(args *[]any, vs []any) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, v := range vs {
		if i > 0 {
			b.WriteString(", ")
		}
		*args = append(*args, v)
		b.WriteString("$" + strconv.Itoa(len(*args)))
	}
	b.WriteByte(')')
	return b.String()
}

// prefetch reads, for a block of rows of an import into a register that
// holds members, the stored members with the rows' numbers, the holders of
// their documents with their records, and every membership of those
// people: three queries for the block. (An import into an empty register
// has nothing stored to look up.)
func (w *memberWriter) prefetch(batch []kexie.MemberRecord) error {
	if w.fresh {
		return nil
	}
	l := &blockLook{nos: map[orgNo]int64{}, hashes: map[string]int64{}, people: map[int64]personRow{},
		held: map[int64][]*storedMember{}, byID: map[int64]*storedMember{}}
	var nos, hashes []any
	seenNo := map[string]bool{}
	for _, m := range batch {
		o, err := w.org(m.OrgCode)
		if err != nil {
			return err
		}
		if o.refusal != "" {
			continue
		}
		if m.MemberNo != "" && !o.fresh {
			k := orgNo{o.id, m.MemberNo}
			if _, ok := l.nos[k]; !ok {
				l.nos[k] = 0
				if !seenNo[m.MemberNo] {
					seenNo[m.MemberNo] = true
					nos = append(nos, m.MemberNo)
				}
			}
		}
		if m.IDHash != "" {
			if _, ok := l.hashes[m.IDHash]; !ok {
				l.hashes[m.IDHash] = 0
				hashes = append(hashes, m.IDHash)
			}
		}
	}
	if len(nos)+len(hashes) == 0 {
		w.look = l
		return nil
	}
	w.connMu.Lock() // the flusher's COPY may hold the connection
	defer w.connMu.Unlock()
	persons := map[int64]bool{}
	if len(hashes) > 0 {
		var args []any
		rows, err := w.tx.QueryContext(w.ctx, `SELECT `+personColumns+`, id FROM people WHERE id_hash IN `+inList(&args, hashes)+` ORDER BY id`, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var p personRow
			var id int64
			if err := scanPerson(rows, &p.rec, &p.hash, &id); err != nil {
				rows.Close()
				return err
			}
			if l.hashes[p.hash] == 0 {
				l.hashes[p.hash] = id
				l.people[id] = p
				persons[id] = true
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	if len(nos) > 0 {
		var args []any
		// By number alone (its own index), the organisation matched here.
		rows, err := w.tx.QueryContext(w.ctx, `SELECT id, org_id, member_no, person_id FROM memberships WHERE member_no IN `+inList(&args, nos), args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var k orgNo
			var id, pid int64
			if err := rows.Scan(&id, &k.org, &k.no, &pid); err != nil {
				rows.Close()
				return err
			}
			if _, asked := l.nos[k]; asked {
				l.nos[k] = id
				persons[pid] = true
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	if len(persons) > 0 {
		ids := make([]any, 0, len(persons))
		for id := range persons {
			ids = append(ids, id)
			l.held[id] = nil
		}
		var args []any
		rows, err := w.tx.QueryContext(w.ctx, `SELECT `+memberColumns+`, m.org_id`+memberFrom+` WHERE m.person_id IN `+inList(&args, ids)+` ORDER BY m.id`, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			sm := &storedMember{}
			r := &sm.rec
			if err := rows.Scan(&sm.membershipID, &sm.personID, &r.MemberNo, &r.OrgCode, &r.Type, &r.Name, &r.NameEN, &r.Pinyin, &r.Gender, &r.BirthDate,
				&r.IDType, &sm.idHash, &r.IDMasked, &r.Nationality, &r.Discipline, &r.Title, &r.Employer, &r.FrontLine, &r.Email, &r.Phone,
				&r.Joined, &r.Status, &r.LastDuesPaid, &r.LastActivity, &r.CreditCode, &r.ContactPerson, &sm.orgID); err != nil {
				rows.Close()
				return err
			}
			l.held[sm.personID] = append(l.held[sm.personID], sm)
			l.byID[sm.membershipID] = sm
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	w.look = l
	return nil
}

// The look-ups below answer from the block when they can (ok); else the
// caller asks the database itself.

// lookNo is the stored member with number no in o, with its twin.
func (w *memberWriter) lookNo(o *importOrg, no string) (sm storedMember, found, ok bool) {
	l := w.look
	k := orgNo{o.id, no}
	if l == nil || w.dirtyNo[k] {
		return sm, false, false
	}
	id, asked := l.nos[k]
	if !asked {
		return sm, false, false
	}
	if id == 0 {
		return sm, false, true
	}
	p, ok := l.byID[id]
	if !ok || w.dirtyPerson[p.personID] {
		return sm, false, false
	}
	sm = *p
	sm.twin, ok = w.lookOther(o, p.personID, p.membershipID)
	return sm, ok, ok
}

// lookHeld is the stored membership of person pid in o, with its twin.
// A person with two there is asked of the database (which of them it
// returns is its own choice).
func (w *memberWriter) lookHeld(o *importOrg, pid int64) (sm storedMember, found, ok bool) {
	l := w.look
	if l == nil || w.dirtyPerson[pid] {
		return sm, false, false
	}
	ms, asked := l.held[pid]
	if !asked {
		return sm, false, false
	}
	var here *storedMember
	for _, m := range ms {
		if m.orgID == o.id {
			if here != nil {
				return sm, false, false
			}
			here = m
		}
	}
	if here == nil {
		return sm, false, true
	}
	return *here, true, true
}

// lookOther is the number of person pid's first membership in o other
// than membership except ("" for none).
func (w *memberWriter) lookOther(o *importOrg, pid, except int64) (string, bool) {
	if pid == 0 {
		return "", true // no one: ids start at 1
	}
	l := w.look
	if l == nil || w.dirtyPerson[pid] {
		return "", false
	}
	ms, asked := l.held[pid]
	if !asked {
		return "", false
	}
	for _, m := range ms {
		if m.orgID == o.id && m.membershipID != except {
			return m.rec.MemberNo, true
		}
	}
	return "", true
}

// lookHolder is the holder of document hash h (0: none).
func (w *memberWriter) lookHolder(h string) (int64, bool) {
	l := w.look
	if l == nil || w.dirtyHash[h] {
		return 0, false
	}
	id, asked := l.hashes[h]
	if asked && id != 0 && w.dirtyPerson[id] {
		return 0, false
	}
	return id, asked
}

// lookPerson is holder id's record and document hash.
func (w *memberWriter) lookPerson(id int64) (kexie.MemberRecord, string, bool) {
	l := w.look
	if l == nil || w.dirtyPerson[id] {
		return kexie.MemberRecord{}, "", false
	}
	p, ok := l.people[id]
	return p.rec, p.hash, ok
}

// touchPerson notes that this import changed person id's details or
// memberships, and the documents it held and holds now: the block
// answers about them are no longer the database's.
func (w *memberWriter) touchPerson(id int64, hashes ...string) {
	if w.fresh {
		return
	}
	w.dirtyPerson[id] = true
	for _, h := range hashes {
		if h != "" {
			w.dirtyHash[h] = true
		}
	}
}

// queue keeps statements and an audit entry to write with the block's
// others (drain), in order.
func (w *memberWriter) queue(stmts []sqldb.Stmt, c sqldb.Change) {
	w.stmts = append(w.stmts, stmts...)
	w.audits = append(w.audits, c)
}

// drain writes the queued statements and audit entries. The connection
// must be free (the caller holds connMu, or nothing is in flight).
func (w *memberWriter) drain() error {
	if len(w.stmts) > 0 {
		if err := w.tx.Pipeline(w.ctx, w.stmts); err != nil {
			return err
		}
		w.stmts = w.stmts[:0]
	}
	if len(w.audits) > 0 {
		actors := make([]kexie.Actor, len(w.audits))
		for i := range actors {
			actors[i] = w.tx.Actor()
		}
		if err := w.tx.AuditMany(w.ctx, w.audits, actors); err != nil {
			return err
		}
		w.audits = w.audits[:0]
	}
	return nil
}

// endBlock writes what the block queued, beside the flusher's COPY.
func (w *memberWriter) endBlock() error {
	if err := w.flushErr(); err != nil {
		return err
	}
	w.connMu.Lock()
	defer w.connMu.Unlock()
	return w.drain()
}

// orgsOf resolves the organisations a batch names that no earlier row
// did, in one query (an import into a thousand organisations asked two
// questions of each, a round trip apiece), as org would one by one.
func (w *memberWriter) orgsOf(batch []kexie.MemberRecord) error {
	var codes []any
	asked := map[string]bool{}
	for _, m := range batch {
		if _, ok := w.orgs[m.OrgCode]; !ok && !asked[m.OrgCode] {
			asked[m.OrgCode] = true
			codes = append(codes, m.OrgCode)
		}
	}
	if len(codes) == 0 {
		return nil
	}
	// Whether it holds members: an empty register's organisations are all
	// fresh (and the query would scan: a first load has put off the
	// indexes on org_id).
	held := `EXISTS (SELECT 1 FROM memberships m WHERE m.org_id = o.id)`
	if w.fresh {
		held = `FALSE`
	}
	var args []any
	found := map[string]*importOrg{}
	err := func() error {
		w.connMu.Lock()
		defer w.connMu.Unlock()
		rows, err := w.tx.QueryContext(w.ctx, `SELECT o.id, o.code, `+held+` FROM orgs o WHERE o.code IN `+inList(&args, codes), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			o := &importOrg{}
			var h bool
			if err := rows.Scan(&o.id, &o.code, &h); err != nil {
				return err
			}
			o.fresh = !h
			found[o.code] = o
		}
		return rows.Err()
	}()
	if err != nil {
		return err
	}
	for _, c := range codes {
		code := c.(string)
		o, ok := found[code]
		if !ok {
			w.orgs[code] = &importOrg{code: code, refusal: "unknown org_code " + code}
			continue
		}
		if a := w.tx.Actor(); !a.IsSystem() {
			w.connMu.Lock()
			ok, err := w.tx.Can(w.ctx, a.UserID, kexie.PermMembershipWrite, o.id)
			w.connMu.Unlock()
			if err != nil {
				return err
			}
			if !ok {
				o = &importOrg{code: code, id: o.id, refusal: "not permitted: outside the organisations you may change"}
			}
		}
		w.orgs[code] = o
	}
	return nil
}
