package handlers

import (
	"context"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/resources"
)

// stockLocations lists the stock locations (depot, sites, vans) as
// options, and their labels by code.
func stockLocations(ctx context.Context, app core.App) ([]components.Option, map[string]string) {
	opts := []components.Option{{Value: domain.LocationDepot, Label: i18n.T(ctx, "res.location.depot")}}
	sites, _ := app.FindRecordsByFilter(domain.CollectionSites, "status != 'cancelled'", "code", 500, 0)
	for _, s := range sites {
		opts = append(opts, components.Option{Value: domain.SiteLocation(s.Id), Label: i18n.T(ctx, "res.site") + " " + s.GetString("code") + " · " + s.GetString("name")})
	}
	vans, _ := app.FindRecordsByFilter(domain.CollectionVehicles, "", "plate", 500, 0)
	for _, v := range vans {
		opts = append(opts, components.Option{Value: domain.VanLocation(v.Id), Label: i18n.T(ctx, "res.location.van") + " " + v.GetString("plate")})
	}
	labels := make(map[string]string, len(opts))
	for _, o := range opts {
		labels[o.Value] = o.Label
	}
	return opts, labels
}

// locationLabel names a location code (unknown codes as they are).
func locationLabel(labels map[string]string, loc string) string {
	if l, ok := labels[loc]; ok {
		return l
	}
	return loc
}

// newMoveVMs builds the lines of a moves table.
func newMoveVMs(ctx context.Context, recs []*core.Record, labels map[string]string) []resources.MoveVM {
	out := make([]resources.MoveVM, 0, len(recs))
	for _, r := range recs {
		m := resources.MoveVM{ID: r.Id, At: i18n.FormatDateTime(ctx, r.GetDateTime("at").Time()), Kind: i18n.T(ctx, "res.move."+r.GetString("kind")),
			Qty: domain.FormatQty(r.GetFloat("qty")), From: locationLabel(labels, r.GetString("location")), Reason: r.GetString("reason")}
		if to := r.GetString("to_location"); to != "" {
			m.To = locationLabel(labels, to)
		}
		if mat := r.ExpandedOne("material"); mat != nil {
			m.Material = mat.GetString("unit") + " " + mat.GetString("name")
		}
		if s := r.ExpandedOne("site"); s != nil {
			m.Site = s.GetString("code")
		}
		if u := r.ExpandedOne("by"); u != nil {
			m.By = u.GetString("name")
		}
		out = append(out, m)
	}
	return out
}
