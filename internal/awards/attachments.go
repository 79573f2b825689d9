package awards

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// Limits of a nomination's attachments.
const (
	MaxAttachment  = 10 << 20 // bytes of one file
	MaxAttachments = 10       // files of one nomination
)

// Attachment is a PDF file of a nomination (its content apart).
type Attachment struct {
	ID           int64  `json:"id"`
	NominationID int64  `json:"nomination_id"`
	Name         string `json:"name"`
	Size         int    `json:"size"`
}

var errAttachment = func() error { return notFound("err.award_attachment_not_found", "attachment") }

// Attach adds a PDF file to a nomination: by its unit's staff or the award
// office, while the nomination awaits the formal check; at most
// MaxAttachments files of MaxAttachment bytes each.
func (svc *Service) Attach(ctx context.Context, actor kexie.Actor, nominationID int64, name string, content []byte) (Attachment, error) {
	a := Attachment{NominationID: nominationID, Size: len(content)}
	err := svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		n, err := nomination(ctx, tx, nominationID)
		if err != nil {
			return err
		}
		r, err := round(ctx, tx, n.RoundID)
		if err != nil {
			return err
		}
		p, err := programme(ctx, tx, r.ProgrammeID)
		if err != nil {
			return err
		}
		if ok, err := mayNominate(ctx, tx, n.UnitID, p); err != nil || !ok {
			if err == nil {
				err = errNomination()
			}
			return err
		}
		if a.Name, err = clean(name); err != nil {
			return err
		}
		if a.Name == "" {
			a.Name = "attachment.pdf"
		}
		switch {
		case len(content) == 0 || !bytes.HasPrefix(content, []byte("%PDF-")):
			return invalid("err.award_attachment_pdf", "an attachment is a PDF file")
		case len(content) > MaxAttachment:
			return invalid("err.award_attachment_size", "an attachment is at most %v MB", MaxAttachment>>20)
		case len([]rune(a.Name)) > 200:
			return invalid("err.award_attachment_name", "the file name is too long")
		}
		if n.Status != "submitted" {
			return kexie.Errorf(kexie.CodeConflict, "err.award_checked", "the nomination was already checked")
		}
		var count int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM award_attachments WHERE nomination_id = $1`, nominationID).Scan(&count); err != nil {
			return err
		}
		if count >= MaxAttachments {
			return kexie.Errorf(kexie.CodeConflict, "err.award_attachments_full", "a nomination has at most %v attachments", MaxAttachments)
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO award_attachments (nomination_id, name, size, content, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			nominationID, a.Name, len(content), base64.StdEncoding.EncodeToString(content), tx.Actor().UserID, tx.Now()).Scan(&a.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "award.attach", ObjectType: "award_nomination", ObjectID: itoa(nominationID), OrgID: n.UnitID,
			After: map[string]any{"attachment": a.ID, "name": a.Name, "size": a.Size}})
	})
	return a, err
}

// mayReadMaterials: the actor sees nomination n and its materials — the
// award office, the unit's staff, or an expert assigned to it who has
// declared no conflict. anonymous tells that the reader is such an
// expert in a round that hides the nominee.
func (svc *Service) mayReadMaterials(ctx context.Context, actor kexie.Actor, nominationID int64) (anonymous bool, err error) {
	if _, err := svc.Nomination(ctx, actor, nominationID); err == nil {
		return false, nil
	} else if kexie.ErrorCode(err) != kexie.CodeNotFound {
		return false, err
	}
	if actor.UserID == 0 {
		return false, errNomination()
	}
	var hide bool
	err = svc.db.Reader().QueryRowContext(ctx, `SELECT r.hide_nominee FROM award_assignments a JOIN award_experts x ON x.id = a.expert_id
		JOIN award_nominations n ON n.id = a.nomination_id JOIN award_rounds r ON r.id = n.round_id
		WHERE a.nomination_id = $1 AND x.user_id = $2 AND a.status IN ('declared', 'scored')`, nominationID, actor.UserID).Scan(&hide)
	if errors.Is(err, sql.ErrNoRows) {
		return false, errNomination()
	}
	return hide, err
}

// Attachments lists a nomination's attachments for whoever may read its
// materials; to an expert of a round that hides the nominee, the files'
// names are replaced by numbers (a name may tell who the nominee is).
func (svc *Service) Attachments(ctx context.Context, actor kexie.Actor, nominationID int64) ([]Attachment, error) {
	anonymous, err := svc.mayReadMaterials(ctx, actor, nominationID)
	if err != nil {
		return nil, err
	}
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT id, nomination_id, name, size FROM award_attachments WHERE nomination_id = $1 ORDER BY id`, nominationID)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	out := []Attachment{}
	for rows.Next() {
		var a Attachment
		if err := rows.Scan(&a.ID, &a.NominationID, &a.Name, &a.Size); err != nil {
			return nil, err
		}
		if anonymous {
			a.Name = fmt.Sprintf("%d.pdf", len(out)+1)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AttachmentFile is attachment id with its content, for whoever may read
// its nomination's materials.
func (svc *Service) AttachmentFile(ctx context.Context, actor kexie.Actor, id int64) (Attachment, []byte, error) {
	var a Attachment
	var content string
	err := svc.db.Reader().QueryRowContext(ctx, `SELECT id, nomination_id, name, size, content FROM award_attachments WHERE id = $1`, id).
		Scan(&a.ID, &a.NominationID, &a.Name, &a.Size, &content)
	if errors.Is(err, sql.ErrNoRows) {
		return a, nil, errAttachment()
	}
	if err != nil {
		return a, nil, err
	}
	anonymous, err := svc.mayReadMaterials(ctx, actor, a.NominationID)
	if err != nil {
		return a, nil, errAttachment()
	}
	if anonymous {
		a.Name = fmt.Sprintf("attachment-%d.pdf", a.ID)
	}
	b, err := base64.StdEncoding.DecodeString(content)
	return a, b, err
}
