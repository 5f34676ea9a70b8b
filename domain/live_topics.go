package domain

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Topic names a part of a tenant's data that live views depend on. A
// committed change publishes the topics it touches (ChangeTopics); a live
// view is woken only by a change to one of the topics it listens to.
//
//   - TopicCollection(name): any change to the collection;
//   - TopicSite(id): the site, its tasks, task links and baselines;
//   - TopicWeek(monday): planned work (tasks) or absences in that ISO week.
//
// TopicAnySite and TopicAnyWeek are published when a change's site or
// weeks cannot be told (a link whose task is gone, a record updated
// without its stored original, a very long span): views listening to a
// site or a week also listen to them, so that no change is missed.
type Topic string

// Wildcards, published when the exact site or week of a change is unknown.
const (
	TopicAnySite Topic = "site:*"
	TopicAnyWeek Topic = "week:*"
)

// maxTopicWeeks bounds the weeks a single change publishes one by one;
// a longer span publishes TopicAnyWeek instead.
const maxTopicWeeks = 106

// TopicCollection is any change to the named collection.
func TopicCollection(name string) Topic { return Topic("c:" + name) }

// TopicSite is a change to a site's plan: the site, its tasks, its task
// links, its baselines.
func TopicSite(id string) Topic { return Topic("site:" + id) }

// TopicNotifications is a change to a user's notifications (the bell).
func TopicNotifications(userID string) Topic { return Topic("notify:" + userID) }

// TopicSiteCosts is a change to what a site's costs are computed from:
// its approved time, consumption, incidents, bookings, phases (budgets),
// tasks and the site itself (budget, contract amount). Rates shared by
// every site (hourly costs, daily rates, overtime rules) are published
// on their collections' topics.
func TopicSiteCosts(id string) Topic { return Topic("costs:" + id) }

// TopicReportJob is a step of an on-demand report generation (published
// by its job, not by a record change).
func TopicReportJob(id string) Topic { return Topic("report-job:" + id) }

// costCollections are the collections whose records carry the site
// whose costs they change (field "site").
var costCollections = map[string]bool{CollectionTimeEntries: true, CollectionStockMoves: true, CollectionIncidents: true,
	CollectionReservations: true, CollectionPhases: true, CollectionTasks: true}

// TopicWeek is a change to planned work or absences in the ISO week of d.
func TopicWeek(d time.Time) Topic { return Topic("week:" + ISOWeekText(d)) }

// ChangeTopics returns the topics touched by a committed change of r
// (action is AuditCreate, AuditUpdate or AuditDelete): its collection, and
// for a task its site and weeks before and after the change, for a task
// link its site, for an absence its weeks, for a site or a baseline the
// site; for a record a site's costs are computed from, TopicSiteCosts of
// its site before and after (TopicAnySite when its previous site is
// unknown).
func ChangeTopics(app core.App, r *core.Record, action string) []Topic {
	col := r.Collection().Name
	ts := []Topic{TopicCollection(col)}
	versions := []*core.Record{r}
	if action == AuditUpdate {
		if o := r.Original(); o.Id == r.Id {
			versions = append(versions, o)
		} else if col == CollectionTasks || col == CollectionAvailability || col == CollectionTaskLinks {
			// NB: a record built in process and saved has no stored
			// original: its previous site and weeks are unknown.
			return append(ts, TopicAnySite, TopicAnyWeek)
		} else if costCollections[col] {
			ts = append(ts, TopicAnySite)
		}
	}
	for _, v := range versions {
		if costCollections[col] {
			ts = append(ts, TopicSiteCosts(v.GetString("site")))
		}
		switch col {
		case CollectionTasks:
			ts = append(ts, TopicSite(v.GetString("site")))
			start := v.GetDateTime("planned_start").Time()
			end := v.GetDateTime("planned_end").Time()
			if end.Before(start) {
				end = start
			}
			ts = appendWeeks(ts, start, end)
		case CollectionAvailability:
			ts = appendWeeks(ts, v.GetDateTime("from").Time(), v.GetDateTime("to").Time())
		case CollectionTaskLinks:
			ts = append(ts, linkSiteTopic(app, v))
		case CollectionSites:
			ts = append(ts, TopicSite(v.Id), TopicSiteCosts(v.Id))
		case CollectionBaselines:
			ts = append(ts, TopicSite(v.GetString("site")))
		case CollectionNotifications:
			ts = append(ts, TopicNotifications(v.GetString("user")))
		}
	}
	return ts
}

// linkSiteTopic is the site of a task link's predecessor (a link joins
// two tasks of one site), or TopicAnySite when it cannot be read.
func linkSiteTopic(app core.App, link *core.Record) Topic {
	for _, id := range []string{link.GetString("from"), link.GetString("to")} {
		if t, err := app.FindRecordById(CollectionTasks, id); err == nil {
			return TopicSite(t.GetString("site"))
		}
	}
	return TopicAnySite
}

// appendWeeks adds the ISO weeks of [from, to], widened by a day each side
// so that a date stored in UTC counts in every zone; nothing when from is
// unset, TopicAnyWeek when the span is very long.
func appendWeeks(ts []Topic, from, to time.Time) []Topic {
	if from.IsZero() {
		return ts
	}
	if to.Before(from) {
		to = from
	}
	first, last := WeekMonday(from.AddDate(0, 0, -1)), WeekMonday(to.AddDate(0, 0, 1))
	if last.Sub(first) > maxTopicWeeks*7*24*time.Hour {
		return append(ts, TopicAnyWeek)
	}
	for m := first; !m.After(last); m = m.AddDate(0, 0, 7) {
		ts = append(ts, TopicWeek(m))
	}
	return ts
}
