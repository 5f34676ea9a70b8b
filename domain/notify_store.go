package domain

import (
	"encoding/json"
	"math"
	"reflect"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/catalog"
)

// notifyLockKey is the app store key of the lock that serialises a
// tenant's evaluations (hooks, the periodic job, settings saves).
const notifyLockKey = "fieldops.notifyLock"

// EvaluateNotifications evaluates the rules of the given kinds (every
// kind when none) at now and brings the stored notifications in line:
// a condition that holds and that a recipient has no unresolved
// notification of gets one (once: the same subject in the same state
// never notifies twice while it holds); an unresolved notification whose
// condition no longer holds is marked resolved (it leaves the unread
// count); one that still holds keeps its read state and gets the latest
// figures. It returns how many notifications were created.
func EvaluateNotifications(app core.App, now time.Time, kinds ...string) (int, error) {
	if len(kinds) == 0 {
		kinds = NotifyKinds()
	}
	mu := app.Store().GetOrSet(notifyLockKey, func() any { return &sync.Mutex{} }).(*sync.Mutex)
	mu.Lock()
	defer mu.Unlock()
	ev, err := newNotifyEval(app, now)
	if err != nil {
		return 0, err
	}
	var conds []notifyCondition
	for _, k := range kinds {
		rule, ok := notifyRules[k]
		if !ok || !ev.settings.Enabled(k) {
			continue
		}
		cs, err := rule(ev)
		if err != nil {
			return 0, err
		}
		conds = append(conds, cs...)
	}
	return reconcileNotifications(app, now, kinds, conds)
}

// reconcileNotifications stores conds (conditions of kinds that hold)
// against the unresolved notifications of kinds, in one transaction.
func reconcileNotifications(app core.App, now time.Time, kinds []string, conds []notifyCondition) (int, error) {
	want := map[string]notifyCondition{}
	for _, c := range conds {
		for _, u := range c.to {
			want[u+"\x00"+c.key()] = c
		}
	}
	created := 0
	err := app.RunInTransaction(func(tx core.App) error {
		var open []*core.Record
		err := tx.RecordQuery(CollectionNotifications).
			AndWhere(dbx.HashExp{"resolved_at": ""}).AndWhere(dbx.In("kind", anySlice(kinds)...)).All(&open)
		if err != nil {
			return err
		}
		for _, n := range AsNotifications(open) {
			k := n.UserID() + "\x00" + n.Key()
			c, holds := want[k]
			delete(want, k)
			if !holds {
				n.SetResolvedAt(now)
				if err := tx.Save(n.Record); err != nil {
					return err
				}
				continue
			}
			if args := jsonArgs(c.args); !sameJSON(n.Args(), args) {
				n.SetArgs(args)
				if err := tx.Save(n.Record); err != nil {
					return err
				}
			}
		}
		col, err := tx.FindCachedCollectionByNameOrId(CollectionNotifications)
		if err != nil {
			return err
		}
		for k, c := range want {
			n := Notification{Record: core.NewRecord(col)}
			n.SetUserID(k[:len(k)-len(c.key())-1])
			n.SetKind(c.kind)
			n.SetState(c.state)
			n.SetKey(c.key())
			n.SetSiteID(c.site)
			n.SetSubject(c.subject)
			n.SetMessage(c.message)
			n.SetArgs(jsonArgs(c.args))
			if err := tx.Save(n.Record); err != nil {
				return err
			}
			created++
		}
		return nil
	})
	return created, err
}

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// jsonArgs encodes message arguments.
func jsonArgs(args []any) []byte {
	b, _ := json.Marshal(args)
	return b
}

// sameJSON compares two JSON documents by value.
func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// CountUnreadNotifications returns how many unread notifications of
// conditions that still hold the user has (the bell's count).
func CountUnreadNotifications(app core.App, userID string) (int, error) {
	var n int
	err := app.DB().Select("COUNT(*)").From(CollectionNotifications).
		Where(dbx.HashExp{"user": userID, "read_at": "", "resolved_at": ""}).Row(&n)
	return n, err
}

