package domain

import (
	"encoding/json"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// AuditRetentionPurge is the action of the one audit event a retention
// purge writes (counts and cut-offs, never one event per row).
const AuditRetentionPurge = "retention_purge"

// Retention bounds (days).
const (
	DefaultVehiclePositionsDays = 61 // two months (CNIL guidance on vehicle geolocation)
	MaxRetentionDays            = 3650
)

// RetentionSettings are a tenant's retention periods of position data
// per purpose (company.retention), in days: vehicle positions (fleet
// tracking) and the GPS points of clock-ins and clock-outs (attendance
// proof; 0 keeps them with the time entry).
type RetentionSettings struct {
	VehiclePositionsDays int `json:"vehicle_positions_days"`
	ClockGPSDays         int `json:"clock_gps_days"`
}

// DefaultRetention returns the retention periods of a tenant that never
// set them.
func DefaultRetention() RetentionSettings {
	return RetentionSettings{VehiclePositionsDays: DefaultVehiclePositionsDays}
}

// Validate refuses periods out of bounds (field errors).
func (s RetentionSettings) Validate() error {
	if s.VehiclePositionsDays < 1 || s.VehiclePositionsDays > MaxRetentionDays {
		return FieldError("vehicle_positions_days", "err.retention.days", 1, MaxRetentionDays)
	}
	if s.ClockGPSDays < 0 || s.ClockGPSDays > MaxRetentionDays {
		return FieldError("clock_gps_days", "err.retention.days", 0, MaxRetentionDays)
	}
	return nil
}

// RetentionSettings returns the company's retention periods, the
// defaults when never set (or stored invalid).
func (c Company) RetentionSettings() RetentionSettings {
	s := DefaultRetention()
	raw := c.Retention()
	if len(raw) == 0 || string(raw) == "null" {
		return s
	}
	if err := json.Unmarshal(raw, &s); err != nil || s.Validate() != nil {
		return DefaultRetention()
	}
	return s
}

// SaveRetention stores the tenant's retention periods (an audited change
// of the company record, tenant admins only).
func SaveRetention(app core.App, actor *core.Record, s RetentionSettings) error {
	if !CanManageGDPR(actor) {
		return Errorf(EForbidden, "err.gdpr.admin_only")
	}
	if err := s.Validate(); err != nil {
		return err
	}
	c, err := FindCompany(app)
	if err != nil {
		return err
	}
	c.Set("retention", s)
	setActor(c.Record, actor)
	return app.Save(c.Record)
}

// RetentionPurge is what one purge removed.
type RetentionPurge struct {
	VehiclePositions int64 `json:"vehicle_positions"`
	ClockGPS         int64 `json:"clock_gps"`
	// Seq is the purge's audit event (0: nothing was due, no event).
	Seq int64 `json:"seq"`
}

// PurgeRetention deletes the vehicle positions older than their period
// and blanks the clock GPS points older than theirs (when set), in one
// transaction with one summary audit event (by "system": counts and
// cut-offs). Hours and every other field of the time entries stay.
func PurgeRetention(app core.App, now time.Time) (RetentionPurge, error) {
	c, err := FindCompany(app)
	if err != nil {
		return RetentionPurge{}, err
	}
	s := c.RetentionSettings()
	var out RetentionPurge
	err = app.RunInTransaction(func(tx core.App) error {
		vcut := dbCutoff(now, s.VehiclePositionsDays)
		res, err := tx.DB().Delete(CollectionVehiclePositions, dbx.NewExp("at < {:c}", dbx.Params{"c": vcut})).Execute()
		if err != nil {
			return err
		}
		out.VehiclePositions, _ = res.RowsAffected()
		detail := map[string]any{"vehicle_positions": out.VehiclePositions, "vehicle_positions_before": vcut}
		if s.ClockGPSDays > 0 {
			gcut := dbCutoff(now, s.ClockGPSDays)
			res, err := tx.DB().Update(CollectionTimeEntries,
				dbx.Params{"in_lat": 0, "in_lng": 0, "in_accuracy": 0, "out_lat": 0, "out_lng": 0, "out_accuracy": 0},
				dbx.And(dbx.NewExp("clock_in < {:c}", dbx.Params{"c": gcut}),
					dbx.NewExp("(in_lat != 0 OR in_lng != 0 OR out_lat != 0 OR out_lng != 0 OR in_accuracy != 0 OR out_accuracy != 0)"))).Execute()
			if err != nil {
				return err
			}
			out.ClockGPS, _ = res.RowsAffected()
			detail["clock_gps"], detail["clock_gps_before"] = out.ClockGPS, gcut
		}
		if out.VehiclePositions == 0 && out.ClockGPS == 0 {
			return nil
		}
		ev, err := appendAuditEvent(tx, "system", AuditRetentionPurge, CollectionCompany, c.Id, detail)
		out.Seq = ev.Seq
		return err
	})
	return out, err
}

// dbCutoff is now minus days, in the database's date format.
func dbCutoff(now time.Time, days int) string {
	dt, _ := types.ParseDateTime(now.UTC().AddDate(0, 0, -days))
	return dt.String()
}
