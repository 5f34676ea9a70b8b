package domain

import (
	"encoding/json"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// CollectionTasks is the tasks collection.
const CollectionTasks = "tasks"

// FindTasksBetween returns the tasks planned to overlap [from, to),
// optionally only those assigned to userID, ordered by start. Site
// relations are expanded for display.
func FindTasksBetween(app core.App, from, to time.Time, userID string) ([]*core.Record, error) {
	filter := "planned_start < {:to} && (planned_end >= {:from} || planned_end = '')"
	params := dbx.Params{"from": DBTime(from), "to": DBTime(to)}
	if userID != "" {
		filter += " && assignees ~ {:user}"
		params["user"] = userID
	}
	recs, err := app.FindRecordsByFilter(CollectionTasks, filter, "planned_start", 500, 0, params)
	if err != nil {
		return nil, err
	}
	if errs := app.ExpandRecords(recs, []string{"site", "assignees", "vehicle"}, nil); len(errs) > 0 {
		for _, e := range errs {
			return nil, e
		}
	}
	return recs, nil
}

// Counts are the dashboard's headline figures.
type Counts struct {
	ActiveSites   int
	People        int
	OpenIncidents int
	TasksThisWeek int
}

// DashboardCounts returns the manager's headline figures.
func DashboardCounts(app core.App, now time.Time) (Counts, error) {
	var c Counts
	n, err := app.CountRecords(CollectionSites, dbx.HashExp{"status": "active"})
	if err != nil {
		return c, err
	}
	c.ActiveSites = int(n)
	if c.People, err = CountActiveUsers(app); err != nil {
		return c, err
	}
	n, err = app.CountRecords("incidents", dbx.In("status", "open", "in_progress"))
	if err != nil {
		return c, err
	}
	c.OpenIncidents = int(n)
	monday := now.AddDate(0, 0, -((int(now.Weekday()) + 6) % 7)).Truncate(24 * time.Hour)
	tasks, err := FindTasksBetween(app, monday, monday.AddDate(0, 0, 7), "")
	if err != nil {
		return c, err
	}
	c.TasksThisWeek = len(tasks)
	return c, nil
}

// DeletedTaskTitle returns the title a task of siteID had when it was
// deleted, read from its deletion in the audit chain (false when no such
// task of that site was deleted). It names the task in the message
// confirming its deletion.
func DeletedTaskTitle(app core.App, siteID, taskID string) (string, bool) {
	var row struct {
		Diff string `db:"diff"`
	}
	err := app.DB().Select("diff").From(CollectionAuditEvents).
		Where(dbx.HashExp{"collection": CollectionTasks, "record": taskID, "action": AuditDelete}).
		OrderBy("seq DESC").Limit(1).One(&row)
	if err != nil || taskID == "" {
		return "", false
	}
	var was struct {
		Site  string `json:"site"`
		Title string `json:"title"`
	}
	if json.Unmarshal([]byte(row.Diff), &was) != nil || was.Site != siteID || was.Title == "" {
		return "", false
	}
	return was.Title, true
}
