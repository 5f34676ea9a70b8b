package domain

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Equipment statuses.
const (
	EquipmentAvailable   = "available"
	EquipmentInUse       = "in_use"
	EquipmentMaintenance = "maintenance"
	EquipmentLost        = "lost"
	EquipmentRetired     = "retired"
)

// EquipmentStatuses lists the statuses in display order.
func EquipmentStatuses() []string {
	return []string{EquipmentAvailable, EquipmentInUse, EquipmentMaintenance, EquipmentLost, EquipmentRetired}
}

// EquipmentInput is the inventory form of a tool or a piece of equipment.
type EquipmentInput struct {
	Name     string
	Code     string // printed on the QR label; generated when empty
	Category string
	Status   string
	Location string
	Serial   string
	Notes    string
	// DailyRate is the € per booked day the cost engine counts; nil
	// leaves it unchanged (only CanEditRates may set it).
	DailyRate *float64
}

var equipmentCodePattern = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{1,31}$`)

// Validate checks the form; the first error names its field.
func (in *EquipmentInput) Validate() error {
	in.Name = strings.TrimSpace(in.Name)
	in.Code = strings.ToUpper(strings.TrimSpace(in.Code))
	in.Location = strings.TrimSpace(in.Location)
	if in.Status == "" {
		in.Status = EquipmentAvailable
	}
	switch {
	case in.Name == "":
		return FieldError("name", "err.name_required")
	case in.Code != "" && !equipmentCodePattern.MatchString(in.Code):
		return FieldError("code", "err.equipment.invalid_code")
	case !slices.Contains(EquipmentStatuses(), in.Status):
		return FieldError("status", "err.unknown_status")
	}
	return nil
}

func (in EquipmentInput) fields() map[string]any {
	return map[string]any{"name": in.Name, "code": in.Code, "category": in.Category, "status": in.Status,
		"location": in.Location, "serial": in.Serial, "notes": in.Notes}
}

// EquipmentInputOf returns a stored item as a form input.
func EquipmentInputOf(r *core.Record) EquipmentInput {
	return EquipmentInput{Name: r.GetString("name"), Code: r.GetString("code"), Category: r.GetString("category"),
		Status: r.GetString("status"), Location: r.GetString("location"), Serial: r.GetString("serial"), Notes: r.GetString("notes")}
}

// NextEquipmentCode returns the next free OUT-nnnn code.
func NextEquipmentCode(app core.App) string {
	n, _ := app.CountRecords(CollectionEquipment)
	for i := n + 1; ; i++ {
		code := fmt.Sprintf("OUT-%04d", i)
		if _, err := app.FindFirstRecordByData(CollectionEquipment, "code", code); err != nil {
			return code
		}
	}
}

// SaveEquipment creates (id "") or updates an inventory item. Codes are
// unique; a new item without a code gets the next OUT-nnnn.
func SaveEquipment(app core.App, actor *core.Record, id string, in EquipmentInput) (*core.Record, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if in.Code == "" {
		if id != "" {
			return nil, FieldError("code", "err.code_required")
		}
		in.Code = NextEquipmentCode(app)
	}
	if r, err := app.FindFirstRecordByData(CollectionEquipment, "code", in.Code); err == nil && r.Id != id {
		return nil, FieldError("code", "err.equipment.code_taken", r.GetString("name"))
	}
	f := in.fields()
	if err := applyRate(f, actor, "daily_rate", in.DailyRate, MaxDailyRate); err != nil {
		return nil, err
	}
	if id == "" {
		return resInsert(app, actor, CollectionEquipment, f)
	}
	r, err := app.FindRecordById(CollectionEquipment, id)
	if err != nil {
		return nil, Errorf(ENotFound, "err.equipment.not_found")
	}
	r.Load(f)
	resActor(r, actor)
	if err := app.Save(r); err != nil {
		return nil, resSaveError(err)
	}
	return r, nil
}

// EquipmentMove is what a scan of the label lets a site lead change:
// where the item is, who holds it, on which site, and its status.
type EquipmentMove struct {
	Location string
	Holder   string
	Site     string
	Status   string
}

// MoveEquipment records a move of an item. Handing it to someone or a
// site puts an available item in use; returning it to nobody and no
// site puts an in-use item back to available.
func MoveEquipment(app core.App, actor *core.Record, id string, mv EquipmentMove) (*core.Record, error) {
	r, err := app.FindRecordById(CollectionEquipment, id)
	if err != nil {
		return nil, Errorf(ENotFound, "err.equipment.not_found")
	}
	mv.Location = strings.TrimSpace(mv.Location)
	if mv.Status == "" {
		mv.Status = MovedStatus(r.GetString("status"), mv.Holder != "" || mv.Site != "")
	}
	if !slices.Contains(EquipmentStatuses(), mv.Status) {
		return nil, FieldError("status", "err.unknown_status")
	}
	if mv.Location == "" && mv.Holder == "" && mv.Site == "" {
		return nil, FieldError("location", "err.equipment.location_required")
	}
	r.Load(map[string]any{"location": mv.Location, "holder": mv.Holder, "site": mv.Site, "status": mv.Status})
	resActor(r, actor)
	if err := app.Save(r); err != nil {
		return nil, resSaveError(err)
	}
	return r, nil
}

// MovedStatus is the status after a move that leaves the item held
// (by someone or on a site) or not.
func MovedStatus(current string, held bool) string {
	switch {
	case held && current == EquipmentAvailable:
		return EquipmentInUse
	case !held && current == EquipmentInUse:
		return EquipmentAvailable
	}
	if current == "" {
		return EquipmentAvailable
	}
	return current
}

// FindEquipment returns the inventory by code, optionally searched and
// filtered by status, with holder and site expanded.
func FindEquipment(app core.App, q, status string) ([]*core.Record, error) {
	filter, p := "id != ''", dbx.Params{}
	if q = strings.TrimSpace(q); q != "" {
		filter += " && (name ~ {:q} || code ~ {:q} || category ~ {:q} || location ~ {:q})"
		p["q"] = q
	}
	if status != "" {
		filter += " && status = {:s}"
		p["s"] = status
	}
	recs, err := app.FindRecordsByFilter(CollectionEquipment, filter, "code", 2000, 0, p)
	if err != nil {
		return nil, err
	}
	_ = app.ExpandRecords(recs, []string{"holder", "site"}, nil)
	return recs, nil
}
