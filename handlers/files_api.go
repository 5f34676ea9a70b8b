package handlers

import (
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/fieldops360/fieldops/domain"
)

// prioFileToken runs after PocketBase's token loader and our session
// bridge, so that e.Auth is known.
const prioFileToken = -1002

// bindFileAPI adjusts PocketBase's file API (GET /api/files/…) of a
// tenant. Every file field is protected (migration reads_v2): a download
// needs a short-lived file token (?token=, POST /api/files/token) of a
// user whom the record's view rule lets see it. A signed-in session (or an
// Authorization header) stands for that token, so that a page of ours
// may link a file directly; anonymous requests get 404. Answers are never
// cached by shared caches, and are not framed by other sites.
func (h *Handlers) bindFileAPI(se *core.ServeEvent) {
	se.Router.Bind(&hook.Handler[*core.RequestEvent]{Id: "fieldopsFileToken", Priority: prioFileToken, Func: fileTokenFromSession})
	se.App.OnFileDownloadRequest().BindFunc(func(e *core.FileDownloadRequestEvent) error {
		hdr := e.Response.Header()
		hdr.Set("Cache-Control", "private, no-store") // frame and sniffing headers: fileFrameOptions, fileHeaders
		return e.Next()
	})
}

// fileTokenFromSession gives a file download without ?token= the file
// token of the signed-in user (session cookie or Authorization header).
func fileTokenFromSession(e *core.RequestEvent) error {
	r := e.Request
	if r.Method != http.MethodGet || !strings.HasPrefix(r.URL.Path, "/api/files/") || e.Auth == nil ||
		e.Auth.Collection().Name != domain.CollectionUsers {
		return e.Next()
	}
	q := r.URL.Query()
	if q.Get("token") != "" {
		return e.Next()
	}
	tok, err := e.Auth.NewFileToken()
	if err != nil {
		return err
	}
	q.Set("token", tok)
	r.URL.RawQuery = q.Encode()
	return e.Next()
}
