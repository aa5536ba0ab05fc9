package policy

import (
	"fmt"
)

// ParseError is an invalid policy file, with the position and field at fault.
type ParseError struct {
	File  string
	Line  int
	Field string
	Err   error
}

// Error returns the error as "load policy FILE: line N: field F: cause".
func (e *ParseError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("load policy %q: line %d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("load policy %q: line %d: field %s: %v", e.File, e.Line, e.Field, e.Err)
}

// Unwrap returns the cause.
func (e *ParseError) Unwrap() error { return e.Err }
