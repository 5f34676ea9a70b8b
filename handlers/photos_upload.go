package handlers

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/imaging"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/photos"
)

// renderPhotos renders the crew's photos page: the upload form and the
// gallery of siteID (404 unless the user may see it) or, blank, their own.
func (h *Handlers) renderPhotos(e *core.RequestEvent, form components.Form, siteID string, status int) error {
	ctx := e.Request.Context()
	if siteID != "" {
		site, err := domain.FindSite(e.App, siteID)
		if err != nil && domain.ErrorCode(err) != domain.ENotFound {
			return h.fail(e, err)
		}
		if err != nil || !tenantCtx(e).CanSeeSite(site.Record) {
			return h.errorPage(e, http.StatusNotFound)
		}
	}
	recs, err := domain.FindPhotos(e.App, siteID, e.Auth.Id, 60)
	if err != nil {
		return h.fail(e, err)
	}
	gallery, err := photoVMs(ctx, e.App, domain.AsPhotos(recs))
	if err != nil {
		return h.fail(e, err)
	}
	sites, err := crewSiteOptions(e.App, e.Auth)
	if err != nil {
		return h.fail(e, err)
	}
	vm := photos.CrewVM{Shell: h.crewShell(e, "photos", i18n.T(ctx, "photo.title")), CSS: h.assets.Path("css/crew.css"),
		JS: h.assets.Path("js/photos.js"), Form: form, Sites: sites, Site: siteID, Photos: gallery}
	if e.Request.URL.Query().Get("toast") == "uploaded" {
		vm.Shell.Toasts = []components.ToastVM{{ID: "toast-flash", Kind: "success", Text: i18n.T(ctx, "photo.toast.uploaded")}}
	}
	render(e.Response, e.Request, status, photos.CrewPage(vm))
	return nil
}

// photosShow is GET /m/photos[?site=ID].
func (h *Handlers) photosShow(e *core.RequestEvent) error {
	q := e.Request.URL.Query()
	return h.renderPhotos(e, components.Form{Values: map[string]string{"site": q.Get("site"), "subject": q.Get("subject"), "checklist_item": q.Get("item")}}, q.Get("site"), http.StatusOK)
}

// photoUpload is POST /m/photos (multipart): the original is stored with
// its hash, then the derived image is made in the background.
func (h *Handlers) photoUpload(e *core.RequestEvent) error {
	files, _ := e.FindUploadedFiles("file")
	v := crewValues(e, "site", "subject", "caption", "taken_at", "checklist_item")
	var file *filesystem.File
	if len(files) > 0 {
		file = files[0]
	}
	err := checkPhotoFormat(file)
	var p *core.Record
	if err == nil {
		p, err = domain.AddPhoto(e.App, e.Auth, domain.PhotoInput{Subject: v["subject"], Site: v["site"], File: file,
			Fix: crewFix(e, ""), TakenAt: h.deviceTime(v["taken_at"]), Caption: v["caption"], ChecklistItem: v["checklist_item"]})
	}
	if err != nil {
		errs, status, ok := formErrors(e.Request.Context(), err)
		if !ok {
			return h.fail(e, err)
		}
		return h.renderPhotos(e, components.Form{Values: v, Errors: errs}, "", status)
	}
	job := domain.PhotoJobOf(e.App, p)
	go h.photoWorker(e.App, tenantSlug(e.Request), p.Id, job)
	return e.Redirect(http.StatusSeeOther, "/m/photos?toast=uploaded&site="+url.QueryEscape(domain.Photo{Record: p}.SiteID()))
}

// checkPhotoFormat refuses, before anything is stored, a file the
// pipeline cannot read (HEIC, WebP…), so the user can convert it now.
func checkPhotoFormat(f *filesystem.File) error {
	if f == nil {
		return domain.ErrPhotoFile
	}
	rc, err := f.Reader.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	head := make([]byte, 16)
	n, _ := io.ReadFull(rc, head)
	if _, err := imaging.Sniff(head[:n]); err != nil {
		t := domain.ErrorText(err)
		return &domain.Error{Code: domain.EInvalid, Field: "file", Key: t.Key, Args: t.Args}
	}
	return nil
}

// deviceTime parses the device's RFC 3339 time of the photo; a missing
// value, or one the event bounds refuse (more than domain.EventSkew
// ahead of the server, older than domain.EventMaxYears), gives now.
func (h *Handlers) deviceTime(s string) time.Time {
	now := h.deps.Clock()
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || domain.CheckEventTime("taken_at", t, now) != nil {
		return now
	}
	return t
}

// photoWorker writes the derived image of a photo. It is the simple
// in-process worker of DESIGN.md §6: one goroutine per upload, started
// after the original is committed. It holds the tenant open in the
// registry while it works (an idle tenant may otherwise be closed), and a
// failed or lost job is harmless: ProcessPhoto is idempotent and the
// gallery shows the photo as pending until a later run succeeds.
func (h *Handlers) photoWorker(app core.App, slug, id string, job domain.PhotoJob) {
	defer func() {
		if r := recover(); r != nil {
			h.deps.Logger.Error("photo worker panic", "tenant", slug, "photo", id, "panic", r)
		}
	}()
	if reg := h.deps.Registry; reg != nil {
		t, release, err := reg.Acquire(context.Background(), slug)
		if err != nil {
			h.deps.Logger.Error("photo worker: tenant", "tenant", slug, "photo", id, "error", err)
			return
		}
		defer release()
		app = t.App
	}
	if err := domain.ProcessPhoto(app, imaging.Derive, id, job.SiteName, job.Author, job.Zone, imaging.ThumbnailJPEG); err != nil {
		h.deps.Logger.Error("photo worker", "tenant", slug, "photo", id, "error", err)
	}
}
