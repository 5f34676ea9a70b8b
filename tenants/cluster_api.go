package tenants

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/fieldops360/fieldops/domain"
)

// clusterPrefix is the internal cluster API between the control plane and
// the shards (Bearer token). The edge proxy refuses it from outside.
const clusterPrefix = "/internal/cluster/"

// serveCluster answers the internal cluster API: on the control plane the
// shards' heartbeats and tenant creation; on a shard the tenant rows the
// control plane pushes and the steps of a move.
func (r *Registry) serveCluster(w http.ResponseWriter, req *http.Request) {
	tok := r.cfg.Cluster.Token
	got, _ := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer ")
	if tok == "" || subtle.ConstantTimeCompare([]byte(got), []byte(tok)) != 1 {
		clusterJSON(w, http.StatusUnauthorized, map[string]string{"error": "cluster token required"})
		return
	}
	path := strings.TrimPrefix(req.URL.Path, clusterPrefix)
	ctx := req.Context()
	switch {
	case path == "heartbeat" && req.Method == http.MethodPost && r.Role() == RoleControl:
		var hb Heartbeat
		if !decode(w, req, &hb) {
			return
		}
		reply, err := r.RecordHeartbeat(hb)
		clusterResult(w, reply, err)
		return
	case path == "keys" && req.Method == http.MethodGet && r.Role() == RoleControl:
		keys, err := r.SessionKeys()
		clusterResult(w, HeartbeatReply{SessionKeys: keys}, err)
		return
	case path == "tenants" && req.Method == http.MethodPost:
		// shard: provision here; control plane: place on a shard
		var in CreateInput
		if !decode(w, req, &in) {
			return
		}
		res, err := r.CreateTenant(in)
		if err != nil {
			clusterResult(w, nil, err)
			return
		}
		st, err := r.ExportMoveState(in.Slug)
		clusterResult(w, map[string]any{"result": res, "state": st}, err)
		return
	}
	slug, op, _ := strings.Cut(strings.TrimPrefix(path, "tenants/"), "/")
	if r.Role() != RoleShard || !strings.HasPrefix(path, "tenants/") || domain.ValidateSlug(slug) != nil {
		clusterJSON(w, http.StatusNotFound, map[string]string{"error": "no such cluster operation on this node"})
		return
	}
	switch op + " " + req.Method {
	case " PUT":
		var row map[string]any
		if !decode(w, req, &row) {
			return
		}
		if row["slug"] != slug {
			clusterJSON(w, http.StatusBadRequest, map[string]string{"error": "slug mismatch"})
			return
		}
		clusterResult(w, map[string]bool{"ok": true}, r.UpsertTenantRow(row))
	case "freeze POST":
		fp, err := r.FreezeForMove(ctx, slug)
		clusterResult(w, fp, err)
	case "unfreeze POST":
		r.Unfreeze(ctx, slug)
		clusterResult(w, map[string]bool{"ok": true}, nil)
	case "state GET":
		st, err := r.ExportMoveState(slug)
		clusterResult(w, st, err)
	case "fingerprint GET":
		fp, err := r.CurrentFingerprint(ctx, slug)
		clusterResult(w, fp, err)
	case "files GET":
		w.Header().Set("Content-Type", "application/x-tar")
		if err := r.WriteFilesTar(w, slug); err != nil {
			r.cfg.Logger.Error("move: files", "tenant", slug, "error", err)
		}
	case "stage POST":
		var sr StageRequest
		if !decode(w, req, &sr) {
			return
		}
		fp, err := r.StageForMove(ctx, slug, sr)
		clusterResult(w, fp, err)
	case "stage DELETE":
		r.AbortStage(ctx, slug)
		clusterResult(w, map[string]bool{"ok": true}, nil)
	case "activate POST":
		clusterResult(w, map[string]bool{"ok": true}, r.ActivateMoved(ctx, slug))
	case "deactivate POST":
		clusterResult(w, map[string]bool{"ok": true}, r.DeactivateMoved(ctx, slug))
	case "release POST":
		var body struct {
			To string `json:"to"`
		}
		if !decode(w, req, &body) {
			return
		}
		clusterResult(w, map[string]bool{"ok": true}, r.ReleaseMoved(ctx, slug, body.To))
	case "export POST":
		r.serveExport(w, slug)
	case "purge POST":
		clusterResult(w, map[string]bool{"ok": true}, r.purgeDeleted(slug))
	case "served GET":
		here, err := r.servedHere(slug)
		clusterResult(w, map[string]bool{"served": here}, err)
	default:
		clusterJSON(w, http.StatusNotFound, map[string]string{"error": "no such cluster operation"})
	}
}

func decode(w http.ResponseWriter, req *http.Request, v any) bool {
	if err := json.NewDecoder(io.LimitReader(req.Body, 64<<20)).Decode(v); err != nil {
		clusterJSON(w, http.StatusBadRequest, map[string]string{"error": "bad JSON: " + err.Error()})
		return false
	}
	return true
}

