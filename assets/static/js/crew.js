// FieldOps360 crew app — progressive enhancement of the crew pages
// (which work as plain forms): registers the service worker (offline
// shell), queues form writes in the IndexedDB outbox with the device time
// and one position taken at that moment (never continuous tracking), and
// replays the outbox at start, on reconnect and periodically.
import { Outbox, ulid, recordId } from "./outbox.js";

const bar = document.getElementById("outbox");
const RETRY_MS = 5000;
const OPEN_KEY = "fieldops.open-entry";

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/m/sw.js", { scope: "/m/" }).catch(() => {});
}

const idb = await import(bar.dataset.idb);
const outbox = new Outbox(idb);
window.fieldopsOutbox = outbox; // for diagnostics and tests

async function showCount() {
  const n = await outbox.count();
  bar.hidden = n === 0;
  bar.textContent = n === 1 ? bar.dataset.one : bar.dataset.many.replace("%d", String(n));
  bar.dataset.count = String(n);
  return n;
}

function toast(text) {
  const region = document.getElementById("toasts");
  if (!region) return;
  const div = document.createElement("div");
  div.className = "toast toast-info";
  div.dataset.testid = "toast-info";
  div.textContent = text;
  region.append(div);
  setTimeout(() => div.remove(), 7000);
}

// position takes one fix now (or null when refused or unavailable).
function position() {
  return new Promise((resolve) => {
    if (!navigator.geolocation) return resolve(null);
    navigator.geolocation.getCurrentPosition((p) => resolve(p.coords), () => resolve(null),
      { enableHighAccuracy: true, timeout: 8000, maximumAge: 30000 });
  });
}

// sync replays the outbox; it resolves to the server's results when
// everything was answered, null otherwise (offline: retried later). A
// file the server refused for good is reported in a toast.
async function sync() {
  try {
    const { results } = await outbox.flush();
    for (const r of results) if (r.upload && r.error) toast(r.error);
    return (await showCount()) === 0 ? results : null;
  } catch {
    await showCount();
    return null;
  }
}

// A page script (photos, signature) queues a file: {key, upload, form,
// onQueued}. Online, the page moves on to the created record; offline
// the form is reset and the file waits in the outbox.
document.addEventListener("fieldops:upload", async (ev) => {
  const { key, upload, form, onQueued } = ev.detail;
  const button = form && form.querySelector("[type=submit]");
  await outbox.addUpload(key, upload);
  await showCount();
  const results = await sync();
  const mine = results && results.find((r) => r.key === key);
  if (mine && mine.status === 200 && mine.location) {
    location.assign(mine.location);
    return;
  }
  if (button) button.disabled = false;
  if (mine) return; // refused: the toast says why, the form keeps its values
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
  }
}

function formData(form, prefix, coords) {
  const data = {};
  for (const [k, v] of new FormData(form)) {
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

document.addEventListener("submit", async (ev) => {
  const form = ev.target.closest("form[data-outbox]");
  if (!form) return;
  ev.preventDefault();
  const button = form.querySelector("[type=submit]");
  if (button) button.disabled = true;
  const now = new Date();
  const prefix = form.dataset.geo;
  const coords = prefix !== undefined ? await position() : null;
  const data = formData(form, prefix, coords);
  if (form.dataset.deviceTime) data[form.dataset.deviceTime] = now.toISOString();
  const op = { key: ulid(now), op: form.dataset.outboxOp, collection: form.dataset.outbox, data, device_time: now.toISOString() };
  op.id = op.op === "create" ? recordId() : (form.elements.id && form.elements.id.value);
  if (!op.id) {
    if (button) button.disabled = false;
    return;
  }
  await outbox.add(op);
  if (form.hasAttribute("data-open-form")) {
    const site = form.elements.site;
    const label = now.toTimeString().slice(0, 5) + " → · " + (site ? site.options[site.selectedIndex].text : "");
    localStorage.setItem(OPEN_KEY, JSON.stringify({ id: op.id, label }));
  } else if (form.dataset.outboxOp === "update" && form.dataset.outbox === "time_entries") {
    localStorage.removeItem(OPEN_KEY);
  }
  await showCount();
  if (await sync()) {
    location.assign(form.dataset.outboxDone || location.pathname);
    return;
  }
  // offline: keep working locally, the outbox replays later
  toast(bar.dataset.queued);
  if (button) button.disabled = false;
  form.reset();
  if (form.hasAttribute("data-open-form")) {
    openEntryUI();
  } else if (form.closest("[data-open-entry]")) {
    form.closest("[data-open-entry]").hidden = true;
    const f = document.querySelector("[data-open-form]");
    if (f) f.hidden = false;
  }
});

window.addEventListener("online", () => { sync(); });
document.addEventListener("visibilitychange", () => { if (!document.hidden) sync(); });
setInterval(async () => { if ((await outbox.count()) > 0) sync(); }, RETRY_MS);
openEntryUI();
// at app start (iOS has no Background Sync)
sync();
