package handlers

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/assets"
	"github.com/fieldops360/fieldops/domain"
)

// crewPrecachePages are the crew app pages cached for offline use; "/m/"
// lists the crew's work for the next days.
func crewPrecachePages() []string {
	return []string{"/m/", "/m/time", "/m/incident", "/m/consumption", "/m/photos"}
}

// crewPrecacheAssets are the static files of the crew shell.
func crewPrecacheAssets() []string {
	return []string{"css/app.css", "css/crew.css", "css/resources.css", "js/datastar.js", "js/app.js", "js/crew.js",
		"js/outbox.js", "js/checklist.js", "js/photos.js", "js/signature.js", "vendor/idb/idb.js", "icons/icon-192.png", "icons/icon-512.png"}
}

// crewModuleAssets are the modules imported by their logical (unhashed)
// name: outbox.js and crewform.js by crew.js, upload.js by outbox.js,
// photos.js and signature.js, signature_pad by signature.js.
func crewModuleAssets() []string {
	return []string{"js/outbox.js", "js/crewform.js", "js/upload.js", "vendor/signature_pad/signature_pad.js"}
}

// crewServiceWorker serves /m/sw.js: the static worker
// (assets/static/js/sw.js) prefixed with the precache list of hashed
// asset URLs and a cache version derived from it. Served from /m/ (not
// /assets/) so that its scope is the crew app.
func (h *Handlers) crewServiceWorker(e *core.RequestEvent) error {
	var body bufferWriter
	req, _ := http.NewRequestWithContext(e.Request.Context(), http.MethodGet, assets.Prefix+"js/sw.js", nil)
	h.assets.ServeHTTP(&body, req)
	if body.status != 0 && body.status != http.StatusOK {
		return h.errorPage(e, http.StatusNotFound)
	}
	urls := append(crewPrecachePages(), h.crewTaskPages(e)...)
	urls = append(urls, "/m/manifest.webmanifest")
	for _, a := range crewPrecacheAssets() {
		urls = append(urls, h.assets.Path(a))
	}
	for _, a := range crewModuleAssets() {
		urls = append(urls, assets.Prefix+a)
	}
	list, _ := json.Marshal(urls)
	sum := sha256.Sum256(append(list, body.buf.Bytes()...))
	var out strings.Builder
	out.WriteString("const PRECACHE = " + string(list) + ";\n")
	out.WriteString(`const CACHE = "fieldops-crew-` + hex.EncodeToString(sum[:])[:12] + "\";\n")
	out.Write(body.buf.Bytes())
	hdr := e.Response.Header()
	hdr.Set("Content-Type", "text/javascript; charset=utf-8")
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("Service-Worker-Allowed", "/m/")
	return e.String(http.StatusOK, out.String())
}

// crewTaskPages are the detail and signature pages of the signed-in user's tasks of
// the next 7 days, so that they open offline (the worker is fetched with
// the session cookie; anonymous, the list is empty). A new task changes
// the worker's bytes, so the browser installs it again and caches it.
func (h *Handlers) crewTaskPages(e *core.RequestEvent) []string {
	if e.Auth == nil || e.Auth.Collection().Name != domain.CollectionUsers {
		return nil
	}
	from := tenantCtx(e).DayStart()
	recs, err := domain.FindTasksBetween(e.App, from, from.AddDate(0, 0, 7), e.Auth.Id)
	if err != nil {
		return nil
	}
	out := make([]string, 0, 2*len(recs))
	for _, t := range recs {
		out = append(out, "/m/tasks/"+t.Id, "/m/tasks/"+t.Id+"/sign")
	}
	return out
}

// bufferWriter captures an in-process response.
type bufferWriter struct {
	buf    bytes.Buffer
	hdr    http.Header
	status int
}

func (b *bufferWriter) Header() http.Header {
	if b.hdr == nil {
		b.hdr = http.Header{}
	}
	return b.hdr
}

func (b *bufferWriter) Write(p []byte) (int, error) { return b.buf.Write(p) }

func (b *bufferWriter) WriteHeader(status int) { b.status = status }
