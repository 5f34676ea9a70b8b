package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fieldops360/fieldops/tenanttest"
)

// flash follows a form's redirect to the Gantt and returns the success
// toast shown there ("" when none).
func (k taskTenant) flash(t *testing.T, c *http.Cookie, path string, v url.Values) string {
	t.Helper()
	rec := tenanttest.PostForm(t, k.Registry, k.Host(), path, v, c)
	loc := rec.Header().Get("Location")
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/sites/"+k.site+"/gantt?") {
		t.Fatalf("POST %s: %d %s %s", path, rec.Code, loc, rec.Body.String())
	}
	return k.toastAt(t, c, loc)
}

func (k taskTenant) toastAt(t *testing.T, c *http.Cookie, path string) string {
	t.Helper()
	rec := tenanttest.Get(t, k.Registry, k.Host(), path, c)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d", path, rec.Code)
	}
	return strings.TrimSpace(testid(doc(t, rec.Body.String()), "toast-success").Find("span").Text())
}

// TestGanttSuccessMessagesNameTheTask: creating (quick form and task
// form), saving, renaming, moving and deleting a task from the Gantt each
// say which task, by the title stored (of the deletion, for a deleted
// one); a link cannot make the page claim a task of another site, a task
// still there as deleted, or a name of its own. In French and English.
func TestGanttSuccessMessagesNameTheTask(t *testing.T) {
	t.Parallel()
	k := newTaskTenant(t)
	base := "/sites/" + k.site
	if got := k.flash(t, k.pm, base+"/tasks", url.Values{"title": {"Coffrage"}, "start": {k.monday}, "duration": {"2"}}); got != "Tâche « Coffrage » créée." {
		t.Errorf("quick add: %q", got)
	}
	if got := k.flash(t, k.pm, base+"/tasks/new", k.form("Pose réseau", k.plain)); got != "Tâche « Pose réseau » créée." {
		t.Errorf("task form, new: %q", got)
	}
	id := k.create(t, k.pm, k.form("Remblai", k.plain))
	if got := k.flash(t, k.pm, base+"/tasks/"+id, k.form("Remblai compacté", k.plain)); got != "Tâche « Remblai compacté » enregistrée." {
		t.Errorf("task form, edit: %q", got)
	}
	if got := k.flash(t, k.lead, base+"/tasks/"+id+"/rename", url.Values{"title": {"Remblai final"}}); got != "Tâche « Remblai final » enregistrée." {
		t.Errorf("rename: %q", got)
	}
	if got := k.flash(t, k.pm, base+"/tasks/"+id+"/dates", url.Values{"start": {"2026-03-16"}}); got != "Tâche « Remblai final » enregistrée." {
		t.Errorf("move: %q", got)
	}
	if got := k.flash(t, k.pm, base+"/tasks/"+id+"/delete", nil); got != "Tâche « Remblai final » supprimée." {
		t.Errorf("delete: %q", got)
	}

	// forged links show nothing
	other := k.Record("tasks", map[string]any{"site": k.site2, "title": "Ailleurs", "planned_start": k.monday + " 00:00:00.000Z", "duration_days": 1}).Id
	deletedElsewhere := tenanttest.PostForm(t, k.Registry, k.Host(), "/sites/"+k.site2+"/tasks/"+other+"/delete", nil, k.other)
	if deletedElsewhere.Code != http.StatusSeeOther {
		t.Fatalf("delete on AEP-2: %d", deletedElsewhere.Code)
	}
	still := k.create(t, k.pm, k.form("Encore là", k.plain))
	for _, q := range []string{
		"?toast=task_created&task=" + other,     // another site's (deleted) task
		"?toast=task_deleted&task=" + other,     // deleted, but on another site
		"?toast=task_deleted&task=" + still,     // not deleted
		"?toast=task_saved&task=nope&title=Pwn", // unknown task, a name in the URL
		"?toast=saved",                          // the old generic key
	} {
		if got := k.toastAt(t, k.pm, base+"/gantt"+q); got != "" {
			t.Errorf("%s: toast %q", q, got)
		}
	}

	// English
	u, _ := k.App().FindAuthRecordByEmail("users", "pm@tpco.test")
	u.Set("locale", "en")
	if err := k.App().Save(u); err != nil {
		t.Fatal(err)
	}
	if got := k.flash(t, k.pm, base+"/tasks", url.Values{"title": {"Coffrage 2"}, "start": {k.monday}, "duration": {"1"}}); got != "Task “Coffrage 2” created." {
		t.Errorf("English quick add: %q", got)
	}
	if got := k.flash(t, k.pm, base+"/tasks/"+still+"/delete", nil); got != "Task “Encore là” deleted." {
		t.Errorf("English delete: %q", got)
	}
}