// FindUserNotifications returns a user's notifications, newest first,
// with their sites expanded; unreadOnly keeps the unread ones of
// conditions that still hold.
func FindUserNotifications(app core.App, userID string, unreadOnly bool, limit int) ([]Notification, error) {
	filter := "user = {:u}"
	if unreadOnly {
		filter += " && read_at = '' && resolved_at = ''"
	}
	recs, err := app.FindRecordsByFilter(CollectionNotifications, filter, "-created,-id", limit, 0, dbx.Params{"u": userID})
	if err != nil {
		return nil, err
	}
	if errs := app.ExpandRecords(recs, []string{"site"}, nil); len(errs) > 0 {
		for _, e := range errs {
			return nil, e
		}
	}
	return AsNotifications(recs), nil
}

// MarkNotificationsRead marks the user's notification id read (every
// unread one of theirs when id is ""). Another user's notification is
// not found.
func MarkNotificationsRead(app core.App, userID, id string, now time.Time) error {
	if id != "" {
		n, err := FindNotification(app, id)
		if err != nil || n.UserID() != userID {
			return Errorf(ENotFound, "err.notify.not_found")
		}
		if !n.ReadAt().IsZero() {
			return nil
		}
		n.SetReadAt(now)
		return app.Save(n.Record)
	}
	recs, err := app.FindRecordsByFilter(CollectionNotifications, "user = {:u} && read_at = ''", "", 0, 0, dbx.Params{"u": userID})
	if err != nil {
		return err
	}
	return app.RunInTransaction(func(tx core.App) error {
		for _, n := range AsNotifications(recs) {
			n.SetReadAt(now)
			if err := tx.Save(n.Record); err != nil {
				return err
			}
		}
		return nil
	})
}

// NotificationText renders a notification's message in lang: its
// catalogue key with its arguments, dates in the language's format.
func NotificationText(n Notification, lang string) string {
	var raw []any
	_ = json.Unmarshal(n.Args(), &raw)
	args := make([]any, len(raw))
	for i, a := range raw {
		switch v := a.(type) {
		case map[string]any:
			d, _ := time.Parse(time.DateOnly, stringOf(v["date"]))
			args[i] = formatDay(d, lang)
		case float64:
			if v == math.Trunc(v) {
				args[i] = int(v)
			} else {
				args[i] = v
			}
		default:
			args[i] = v
		}
	}
	return catalog.New(n.Message(), args...).In(lang)
}

func stringOf(v any) string { s, _ := v.(string); return s }

// formatDay formats a civil date as the pages do (fr 05/12/2026, en 5 Dec 2026).
func formatDay(d time.Time, lang string) string {
	if d.IsZero() {
		return "—"
	}
	if lang == "en" {
		return d.Format("2 Jan 2006")
	}
	return d.Format("02/01/2006")
}

// NotificationLink returns the page of a notification's subject (a
// clearance's is its holder's page).
func NotificationLink(app core.App, n Notification) string {
	site, subject := n.SiteID(), n.Subject()
	switch n.Kind() {
	case NotifyBudget:
		return "/sites/" + site
	case NotifyMilestoneLate:
		return "/sites/" + site + "/phases"
	case NotifyTaskLate:
		return "/sites/" + site + "/tasks/" + subject + "/edit"
	case NotifyDocumentExpiring:
		return "/sites/" + site + "/documents"
	case NotifyIncidentHigh:
		return "/sites/" + site + "/incidents/" + subject
	case NotifyStockLow:
		return "/materials/" + subject
	case NotifyTimePending:
		return "/time-approvals"
	case NotifyClearanceExpiring:
		if c, err := FindClearanceRecord(app, subject); err == nil {
			return "/people/" + c.UserID()
		}
	}
	return "/notifications"
}

// SetNotifyDigest turns the user's daily e-mail digest on or off.
func SetNotifyDigest(app core.App, user *core.Record, on bool) error {
	u, err := FindUser(app, user.Id)
	if err != nil {
		return err
	}
	if u.NotifyDigest() == on {
		return nil
	}
	u.SetNotifyDigest(on)
	setActor(u.Record, user)
	return app.Save(u.Record)
}
