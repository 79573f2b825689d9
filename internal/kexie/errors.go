// Package kexie holds the domain types, the error contract and the pure rules
// shared by every other package. It imports no SQL and no HTTP.
package kexie

import (
	"errors"
	"fmt"
)

// Code classifies an error for callers; the web edge maps codes to HTTP
// statuses and nothing below it knows about HTTP.
type Code string

const (
	CodeInvalid      Code = "invalid"      // bad input; nothing was changed
	CodeNotFound     Code = "not_found"    // no such object, or not visible to the caller
	CodeConflict     Code = "conflict"     // clashes with stored state (duplicate key, stale state)
	CodeUnauthorized Code = "unauthorized" // no valid credentials
	CodeForbidden    Code = "forbidden"    // credentials valid, permission missing
	CodeRateLimited  Code = "rate_limited" // too many attempts; try later
	CodeImmutable    Code = "immutable"    // append-only data cannot be changed
	CodeUnavailable  Code = "unavailable"  // a dependency (the database) is down
	CodeInternal     Code = "internal"     // anything else: logged, shown as "internal error"
)

// Sentinel errors: errors.Is(err, kexie.ErrNotFound) works on any *Error of
// that code, so storage can wrap driver errors and callers test the class.
var (
	ErrInvalid      = &Error{Code: CodeInvalid, Key: "err.invalid", Message: "invalid input"}
	ErrNotFound     = &Error{Code: CodeNotFound, Key: "err.not_found", Message: "not found"}
	ErrConflict     = &Error{Code: CodeConflict, Key: "err.conflict", Message: "conflicts with existing data"}
	ErrUnauthorized = &Error{Code: CodeUnauthorized, Key: "err.unauthorized", Message: "sign-in required"}
	ErrForbidden    = &Error{Code: CodeForbidden, Key: "err.forbidden", Message: "you may not do this"}
	ErrRateLimited  = &Error{Code: CodeRateLimited, Key: "err.rate_limited", Message: "too many attempts; try again later"}
	ErrImmutable    = &Error{Code: CodeImmutable, Key: "err.immutable", Message: "this record cannot be changed"}
	ErrUnavailable  = &Error{Code: CodeUnavailable, Key: "err.unavailable", Message: "service unavailable"}
)

// Error is an error with a code and a user-safe message. Key names the
// message in the interface catalogs (so the edge can show it in the user's
// language); Message is the English text used in logs and as a fallback.
// Err, when set, is the underlying cause and is never shown to users.
type Error struct {
	Code    Code
	Key     string
	Message string
	Args    []any
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Is reports two *Error values as the same class when their codes match, so
// errors.Is(err, ErrNotFound) holds for every not-found error.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Errorf builds a coded error. key is the catalog key of a user-facing message
// that may contain %v verbs filled from args; msg is its English text.
func Errorf(code Code, key, msg string, args ...any) *Error {
	return &Error{Code: code, Key: key, Message: fmt.Sprintf(msg, args...), Args: args}
}

// Wrap attaches a cause to a coded error without exposing it to users.
func Wrap(code Code, key, msg string, cause error) *Error {
	return &Error{Code: code, Key: key, Message: msg, Err: cause}
}

// ErrorCode returns the code of the first *Error in err's chain, or
// CodeInternal when there is none.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// AsError returns the first *Error in err's chain, or an internal error that
// hides err's text from users.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: CodeInternal, Key: "err.internal", Message: "internal error", Err: err}
}

// excerptRunes is how much of a value a message quotes.
const excerptRunes = 40

// Excerpt is s as a message quotes a value a person or a file gave: at most
// its first 40 characters, then "…". A message never echoes a whole cell
// of a file (one held half a gigabyte) or a whole field of a form.
func Excerpt(s string) string {
	n := 0
	for i := range s {
		if n == excerptRunes {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// Count is a number of things as a message argument: the interface shows
// it with the noun in its plural form, from the catalog's Key.one and
// Key.other ("1 seat", "3 seats"; Chinese "3席"), so a message with
// several counts gets each one right. In logs and English fallbacks it is
// the number alone.
type Count struct {
	Key string
	N   int
}

// Plural is what the catalogs look up: the count's key and number.
func (c Count) Plural() (string, int) { return c.Key, c.N }

func (c Count) String() string { return fmt.Sprint(c.N) }

// CountOf makes a Count.
func CountOf(key string, n int) Count { return Count{Key: key, N: n} }
