// FieldOps360 crew app — progressive enhancement of the crew pages
// (which work as plain forms): registers the service worker (offline
// shell), checks forms on the phone, queues form writes in the IndexedDB
// outbox with the device time and one position taken at that moment
// (never continuous tracking), and replays the outbox at start, on
// reconnect and periodically. A success message is shown only once the
// server accepted; offline the page says the action waits to be sent; a
// refusal keeps the values in the form with the server's message, and
// stays listed on every page until it is corrected or discarded.
import { Outbox, ulid, recordId } from "./outbox.js";
import { texts, fmt, validate, clearErrors, fieldError, formError, fill } from "./crewform.js";

const bar = document.getElementById("outbox");
const refusedBox = document.getElementById("outbox-refused");
const uploadsBox = document.getElementById("outbox-uploads");
const RETRY_MS = 5000;
const OPEN_KEY = "fieldops.open-entry";
const t = texts();

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/m/sw.js", { scope: "/m/" }).catch(() => {});
}

const idb = await import(bar.dataset.idb);
const outbox = new Outbox(idb, bar.dataset.user || "");
window.fieldopsOutbox = outbox; // for diagnostics and tests

async function showCount() {
  const n = await outbox.count();
  bar.hidden = n === 0;
  bar.textContent = n === 1 ? bar.dataset.one : bar.dataset.many.replace("%d", String(n));
  bar.dataset.count = String(n);
  await showRefused();
  return n;
}

function toast(text, kind = "info") {
  const region = document.getElementById("toasts");
  if (!region) return;
  const div = document.createElement("div");
  div.className = "toast toast-" + kind;
  div.dataset.testid = "toast-" + kind;
  div.textContent = text;
  region.append(div);
  setTimeout(() => div.remove(), 7000);
}

// what names a queued entry as the office inbox does.
function what(it) {
  if (it.upload) return t["what." + it.upload.purpose] || it.upload.purpose;
  return t["what." + it.op.collection + "." + it.op.op] || it.op.collection;
}

// fixHref is the page where a refused entry is corrected ("" when none:
// it can only be discarded).
function fixHref(it) {
  let from = it.from;
  if (!from && it.op) {
    if (it.op.collection === "incidents" && it.op.op === "create") from = "/m/incident";
    else if (it.op.collection === "time_entries" && it.op.op === "create") from = "/m/time";
    else if (it.op.collection === "tasks") from = "/m/tasks/" + it.op.id;
  }
  if (!from && it.upload && it.upload.purpose === "photo") from = "/m/photos";
  if (!from) return "";
  const u = new URL(from, location.origin);
  u.searchParams.set("fix", String(it.seq));
  return u.pathname + u.search;
}

