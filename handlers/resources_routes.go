package handlers

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/fieldops360/fieldops/domain"
)

// resourceRoutes registers module 2: vehicles and GPS ingest, equipment
// and reservations, materials, stock and purchase orders. Reading needs
// the module (domain.CanOpen); writing also needs the resource access of
// the role (domain.ResourceAccess), as the API rules do.
func (h *Handlers) resourceRoutes(r *router.Router[*core.RequestEvent]) {
	// NB: no sign-in on /gps: the device id is the tracker's credential
	// (see gpsIngest).
	r.GET("/gps", h.gpsIngest)
	r.POST("/gps", h.gpsIngest)

	edit, day := h.resRequire(canEditRegisters), h.resRequire(canDayToDay)
	vehicleBooking, equipmentBooking := h.vehicleBooking(), h.equipmentBooking()

	v := h.module(r, "vehicles")
	v.GET("/vehicles", h.vehiclesList)
	v.GET("/vehicles/map", h.vehiclesMap)
	v.GET("/vehicles/new", h.vehiclesNew).BindFunc(edit)
	v.POST("/vehicles", h.vehiclesSave).BindFunc(edit)
	v.GET("/vehicles/{id}", h.vehiclesShow)
	v.GET("/vehicles/{id}/edit", h.vehiclesEdit).BindFunc(edit)
	v.POST("/vehicles/{id}", h.vehiclesSave).BindFunc(edit)
	v.POST("/vehicles/{id}/assignments", h.assetReserve(vehicleBooking)).BindFunc(day)
	v.POST("/vehicles/{id}/assignments/{rid}/cancel", h.assetUnreserve(vehicleBooking)).BindFunc(day)
	v.POST("/vehicles/{id}/maintenance", h.maintenanceSchedule(domain.AssetVehicle, "/vehicles/", h.vehicleMaintenanceInvalid)).BindFunc(edit)
	v.POST("/vehicles/{id}/maintenance/{mid}/done", h.maintenanceDone(domain.AssetVehicle, "/vehicles/")).BindFunc(edit)

	q := h.module(r, "equipment")
	q.GET("/equipment", h.equipmentList)
	q.GET("/equipment/labels", h.equipmentLabels)
	q.GET("/equipment/new", h.equipmentNew).BindFunc(edit)
	q.POST("/equipment", h.equipmentSave).BindFunc(edit)
	q.GET("/equipment/{id}/edit", h.equipmentEdit).BindFunc(edit)
	q.POST("/equipment/{id}", h.equipmentSave).BindFunc(edit)
	q.POST("/equipment/{id}/move", h.equipmentMove).BindFunc(day)
	q.POST("/equipment/{id}/reservations", h.assetReserve(equipmentBooking)).BindFunc(day)
	q.POST("/equipment/{id}/reservations/{rid}/cancel", h.assetUnreserve(equipmentBooking)).BindFunc(day)
	q.POST("/equipment/{id}/maintenance", h.maintenanceSchedule(domain.AssetEquipment, "/equipment/", h.equipmentMaintenanceInvalid)).BindFunc(edit)
	q.POST("/equipment/{id}/maintenance/{mid}/done", h.maintenanceDone(domain.AssetEquipment, "/equipment/")).BindFunc(edit)
	// the URL printed on a label: crews may open it for what they hold
	// or have booked (domain.CanSeeEquipment), so sign-in only here.
	scan := r.Group("")
	scan.BindFunc(h.requireUser)
	scan.GET("/equipment/{id}", h.equipmentShow)

	m := h.module(r, "materials")
	m.GET("/materials", h.materialsList)
	m.GET("/materials/new", h.materialsNew).BindFunc(edit)
	m.POST("/materials", h.materialsSave).BindFunc(edit)
	m.GET("/materials/{id}", h.materialsShow)
	m.GET("/materials/{id}/edit", h.materialsEdit).BindFunc(edit)
	m.POST("/materials/{id}", h.materialsSave).BindFunc(edit)
	m.POST("/materials/{id}/moves", h.stockMove).BindFunc(day)
	m.GET("/purchase-orders", h.purchaseList)
	m.POST("/purchase-orders", h.purchaseCreate).BindFunc(edit)
	m.GET("/purchase-orders/{id}", h.purchaseShow)
	m.POST("/purchase-orders/{id}/status", h.purchaseStatus).BindFunc(edit)
	m.POST("/suppliers", h.supplierCreate).BindFunc(edit)

	// crews record consumption from the crew app (every role may)
	crew := h.module(r, "crew")
	crew.GET("/m/consumption", h.stockConsumeShow)
	crew.POST("/m/consumption", h.stockConsume).BindFunc(h.resRequire(canConsume))
}
