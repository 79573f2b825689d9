package awardsweb

import (
	"encoding/base64"
	"net/http"

	"github.com/kexie/kexie/internal/awardrule"
	"github.com/kexie/kexie/internal/awards"
	"github.com/kexie/kexie/internal/charter"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/web"
)

// apiAdvance moves a round to its next stage (nomination → check →
// review → decision).
func (s *handlers) apiAdvance(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	rd, _, err := s.managedRound(r, rq)
	if err != nil {
		return err
	}
	next, err := s.aw.Advance(r.Context(), rq.Actor(r), rd.ID)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"round_id": rd.ID, "stage": next})
}

// apiNominations lists a round's nominations the caller may see, a page
// at a time: {"nominations", "total"}.
func (s *handlers) apiNominations(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	offset, limit, err := web.PageQuery(r)
	if err != nil {
		return err
	}
	ns, err := s.aw.Nominations(r.Context(), rq.Actor(r), id)
	if err != nil {
		return err
	}
	total := len(ns)
	ns = ns[min(offset, total):min(offset+limit, total)]
	return web.WriteJSON(w, http.StatusOK, map[string]any{"nominations": ns, "total": total})
}

type nominateIn struct {
	UnitCode string `json:"unit_code"`
	awards.Nominee
}

// apiNominate records a nomination by a recommending unit.
func (s *handlers) apiNominate(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in nominateIn
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	n, err := s.nominate(r, rq, id, in, nil)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, n)
}

func (s *handlers) nominate(r *http.Request, rq *web.Request, roundID int64, in nominateIn, read func(*nominateIn) error) (awards.Nomination, error) {
	u, err := s.reg.OrgByCode(r.Context(), in.UnitCode)
	if err != nil {
		return awards.Nomination{}, kexie.Errorf(kexie.CodeNotFound, "err.award_round_not_found", "no such award round")
	}
	if err := s.aw.MayNominate(r.Context(), rq.Actor(r), roundID, u.ID); err != nil {
		return awards.Nomination{}, err
	}
	// The rest of a form is read only for whoever may nominate here.
	if read != nil {
		if err := read(&in); err != nil {
			return awards.Nomination{}, err
		}
	}
	return s.aw.Nominate(r.Context(), rq.Actor(r), roundID, u.ID, in.Nominee, s.Config().Sealer)
}

// apiNomination is one nomination, for the award office or its unit.
func (s *handlers) apiNomination(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	n, err := s.aw.Nomination(r.Context(), rq.Actor(r), id)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, n)
}

// apiCheck is the formal check: {"accept": true} or {"accept": false,
// "reason"}.
func (s *handlers) apiCheck(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Accept bool   `json:"accept"`
		Reason string `json:"reason"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.aw.FormalCheck(r.Context(), rq.Actor(r), id, in.Accept, in.Reason); err != nil {
		return err
	}
	n, err := s.aw.Nomination(r.Context(), rq.Actor(r), id)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"id": n.ID, "status": n.Status, "check_reason": n.CheckReason})
}

// apiStages answers a round's review stages: {"review_stage", "stages"}.
func (s *handlers) apiStages(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	st, err := s.aw.Stages(r.Context(), rq.Actor(r), id)
	if err != nil {
		return err
	}
	rd, _, _, err := s.aw.RoundFor(r.Context(), rq.Actor(r), id)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"review_stage": rd.ReviewStage, "stages": st})
}

// apiSetStages sets a round's review stages: {"stages": [...]}.
func (s *handlers) apiSetStages(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	rd, _, err := s.managedRound(r, rq)
	if err != nil {
		return err
	}
	var in struct {
		Stages []awards.Stage `json:"stages"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.aw.SetStages(r.Context(), rq.Actor(r), rd.ID, in.Stages); err != nil {
		return err
	}
	return s.apiStages(w, r, rq)
}

// apiReviewStage moves the review on: {"top": N} or {"min_score": "7.5"}.
func (s *handlers) apiReviewStage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	rd, _, err := s.managedRound(r, rq)
	if err != nil {
		return err
	}
	var in awards.Advancing
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.aw.AdvanceStage(r.Context(), rq.Actor(r), rd.ID, in); err != nil {
		return err
	}
	return s.apiStages(w, r, rq)
}

// apiPanel is what the panel sees of a round (awards.PanelView).
func (s *handlers) apiPanel(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	v, err := s.panelOf(r, rq)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, v)
}

