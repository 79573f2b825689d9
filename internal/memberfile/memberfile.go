// Package memberfile reads, checks and writes member files (the columns of
// `kexie import members`). It touches no database.
package memberfile

import (
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"maps"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/kexie/kexie/internal/cnid"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/tabular"
)

// Columns are the member file's columns, in the order kexie writes them.
var Columns = []string{"member_no", "org_code", "type", "name", "name_en", "pinyin", "gender", "birth_date", "id_type", "id_number",
	"nationality", "discipline", "title", "employer", "front_line", "email", "phone", "joined", "status", "last_dues_paid", "last_activity",
	"credit_code", "contact_person"}

// Required are the columns a file must have.
var Required = []string{"org_code", "type", "name"}

var spec = tabular.Spec{Columns: Columns, Required: Required,
	Dates: []string{"birth_date", "joined", "last_dues_paid", "last_activity"}}

// Read parses a member file.
func Read(name string, r io.Reader) (tabular.File, error) { return tabular.Read(name, r, spec) }

// NewWriter starts a member file with its header.
func NewWriter(name string, w io.Writer) (*tabular.Writer, error) {
	return tabular.NewWriter(name, w, Columns)
}

// IDTypes are the identity documents a person may hold.
var IDTypes = []string{"resident_id", "passport", "hk_macao_permit", "taiwan_permit", "foreign_permanent_id"}

// Member is one checked row (see kexie.MemberRecord).
type Member = kexie.MemberRecord

// MaskedID shows an identity number as screens do (see kexie.MaskID).
func MaskedID(idType, number string) string { return kexie.MaskID(idType, number) }

var (
	disciplineRe = regexp.MustCompile(`^[0-9]{3}([0-9]{2}([0-9]{2})?)?$`)
	countryRe    = regexp.MustCompile(`^[A-Z]{2}$`)
)

func gender(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return "", nil
	case "male", "m", "男", "1":
		return "male", nil
	case "female", "f", "女", "2":
		return "female", nil
	}
	return "", kexie.Errorf(kexie.CodeInvalid, "err.gender", "unknown gender %q (male/female, 男/女)", kexie.Excerpt(s))
}

func date(s, field string) (string, error) {
	d, err := kexie.ParseDay(s)
	if err != nil {
		return "", kexie.Errorf(kexie.CodeInvalid, "err.member_date", "%s: %q is not a date written YYYY-MM-DD", field, kexie.Excerpt(s))
	}
	if f := strings.TrimSpace(s); !d.IsZero() && len(f) == 10 {
		return f, nil // as written: ParseDay takes YYYY-MM-DD only (no copy, a million times in an import)
	}
	return d.String(), nil // "" for no date
}

// memberNo: up to 64 ASCII letters, digits, '.', '_' and '-', the first a
// letter or digit. (Written out rather than as a regular expression: an
// import checks a million.)
func memberNo(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
		if !alnum && (i == 0 || c != '.' && c != '_' && c != '-') {
			return false
		}
	}
	return true
}

