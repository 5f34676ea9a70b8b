package handlers

import (
	"encoding/json"
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/views/i18n"
)

// manifestIcon is one icon of the web manifest.
type manifestIcon struct {
	Src     string `json:"src"`
	Sizes   string `json:"sizes"`
	Type    string `json:"type"`
	Purpose string `json:"purpose,omitempty"`
}

// webManifest is the crew app's installable PWA manifest.
type webManifest struct {
	Name            string         `json:"name"`
	ShortName       string         `json:"short_name"`
	Description     string         `json:"description"`
	ID              string         `json:"id"`
	StartURL        string         `json:"start_url"`
	Scope           string         `json:"scope"`
	Display         string         `json:"display"`
	Orientation     string         `json:"orientation"`
	Lang            string         `json:"lang"`
	BackgroundColor string         `json:"background_color"`
	ThemeColor      string         `json:"theme_color"`
	Icons           []manifestIcon `json:"icons"`
}

// crewManifest serves /m/manifest.webmanifest (public: browsers fetch it
// without credentials), named after the company.
func (h *Handlers) crewManifest(e *core.RequestEvent) error {
	name := "FieldOps360"
	if c := tenantCtx(e).Company.Name; c != "" {
		name = c + " · FieldOps360"
	}
	m := webManifest{
		Name: name, ShortName: "FieldOps360", Description: i18n.T(e.Request.Context(), "crew.my_tasks"),
		ID: "/m/", StartURL: "/m/", Scope: "/m/", Display: "standalone", Orientation: "portrait",
		Lang: i18n.Lang(e.Request.Context()), BackgroundColor: "#f5f6f8", ThemeColor: "#0d2440",
		Icons: []manifestIcon{
			{Src: h.assets.Path("icons/icon-192.png"), Sizes: "192x192", Type: "image/png", Purpose: "any"},
			{Src: h.assets.Path("icons/icon-512.png"), Sizes: "512x512", Type: "image/png", Purpose: "any"},
			{Src: h.assets.Path("icons/icon-512.png"), Sizes: "512x512", Type: "image/png", Purpose: "maskable"},
		},
	}
	e.Response.Header().Set("Content-Type", "application/manifest+json")
	e.Response.Header().Set("Cache-Control", "no-cache")
	return json.NewEncoder(e.Response).Encode(m)
}

// favicon serves the app icon at /favicon.ico.
func (h *Handlers) favicon(e *core.RequestEvent) error {
	return e.Redirect(http.StatusMovedPermanently, h.assets.Path("icons/icon-192.png"))
}
