package handlers

import (
	"net/http"
	"path/filepath"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	datastar "github.com/starfederation/datastar/sdk/go"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/home"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
)

// notificationsPerPage bounds the notifications listed.
const notificationsPerPage = 200

// notificationRoutes registers the notifications (issue #17, item 5):
// the page, marking read, the digest opt-in and the bell's live stream.
func (h *Handlers) notificationRoutes(r *router.Router[*core.RequestEvent]) {
	n := h.module(r, "notifications")
	n.GET("/notifications", h.notificationsShow)
	n.GET("/notifications/bell", h.notificationsBell)
	n.POST("/notifications/read-all", h.notificationsRead)
	n.POST("/notifications/{id}/read", h.notificationsRead)
	n.POST("/notifications/digest", h.notificationsDigest)
}

// notificationsShow lists the user's notifications: unread ones, or all
// with ?all=1.
func (h *Handlers) notificationsShow(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	all := e.Request.URL.Query().Get("all") == "1"
	list, err := domain.FindUserNotifications(e.App, e.Auth.Id, !all, notificationsPerPage)
	if err != nil {
		return h.fail(e, err)
	}
	vm := home.NotificationsVM{
		Shell: h.shell(e, "", i18n.T(ctx, "notify.title"), layouts.Crumb{Label: i18n.T(ctx, "notify.title")}),
		All:   all, Digest: authUser(e).NotifyDigest(), MailOff: !domain.MailConfigured(e.App),
	}
	vm.Unread = vm.Shell.Unread
	lang := i18n.Lang(ctx)
	for _, n := range list {
		item := home.NotificationVM{ID: n.Id, Kind: n.Kind(), Text: domain.NotificationText(n, lang), Href: domain.NotificationLink(e.App, n),
			When: i18n.FormatDateTime(ctx, n.Created()), Unread: n.ReadAt().IsZero() && n.ResolvedAt().IsZero(), Resolved: !n.ResolvedAt().IsZero()}
		if s, ok := n.ExpandedSite(); ok {
			item.Site = s.Code() + " " + s.Name()
		}
		vm.Items = append(vm.Items, item)
	}
	switch e.Request.URL.Query().Get("toast") {
	case "read":
		vm.Shell.Toasts = append(vm.Shell.Toasts, components.ToastVM{ID: "toast-read", Kind: "success", Text: i18n.T(ctx, "notify.all_read")})
	case "digest_on", "digest_off":
		key := "notify." + e.Request.URL.Query().Get("toast")
		vm.Shell.Toasts = append(vm.Shell.Toasts, components.ToastVM{ID: "toast-digest", Kind: "success", Text: i18n.T(ctx, key)})
	}
	render(e.Response, e.Request, http.StatusOK, home.NotificationsPage(vm))
	return nil
}

// notificationsRead marks one notification of the user read
// (/notifications/{id}/read; another user's is not found) or all of them
// (/notifications/read-all), then goes back to the list.
func (h *Handlers) notificationsRead(e *core.RequestEvent) error {
	id := e.Request.PathValue("id")
	if err := domain.MarkNotificationsRead(e.App, e.Auth.Id, id, h.deps.Clock()); err != nil {
		return h.fail(e, err)
	}
	if id == "" {
		return e.Redirect(http.StatusSeeOther, "/notifications?toast=read")
	}
	return e.Redirect(http.StatusSeeOther, "/notifications")
}

// notificationsDigest turns the user's daily e-mail digest on or off.
func (h *Handlers) notificationsDigest(e *core.RequestEvent) error {
	if err := e.Request.ParseForm(); err != nil {
		return h.fail(e, domain.Errorf(domain.EInvalid, "err.unreadable_form"))
	}
	on := e.Request.PostForm.Get("digest") == "1"
	if err := domain.SetNotifyDigest(e.App, e.Auth, on); err != nil {
		return h.fail(e, err)
	}
	if on {
		return e.Redirect(http.StatusSeeOther, "/notifications?toast=digest_on")
	}
	return e.Redirect(http.StatusSeeOther, "/notifications?toast=digest_off")
}

// notificationsBell keeps the office header's bell live (GET
// /notifications/bell, opened by every office page): a change to the
// user's notifications re-renders the bell with the unread count.
func (h *Handlers) notificationsBell(e *core.RequestEvent) error {
	ctx, locale := h.liveContext(e)
	app, uid := e.App, e.Auth.Id
	return serveLive(e, domain.LiveView[int]{
		Key:    "/notifications/bell?user=" + uid + "&" + locale,
		Topics: []domain.Topic{domain.TopicNotifications(uid)},
		Load:   func() (int, error) { return domain.CountUnreadNotifications(app, uid) },
		Render: func(n int, _ *core.Record) ([]byte, error) {
			return encodeFrame(ctx, func(sse *datastar.ServerSentEventGenerator) error {
				return sse.MergeFragmentTempl(layouts.NotificationBell(n))
			})
		},
	}, liveFresh)
}

// startNotifier starts the tenant app's notification job (evaluation at
// start, hourly, on changes; daily digests) with the handlers' clock and
// the tenant's public URL for the digest's links.
func (h *Handlers) startNotifier(app core.App) {
	base := ""
	if h.deps.Registry != nil {
		base = h.deps.Registry.URL(filepath.Base(app.DataDir()))
	}
	domain.StartNotifier(app, domain.NotifierConfig{Clock: h.deps.Clock, BaseURL: base, Logger: h.deps.Logger, Debounce: h.deps.NotifyDebounce})
}
