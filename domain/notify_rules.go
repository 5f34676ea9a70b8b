package domain

import (
	"math"
	"sort"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// notifyCondition is one thing that holds now and that the users in to
// should know: a rule kind, its subject (a record id) and its state. The
// pair (kind, subject, state) is notified once per recipient while it
// holds (see reconcileNotifications).
type notifyCondition struct {
	kind, state, subject, site string
	message                    string
	args                       []any
	to                         []string
}

// key identifies the condition among a user's notifications.
func (c notifyCondition) key() string { return c.kind + ":" + c.subject + ":" + c.state }

// notifyEval is what the rules of one evaluation share.
type notifyEval struct {
	app      core.App
	now      time.Time
	loc      *time.Location
	today    time.Time // civil date of now in the tenant's zone
	settings NotifySettings
	sites    map[string]Site // open sites by id
	managers []string        // active managers and tenant admins
	pms      []string        // active project managers
	active   map[string]bool // active users
}

// siteLabel names a site in a message ("CH-7 Gymnase").
func siteLabel(s Site) string { return s.Code() + " " + s.Name() }

// dateArg is a date argument of a notification message, rendered in the
// reader's language (NotificationText).
func dateArg(t time.Time, loc *time.Location) map[string]any {
	return map[string]any{"date": CivilDate(t, loc).Format(time.DateOnly)}
}

// people returns the active users among ids, once each, in order.
func (ev *notifyEval) people(groups ...[]string) []string {
	seen := map[string]bool{}
	var out []string
	for _, g := range groups {
		for _, id := range g {
			if id != "" && ev.active[id] && !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return out
}

// siteTeam returns the project manager and the site lead of a site.
func (ev *notifyEval) siteTeam(siteID string) []string {
	s, ok := ev.sites[siteID]
	if !ok {
		return nil
	}
	return []string{s.ProjectManagerID(), s.SiteLeadID()}
}

// notifyRules are the rules by kind.
var notifyRules = map[string]func(ev *notifyEval) ([]notifyCondition, error){
	NotifyBudget:            budgetConditions,
	NotifyMilestoneLate:     milestoneConditions,
	NotifyTaskLate:          taskConditions,
	NotifyDocumentExpiring:  documentConditions,
	NotifyClearanceExpiring: clearanceConditions,
	NotifyStockLow:          stockConditions,
	NotifyIncidentHigh:      incidentConditions,
	NotifyTimePending:       timePendingConditions,
}

// budgetConditions: a site whose spending reached the tenant's share of
// its budget (state threshold), or the whole budget (state exceeded).
// Project manager and managers.
func budgetConditions(ev *notifyEval) ([]notifyCondition, error) {
	var out []notifyCondition
	all := make([]Site, 0, len(ev.sites))
	for _, s := range ev.sites {
		all = append(all, s)
	}
	ratios, err := siteSpentRatios(ev.app, all, ev.today.AddDate(0, 0, 1))
	if err != nil {
		return nil, err
	}
	for _, s := range ev.sites {
		ratio, ok := ratios[s.Id]
		if !ok {
			continue
		}
		pct := int(math.Floor(ratio * 100))
		c := notifyCondition{kind: NotifyBudget, subject: s.Id, site: s.Id, to: ev.people(ev.managers, []string{s.ProjectManagerID()})}
		switch {
		case ratio >= 1 && ev.settings.BudgetPct <= 100:
			c.state, c.message, c.args = "exceeded", "notify.budget.exceeded", []any{siteLabel(s), pct}
		case pct >= ev.settings.BudgetPct:
			c.state, c.message, c.args = "threshold", "notify.budget.threshold", []any{siteLabel(s), pct, ev.settings.BudgetPct}
		default:
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

// milestoneConditions: a milestone of an open site whose due date passed
// without being reached. Managers, project manager and site lead.
func milestoneConditions(ev *notifyEval) ([]notifyCondition, error) {
	recs, err := ev.app.FindRecordsByFilter(CollectionMilestones, "reached_at = '' && due != '' && due < {:d}", "due", 1000, 0,
		dbx.Params{"d": DBTime(ev.now.AddDate(0, 0, 1))})
	if err != nil {
		return nil, err
	}
	var out []notifyCondition
	for _, m := range AsMilestones(recs) {
		s, ok := ev.sites[m.SiteID()]
		if !ok || MilestoneState(m.Due(), time.Time{}, ev.now, ev.loc) != MilestoneOverdue {
			continue
		}
		out = append(out, notifyCondition{kind: NotifyMilestoneLate, state: "late", subject: m.Id, site: s.Id,
			message: "notify.milestone_late", args: []any{m.Name(), siteLabel(s), dateArg(m.Due(), ev.loc)},
			to: ev.people(ev.managers, ev.siteTeam(s.Id))})
	}
	return out, nil
}

// taskConditions: a task of an open site not done by its planned end.
// Project manager and site lead.
func taskConditions(ev *notifyEval) ([]notifyCondition, error) {
	recs, err := ev.app.FindRecordsByFilter(CollectionTasks,
		"status != 'done' && status != 'validated' && planned_end != '' && planned_end < {:d}", "planned_end", 2000, 0,
		dbx.Params{"d": DBTime(ev.now.AddDate(0, 0, 1))})
	if err != nil {
		return nil, err
	}
	var out []notifyCondition
	for _, t := range AsTasks(recs) {
		s, ok := ev.sites[t.SiteID()]
		if !ok || !CivilDate(t.PlannedEnd(), ev.loc).Before(ev.today) {
			continue
		}
		out = append(out, notifyCondition{kind: NotifyTaskLate, state: "late", subject: t.Id, site: s.Id,
			message: "notify.task_late", args: []any{t.Title(), siteLabel(s), dateArg(t.PlannedEnd(), ev.loc)},
			to: ev.people(ev.siteTeam(s.Id))})
	}
	return out, nil
}

// expiry classifies a validity end against the tenant's notice: "soon"
// within ExpiryDays, "expired" once passed, "" otherwise.
func (ev *notifyEval) expiry(validUntil time.Time) string {
	days := CivilDate(validUntil, ev.loc).Sub(ev.today).Hours() / 24
	switch {
	case days < 0:
		return "expired"
	case days <= float64(ev.settings.ExpiryDays):
		return "soon"
	}
	return ""
}

// documentConditions: a current document of an open site expiring within
// the notice, or expired. Project manager and site lead.
func documentConditions(ev *notifyEval) ([]notifyCondition, error) {
	recs, err := ev.app.FindRecordsByFilter(CollectionDocuments, "current = true && valid_until != '' && valid_until <= {:h}", "valid_until", 1000, 0,
		dbx.Params{"h": DBTime(ev.now.AddDate(0, 0, ev.settings.ExpiryDays+1))})
	if err != nil {
		return nil, err
	}
	var out []notifyCondition
	for _, d := range AsDocuments(recs) {
		s, ok := ev.sites[d.SiteID()]
		st := ev.expiry(d.ValidUntil())
		if !ok || st == "" {
			continue
		}
		out = append(out, notifyCondition{kind: NotifyDocumentExpiring, state: st, subject: d.Id, site: s.Id,
			message: "notify.document." + st, args: []any{d.Title(), siteLabel(s), dateArg(d.ValidUntil(), ev.loc)},
			to: ev.people(ev.siteTeam(s.Id))})
	}
	return out, nil
}

// clearanceConditions: an active person's clearance expiring within the
// notice, or expired, unless they hold a later one of the same kind.
// Managers.
func clearanceConditions(ev *notifyEval) ([]notifyCondition, error) {
	recs, err := ev.app.FindRecordsByFilter(CollectionClearances, "valid_until != ''", "-valid_until", 5000, 0)
	if err != nil {
		return nil, err
	}
	names, err := userNames(ev.app)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{} // user + kind: the latest clearance counts
	var out []notifyCondition
	for _, c := range AsClearanceRecords(recs) {
		k := c.UserID() + "\x00" + c.Kind()
		if seen[k] || !ev.active[c.UserID()] {
			continue
		}
		seen[k] = true
		st := ev.expiry(c.ValidUntil())
		if st == "" {
			continue
		}
		out = append(out, notifyCondition{kind: NotifyClearanceExpiring, state: st, subject: c.Id,
			message: "notify.clearance." + st, args: []any{c.Kind(), names[c.UserID()], dateArg(c.ValidUntil(), ev.loc)},
			to: ev.people(ev.managers)})
	}
	return out, nil
}

// stockConditions: a material whose total stock is under its minimum.
// Managers and project managers.
func stockConditions(ev *notifyEval) ([]notifyCondition, error) {
	all, err := FindMaterialStock(ev.app, "")
	if err != nil {
		return nil, err
	}
	var out []notifyCondition
	for _, s := range LowStock(all) {
		m := Material{Record: s.Material}
		out = append(out, notifyCondition{kind: NotifyStockLow, state: "low", subject: m.Id,
			message: "notify.stock_low", args: []any{m.Name(), FormatQty(s.Total), FormatQty(m.MinStock()), m.Unit()},
			to: ev.people(ev.managers, ev.pms)})
	}
	return out, nil
}

// incidentConditions: an open high or critical incident (its severity is
// the state: a high incident made critical notifies again). Managers,
// project manager, site lead and the person it is assigned to.
func incidentConditions(ev *notifyEval) ([]notifyCondition, error) {
	recs, err := ev.app.FindRecordsByFilter(CollectionIncidents,
		"(severity = 'high' || severity = 'critical') && (status = 'open' || status = 'in_progress')", "-created", 1000, 0)
	if err != nil {
		return nil, err
	}
	var out []notifyCondition
	for _, i := range AsIncidents(recs) {
		s, ok := ev.sites[i.SiteID()]
		if !ok {
			continue
		}
		out = append(out, notifyCondition{kind: NotifyIncidentHigh, state: i.Severity(), subject: i.Id, site: s.Id,
			message: "notify.incident." + i.Severity(), args: []any{clip(i.Description(), 80), siteLabel(s)},
			to: ev.people(ev.managers, ev.siteTeam(s.Id), []string{i.AssignedToID()})})
	}
	return out, nil
}

// timePendingConditions: a site with time entries submitted and ended
// more than ApprovalDays ago, still waiting for approval. Its site lead
// and project manager, who approve them.
func timePendingConditions(ev *notifyEval) ([]notifyCondition, error) {
	var rows []struct {
		Site  string `db:"site"`
		Count int    `db:"n"`
	}
	err := ev.app.DB().NewQuery(`SELECT site, COUNT(*) AS n FROM time_entries
		WHERE status = 'submitted' AND site != '' AND clock_out != '' AND clock_out < {:before} GROUP BY site`).
		Bind(dbx.Params{"before": DBTime(ev.now.AddDate(0, 0, -ev.settings.ApprovalDays))}).All(&rows)
	if err != nil {
		return nil, err
	}
	var out []notifyCondition
	for _, r := range rows {
		s, ok := ev.sites[r.Site]
		if !ok {
			continue
		}
		out = append(out, notifyCondition{kind: NotifyTimePending, state: "waiting", subject: s.Id, site: s.Id,
			message: "notify.time_pending", args: []any{r.Count, siteLabel(s), ev.settings.ApprovalDays},
			to: ev.people(ev.siteTeam(s.Id))})
	}
	return out, nil
}

// clip shortens s to n runes with an ellipsis.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// newNotifyEval loads what every rule needs: thresholds, zone, open
// sites and the people to notify.
func newNotifyEval(app core.App, now time.Time) (*notifyEval, error) {
	s, err := TenantNotifySettings(app)
	if err != nil {
		return nil, err
	}
	f := TenantFactsOf(app)
	ev := &notifyEval{app: app, now: now, loc: f.Location(), today: f.Today(now), settings: s,
		sites: map[string]Site{}, active: map[string]bool{}}
	sites, err := FindOpenSites(app)
	if err != nil {
		return nil, err
	}
	for _, st := range sites {
		ev.sites[st.Id] = st
	}
	users, err := app.FindRecordsByFilter(CollectionUsers, "active = true", "created", 0, 0)
	if err != nil {
		return nil, err
	}
	for _, u := range AsUsers(users) {
		ev.active[u.Id] = true
		switch {
		case u.Role() == RoleManager || u.TenantAdmin():
			ev.managers = append(ev.managers, u.Id)
		case u.Role() == RoleProjectManager:
			ev.pms = append(ev.pms, u.Id)
		}
	}
	sort.Strings(ev.managers)
	return ev, nil
}

// userNames returns every user's name by id.
func userNames(app core.App) (map[string]string, error) {
	var rows []struct {
		ID   string `db:"id"`
		Name string `db:"name"`
	}
	err := app.DB().Select("id", "name").From(CollectionUsers).All(&rows)
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, err
}
