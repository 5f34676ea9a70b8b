package domain

import "encoding/json"

// ConflictList returns the conflicts the override went through. Assign
// always writes a list; an empty value gives none and an unreadable one
// what could be read (the override itself stays on record and is shown
// with its reason).
func (a AssignmentOverride) ConflictList() []Conflict {
	var cs []Conflict
	_ = json.Unmarshal(a.Conflicts(), &cs) // NB: best effort, see above
	return cs
}
