package handlers_test

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// actionFailures lists the POST buttons a role's crawl was shown that the
// domain refuses it, and those no rule of shownActionAllowed covers.
func actionFailures(t *testing.T, tt *tenanttest.Tenant, r crawlRole, res crawlResult) []string {
	t.Helper()
	u, err := tt.App().FindAuthRecordByEmail(domain.CollectionUsers, r.email)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for action, page := range res.Actions {
		allowed, rule, known := shownActionAllowed(tt.App(), u, action)
		switch {
		case !known:
			out = append(out, fmt.Sprintf("%s: POST %s shown on %s: no rule in shownActionAllowed", r.name, action, page))
		case !allowed:
			out = append(out, fmt.Sprintf("%s: POST %s shown on %s, refused by %s", r.name, action, page, rule))
		}
	}
	sort.Strings(out)
	return out
}

// recordAction matches a POST action on one record outside a site's
// path: its collection segment, id and verb.
var recordAction = regexp.MustCompile(`^/(time-approvals|timesheets/entries|timesheets/corrections|conflicts)/([a-z0-9]{15})/([a-z]+)$`)

// siteAction matches a POST action on a site's records: its site id and
// the rest of the path.
var siteAction = regexp.MustCompile(`^/sites/([a-z0-9]{15})(/.*)?$`)

// shownActionAllowed reports whether the domain lets u submit the POST
// form action a page showed it (issue #15: buttons a role cannot use are
// hidden), with the rule applied. ok is false for an action this table
// does not know, so that a new kind of button gets its rule written here.
func shownActionAllowed(app core.App, u *core.Record, action string) (allowed bool, rule string, ok bool) {
	res := domain.ResourceAccessOf(u)
	admin := u.GetBool("tenant_admin")
	if m := siteAction.FindStringSubmatch(action); m != nil {
		site, err := app.FindRecordById(domain.CollectionSites, m[1])
		if err != nil {
			return false, "site " + m[1] + " exists", true
		}
		if m[2] == "/edit" {
			return domain.CanEditSite(u, site), "CanEditSite", true
		}
		if strings.HasPrefix(m[2], "/acceptance") { // acceptance reports (issue #20)
			return domain.CanPrepareAcceptance(u, site), "CanPrepareAcceptance", true
		}
		if m[2] == "/log" { // the site's daily log (issue #17)
			return domain.CanWriteDailyLog(u, site), "CanWriteDailyLog", true
		}
		if strings.HasPrefix(m[2], "/contract") { // a site's contract (issue #18)
			if m[2] == "/contract/client" || m[2] == "/contract/situation" {
				return domain.CanInvoice(u), "CanInvoice", true
			}
			return domain.CanEditSite(u, site) && domain.CanInvoice(u), "CanEditSite and CanInvoice", true
		}
		return domain.CanEditSiteDay(u, site), "CanEditSiteDay", true
	}
	if m := recordAction.FindStringSubmatch(action); m != nil {
		return recordActionAllowed(app, u, m[1], m[2])
	}
	first := strings.SplitN(strings.TrimPrefix(action, "/"), "/", 2)[0]
	switch {
	case action == "/logout" || action == "/logout-everywhere" || first == "m":
		return true, "everyone (crew app)", true
	case action == "/sites" || action == "/clients":
		return domain.CanCreateSite(u), "CanCreateSite", true
	case first == "clients": // client contacts, access and sharing (issue #20)
		return domain.CanInviteClients(u), "CanInviteClients", true
	case first == "client": // the client portal's own buttons (a client session)
		return action == "/client/logout", "client portal", true
	case first == "people":
		return domain.CanManagePeople(u), "CanManagePeople", true
	case first == "users" || first == "settings":
		return admin, "tenant admin", true
	case first == "checklists":
		return domain.CanEditChecklists(u), "CanEditChecklists", true
	case first == "dispatch" || first == "today" || action == "/time-approvals/team":
		return domain.CanOpen(u.GetString("role"), admin, first) || first == "time-approvals" && domain.CanOpen(u.GetString("role"), admin, "today"), "CanOpen", true
	case strings.HasPrefix(action, "/reports/schedules"): // report schedules (issue #17)
		return domain.CanEditReportSchedules(u), "CanEditReportSchedules", true
	case action == "/reports/generate/monthly": // on-demand, archived tenant-wide (issue #17)
		scope, err := domain.MonthlyReportScope(app, u)
		return err == nil && scope == nil, "MonthlyReportScope (every site)", true
	case strings.HasPrefix(action, "/reports/generate/"): // a site's report on demand (issue #17)
		parts := strings.Split(action, "/")
		_, err := domain.FindReportSite(app, u, parts[len(parts)-1])
		return err == nil, "FindReportSite", true
	case strings.HasPrefix(action, "/invoices/settings/"): // invoicing settings (issue #18)
		return domain.CanManageInvoicing(u), "CanManageInvoicing", true
	case first == "invoices": // invoices (issue #18)
		return domain.CanInvoice(u), "CanInvoice", true
	case first == "notifications": // one's own (issue #17)
		if id := strings.TrimSuffix(strings.TrimPrefix(action, "/notifications/"), "/read"); id != action[len("/notifications/"):] {
			n, err := domain.FindNotification(app, id)
			return err == nil && n.UserID() == u.Id, "own notification", true
		}
		return true, "everyone: their own notifications", true
	case strings.HasPrefix(action, "/planning/accuracy/"): // train, roll back a duration model (issue #23)
		return domain.CanManageDurationModels(u), "CanManageDurationModels", true
	case action == "/timesheets/close":
		return domain.CanClosePeriod(u), "CanClosePeriod", true
	case strings.HasPrefix(action, "/timesheets/periods/"):
		return domain.CanReopenPeriod(u), "CanReopenPeriod", true
	case first == "vehicles" || first == "equipment" || first == "materials" || first == "purchase-orders" || first == "suppliers":
		for _, day := range []string{"/assignments", "/reservations", "/move", "/moves"} {
			if strings.Contains(action, day) {
				return res.DayToDay, "ResourceAccess.DayToDay", true
			}
		}
		return res.EditRegisters, "ResourceAccess.EditRegisters", true
	}
	return false, "", false
}

// recordActionAllowed is shownActionAllowed for a time entry, a
// correction request or a sync conflict.
func recordActionAllowed(app core.App, u *core.Record, kind, id string) (allowed bool, rule string, ok bool) {
	col := map[string]string{"time-approvals": domain.CollectionTimeEntries, "timesheets/entries": domain.CollectionTimeEntries,
		"timesheets/corrections": "time_corrections", "conflicts": "sync_conflicts"}[kind]
	r, err := app.FindRecordById(col, id)
	if err != nil {
		return false, col + " " + id + " exists", true
	}
	site, _ := app.FindRecordById(domain.CollectionSites, r.GetString("site"))
	switch kind {
	case "time-approvals":
		return domain.CanReviewTime(u, site), "CanReviewTime", true
	case "timesheets/entries":
		return r.GetString("user") == u.Id, "own time entry", true
	case "timesheets/corrections":
		return domain.IsOffice(u), "IsOffice", true
	}
	return u.GetString("role") != domain.RoleCrew && (site == nil || domain.CanEditSiteDay(u, site)), "ResolveConflict", true
}
