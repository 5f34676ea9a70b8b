package domain

import "encoding/json"

// ExpandedBy returns the author of the override when "by" was expanded
// (FindTaskOverrides does), false otherwise.
func (a AssignmentOverride) ExpandedBy() (User, bool) {
	u := a.ExpandedOne("by")
	return User{u}, u != nil
}

// ExpandedUser returns the person assigned despite the conflicts when
// "user" was expanded (FindTaskOverrides does), false otherwise.
func (a AssignmentOverride) ExpandedUser() (User, bool) {
	u := a.ExpandedOne("user")
	return User{u}, u != nil
}

// ExpandedCrew returns the crew assigned despite the conflicts when
// "crew" was expanded (FindTaskOverrides does), false otherwise.
func (a AssignmentOverride) ExpandedCrew() (Crew, bool) {
	c := a.ExpandedOne("crew")
	return Crew{c}, c != nil
}

// ConflictList returns the conflicts the override went through. Assign
// always writes a list; an empty value gives none and an unreadable one
// what could be read (the override itself stays on record and is shown
// with its reason).
func (a AssignmentOverride) ConflictList() []Conflict {
	var cs []Conflict
	_ = json.Unmarshal(a.Conflicts(), &cs) // NB: best effort, see above
	return cs
}