// Check validates one record as of now (birth dates may not lie ahead).
func Check(rec tabular.Record, now time.Time) (Member, error) {
	v := rec.Values
	today := kexie.Today(now) // birth dates are not after the Beijing day
	m := Member{Line: rec.Line, MemberNo: v["member_no"], OrgCode: v["org_code"], Name: v["name"], NameEN: v["name_en"],
		Pinyin: strings.ToLower(v["pinyin"]), Title: v["title"], Employer: v["employer"], Email: v["email"]}
	if _, extra := v["\x00extra"]; extra {
		return m, kexie.Errorf(kexie.CodeInvalid, "err.row_extra", "more values than header columns")
	}
	if m.MemberNo != "" && !memberNo(m.MemberNo) {
		return m, kexie.Errorf(kexie.CodeInvalid, "err.member_no", "member_no must be up to 64 letters, digits, . _ -")
	}
	if m.OrgCode == "" {
		return m, kexie.Errorf(kexie.CodeInvalid, "err.member_org", "org_code is empty")
	}
	var err error
	if m.Type, err = kexie.ParseMemberType(v["type"]); err != nil {
		return m, err
	}
	if m.Name == "" || utf8.RuneCountInString(m.Name) > 100 || utf8.RuneCountInString(m.NameEN) > 200 {
		return m, kexie.Errorf(kexie.CodeInvalid, "err.member_name", "name is empty or too long")
	}
	if m.Gender, err = gender(v["gender"]); err != nil {
		return m, err
	}
	if m.BirthDate, err = date(v["birth_date"], "birth_date"); err != nil {
		return m, err
	}
	m.IDType = strings.ToLower(v["id_type"])
	m.IDNumber = kexie.NormalIDNumber(v["id_number"])
	if strings.ContainsRune(m.IDNumber, '*') {
		// A masked number, as an export without --reveal-ids writes it:
		// no document given, so a member on file keeps theirs (a mask is
		// never sealed as one).
		m.IDType, m.IDNumber = "", ""
	}
	if m.IDNumber != "" && m.IDType == "" {
		m.IDType = "resident_id"
	}
	if m.IDType != "" {
		known := false
		for _, t := range IDTypes {
			known = known || t == m.IDType
		}
		if !known {
			return m, kexie.Errorf(kexie.CodeInvalid, "err.id_type", "unknown id_type %q", kexie.Excerpt(v["id_type"]))
		}
		if m.IDNumber == "" {
			return m, kexie.Errorf(kexie.CodeInvalid, "err.id_number_missing", "id_type is given without id_number")
		}
	}
	if m.IDType == "resident_id" {
		id, err := cnid.ParseResidentID(m.IDNumber, today.MidnightUTC())
		if err != nil {
			return m, err
		}
		birth := id.Birth.Format("2006-01-02")
		if m.BirthDate != "" && m.BirthDate != birth {
			return m, kexie.Errorf(kexie.CodeInvalid, "err.id_birth_mismatch", "the resident ID number says born %s, birth_date says %s", birth, m.BirthDate)
		}
		g := map[bool]string{true: "male", false: "female"}[id.Male]
		if m.Gender != "" && m.Gender != g {
			return m, kexie.Errorf(kexie.CodeInvalid, "err.id_gender_mismatch", "the resident ID number's 17th digit says %s, gender says %s", g, m.Gender)
		}
		m.BirthDate, m.Gender = birth, g
	} else if m.IDNumber != "" && (len(m.IDNumber) < 5 || len(m.IDNumber) > 30) {
		return m, kexie.Errorf(kexie.CodeInvalid, "err.id_number", "the identity document number has 5 to 30 characters")
	}
	if m.BirthDate != "" && (m.BirthDate > today.String() || m.BirthDate < "1850-01-01") {
		return m, kexie.Errorf(kexie.CodeInvalid, "err.member_date", "%s: %q is not a date written YYYY-MM-DD", "birth_date", kexie.Excerpt(m.BirthDate))
	}
	m.Nationality = strings.ToUpper(v["nationality"])
	if m.Nationality != "" && !countryRe.MatchString(m.Nationality) {
		return m, kexie.Errorf(kexie.CodeInvalid, "err.nationality", "nationality is an ISO 3166 two-letter code, not %q", kexie.Excerpt(v["nationality"]))
	}
	m.Discipline = v["discipline"]
	if m.Discipline != "" && !disciplineRe.MatchString(m.Discipline) {
		return m, kexie.Errorf(kexie.CodeInvalid, "err.discipline", "discipline is a GB/T 13745 code of 3, 5 or 7 digits, not %q", kexie.Excerpt(m.Discipline))
	}
	if m.FrontLine, err = kexie.ParseYesNo(v["front_line"]); err != nil {
		return m, err
	}
	if err := kexie.CheckEmail(m.Email); err != nil {
		return m, err
	}
	if m.Phone, err = kexie.NormalizePhone(v["phone"]); err != nil {
		return m, err
	}
	if m.Joined, err = date(v["joined"], "joined"); err != nil {
		return m, err
	}
	if m.Status, err = kexie.ParseMemberStatus(v["status"]); err != nil {
		return m, err
	}
	if m.LastDuesPaid, err = date(v["last_dues_paid"], "last_dues_paid"); err != nil {
		return m, err
	}
	if m.LastActivity, err = date(v["last_activity"], "last_activity"); err != nil {
		return m, err
	}
	if err := unitFields(&m, v); err != nil {
		return m, err
	}
	FillPinyin(&m)
	return m, nil
}

