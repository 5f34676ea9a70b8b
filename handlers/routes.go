package handlers

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/fieldops360/fieldops/assets"
	"github.com/fieldops360/fieldops/tenants"
)

// TenantRoutes registers the routes of a tenant app, on top of the
// PocketBase REST API and dashboard (/api/, /_/). This is the whole route
// table of a tenant host.
func (h *Handlers) TenantRoutes(se *core.ServeEvent) error {
	h.bindMiddleware(se)
	h.bindClientGuard(se)
	h.bindFileAPI(se)
	r := se.Router
	r.GET(assets.Prefix+"{path...}", h.assetsServe)
	r.GET("/lang/{lang}", h.langSet)
	r.GET("/favicon.ico", h.favicon)
	r.GET("/m/manifest.webmanifest", h.crewManifest)
	r.GET("/api/docs", h.apiDocs)
	r.GET("/api/docs/openapi.yaml", h.apiDocsSpec)

	// sign-in
	r.GET("/{$}", h.root)
	r.Route("", "/", h.catchAll(&routeProbe{router: r}))
	r.GET("/login", h.loginShow)
	r.POST("/login", h.loginSubmit)
	r.POST("/logout", h.logout)
	r.POST("/logout-everywhere", h.logoutEverywhere)
	r.GET("/password-reset", h.resetRequestShow)
	r.POST("/password-reset", h.resetRequestSubmit)
	r.GET("/password-reset/{token}", h.resetConfirmShow)
	r.POST("/password-reset/{token}", h.resetConfirmSubmit)

	// role homes
	h.module(r, "dashboard").GET("/dashboard", h.dashboard)
	h.module(r, "dashboard").POST("/dashboard/onboarding/dismiss", h.onboardingDismiss)
	h.module(r, "planning").GET("/planning", h.planning)
	h.module(r, "planning").GET("/planning/stream", h.planningStream)
	h.module(r, "kpis").GET("/kpis", h.kpisShow)
	h.module(r, "kpis").GET(kpiBoardStream, h.kpisStream)
	h.module(r, "today").GET("/today", h.today)
	h.module(r, "crew").GET("/m/{$}", h.crewHome)
	h.module(r, "crew").GET("/search", h.searchShow)
	h.module(r, "crew").GET("/help", h.helpShow)

	// tenant administration
	settings := h.module(r, "settings")
	settings.GET("/settings", h.settingsShow)
	settings.POST("/settings", h.settingsSave)
	settings.POST("/settings/smtp-test", h.settingsSMTPTest)
	settings.POST("/settings/sectors", h.settingsSectorAdd)
	settings.POST("/settings/notifications", h.settingsNotifySave)
	users := h.module(r, "users")
	users.GET("/users", h.usersList)
	users.GET("/users/stream", h.usersStream)
	users.POST("/users/invite", h.usersInvite)
	users.POST("/users/{id}/toggle", h.usersToggle)
	users.POST("/users/{id}/reset", h.usersReset)
	users.GET("/users/{id}/gdpr", h.gdprPerson)
	users.POST("/users/{id}/gdpr/export", h.gdprExport)
	users.POST("/users/{id}/gdpr/erase", h.gdprErase)
	settings.POST("/settings/retention", h.settingsRetentionSave)

	h.siteRoutes(r)
	h.resourceRoutes(r)
	h.planningRoutes(r)
	h.crewRoutes(r)
	h.photoRoutes(r)
	h.signatureRoutes(r)
	h.dispatchRoutes(r)
	h.checklistRoutes(r)
	h.uploadRoutes(r)
	h.timesheetRoutes(r)
	h.notificationRoutes(r)
	h.startNotifier(se.App)
	h.startReportScheduler(se.App)
	h.startRetentionJob(se.App)
	h.startDurationJob(se.App)
	h.reportRoutes(r)
	h.kpiRoutes(r)
	h.invoiceRoutes(r)
	h.predictRoutes(r)
	h.clientRoutes(r)
	h.acceptanceRoutes(r)
	h.clientAcceptanceRoutes(r)
	return se.Next()
}

// module returns a route group guarded by sign-in and the domain's
// permission to open that module.
func (h *Handlers) module(r *router.Router[*core.RequestEvent], name string) *router.RouterGroup[*core.RequestEvent] {
	g := r.Group("")
	g.BindFunc(h.requireUser)
	g.BindFunc(h.requireModule(name))
	return g
}

// PlatformRoutes registers the routes of the control-plane app.
func (h *Handlers) PlatformRoutes(se *core.ServeEvent) error {
	h.bindMiddleware(se)
	r := se.Router
	r.GET(assets.Prefix+"{path...}", h.assetsServe)
	r.GET("/lang/{lang}", h.langSet)
	r.GET("/favicon.ico", h.favicon)
	r.GET("/{$}", h.platformHome)
	r.Route("", "/", h.catchAll(&routeProbe{router: r}))
	r.GET("/api/docs", h.apiDocs)
	r.GET("/api/docs/openapi.yaml", h.apiDocsSpec)
	r.GET("/metrics", h.metrics)

	// super-admin portal
	r.GET("/portal/login", h.portalLoginShow)
	r.POST("/portal/login", h.portalLoginSubmit)
	r.POST("/portal/logout", h.portalLogout)
	r.POST("/portal/logout-everywhere", h.portalLogoutEverywhere)
	p := r.Group("/portal")
	p.BindFunc(h.requireSuperuser)
	p.GET("", h.portalTenants)
	p.GET("/audit", h.portalAudit)
	h.portalBusinessRoutes(p)
	h.portalShardRoutes(p)
	p.POST("/tenants", h.portalCreate)
	p.GET("/tenants/{slug}", h.portalTenant)
	p.POST("/tenants/{slug}/suspend", h.portalSetStatus(tenants.StatusSuspended))
	p.POST("/tenants/{slug}/resume", h.portalSetStatus(tenants.StatusActive))
	p.POST("/tenants/{slug}/delete", h.portalDelete)
	p.POST("/tenants/{slug}/drill", h.portalDrill)
	p.POST("/tenants/{slug}/licence", h.portalLicence)
	p.POST("/tenants/{slug}/sectors", h.portalSectorEnable)
	p.POST("/tenants/{slug}/export", h.portalExportStart)
	p.GET("/tenants/{slug}/exports/{name}", h.portalExportDownload)
	return se.Next()
}
