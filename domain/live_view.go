package domain

import (
	"bytes"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// A burst of changes (a move rescheduling its successors, a batch of
// assignments) renders once: a woken view waits until no change came for
// liveQuiet, at most liveMaxWait after the first one.
const (
	liveQuiet   = 4 * time.Millisecond
	liveMaxWait = 40 * time.Millisecond
)

// liveView is one live view and its render goroutine.
type liveView struct {
	hub     *Live
	key     string
	topics  []Topic
	pass    func(*liveView, []*LiveStream)
	streams map[*LiveStream]struct{} // guarded by hub.mu
	wake    chan struct{}            // a change is waiting (capacity 1)
	done    chan struct{}            // closed when the view is dropped
	stopped sync.Once
	last    map[string]*liveFrame // last frame per audience (render goroutine only)
}

// liveFrame is the bytes of one render, shared by the streams of an
// audience; a stream compares frames by identity.
type liveFrame struct{ b []byte }

func newLiveView(l *Live, key string, topics []Topic, pass func(*liveView, []*LiveStream)) *liveView {
	return &liveView{hub: l, key: key, topics: topics, pass: pass, streams: map[*LiveStream]struct{}{},
		wake: make(chan struct{}, 1), done: make(chan struct{}), last: map[string]*liveFrame{}}
}

// poke marks the view dirty without blocking.
func (v *liveView) poke() {
	select {
	case v.wake <- struct{}{}:
	default:
	}
}

func (v *liveView) stop() { v.stopped.Do(func() { close(v.done) }) }

// run renders the view after each burst of changes until it is dropped.
func (v *liveView) run() {
	quiet := time.NewTimer(time.Hour)
	quiet.Stop()
	for {
		select {
		case <-v.done:
			return
		case <-v.wake:
		}
		deadline := time.Now().Add(liveMaxWait)
		quiet.Reset(liveQuiet)
	burst:
		for {
			select {
			case <-v.done:
				return
			case <-v.wake:
				if time.Now().After(deadline) {
					break burst
				}
				quiet.Reset(liveQuiet)
			case <-quiet.C:
				break burst
			}
		}
		quiet.Stop()
		if streams := v.hub.snapshot(v); len(streams) > 0 {
			v.safePass(streams)
		}
	}
}

// safePass runs a render pass; a panic (a bug in a renderer) is logged
// and the view waits for the next change, as a failed request would.
func (v *liveView) safePass(streams []*LiveStream) {
	defer func() {
		if r := recover(); r != nil {
			v.hub.log.Error("live view render panicked", "view", v.key, "panic", r, "stack", string(debug.Stack()))
		}
	}()
	v.pass(v, streams)
}

// remember returns the frame of b for audience a: the previous frame when
// the bytes did not change (so that streams which have it skip it), nil
// for no bytes.
func (v *liveView) remember(a string, b []byte) *liveFrame {
	if b == nil {
		return nil
	}
	if f := v.last[a]; f != nil && bytes.Equal(f.b, b) {
		return f
	}
	f := &liveFrame{b: b}
	v.last[a] = f
	return f
}

// forget drops the frames of audiences no stream belongs to any more.
func (v *liveView) forget(seen map[string]*liveFrame) {
	for a := range v.last {
		if _, ok := seen[a]; !ok {
			delete(v.last, a)
		}
	}
}

// LiveStream is one client of a live view (see Live). Its owner writes
// Next whenever Ready fires, until Done is closed or the client leaves,
// then calls Close.
type LiveStream struct {
	view    *liveView
	viewer  *core.Record
	mu      sync.Mutex
	pending *liveFrame // latest frame not yet taken
	sent    *liveFrame // last frame taken
	skipped atomic.Int64
	ready   chan struct{} // a frame is pending (capacity 1)
	done    chan struct{} // closed when the hub ends the stream
	ended   sync.Once
	closed  sync.Once
}

// deliver makes f the stream's pending frame, replacing (skipping) one
// not yet taken: f is the full state, so nothing is lost.
func (s *LiveStream) deliver(f *liveFrame) {
	s.mu.Lock()
	if s.pending != nil && s.pending != f {
		s.skipped.Add(1)
	}
	if f == s.sent { // the client has these bytes already
		s.pending = nil
		s.mu.Unlock()
		return
	}
	s.pending = f
	s.mu.Unlock()
	select {
	case s.ready <- struct{}{}:
	default:
	}
}

// Ready fires when a frame is waiting for Next.
func (s *LiveStream) Ready() <-chan struct{} { return s.ready }

// Next returns the latest frame not yet taken (nil when none).
func (s *LiveStream) Next() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.pending
	if f == nil {
		return nil
	}
	s.pending, s.sent = nil, f
	return f.b
}

// Skipped returns how many frames were replaced by a newer one before
// being taken (the stream fell behind and caught up with a full frame).
func (s *LiveStream) Skipped() int64 { return s.skipped.Load() }

// Done is closed when the hub ends the stream (tenant closing).
func (s *LiveStream) Done() <-chan struct{} { return s.done }

func (s *LiveStream) end() { s.ended.Do(func() { close(s.done) }) }

// Close detaches the stream from its view (the view goes with its last
// stream). It is safe to call more than once.
func (s *LiveStream) Close() {
	s.closed.Do(func() {
		if s.view != nil {
			s.view.hub.remove(s)
		}
		s.end()
	})
}