func clusterResult(w http.ResponseWriter, v any, err error) {
	if err == nil {
		clusterJSON(w, http.StatusOK, v)
		return
	}
	status := http.StatusInternalServerError
	switch domain.ErrorCode(err) {
	case domain.EInvalid:
		status = http.StatusBadRequest
	case domain.ENotFound:
		status = http.StatusNotFound
	case domain.EConflict:
		status = http.StatusConflict
	}
	if errors.Is(err, ErrWrongShard) {
		status = http.StatusMisdirectedRequest
	}
	clusterJSON(w, status, map[string]string{"error": err.Error(), "code": domain.ErrorCode(err)})
}

func clusterJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// HTTPShards is the ShardClient of the internal cluster API.
type HTTPShards struct {
	Token  string
	Client *http.Client
}

func (c HTTPShards) call(ctx context.Context, method, url string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Content-Type", "application/json")
	client := c.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
			Code  string `json:"code"`
		}
		_ = json.Unmarshal(b, &e)
		if e.Error == "" {
			e.Error = strings.TrimSpace(string(b))
		}
		if e.Code != "" && e.Code != domain.EInternal {
			return domain.Errorf(e.Code, "err.cluster.remote", method+" "+url, e.Error)
		}
		return fmt.Errorf("%s %s: %s: %s", method, url, resp.Status, e.Error)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

func tenantURL(shardURL, slug, op string) string {
	u := strings.TrimSuffix(shardURL, "/") + clusterPrefix + "tenants/" + slug
	if op != "" {
		u += "/" + op
	}
	return u
}

// PutTenant implements ShardClient.
func (c HTTPShards) PutTenant(ctx context.Context, shardURL string, row map[string]any) error {
	slug, _ := row["slug"].(string)
	return c.call(ctx, http.MethodPut, tenantURL(shardURL, slug, ""), row, nil)
}

// Freeze implements ShardClient.
func (c HTTPShards) Freeze(ctx context.Context, shardURL, slug string) (fp Fingerprint, err error) {
	return fp, c.call(ctx, http.MethodPost, tenantURL(shardURL, slug, "freeze"), struct{}{}, &fp)
}

// Unfreeze implements ShardClient.
func (c HTTPShards) Unfreeze(ctx context.Context, shardURL, slug string) error {
	return c.call(ctx, http.MethodPost, tenantURL(shardURL, slug, "unfreeze"), struct{}{}, nil)
}

// State implements ShardClient.
func (c HTTPShards) State(ctx context.Context, shardURL, slug string) (st MoveState, err error) {
	return st, c.call(ctx, http.MethodGet, tenantURL(shardURL, slug, "state"), nil, &st)
}

// Fingerprint implements ShardClient.
func (c HTTPShards) Fingerprint(ctx context.Context, shardURL, slug string) (fp Fingerprint, err error) {
	return fp, c.call(ctx, http.MethodGet, tenantURL(shardURL, slug, "fingerprint"), nil, &fp)
}

// Stage implements ShardClient.
func (c HTTPShards) Stage(ctx context.Context, shardURL, slug string, req StageRequest) (fp Fingerprint, err error) {
	return fp, c.call(ctx, http.MethodPost, tenantURL(shardURL, slug, "stage"), req, &fp)
}

// AbortStage implements ShardClient.
func (c HTTPShards) AbortStage(ctx context.Context, shardURL, slug string) error {
	return c.call(ctx, http.MethodDelete, tenantURL(shardURL, slug, "stage"), nil, nil)
}

// Activate implements ShardClient.
func (c HTTPShards) Activate(ctx context.Context, shardURL, slug string) error {
	return c.call(ctx, http.MethodPost, tenantURL(shardURL, slug, "activate"), struct{}{}, nil)
}

// Deactivate implements ShardClient.
func (c HTTPShards) Deactivate(ctx context.Context, shardURL, slug string) error {
	return c.call(ctx, http.MethodPost, tenantURL(shardURL, slug, "deactivate"), struct{}{}, nil)
}

// Release implements ShardClient.
func (c HTTPShards) Release(ctx context.Context, shardURL, slug, to string) error {
	return c.call(ctx, http.MethodPost, tenantURL(shardURL, slug, "release"), map[string]string{"to": to}, nil)
}

// Served implements ShardClient.
func (c HTTPShards) Served(ctx context.Context, shardURL, slug string) (bool, error) {
	var out struct {
		Served bool `json:"served"`
	}
	err := c.call(ctx, http.MethodGet, tenantURL(shardURL, slug, "served"), nil, &out)
	return out.Served, err
}

// shardClient returns the client the control plane drives shards with.
func (r *Registry) shardClient() ShardClient {
	if r.shardAPI != nil {
		return r.shardAPI
	}
	return HTTPShards{Token: r.ClusterToken(), Client: r.cfg.Cluster.Client}
}

// FetchSessionKeys asks the control plane for the session keys every node
// shares, retrying until it answers or ctx ends (a shard at start).
func FetchSessionKeys(ctx context.Context, c ClusterConfig) ([]SessionKeyPair, error) {
	hs := HTTPShards{Token: c.Token, Client: c.Client}
	for {
		var reply HeartbeatReply
		err := hs.call(ctx, http.MethodGet, strings.TrimSuffix(c.ControlURL, "/")+clusterPrefix+"keys", nil, &reply)
		if err == nil {
			return reply.SessionKeys, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("control plane %s: %w", c.ControlURL, err)
		case <-time.After(time.Second):
		}
	}
}
