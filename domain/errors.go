// Package domain is the business vocabulary of FieldOps360: typed record
// proxies, finders, business rules and coded errors. It depends only on
// PocketBase's core and the standard library.
package domain

import (
	"errors"
	"fmt"
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

// Error is a coded business error. Message is safe to show to the user
// (French first, with the English text after a " / " when useful); Field
// names the form field at fault, if any.
type Error struct {
	Code    string
	Field   string
	Message string
	Err     error
}

// Error implements error.
func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap returns the wrapped cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns a coded error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an EInvalid error about one form field.
func FieldError(field, format string, args ...any) *Error {
	return &Error{Code: EInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
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

// ErrorMessage returns the user-facing message of err: the *Error message,
// or a generic one for internal errors (details go to the logs only).
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Erreur interne, réessayez plus tard / Internal error, please retry later"
}