// apiPanelVote puts a nomination to the panel's vote ({"action": "open",
// "counted_by"}) or closes it ({"action": "close"}, with "yes", "no",
// "abstain" for a vote the clerk counted): {"nomination_id", "motion_id",
// and once closed "passed", "yes", "no", "abstain", "base", "required",
// "rule"}.
func (s *handlers) apiPanelVote(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Action    string `json:"action"`
		CountedBy string `json:"counted_by"`
		Yes       *int   `json:"yes"`
		No        *int   `json:"no"`
		Abstain   *int   `json:"abstain"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	switch in.Action {
	case "open":
		motion, err := s.aw.OpenPanelVote(r.Context(), rq.Actor(r), id, in.CountedBy)
		if err != nil {
			return err
		}
		return web.WriteJSON(w, http.StatusOK, map[string]any{"nomination_id": id, "motion_id": motion})
	case "close":
		var clerk *charter.Tally
		if in.Yes != nil || in.No != nil || in.Abstain != nil {
			clerk = &charter.Tally{}
			for _, x := range []struct {
				from *int
				to   *int
			}{{in.Yes, &clerk.Yes}, {in.No, &clerk.No}, {in.Abstain, &clerk.Abstain}} {
				if x.from != nil {
					*x.to = *x.from
				}
			}
		}
		out, err := s.aw.ClosePanelVote(r.Context(), rq.Actor(r), id, clerk)
		if err != nil {
			return err
		}
		n, err := s.aw.Nomination(r.Context(), rq.Actor(r), id)
		if err != nil {
			return err
		}
		return web.WriteJSON(w, http.StatusOK, map[string]any{"nomination_id": id, "motion_id": n.PanelMotion, "passed": out.Passed,
			"yes": out.Tally.Yes, "no": out.Tally.No, "abstain": out.Tally.Abstain, "base": out.Base, "required": out.Required, "rule": out.Rule.String()})
	}
	return kexie.Errorf(kexie.CodeInvalid, "err.invalid", "invalid input")
}

// apiAssign assigns the round's experts: {"assigned", "loads",
// "infeasible"}.
func (s *handlers) apiAssign(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	rd, _, err := s.managedRound(r, rq)
	if err != nil {
		return err
	}
	var in struct {
		Seed uint64 `json:"seed"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	res, err := s.aw.Assign(r.Context(), rq.Actor(r), rd.ID, in.Seed)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, res)
}

// apiReviews lists the caller's own assignments.
func (s *handlers) apiReviews(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	vs, err := s.aw.MyReviews(r.Context(), rq.Actor(r))
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"reviews": vs})
}

// apiReview is one of the caller's assignments.
func (s *handlers) apiReview(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	v, err := s.aw.Review(r.Context(), rq.Actor(r), id)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, v)
}

func (s *handlers) reviewAfter(w http.ResponseWriter, r *http.Request, rq *web.Request, id int64) error {
	v, err := s.aw.Review(r.Context(), rq.Actor(r), id)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, v)
}

// apiDeclare is the expert's declaration: {"conflict": false} opens the
// materials; {"conflict": true, "reason"} recuses.
func (s *handlers) apiDeclare(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Conflict bool   `json:"conflict"`
		Reason   string `json:"reason"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.aw.Declare(r.Context(), rq.Actor(r), id, in.Conflict, in.Reason); err != nil {
		return err
	}
	return s.reviewAfter(w, r, rq, id)
}

// apiRecuse: the expert steps back from an assignment, with a reason.
func (s *handlers) apiRecuse(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.aw.Recuse(r.Context(), rq.Actor(r), id, in.Reason); err != nil {
		return err
	}
	return s.reviewAfter(w, r, rq, id)
}

// apiScore records the expert's scores by the form's criteria.
func (s *handlers) apiScore(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Scores map[string]int64 `json:"scores"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.aw.Score(r.Context(), rq.Actor(r), id, in.Scores); err != nil {
		return err
	}
	return s.reviewAfter(w, r, rq, id)
}

// apiRanking is a round's ranked list with the cut at the caps; the
// caller's conflicted nominations are withheld.
func (s *handlers) apiRanking(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	list, ties, err := s.aw.Ranking(r.Context(), rq.Actor(r), id)
	if err != nil {
		return err
	}
	if ties == nil {
		ties = []awardrule.Tie{}
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"round_id": id, "ranking": list, "ties": ties})
}

