package handlers

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/admin"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
	"github.com/fieldops360/fieldops/views/people"
)

const usersPerPage = 50

// newUserRowVM builds a table row for u as seen by viewer.
func newUserRowVM(ctx context.Context, rec, viewer *core.Record) admin.UserRowVM {
	u := domain.User{Record: rec}
	return admin.UserRowVM{
		ID: u.Id, Name: u.Name(), Email: u.Email(), Role: u.Role(),
		Active: u.Active(), TenantAdmin: u.TenantAdmin(),
		LastLogin: i18n.FormatDateTime(ctx, u.LastLogin()),
		Self:      viewer != nil && viewer.Id == u.Id,
	}
}

func roleOptions(ctx context.Context) []components.Option {
	out := make([]components.Option, 0, len(domain.Roles))
	for _, r := range domain.Roles {
		out = append(out, components.Option{Value: r, Label: i18n.T(ctx, "role."+r)})
	}
	return out
}

// usersQuery reads the users page's ?sort= (default name) and ?page=.
func usersQuery(e *core.RequestEvent) (sort string, page int) {
	sort = e.Request.URL.Query().Get("sort")
	if sort == "" {
		sort = "name"
	}
	page, _ = strconv.Atoi(e.Request.URL.Query().Get("page"))
	return sort, max(page, 1)
}

// newUsersVM builds the users page for the current request.
func (h *Handlers) newUsersVM(e *core.RequestEvent, invite people.InviteVM) (admin.UsersVM, error) {
	ctx := e.Request.Context()
	sort, page := usersQuery(e)
	recs, total, err := domain.FindUsers(e.App, sort, usersPerPage, (page-1)*usersPerPage)
	if err != nil {
		return admin.UsersVM{}, err
	}
	active, err := domain.CountActiveUsers(e.App)
	if err != nil {
		return admin.UsersVM{}, err
	}
	shell := h.shell(e, "users", i18n.T(ctx, "users.title"), layouts.Crumb{Label: i18n.T(ctx, "users.title")})
	shell.Toasts = h.flashToasts(e)
	vm := admin.UsersVM{Shell: shell, Signals: admin.UsersSignals{ActiveCount: active}, Invite: invite, StreamURL: usersStreamURL(sort, page)}
	vm.Table = components.TableVM{
		ID: "users-table", Caption: i18n.T(ctx, "users.title"), BaseURL: "/users",
		SortKey: strings.TrimPrefix(sort, "-"), SortDesc: strings.HasPrefix(sort, "-"),
		Page: page, PageCount: (total + usersPerPage - 1) / usersPerPage, Total: total,
		Columns: []components.Column{
			{Label: i18n.T(ctx, "users.name"), Sort: "name"}, {Label: i18n.T(ctx, "login.email"), Sort: "email"},
			{Label: i18n.T(ctx, "users.role"), Sort: "role"}, {Label: i18n.T(ctx, "users.status")},
			{Label: i18n.T(ctx, "users.last_login"), Sort: "last_login"}, {Label: i18n.T(ctx, "users.actions")},
		},
	}
	for _, u := range recs {
		vm.Rows = append(vm.Rows, newUserRowVM(ctx, u, e.Auth))
	}
	return vm, nil
}

// usersList renders the users page (tenant admins).
func (h *Handlers) usersList(e *core.RequestEvent) error {
	vm, err := h.newUsersVM(e, newInviteVM(e, "/users/invite"))
	if err != nil {
		return h.fail(e, err)
	}
	render(e.Response, e.Request, http.StatusOK, admin.UsersPage(vm))
	return nil
}
