package handlers

import (
	"bytes"
	"context"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"
	datastar "github.com/starfederation/datastar/sdk/go"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/views/i18n"
)

// Live views (see domain.Live): a stream handler declares its view (key,
// topics, load, audience, render) and serveLive keeps the client's SSE
// response open, writing each frame the view hands it. Frames are encoded
// once per render (encodeFrame) and written as they are to every stream
// of the view.

// liveOption adjusts a live stream (serveLive).
type liveOption int

// liveFresh renders the view as soon as the stream opens (its topics are
// published), so that the client gets the current state even when it
// changed between the page's render and the stream's start.
const liveFresh liveOption = 1

// serveLive holds one long-lived SSE response for the live view v until
// the client goes away or the tenant closes. The tenant is kept open
// meanwhile and the server's write deadline is cleared.
func serveLive[D any](e *core.RequestEvent, v domain.LiveView[D], opts ...liveOption) error {
	if t := tenants.FromContext(e.Request.Context()); t != nil {
		t.StreamOpened()
		defer t.StreamClosed()
	}
	rc := http.NewResponseController(e.Response)
	_ = rc.SetWriteDeadline(time.Time{})
	s := domain.Watch(domain.LiveOf(e.App), v, e.Auth)
	defer s.Close()
	datastar.NewSSE(e.Response, e.Request) // headers, flushed
	for _, o := range opts {
		if o == liveFresh {
			domain.LiveOf(e.App).Publish(v.Topics...)
		}
	}
	ctx := e.Request.Context()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.Done():
			return nil
		case <-s.Ready():
			b := s.Next()
			if b == nil {
				continue
			}
			if _, err := e.Response.Write(b); err != nil {
				return nil // client gone: nothing more to send
			}
			if err := rc.Flush(); err != nil {
				return nil
			}
		}
	}
}

// liveContext returns the context live renders of this request's view
// use, and the part of the view key it accounts for. It carries the
// locale and the display zone only: a view never reads the request's user
// from its context (the viewer is passed to Audience and Render).
func (h *Handlers) liveContext(e *core.RequestEvent) (context.Context, string) {
	rctx := e.Request.Context()
	lang, loc := i18n.Lang(rctx), i18n.Location(rctx)
	return i18n.WithLocale(context.Background(), h.cat, lang, loc), "lang=" + lang + "&tz=" + loc.String()
}

// encodeFrame returns the bytes of the Datastar events written by events
// (rendered with ctx), ready to be written to any number of streams.
func encodeFrame(ctx context.Context, events func(sse *datastar.ServerSentEventGenerator) error) ([]byte, error) {
	w := &frameWriter{header: http.Header{}}
	r, err := http.NewRequestWithContext(ctx, http.MethodGet, "/", nil)
	if err != nil {
		return nil, err
	}
	if err := events(datastar.NewSSE(w, r)); err != nil {
		return nil, err
	}
	return w.buf.Bytes(), nil
}

// frameWriter is the response writer encodeFrame renders into.
type frameWriter struct {
	buf    bytes.Buffer
	header http.Header
}

func (w *frameWriter) Header() http.Header         { return w.header }
func (w *frameWriter) Write(b []byte) (int, error) { return w.buf.Write(b) }
func (w *frameWriter) WriteHeader(int)             {}
func (w *frameWriter) Flush()                      {}
