package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestChecklistPhotoItem: the crew page links a "photo required" item to
// the photos page with the item; the photo posted from there is linked to
// the item by the server (its author as who), which satisfies it; a later
// photo of the same item replaces it; a photo naming an unknown item is
// kept, unlinked.
func TestChecklistPhotoItem(t *testing.T) {
	t.Parallel()
	pt := newPhotoTenant(t)
	app := pt.App()
	tpl := pt.Record("checklist_templates", map[string]any{"code": "tranchee", "name": "Contrôle tranchée", "items": []map[string]any{
		{"id": "fond", "label": "Photo du fond de fouille", "type": "photo", "required": true},
	}}).Id
	wt := pt.Record("work_types", map[string]any{"code": "tranchee", "name": "Tranchée", "sector": "tp", "checklist": tpl}).Id
	task, _ := app.FindRecordById("tasks", pt.task)
	task.Set("work_type", wt)
	if err := app.Save(task); err != nil {
		t.Fatal(err)
	}
	c := pt.Login("crew@acme.test", tenanttest.Password)
	page := tenanttest.Get(t, pt.Registry, pt.Host(), "/m/tasks/"+pt.task, c)
	if page.Code != http.StatusOK {
		t.Fatalf("crew task page: %d", page.Code)
	}
	href, _ := testid(doc(t, page.Body.String()), "cl-photo-fond").Attr("href")
	if !strings.Contains(href, "item=fond") || !strings.Contains(href, "subject="+pt.task) {
		t.Fatalf("photo item link %q", href)
	}
	form := doc(t, tenanttest.Get(t, pt.Registry, pt.Host(), href, c).Body.String())
	if v, _ := form.Find(`input[name="checklist_item"]`).Attr("value"); v != "fond" {
		t.Fatalf("photos form: checklist_item = %q", v)
	}

	seen := map[string]bool{}
	post := func(item string) string {
		rec := postPhoto(t, pt, pt.Host(), map[string]string{"site": pt.siteA, "subject": pt.task, "checklist_item": item}, "fond.jpg", orientedJPEG(t, 64, 48, 1), c)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("photo for %q: %d %s", item, rec.Code, rec.Body)
		}
		recs, err := app.FindRecordsByFilter("photos", "subject = {:t}", "", 0, 0, map[string]any{"t": pt.task})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			if !seen[r.Id] {
				seen[r.Id] = true
				return r.Id
			}
		}
		t.Fatal("photo not saved")
		return ""
	}
	answer := func() domain.ChecklistAnswer {
		run, err := domain.FindChecklistRun(app, pt.task)
		if err != nil || run == nil {
			t.Fatalf("no run: %v", err)
		}
		return domain.ParseChecklistAnswers([]byte(run.GetString("answers")))["fond"]
	}
	first := post("fond")
	if a := answer(); a.Value != first || a.By != pt.crew || a.At == "" {
		t.Fatalf("after the first photo: %+v, want %s by %s", a, first, pt.crew)
	}
	run, _ := domain.FindChecklistRun(app, pt.task)
	if !run.GetBool("complete") {
		t.Error("the photo item does not satisfy the checklist")
	}
	second := post("fond")
	if a := answer(); a.Value != second {
		t.Errorf("a retaken photo does not replace the first: %v", a.Value)
	}
	post("nope")
	if a := answer(); a.Value != second {
		t.Errorf("a photo naming an unknown item changed the answer: %v", a.Value)
	}
	if n, _ := app.CountRecords("photos"); n != 3 {
		t.Errorf("%d photos kept, want 3", n)
	}

	// the office's gallery of the job: linked from its checklist page and
	// from the site's "Photos" tab; a task of another site is not found
	lc := pt.Login("lead@acme.test", tenanttest.Password)
	runPage := doc(t, tenanttest.Get(t, pt.Registry, pt.Host(), "/tasks/"+pt.task+"/checklist", lc).Body.String())
	href, _ = testid(runPage, "task-photos").Attr("href")
	if href != "/sites/"+pt.siteA+"/photos?task="+pt.task {
		t.Fatalf("job photos link %q", href)
	}
	gallery := doc(t, tenanttest.Get(t, pt.Registry, pt.Host(), href, lc).Body.String())
	if n := gallery.Find(`[data-testid="photo-gallery"] > li`).Length(); n != 3 || !strings.Contains(gallery.Find("h1").Text(), "Tranchée") {
		t.Errorf("job gallery: %d photos, title %q", n, gallery.Find("h1").Text())
	}
	other := pt.Record("tasks", map[string]any{"site": pt.siteB, "title": "Ailleurs", "status": "planned"}).Id
	for _, q := range []string{"nope", other} {
		if rec := tenanttest.Get(t, pt.Registry, pt.Host(), "/sites/"+pt.siteA+"/photos?task="+q, lc); rec.Code != http.StatusNotFound {
			t.Errorf("gallery of task %s on site A: %d, want 404", q, rec.Code)
		}
	}
	site := doc(t, tenanttest.Get(t, pt.Registry, pt.Host(), "/sites/"+pt.siteA, lc).Body.String())
	if site.Find(`a[href="/sites/`+pt.siteA+`/photos"]`).Length() != 1 {
		t.Error("the site page has no Photos tab")
	}
}
