package domain

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
)

// MaxAcceptanceReservationPhotos bounds the photos of one reservation.
const MaxAcceptanceReservationPhotos = 6

// PunchInput is a reservation (punch-list item) noted during the acceptance visit:
// what is wrong, in which lot, where, with photos (optional).
type PunchInput struct {
	Description, Lot, Location string
	Photos                     []*filesystem.File
	Fix                        GeoFix
}

// validate trims and checks the input against the report's lots.
func (in *PunchInput) validate(a Acceptance) error {
	in.Description, in.Lot, in.Location = strings.TrimSpace(in.Description), strings.TrimSpace(in.Lot), strings.TrimSpace(in.Location)
	switch {
	case in.Description == "":
		return FieldError("description", "err.reservation.description_required")
	case utf8.RuneCountInString(in.Description) > 2000 || utf8.RuneCountInString(in.Location) > 300:
		return FieldError("description", "err.acceptance.too_long")
	case in.Lot != "" && !contains(AcceptanceLots(a), in.Lot):
		return FieldError("lot", "err.reservation.unknown_lot")
	case len(in.Photos) > MaxAcceptanceReservationPhotos:
		return FieldError("photos", "err.reservation.too_many_photos", MaxAcceptanceReservationPhotos)
	}
	return nil
}

// AddAcceptanceReservation adds a reservation to a draft report: the next number,
// its photos (proof photos whose subject is the reservation) and the task
// that lifts it, created through the planning path (SaveTask: working
// days, safety gates, audit) for the site's team, starting on the next
// working day. Only who prepares the report adds reservations.
func AddAcceptanceReservation(app core.App, actor *core.Record, siteID, acceptanceID string, in PunchInput, now time.Time) (AcceptanceReservation, error) {
	site, err := acceptanceSite(app, actor, siteID)
	if err != nil {
		return AcceptanceReservation{}, err
	}
	a, err := SiteAcceptance(app, siteID, acceptanceID)
	if err != nil {
		return AcceptanceReservation{}, err
	}
	if err := editable(a); err != nil {
		return AcceptanceReservation{}, err
	}
	if err := in.validate(a); err != nil {
		return AcceptanceReservation{}, err
	}
	var out AcceptanceReservation
	err = app.RunInTransaction(func(tx core.App) error {
		n, err := nextReservationNumber(tx, a.Id)
		if err != nil {
			return err
		}
		task, err := SaveTask(tx, actor, siteID, "", reservationTask(tx, site, n, in, now))
		if err != nil {
			return err
		}
		col, err := tx.FindCachedCollectionByNameOrId(CollectionAcceptanceReservations)
		if err != nil {
			return err
		}
		r := AcceptanceReservation{core.NewRecord(col)}
		r.Load(map[string]any{"acceptance": a.Id, "site": siteID, "number": n, "description": in.Description,
			"lot": in.Lot, "location": in.Location, "status": ReservationOpen, "task": task.Id})
		setActor(r.Record, actor)
		if err := tx.Save(r.Record); err != nil {
			return SaveError(err)
		}
		for _, f := range in.Photos {
			if _, err := AddPhoto(tx, actor, PhotoInput{Subject: r.Id, Site: siteID, File: f, Fix: in.Fix, TakenAt: now,
				Caption: fmt.Sprintf("Réserve n°%d", n)}); err != nil {
				return err
			}
		}
		out = r
		return nil
	})
	return out, err
}

// reservationTask is the task form of a reservation's lifting: titled
// with its number, described with its lot and place, for the site's team
// (crew members), one working day from the next working day.
func reservationTask(app core.App, site *core.Record, n int, in PunchInput, now time.Time) TaskForm {
	title := fmt.Sprintf("Levée de réserve n°%d : %s", n, in.Description)
	if utf8.RuneCountInString(title) > 200 {
		title = string([]rune(title)[:199]) + "…"
	}
	desc := in.Description
	if in.Lot != "" {
		desc += "\nLot : " + in.Lot
	}
	if in.Location != "" {
		desc += "\nEmplacement : " + in.Location
	}
	cal := TenantFactsOf(app).Calendar()
	start := CivilDate(now, TenantFactsOf(app).Location())
	for i := 0; i < 14 && !cal.IsWorkingDay(start); i++ {
		start = start.AddDate(0, 0, 1)
	}
	return TaskForm{Title: title, Description: desc, Start: start, Duration: 1, Assignees: siteCrew(app, site)}
}

// siteCrew returns the active crew members of a site's team.
func siteCrew(app core.App, site *core.Record) []string {
	var ids []string
	for _, id := range site.GetStringSlice("team") {
		if u, err := app.FindRecordById(CollectionUsers, id); err == nil && u.GetBool("active") && u.GetString("role") == RoleCrew {
			ids = append(ids, id)
		}
	}
	return ids
}

// nextReservationNumber returns the next reservation number of a report.
func nextReservationNumber(app core.App, acceptanceID string) (int, error) {
	var n struct {
		Max int `db:"m"`
	}
	err := app.DB().NewQuery("SELECT COALESCE(MAX(number), 0) AS m FROM " + CollectionAcceptanceReservations + " WHERE acceptance = {:a}").
		Bind(dbx.Params{"a": acceptanceID}).One(&n)
	return n.Max + 1, err
}

// RemoveAcceptanceReservation deletes a reservation of a draft report with its
// task (DeleteTask refuses once work was recorded on it).
func RemoveAcceptanceReservation(app core.App, actor *core.Record, siteID, acceptanceID, reservationID string) error {
	if _, err := acceptanceSite(app, actor, siteID); err != nil {
		return err
	}
	a, err := SiteAcceptance(app, siteID, acceptanceID)
	if err != nil {
		return err
	}
	if err := editable(a); err != nil {
		return err
	}
	r, err := FindAcceptanceReservation(app, reservationID)
	if err != nil || r.AcceptanceID() != a.Id {
		return Errorf(ENotFound, "err.reservation.not_found")
	}
	return app.RunInTransaction(func(tx core.App) error {
		setActor(r.Record, actor)
		if err := tx.Delete(r.Record); err != nil {
			return err
		}
		if r.TaskID() != "" {
			return DeleteTask(tx, actor, siteID, r.TaskID())
		}
		return nil
	})
}

// AcceptanceReservationPhotos returns the photos of a reservation (taken at the
// acceptance), oldest first.
func AcceptanceReservationPhotos(app core.App, reservationID string) ([]*core.Record, error) {
	return app.FindRecordsByFilter(CollectionPhotos, "subject = {:s}", "taken_at", MaxAcceptanceReservationPhotos, 0, dbx.Params{"s": reservationID})
}
