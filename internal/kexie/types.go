package kexie

import "time"

// Actor is who makes a change and from where; every write carries one so the
// audit entry written in the same transaction can name them.
type Actor struct {
	UserID   int64  // the signed-in user; 0 for the system or a visitor
	Username string // "system", "cli:root", "anonymous", or the user's name
	Source   string // remote address, or "cli"
	// System marks the program itself, the command line, the demo or a
	// job: it acts on every organisation. It is set on purpose only
	// (SystemActor, the command line), so that an Actor left at its zero
	// value, or built for a request without a user, may do nothing.
	System bool
}

// IsSystem reports whether the actor is the system. Everyone else acts
// only where their user's grants reach; a visitor (no user) nowhere.
func (a Actor) IsSystem() bool { return a.System }

// SystemActor is used for changes the program makes on its own behalf.
func SystemActor(source string) Actor {
	return Actor{Username: "system", Source: source, System: true}
}

// User is an account. Password hashes never leave the storage layer.
type User struct {
	ID                 int64
	Username           string
	DisplayName        string
	Email              string
	Lang               string
	MustChangePassword bool
	Disabled           bool
	CreatedAt          time.Time
	Grants             []Grant
}

// Session is a signed-in browser session. The token itself is only ever in
// the cookie; storage keeps its SHA-256.
type Session struct {
	ID        int64
	UserID    int64
	CreatedAt time.Time
	LastSeen  time.Time
	ExpiresAt time.Time // absolute expiry
}

// APIToken is a personal bearer token. Only its hash is stored; Prefix lets
// the owner recognise it in a list.
type APIToken struct {
	ID        int64
	UserID    int64
	Name      string
	Prefix    string
	CreatedAt time.Time
	LastUsed  *time.Time
	ExpiresAt *time.Time
	Revoked   bool
}
