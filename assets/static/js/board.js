// FieldOps360 — dispatch board drag and drop. The board is server-rendered
// and works without this script (each unassigned card has an "assign to"
// form, each card a link to its assign page). Here: HTML5 drag and drop
// with the mouse, a pointer fallback for touch and pens, and while a card
// is over a cell the conflicts of that drop are fetched from the server
// (GET /dispatch/check) and the cell turns green, orange or red. The drop
// posts to /dispatch/assign (or /dispatch/unassign on the list); the
// server enforces the rules and the page's SSE stream redraws the board
// for every viewer. Listeners are delegated: they survive the redraws.

const page = () => document.querySelector('[data-testid="dispatch-page"]');
const msg = (k) => (page() && page().dataset["msg" + k[0].toUpperCase() + k.slice(1)]) || k;
const cache = new Map();
let drag = null; // {card, over, tip, ghost, pointer}

function toast(text, kind, link) {
  const region = document.getElementById("toasts");
  if (!region) { window.alert(text); return; }
  const div = document.createElement("div");
  div.className = "toast toast-" + kind;
  div.setAttribute("role", kind === "error" ? "alert" : "status");
  div.dataset.testid = "toast-" + kind;
  const span = document.createElement("span");
  span.textContent = text;
  div.append(span);
  if (link) {
    const a = document.createElement("a");
    a.href = link.href;
    a.textContent = link.text;
    a.dataset.testid = "override-link";
    div.append(" ", a);
  }
  const close = document.createElement("button");
  close.type = "button";
  close.className = "toast-close";
  close.setAttribute("aria-label", "×");
  close.textContent = "×";
  close.addEventListener("click", () => div.remove());
  div.append(close);
  region.append(div);
  if (kind !== "error") setTimeout(() => div.remove(), 4000);
}

function announce(text) {
  const s = document.getElementById("board-status");
  if (s) s.textContent = text;
}

// target describes a drop zone: a cell (row, kind, day) or the pool.
function target(el) {
  const z = el && el.closest && el.closest(".board-cell, .board-pool");
  if (!z) return null;
  return z.classList.contains("board-pool") ? { el: z, pool: true } : { el: z, row: z.dataset.row, kind: z.dataset.kind, day: z.dataset.day };
}

function same(t, card) {
  if (!t) return true;
  if (t.pool) return !card.dataset.from;
  return t.row === card.dataset.from && t.el.contains(card);
}

