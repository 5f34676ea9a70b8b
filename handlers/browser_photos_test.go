//go:build browser

package handlers_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/imaging"
)

// TestBrowserPhotoGalleriesRenderWithProtectedFiles opens the crew's and
// the office's photo galleries in Chromium now that file fields are
// protected: every thumbnail (served through the session, never the
// public file API) loads, and a file API URL opens with the session but
// not without it.
func TestBrowserPhotoGalleriesRenderWithProtectedFiles(t *testing.T) {
	b := newBrowserEnv(t)
	app := b.tt.App()
	crew, crewEmail := b.demoCrew(t)
	sites, err := domain.FindCrewSites(app, crew)
	if err != nil || len(sites) == 0 {
		t.Fatalf("the demo crew member has no site: %v", err)
	}
	site := sites[0]
	var photos []string
	for i, name := range []string{"a.jpg", "b.jpg"} {
		f, err := filesystem.NewFileFromBytes(orientedJPEG(t, 640, 480, uint16(1+5*i)), name)
		if err != nil {
			t.Fatal(err)
		}
		p, err := domain.AddPhoto(app, crew, domain.PhotoInput{Site: site.Id, File: f, Caption: "E2E " + name})
		if err != nil {
			t.Fatal(err)
		}
		job := domain.PhotoJobOf(app, p)
		if err := domain.ProcessPhoto(app, imaging.Derive, p.Id, job.SiteName, job.Author, job.Zone); err != nil {
			t.Fatal(err)
		}
		photos = append(photos, p.Id)
	}
	loaded := func(id string) string {
		return `(() => { const i = document.querySelector('[data-testid="photo-` + id + `"] img'); return i && i.complete && i.naturalWidth > 0 })()`
	}

	ctx, problems := b.tab(t)
	b.login(t, ctx, crewEmail, domain.DemoPassword)
	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+"/m/photos"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="photo-gallery"]`))); err != nil {
		screenshot(t, ctx, "photos-crew-gallery")
		t.Fatal(err)
	}
	for _, id := range photos {
		poll(t, ctx, "crew gallery thumbnail "+id, loaded(id))
	}
	// the file API with the session, then without credentials
	p, err := app.FindRecordById("photos", photos[0])
	if err != nil {
		t.Fatal(err)
	}
	api := "/api/files/photos/" + p.Id + "/" + p.GetString("derived")
	status := func(credentials string) int {
		st, err := chromedp.Run(ctx, chromedp.Evaluate[int](`fetch("`+api+`", {credentials: "`+credentials+`"}).then(r => r.status)`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	if st := status("same-origin"); st != 200 {
		t.Errorf("file API with the session: %d, want 200", st)
	}

	office, officeProblems := b.tab(t)
	b.login(t, office, "claire.martin@demo.fieldops360.fr", domain.DemoPassword)
	if err := chromedp.Do(office, chromedp.Navigate(b.base+"/sites/"+site.Id+"/photos"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="site-photos-page"]`))); err != nil {
		screenshot(t, office, "photos-site-gallery")
		t.Fatal(err)
	}
	for _, id := range photos {
		poll(t, office, "site gallery thumbnail "+id, loaded(id))
	}
	screenshot(t, office, "photos-site-gallery")
	if p := append(problems(), officeProblems()...); len(p) > 0 {
		t.Errorf("page errors: %v", p)
	}
	// last: an anonymous fetch logs a failed load (404) in the console
	if st := status("omit"); st != 404 {
		t.Errorf("file API without credentials: %d, want 404", st)
	}
}