// showRefused lists the entries the server refused, with its message,
// a correction link and a discard button (confirmed).
async function showRefused() {
  if (!refusedBox) return;
  const list = await outbox.refused();
  refusedBox.hidden = list.length === 0;
  refusedBox.dataset.count = String(list.length);
  refusedBox.replaceChildren();
  if (list.length === 0) return;
  const h = document.createElement("h2");
  h.textContent = t.refused_title;
  const hint = document.createElement("p");
  hint.className = "muted small";
  hint.textContent = t.refused_hint;
  const ul = document.createElement("ul");
  for (const it of list) {
    const li = document.createElement("li");
    li.dataset.testid = "refused-item";
    li.dataset.key = it.key;
    const head = document.createElement("p");
    const name = document.createElement("strong");
    name.textContent = what(it);
    const when = document.createElement("span");
    when.className = "muted small";
    when.textContent = " · " + fmt(t.queued_at, new Date(it.queued_at).toLocaleString(document.documentElement.lang || "fr", { dateStyle: "short", timeStyle: "short" }));
    head.append(name, when);
    const msg = document.createElement("p");
    msg.className = "form-error";
    msg.dataset.testid = "refused-message";
    msg.textContent = it.refused.error || String(it.refused.status);
    const parts = [head, msg];
    // NB: the excavation gate's refusal (domain.KeyExcavationRefused):
    // the task page offers urgent works or says whom to ask
    if (it.refused.reason === "err.task.excavation_refused") {
      const urgent = document.createElement("p");
      urgent.className = "small";
      urgent.dataset.testid = "refused-urgent";
      urgent.textContent = t.urgent;
      parts.push(urgent);
    }
    const actions = document.createElement("p");
    actions.className = "refused-actions";
    const href = fixHref(it);
    if (href) {
      const a = document.createElement("a");
      a.className = "btn btn-small";
      a.href = href;
      a.dataset.testid = "refused-fix";
      a.textContent = t.fix;
      actions.append(a);
    }
    const drop = document.createElement("button");
    drop.type = "button";
    drop.className = "btn btn-small btn-ghost";
    drop.dataset.testid = "refused-discard";
    drop.textContent = t.discard;
    drop.addEventListener("click", async () => {
      if (!window.confirm(t.discard_confirm)) return;
      await outbox.discard(it.seq);
      if (String(it.seq) === new URLSearchParams(location.search).get("fix")) location.replace(location.pathname);
      else await showCount();
    });
    actions.append(drop);
    li.append(...parts, actions);
    ul.append(li);
  }
  refusedBox.append(h, hint, ul);
}

// position takes one fix now (or null when refused or unavailable).
function position() {
  return new Promise((resolve) => {
    if (!navigator.geolocation) return resolve(null);
    navigator.geolocation.getCurrentPosition((p) => resolve(p.coords), () => resolve(null),
      { enableHighAccuracy: true, timeout: 8000, maximumAge: 30000 });
  });
}

// sync replays the outbox; it resolves to the server's results, null
// when offline or failing (retried later).
async function sync() {
  try {
    const { results } = await outbox.flush();
    document.dispatchEvent(new CustomEvent("fieldops:synced", { detail: results }));
    return results;
  } catch {
    return null;
  } finally {
    await showCount();
  }
}

// outcome says what became of a queued key: "accepted", "refused" (the
// entry is returned) or "queued".
async function outcome(key) {
  const it = await outbox.byKey(key);
  if (!it) return ["accepted", null];
  return [it.refused ? "refused" : "queued", it];
}

// showRefusal puts the server's answer on the form the user is on.
function showRefusal(form, it) {
  clearErrors(form);
  formError(form, it.refused.error || t.fixing);
  if (it.refused.field) fieldError(form, it.refused.field, it.refused.error);
  form.dataset.fixSeq = String(it.seq);
}

// upload progress, one line per file
document.addEventListener("fieldops:progress", (ev) => {
  if (!uploadsBox) return;
  const { key, purpose, label, sent, size, refused } = ev.detail;
  let li = uploadsBox.querySelector(`[data-key="${key}"]`);
  if (refused) { // listed with the refused sends instead
    if (li) li.remove();
    uploadsBox.hidden = uploadsBox.children.length === 0;
    return;
  }
  if (!li) {
    li = document.createElement("li");
    li.dataset.key = key;
    li.dataset.testid = "upload-item";
    const name = document.createElement("span");
    const meter = document.createElement("progress");
    meter.max = 100;
    const pct = document.createElement("span");
    pct.dataset.testid = "upload-percent";
    li.append(name, meter, pct);
    uploadsBox.append(li);
  }
  const p = size > 0 ? Math.min(100, Math.floor((sent * 100) / size)) : 100;
  const name = (t["what." + purpose] || purpose) + (label ? " · " + label : "");
  li.children[0].textContent = fmt(p >= 100 ? t.upload_done : t.upload, name);
  li.children[1].value = p;
  li.children[1].setAttribute("aria-label", name);
  li.children[2].textContent = p + " %";
  li.dataset.percent = String(p);
  uploadsBox.hidden = false;
  if (p >= 100) {
    setTimeout(() => { li.remove(); uploadsBox.hidden = uploadsBox.children.length === 0; }, 4000);
  }
});

