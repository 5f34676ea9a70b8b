package domain

import (
	"fmt"
	"testing"
	"time"
)

func TestLoginThrottle(t *testing.T) {
	now := time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)
	bob := Attempt{Scope: "acme", Account: "bob@x.fr", IP: "1.2.3.4"}
	th := NewLoginThrottle(func() time.Time { return now })
	for i := range 4 {
		if until := th.Failure(bob); !until.IsZero() {
			t.Fatalf("locked after %d failures", i+1)
		}
	}
	if !th.Locked(bob).IsZero() {
		t.Fatal("locked before the 5th failure")
	}
	until := th.Failure(bob)
	if want := now.Add(15 * time.Minute); !until.Equal(want) {
		t.Fatalf("5th failure lock = %v, want %v", until, want)
	}
	if th.Locked(Attempt{Scope: "acme", Account: "bob@x.fr", IP: "9.9.9.9"}).IsZero() {
		t.Error("account lock not applied from another IP")
	}
	if !th.Locked(Attempt{Scope: "acme", Account: "eve@x.fr", IP: "1.2.3.4"}).IsZero() {
		t.Error("the IP was locked after 5 failures (limit is 20)")
	}
	if !th.Locked(Attempt{Scope: "beta", Account: "bob@x.fr", IP: "1.2.3.4"}).IsZero() {
		t.Error("bob of acme's lock applies to bob of another tenant")
	}
	now = now.Add(16 * time.Minute)
	if !th.Locked(bob).IsZero() {
		t.Error("still locked after the lock period")
	}

	// failures outside the window do not add up
	a := Attempt{Scope: "s", Account: "a", IP: "ip"}
	th2 := NewLoginThrottle(func() time.Time { return now })
	for range 4 {
		th2.Failure(a)
	}
	now = now.Add(20 * time.Minute)
	if !th2.Failure(a).IsZero() {
		t.Error("old failures counted")
	}
	// success resets the account
	th2.Success(a)
	for range 4 {
		th2.Failure(Attempt{Scope: "s", Account: "a", IP: "ip2"})
	}
	if !th2.Locked(Attempt{Scope: "s", Account: "a", IP: "ip3"}).IsZero() {
		t.Error("locked after success + 4 failures")
	}
	// success lifts a lock in force
	for range 5 {
		th2.Failure(Attempt{Scope: "s", Account: "b", IP: fmt.Sprint(now.Unix())})
	}
	th2.Success(Attempt{Scope: "s", Account: "b"})
	if !th2.Locked(Attempt{Scope: "s", Account: "b", IP: "ip4"}).IsZero() {
		t.Error("a reset did not lift the account's lock")
	}
}

func TestLoginThrottleIPSpraying(t *testing.T) {
	now := time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)
	// an IP trying many accounts of one tenant is locked at 20
	th := NewLoginThrottle(func() time.Time { return now })
	var ipLock time.Time
	for i := range 20 {
		ipLock = th.Failure(Attempt{Scope: "acme", Account: fmt.Sprintf("user%d", i), IP: "6.6.6.6"})
	}
	if ipLock.IsZero() || th.Locked(Attempt{Scope: "acme", Account: "fresh", IP: "6.6.6.6"}).IsZero() {
		t.Error("IP not locked after 20 failures on different accounts")
	}
	if !th.Locked(Attempt{Scope: "beta", Account: "fresh", IP: "6.6.6.6"}).IsZero() {
		t.Error("20 failures on acme locked the IP on another tenant")
	}
	if !th.Locked(Attempt{Scope: "acme", Account: "fresh", IP: "6.6.6.7"}).IsZero() {
		t.Error("another IP is locked")
	}
}

func TestLoginThrottleRequests(t *testing.T) {
	now := time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)
	th := NewLoginThrottle(func() time.Time { return now })
	victim := Attempt{Scope: "acme", Account: "bob@x.fr", IP: "1.1.1.1"}
	for i := range 3 {
		if until := th.Request(Attempt{Scope: "acme", Account: "bob@x.fr", IP: fmt.Sprint("10.0.0.", i)}); !until.IsZero() {
			t.Fatalf("request %d refused", i+1)
		}
	}
	if until := th.Request(victim); !until.Equal(now.Add(15 * time.Minute)) {
		t.Errorf("4th request for one account = %v, want refused until %v", until, now.Add(15*time.Minute))
	}
	if !th.Locked(victim).IsZero() {
		t.Error("mail requests locked sign-in")
	}
	// per IP: 5 requests for 5 accounts, the 6th refused
	for i := range 5 {
		if until := th.Request(Attempt{Scope: "acme", Account: fmt.Sprint("u", i), IP: "2.2.2.2"}); !until.IsZero() {
			t.Fatalf("request %d from one IP refused", i+1)
		}
	}
	if th.Request(Attempt{Scope: "acme", Account: "u9", IP: "2.2.2.2"}).IsZero() {
		t.Error("6th request from one IP accepted")
	}
	now = now.Add(16 * time.Minute)
	if !th.Request(victim).IsZero() {
		t.Error("still refused after the lock period")
	}
}
