package handlers

import (
	"context"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
)

// attempt names a use of a password path of the request's host for the
// one login throttle (h.throttle): the tenant (or "platform"), the
// account's lower-cased email and the client IP.
func (h *Handlers) attempt(e *core.RequestEvent, email string) domain.Attempt {
	return domain.Attempt{Scope: tenantSlug(e.Request), Account: strings.ToLower(strings.TrimSpace(email)), IP: h.clientIP(e)}
}

// clientIP is the address the throttle counts: the header named by
// `serve --client-ip-header`, else the TCP peer, or, when the
// platform's settings name a trusted proxy header (Settings › Trusted
// proxy of the platform dashboard: an ingress or load balancer in front
// of the server), the address that header carries.
//
// NB: a tenant's own settings are not used (PocketBase's RealIP would): a
// tenant admin could let clients choose their address.
func (h *Handlers) clientIP(e *core.RequestEvent) string {
	if name := h.deps.ClientIPHeader; name != "" {
		if ips := strings.Split(e.Request.Header.Get(name), ","); len(ips) > 0 {
			if ip := strings.TrimSpace(ips[len(ips)-1]); net.ParseIP(ip) != nil {
				return ip // the closest proxy's view: the rightmost address
			}
		}
	}
	if h.deps.Registry != nil {
		tp := h.deps.Registry.Platform().Settings().TrustedProxy
		for _, name := range tp.Headers {
			v := e.Request.Header.Get(name)
			if v == "" {
				continue
			}
			ips := strings.Split(v, ",")
			ip := ips[len(ips)-1]
			if tp.UseLeftmostIP {
				ip = ips[0]
			}
			if ip = strings.TrimSpace(ip); net.ParseIP(ip) != nil {
				return ip
			}
		}
	}
	return e.RemoteIP()
}

// lockedText is the message of a refused sign-in, with the time the lock
// ends in the tenant's zone.
func lockedText(ctx context.Context, key string, until time.Time) string {
	return i18n.T(ctx, key, until.In(i18n.Location(ctx)).Format("15:04"))
}

// throttledLogin runs a credentials check of a sign-in page under the
// login throttle. It returns the signed-in record, or the status and
// translated message to show (400 wrong credentials, 429 locked); err is
// an internal failure. A success clears the account's failures.
func (h *Handlers) throttledLogin(ctx context.Context, a domain.Attempt, check func() (*core.Record, error)) (*core.Record, int, string, error) {
	if until := h.throttle.Locked(a); !until.IsZero() {
		return nil, http.StatusTooManyRequests, lockedText(ctx, "login.locked", until), nil
	}
	rec, err := check()
	if err != nil {
		if domain.ErrorCode(err) != domain.EInvalid {
			return nil, 0, "", err
		}
		if until := h.throttle.Failure(a); !until.IsZero() {
			return nil, http.StatusTooManyRequests, lockedText(ctx, "login.locked", until), nil
		}
		return nil, http.StatusBadRequest, i18n.T(ctx, "login.failed"), nil
	}
	h.throttle.Success(a)
	return rec, 0, "", nil
}

// tooManyRequests is the API's answer to a locked attempt: 429 with
// Retry-After (whole seconds until the lock ends) and PocketBase's JSON
// error body {"status":429,"message":…}.
func (h *Handlers) tooManyRequests(e *core.RequestEvent, key string, until time.Time) error {
	wait := int(math.Ceil(until.Sub(h.deps.Clock()).Seconds()))
	e.Response.Header().Set("Retry-After", strconv.Itoa(max(wait, 1)))
	return router.NewApiError(http.StatusTooManyRequests, lockedText(e.Request.Context(), key, until), nil)
}