// A page script (photos, signature) queues a file: {key, upload, form,
// onQueued, replaces}. Accepted, the page moves on to the created record;
// refused, the form keeps its values and shows why; offline the form is
// reset and the file waits in the outbox.
document.addEventListener("fieldops:upload", async (ev) => {
  const { key, upload, form, onQueued, replaces } = ev.detail;
  const button = form && form.querySelector("[type=submit]");
  await outbox.addUpload(key, upload, { from: location.pathname + location.search.replace(/[?&]fix=\d+/, ""), replaces });
  await showCount();
  const results = await sync();
  const mine = results && results.find((r) => r.key === key);
  const [state, it] = await outcome(key);
  if (state === "accepted" && mine && mine.location) {
    location.assign(mine.location);
    return;
  }
  if (button) button.disabled = false;
  if (state === "refused") {
    if (form) showRefusal(form, it);
    return;
  }
  if (state === "accepted") return;
  toast(bar.dataset.queued);
  if (form) form.reset();
  if (onQueued) onQueued();
});

// the open entry created offline, shown until the server knows it
function openEntryUI() {
  const panel = document.querySelector("[data-open-entry]");
  const form = document.querySelector("[data-open-form]");
  if (!panel || !form) return;
  const idInput = panel.querySelector("[data-open-id]");
  let local = null;
  try { local = JSON.parse(localStorage.getItem(OPEN_KEY) || "null"); } catch { local = null; }
  if (idInput.value) {
    localStorage.removeItem(OPEN_KEY); // the server shows it
    return;
  }
  if (local && local.id) {
    idInput.value = local.id;
    panel.querySelector("[data-open-label]").textContent = local.label;
    panel.hidden = false;
    form.hidden = true;
    switchMode(form, true);
  }
}

// switchMode: with an entry open, clocking in is a change of site that
// must be confirmed (the open entry is closed).
function switchMode(form, open) {
  const box = form.querySelector("[data-switch]");
  if (!box) return;
  box.hidden = !open;
  const check = box.querySelector("input[type=checkbox]");
  if (check) check.required = open;
  const toggle = document.querySelector("[data-switch-toggle]");
  if (toggle) toggle.hidden = !open || !form.hidden;
}

document.addEventListener("click", (ev) => {
  const toggle = ev.target.closest("[data-switch-toggle]");
  if (!toggle) return;
  const form = document.querySelector("[data-open-form]");
  if (!form) return;
  form.hidden = false;
  toggle.hidden = true;
  form.scrollIntoView({ block: "start" });
});

function formData(form, prefix, coords) {
  const data = {};
  for (const [k, v] of new FormData(form)) {
    const el = form.elements[k];
    if (el && el.dataset && "local" in el.dataset) continue; // for the phone only
    if (typeof v === "string" && v !== "" && k !== "id") data[k] = v;
  }
  if (prefix !== undefined) {
    for (const f of ["lat", "lng", "accuracy"]) delete data[prefix + f];
    if (coords) {
      data[prefix + "lat"] = coords.latitude;
      data[prefix + "lng"] = coords.longitude;
      data[prefix + "accuracy"] = Math.round(coords.accuracy);
    }
  }
  return data;
}

// fixing returns the refused entry the form corrects (or null).
async function fixing(form) {
  if (!form.dataset.fixSeq) return null;
  const it = await outbox.get(form.dataset.fixSeq);
  return it && it.refused ? it : null;
}

