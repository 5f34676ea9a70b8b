package handlers

import (
	"bytes"
	"context"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/imaging"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/photos"
)

// Variants of a photo served by photoFile.
const (
	photoDerived  = "derived"
	photoOriginal = "original"
	photoThumb    = "thumb"
)

// photoFile serves a variant of a photo to a signed-in user of this tenant
// who may see it (its author or a viewer of its site); anyone else gets
// 404, so ids of other sites or tenants reveal nothing.
func (h *Handlers) photoFile(variant string) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		p, err := domain.FindPhoto(e.App, e.Request.PathValue("id"))
		if err != nil && domain.ErrorCode(err) != domain.ENotFound {
			return h.fail(e, err)
		}
		if err != nil || !tenantCtx(e).CanSeePhoto(e.App, p.Record) {
			return h.errorPage(e, http.StatusNotFound)
		}
		name := p.Derived()
		if variant == photoOriginal {
			name = p.File()
		}
		if name == "" {
			return h.errorPage(e, http.StatusNotFound) // derived image not made yet
		}
		fsys, err := e.App.NewFilesystem()
		if err != nil {
			return h.fail(e, err)
		}
		defer fsys.Close()
		key := p.BaseFilesPath() + "/" + name
		e.Response.Header().Set("Cache-Control", "private, max-age=3600")
		e.Response.Header().Set("X-Content-Type-Options", "nosniff")
		e.Response.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
		if variant != photoThumb {
			return fsys.Serve(e.Response, e.Request, key, name)
		}
		rc, err := fsys.GetReader(key)
		if err != nil {
			return h.fail(e, err)
		}
		defer rc.Close()
		out, err := imaging.ThumbnailJPEG(rc, imaging.ThumbSide)
		if err != nil {
			return h.fail(e, err)
		}
		e.Response.Header().Set("Content-Type", "image/jpeg")
		return e.Stream(http.StatusOK, "image/jpeg", bytes.NewReader(out))
	}
}

// sitePhotos is GET /sites/{id}/photos: the office's gallery of a site.
func (h *Handlers) sitePhotos(e *core.RequestEvent) error {
	site, err := domain.FindSite(e.App, e.Request.PathValue("id"))
	if err != nil && domain.ErrorCode(err) != domain.ENotFound {
		return h.fail(e, err)
	}
	if err != nil || !tenantCtx(e).CanSeeSite(site.Record) {
		return h.errorPage(e, http.StatusNotFound)
	}
	ctx := e.Request.Context()
	title := i18n.T(ctx, "photo.site_title", site.Name())
	var recs []*core.Record
	// ?task=ID: the gallery of one intervention of the site
	if id := e.Request.URL.Query().Get("task"); id != "" {
		task, err := domain.FindTask(e.App, id)
		if err != nil && domain.ErrorCode(err) != domain.ENotFound {
			return h.fail(e, err)
		}
		if err != nil || task.SiteID() != site.Id {
			return h.errorPage(e, http.StatusNotFound)
		}
		title = i18n.T(ctx, "photo.task_title", task.Title())
		recs, err = domain.FindTaskPhotos(e.App, task.Id, 200)
		if err != nil {
			return h.fail(e, err)
		}
	} else if recs, err = domain.FindPhotos(e.App, site.Id, "", 200); err != nil {
		return h.fail(e, err)
	}
	gallery, err := photoVMs(ctx, e.App, domain.AsPhotos(recs))
	if err != nil {
		return h.fail(e, err)
	}
	vm := photos.SiteVM{Shell: h.shell(e, "sites", title), SiteID: site.Id, Title: title, Photos: gallery}
	render(e.Response, e.Request, http.StatusOK, photos.SitePage(vm))
	return nil
}

// photoVMs builds gallery lines, with site and author names.
func photoVMs(ctx context.Context, app core.App, recs []domain.Photo) ([]photos.PhotoVM, error) {
	if err := domain.ExpandPhotos(app, recs); err != nil {
		return nil, err
	}
	out := make([]photos.PhotoVM, 0, len(recs))
	for _, r := range recs {
		var site, author string
		if s, ok := r.ExpandedSite(); ok {
			site = s.Name()
		}
		if u, ok := r.ExpandedBy(); ok {
			author = u.Name()
		}
		when := r.TakenAt()
		out = append(out, photos.NewPhotoVM(r.Id, i18n.FormatDate(ctx, when)+" "+when.In(i18n.Location(ctx)).Format("15:04"),
			site, author, strings.TrimSpace(r.Caption()), r.OriginalSHA256(), r.Derived() == ""))
	}
	return out, nil
}
