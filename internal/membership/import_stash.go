package membership

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/seal"
	"github.com/kexie/kexie/internal/sqldb"
)

// StashLifetime is how long a previewed member file waits for its
// confirmation: long enough to read a preview of a large file, short
// enough that a copy of a file with identity numbers does not linger.
const StashLifetime = 30 * time.Minute

// StashPreviewedFile keeps a member file just previewed, so that the
// preview can be confirmed without choosing the file again. Member files
// carry identity numbers in clear, so the file is not sent back in the page
// (as an organisation file is): it is kept here, compressed and sealed
// under the data key (name and content), bound to the actor's user, for
// StashLifetime, and taken once by TakePreviewedFile. It returns the token
// that names it (only its hash is stored). Expired files of every user are
// removed on the way. A preview is not a change of the register, so this
// writes no audit entry; the confirmed import does.
func (s *Service) StashPreviewedFile(ctx context.Context, actor kexie.Actor, sl *seal.Sealer, name, digest string, data []byte) (string, error) {
	if sl == nil || actor.UserID == 0 {
		return "", errors.New("stash previewed file: needs a data key and a signed-in user")
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	if _, err := zw.Write(data); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	content, err := sl.Seal(z.String())
	if err != nil {
		return "", err
	}
	sealedName, err := sl.Seal(name)
	if err != nil {
		return "", err
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := hex.EncodeToString(b)
	err = s.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		now := tx.Now()
		if _, err := tx.ExecContext(ctx, `DELETE FROM member_import_stash WHERE expires_at <= $1`, now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO member_import_stash (token_hash, user_id, digest, file_name, content, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, stashHash(token), actor.UserID, digest, sealedName, content, now, now.Add(StashLifetime))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("stash previewed file: %w", err)
	}
	return token, nil
}

// TakePreviewedFile returns the file StashPreviewedFile kept under token,
// and removes it: a preview is confirmed once. A token of another user is
// refused as unknown (and left for its owner); an expired one is refused
// and removed. Both refusals are invalid-coded errors that say to preview
// the file again.
func (s *Service) TakePreviewedFile(ctx context.Context, actor kexie.Actor, sl *seal.Sealer, token string) (name, digest string, data []byte, err error) {
	gone := kexie.Errorf(kexie.CodeInvalid, "err.import_preview_gone", "this preview was already imported, or is not yours; choose the file and preview it again")
	if sl == nil || actor.UserID == 0 || token == "" {
		return "", "", nil, gone
	}
	var sealedName, content string
	var expires time.Time
	err = s.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		err := tx.QueryRowContext(ctx, `DELETE FROM member_import_stash WHERE token_hash = $1 AND user_id = $2
			RETURNING digest, file_name, content, expires_at`, stashHash(token), actor.UserID).Scan(&digest, &sealedName, &content, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			return gone
		}
		return err
	})
	if err != nil {
		return "", "", nil, err
	}
	if !s.db.Now().Before(expires) {
		// The message says 30 minutes: keep it with StashLifetime.
		return "", "", nil, kexie.Errorf(kexie.CodeInvalid, "err.import_preview_expired",
			"this preview has expired (a preview is kept for 30 minutes); choose the file and preview it again")
	}
	if name, err = sl.Open(sealedName); err != nil {
		return "", "", nil, fmt.Errorf("previewed file: %w", err)
	}
	z, err := sl.Open(content)
	if err != nil {
		return "", "", nil, fmt.Errorf("previewed file: %w", err)
	}
	zr, err := gzip.NewReader(bytes.NewReader([]byte(z)))
	if err != nil {
		return "", "", nil, fmt.Errorf("previewed file: %w", err)
	}
	if data, err = io.ReadAll(zr); err != nil {
		return "", "", nil, fmt.Errorf("previewed file: %w", err)
	}
	return name, digest, data, nil
}

func stashHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
