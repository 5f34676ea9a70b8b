package domain_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

func TestAuditAnchorSignature(t *testing.T) {
	t.Parallel()
	pub, key, _ := ed25519.GenerateKey(rand.Reader)
	otherPub, _, _ := ed25519.GenerateKey(rand.Reader)
	a := domain.AuditAnchor{Slug: "acme", Seq: 42, Hash: strings.Repeat("ab", 32)}
	a.Sign(key, time.Date(2026, 11, 29, 8, 0, 0, 123456789, time.UTC))
	if !a.Valid(pub) {
		t.Fatal("a signed anchor does not verify")
	}
	if !a.At.Equal(time.Date(2026, 11, 29, 8, 0, 0, 123000000, time.UTC)) {
		t.Errorf("at = %v, want truncated to the millisecond (as stored)", a.At)
	}
	if a.Valid(otherPub) || a.Valid(nil) {
		t.Error("an anchor verifies with another key")
	}
	a.Kind = domain.AnchorManual // not signed: informational
	if !a.Valid(pub) {
		t.Error("the kind changed the signature")
	}
	for name, alter := range map[string]func(*domain.AuditAnchor){
		"slug": func(x *domain.AuditAnchor) { x.Slug = "other" },
		"seq":  func(x *domain.AuditAnchor) { x.Seq-- },
		"hash": func(x *domain.AuditAnchor) { x.Hash = strings.Repeat("cd", 32) },
		"at":   func(x *domain.AuditAnchor) { x.At = x.At.Add(time.Millisecond) },
		"sig":  func(x *domain.AuditAnchor) { x.Signature = "not base64!" },
	} {
		b := a
		alter(&b)
		if b.Valid(pub) {
			t.Errorf("anchor with another %s still verifies", name)
		}
	}
}

func TestAuditAnchorExtendsAndVerify(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	pub, key, _ := ed25519.GenerateKey(rand.Reader)
	head, err := domain.FindAuditHead(app)
	if err != nil || head.Seq == 0 || head.Hash == "" || head.PrevHash == "" {
		t.Fatalf("head = %+v, %v", head, err)
	}
	a := domain.AuditAnchor{Slug: tt.Slug, Seq: head.Seq, Hash: head.Hash}
	a.Sign(key, time.Now())
	tt.Record("clients", map[string]any{"name": "A"})
	tt.Record("clients", map[string]any{"name": "B"})
	now, _ := domain.FindAuditHead(app)
	for _, c := range []struct {
		name string
		head domain.AuditHead
		want bool
	}{
		{"same", head, true},
		{"successor", domain.AuditHead{Seq: head.Seq + 1, PrevHash: head.Hash}, true},
		{"successor of another chain", domain.AuditHead{Seq: head.Seq + 1, PrevHash: "x"}, false},
		{"two later (reads the anchored row)", now, true},
		{"shorter", domain.AuditHead{Seq: head.Seq - 1}, false},
		{"same seq, other hash", domain.AuditHead{Seq: head.Seq, Hash: "x"}, false},
	} {
		if got, err := a.Extends(app, c.head); err != nil || got != c.want {
			t.Errorf("%s: extends = %v, %v; want %v", c.name, got, err, c.want)
		}
	}
	if h, ok, err := domain.AuditHashAt(app, head.Seq); !ok || err != nil || h != head.Hash {
		t.Errorf("hash at %d = %q %v %v", head.Seq, h, ok, err)
	}
	if _, ok, err := domain.AuditHashAt(app, now.Seq+1); ok || err != nil {
		t.Errorf("hash after the head: ok=%v %v", ok, err)
	}

	rep, err := domain.VerifyAuditChainAnchored(app, &a, pub)
	if err != nil || !rep.OK || !rep.Anchor.Matched || rep.Anchor.Unanchored != 2 || rep.Anchor.PublicKey == "" {
		t.Fatalf("anchored verify = %+v %+v, %v; want ok with 2 events not yet anchored", rep, rep.Anchor, err)
	}
	if rep, _ := domain.VerifyAuditChainAnchored(app, nil, pub); rep.OK || !strings.Contains(rep.Reason, "aucune ancre") {
		t.Errorf("verify without an anchor = %+v, want a failure", rep)
	}
	ahead := a
	ahead.Seq = now.Seq + 3
	ahead.Sign(key, time.Now())
	if rep, _ := domain.VerifyAuditChainAnchored(app, &ahead, pub); rep.OK || !strings.Contains(rep.Reason, "3 event(s) deleted") {
		t.Errorf("anchor past the chain end = %+v, want truncation", rep)
	}
	if rep, _ := domain.VerifyAuditChainAnchored(app, &a, ed25519.PublicKey(make([]byte, 32))); rep.OK || rep.Anchor.SignatureOK {
		t.Errorf("anchor checked with the wrong key = %+v", rep)
	}
}
