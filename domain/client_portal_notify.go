package domain

import (
	"fmt"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// BindClientReportNotify e-mails the contacts with a live access to a
// site (NotifyClientContacts) when its weekly report is archived, with a
// link to the site's client page under baseURL (the tenant's public URL;
// "" for none). A refused e-mail is logged, never an error of the
// archive.
func BindClientReportNotify(app core.App, baseURL string) {
	app.OnRecordAfterCreateSuccess(CollectionReports).Bind(&hook.Handler[*core.RecordEvent]{
		Id: "fieldopsClientReportNotify",
		Func: func(e *core.RecordEvent) error {
			r := Report{e.Record}
			if r.Kind() != ReportWeekly || r.SiteID() == "" || r.PDF() == "" {
				return e.Next()
			}
			site, err := FindSite(e.App, r.SiteID())
			if err != nil {
				return e.Next()
			}
			link := ""
			if baseURL != "" {
				link = strings.TrimRight(baseURL, "/") + "/client/sites/" + site.Id
			}
			_, err = NotifyClientContactsLink(e.App, site.Id, "report",
				fmt.Sprintf("Rapport hebdomadaire : %s (%s)", site.Name(), r.Period()),
				fmt.Sprintf("Weekly report: %s (%s)", site.Name(), r.Period()),
				fmt.Sprintf("Bonjour,\n\nLe rapport de la semaine %s du chantier %s est disponible dans votre espace client.", r.Period(), site.Name()),
				fmt.Sprintf("Hello,\n\nThe report of week %s for the site %s is available in your client space.", r.Period(), site.Name()),
				link)
			if err != nil {
				e.App.Logger().Warn("client report notification", "site", site.Id, "error", err)
			}
			return e.Next()
		},
	})
}
