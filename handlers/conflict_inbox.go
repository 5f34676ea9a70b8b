package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/crew"
	"github.com/fieldops360/fieldops/views/i18n"
)

// inboxVMs turns the open conflicts and refusals of the sync inbox into
// human lines: who sent what, when (received, and typed on the phone),
// on which site, why it did not apply, and the values sent with their
// labels and names — never the raw payload.
func inboxVMs(e *core.RequestEvent, recs []*core.Record) []crew.ConflictVM {
	ctx := e.Request.Context()
	names := inboxNames{app: e.App, cache: map[string]string{}}
	out := make([]crew.ConflictVM, 0, len(recs))
	for _, c := range domain.AsSyncConflicts(recs) {
		vm := crew.ConflictVM{ID: c.Id, Kind: orKind(c.Kind()), Reason: i18n.Localize(ctx, c.Reason()),
			At: i18n.FormatDateTime(ctx, c.Created()), Person: "—", What: inboxWhat(ctx, c.TargetCollection(), c.Op())}
		if !c.DeviceTime().IsZero() {
			vm.DeviceAt = i18n.FormatDateTime(ctx, c.DeviceTime())
		}
		if u, ok := c.ExpandedUser(); ok {
			vm.Person = u.Name()
		}
		if s, ok := c.ExpandedSite(); ok {
			vm.Site = s.Code() + " · " + s.Name()
		}
		var data map[string]any
		_ = json.Unmarshal(c.Data(), &data)
		if vm.Site != "" {
			delete(data, "site") // said above
		}
		vm.Details = inboxDetails(ctx, names, c.TargetCollection(), data)
		out = append(out, vm)
	}
	return out
}

// orKind reads an inbox entry filed before kinds existed as a conflict.
func orKind(k string) string {
	if k == "" {
		return domain.InboxConflict
	}
	return k
}

// inboxWhat names the operation ("Signalement d'aléa").
func inboxWhat(ctx context.Context, collection, op string) string {
	switch collection + "." + op {
	case "incidents.create", "time_entries.create", "time_entries.update", "stock_moves.create", "tasks.update",
		"checklist_runs.create", "checklist_runs.update", "photos.create", "signatures.create":
		return i18n.T(ctx, "inbox.what."+collection+"."+op)
	}
	return i18n.T(ctx, "inbox.what.other", op, collection)
}

// inboxDetails lists the values sent, labelled, in a stable order; a
// position is one line.
func inboxDetails(ctx context.Context, names inboxNames, collection string, data map[string]any) []crew.FactVM {
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return fieldRank(keys[i]) < fieldRank(keys[j]) || (fieldRank(keys[i]) == fieldRank(keys[j]) && keys[i] < keys[j])
	})
	var out []crew.FactVM
	for _, k := range keys {
		v := data[k]
		if v == nil || v == "" || k == domain.SyncBaseUpdated || k == domain.SyncReplaces {
			continue
		}
		switch k {
		case "lat", "in_lat", "out_lat":
			prefix := k[:len(k)-3]
			out = append(out, crew.FactVM{Label: i18n.T(ctx, "inbox.field."+prefix+"position"),
				Value: fmt.Sprintf("%s, %s (± %s m)", coord(v), coord(data[prefix+"lng"]), inboxNum(ctx, data[prefix+"accuracy"]))})
		case "lng", "in_lng", "out_lng", "accuracy", "in_accuracy", "out_accuracy":
		default:
			out = append(out, crew.FactVM{Label: inboxLabel(ctx, k), Value: inboxValue(ctx, names, collection, k, v)})
		}
	}
	return out
}

// fieldRank puts what matters first: where, what, then the rest.
func fieldRank(k string) int {
	switch k {
	case "site":
		return 0
	case "task", "material", "status":
		return 1
	case "kind", "severity", "qty", "clock_in", "clock_out":
		return 2
	case "description", "edit_reason", "answers":
		return 3
	}
	return 4
}

