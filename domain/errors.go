// Package domain is the business vocabulary of FieldOps360: typed record
// proxies, finders, business rules and coded errors. It depends only on
// PocketBase's core, the message catalogue and the standard library.
package domain

import (
	"errors"

	"github.com/fieldops360/fieldops/catalog"
)

// Error codes, mapped to HTTP statuses and exit codes in one place each
// (handlers and main).
const (
	EInvalid   = "invalid"
	ENotFound  = "not_found"
	EConflict  = "conflict"
	EForbidden = "forbidden"
	EGone      = "gone"
	EInternal  = "internal"
)

// Error is a coded business error. Its user message is a catalogue key
// with its arguments (Key, Args: see package catalog), shown in each
// reader's language; Error() reads it in French for the logs. Field names
// the form field at fault, if any.
type Error struct {
	Code  string
	Field string
	Key   string
	Args  []any
	Err   error
}

// Text returns the user message: the catalogue key with its arguments.
func (e *Error) Text() catalog.Text { return catalog.Text{Key: e.Key, Args: e.Args} }

// Error implements error: the French message, then the cause.
func (e *Error) Error() string {
	if e.Err != nil {
		return e.Text().String() + ": " + e.Err.Error()
	}
	return e.Text().String()
}

// Unwrap returns the wrapped cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns a coded error whose message is the catalogue key with
// args for its placeholders.
func Errorf(code, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// FieldError returns an EInvalid error about one form field, its message
// the catalogue key with args.
func FieldError(field, key string, args ...any) *Error {
	return &Error{Code: EInvalid, Field: field, Key: key, Args: args}
}

// ErrorCode returns the code of the first *Error in err's chain, EInternal
// for other non-nil errors and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorText returns the user message of err: the first *Error's key and
// arguments, or a generic one for internal errors (details go to the
// logs only). Views render it with i18n.Text.
func ErrorText(err error) catalog.Text {
	var e *Error
	if errors.As(err, &e) {
		return e.Text()
	}
	return catalog.New("err.internal")
}

// ErrorMessage returns the user message of err in French (logs, command
// line, tests); pages and APIs render ErrorText in the reader's locale.
func ErrorMessage(err error) string { return ErrorText(err).String() }
