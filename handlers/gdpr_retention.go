package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/admin"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/gdpr"
)

// startRetentionJob starts the tenant app's daily purge of position data
// past its retention period (domain.StartRetentionJob).
func (h *Handlers) startRetentionJob(app core.App) {
	domain.StartRetentionJob(app, domain.RetentionJobConfig{Clock: h.deps.Clock, Logger: h.deps.Logger})
}

// retentionVM is the settings' retention section from stored periods.
func retentionVM(app core.App) gdpr.RetentionVM {
	s := domain.DefaultRetention()
	if c, err := domain.FindCompany(app); err == nil {
		s = c.RetentionSettings()
	}
	return gdpr.RetentionVM{VehicleDays: strconv.Itoa(s.VehiclePositionsDays), ClockDays: strconv.Itoa(s.ClockGPSDays)}
}

// settingsRetentionSave is POST /settings/retention (tenant admins): it
// validates and saves the retention periods; invalid input comes back
// (400) with the values typed and the field's message, nothing saved.
func (h *Handlers) settingsRetentionSave(e *core.RequestEvent) error {
	if err := e.Request.ParseForm(); err != nil {
		return h.fail(e, domain.Errorf(domain.EInvalid, "err.unreadable_form"))
	}
	f := e.Request.PostForm
	var s domain.RetentionSettings
	var err error
	for _, p := range []struct {
		name string
		to   *int
	}{{"vehicle_positions_days", &s.VehiclePositionsDays}, {"clock_gps_days", &s.ClockGPSDays}} {
		n, aerr := strconv.Atoi(strings.TrimSpace(f.Get(p.name)))
		if aerr != nil && err == nil {
			err = domain.FieldError(p.name, "err.retention.days", 0, domain.MaxRetentionDays)
		}
		*p.to = n
	}
	if err == nil {
		err = domain.SaveRetention(e.App, e.Auth, s)
	}
	if err == nil {
		return e.Redirect(http.StatusSeeOther, "/settings?toast=saved#retention")
	}
	errs, status, ok := formErrors(e.Request.Context(), err)
	if !ok {
		return h.fail(e, err)
	}
	c, cerr := domain.FindCompany(e.App)
	if cerr != nil {
		return h.fail(e, cerr)
	}
	in := c.Input()
	if len(in.Calendar.WorkDays) == 0 {
		in.Calendar.WorkDays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	}
	vm := h.newSettingsVM(e, in, nil)
	vm.Retention = gdpr.RetentionVM{VehicleDays: f.Get("vehicle_positions_days"), ClockDays: f.Get("clock_gps_days"), Errors: components.FieldErrors(errs)}
	render(e.Response, e.Request, status, admin.SettingsPage(vm))
	return nil
}
