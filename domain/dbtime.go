package domain

import (
	"time"

	"github.com/pocketbase/pocketbase/tools/types"
)

// DBTime formats t as PocketBase stores a datetime ("2006-01-02
// 15:04:05.000Z", UTC): the one way to put a time into a filter, a query
// parameter or a raw column. Text comparisons of such values order them
// in time.
func DBTime(t time.Time) string { return t.UTC().Format(types.DefaultDateLayout) }

// ParseDBTime reads a datetime stored by PocketBase (as DBTime writes it);
// "" or an unreadable value gives the zero time.
func ParseDBTime(s string) time.Time {
	t, err := time.Parse(types.DefaultDateLayout, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// dateOnly stores a civil date (the Y-M-D of t in its own location) as
// PocketBase stores date fields: midnight UTC of that day.
func dateOnly(t time.Time) string {
	y, m, d := t.Date()
	return DBTime(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}
