package domain

import (
	"database/sql"
	"errors"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// FindPerson returns a user of the tenant by id; a missing one is
// ENotFound ("user not found").
func FindPerson(app core.App, id string) (User, error) {
	u, err := FindUser(app, id)
	if ErrorCode(err) == ENotFound {
		return User{}, &Error{Code: ENotFound, Key: "err.user.not_found", Err: err}
	}
	return u, err
}

// FindPeople returns every user of the tenant, active ones first, by
// name.
func FindPeople(app core.App) ([]User, error) {
	recs, err := app.FindRecordsByFilter(CollectionUsers, "", "-active,name", 0, 0)
	return AsUsers(recs), err
}

// FindActiveUsers returns the active users of the tenant, by name.
func FindActiveUsers(app core.App) ([]User, error) {
	recs, err := app.FindRecordsByFilter(CollectionUsers, "active = true", "name", 0, 0)
	return AsUsers(recs), err
}

// FindUserSkills returns the skills a user holds.
func FindUserSkills(app core.App, userID string) ([]Skill, error) {
	links, err := app.FindAllRecords(CollectionUserSkills, dbx.HashExp{"user": userID})
	if err != nil {
		return nil, err
	}
	for _, err := range app.ExpandRecords(links, []string{"skill"}, nil) {
		return nil, err
	}
	out := make([]Skill, 0, len(links))
	for _, l := range links {
		if s := l.ExpandedOne("skill"); s != nil {
			out = append(out, Skill{s})
		}
	}
	return out, nil
}

// FindUserClearances returns a user's clearances, soonest to expire
// first.
func FindUserClearances(app core.App, userID string) ([]ClearanceRecord, error) {
	recs, err := app.FindRecordsByFilter(CollectionClearances, "user = {:u}", "valid_until", 0, 0, dbx.Params{"u": userID})
	return AsClearanceRecords(recs), err
}

// FindUserClearance returns a clearance of the user; a clearance of
// another user is ENotFound like a missing one.
func FindUserClearance(app core.App, userID, id string) (ClearanceRecord, error) {
	c, err := FindClearanceRecord(app, id)
	if err == nil && c.UserID() != userID {
		return ClearanceRecord{}, Errorf(ENotFound, "err.record.not_found")
	}
	return c, err
}

// FindUserAbsences returns a user's latest limit absences, newest first.
func FindUserAbsences(app core.App, userID string, limit int) ([]Availability, error) {
	recs, err := app.FindRecordsByFilter(CollectionAvailability, "user = {:u}", "-from", limit, 0, dbx.Params{"u": userID})
	return AsAvailabilityList(recs), err
}

// FindSkills returns the skills of the tenant, by name.
func FindSkills(app core.App) ([]Skill, error) {
	recs, err := app.FindRecordsByFilter(CollectionSkills, "", "name", 0, 0)
	return AsSkills(recs), err
}

// FindClearanceKinds returns the clearance kinds, by family and code.
func FindClearanceKinds(app core.App) ([]ClearanceKind, error) {
	recs, err := app.FindRecordsByFilter(CollectionClearanceKinds, "", "family,code", 0, 0)
	return AsClearanceKinds(recs), err
}

// FindClearanceKindByCode returns the clearance kind with that code, or
// an ENotFound error.
func FindClearanceKindByCode(app core.App, code string) (ClearanceKind, error) {
	r, err := app.FindFirstRecordByData(CollectionClearanceKinds, "code", code)
	if errors.Is(err, sql.ErrNoRows) {
		return ClearanceKind{}, &Error{Code: ENotFound, Key: "err.record.not_found", Err: err}
	}
	return ClearanceKind{r}, err
}
