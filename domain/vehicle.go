package domain

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Vehicle statuses. "assigned" is also derived: an available vehicle
// with an assignment covering now shows as assigned (EffectiveStatus).
const (
	VehicleAvailable   = "available"
	VehicleAssigned    = "assigned"
	VehicleMaintenance = "maintenance"
	VehicleOut         = "out"
)

// Vehicle modes: in private mode (a company van used privately after
// hours, as the CNIL allows) no position is stored.
const (
	ModeBusiness = "business"
	ModePrivate  = "private"
)

// VehicleStatuses lists the statuses in display order.
func VehicleStatuses() []string {
	return []string{VehicleAvailable, VehicleAssigned, VehicleMaintenance, VehicleOut}
}

// VehicleKinds lists the vehicle kinds.
func VehicleKinds() []string { return []string{"car", "van", "truck", "excavator", "trailer", "other"} }

// VehicleInput is the create/edit form of a vehicle.
type VehicleInput struct {
	Plate       string
	Label       string
	Kind        string
	Capacity    int
	Status      string
	Mode        string
	OdometerKm  int
	GPSDeviceID string
	Notes       string
	// DailyRate is the € per booked day the cost engine counts; nil
	// leaves it unchanged (only CanEditRates may set it).
	DailyRate *float64
}

var (
	platePattern  = regexp.MustCompile(`^[A-Z0-9][A-Z0-9 -]{1,14}$`)
	devicePattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{4,64}$`)
)

// NormalizePlate upper-cases a plate and uses dashes (AB-123-CD).
func NormalizePlate(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	return strings.Join(strings.Fields(s), "-")
}

// Validate checks a vehicle form; the first error names its field.
// Plates are unique (checked on save); a GPS device id is optional but
// never shared, at least 4 characters (it is the tracker's credential).
func (in *VehicleInput) Validate() error {
	in.Plate = NormalizePlate(in.Plate)
	in.Label = strings.TrimSpace(in.Label)
	in.GPSDeviceID = strings.TrimSpace(in.GPSDeviceID)
	if in.Status == "" {
		in.Status = VehicleAvailable
	}
	if in.Mode == "" {
		in.Mode = ModeBusiness
	}
	if in.Kind == "" {
		in.Kind = "van"
	}
	switch {
	case !platePattern.MatchString(in.Plate):
		return FieldError("plate", "err.vehicle.invalid_plate")
	case in.Label == "":
		return FieldError("label", "err.label_required")
	case !slices.Contains(VehicleKinds(), in.Kind):
		return FieldError("kind", "err.vehicle.unknown_kind")
	case in.Capacity < 0:
		return FieldError("capacity", "err.vehicle.capacity_negative")
	case !slices.Contains(VehicleStatuses(), in.Status):
		return FieldError("status", "err.unknown_status")
	case in.Mode != ModeBusiness && in.Mode != ModePrivate:
		return FieldError("mode", "err.vehicle.unknown_mode")
	case in.OdometerKm < 0:
		return FieldError("odometer_km", "err.vehicle.mileage_negative")
	case in.GPSDeviceID != "" && !devicePattern.MatchString(in.GPSDeviceID):
		return FieldError("gps_device_id", "err.vehicle.invalid_tracker")
	}
	return nil
}

func (in VehicleInput) fields() map[string]any {
	return map[string]any{
		"plate": in.Plate, "label": in.Label, "kind": in.Kind, "capacity": in.Capacity, "status": in.Status,
		"mode": in.Mode, "odometer_km": in.OdometerKm, "gps_device_id": in.GPSDeviceID, "notes": in.Notes,
	}
}

// VehicleInputOf returns a stored vehicle as a form input.
func VehicleInputOf(r *core.Record) VehicleInput {
	return VehicleInput{
		Plate: r.GetString("plate"), Label: r.GetString("label"), Kind: r.GetString("kind"), Capacity: r.GetInt("capacity"),
		Status: r.GetString("status"), Mode: r.GetString("mode"), OdometerKm: r.GetInt("odometer_km"),
		GPSDeviceID: r.GetString("gps_device_id"), Notes: r.GetString("notes"),
	}
}

// vehicleUnique checks the plate and device id are free.
func vehicleUnique(app core.App, in VehicleInput, exceptID string) error {
	if r, err := app.FindFirstRecordByData(CollectionVehicles, "plate", in.Plate); err == nil && r.Id != exceptID {
		return FieldError("plate", "err.vehicle.plate_taken")
	}
	if in.GPSDeviceID != "" {
		if r, err := app.FindFirstRecordByData(CollectionVehicles, "gps_device_id", in.GPSDeviceID); err == nil && r.Id != exceptID {
			return FieldError("gps_device_id", "err.vehicle.tracker_taken", r.GetString("plate"))
		}
	}
	return nil
}

// CreateVehicle validates and registers a vehicle.
func CreateVehicle(app core.App, actor *core.Record, in VehicleInput) (*core.Record, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if err := vehicleUnique(app, in, ""); err != nil {
		return nil, err
	}
	f := in.fields()
	if err := applyRate(f, actor, "daily_rate", in.DailyRate, MaxDailyRate); err != nil {
		return nil, err
	}
	return resInsert(app, actor, CollectionVehicles, f)
}

// UpdateVehicle validates and saves a vehicle.
func UpdateVehicle(app core.App, actor *core.Record, id string, in VehicleInput) (*core.Record, error) {
	r, err := app.FindRecordById(CollectionVehicles, id)
	if err != nil {
		return nil, Errorf(ENotFound, "err.vehicle.not_found")
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if err := vehicleUnique(app, in, id); err != nil {
		return nil, err
	}
	f := in.fields()
	if err := applyRate(f, actor, "daily_rate", in.DailyRate, MaxDailyRate); err != nil {
		return nil, err
	}
	r.Load(f)
	resActor(r, actor)
	if err := app.Save(r); err != nil {
		return nil, resSaveError(err)
	}
	return r, nil
}

// EffectiveStatus is the status shown to users: maintenance and out win;
// an available vehicle with an assignment covering now is assigned.
func EffectiveStatus(stored string, bookings []Booking, now time.Time) string {
	if stored == VehicleMaintenance || stored == VehicleOut {
		return stored
	}
	for _, b := range bookings {
		if !now.Before(b.Period.From) && now.Before(b.Period.To) {
			return VehicleAssigned
		}
	}
	if stored == "" {
		return VehicleAvailable
	}
	return stored
}

// FindVehicles returns the vehicles by plate, optionally filtered by a
// search term (plate or label) and a stored status.
func FindVehicles(app core.App, q, status string) ([]*core.Record, error) {
	filter, params := "id != ''", map[string]any{}
	if q = strings.TrimSpace(q); q != "" {
		filter += " && (plate ~ {:q} || label ~ {:q})"
		params["q"] = q
	}
	if status != "" {
		filter += " && status = {:s}"
		params["s"] = status
	}
	return app.FindRecordsByFilter(CollectionVehicles, filter, "plate", 500, 0, params)
}
