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
func stockLocations(ctx context.Context, app core.App) ([]components.Option, map[string]string, error) {
	opts := []components.Option{{Value: domain.LocationDepot, Label: i18n.T(ctx, "res.location.depot")}}
	sites, err := domain.FindStockSites(app)
	if err != nil {
		return nil, nil, err
	}
	for _, s := range sites {
		opts = append(opts, components.Option{Value: domain.SiteLocation(s.Id), Label: i18n.T(ctx, "res.site") + " " + s.Code() + " · " + s.Name()})
	}
	vans, err := domain.FindVans(app)
	if err != nil {
		return nil, nil, err
	}
	for _, v := range vans {
		opts = append(opts, components.Option{Value: domain.VanLocation(v.Id), Label: i18n.T(ctx, "res.location.van") + " " + v.Plate()})
	}
	labels := make(map[string]string, len(opts))
	for _, o := range opts {
		labels[o.Value] = o.Label
	}
	return opts, labels, nil
}

// locationLabel names a location code (unknown codes as they are).
func locationLabel(labels map[string]string, loc string) string {
	if l, ok := labels[loc]; ok {
		return l
	}
	return loc
}

// newMoveVMs builds the lines of a moves table.
func newMoveVMs(ctx context.Context, moves []domain.StockMove, labels map[string]string) []resources.MoveVM {
	out := make([]resources.MoveVM, 0, len(moves))
	for _, r := range moves {
		m := resources.MoveVM{ID: r.Id, At: i18n.FormatDateTime(ctx, r.At()), Kind: i18n.T(ctx, "res.move."+r.Kind()),
			Qty: i18n.FormatQty(ctx, r.Qty()), From: locationLabel(labels, r.Location()), Reason: r.Reason()}
		if to := r.ToLocation(); to != "" {
			m.To = locationLabel(labels, to)
		}
		if mat, ok := r.ExpandedMaterial(); ok {
			m.Material = mat.Unit() + " " + mat.Name()
		}
		if s, ok := r.ExpandedSite(); ok {
			m.Site = s.Code()
		}
		if u, ok := r.ExpandedBy(); ok {
			m.By = u.Name()
		}
		out = append(out, m)
	}
	return out
}
