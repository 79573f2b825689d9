package governance

import (
	"context"
	"slices"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// The governance objects as an actor may reach them: each is found only if
// the actor holds the permission on the organisation it belongs to, and is
// otherwise not found, exactly as one that does not exist.

func notFound(key, what string) error {
	// People read the catalog's message for key; this one is for logs.
	return &kexie.Error{Code: kexie.CodeNotFound, Key: key, Message: "no such " + what}
}

// Body is the body id for an actor holding p on its organisation.
func (svc *Service) Body(ctx context.Context, actor kexie.Actor, p kexie.Permission, id int64) (Body, error) {
	b, err := svc.BodyByID(ctx, id)
	if kexie.ErrorCode(err) == kexie.CodeNotFound {
		return b, notFound("err.body_not_found", "body")
	}
	if err != nil {
		return b, err
	}
	return b, svc.db.Check(ctx, actor, p, b.OrgID, notFound("err.body_not_found", "body"))
}

// Term is the term id, and its organisation, for an actor holding p there.
func (svc *Service) Term(ctx context.Context, actor kexie.Actor, p kexie.Permission, id int64) (Term, int64, error) {
	t, orgID, err := svc.TermByID(ctx, id)
	if err != nil {
		return t, 0, err
	}
	return t, orgID, svc.db.Check(ctx, actor, p, orgID, notFound("err.term_not_found", "term"))
}

// Seat is the seat id, and its organisation, for an actor holding p there.
func (svc *Service) Seat(ctx context.Context, actor kexie.Actor, p kexie.Permission, id int64) (Seat, int64, error) {
	s, orgID, err := svc.SeatByID(ctx, id)
	if err != nil {
		return s, 0, err
	}
	return s, orgID, svc.db.Check(ctx, actor, p, orgID, notFound("err.seat_not_found", "seat"))
}

// Meeting is the meeting id for an actor holding p on its organisation.
func (svc *Service) Meeting(ctx context.Context, actor kexie.Actor, p kexie.Permission, id int64) (Meeting, error) {
	m, err := svc.MeetingByID(ctx, id)
	if err != nil {
		return m, err
	}
	return m, svc.db.Check(ctx, actor, p, m.OrgID, notFound("err.meeting_not_found", "meeting"))
}

// Motion is the motion id and its meeting for an actor holding p on the
// meeting's organisation.
func (svc *Service) Motion(ctx context.Context, actor kexie.Actor, p kexie.Permission, id int64) (Motion, Meeting, error) {
	mo, err := svc.MotionByID(ctx, id)
	if err != nil {
		return mo, Meeting{}, err
	}
	m, err := svc.Meeting(ctx, actor, p, mo.MeetingID)
	if kexie.ErrorCode(err) == kexie.CodeNotFound {
		err = notFound("err.motion_not_found", "motion")
	}
	return mo, m, err
}

// Attends lets in, for meeting meetingID, those who may read its
// organisation or hold a seat at it — two indexed lookups, since every
// ballot of a congress of thousands passes here; anyone else gets
// notFound.
func (svc *Service) Attends(ctx context.Context, actor kexie.Actor, meetingID int64, notFound error) error {
	m, err := svc.MeetingByID(ctx, meetingID)
	if err != nil {
		return notFound
	}
	if ok, err := svc.db.Allowed(ctx, actor, kexie.PermGovernanceRead, m.OrgID); err != nil || ok {
		return err
	}
	if actor.UserID == 0 {
		return notFound
	}
	person, err := svc.PersonOfUser(ctx, actor.UserID)
	if err != nil {
		return err
	}
	if person != 0 {
		if ok, err := svc.HoldsSeatAt(ctx, meetingID, person); err != nil || ok {
			return err
		}
	}
	return notFound
}

// manage is the object check of governance's writes, inside their
// transaction: the actor must hold governance.manage on the organisation
// the object belongs to; to anyone else the object does not exist
// (notFound), and nothing is written. The pages and the API load the object
// through the loaders above first; this holds for every other caller too.
func manage(ctx context.Context, tx *sqldb.Tx, orgID int64, notFound error) error {
	return tx.Check(ctx, tx.Actor(), kexie.PermGovernanceManage, orgID, notFound)
}

// manageMeeting is manage for an object of meeting meetingID.
func manageMeeting(ctx context.Context, tx *sqldb.Tx, meetingID int64, notFound error) error {
	m, err := meeting(ctx, tx, meetingID)
	if err != nil {
		return err
	}
	return manage(ctx, tx, m.OrgID, notFound)
}

// orgNotFound is what an organisation outside the actor's subtrees is.
func orgNotFound(orgID int64) error {
	return kexie.Errorf(kexie.CodeNotFound, "err.org_not_found", "no organisation with id %v", orgID)
}

// SeatsOf is the person the actor's account is linked to and the seats at
// meeting meetingID they vote for: their own, present, or one whose proxy
// they hold (none for an account linked to nobody).
func (svc *Service) SeatsOf(ctx context.Context, actor kexie.Actor, meetingID int64) (person int64, seats []int64, err error) {
	if actor.UserID == 0 {
		return 0, nil, nil
	}
	if person, err = svc.PersonOfUser(ctx, actor.UserID); err != nil || person == 0 {
		return 0, nil, err
	}
	seats, err = svc.SeatsVotedBy(ctx, meetingID, person)
	return person, seats, err
}

// MayVoteFor is the voting rule: the actor may cast the vote of seat at
// meeting meetingID if it is a seat they vote for (SeatsOf). One who sees
// the meeting (Attends) but does not vote for that seat is refused
// (forbidden); to anyone else the meeting does not exist. The common case
// costs two indexed lookups: a congress of thousands votes through here.
func (svc *Service) MayVoteFor(ctx context.Context, actor kexie.Actor, meetingID, seat int64) error {
	_, seats, err := svc.SeatsOf(ctx, actor, meetingID)
	if err != nil {
		return err
	}
	if slices.Contains(seats, seat) {
		return nil
	}
	if err := svc.Attends(ctx, actor, meetingID, notFound("err.meeting_not_found", "meeting")); err != nil {
		return err
	}
	return kexie.Errorf(kexie.CodeForbidden, "err.vote_seat", "this seat does not vote at this meeting")
}

// Bounds on what a request may ask of governance, checked before any write
// lock: lists a transaction goes through item by item, and numbers no
// charter would write.
const (
	maxListed          = 10000 // candidates of an election, seats of an attendance list
	maxExtensionMonths = 120   // a term's extension (the charter's cap is a finding, not a refusal)
)

// plainText refuses a title with control characters (a line break aside).
func plainText(s string) error {
	if kexie.CleanText(s) != s {
		return kexie.Errorf(kexie.CodeInvalid, "err.control_chars", "the text holds control characters")
	}
	return nil
}

// manageTerm is manage for an object of term termID; it returns the
// term's organisation.
func manageTerm(ctx context.Context, tx *sqldb.Tx, termID int64) (int64, error) {
	orgID, err := termOrg(ctx, tx, termID)
	if err != nil {
		return 0, err
	}
	return orgID, manage(ctx, tx, orgID, notFound("err.term_not_found", "term"))
}
