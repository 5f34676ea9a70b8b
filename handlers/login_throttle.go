package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
)

// throttledLogin runs a credentials check under the login throttle of
// scope (tenant slug or "platform"). It returns the signed-in record, or
// the status and translated message to show (400 wrong credentials, 429
// locked); err is an internal failure. A success clears the account's
// failures.
func (h *Handlers) throttledLogin(ctx context.Context, scope, email, ip string, check func() (*core.Record, error)) (*core.Record, int, string, error) {
	account, ipKey := scope+"|"+email, scope+"|"+ip
	locked := func(until time.Time) string {
		return i18n.T(ctx, "login.locked", until.In(i18n.Location(ctx)).Format("15:04"))
	}
	if until := h.throttle.Locked(account, ipKey); !until.IsZero() {
		return nil, http.StatusTooManyRequests, locked(until), nil
	}
	rec, err := check()
	if err != nil {
		if domain.ErrorCode(err) != domain.EInvalid {
			return nil, 0, "", err
		}
		if until := h.throttle.Failure(account, ipKey); !until.IsZero() {
			return nil, http.StatusTooManyRequests, locked(until), nil
		}
		return nil, http.StatusBadRequest, i18n.T(ctx, "login.failed"), nil
	}
	h.throttle.Success(account)
	return rec, 0, "", nil
}
