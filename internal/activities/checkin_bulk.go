package activities

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/sqldb"
)

// bulkScan is a scan at the desk (CheckIn's, checked and trimmed), which
// a batch writes together with the other scans of the same activity.
type bulkScan struct {
	code, list, nonce, scanned string
	at                         *time.Time
	offline                    bool
	out                        *Checkin
}

// scannedReg is a registration as a scan finds it.
type scannedReg struct {
	id, membershipID        int64
	status, name, reference string
}

// scanKey is what counts once on a list: a registration in a slot.
type scanKey struct {
	list, reg int64
	slot      string
}

// nonceKey is a nonce on a list.
type nonceKey struct {
	list  int64
	nonce string
}

// Where a scan of a batch stands while checkInBulk writes it.
const (
	scanOpen      = iota // to be decided (again)
	scanRefused          // its own error in results
	scanReplayed         // a nonce seen before: answered, nothing written
	scanNew              // checked in: its row is written
	scanDuplicate        // a duplicate of a check-in written before the batch
	scanAfter            // decided by an earlier scan of the batch (dup or replay of it)
)

// checkInBulk writes jobs, scans of one activity, in a fixed number of
// statements whatever their number: the registrations scanned read by one
// query, the nonces seen before by one, the check-ins already counted by
// one, the new check-ins inserted by one and the duplicates by a few. Each
// scan keeps the answer it would have had written alone in the batch's
// order: a nonce seen before (in the database or earlier in the batch)
// replays its first answer; what counts once and was counted (before the
// batch or by an earlier scan of it) is a duplicate answered with the
// first time. A batch written at the same time may check in the same
// registration (PostgreSQL): the unique index lets one insert win, and
// the scans that lost are decided again from what the winner wrote, a
// few rounds at most before the batch falls back to one scan at a time.
func checkInBulk(ctx context.Context, tx *sqldb.Tx, jobs []*deskJob, results []error, audit func(j *deskJob, c sqldb.Change)) error {
	n := len(jobs)
	refuse := func(i int, err error) error {
		if c := kexie.ErrorCode(err); c == "" || c == kexie.CodeInternal {
			return err
		}
		results[i] = err
		return nil
	}
	state := make([]int, n)
	lists := make([]checkinList, n)
	var a activityRow // the same for every scan its caller may make
	for i, j := range jobs {
		*j.scan.out = Checkin{}
		mine, err := managedOnce(ctx, tx.As(j.actor), j.scan.code)
		if err == nil {
			a = mine
		}
		if err == nil && (a.status == StatusDraft || a.status == StatusCancelled) {
			err = statusError("checkin_status", a.status, "check-in is closed for an activity that is "+a.status)
		}
		if err == nil {
			lists[i], err = listOf(ctx, tx, a.id, j.scan.list)
		}
		if err != nil {
			if err := refuse(i, err); err != nil {
				return err
			}
			state[i] = scanRefused
		}
	}
	var scanned []string
	for i, j := range jobs {
		if state[i] == scanOpen {
			scanned = append(scanned, j.scan.scanned)
		}
	}
	if len(scanned) == 0 {
		return nil
	}
	regs, err := scannedRegs(ctx, tx, a.id, scanned)
	if err != nil {
		return err
	}
	// A scan's registration, time and slot do not change from round to
	// round; a "multiple" list's slot is the scan's own.
	reg := make([]scannedReg, n)
	when := make([]time.Time, n)
	slot := make([]string, n)
	for i, j := range jobs {
		if state[i] != scanOpen {
			continue
		}
		s := j.scan
		reg[i] = regs[s.scanned]
		when[i] = tx.Now()
		if s.at != nil && s.offline {
			when[i] = *s.at
		}
		switch lists[i].policy {
		case "once_daily":
			slot[i] = kexie.DateOf(when[i].In(kexie.Beijing)).String()
		case "multiple":
			slot[i] = "scan:" + randomString(refAlphabet, 16)
		}
	}
	// after[i] is the earlier scan of the batch that decides scan i (its
	// nonce, or what counts once, taken by it); first[i] the time of the
	// first check-in a duplicate answers with.
	after := make([]int, n)
	first := make([]time.Time, n)
	// Nonces taken by scans decided in an earlier round whose rows are
	// not written yet (duplicates are written last).
	held := map[nonceKey]int{}
	for round := 0; ; round++ {
		var open []int
		for i := range jobs {
			if state[i] == scanOpen || state[i] == scanAfter {
				state[i] = scanOpen
				open = append(open, i)
			}
		}
		if len(open) == 0 {
			break
		}
		if round == 3 {
			// Batches written alongside keep winning this one's scans:
			// one scan at a time, each in its own savepoint.
			return errJobFailed
		}
		replays, err := seenNonces(ctx, tx, jobs, lists, open)
		if err != nil {
			return err
		}
		counted, err := countedCheckins(ctx, tx, lists, reg, open)
		if err != nil {
			return err
		}
		nonces := map[nonceKey]int{}
		keys := map[scanKey]int{}
		var fresh []int
		for _, i := range open {
			s := jobs[i].scan
			nk := nonceKey{lists[i].id, s.nonce}
			if s.nonce != "" {
				if c, ok := replays[nk]; ok {
					*s.out, state[i] = c, scanReplayed
					continue
				}
				if k, ok := held[nk]; ok {
					after[i], state[i] = k, scanAfter
					continue
				}
				if k, ok := nonces[nk]; ok {
					after[i], state[i] = k, scanAfter
					continue
				}
			}
			var err error
			switch {
			case reg[i].id == 0:
				err = kexie.Errorf(kexie.CodeInvalid, "err.checkin_unknown", "this code is no registration of this activity")
			case reg[i].status != RegConfirmed:
				err = statusError("checkin_unconfirmed", reg[i].status, "this registration is "+reg[i].status+", not confirmed")
			case s.at != nil && s.offline && s.at.After(tx.Now()):
				// A scan made offline happened before its upload.
				err = kexie.Errorf(kexie.CodeInvalid, "err.checkin_future", "a scan cannot have been made after it was uploaded")
			}
			if err != nil {
				if err := refuse(i, err); err != nil {
					return err
				}
				state[i] = scanRefused
				continue
			}
			if s.nonce != "" {
				nonces[nk] = i
			}
			key := scanKey{lists[i].id, reg[i].id, slot[i]}
			if t, ok := counted[key]; ok {
				first[i], state[i] = t, scanDuplicate
				continue
			}
			if k, ok := keys[key]; ok {
				after[i], state[i] = k, scanAfter
				continue
			}
			keys[key] = i
			fresh = append(fresh, i)
		}
		won, err := insertCheckins(ctx, tx, jobs, lists, reg, slot, when, fresh, "checked_in")
		if err != nil {
			return err
		}
		lost := false
		for _, i := range fresh {
			if won[i] {
				state[i] = scanNew
			} else {
				// Counted, or its nonce taken, by a batch written
				// alongside: decided again from what that batch wrote.
				lost = true
			}
		}
		if !lost {
			break
		}
		// What an earlier scan of the batch decided is decided again
		// with it; duplicates of counted check-ins keep their nonces.
		for _, i := range open {
			if state[i] == scanDuplicate && jobs[i].scan.nonce != "" {
				held[nonceKey{lists[i].id, jobs[i].scan.nonce}] = i
			}
		}
	}
	// The answers, in the batch's order (a scan decided by an earlier one
	// comes after it).
	for i, j := range jobs {
		out := j.scan.out
		switch state[i] {
		case scanNew:
			*out = Checkin{Result: "checked_in", At: when[i], Name: reg[i].name, Reference: reg[i].reference}
		case scanDuplicate:
			*out = Checkin{Result: "duplicate", At: first[i], Name: reg[i].name, Reference: reg[i].reference}
		case scanAfter:
			k := after[i]
			prev := *jobs[k].scan.out
			if j.scan.nonce != "" && j.scan.nonce == jobs[k].scan.nonce && lists[i].id == lists[k].id {
				prev.Replayed = true
				*out = prev
				continue
			}
			// What counts once, counted by scan k of the batch.
			state[i], first[i] = scanDuplicate, prev.At
			*out = Checkin{Result: "duplicate", At: prev.At, Name: reg[i].name, Reference: reg[i].reference}
		}
	}
	var dups []int
	for i := range jobs {
		if state[i] == scanDuplicate {
			dups = append(dups, i)
		}
	}
	won, err := insertCheckins(ctx, tx, jobs, lists, reg, slot, when, dups, "duplicate")
	if err != nil {
		return err
	}
	if len(won) != len(dups) {
		// A duplicate's nonce taken by a batch written alongside: its
		// answer is that batch's, found one scan at a time.
		return errJobFailed
	}
	var members []int
	for i, j := range jobs {
		if state[i] != scanNew {
			continue
		}
		audit(j, sqldb.Change{Action: "activity.checkin", ObjectType: "activity_registration", ObjectID: reg[i].reference, OrgID: a.orgID,
			After: map[string]any{"activity": j.scan.code, "list": j.scan.list, "at": when[i], "offline": j.scan.offline}})
		if reg[i].membershipID != 0 {
			members = append(members, i)
		}
	}
	return participateMany(ctx, tx, jobs, reg, when, members)
}

