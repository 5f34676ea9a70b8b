package domain

import (
	"sync"
	"time"
)

// LoginThrottle limits password guessing. An account is locked for
// LockFor after MaxFailures failed logins within Window; an IP address
// after MaxIPFailures (it may try several accounts, e.g. a shared site
// hut PC, so its limit is higher). A success clears the account's count.
// It is safe for concurrent use; one instance lives per tenant handler set.
type LoginThrottle struct {
	MaxFailures   int
	MaxIPFailures int
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

// NewLoginThrottle returns the production policy: 5 failures per account
// or 20 per IP within 15 minutes lock for 15 minutes.
func NewLoginThrottle(clock func() time.Time) *LoginThrottle {
	if clock == nil {
		clock = time.Now
	}
	return &LoginThrottle{MaxFailures: 5, MaxIPFailures: 20, Window: 15 * time.Minute, LockFor: 15 * time.Minute, Clock: clock, entries: map[string]*throttleEntry{}}
}

// Locked returns until when the account or the IP is locked (zero when
// not locked). Keys are namespaced by the caller (tenant slug).
func (t *LoginThrottle) Locked(account, ip string) time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.Clock()
	var until time.Time
	for _, k := range []string{"a:" + account, "i:" + ip} {
		if e, ok := t.entries[k]; ok && e.lockedUntil.After(now) && e.lockedUntil.After(until) {
			until = e.lockedUntil
		}
	}
	return until
}

// Failure records a failed login and returns the lock end if this
// failure locked the account or the IP.
func (t *LoginThrottle) Failure(account, ip string) time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.Clock()
	var until time.Time
	for k, max := range map[string]int{"a:" + account: t.MaxFailures, "i:" + ip: t.MaxIPFailures} {
		e := t.entries[k]
		if e == nil {
			e = &throttleEntry{}
			t.entries[k] = e
		}
		kept := e.failures[:0]
		for _, f := range e.failures {
			if now.Sub(f) < t.Window {
				kept = append(kept, f)
			}
		}
		e.failures = append(kept, now)
		if len(e.failures) >= max {
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

// Success clears the account's failures (not the IP's).
func (t *LoginThrottle) Success(account string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.entries, "a:"+account)
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
