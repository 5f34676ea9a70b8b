package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/catalog"
	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/imaging"
	"github.com/fieldops360/fieldops/views/i18n"
)

// uploadAnswer is the JSON state of an upload returned by every upload
// endpoint: Offset is where the device resumes; Result is the record a
// complete upload created, with the page that shows it.
type uploadAnswer struct {
	ID      string        `json:"id"`
	Key     string        `json:"key"`
	Purpose string        `json:"purpose"`
	Size    int64         `json:"size"`
	Offset  int64         `json:"offset"`
	Status  string        `json:"status"`
	Error   string        `json:"error,omitempty"`
	Result  *uploadResult `json:"result,omitempty"`
}

type uploadResult struct {
	Collection string `json:"collection"`
	ID         string `json:"id"`
	Location   string `json:"location"`
}

// uploadUser is the active user calling an upload endpoint (token or
// session cookie), nil after answering 401.
func uploadUser(e *core.RequestEvent) *core.Record {
	if e.Auth == nil || e.Auth.Collection().Name != domain.CollectionUsers || !(domain.User{Record: e.Auth}).Active() {
		_ = syncProblem(e, http.StatusUnauthorized, i18n.Text(e.Request.Context(), catalog.New("err.sign_in_required")))
		return nil
	}
	return e.Auth
}

// uploadStart is POST /api/fieldops/uploads: announce a file (or find
// the upload of a known key). 201 for a new upload, 200 for a known one.
func (h *Handlers) uploadStart(e *core.RequestEvent) error {
	user := uploadUser(e)
	if user == nil {
		return nil
	}
	e.Request.Body = http.MaxBytesReader(e.Response, e.Request.Body, domain.UploadMaxStartBytes+1)
	s, err := domain.DecodeUploadStart(e.Request.Body)
	if err != nil {
		return h.uploadProblem(e, domain.Upload{}, err)
	}
	u, created, err := domain.StartUpload(e.App, user, s, h.deps.Clock())
	if err != nil {
		return h.uploadProblem(e, domain.Upload{}, err)
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		e.Response.Header().Set("Location", "/api/fieldops/uploads/"+u.ID)
	}
	return h.uploadState(e, status, u)
}

// uploadShow is HEAD and GET /api/fieldops/uploads/{id}: the offset to
// resume from (Upload-Offset header; JSON state on GET).
func (h *Handlers) uploadShow(e *core.RequestEvent) error {
	user := uploadUser(e)
	if user == nil {
		return nil
	}
	u, err := domain.FindUpload(e.App, user, e.Request.PathValue("id"))
	if err != nil {
		return h.uploadProblem(e, u, err)
	}
	return h.uploadState(e, http.StatusOK, u)
}

// uploadChunk is PATCH (or PUT) /api/fieldops/uploads/{id} with the
// Upload-Offset header and at most 512 KiB of bytes. 409 with the current
// offset when the offset is not the server's; once the last byte is in,
// the record is created (exactly once) and returned as the result.
func (h *Handlers) uploadChunk(e *core.RequestEvent) error {
	user := uploadUser(e)
	if user == nil {
		return nil
	}
	offset, err := domain.ParseUploadOffset(e.Request.Header.Get("Upload-Offset"))
	if err != nil {
		return h.uploadProblem(e, domain.Upload{}, err)
	}
	if e.Request.ContentLength > domain.UploadMaxChunk {
		return h.uploadProblem(e, domain.Upload{}, domain.ErrUploadTooLarge)
	}
	e.Request.Body = http.MaxBytesReader(e.Response, e.Request.Body, domain.UploadMaxChunk+1)
	now := h.deps.Clock()
	u, err := domain.WriteUploadChunk(e.App, user, e.Request.PathValue("id"), offset, e.Request.Body, now)
	if err != nil {
		return h.uploadProblem(e, u, err)
	}
	if u.Status == domain.UploadOpen && u.Received == u.Size {
		var fresh bool
		if u, fresh, err = domain.FinishUpload(e.App, user, u.ID, sniffUpload, now); err != nil {
			return h.uploadProblem(e, u, err)
		}
		if fresh && u.ResultCollection == domain.CollectionPhotos {
			// a photo deleted meanwhile needs no derived image
			p, err := domain.FindPhoto(e.App, u.ResultID)
			if err != nil && domain.ErrorCode(err) != domain.ENotFound {
				return h.uploadProblem(e, u, err)
			}
			if err == nil {
				go h.photoWorker(e.App, tenantSlug(e.Request), p.Id, domain.PhotoJobOf(e.App, p.Record))
			}
		}
	}
	return h.uploadState(e, http.StatusOK, u)
}

