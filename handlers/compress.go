package handlers

import (
	"compress/gzip"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/pocketbase/pocketbase/core"
)

// compressMinSize is the smallest body worth compressing: below it the
// gzip header and trailer eat what compression saves.
const compressMinSize = 1024

var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression)
	return zw
}}

// compress gzips the responses of every route (pages, Datastar streams,
// the REST API's JSON) when the client accepts gzip, the content type is
// text and the body is not tiny. Bodies already encoded (the embedded
// assets are gzipped once at start), images, PDFs, archives and partial
// content pass through. Event streams are compressed from their first
// byte and flushed per event (Flush flushes the compressor, then the
// connection), so a Datastar event reaches the browser when it is sent.
func compress(e *core.RequestEvent) error {
	if e.Request.Method == http.MethodHead || e.Request.Header.Get("Upgrade") != "" {
		return e.Next()
	}
	orig := e.Response
	cw := &compressWriter{ResponseWriter: orig, gzipOK: acceptsGzipEncoding(e.Request.Header.Get("Accept-Encoding"))}
	e.Response = cw
	defer func() {
		_ = cw.Close()
		e.Response = orig
	}()
	return e.Next()
}

// acceptsGzipEncoding reports whether an Accept-Encoding value allows gzip
// (explicitly or through "*"), honouring q=0.
func acceptsGzipEncoding(header string) bool {
	ok := false
	for _, part := range strings.Split(header, ",") {
		enc, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		enc = strings.ToLower(strings.TrimSpace(enc))
		if enc != "gzip" && enc != "*" {
			continue
		}
		q := 1.0
		if v, found := strings.CutPrefix(strings.ReplaceAll(strings.TrimSpace(params), " ", ""), "q="); found {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		if enc == "gzip" {
			return q > 0
		}
		ok = q > 0
	}
	return ok
}

// compressibleType reports whether a Content-Type is text worth gzipping.
func compressibleType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	switch {
	case strings.HasPrefix(mt, "text/"):
		return true
	case mt == "image/svg+xml", mt == "application/javascript", mt == "application/json",
		mt == "application/manifest+json", mt == "application/xml", mt == "application/yaml",
		mt == "application/x-yaml", mt == "application/problem+json", mt == "application/geo+json":
		return true
	}
	return false
}

// compressWriter decides on the first flush, or once compressMinSize bytes
// are buffered, or at the end of the handler, whether the response is
// gzipped; until then it buffers the body and the status.
type compressWriter struct {
	http.ResponseWriter
	gzipOK  bool
	status  int
	buf     []byte
	decided bool
	zw      *gzip.Writer
}

// WriteHeader records the status; it is sent with the decision.
func (w *compressWriter) WriteHeader(status int) {
	if w.status != 0 || w.decided {
		return
	}
	if status < 200 && status != 101 { // informational: pass through
		w.ResponseWriter.WriteHeader(status)
		return
	}
	w.status = status
	if status == http.StatusNoContent || status == http.StatusNotModified || status == 101 {
		w.decide(false)
	}
}

func (w *compressWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if !w.decided {
		if ct := w.Header().Get("Content-Type"); ct == "" {
			w.Header().Set("Content-Type", http.DetectContentType(append(w.buf, b...)))
		} else if isEventStream(ct) {
			w.decide(true)
		}
	}
	if !w.decided {
		w.buf = append(w.buf, b...)
		if len(w.buf) < compressMinSize && !w.longEnough() {
			return len(b), nil
		}
		w.decide(true)
		return len(b), nil
	}
	if w.zw != nil {
		return w.zw.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// longEnough reports whether a declared Content-Length already passes the
// threshold.
func (w *compressWriter) longEnough() bool {
	n, err := strconv.Atoi(w.Header().Get("Content-Length"))
	return err == nil && n >= compressMinSize
}

func isEventStream(ct string) bool { return strings.HasPrefix(ct, "text/event-stream") }

// decide sends the status and headers, gzipped when allowed and large
// (or a stream), then the buffered body.
func (w *compressWriter) decide(large bool) {
	w.decided = true
	h := w.Header()
	ct := h.Get("Content-Type")
	candidate := w.status != http.StatusPartialContent && h.Get("Content-Encoding") == "" &&
		h.Get("Content-Range") == "" && compressibleType(ct)
	if candidate {
		addVary(h, "Accept-Encoding")
	}
	if candidate && w.gzipOK && (large || isEventStream(ct)) {
		h.Set("Content-Encoding", "gzip")
		h.Del("Content-Length")
		h.Del("Accept-Ranges")
		if et := h.Get("ETag"); et != "" && !strings.HasPrefix(et, "W/") {
			h.Set("ETag", "W/"+et)
		}
		w.zw = gzipWriters.Get().(*gzip.Writer)
		w.zw.Reset(w.ResponseWriter)
	}
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.ResponseWriter.WriteHeader(w.status)
	if len(w.buf) > 0 {
		if w.zw != nil {
			_, _ = w.zw.Write(w.buf)
		} else {
			_, _ = w.ResponseWriter.Write(w.buf)
		}
	}
	w.buf = nil
}

func addVary(h http.Header, v string) {
	for _, have := range h.Values("Vary") {
		for _, f := range strings.Split(have, ",") {
			if strings.EqualFold(strings.TrimSpace(f), v) || strings.TrimSpace(f) == "*" {
				return
			}
		}
	}
	h.Add("Vary", v)
}

// FlushError sends what is buffered: the decision is taken now (an event
// stream is compressed, anything else only when already large), the
// compressor emits a complete block, then the connection is flushed.
func (w *compressWriter) FlushError() error {
	if !w.decided {
		if w.status == 0 {
			w.status = http.StatusOK
		}
		w.decide(len(w.buf) >= compressMinSize)
	}
	if w.zw != nil {
		if err := w.zw.Flush(); err != nil {
			return err
		}
	}
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Flush is FlushError for http.Flusher callers.
func (w *compressWriter) Flush() { _ = w.FlushError() }

// Close ends the response: a short body goes out as is (with its length),
// a gzip stream gets its trailer.
func (w *compressWriter) Close() error {
	if !w.decided {
		if w.status == 0 && len(w.buf) == 0 {
			return nil // nothing written: the router writes its own answer
		}
		if w.Header().Get("Content-Length") == "" {
			w.Header().Set("Content-Length", strconv.Itoa(len(w.buf)))
		}
		w.decide(false)
	}
	if w.zw == nil {
		return nil
	}
	err := w.zw.Close()
	w.zw.Reset(nil)
	gzipWriters.Put(w.zw)
	w.zw = nil
	return err
}

// Written reports whether the handler wrote a status or a body (the
// router's write tracker).
func (w *compressWriter) Written() bool { return w.decided || w.status != 0 || len(w.buf) > 0 }

// Status is the response status (the router's status tracker).
func (w *compressWriter) Status() int { return w.status }

// Unwrap gives http.ResponseController the connection's writer.
func (w *compressWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
