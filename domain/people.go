package domain

import (
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
)

// Collections of people data.
const (
	CollectionUserSkills   = "user_skills"
	CollectionClearances   = "clearances"
	CollectionAvailability = "availability"
)

// PersonInput is the office's edit form of a person (role and cost are
// office data; the login itself is managed on the users page).
type PersonInput struct {
	Name       string
	Phone      string
	Role       string
	HourlyCost float64
}

// UpdatePerson saves a person's office data.
func UpdatePerson(app core.App, actor *core.Record, id string, in PersonInput) (*core.Record, error) {
	in.Name = strings.TrimSpace(in.Name)
	switch {
	case in.Name == "":
		return nil, FieldError("name", "err.name_required")
	case !contains(Roles, in.Role):
		return nil, FieldError("role", "err.people.unknown_role")
	case in.HourlyCost < 0:
		return nil, FieldError("hourly_cost", "err.hourly_cost_negative")
	}
	u, err := app.FindRecordById(CollectionUsers, id)
	if err != nil {
		return nil, Errorf(ENotFound, "err.people.not_found")
	}
	u.Load(map[string]any{"name": in.Name, "phone": strings.TrimSpace(in.Phone), "role": in.Role, "hourly_cost": in.HourlyCost})
	setActor(u, actor)
	return u, app.Save(u)
}

// SetSkill gives a person a skill (idempotent).
func SetSkill(app core.App, actor *core.Record, userID, skillID string) error {
	if n, _ := app.CountRecords(CollectionUserSkills, dbx.HashExp{"user": userID, "skill": skillID}); n > 0 {
		return nil
	}
	if _, err := app.FindRecordById(CollectionSkills, skillID); err != nil {
		return FieldError("skill", "err.people.unknown_skill")
	}
	_, err := newChild(app, CollectionUserSkills, map[string]any{"user": userID, "skill": skillID, "level": 1}, actor)
	return err
}

// RemoveSkill takes a skill away from a person.
func RemoveSkill(app core.App, actor *core.Record, userID, skillID string) error {
	recs, err := app.FindAllRecords(CollectionUserSkills, dbx.HashExp{"user": userID, "skill": skillID})
	if err != nil {
		return err
	}
	for _, r := range recs {
		setActor(r, actor)
		if err := app.Delete(r); err != nil {
			return err
		}
	}
	return nil
}

// ClearanceInput records a clearance (habilitation électrique NF C
// 18-510, AIPR, CACES…) with its validity and scanned certificate.
type ClearanceInput struct {
	Kind       string
	ObtainedOn time.Time
	ValidUntil time.Time
	Issuer     string
	Document   *filesystem.File
}

// AddClearance records a clearance. Without a validity date it is
// computed from the kind's usual validity (e.g. 36 months for electrical
// clearances) when the obtention date is known.
func AddClearance(app core.App, actor *core.Record, userID string, in ClearanceInput) (*core.Record, error) {
	kind, err := app.FindFirstRecordByData(CollectionClearanceKinds, "code", strings.TrimSpace(in.Kind))
	if err != nil {
		return nil, FieldError("kind", "err.people.unknown_clearance")
	}
	if !in.ObtainedOn.IsZero() && !in.ValidUntil.IsZero() && in.ValidUntil.Before(in.ObtainedOn) {
		return nil, FieldError("valid_until", "err.people.validity_before_obtained")
	}
	if in.ValidUntil.IsZero() && !in.ObtainedOn.IsZero() && kind.GetInt("validity_months") > 0 {
		in.ValidUntil = AddMonths(in.ObtainedOn, kind.GetInt("validity_months"))
	}
	if in.Document != nil && in.Document.Size > 10<<20 {
		return nil, FieldError("document", "err.people.document_too_large")
	}
	if _, err := app.FindRecordById(CollectionUsers, userID); err != nil {
		return nil, Errorf(ENotFound, "err.people.not_found")
	}
	f := map[string]any{"user": userID, "kind": kind.GetString("code"), "issuer": strings.TrimSpace(in.Issuer)}
	if !in.ObtainedOn.IsZero() {
		f["obtained_on"] = in.ObtainedOn.UTC()
	}
	if !in.ValidUntil.IsZero() {
		f["valid_until"] = in.ValidUntil.UTC()
	}
	if in.Document != nil {
		f["document"] = in.Document
	}
	return newChild(app, CollectionClearances, f, actor)
}

// AvailabilityInput is an absence (leave, sickness, training).
type AvailabilityInput struct {
	Kind     string
	From, To time.Time
	Note     string
}

// AddAbsence records an absence; overlapping absences of one person are
// refused.
func AddAbsence(app core.App, actor *core.Record, userID string, in AvailabilityInput) (*core.Record, error) {
	switch {
	case !contains([]string{"leave", "sickness", "training", "other"}, in.Kind):
		return nil, FieldError("absence_kind", "err.people.unknown_absence")
	case in.From.IsZero() || in.To.IsZero():
		return nil, FieldError("absence_from", "err.people.give_start_end")
	case in.To.Before(in.From):
		return nil, FieldError("absence_to", "err.end_before_start")
	}
	n, err := app.CountRecords(CollectionAvailability, dbx.HashExp{"user": userID},
		dbx.NewExp("[[from]] <= {:to} AND [[to]] >= {:from}", dbx.Params{"from": DBTime(in.From), "to": DBTime(in.To)}))
	if err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, FieldError("absence_from", "err.people.absence_overlap")
	}
	return newChild(app, CollectionAvailability, map[string]any{"user": userID, "kind": in.Kind, "from": in.From.UTC(), "to": in.To.UTC(), "note": in.Note}, actor)
}
