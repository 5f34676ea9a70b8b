package handlers

import (
	"net/http"
	"net/url"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
)

// Flashes of the Gantt page after a form that worked (?toast=).
const (
	ganttTaskCreated  = "task_created"
	ganttTaskSaved    = "task_saved"
	ganttTaskDeleted  = "task_deleted"
	ganttLinkAdded    = "link_added"
	ganttLinkDeleted  = "link_deleted"
	ganttBaselineSet  = "baseline_saved"
	ganttBaselineGone = "baseline_deleted"
)

// ganttDone goes back to the site's Gantt after a form that worked, with
// the flash naming what was done and, for a task, its id: the page reads
// the task's title from the record, never from the URL.
func ganttDone(e *core.RequestEvent, toast, taskID string) error {
	q := url.Values{"toast": {toast}}
	if taskID != "" {
		q.Set("task", taskID)
	}
	return e.Redirect(http.StatusSeeOther, "/sites/"+e.Request.PathValue("id")+"/gantt?"+q.Encode())
}

// ganttToasts is the flash of the Gantt page: "Tâche « Coffrage »
// créée." with the title of the site's task (of its deletion in the audit
// chain for a deleted one), "Référence « … » enregistrée." with the
// baseline shown. An unknown key, or a task not of this site, shows
// nothing.
func ganttToasts(e *core.RequestEvent, siteID string, baseline *domain.Baseline) []components.ToastVM {
	ctx := e.Request.Context()
	q := e.Request.URL.Query()
	key := q.Get("toast")
	text := ""
	switch key {
	case ganttTaskCreated, ganttTaskSaved:
		if t, err := domain.FindTask(e.App, q.Get("task")); err == nil && t.SiteID() == siteID {
			text = i18n.T(ctx, "toast.gantt."+key, t.Title())
		}
	case ganttTaskDeleted:
		if _, err := domain.FindTask(e.App, q.Get("task")); err != nil {
			if title, ok := domain.DeletedTaskTitle(e.App, siteID, q.Get("task")); ok {
				text = i18n.T(ctx, "toast.gantt."+key, title)
			}
		}
	case ganttBaselineSet:
		if baseline != nil {
			text = i18n.T(ctx, "toast.gantt."+key, baseline.Name)
		}
	case ganttLinkAdded, ganttLinkDeleted, ganttBaselineGone:
		text = i18n.T(ctx, "toast.gantt."+key)
	}
	if text == "" {
		return nil
	}
	return []components.ToastVM{{ID: "toast-flash", Kind: "success", Text: text}}
}