async function check(card, t) {
  const q = new URLSearchParams({ task: card.dataset.task, day: t.day });
  q.set(t.kind === "crew" ? "crew" : "user", t.row);
  const key = q.toString();
  if (!cache.has(key)) {
    cache.set(key, fetch("/dispatch/check?" + key, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((r) => r.json()).catch(() => null));
  }
  return cache.get(key);
}

function clearOver() {
  if (!drag || !drag.over) return;
  drag.over.el.classList.remove("board-over", "board-ok", "board-warn", "board-block");
  delete drag.over.el.dataset.state;
  drag.over = null;
  if (drag.tip) drag.tip.hidden = true;
}

function tip(x, y, text) {
  if (!drag.tip) {
    drag.tip = document.createElement("div");
    drag.tip.className = "board-tip";
    drag.tip.dataset.testid = "drag-tip";
    document.body.append(drag.tip);
  }
  drag.tip.hidden = !text;
  drag.tip.textContent = text;
  drag.tip.style.left = x + 14 + "px";
  drag.tip.style.top = y + 14 + "px";
}

// over highlights the zone under the pointer, checking its conflicts.
function over(el, x, y) {
  const t = target(el);
  if (drag.over && t && drag.over.el === t.el) { if (drag.tip && !drag.tip.hidden) tip(x, y, drag.tip.textContent); return t; }
  clearOver();
  if (!t || same(t, drag.card)) return t;
  drag.over = t;
  t.el.classList.add("board-over");
  if (t.pool) return t;
  tip(x, y, msg("checking"));
  check(drag.card, t).then((res) => {
    if (!drag || drag.over !== t || !res) return;
    const cs = res.conflicts || [];
    t.el.classList.add(res.blocking ? "board-block" : cs.length ? "board-warn" : "board-ok");
    t.el.dataset.state = res.blocking ? "block" : cs.length ? "warn" : "ok";
    const text = cs.length ? cs.map((c) => c.message).join(" · ") : msg("ok");
    tip(x, y, text);
    announce(text);
  });
  return t;
}

async function post(url, body) {
  const res = await fetch(url, { method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json" }, body: JSON.stringify(body) });
  return { ok: res.ok, status: res.status, body: await res.json().catch(() => ({})) };
}

async function dropOn(card, t) {
  if (!t || same(t, card)) return;
  const task = card.dataset.task;
  const from = card.dataset.from || "";
  const kind = t.pool ? (page().querySelector("#dispatch-board") || {}).dataset?.kind : t.kind;
  let r;
  card.classList.add("board-saving");
  announce(msg("saving"));
  try {
    if (t.pool) {
      r = await post("/dispatch/unassign", kind === "crew" ? { task, crew: from } : { task, user: from });
    } else {
      const body = { task, day: t.day };
      body[t.kind === "crew" ? "crew" : "user"] = t.row;
      if (t.kind !== "crew" && from && from !== t.row) body.from = from;
      r = await post("/dispatch/assign", body);
    }
  } catch (err) {
    card.classList.remove("board-saving");
    toast(String(err), "error");
    return;
  }
  cache.clear();
  if (!r.ok) {
    card.classList.remove("board-saving");
    const lines = (r.body.conflicts || []).map((c) => c.message);
    const text = [r.body.message || String(r.status)].concat(lines.length > 1 ? lines : []).join(" — ");
    let link = null;
    if (r.status === 409 && r.body.can_override && !t.pool) {
      const q = new URLSearchParams({ day: t.day });
      if (t.kind !== "crew") q.set("user", t.row);
      link = { href: "/tasks/" + task + "/assign?" + q.toString(), text: msg("override") };
    }
    toast(text, "error", link);
    return;
  }
  const warn = (r.body.warnings || []).map((c) => c.message);
  toast(warn.length ? msg("saved") + " — " + warn.join(" · ") : msg("saved"), warn.length ? "warning" : "success");
  // the stream redraws the board for every viewer; if it dropped, reload.
  setTimeout(() => { if (card.isConnected && card.classList.contains("board-saving")) window.location.reload(); }, 3000);
}

function end() {
  if (frame) { cancelAnimationFrame(frame); frame = 0; }
  at = null;
  if (!drag) return;
  clearOver();
  drag.card.classList.remove("board-dragging");
  if (drag.ghost) drag.ghost.remove();
  if (drag.tip) drag.tip.remove();
  drag = null;
}

// HTML5 drag and drop (mouse).
document.addEventListener("dragstart", (ev) => {
  const card = ev.target.closest && ev.target.closest('.board-card[draggable="true"]');
  if (!card) return;
  if (drag && drag.pointer) { drag.ghost && drag.ghost.remove(); drag = null; }
  drag = { card, over: null };
  ev.dataTransfer.effectAllowed = "move";
  ev.dataTransfer.setData("text/plain", card.dataset.task);
  card.classList.add("board-dragging");
});
document.addEventListener("dragover", (ev) => {
  if (!drag || drag.pointer) return;
  const t = over(ev.target, ev.clientX, ev.clientY);
  if (t && !same(t, drag.card)) { ev.preventDefault(); ev.dataTransfer.dropEffect = "move"; }
});
document.addEventListener("drop", (ev) => {
  if (!drag || drag.pointer) return;
  ev.preventDefault();
  const card = drag.card, t = target(ev.target);
  end();
  dropOn(card, t);
});
document.addEventListener("dragend", () => { if (drag && !drag.pointer) end(); });

// Pointer fallback (touch, pen; and a mouse when no native drag starts).
let pending = null;
document.addEventListener("pointerdown", (ev) => {
  const card = ev.target.closest && ev.target.closest('.board-card[draggable="true"]');
  if (!card || ev.button !== 0 || ev.target.closest("a, button, select, input, label, textarea")) return;
  pending = { card, x0: ev.clientX, y0: ev.clientY, id: ev.pointerId };
});
// The pointer drag works once per animation frame, reads before writes:
// the zone under the pointer is read (elementFromPoint, on the layout the
// last frame left clean), then the ghost, the highlight and the tip are
// written. Moving the ghost first and then asking elementFromPoint forced
// a synchronous layout on every pointermove.
let frame = 0, at = null;
function pointerFrame() {
  frame = 0;
  if (!drag || !drag.pointer || !at) return;
  const { x, y } = at;
  const el = document.elementFromPoint(x, y); // read
  drag.ghost.style.transform = "translate(" + (x + 8) + "px," + (y + 8) + "px)"; // writes
  over(el, x, y);
}

document.addEventListener("pointermove", (ev) => {
  if (pending && !drag && Math.hypot(ev.clientX - pending.x0, ev.clientY - pending.y0) > 6) {
    const card = pending.card;
    drag = { card, over: null, pointer: true, ghost: card.cloneNode(true) };
    drag.ghost.classList.add("board-ghost");
    drag.ghost.removeAttribute("data-testid");
    document.body.append(drag.ghost);
    card.classList.add("board-dragging");
    pending = null;
  }
  if (!drag || !drag.pointer) return;
  ev.preventDefault();
  at = { x: ev.clientX, y: ev.clientY };
  if (!frame) frame = requestAnimationFrame(pointerFrame);
});
document.addEventListener("pointerup", (ev) => {
  pending = null;
  if (!drag || !drag.pointer) return;
  const card = drag.card, t = target(document.elementFromPoint(ev.clientX, ev.clientY));
  end();
  dropOn(card, t);
});
document.addEventListener("pointercancel", () => { pending = null; if (drag && drag.pointer) end(); });
document.addEventListener("keydown", (ev) => { if (ev.key === "Escape" && drag) end(); });

// the site filter of the unassigned list applies on change.
document.addEventListener("change", (ev) => {
  if (ev.target.matches && ev.target.matches("select[data-board-filter]")) ev.target.form.submit();
});
