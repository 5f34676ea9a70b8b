package handlers

import (
	"fmt"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"
	datastar "github.com/starfederation/datastar/sdk/go"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
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

// stream holds one long-lived SSE response for a live view: it subscribes
// to the tenant broker for collections and calls push for each change
// until the client goes away. The tenant is kept open meanwhile and the
// server's write deadline is cleared.
func (h *Handlers) stream(e *core.RequestEvent, collections []string, push func(sse *datastar.ServerSentEventGenerator, c domain.Change) error) error {
	if t := tenants.FromContext(e.Request.Context()); t != nil {
		t.StreamOpened()
		defer t.StreamClosed()
	}
	_ = http.NewResponseController(e.Response).SetWriteDeadline(time.Time{})
	changes, cancel := domain.BrokerOf(e.App).Subscribe(collections...)
	defer cancel()
	sse := datastar.NewSSE(e.Response, e.Request)
	ctx := e.Request.Context()
	for {
		select {
		case <-ctx.Done():
			return nil
		case c := <-changes:
			if err := push(sse, c); err != nil {
				return nil // client gone: nothing more to send
			}
		}
	}
}
