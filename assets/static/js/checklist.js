// FieldOps360 crew app — the task page (/m/tasks/{id}). Works offline:
// checklist answers and start/finish go to the IndexedDB outbox (see
// outbox.js) as sync operations — `update` on checklist_runs with only
// the answers changed on this page, then `update` on tasks — and are
// sent at once when the network is there. The server's refusal of an
// operation (e.g. finishing with required items missing) is shown on the
// page — with, for the DT-DICT refusal of a start, the urgent-works
// offer the page carries — also when crew.js replayed the outbox; the
// forms still post without JavaScript.
import { Outbox, ulid } from "./outbox.js";

const page = document.querySelector("[data-task-page]");
const form = document.querySelector("[data-checklist-form]");
const errorBox = document.querySelector("[data-task-error]");
const queuedBox = document.querySelector("[data-task-queued]");
const urgentBox = document.querySelector("[data-urgent-offer]");
const taskId = page ? page.dataset.task : "";
const runId = form ? form.dataset.run : "";

// outbox returns crew.js's outbox (one replay loop), or its own.
async function getOutbox() {
  for (let i = 0; i < 30 && !window.fieldopsOutbox; i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  if (window.fieldopsOutbox) return window.fieldopsOutbox;
  const bar = document.getElementById("outbox");
  const idb = await import(bar.dataset.idb);
  return new Outbox(idb, bar.dataset.user || "");
}

// localize keeps the part of a "FR / EN" server message in the page's language.
function localize(msg) {
  const parts = String(msg || "").split(" / ");
  return document.documentElement.lang === "en" && parts.length > 1 ? parts.slice(1).join(" / ") : parts[0];
}

// control returns an item's form control and its current value.
function valueOf(li) {
  const el = li.querySelector("[name^='a.']");
  if (!el) return null;
  if (el.type === "checkbox") return el.checked ? "true" : "";
  return el.value.trim();
}

function setValue(li, v) {
  const el = li.querySelector("[name^='a.']");
  if (!el) return;
  if (el.type === "checkbox") el.checked = v === true || v === "true";
  else el.value = v == null ? "" : String(v);
}

const items = form ? [...form.querySelectorAll("li[data-item]")] : [];
const initial = new Map(items.map((li) => [li.dataset.item, valueOf(li)]));

// scan shows what is still waiting in the outbox for this task, or what
// the server refused (answers are put back in the form when restore; a
// refusal shows the server's message until it is corrected or discarded).
async function scan(outbox, restore) {
  let waiting = false;
  const refused = [];
  for (const it of await pendingOps(outbox)) {
    const op = it.op;
    if (!op) continue;
    const mine = (op.collection === "checklist_runs" && op.id === runId) || (op.collection === "tasks" && op.id === taskId);
    if (!mine) continue;
    if (restore && op.collection === "checklist_runs" && op.data && op.data.answers) {
      for (const [id, a] of Object.entries(op.data.answers)) {
        const li = items.find((x) => x.dataset.item === id);
        if (li) setValue(li, a && a.value);
      }
    }
    if (it.refused) refused.push(it.refused);
    else waiting = true;
  }
  if (waiting) showQueued();
  else if (queuedBox) queuedBox.hidden = true;
  if (refused.length > 0) showError(refused.map((r) => r.error).join(" — "), refused);
}

// init gets the outbox and, on a reopen, shows what is waiting or refused.
const init = (async () => {
  const outbox = await getOutbox();
  await scan(outbox, true);
  if (page) page.dataset.ready = "1"; // the forms now go through the outbox
  return outbox;
})();

// an outbox replay by crew.js (back online) may answer for this task
document.addEventListener("fieldops:synced", async () => scan(await init, false));

// changedAnswers: the items whose value differs from the page's.
function changedAnswers(now) {
  const out = {};
  for (const li of items) {
    const v = valueOf(li);
    if (v === null || v === initial.get(li.dataset.item)) continue;
    let value = v === "" ? null : v;
    if (li.dataset.type === "check") value = v === "true" ? true : null;
    out[li.dataset.item] = { value, device_at: now.toISOString() };
  }
  return out;
}

async function pendingOps(outbox) {
  return outbox.pending();
}

// deliver sends the outbox; it resolves to the results of keys, or null
// when offline (the operations stay queued).
async function deliver(outbox, keys) {
  const results = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const r = await outbox.flush();
      results.push(...r.results.filter((x) => keys.includes(x.key)));
    } catch {
      return null;
    }
    const left = new Set((await pendingOps(outbox)).filter((it) => !it.refused).map((it) => it.key));
    if (!keys.some((k) => left.has(k))) break;
  }
  return results;
}

// showError shows a refusal; refusals ({reason}) whose reason is the
// page's urgent-works offer's also show the offer.
function showError(text, refusals = []) {
  errorBox.textContent = text;
  errorBox.hidden = !text;
  if (urgentBox) urgentBox.hidden = !refusals.some((r) => r.reason === urgentBox.dataset.reason);
}

function showQueued() {
  queuedBox.textContent = page.dataset.queued;
  queuedBox.hidden = false;
}

async function submit(ops) {
  const outbox = await init;
  for (const op of ops) await outbox.add(op);
  const results = await deliver(outbox, ops.map((o) => o.key));
  if (results === null) {
    showQueued();
    for (const li of items) initial.set(li.dataset.item, valueOf(li));
    return;
  }
  const refused = results.filter((r) => r.status !== 200);
  if (refused.length > 0) {
    // the refused operations stay in the outbox (listed, to correct or
    // discard); what was typed stays in the form
    showError(refused.map((r) => localize(r.error)).join(" — "), refused);
    return;
  }
  location.reload();
}

function checklistOp(now) {
  const answers = changedAnswers(now);
  if (!runId || Object.keys(answers).length === 0) return null;
  return { key: ulid(now), op: "update", collection: "checklist_runs", id: runId, data: { answers }, device_time: now.toISOString() };
}

if (form) {
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    showError("");
    const op = checklistOp(new Date());
    if (op) submit([op]);
  });
}

document.querySelectorAll("form[data-task-status]").forEach((f) => {
  f.addEventListener("submit", (ev) => {
    ev.preventDefault();
    showError("");
    const now = new Date();
    const ops = [];
    const answers = checklistOp(now);
    if (answers) ops.push(answers);
    const status = f.dataset.taskStatus;
    const data = { status };
    if (status === "done") data.progress = 100;
    // NB: a distinct key even within the same millisecond
    ops.push({ key: ulid(new Date(now.getTime() + 1)), op: "update", collection: "tasks", id: taskId, data, device_time: now.toISOString() });
    submit(ops);
  });
});

