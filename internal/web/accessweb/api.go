package accessweb

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/kexie/kexie/internal/auditlog"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/web"
)

// JSON shapes of the API. Field names are the contract documented in
// openapi.json; change both together.

type grantJSON struct {
	Role      string `json:"role"`
	OrgCode   string `json:"org_code"`
	OrgName   string `json:"org_name"`
	OrgNameEN string `json:"org_name_en"`
}

type userJSON struct {
	ID                 int64       `json:"id"`
	Username           string      `json:"username"`
	DisplayName        string      `json:"display_name"`
	Email              string      `json:"email"`
	Lang               string      `json:"lang"`
	Disabled           bool        `json:"disabled"`
	MustChangePassword bool        `json:"must_change_password"`
	CreatedAt          time.Time   `json:"created_at"`
	Grants             []grantJSON `json:"grants"`
}

func toUserJSON(u kexie.User) userJSON {
	out := userJSON{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Email: u.Email, Lang: u.Lang,
		Disabled: u.Disabled, MustChangePassword: u.MustChangePassword, CreatedAt: u.CreatedAt, Grants: []grantJSON{}}
	for _, g := range u.Grants {
		out.Grants = append(out.Grants, grantJSON{Role: string(g.Role), OrgCode: g.OrgCode, OrgName: g.OrgName, OrgNameEN: g.OrgNameEN})
	}
	return out
}

type auditEntry struct {
	Seq        int64           `json:"seq"`
	At         time.Time       `json:"at"`
	Actor      string          `json:"actor"`
	Source     string          `json:"source"`
	Action     string          `json:"action"`
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id"`
	OrgID      int64           `json:"org_id"`
	Before     json.RawMessage `json:"before"`
	After      json.RawMessage `json:"after"`
	Hash       string          `json:"hash"`
}

func rawOrNull(s string) json.RawMessage {
	if s == "" {
		return json.RawMessage("null")
	}
	return json.RawMessage(s)
}

func toAuditEntry(e auditlog.Entry) auditEntry {
	return auditEntry{Seq: e.Seq, At: e.At, Actor: e.Actor, Source: e.Source, Action: e.Action, ObjectType: e.ObjectType,
		ObjectID: e.ObjectID, OrgID: e.OrgID, Before: rawOrNull(e.Before), After: rawOrNull(e.After), Hash: e.Hash}
}

type tokenJSON struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	Prefix    string     `json:"prefix"`
	CreatedAt time.Time  `json:"created_at"`
	LastUsed  *time.Time `json:"last_used_at"`
	ExpiresAt *time.Time `json:"expires_at"`
	Revoked   bool       `json:"revoked"`
}

func toTokenJSON(t kexie.APIToken) tokenJSON {
	return tokenJSON{ID: t.ID, Name: t.Name, Prefix: t.Prefix, CreatedAt: t.CreatedAt, LastUsed: t.LastUsed, ExpiresAt: t.ExpiresAt, Revoked: t.Revoked}
}

func (s *handlers) apiMe(w http.ResponseWriter, _ *http.Request, rq *web.Request) error {
	return web.WriteJSON(w, http.StatusOK, toUserJSON(*rq.User))
}

func (s *handlers) apiAudit(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	f, err := auditFilter(r.URL.Query())
	if err != nil {
		return err
	}
	if f.Limit == 0 {
		f.Limit = 100
	}
	es, err := s.db.Audit(r.Context(), rq.Actor(r), f)
	if err != nil {
		return err
	}
	out := struct {
		Entries    []auditEntry `json:"entries"`
		NextBefore *int64       `json:"next_before"`
	}{Entries: []auditEntry{}}
	for _, e := range es {
		out.Entries = append(out.Entries, toAuditEntry(e))
	}
	if len(es) == f.Limit {
		out.NextBefore = &es[len(es)-1].Seq
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

func (s *handlers) apiUsers(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	offset, limit, err := web.PageQuery(r)
	if err != nil {
		return err
	}
	us, err := s.acc.ListUsers(r.Context(), rq.Actor(r), offset, limit)
	if err != nil {
		return err
	}
	out := struct {
		Users []userJSON `json:"users"`
	}{Users: []userJSON{}}
	for _, u := range us {
		out.Users = append(out.Users, toUserJSON(u))
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

func (s *handlers) apiCreateUser(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	var in userInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	u, oneTime, err := s.createUser(r, rq, in)
	if err != nil {
		return err
	}
	out := struct {
		User            userJSON `json:"user"`
		OneTimePassword string   `json:"one_time_password,omitempty"`
	}{toUserJSON(u), oneTime}
	return web.WriteJSON(w, http.StatusCreated, out)
}

func (s *handlers) apiDisableUser(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	u, err := s.setDisabled(r, rq, true)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, toUserJSON(u))
}

func (s *handlers) apiEnableUser(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	u, err := s.setDisabled(r, rq, false)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, toUserJSON(u))
}

func (s *handlers) apiGrant(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	var in struct {
		Role    string `json:"role"`
		OrgCode string `json:"org_code"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	u, err := s.grant(r, rq, in.Role, in.OrgCode)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, toUserJSON(u))
}

func (s *handlers) apiTokens(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	ts, err := s.acc.APITokens(r.Context(), rq.User.ID)
	if err != nil {
		return err
	}
	out := struct {
		Tokens []tokenJSON `json:"tokens"`
	}{Tokens: []tokenJSON{}}
	for _, t := range ts {
		out.Tokens = append(out.Tokens, toTokenJSON(t))
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

func (s *handlers) apiCreateToken(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	if rq.ViaBearer {
		// A token made by a token would outlive the revocation of the one
		// that made it (and could be made without expiry): tokens are made
		// by a person, signed in.
		return kexie.Errorf(kexie.CodeForbidden, "err.token_from_token", "an API token cannot make tokens: sign in to make one")
	}
	var in struct {
		Name      string     `json:"name"`
		ExpiresAt *time.Time `json:"expires_at"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	t, secret, err := s.acc.CreateAPIToken(r.Context(), rq.Actor(r), rq.User.ID, in.Name, in.ExpiresAt)
	if err != nil {
		return err
	}
	out := struct {
		Token  tokenJSON `json:"token"`
		Secret string    `json:"secret"`
	}{toTokenJSON(t), secret}
	return web.WriteJSON(w, http.StatusCreated, out)
}

func (s *handlers) apiRevokeToken(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if err := s.acc.RevokeAPIToken(r.Context(), rq.Actor(r), rq.User.ID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
