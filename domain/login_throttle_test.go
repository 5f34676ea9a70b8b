package domain

import (
	"testing"
	"time"
)

func TestLoginThrottle(t *testing.T) {
	now := time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)
	th := NewLoginThrottle(func() time.Time { return now })
	for i := range 4 {
		if until := th.Failure("acme|bob@x.fr", "1.2.3.4"); !until.IsZero() {
			t.Fatalf("locked after %d failures", i+1)
		}
	}
	if !th.Locked("acme|bob@x.fr", "1.2.3.4").IsZero() {
		t.Fatal("locked before the 5th failure")
	}
	until := th.Failure("acme|bob@x.fr", "1.2.3.4")
	if want := now.Add(15 * time.Minute); !until.Equal(want) {
		t.Fatalf("5th failure lock = %v, want %v", until, want)
	}
	if th.Locked("acme|bob@x.fr", "9.9.9.9").IsZero() {
		t.Error("account lock not applied from another IP")
	}
	if !th.Locked("acme|eve@x.fr", "1.2.3.4").IsZero() {
		t.Error("the IP was locked after 5 failures (limit is 20)")
	}
	now = now.Add(16 * time.Minute)
	if !th.Locked("acme|bob@x.fr", "1.2.3.4").IsZero() {
		t.Error("still locked after the lock period")
	}

	// failures outside the window do not add up
	th2 := NewLoginThrottle(func() time.Time { return now })
	for range 4 {
		th2.Failure("a", "ip")
	}
	now = now.Add(20 * time.Minute)
	if !th2.Failure("a", "ip").IsZero() {
		t.Error("old failures counted")
	}
	// success resets the account
	th2.Success("a")
	for range 4 {
		th2.Failure("a", "ip2")
	}
	if !th2.Locked("a", "ip3").IsZero() {
		t.Error("locked after success + 4 failures")
	}
	// an IP trying many accounts is locked at 20
	th3 := NewLoginThrottle(func() time.Time { return now })
	var ipLock time.Time
	for i := range 20 {
		ipLock = th3.Failure("user"+string(rune('a'+i)), "6.6.6.6")
	}
	if ipLock.IsZero() || th3.Locked("fresh", "6.6.6.6").IsZero() {
		t.Error("IP not locked after 20 failures on different accounts")
	}
}
