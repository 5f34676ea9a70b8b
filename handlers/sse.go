package handlers

import (
	"fmt"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"
	datastar "github.com/starfederation/datastar/sdk/go"

	"github.com/fieldops360/fieldops/views/components"
)

// isDatastar reports whether r was sent by the Datastar client.
func isDatastar(r *http.Request) bool { return r.Header.Get("Datastar-Request") == "true" }

// toast answers a Datastar request with one toast appended to #toasts.
// NB: the client applies any body whatever its status, so errors are
// sent as toasts on a 200 stream, never with http.Error.
func (h *Handlers) toast(sse *datastar.ServerSentEventGenerator, kind, text string) error {
	id := fmt.Sprintf("toast-%d", time.Now().UnixNano())
	return sse.MergeFragmentTempl(components.Toast(components.ToastVM{ID: id, Kind: kind, Text: text}),
		datastar.WithSelectorID("toasts"), datastar.WithMergeAppend())
}

// toastError answers a Datastar request with an error toast.
func (h *Handlers) toastError(e *core.RequestEvent, text string) error {
	sse := datastar.NewSSE(e.Response, e.Request)
	return h.toast(sse, "error", text)
}