// scannedRegs reads the registrations of activity activityID that the
// scanned texts name (the QR code carries the token; a person at the
// desk types the reference), by what was scanned.
func scannedRegs(ctx context.Context, tx *sqldb.Tx, activityID int64, scanned []string) (map[string]scannedReg, error) {
	var args []any
	arg := sqldb.Args(&args)
	tokens, refs := make([]any, len(scanned)), make([]any, len(scanned))
	for i, s := range scanned {
		tokens[i], refs[i] = s, NormalReference(s)
	}
	// By the token's and the reference's unique indexes: the activity is
	// checked on the rows found (with it in the query, SQLite read the
	// activity's every registration).
	rows, err := tx.QueryContext(ctx, `SELECT id, activity_id, status, COALESCE(membership_id, 0), name, reference, token FROM activity_registrations
		WHERE token IN (`+padded(arg, tokens)+`) OR reference IN (`+padded(arg, refs)+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byToken, byRef := map[string]scannedReg{}, map[string]scannedReg{}
	for rows.Next() {
		var r scannedReg
		var activity int64
		var token string
		if err := rows.Scan(&r.id, &activity, &r.status, &r.membershipID, &r.name, &r.reference, &token); err != nil {
			return nil, err
		}
		if activity != activityID {
			continue
		}
		byToken[token], byRef[r.reference] = r, r
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := map[string]scannedReg{}
	for _, s := range scanned {
		if r, ok := byToken[s]; ok {
			out[s] = r
		} else if r, ok := byRef[NormalReference(s)]; ok {
			out[s] = r
		}
	}
	return out, nil
}

// seenNonces answers the open scans whose nonce their list has seen
// before, as it was answered (replayed).
func seenNonces(ctx context.Context, tx *sqldb.Tx, jobs []*deskJob, lists []checkinList, open []int) (map[nonceKey]Checkin, error) {
	var args []any
	arg := sqldb.Args(&args)
	var listIDs, nonces distinct
	for _, i := range open {
		if nonce := jobs[i].scan.nonce; nonce != "" {
			listIDs.add(lists[i].id)
			nonces.add(nonce)
		}
	}
	out := map[nonceKey]Checkin{}
	if len(nonces.values) == 0 {
		return out, nil
	}
	// "c.nonce <> ''" lets both databases use the partial unique index on
	// (list_id, nonce) (see replay). A duplicate answers with the time of
	// the check-in it duplicated.
	rows, err := tx.QueryContext(ctx, `SELECT c.list_id, c.nonce, c.result, c.at, f.at, r.name, r.reference FROM activity_checkins c
		JOIN activity_registrations r ON r.id = c.registration_id
		LEFT JOIN activity_checkins f ON f.list_id = c.list_id AND f.registration_id = c.registration_id AND f.slot = c.slot AND f.result = 'checked_in'
		WHERE c.list_id IN (`+padded(arg, listIDs.values)+`) AND c.nonce IN (`+padded(arg, nonces.values)+`) AND c.nonce <> ''`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k nonceKey
		var c Checkin
		var firstAt sql.NullTime
		if err := rows.Scan(&k.list, &k.nonce, &c.Result, &c.At, &firstAt, &c.Name, &c.Reference); err != nil {
			return nil, err
		}
		if c.Result == "duplicate" && firstAt.Valid {
			c.At = firstAt.Time
		}
		c.Replayed = true
		out[k] = c
	}
	return out, rows.Err()
}

// countedCheckins reads the check-ins already counted of the open scans'
// registrations on their lists, by what counts once.
func countedCheckins(ctx context.Context, tx *sqldb.Tx, lists []checkinList, reg []scannedReg, open []int) (map[scanKey]time.Time, error) {
	var args []any
	arg := sqldb.Args(&args)
	var listIDs, regIDs distinct
	for _, i := range open {
		if reg[i].id == 0 || lists[i].policy == "multiple" {
			continue // every scan of a "multiple" list counts
		}
		listIDs.add(lists[i].id)
		regIDs.add(reg[i].id)
	}
	out := map[scanKey]time.Time{}
	if len(regIDs.values) == 0 {
		return out, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT list_id, registration_id, slot, at FROM activity_checkins
		WHERE list_id IN (`+padded(arg, listIDs.values)+`) AND registration_id IN (`+padded(arg, regIDs.values)+`) AND result = 'checked_in'`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k scanKey
		var at time.Time
		if err := rows.Scan(&k.list, &k.reg, &k.slot, &at); err != nil {
			return nil, err
		}
		out[k] = at
	}
	return out, rows.Err()
}

// insertCheckins writes scans which of jobs with result (check-ins in one
// statement, duplicates in a few) and tells which were written: none that
// the unique indexes refuse (what counts once, counted; a nonce taken) by
// a batch written alongside.
func insertCheckins(ctx context.Context, tx *sqldb.Tx, jobs []*deskJob, lists []checkinList, reg []scannedReg, slot []string, when []time.Time,
	which []int, result string) (map[int]bool, error) {
	won := map[int]bool{}
	for len(which) > 0 {
		// The statement has a few texts whatever the batch's size (see
		// padded): check-ins padded with copies of the first, which the
		// unique index refuses and the insert skips; duplicates, which
		// nothing refuses, in as many statements as the bits of their
		// number.
		n, rowsOf := 1, which
		if result == "checked_in" {
			for n < len(which) {
				n *= 2
			}
			rowsOf = append([]int(nil), which...)
			for len(rowsOf) < n {
				rowsOf = append(rowsOf, which[0])
			}
			n = len(which)
		} else {
			for n*2 <= len(which) {
				n *= 2
			}
			rowsOf = which[:n]
		}
		if err := insertChunk(ctx, tx, jobs, lists, reg, slot, when, rowsOf, which[:n], result, won); err != nil {
			return nil, err
		}
		which = which[n:]
	}
	return won, nil
}

// insertChunk inserts rowsOf (which, padded) and marks in won which of
// which were written.
func insertChunk(ctx context.Context, tx *sqldb.Tx, jobs []*deskJob, lists []checkinList, reg []scannedReg, slot []string, when []time.Time,
	rowsOf, which []int, result string, won map[int]bool) error {
	var args []any
	arg := sqldb.Args(&args)
	res, now := arg(result), arg(tx.Now())
	var values []string
	for _, i := range rowsOf {
		s, actor := jobs[i].scan, jobs[i].actor
		values = append(values, "("+arg(lists[i].id)+", "+arg(reg[i].id)+", "+res+", "+arg(slot[i])+", "+arg(when[i])+", "+arg(s.nonce)+", "+
			arg(s.offline)+", "+arg(nullID(actor.UserID))+", "+arg(actor.Username)+", "+now+")")
	}
	// The rows written come back by what they hold: a check-in by what
	// counts once (one of the batch's at most), a duplicate with its
	// nonce by that, one without by a count of them.
	rows, err := tx.QueryContext(ctx, `INSERT INTO activity_checkins (list_id, registration_id, result, slot, at, nonce, offline, scanned_by, scanned_by_name, created_at)
		VALUES `+strings.Join(values, ", ")+` ON CONFLICT DO NOTHING RETURNING list_id, registration_id, slot, nonce`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	type rowKey struct {
		key   scanKey
		nonce string
	}
	byRow := map[rowKey][]int{}
	for _, i := range which {
		k := rowKey{scanKey{lists[i].id, reg[i].id, slot[i]}, jobs[i].scan.nonce}
		byRow[k] = append(byRow[k], i)
	}
	for rows.Next() {
		var k rowKey
		if err := rows.Scan(&k.key.list, &k.key.reg, &k.key.slot, &k.nonce); err != nil {
			return err
		}
		if is := byRow[k]; len(is) > 0 {
			won[is[0]], byRow[k] = true, is[1:]
		}
	}
	return rows.Err()
}

// distinct collects values once each, in order.
type distinct struct {
	seen   map[any]bool
	values []any
}

func (d *distinct) add(v any) {
	if d.seen == nil {
		d.seen = map[any]bool{}
	}
	if !d.seen[v] {
		d.seen[v] = true
		d.values = append(d.values, v)
	}
}

// padded lists placeholders for values (at least one), as many as the
// next power of two, the last value repeated: a batch's statements then
// have a few texts whatever its size, which SQLite's writer keeps
// prepared (sqldb's keptTx), instead of a text per size prepared at
// every batch and crowding the kept statements out.
func padded(arg func(any) string, values []any) string {
	n := 1
	for n < len(values) {
		n *= 2
	}
	out := make([]string, n)
	for i := range out {
		out[i] = arg(values[min(i, len(values)-1)])
	}
	return strings.Join(out, ", ")
}

// participateMany writes the participation record of each member checked
// in by the batch whose first check-in at the activity (whatever the
// list) it is: one count for them all, then the record of the first of
// each member's scans of the batch.
func participateMany(ctx context.Context, tx *sqldb.Tx, jobs []*deskJob, reg []scannedReg, when []time.Time, members []int) error {
	if len(members) == 0 {
		return nil
	}
	var args []any
	arg := sqldb.Args(&args)
	var ids distinct
	mine := map[int64]int{}
	for _, i := range members {
		ids.add(reg[i].id)
		mine[reg[i].id]++
	}
	rows, err := tx.QueryContext(ctx, `SELECT registration_id, COUNT(*) FROM activity_checkins
		WHERE registration_id IN (`+padded(arg, ids.values)+`) AND result = 'checked_in' GROUP BY registration_id`, args...)
	if err != nil {
		return err
	}
	counts := map[int64]int{}
	for rows.Next() {
		var id int64
		var c int
		if err := rows.Scan(&id, &c); err != nil {
			rows.Close()
			return err
		}
		counts[id] = c
	}
	if err := rows.Close(); err != nil {
		return err
	}
	var title string
	for _, i := range members {
		r := reg[i]
		if counts[r.id] != mine[r.id] {
			continue // checked in before the batch
		}
		counts[r.id] = -1 // once per member
		code := jobs[i].scan.code
		if title == "" {
			var zh, en string
			if err := tx.QueryRowContext(ctx, `SELECT title_zh, title_en FROM activities WHERE code = $1`, code).Scan(&zh, &en); err != nil {
				return err
			}
			title, _ = Text(zh, en, "zh-Hans")
		}
		day := kexie.DateOf(when[i].In(kexie.Beijing)).String()
		if err := membership.Participate(ctx, tx.As(jobs[i].actor), r.membershipID, day, "活动 "+code+" "+title); err != nil {
			return err
		}
	}
	return nil
}
