package handlers

import (
	"io"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/catalog"
	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
)

// gpsIngest receives a tracker's position: GET or POST /gps with the
// OsmAnd protocol's fields (id, lat, lon, timestamp, speed, accuracy) in
// the query or a form body, or a Traccar Client JSON body.
//
// NB: no sign-in here: trackers cannot log in. The device id registered
// on a vehicle (vehicles.gps_device_id, unique) is the credential, so it
// should be long and unguessable (an IMEI or a random id); unknown ids
// are refused and every id is rate-limited. A known device in private
// mode or outside working hours gets 200 but nothing is stored (CNIL).
func (h *Handlers) gpsIngest(e *core.RequestEvent) error {
	now := h.deps.Clock()
	var fix domain.Fix
	var err error
	e.Request.Body = http.MaxBytesReader(e.Response, e.Request.Body, 64<<10)
	if e.Request.Method == http.MethodPost && strings.HasPrefix(e.Request.Header.Get("Content-Type"), "application/json") {
		body, rerr := io.ReadAll(e.Request.Body)
		if rerr != nil {
			return gpsText(e, http.StatusRequestEntityTooLarge, catalog.New("err.gps.body_too_large"))
		}
		fix, err = domain.ParseTraccarJSON(body, now)
	} else {
		if perr := e.Request.ParseForm(); perr != nil {
			return gpsText(e, http.StatusBadRequest, catalog.New("err.unreadable_request"))
		}
		fix, err = domain.ParseOsmAndFix(e.Request.Form, now)
	}
	if err != nil {
		return h.gpsFail(e, err)
	}
	if !domain.GPSLimiterOf(e.App).Allow(fix.DeviceID, now) {
		e.Response.Header().Set("Retry-After", "5")
		return gpsText(e, http.StatusTooManyRequests, catalog.New("err.gps.rate_limited"))
	}
	skipped, err := domain.IngestFix(e.App, fix)
	switch {
	case err != nil:
		return h.gpsFail(e, err)
	case skipped != "":
		e.Response.Header().Set("X-FieldOps-Position", "not-stored; "+skipped)
		return gpsText(e, http.StatusOK, catalog.New("gps.not_stored", skipped))
	}
	e.Response.Header().Set("X-FieldOps-Position", "stored")
	return gpsText(e, http.StatusOK, catalog.New("gps.stored"))
}

// gpsFail answers a refused fix with the coded status and message.
func (h *Handlers) gpsFail(e *core.RequestEvent, err error) error {
	a := answerOf(e.Request.Context(), err)
	h.logInternal(e, err, a.Status)
	return gpsPlain(e, a.Status, a.Message)
}

// gpsText answers the tracker in plain text, in the negotiated language.
func gpsText(e *core.RequestEvent, status int, text catalog.Text) error {
	return gpsPlain(e, status, i18n.Text(e.Request.Context(), text))
}

// gpsPlain answers the tracker with msg as plain text.
func gpsPlain(e *core.RequestEvent, status int, msg string) error {
	e.Response.Header().Set("Cache-Control", "no-store")
	return e.String(status, msg+"\n")
}
