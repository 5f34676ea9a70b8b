package replication

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fieldops360/fieldops/tenants/tracing"
)

// TestControlCallCarriesTraceparent: a control call made within a traced
// request sends that trace to the child (a child span of the caller's);
// an untraced one (the supervisor's own polling) sends none.
func TestControlCallCarriesTraceparent(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "ctl.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan controlRequest, 2)
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			var req controlRequest
			line, _ := bufio.NewReader(conn).ReadBytes('\n')
			_ = json.Unmarshal(line, &req)
			got <- req
			_ = json.NewEncoder(conn).Encode(controlResponse{OK: true})
			conn.Close()
		}
	}()
	c := NewControlClient(sock)
	const trace = "4bf92f3577b34da6a3ce929d0e0e4736"
	ctx := tracing.FromTraceparent(context.Background(), "00-"+trace+"-00f067aa0ba902b7-01")
	if err := c.Sync(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
	if r := <-got; r.Op != "sync" || r.DB != "acme" || !strings.HasPrefix(r.Traceparent, "00-"+trace+"-") {
		t.Errorf("traced sync sent %+v", r)
	}
	if err := c.Sync(context.Background(), "acme"); err != nil {
		t.Fatal(err)
	}
	if r := <-got; r.Traceparent != "" {
		t.Errorf("untraced sync sent traceparent %q", r.Traceparent)
	}
}
