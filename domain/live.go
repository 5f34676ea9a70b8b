package domain

import (
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/pocketbase/pocketbase/core"
)

// Live views: pages kept up to date over a server-sent event stream
// (dispatch board, Gantt, multi-site planning, users list, dashboards).
//
// A view is identified by a key: everything that changes its bytes except
// the viewer (page, parameters, language, time zone). Every stream of one
// key shares one view, which listens to topics; a change to one of them
// wakes the view, which waits for the burst to end, loads its data once,
// renders once per audience (the viewers who see the same bytes: same
// permissions on the data just loaded) and hands the same bytes to every
// stream of that audience. A stream only keeps the latest frame it has not
// written yet: every frame is the view's full state, so a stream that
// falls behind skips intermediate frames and is brought up to date by the
// next one, never left with a silent gap. Unchanged bytes are not re-sent.
//
// Use:
//
//	s := domain.Watch(domain.LiveOf(app), domain.LiveView[D]{Key: …, Topics: …, Load: …, Audience: …, Render: …}, viewer)
//	defer s.Close()
//	for { select { case <-s.Ready(): write(s.Next()); case <-s.Done(): return } }
//
// and changes are published with Live.Publish (record changes are
// published by the hooks, see ChangeTopics).
//
// Every tenant app has its own Live (never shared across tenants); a
// view and its goroutine are dropped when its last stream closes, and
// closing the tenant app ends its streams.
type Live struct {
	log     *slog.Logger
	mu      sync.Mutex
	views   map[string]*liveView
	byTopic map[Topic]map[*liveView]struct{}
	closed  bool
	streams atomic.Int64
	renders atomic.Int64
}

// LiveView declares a live view of data D.
type LiveView[D any] struct {
	// Key identifies the view within the tenant: streams with the same key
	// share its renders, so it must hold every request parameter, the
	// language and the time zone that the bytes depend on.
	Key string
	// Topics are the changes that wake the view.
	Topics []Topic
	// Load reads the view's data, once per render pass.
	Load func() (D, error)
	// Audience groups viewers who see the same bytes of data (e.g. the
	// sites they may see and edit). Nil: every viewer sees the same bytes.
	Audience func(data D, viewer *core.Record) string
	// Render returns the frame (bytes written as they are to the streams)
	// for the audience of viewer; nil sends nothing to that audience.
	Render func(data D, viewer *core.Record) ([]byte, error)
}

// liveKey is the app store key of a tenant's live views.
const liveKey = "fieldops.live"

// LiveOf returns the tenant app's live views, creating them on first use.
func LiveOf(app core.App) *Live {
	return app.Store().GetOrSet(liveKey, func() any {
		return &Live{log: app.Logger(), views: map[string]*liveView{}, byTopic: map[Topic]map[*liveView]struct{}{}}
	}).(*Live)
}

// Watch opens a stream of the view v for viewer, creating the view on
// first use (a later stream of the same key shares the first one's
// functions). The caller must Close the stream.
func Watch[D any](l *Live, v LiveView[D], viewer *core.Record) *LiveStream {
	s := &LiveStream{viewer: viewer, ready: make(chan struct{}, 1), done: make(chan struct{})}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		s.end()
		return s
	}
	view := l.views[v.Key]
	if view == nil {
		view = newLiveView(l, v.Key, v.Topics, passOf(l, v))
		l.views[v.Key] = view
		for _, t := range view.topics {
			if l.byTopic[t] == nil {
				l.byTopic[t] = map[*liveView]struct{}{}
			}
			l.byTopic[t][view] = struct{}{}
		}
		go view.run()
	}
	s.view = view
	view.streams[s] = struct{}{}
	l.streams.Add(1)
	return s
}

// Publish wakes the views listening to any of topics. It never blocks:
// the views render on their own goroutines.
func (l *Live) Publish(topics ...Topic) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, t := range topics {
		for v := range l.byTopic[t] {
			v.poke()
		}
	}
}

// Streams returns the number of open streams.
func (l *Live) Streams() int { return int(l.streams.Load()) }

// Views returns the number of views with at least one stream.
func (l *Live) Views() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.views)
}

// Renders returns how many renders (one per view and audience and pass)
// were made since the tenant opened.
func (l *Live) Renders() int64 { return l.renders.Load() }

// Close ends every stream and view (the tenant app is closing); later
// streams end at once.
func (l *Live) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	for key, v := range l.views {
		for s := range v.streams {
			s.end()
		}
		l.drop(key, v)
	}
}

// remove detaches a closed stream, dropping its view with the last one.
func (l *Live) remove(s *LiveStream) {
	l.mu.Lock()
	defer l.mu.Unlock()
	v := s.view
	if _, ok := v.streams[s]; !ok {
		return
	}
	delete(v.streams, s)
	l.streams.Add(-1)
	if len(v.streams) == 0 {
		l.drop(v.key, v)
	}
}

// drop forgets a view and stops its goroutine (l.mu held).
func (l *Live) drop(key string, v *liveView) {
	if l.views[key] == v {
		delete(l.views, key)
	}
	for _, t := range v.topics {
		delete(l.byTopic[t], v)
		if len(l.byTopic[t]) == 0 {
			delete(l.byTopic, t)
		}
	}
	l.streams.Add(-int64(len(v.streams)))
	clear(v.streams)
	v.stop()
}

// snapshot returns the view's streams at the start of a render pass.
func (l *Live) snapshot(v *liveView) []*LiveStream {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]*LiveStream, 0, len(v.streams))
	for s := range v.streams {
		out = append(out, s)
	}
	return out
}

// passOf returns the render pass of v: load once, render once per
// audience, deliver to every stream.
func passOf[D any](l *Live, v LiveView[D]) func(*liveView, []*LiveStream) {
	return func(view *liveView, streams []*LiveStream) {
		data, err := v.Load()
		if err != nil {
			return // shown on the next change or page load
		}
		audiences := map[string]string{} // viewer version → audience
		frames := map[string]*liveFrame{}
		for _, s := range streams {
			id := viewerVersion(s.viewer)
			a, ok := audiences[id]
			if !ok {
				if v.Audience != nil {
					a = v.Audience(data, s.viewer)
				}
				audiences[id] = a
			}
			f, ok := frames[a]
			if !ok {
				l.renders.Add(1)
				b, err := v.Render(data, s.viewer)
				if err != nil {
					b = nil
				}
				f = view.remember(a, b)
				frames[a] = f
			}
			if f != nil {
				s.deliver(f)
			}
		}
		view.forget(frames)
	}
}

// viewerVersion identifies a viewer record as loaded (id and update time):
// streams of one user share their audience computation.
func viewerVersion(u *core.Record) string {
	if u == nil {
		return ""
	}
	return u.Id + "@" + u.GetString("updated")
}