// FillPinyin gives a person's record without a pinyin sort key the one
// its name reads as, as an import does: an application recorded by
// membership.Apply then stores what the import of its own export would,
// and that re-import changes nothing. A name without a readable character
// (symbols only) has none; a foreign member's name is not Chinese, and a
// unit has no reading.
func FillPinyin(m *kexie.MemberRecord) {
	if m.Pinyin == "" && m.Type != "unit" && m.Type != "foreign" {
		m.Pinyin, _, _ = strings.Cut(cnid.SearchKey(m.Name), " ")
	}
}

// personOnly are the fields a unit member does not have: a unit has no
// sex, no birth date, no identity document (its credit code is public)
// and no professional title.
var personOnly = []string{"gender", "birth_date", "id_type", "id_number", "title"}

// unitFields checks a unit member's own fields — a GB 32100 unified
// social credit code and a contact person — and refuses a person's fields
// for a unit and a unit's for a person, naming the field.
func unitFields(m *Member, v map[string]string) error {
	m.CreditCode, m.ContactPerson = strings.ToUpper(strings.TrimSpace(v["credit_code"])), strings.TrimSpace(v["contact_person"])
	if m.Type != "unit" {
		for _, col := range []string{"credit_code", "contact_person"} {
			if strings.TrimSpace(v[col]) != "" {
				return kexie.Errorf(kexie.CodeInvalid, "err.unit_only", "%v is a unit member's field, not a person's", col)
			}
		}
		return nil
	}
	for _, col := range personOnly {
		if strings.TrimSpace(v[col]) != "" {
			return kexie.Errorf(kexie.CodeInvalid, "err.person_only", "%v is a person's field: a unit member has none", col)
		}
	}
	if m.CreditCode != "" {
		if _, err := cnid.ParseUSCC(m.CreditCode); err != nil {
			return err
		}
	}
	if utf8.RuneCountInString(m.ContactPerson) > 100 {
		return kexie.Errorf(kexie.CodeInvalid, "err.member_name", "name is empty or too long")
	}
	return nil
}

// Checker checks the rows of one file in order, remembering just enough to
// reject a later duplicate, within one organisation, of a member_no or of
// an identity document: 64-bit hashes of the keys instead of the keys
// themselves, so a million-row file costs tens of megabytes, not hundreds.
// (Two different keys of a million-row file share a hash with probability
// about 3·10⁻⁸; the rejection would then name a line whose key differs.)
type Checker struct {
	now      time.Time
	seed     maphash.Seed
	orgs     map[string]int32 // organisation code → small number
	accepted int              // rows accepted so far
	nos      map[uint64]int32 // (org, member_no) → first line
	ids      map[uint64]docAt // identity document → its first row
	otherIDs map[uint64]int32 // (org, document) for documents seen in a second organisation
}

type docAt struct {
	line, pos, org int32
}

// NewChecker starts checking a file as of now (birth dates may not lie
// ahead).
func NewChecker(now time.Time) *Checker {
	return &Checker{now: now, seed: maphash.MakeSeed(), orgs: map[string]int32{},
		nos: map[uint64]int32{}, ids: map[uint64]docAt{}, otherIDs: map[uint64]int32{}}
}

func (c *Checker) key(org int32, s string) uint64 {
	var h maphash.Hash
	h.SetSeed(c.seed)
	h.Write([]byte{byte(org), byte(org >> 8), byte(org >> 16), byte(org >> 24)})
	h.WriteString(s)
	return h.Sum64()
}

