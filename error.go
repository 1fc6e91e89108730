// Package alliance holds the domain of the Alliance platform: organisations, users,
// sessions, API tokens, the audit log, the authorisation policy and the error
// vocabulary. Adapters (stores, web, command line) live under internal/ and cmd/.
package alliance

import (
	"errors"
	"fmt"
)

// Code classifies an error for callers: the web layer maps it to an HTTP status,
// the command line to an exit code.
type Code string

// The error vocabulary shared by every layer.
const (
	CodeInvalid      Code = "invalid"
	CodeNotFound     Code = "not_found"
	CodeConflict     Code = "conflict"
	CodeUnauthorised Code = "unauthorised"
	CodeForbidden    Code = "forbidden"
	CodeTooMany      Code = "too_many_requests"
	CodeInternal     Code = "internal"
)

// Error is an error with a Code and a message fit to show to the user. Field, when
// set, names the input field at fault.
type Error struct {
	Code    Code
	Field   string
	Message string
	Err     error // the underlying cause, never shown to users
}

func (e *Error) Error() string {
	msg := e.Message
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns a CodeInvalid error about one input field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: CodeInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the Code of err, CodeInternal when err carries none.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the user-facing message of err; internal errors get a
// generic message so that no detail of the system leaks.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != CodeInternal {
		if e.Field != "" {
			return e.Field + ": " + e.Message
		}
		return e.Message
	}
	return "internal error; the event has been logged"
}

// ErrNotFound is returned by stores when a record does not exist.
var ErrNotFound = &Error{Code: CodeNotFound, Message: "not found"}

// IsNotFound reports whether err has CodeNotFound.
func IsNotFound(err error) bool { return ErrorCode(err) == CodeNotFound }
