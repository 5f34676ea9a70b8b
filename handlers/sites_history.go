package handlers

import (
	"context"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/sites"
)

// fillHistoryTab lists the audit events of the site and of its phases,
// milestones and documents, newest first, as people read them: who by
// name, what by the record's name, each field changed by its label with
// its old and new values (names, dates, statuses, amounts).
func (h *Handlers) fillHistoryTab(e *core.RequestEvent, vm *sites.PageVM, s domain.Site) error {
	ctx := e.Request.Context()
	events, err := domain.FindSiteHistory(e.App, s.Id, 200)
	if err != nil {
		return err
	}
	reader := domain.NewHistoryReader(e.App)
	names := map[string]string{}
	for _, ev := range events {
		if _, ok := names[ev.Actor]; !ok {
			names[ev.Actor] = actorName(ctx, e.App, ev.Actor)
		}
		d := reader.Describe(ev)
		what := i18n.T(ctx, "hist.coll."+ev.Collection)
		if d.RecordName != "" {
			what = i18n.T(ctx, "hist.record", what, d.RecordName)
		}
		ev2 := sites.EventVM{At: i18n.FormatDateTime(ctx, ev.Time()), Actor: names[ev.Actor], Action: i18n.T(ctx, "audit."+ev.Action), What: what}
		for _, c := range d.Changes {
			if c.Field == "site" && ev.Collection != domain.CollectionSites {
				continue // the site of its own history
			}
			ev2.Changes = append(ev2.Changes, sites.ChangeVM{Label: fieldLabel(ctx, ev.Collection, c.Field),
				Old: changeText(ctx, ev.Collection, c, c.Old), New: changeText(ctx, ev.Collection, c, c.New)})
		}
		vm.History = append(vm.History, ev2)
	}
	return nil
}

// actorName names who made a change: a person's name, "the system" for
// automatic changes, the id of a person since deleted.
func actorName(ctx context.Context, app core.App, actor string) string {
	if actor == "" || actor == "system" {
		return i18n.T(ctx, "hist.actor.system")
	}
	if u, err := domain.FindUser(app, actor); err == nil && u.Name() != "" {
		return u.Name()
	}
	return actor
}

// fieldLabel is a field's label in the history ("Conducteur de travaux"),
// the collection's own wording first.
func fieldLabel(ctx context.Context, collection, field string) string {
	for _, k := range []string{"hist.field." + collection + "." + field, "hist.field." + field} {
		if s := i18n.T(ctx, k); s != k {
			return s
		}
	}
	return field
}

// moneyFields are the number fields holding euros.
var moneyFields = map[string]bool{"budget": true, "contract_amount": true, "impact_eur": true, "unit_cost": true, "cost": true, "hourly_cost": true, "total": true}

// changeText shows one side of a change in the reader's language.
func changeText(ctx context.Context, collection string, c domain.FieldChange, v domain.ChangeValue) string {
	if !v.Set {
		return ""
	}
	switch c.Kind {
	case domain.ChangeNumber:
		switch {
		case moneyFields[c.Field]:
			return i18n.FormatEUR(ctx, v.Num)
		case c.Field == "progress":
			return i18n.FormatQty(ctx, v.Num) + " %"
		case c.Field == "geofence_m":
			return i18n.FormatQty(ctx, v.Num) + " m"
		}
		return i18n.FormatQty(ctx, v.Num)
	case domain.ChangeBool:
		if v.Bool {
			return i18n.T(ctx, "inbox.yes")
		}
		return i18n.T(ctx, "inbox.no")
	case domain.ChangeDate:
		if u := v.Time.UTC(); u.Hour() == 0 && u.Minute() == 0 && u.Second() == 0 {
			return i18n.FormatDate(ctx, time.Date(u.Year(), u.Month(), u.Day(), 12, 0, 0, 0, time.UTC)) // a civil date
		}
		return i18n.FormatDateTime(ctx, v.Time)
	case domain.ChangeRelation:
		return strings.Join(v.Names, ", ")
	case domain.ChangeSelect:
		return selectLabel(ctx, collection, c.Field, v.Text)
	case domain.ChangeJSON:
		return i18n.T(ctx, "hist.updated")
	}
	return v.Text
}

// selectLabel is the label of a choice, its code when none exists.
func selectLabel(ctx context.Context, collection, field, code string) string {
	keys := []string{"hist.value." + collection + "." + field + "." + code}
	switch collection + "." + field {
	case "sites.status":
		keys = append(keys, "site.status."+code)
	case "documents.kind":
		keys = append(keys, "doc.kind."+code)
	}
	switch field {
	case "status":
		keys = append(keys, "status."+code)
	case "sector":
		keys = append(keys, "sector."+code)
	}
	for _, k := range keys {
		if s := i18n.T(ctx, k); s != k {
			return s
		}
	}
	return code
}
