package replication

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/fieldops360/fieldops/tenants/tracing"
)

// The child's control socket (one JSON line per request) and its status.

// Status returns the live status of every database.
func (rp *Replicator) Status() *Status {
	st := &Status{Replica: rp.cfg.Target.String(), PID: os.Getpid(), StartedAt: rp.started, Ready: true, Source: "child"}
	now := time.Now()
	for _, d := range rp.all() {
		rp.mu.Lock()
		s := DBStatus{DB: d.name, Active: d.ldb != nil, Open: d.open, LocalTXID: d.localTX, ReplicaTXID: d.replicaTX, LastError: d.lastErr, Errors: d.errors, Conflict: d.conflict}
		if !d.lastSnapshot.IsZero() {
			t := d.lastSnapshot
			s.LastSnapshot = &t
		}
		if !d.lastSync.IsZero() {
			t := d.lastSync
			s.LastSync = &t
		}
		if !d.errAt.IsZero() {
			t := d.errAt
			s.ErrorAt = &t
		}
		// A sync that hangs (storage unreachable with packets dropped, a
		// disk too slow to take the LTX files) shows as lag while it runs,
		// not only when its 30 s timeout ends it.
		behind := d.behindSince
		if sy := d.syncing; !sy.IsZero() && now.Sub(sy) > rp.cfg.SyncInterval && (behind.IsZero() || sy.Before(behind)) {
			behind = sy
		}
		if !behind.IsZero() {
			s.LagSeconds = now.Sub(behind).Seconds()
		}
		if d.initial {
			st.Ready = false // not brought up to date since the start yet
		}
		rp.mu.Unlock()
		s.Drill = rp.drills.get(d.name)
		st.DBs = append(st.DBs, s)
	}
	return st
}

func (rp *Replicator) serveControl(ctx context.Context, ln net.Listener) {
	for {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(10 * time.Minute))
			var req controlRequest
			line, err := bufio.NewReader(conn).ReadBytes('\n')
			resp := controlResponse{OK: true}
			if err == nil {
				err = json.Unmarshal(line, &req)
			}
			if err == nil {
				rctx := ctx
				if req.Traceparent != "" { // asked by a request (sync, drill): its line joins the trace
					rctx = tracing.FromTraceparent(ctx, req.Traceparent)
					rp.cfg.Logger.InfoContext(rctx, "control request", "op", req.Op, "db", req.DB)
				}
				err = rp.handle(rctx, req, &resp)
			}
			if err != nil {
				resp = controlResponse{Error: err.Error()}
			}
			_ = json.NewEncoder(conn).Encode(resp)
		}()
	}
}

func (rp *Replicator) handle(ctx context.Context, req controlRequest, resp *controlResponse) error {
	switch req.Op {
	case "set_open":
		rp.setOpen(ctx, req.Open)
	case "status":
		resp.Status = rp.Status()
	case "sync":
		return rp.forceSync(ctx, req.DB)
	case "pause":
		d := rp.db(req.DB)
		rp.mu.Lock()
		d.paused = true
		rp.mu.Unlock()
		return rp.release(d)
	case "resume":
		d := rp.db(req.DB)
		rp.mu.Lock()
		d.paused, d.fp, d.conflictAt = false, fingerprint{}, time.Time{} // restored: compare with the replica again now
		rp.mu.Unlock()
	case "drill":
		res := rp.runDrill(ctx, req.DB)
		resp.Status = &Status{DBs: []DBStatus{{DB: req.DB, Drill: &res}}}
	default:
		return fmt.Errorf("unknown op %q", req.Op)
	}
	return nil
}
