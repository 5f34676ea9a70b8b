package domain

import "github.com/pocketbase/pocketbase/core"

// ExpandedSite returns the entry's site when "site" was expanded
// (FindTimeEntries and FindTimeToReview do), false otherwise.
func (tr TimeEntry) ExpandedSite() (Site, bool) {
	s := tr.ExpandedOne("site")
	return Site{s}, s != nil
}

// ExpandedUser returns the entry's user when "user" was expanded
// (FindTimeToReview does), false otherwise.
func (tr TimeEntry) ExpandedUser() (User, bool) {
	u := tr.ExpandedOne("user")
	return User{u}, u != nil
}

// FindActiveUsersByName returns the active users by name, at most 500:
// the people a site lead may clock in as present.
func FindActiveUsersByName(app core.App) ([]User, error) {
	recs, err := app.FindRecordsByFilter(CollectionUsers, "active = true", "name", 500, 0)
	if err != nil {
		return nil, err
	}
	return AsUsers(recs), nil
}
