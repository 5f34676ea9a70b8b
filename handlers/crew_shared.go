package handlers

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/crew"
	"github.com/fieldops360/fieldops/views/i18n"
)

// crewValues reads the named form fields, trimmed.
func crewValues(e *core.RequestEvent, names ...string) map[string]string {
	_ = e.Request.ParseForm()
	out := make(map[string]string, len(names))
	for _, n := range names {
		out[n] = strings.TrimSpace(e.Request.PostForm.Get(n))
	}
	return out
}

// crewFix reads the one position posted with an event (prefix "in_",
// "out_" or ""); no position gives a fix that is not OK.
func crewFix(e *core.RequestEvent, prefix string) domain.GeoFix {
	v := crewValues(e, prefix+"lat", prefix+"lng", prefix+"accuracy")
	lat, err1 := strconv.ParseFloat(v[prefix+"lat"], 64)
	lng, err2 := strconv.ParseFloat(v[prefix+"lng"], 64)
	acc, _ := strconv.ParseFloat(v[prefix+"accuracy"], 64)
	if err1 != nil || err2 != nil || math.IsNaN(lat) || math.IsNaN(lng) || math.Abs(lat) > 90 || math.Abs(lng) > 180 {
		return domain.GeoFix{}
	}
	return domain.GeoFix{Lat: lat, Lng: lng, Accuracy: math.Max(0, acc), OK: true}
}

// crewFlash shows the toast named by ?toast= after a redirect.
func crewFlash(e *core.RequestEvent) []components.ToastVM {
	switch key := e.Request.URL.Query().Get("toast"); key {
	case "clocked_in", "clocked_out", "incident", "approved", "rejected", "team", "resolved", "queued":
		return []components.ToastVM{{ID: "toast-flash", Kind: "success", Text: i18n.T(e.Request.Context(), "crew2.toast."+key)}}
	}
	return nil
}

// crewSiteOptions lists the active sites u can see (crews: their team's).
func crewSiteOptions(app core.App, u *core.Record) ([]components.Option, error) {
	sites, err := domain.FindCrewSites(app, u)
	if err != nil {
		return nil, err
	}
	out := []components.Option{{Value: "", Label: "—"}}
	for _, s := range sites {
		out = append(out, components.Option{Value: s.Id, Label: s.Code() + " · " + s.Name()})
	}
	return out, nil
}

// notFoundOrFail answers the not-found page for a not-found error and
// fails (500, logged) on any other.
func (h *Handlers) notFoundOrFail(e *core.RequestEvent, err error) error {
	if domain.ErrorCode(err) == domain.ENotFound {
		return h.errorPage(e, http.StatusNotFound)
	}
	return h.fail(e, err)
}

// entryVM formats a time entry line.
func entryVM(ctx context.Context, r domain.TimeEntry) crew.EntryVM {
	in, out := r.ClockIn(), r.ClockOut()
	loc := i18n.Location(ctx)
	period := in.In(loc).Format("15:04") + " → "
	if !out.IsZero() {
		period += out.In(loc).Format("15:04")
	}
	vm := crew.EntryVM{ID: r.Id, Day: i18n.FormatDate(ctx, in), Period: period, Kind: r.Kind(),
		Status: r.Status(), Reason: r.EditReason(), Locked: r.Status() == domain.TimeApproved}
	if vm.Kind == "" {
		vm.Kind = domain.TimeOnSite
	}
	if s, ok := r.ExpandedSite(); ok {
		vm.Site = s.Code() + " · " + s.Name()
	}
	if u, ok := r.ExpandedUser(); ok {
		vm.Person = u.Name()
	}
	f := domain.TimeFlagsOf(r.Record)
	if f.In != nil && f.In.Flagged() && f.In.Status != domain.GeoNoSite {
		vm.Flags = append(vm.Flags, "in_"+f.In.Status)
	}
	if f.Out != nil && f.Out.Flagged() && f.Out.Status != domain.GeoNoSite {
		vm.Flags = append(vm.Flags, "out_"+f.Out.Status)
	}
	if f.Switched {
		vm.Flags = append(vm.Flags, "switched")
	}
	if len(f.Overlap) > 0 {
		vm.Flags = append(vm.Flags, "overlap")
	}
	if f.Long {
		vm.Flags = append(vm.Flags, "long")
	}
	return vm
}