// sniffUpload refuses a photo the image pipeline cannot read.
func sniffUpload(purpose string, head []byte) error {
	if _, err := imaging.Sniff(head); err != nil {
		t := domain.ErrorText(err)
		return &domain.Error{Code: domain.EInvalid, Field: "file", Key: t.Key, Args: t.Args}
	}
	return nil
}

// uploadState answers an upload's state with its offset headers.
func (h *Handlers) uploadState(e *core.RequestEvent, status int, u domain.Upload) error {
	hdr := e.Response.Header()
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Upload-Offset", strconv.FormatInt(u.Received, 10))
	hdr.Set("Upload-Length", strconv.FormatInt(u.Size, 10))
	if e.Request.Method == http.MethodHead {
		e.Response.WriteHeader(status)
		return nil
	}
	a, err := newUploadAnswer(e.App, u)
	if err != nil {
		return h.uploadProblem(e, domain.Upload{}, err)
	}
	return e.JSON(status, a)
}

// newUploadAnswer is the JSON state of u; a photo it created and that
// was deleted since is shown without its site.
func newUploadAnswer(app core.App, u domain.Upload) (uploadAnswer, error) {
	a := uploadAnswer{ID: u.ID, Key: u.Key, Purpose: u.Purpose, Size: u.Size, Offset: u.Received, Status: u.Status, Error: u.Error}
	switch u.ResultCollection {
	case domain.CollectionPhotos:
		loc := "/m/photos?toast=uploaded"
		p, err := domain.FindPhoto(app, u.ResultID)
		if err != nil && domain.ErrorCode(err) != domain.ENotFound {
			return uploadAnswer{}, err
		}
		if err == nil {
			loc += "&site=" + url.QueryEscape(p.SiteID())
		}
		a.Result = &uploadResult{Collection: u.ResultCollection, ID: u.ResultID, Location: loc}
	case domain.CollectionSignatures:
		a.Result = &uploadResult{Collection: u.ResultCollection, ID: u.ResultID, Location: "/signatures/" + u.ResultID}
	}
	return a, nil
}

// uploadProblem answers an error as JSON: 413 for sizes, 409 with the
// current offset for a wrong offset, the coded status otherwise. The
// upload's state (when known) travels with it.
func (h *Handlers) uploadProblem(e *core.RequestEvent, u domain.Upload, err error) error {
	a := answerOf(e.Request.Context(), err)
	status := a.Status
	if errors.Is(err, domain.ErrUploadTooLarge) {
		status = http.StatusRequestEntityTooLarge
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		status = http.StatusRequestEntityTooLarge
	}
	h.logInternal(e, err, status)
	hdr := e.Response.Header()
	hdr.Set("Cache-Control", "no-store")
	body := map[string]any{"status": status, "error": a.Message}
	if u.ID != "" {
		a, aerr := newUploadAnswer(e.App, u)
		if aerr != nil {
			return h.uploadProblem(e, domain.Upload{}, aerr)
		}
		hdr.Set("Upload-Offset", strconv.FormatInt(u.Received, 10))
		body["offset"], body["upload"] = u.Received, a
	}
	if e.Request.Method == http.MethodHead {
		e.Response.WriteHeader(status)
		return nil
	}
	return e.JSON(status, body)
}