// Check checks one record. A rejected row returns its rejection; a good
// one its member, with IDFirst set when the same identity document was on
// an earlier row (for another organisation).
func (c *Checker) Check(rec tabular.Record) (Member, *kexie.Rejection) {
	m, err := Check(rec, c.now)
	return c.admit(rec, m, err)
}

// admit is Check's part that depends on the rows before: given what
// Check(rec) returned (m, err), it rejects a row whose member number or
// identity document an earlier row gave, and counts the row in.
func (c *Checker) admit(rec tabular.Record, m Member, err error) (Member, *kexie.Rejection) {
	label := rec.Values["member_no"]
	if err != nil {
		return m, &kexie.Rejection{Line: rec.Line, Code: label, Reason: kexie.AsError(err).Message, Err: err}
	}
	org, ok := c.orgs[m.OrgCode]
	if !ok {
		org = int32(len(c.orgs) + 1)
		c.orgs[m.OrgCode] = org
	}
	var noKey uint64
	if m.MemberNo != "" {
		noKey = c.key(org, m.MemberNo)
		if line, dup := c.nos[noKey]; dup {
			return m, &kexie.Rejection{Line: rec.Line, Code: label, Reason: fmt.Sprintf("member_no %s already appears on line %d for %s", m.MemberNo, line, m.OrgCode)}
		}
		c.nos[noKey] = int32(rec.Line)
	}
	pos := int32(c.accepted + 1)
	if id := m.IDKey(); id != "" {
		k := c.key(0, id)
		first, seen := c.ids[k]
		switch {
		case !seen:
			c.ids[k] = docAt{line: int32(rec.Line), pos: pos, org: org}
		case first.org == org:
			return m, &kexie.Rejection{Line: rec.Line, Code: label, Reason: fmt.Sprintf("the same identity document already appears on line %d for %s", first.line, m.OrgCode)}
		default:
			ko := c.key(org, id)
			if line, dup := c.otherIDs[ko]; dup {
				return m, &kexie.Rejection{Line: rec.Line, Code: label, Reason: fmt.Sprintf("the same identity document already appears on line %d for %s", line, m.OrgCode)}
			}
			c.otherIDs[ko] = int32(rec.Line)
			m.IDFirst = int(first.pos)
		}
	}
	c.accepted++
	m.Has = has(rec)
	return m, nil
}

// Stream reads a member file and checks it row by row: good rows go to
// emit and rejected ones to reject, in file order. It returns the number
// of rows read. A file that cannot be read at all, or an error from emit,
// stops it.
func Stream(name string, r io.Reader, now time.Time, emit func(Member) error, reject func(kexie.Rejection)) (int, error) {
	read := 0
	c := NewChecker(now)
	_, err := tabular.Stream(name, r, spec, func(rec tabular.Record) error {
		read++
		m, rej := c.Check(rec)
		if rej != nil {
			reject(*rej)
			return nil
		}
		return emit(m)
	})
	return read, err
}

