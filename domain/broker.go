package domain

import (
	"sync"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// Change is a committed change of a record, published to live views.
type Change struct {
	Collection string
	RecordID   string
	Action     string // create, update, delete
	Topics     []Topic
}

// Broker fans committed changes out to in-process subscribers of one
// tenant. Subscribers get a buffered channel; a slow subscriber drops
// changes rather than blocking writers. Live views (SSE streams) do not
// use it: they listen to topics through Live, which never loses a change.
type Broker struct {
	mu   sync.Mutex
	subs map[chan Change]map[string]bool // channel → collections (empty = all)
}

// brokerKey is the app store key of a tenant's broker.
const brokerKey = "fieldops.broker"

// BrokerOf returns the tenant app's broker, creating it on first use.
func BrokerOf(app core.App) *Broker {
	return app.Store().GetOrSet(brokerKey, func() any { return &Broker{subs: map[chan Change]map[string]bool{}} }).(*Broker)
}

// Subscribe returns a channel of changes to the given collections (all
// when none) and a cancel func that must be called when done.
func (b *Broker) Subscribe(collections ...string) (<-chan Change, func()) {
	ch := make(chan Change, 64)
	set := map[string]bool{}
	for _, c := range collections {
		set[c] = true
	}
	b.mu.Lock()
	b.subs[ch] = set
	b.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			b.mu.Lock()
			delete(b.subs, ch)
			b.mu.Unlock()
		})
	}
}

// Subscribers returns the number of live subscribers.
func (b *Broker) Subscribers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}

// Publish sends c to every interested subscriber without blocking.
func (b *Broker) Publish(c Change) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch, set := range b.subs {
		if len(set) > 0 && !set[c.Collection] {
			continue
		}
		select {
		case ch <- c:
		default:
		}
	}
}

// bindBroker publishes every committed record change to the broker and
// its topics to the live views, and ends the live streams when the tenant
// app closes.
func bindBroker(app core.App) {
	b, live := BrokerOf(app), LiveOf(app)
	publish := func(action string) func(e *core.RecordEvent) error {
		return func(e *core.RecordEvent) error {
			topics := ChangeTopics(e.App, e.Record, action)
			b.Publish(Change{Collection: e.Record.Collection().Name, RecordID: e.Record.Id, Action: action, Topics: topics})
			live.Publish(topics...)
			return e.Next()
		}
	}
	app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{Id: "fieldopsLiveClose", Func: func(e *core.TerminateEvent) error {
		live.Close()
		return e.Next()
	}})
	app.OnRecordAfterCreateSuccess().Bind(&hook.Handler[*core.RecordEvent]{Id: "fieldopsBrokerCreate", Func: publish(AuditCreate)})
	app.OnRecordAfterUpdateSuccess().Bind(&hook.Handler[*core.RecordEvent]{Id: "fieldopsBrokerUpdate", Func: publish(AuditUpdate)})
	app.OnRecordAfterDeleteSuccess().Bind(&hook.Handler[*core.RecordEvent]{Id: "fieldopsBrokerDelete", Func: publish(AuditDelete)})
}
