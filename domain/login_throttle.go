package domain

import (
	"sync"
	"time"
)

// Attempt names who uses a password path: the scope (tenant slug, or
// "platform" for the control plane), the account (lower-cased email; ""
// when the path names none) and the client IP address.
type Attempt struct {
	Scope   string
	Account string
	IP      string
}

// LoginThrottle is the one throttle of every password path of the process:
// the sign-in pages of tenants and of the portal, PocketBase's
// auth-with-password of users and superusers on every host, and the
// requests that send mail (password reset links, one-time codes).
//
// Sign-in: an account is locked for LockFor after MaxFailures failed
// attempts within Window, whatever the path they came through (a lock
// earned on the API blocks the page and the other way round); an IP
// address of a scope after MaxIPFailures (it may try several accounts,
// e.g. a shared site hut PC, so its limit is higher: one address cannot
// spray a tenant's accounts). A success clears the account's count.
//
// NB: no limit counts an IP across scopes: behind a proxy that hides
// client addresses (an ingress without a trusted header configured) one
// tenant's typos would lock every tenant.
//
// Mail requests have their own budget (they never lock sign-in, so a
// locked-out user can still ask for a reset link): MaxRequests per
// account and MaxIPRequests per IP of a scope within Window; once spent,
// further requests are refused for LockFor.
//
// NB: the state is in memory, one instance per serving process (the
// handlers'): it outlives tenant apps, which are closed when idle and
// reopened, so a lock survives a close and reopen; and a guess costs no
// database write (an attacker's guesses must not turn into replicated
// writes to the tenant's file). A restart of the process clears it. It is
// safe for concurrent use.
type LoginThrottle struct {
	MaxFailures   int
	MaxIPFailures int
	MaxRequests   int
	MaxIPRequests int
	Window        time.Duration
	LockFor       time.Duration
	Clock         func() time.Time

	mu      sync.Mutex
	entries map[string]*throttleEntry
}

type throttleEntry struct {
	failures    []time.Time
	lockedUntil time.Time
}

// throttleKey is one counter of the throttle and the count that locks it.
type throttleKey struct {
	key string
	max int
}

// NewLoginThrottle returns the production policy: sign-in locks after 5
// failures per account or 20 per IP within 15 minutes; 3 mail requests per
// account and 5 per IP within 15 minutes; every lock lasts 15 minutes.
func NewLoginThrottle(clock func() time.Time) *LoginThrottle {
	if clock == nil {
		clock = time.Now
	}
	return &LoginThrottle{
		MaxFailures: 5, MaxIPFailures: 20,
		MaxRequests: 3, MaxIPRequests: 5,
		Window: 15 * time.Minute, LockFor: 15 * time.Minute,
		Clock: clock, entries: map[string]*throttleEntry{},
	}
}

func (t *LoginThrottle) loginKeys(a Attempt) []throttleKey {
	var ks []throttleKey
	if a.Account != "" {
		ks = append(ks, throttleKey{"a:" + a.Scope + "|" + a.Account, t.MaxFailures})
	}
	if a.IP != "" {
		ks = append(ks, throttleKey{"i:" + a.Scope + "|" + a.IP, t.MaxIPFailures})
	}
	return ks
}

func (t *LoginThrottle) requestKeys(a Attempt) []throttleKey {
	var ks []throttleKey
	if a.Account != "" {
		ks = append(ks, throttleKey{"ra:" + a.Scope + "|" + a.Account, t.MaxRequests})
	}
	if a.IP != "" {
		ks = append(ks, throttleKey{"ri:" + a.Scope + "|" + a.IP, t.MaxIPRequests})
	}
	return ks
}

// Locked returns until when sign-in is refused for the attempt's account
// or IP (zero when it is not).
func (t *LoginThrottle) Locked(a Attempt) time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.lockedLocked(t.loginKeys(a), t.Clock())
}

// Failure records a failed sign-in and returns the lock end if this
// failure locked the account or the IP.
func (t *LoginThrottle) Failure(a Attempt) time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.countLocked(t.loginKeys(a), t.Clock())
}

// Success clears the failures of the attempt's account (not its IP's)
// and lifts the account's lock: a successful sign-in or a password reset
// through an emailed link.
func (t *LoginThrottle) Success(a Attempt) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.entries, "a:"+a.Scope+"|"+a.Account)
}

// Request spends one mail request of the attempt's budget. It returns the
// lock end when the budget was already spent (the request is refused and
// not counted), zero when the request may go on.
func (t *LoginThrottle) Request(a Attempt) time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.Clock()
	keys := t.requestKeys(a)
	if until := t.lockedLocked(keys, now); !until.IsZero() {
		return until
	}
	t.countLocked(keys, now)
	return time.Time{}
}

// lockedLocked returns the latest lock end of keys still in force.
func (t *LoginThrottle) lockedLocked(keys []throttleKey, now time.Time) time.Time {
	var until time.Time
	for _, k := range keys {
		if e, ok := t.entries[k.key]; ok && e.lockedUntil.After(now) && e.lockedUntil.After(until) {
			until = e.lockedUntil
		}
	}
	return until
}

// countLocked adds one event at now to every key and returns the latest
// lock end this event set (zero when it locked nothing).
func (t *LoginThrottle) countLocked(keys []throttleKey, now time.Time) time.Time {
	var until time.Time
	for _, k := range keys {
		e := t.entries[k.key]
		if e == nil {
			e = &throttleEntry{}
			t.entries[k.key] = e
		}
		kept := e.failures[:0]
		for _, f := range e.failures {
			if now.Sub(f) < t.Window {
				kept = append(kept, f)
			}
		}
		e.failures = append(kept, now)
		if len(e.failures) >= k.max {
			e.lockedUntil = now.Add(t.LockFor)
			e.failures = nil
			if e.lockedUntil.After(until) {
				until = e.lockedUntil
			}
		}
	}
	t.gc(now)
	return until
}

// gc drops stale entries so the map cannot grow without bound.
func (t *LoginThrottle) gc(now time.Time) {
	if len(t.entries) < 10000 {
		return
	}
	for k, e := range t.entries {
		if e.lockedUntil.Before(now) && (len(e.failures) == 0 || now.Sub(e.failures[len(e.failures)-1]) > t.Window) {
			delete(t.entries, k)
		}
	}
}