// StreamPrepared is Stream for large files: each row's own checks (Check)
// and then prepare, on the good ones, run on several goroutines, while
// the file is read on another and the checks that depend on the rows
// before (duplicates: Checker) run in file order on the caller's, which
// calls emit and reject in file order as Stream does. prepare (sealing a
// row's identity document, say) may change the row; its error stops the
// stream at that row, as emit's would. When it returns, the file is no
// longer read.
func StreamPrepared(name string, r io.Reader, now time.Time, prepare func(*Member) error, emit func(Member) error, reject func(kexie.Rejection)) (int, error) {
	// A batch of rows travels together: a channel operation per row
	// would cost about as much as the checks.
	const batch = 256
	type row struct {
		rec      tabular.Record
		m        Member
		err      error // Check's
		prepared error // prepare's
	}
	type job struct {
		rows []row
		done chan struct{}
	}
	workers := max(1, runtime.GOMAXPROCS(0))
	jobs := make(chan *job, workers)
	inOrder := make(chan *job, 4*workers)
	stop := make(chan struct{})
	errStopped := errors.New("stopped")
	var readErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(inOrder)
		defer close(jobs)
		b := &job{done: make(chan struct{})}
		send := func() error {
			for _, ch := range []chan *job{inOrder, jobs} {
				select {
				case ch <- b:
				case <-stop:
					return errStopped
				}
			}
			b = &job{rows: make([]row, 0, batch), done: make(chan struct{})}
			return nil
		}
		_, readErr = tabular.StreamOwned(name, r, spec, func(rec tabular.Record) error {
			if b.rows = append(b.rows, row{rec: rec}); len(b.rows) == batch {
				return send()
			}
			return nil
		})
		// The rows read before the end, or before a read error (which
		// comes after them, as from Stream).
		if !errors.Is(readErr, errStopped) && len(b.rows) > 0 {
			if err := send(); err != nil {
				readErr = err
			}
		}
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				for i := range j.rows {
					prepareRow(&j.rows[i].m, &j.rows[i].err, &j.rows[i].prepared, j.rows[i].rec, now, prepare)
				}
				close(j.done)
			}
		}()
	}
	// Whatever ends the stream, the reader and the workers are done (and
	// the file no longer read) before it returns.
	defer wg.Wait()
	defer close(stop)
	c := NewChecker(now)
	read := 0
	for j := range inOrder {
		<-j.done
		for _, x := range j.rows {
			read++
			m, rej := c.admit(x.rec, x.m, x.err)
			if rej != nil {
				reject(*rej)
				continue
			}
			if x.prepared != nil {
				return read, x.prepared
			}
			if err := emit(m); err != nil {
				return read, err
			}
		}
	}
	if errors.Is(readErr, errStopped) {
		readErr = nil
	}
	return read, readErr
}

// prepareRow runs a row's own checks and then prepare, on a worker of
// StreamPrepared. A panic there becomes the row's error: on a goroutine of
// its own it would end the whole process (a server's recovery of a
// request's panic does not reach it), where in Stream it failed the
// request.
func prepareRow(m *Member, checked, prepared *error, rec tabular.Record, now time.Time, prepare func(*Member) error) {
	defer func() {
		if p := recover(); p != nil {
			*prepared = fmt.Errorf("line %d: %v\n%s", rec.Line, p, debug.Stack())
		}
	}()
	if *m, *checked = Check(rec, now); *checked == nil && prepare != nil {
		*prepared = prepare(m)
	}
}

// CheckAll checks every record of a file read whole (see Checker).
func CheckAll(f tabular.File, now time.Time) (rows []Member, rejected []kexie.Rejection) {
	c := NewChecker(now)
	for _, rec := range f.Records {
		m, rej := c.Check(rec)
		if rej != nil {
			rejected = append(rejected, *rej)
			continue
		}
		rows = append(rows, m)
	}
	return rows, rejected
}

// Summary is the import's one closing line.
func Summary(read, created, updated, unchanged, rejected, warnings int) string {
	return fmt.Sprintf("members: %d read, %d created, %d updated, %d unchanged, %d rejected, %d warnings",
		read, created, updated, unchanged, rejected, warnings)
}

// Values renders a member as a file row, with the ID number as given
// (masked by the caller unless revealing is permitted).
func Values(m Member) []string {
	fl := "false"
	if m.FrontLine {
		fl = "true"
	}
	return []string{m.MemberNo, m.OrgCode, string(m.Type), m.Name, m.NameEN, m.Pinyin, m.Gender, m.BirthDate, m.IDType, m.IDNumber,
		m.Nationality, m.Discipline, m.Title, m.Employer, fl, m.Email, m.Phone, m.Joined, string(m.Status), m.LastDuesPaid, m.LastActivity,
		m.CreditCode, m.ContactPerson}
}

// has is the columns a row gives: its file's, less the identity document
// where the row's is masked (it gives none; the stored one stays).
func has(rec tabular.Record) map[string]bool {
	if !strings.ContainsRune(rec.Values["id_number"], '*') {
		return rec.Has
	}
	h := maps.Clone(rec.Has)
	delete(h, "id_number")
	delete(h, "id_type")
	return h
}
