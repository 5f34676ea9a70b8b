// Package assets embeds the static files (CSS, JS, icons, vendored npm
// bundles) and serves them under content-hashed names with immutable
// caching.
package assets

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var files embed.FS

// Prefix is the URL path under which assets are served.
const Prefix = "/assets/"

// Assets maps logical names ("css/app.css") to hashed URLs and back.
type Assets struct {
	fsys     fs.FS
	hashed   map[string]string // logical → hashed name
	original map[string]string // hashed → logical
	gzipped  map[string][]byte // logical → gzip body of text assets
}

// Load hashes every embedded file.
func Load() (*Assets, error) {
	sub, err := fs.Sub(files, "static")
	if err != nil {
		return nil, err
	}
	a := &Assets{fsys: sub, hashed: map[string]string{}, original: map[string]string{}, gzipped: map[string][]byte{}}
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ext := path.Ext(p)
		h := strings.TrimSuffix(p, ext) + "." + hex.EncodeToString(sum[:])[:10] + ext
		a.hashed[p], a.original[h] = h, p
		if gz := precompress(p, b); gz != nil {
			a.gzipped[p] = gz
		}
		return nil
	})
	return a, err
}

// Path returns the URL of a logical asset name; unknown names are
// returned unhashed so that a missing file shows up as a 404.
func (a *Assets) Path(name string) string {
	if h, ok := a.hashed[name]; ok {
		return Prefix + h
	}
	return Prefix + name
}

// ServeHTTP serves /assets/<hashed name> with a one-year immutable cache,
// and logical names with revalidation.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, Prefix)
	logical, hashed := a.original[name]
	if !hashed {
		logical = name
	}
	b, err := fs.ReadFile(a.fsys, logical)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	if hashed {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	if ct := contentType(logical); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if gz, ok := a.gzipped[logical]; ok {
		w.Header().Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			w.Header().Set("Content-Encoding", "gzip")
			b = gz
		}
	}
	_, _ = w.Write(b)
}

// precompress returns the gzip body of a text asset (scripts, styles,
// SVG, manifests) when it saves bytes, compressed once at start: the crew
// app's shell must stay light on a slow 3G link.
func precompress(name string, b []byte) []byte {
	switch path.Ext(name) {
	case ".js", ".mjs", ".css", ".svg", ".json", ".webmanifest", ".map", ".txt":
	default:
		return nil
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil
	}
	if _, err := zw.Write(b); err != nil || zw.Close() != nil || buf.Len() >= len(b) {
		return nil
	}
	return buf.Bytes()
}

// acceptsGzip reports whether the request accepts a gzip body.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(enc) == "gzip" && strings.ReplaceAll(strings.TrimSpace(q), " ", "") != "q=0" {
			return true
		}
	}
	return false
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".json", ".webmanifest":
		return "application/manifest+json"
	case ".woff2":
		return "font/woff2"
	}
	return ""
}

// Read returns the content of a logical asset.
func (a *Assets) Read(name string) ([]byte, error) { return fs.ReadFile(a.fsys, name) }
