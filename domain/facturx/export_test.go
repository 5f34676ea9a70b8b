package facturx

import "time"

// SetNow fixes the clock of the documents' dates until the returned
// function restores it.
func SetNow(t time.Time) func() {
	old := now
	now = func() time.Time { return t }
	return func() { now = old }
}
