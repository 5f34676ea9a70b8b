package tenants

import (
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/pocketbase/pocketbase/core"
)

// sessionKeysName is the platform secret holding the session key pairs.
const sessionKeysName = "session_keys"

// maxSessionKeyPairs bounds rotation: older pairs stop decoding cookies.
const maxSessionKeyPairs = 3

// SessionKeyPair authenticates (HMAC-SHA256, 64 bytes) and encrypts
// (AES-256, 32 bytes) session cookies.
type SessionKeyPair struct {
	Hash  []byte `json:"hash"`
	Block []byte `json:"block"`
}

func newKeyPair() (SessionKeyPair, error) {
	p := SessionKeyPair{Hash: make([]byte, 64), Block: make([]byte, 32)}
	if _, err := rand.Read(p.Hash); err != nil {
		return p, err
	}
	_, err := rand.Read(p.Block)
	return p, err
}

// SessionKeys returns the session cookie key pairs, newest first, creating
// the first pair on first use. Cookies are encoded with the first pair and
// decoded with any, so a rotation does not log anybody out.
func (r *Registry) SessionKeys() ([]SessionKeyPair, error) {
	pairs, err := r.readSessionKeys()
	if err == nil && len(pairs) > 0 {
		return pairs, nil
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	return r.RotateSessionKeys("system")
}

func (r *Registry) readSessionKeys() ([]SessionKeyPair, error) {
	rec, err := r.platform.FindFirstRecordByData("platform_secrets", "name", sessionKeysName)
	if err != nil {
		return nil, err
	}
	raw, err := base64.StdEncoding.DecodeString(rec.GetString("value"))
	if err != nil {
		return nil, fmt.Errorf("session keys: %w", err)
	}
	var pairs []SessionKeyPair
	if err := json.Unmarshal(raw, &pairs); err != nil {
		return nil, fmt.Errorf("session keys: %w", err)
	}
	return pairs, nil
}

// RotateSessionKeys adds a new key pair in front, keeps at most three and
// records a platform audit event. A running server picks the new keys up
// when restarted.
func (r *Registry) RotateSessionKeys(actor string) ([]SessionKeyPair, error) {
	var out []SessionKeyPair
	err := r.platform.RunInTransaction(func(tx core.App) error {
		pairs, _ := r.readSessionKeys()
		p, err := newKeyPair()
		if err != nil {
			return err
		}
		out = append([]SessionKeyPair{p}, pairs...)
		if len(out) > maxSessionKeyPairs {
			out = out[:maxSessionKeyPairs]
		}
		raw, err := json.Marshal(out)
		if err != nil {
			return err
		}
		rec, err := tx.FindFirstRecordByData("platform_secrets", "name", sessionKeysName)
		if err != nil {
			col, cerr := tx.FindCachedCollectionByNameOrId("platform_secrets")
			if cerr != nil {
				return cerr
			}
			rec = core.NewRecord(col)
			rec.Set("name", sessionKeysName)
		}
		rec.Set("value", base64.StdEncoding.EncodeToString(raw))
		if err := tx.Save(rec); err != nil {
			return err
		}
		return PlatformAudit(tx, actor, "secrets.rotate_session_keys", "", map[string]any{"pairs": len(out)})
	})
	return out, err
}