// apiDecide records the decision: {"grades": {"<nomination id>":
// "<grade code>"}, "resolution"}; the publicity starts.
func (s *handlers) apiDecide(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	rd, _, err := s.managedRound(r, rq)
	if err != nil {
		return err
	}
	var in struct {
		Grades     map[int64]string `json:"grades"`
		Resolution string           `json:"resolution"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.aw.Decide(r.Context(), rq.Actor(r), rd.ID, in.Grades, in.Resolution); err != nil {
		return err
	}
	p, err := s.aw.PublicityOf(r.Context(), rd.ID)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, p)
}

// apiPublicity is a round's public list of proposed (or announced)
// winners: never an identity number.
func (s *handlers) apiPublicity(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return kexie.Errorf(kexie.CodeNotFound, "err.award_round_not_found", "no such award round")
	}
	p, err := s.aw.PublicityOf(r.Context(), id)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, p)
}

// objectionIn is the public objection form: an individual gives name,
// id_number and contact; a unit its name, contact_person, contact and
// the scanned letter with its seal (base64).
type objectionIn struct {
	NominationID  int64  `json:"nomination_id"`
	Kind          string `json:"kind"`
	Name          string `json:"name"`
	IDType        string `json:"id_type"`
	IDNumber      string `json:"id_number"`
	Contact       string `json:"contact"`
	ContactPerson string `json:"contact_person"`
	Letter        string `json:"letter"`
	GradeOnly     bool   `json:"grade_only"`
	Text          string `json:"text"`
}

func (in objectionIn) objection() (awards.Objection, error) {
	o := awards.Objection{NominationID: in.NominationID, Kind: in.Kind, Name: in.Name, IDType: in.IDType, IDNumber: in.IDNumber, Contact: in.Contact,
		ContactPerson: in.ContactPerson, GradeOnly: in.GradeOnly, Body: in.Text}
	if in.Letter != "" {
		b, err := base64.StdEncoding.DecodeString(in.Letter)
		if err != nil {
			return o, kexie.Errorf(kexie.CodeInvalid, "err.award_letter", "the letter is not base64")
		}
		o.Letter = b
	}
	return o, nil
}

// objectionOut is what the objector is told: never their identity back.
func objectionOut(o awards.Objection) map[string]any {
	return map[string]any{"id": o.ID, "nomination_id": o.NominationID, "received_on": o.ReceivedOn, "outcome": o.Outcome, "grade_only": o.GradeOnly}
}

// apiObject receives a public objection during the publicity period, by
// real name.
func (s *handlers) apiObject(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return kexie.Errorf(kexie.CodeNotFound, "err.award_round_not_found", "no such award round")
	}
	if _, err := s.aw.PublicityOf(r.Context(), id); err != nil {
		return err
	}
	if !s.objectLimit.Take("o:" + rq.Addr) {
		return kexie.ErrRateLimited
	}
	var in objectionIn
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	o, err := in.objection()
	if err != nil {
		return err
	}
	o, err = s.aw.Object(r.Context(), rq.Actor(r), id, o, s.Config().Sealer)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, objectionOut(o))
}

// apiObjections lists a round's objections with the objectors'
// identities (masked numbers): the award office only.
func (s *handlers) apiObjections(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	rd, _, err := s.managedRound(r, rq)
	if err != nil {
		return err
	}
	os, err := s.aw.Objections(r.Context(), rq.Actor(r), rd.ID)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"objections": os, "total": len(os)})
}

// apiOutcome closes an objection: {"upheld": bool, "reason"}.
func (s *handlers) apiOutcome(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Upheld bool   `json:"upheld"`
		Reason string `json:"reason"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.aw.CloseObjection(r.Context(), rq.Actor(r), id, in.Upheld, in.Reason); err != nil {
		return err
	}
	outcome := "dismissed"
	if in.Upheld {
		outcome = "upheld"
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"id": id, "outcome": outcome, "outcome_reason": in.Reason})
}

// apiAnnounce announces the winners once the window has ended and every
// objection is closed.
func (s *handlers) apiAnnounce(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	rd, _, err := s.managedRound(r, rq)
	if err != nil {
		return err
	}
	if err := s.aw.Announce(r.Context(), rq.Actor(r), rd.ID); err != nil {
		return err
	}
	p, err := s.aw.PublicityOf(r.Context(), rd.ID)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, p)
}

// apiRecommend carries a winner on to a round of the higher programme:
// {"round_id"} → 201 the new nomination there.
func (s *handlers) apiRecommend(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in struct {
		RoundID int64 `json:"round_id"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	n, err := s.aw.Recommend(r.Context(), rq.Actor(r), id, in.RoundID)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, n)
}

// apiAttach adds a PDF to a nomination: {"name", "content" (base64)} →
// 201 {id, nomination_id, name, size}.
func (s *handlers) apiAttach(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Name    string `json:"name"`
		Content string `json:"content"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	b, err := base64.StdEncoding.DecodeString(in.Content)
	if err != nil {
		return kexie.Errorf(kexie.CodeInvalid, "err.award_attachment_pdf", "an attachment is a PDF file")
	}
	a, err := s.aw.Attach(r.Context(), rq.Actor(r), id, in.Name, b)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, a)
}

// apiAttachments lists a nomination's attachments for whoever may read
// its materials.
func (s *handlers) apiAttachments(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	as, err := s.aw.Attachments(r.Context(), rq.Actor(r), id)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, map[string]any{"attachments": as})
}