// inboxLabel is a field's label, its name when it has none.
func inboxLabel(ctx context.Context, k string) string {
	switch k {
	case "site", "task", "material", "kind", "severity", "description", "clock_in", "clock_out", "edit_reason",
		"status", "progress", "qty", "answers", "user", "by", "at", "caption", "taken_at", "signer_name", "signer_role", "subject":
		return i18n.T(ctx, "inbox.field."+k)
	}
	return k
}

// inboxValue shows a value as the office reads it: names for ids,
// labels for codes, dates in the user's zone.
func inboxValue(ctx context.Context, names inboxNames, collection, k string, v any) string {
	s, isText := v.(string)
	switch {
	case k == "site" && isText:
		return names.site(s)
	case k == "task" && isText:
		return names.task(s)
	case k == "material" && isText:
		return names.material(s)
	case (k == "user" || k == "by") && isText:
		return names.user(s)
	case k == "kind" && isText && collection == domain.CollectionIncidents:
		return i18n.T(ctx, "crew2.incident.kind."+s)
	case k == "kind" && isText && collection == domain.CollectionTimeEntries:
		return i18n.T(ctx, "crew2.kind."+s)
	case k == "severity" && isText:
		return i18n.T(ctx, "crew2.severity."+s)
	case k == "status" && isText && collection == domain.CollectionTasks:
		return i18n.T(ctx, "status."+s)
	case k == "progress":
		return inboxNum(ctx, v) + " %"
	case (k == "clock_in" || k == "clock_out" || k == "at" || k == "taken_at") && isText:
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return i18n.FormatDateTime(ctx, t)
		}
		if t, err := time.Parse("2006-01-02 15:04:05.000Z", s); err == nil {
			return i18n.FormatDateTime(ctx, t)
		}
	case k == "answers":
		if m, ok := v.(map[string]any); ok {
			return i18n.T(ctx, "inbox.answers_n", len(m))
		}
	}
	switch x := v.(type) {
	case string:
		return x
	case float64, int:
		return inboxNum(ctx, x)
	case bool:
		if x {
			return i18n.T(ctx, "inbox.yes")
		}
		return i18n.T(ctx, "inbox.no")
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// inboxNum formats a number sent by a phone in the user's locale.
func inboxNum(ctx context.Context, v any) string {
	switch x := v.(type) {
	case float64:
		return i18n.FormatQty(ctx, x)
	case int:
		return i18n.FormatQty(ctx, float64(x))
	}
	return coord(v)
}

// coord formats a coordinate as sent (GPS notation, with a dot).
func coord(v any) string {
	switch x := v.(type) {
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	case string:
		return x
	}
	return "—"
}

// inboxNames resolves the ids a payload names, once per page.
type inboxNames struct {
	app   core.App
	cache map[string]string
}

func (n inboxNames) once(kind, id string, find func() (string, error)) string {
	k := kind + ":" + id
	if v, ok := n.cache[k]; ok {
		return v
	}
	v, err := find()
	if err != nil || v == "" {
		v = id // deleted since, or never existed: the id sent
	}
	n.cache[k] = v
	return v
}

func (n inboxNames) site(id string) string {
	return n.once("site", id, func() (string, error) {
		s, err := domain.FindSite(n.app, id)
		if err != nil {
			return "", err
		}
		return s.Code() + " · " + s.Name(), nil
	})
}

func (n inboxNames) task(id string) string {
	return n.once("task", id, func() (string, error) {
		t, err := domain.FindTask(n.app, id)
		return t.Title(), err
	})
}

func (n inboxNames) material(id string) string {
	return n.once("material", id, func() (string, error) {
		m, err := domain.FindMaterial(n.app, id)
		return m.Name(), err
	})
}

func (n inboxNames) user(id string) string {
	return n.once("user", id, func() (string, error) {
		u, err := domain.FindUser(n.app, id)
		return u.Name(), err
	})
}
