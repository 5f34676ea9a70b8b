package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/sites"
)

func (h *Handlers) fillDocumentsTab(e *core.RequestEvent, vm *sites.PageVM, now time.Time) error {
	ctx := e.Request.Context()
	docs, err := domain.FindDocuments(e.App, vm.ID)
	if err != nil {
		return err
	}
	for _, k := range domain.DocumentKinds() {
		vm.Docs.Kinds = append(vm.Docs.Kinds, components.Option{Value: k, Label: i18n.T(ctx, "doc.kind."+k)})
	}
	vm.Docs.Replace = []components.Option{{Value: "", Label: i18n.T(ctx, "sites.new_document")}}
	for _, d := range domain.AsDocuments(docs) {
		mime := d.Mime()
		valid := d.ValidUntil()
		vm.Docs.Docs = append(vm.Docs.Docs, sites.DocVM{ID: d.Id, Kind: d.Kind(), Title: d.Title(),
			Version: strconv.Itoa(d.Version()), ValidUntil: i18n.FormatDate(ctx, valid), Expiry: domain.ExpiryState(valid, now, tenantCtx(e).Location()),
			Uploaded: i18n.FormatDateTime(ctx, d.Created()), Size: humanBytes(ctx, int64(d.Size())),
			Mime: mime, Current: d.Current(), Preview: mime == "application/pdf" || strings.HasPrefix(mime, "image/")})
		if d.Current() {
			vm.Docs.Replace = append(vm.Docs.Replace, components.Option{Value: d.Id, Label: i18n.T(ctx, "sites.new_version_of", d.Title(), d.Version())})
		}
	}
	return nil
}

// documentUpload stores a site document (or a new version of one).
func (h *Handlers) documentUpload(e *core.RequestEvent) error {
	s, err := h.viewSite(e)
	if err != nil {
		return h.fail(e, err)
	}
	if !tenantCtx(e).CanEditSiteDay(s.Record) {
		return h.errorPage(e, http.StatusForbidden)
	}
	errs := map[string]string{}
	in := domain.DocumentInput{Kind: e.Request.FormValue("kind"), Title: e.Request.FormValue("title"), Replaces: e.Request.FormValue("replaces")}
	var bad bool
	if in.ValidUntil, bad = formDate(e.Request.FormValue("valid_until")); bad {
		errs["valid_until"] = i18n.T(e.Request.Context(), "form.bad_date")
	}
	var file *filesystem.File
	if files, ferr := e.FindUploadedFiles("file"); ferr == nil && len(files) > 0 {
		file = files[0]
	}
	if len(errs) == 0 {
		if _, err := domain.UploadDocument(e.App, e.Auth, s.Id, in, file, h.deps.Clock()); err == nil {
			return e.Redirect(http.StatusSeeOther, "/sites/"+s.Id+"/documents?toast=uploaded")
		} else if !fieldErr(e, err, errs) {
			return h.fail(e, err)
		}
	}
	vm, err := h.newSitePageVM(e, s, "documents", errs)
	if err != nil {
		return h.fail(e, err)
	}
	render(e.Response, e.Request, http.StatusBadRequest, sites.Page(vm))
	return nil
}

// documentFile serves a document to a signed-in user of this tenant who
// may see its site: inline (PDF/image preview) or as a download. File
// URLs of one tenant never work on another: the record is looked up in
// the tenant serving the request, with the session of that tenant.
func (h *Handlers) documentFile(e *core.RequestEvent) error {
	d, err := domain.FindDocument(e.App, e.Request.PathValue("id"))
	if err != nil {
		return h.notFoundOrFail(e, err)
	}
	if _, err := domain.FindSiteFor(e.App, e.Auth, d.SiteID()); err != nil {
		return h.notFoundOrFail(e, err)
	}
	fsys, err := e.App.NewFilesystem()
	if err != nil {
		return h.fail(e, err)
	}
	defer fsys.Close()
	key := d.BaseFilesPath() + "/" + d.File()
	mime := d.Mime()
	disp := "attachment"
	if e.Request.URL.Query().Get("inline") == "1" && (mime == "application/pdf" || strings.HasPrefix(mime, "image/")) {
		disp = "inline"
	}
	name := d.Title() + "." + fileExt(d.File())
	e.Response.Header().Set("Content-Disposition", disp+"; filename*=UTF-8''"+urlPathEscape(name))
	e.Response.Header().Set("Cache-Control", "private, no-store")
	e.Response.Header().Set("X-Content-Type-Options", "nosniff")
	if mime != "" {
		e.Response.Header().Set("Content-Type", mime)
	}
	// NB: an inline PDF needs a CSP that lets the browser's viewer run.
	e.Response.Header().Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox")
	return fsys.Serve(e.Response, e.Request, key, name)
}

func fileExt(name string) string {
	if i := strings.LastIndex(name, "."); i >= 0 {
		return name[i+1:]
	}
	return "bin"
}