document.addEventListener("submit", async (ev) => {
  const plain = ev.target.closest("form[data-validate]");
  if (plain && !validate(plain)) ev.preventDefault();
  const form = ev.target.closest("form[data-outbox]");
  if (!form) return;
  ev.preventDefault();
  if (!validate(form)) return;
  const button = form.querySelector("[type=submit]");
  if (button) button.disabled = true;
  const old = await fixing(form);
  const now = new Date();
  const prefix = form.dataset.geo;
  const coords = prefix !== undefined && !old ? await position() : null;
  const data = formData(form, prefix, coords);
  const op = { key: ulid(now), op: form.dataset.outboxOp, collection: form.dataset.outbox, data, device_time: now.toISOString() };
  if (form.dataset.deviceTime) data[form.dataset.deviceTime] = now.toISOString();
  if (old) {
    // a correction keeps when and where the action was first made
    op.device_time = old.op.device_time || op.device_time;
    for (const [k, v] of Object.entries(old.op.data || {})) {
      if (k === form.dataset.deviceTime || (prefix !== undefined && /(lat|lng|accuracy)$/.test(k))) data[k] = v;
    }
  }
  op.id = op.op === "create" ? recordId() : (form.elements.id && form.elements.id.value);
  if (!op.id) {
    if (button) button.disabled = false;
    return;
  }
  await outbox.add(op, { from: location.pathname, replaces: old ? old.seq : null });
  if (form.hasAttribute("data-open-form")) {
    const site = form.elements.site;
    const label = now.toTimeString().slice(0, 5) + " → · " + (site ? site.options[site.selectedIndex].text : "");
    localStorage.setItem(OPEN_KEY, JSON.stringify({ id: op.id, label }));
  } else if (form.dataset.outboxOp === "update" && form.dataset.outbox === "time_entries") {
    localStorage.removeItem(OPEN_KEY);
  }
  await showCount();
  await sync();
  const [state, it] = await outcome(op.key);
  if (state === "accepted") {
    location.assign(form.dataset.outboxDone || location.pathname);
    return;
  }
  if (button) button.disabled = false;
  if (form.hasAttribute("data-open-form") && state !== "queued") localStorage.removeItem(OPEN_KEY);
  if (state === "refused") {
    showRefusal(form, it);
    return;
  }
  // offline: keep working locally, the outbox replays later
  delete form.dataset.fixSeq;
  toast(bar.dataset.queued);
  form.reset();
  if (form.hasAttribute("data-open-form")) {
    openEntryUI();
  } else if (form.closest("[data-open-entry]")) {
    form.closest("[data-open-entry]").hidden = true;
    const f = document.querySelector("[data-open-form]");
    if (f) {
      f.hidden = false;
      switchMode(f, false);
    }
  }
});

// ?fix=<seq>: the refused entry is reopened in its form, with its values
// and the server's message.
async function reopen() {
  const seq = new URLSearchParams(location.search).get("fix");
  if (!seq) return;
  const it = await outbox.get(seq);
  if (!it || !it.refused) return;
  if (it.upload) {
    window.fieldopsFixing = it;
    document.dispatchEvent(new CustomEvent("fieldops:fix-upload", { detail: it }));
    return;
  }
  const form = document.querySelector(`form[data-outbox="${it.op.collection}"][data-outbox-op="${it.op.op}"]`);
  if (!form) return;
  form.hidden = false;
  fill(form, it.op.data);
  showRefusal(form, it);
  form.scrollIntoView({ block: "start" });
}

// logout: say what stays on the phone; the cached pages go
document.addEventListener("submit", async (ev) => {
  const form = ev.target.closest("form[data-crew-logout]");
  if (!form || form.dataset.confirmed) return;
  ev.preventDefault();
  const n = (await outbox.all()).length;
  if (n > 0 && !window.confirm(fmt(t.logout_pending, n))) return;
  localStorage.removeItem(OPEN_KEY);
  try {
    for (const k of await caches.keys()) if (k.startsWith("fieldops-crew-")) await caches.delete(k);
  } catch { /* no Cache Storage */ }
  form.dataset.confirmed = "1";
  form.submit();
});

window.addEventListener("online", () => { sync(); });
document.addEventListener("visibilitychange", () => { if (!document.hidden) sync(); });
setInterval(async () => { if ((await outbox.count()) > 0) sync(); }, RETRY_MS);
openEntryUI();
await showCount();
await reopen();
// at app start (iOS has no Background Sync)
sync();
