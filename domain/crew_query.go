package domain

import "github.com/pocketbase/pocketbase/core"

// Finders of the crew app (module 4): a task with its site as the crew
// app or the office may open it, the sites offered in the crew's forms,
// and the typed fields of a sync conflict that the generated proxy cannot
// name.

// FindTaskAndSite returns the task with that id and its site; a missing
// task or site is an ENotFound error.
func FindTaskAndSite(app core.App, taskID string) (Task, Site, error) {
	task, err := FindTask(app, taskID)
	if err != nil {
		return Task{}, Site{}, err
	}
	site, err := FindSite(app, task.SiteID())
	if err != nil {
		return Task{}, Site{}, err
	}
	return task, site, nil
}

// FindCrewTask returns the task with that id and its site when u may open
// it in the crew app (CanSeeCrewTask); a task u may not open is an
// ENotFound error, like a missing one.
func FindCrewTask(app core.App, u *core.Record, taskID string) (Task, Site, error) {
	task, site, err := FindTaskAndSite(app, taskID)
	if err != nil {
		return Task{}, Site{}, err
	}
	if !CanSeeCrewTask(u, task.Record, site.Record) {
		return Task{}, Site{}, Errorf(ENotFound, "err.job.not_found")
	}
	return task, site, nil
}

// FindVisibleTask returns the task with that id and its site when u may
// see that site (CanSeeSite); a task of a site u may not see is an
// ENotFound error, like a missing one.
func FindVisibleTask(app core.App, u *core.Record, taskID string) (Task, Site, error) {
	task, site, err := FindTaskAndSite(app, taskID)
	if err != nil {
		return Task{}, Site{}, err
	}
	if !CanSeeSite(u, site.Record) {
		return Task{}, Site{}, Errorf(ENotFound, "err.job.not_found")
	}
	return task, site, nil
}

// FindCrewSites returns the sites offered in the crew's forms: those
// neither cancelled nor done that u may see (crews: their team's), by
// code, at most 500.
func FindCrewSites(app core.App, u *core.Record) ([]Site, error) {
	recs, err := app.FindRecordsByFilter(CollectionSites, "status != 'cancelled' && status != 'done'", "code", 500, 0)
	if err != nil {
		return nil, err
	}
	out := make([]Site, 0, len(recs))
	for _, r := range recs {
		if CanSeeSite(u, r) {
			out = append(out, Site{r})
		}
	}
	return out, nil
}

// TargetCollection returns "collection": the collection the refused
// operation was about (the generated getter would hide
// core.Record.Collection).
func (s SyncConflict) TargetCollection() string { return s.GetString("collection") }
