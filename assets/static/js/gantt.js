// FieldOps360 — Gantt drag and drop. The chart is server-rendered SVG
// (it works without this script: each task has a date form). Dragging a
// bar moves its task, dragging its right handle changes its end; the
// server validates (permissions, calendar, dependencies), reschedules the
// successors and pushes the new chart to every viewer over the page's
// SSE stream. Listeners are delegated, so they survive chart re-renders.
const DAY = 86400000;

const parse = (s) => { const [y, m, d] = s.split("-").map(Number); return Date.UTC(y, m - 1, d); };
const fmt = (t) => new Date(t).toISOString().slice(0, 10);

// snap moves t forward to the next working day of the chart's calendar.
function snap(t, off) {
  for (let i = 0; i < 60 && off.has(fmt(t)); i++) t += DAY;
  return t;
}

function toast(text) {
  const region = document.getElementById("toasts");
  if (!region) { window.alert(text); return; }
  const div = document.createElement("div");
  div.className = "toast toast-error";
  div.setAttribute("role", "alert");
  div.dataset.testid = "toast-error";
  const span = document.createElement("span");
  span.textContent = text;
  const close = document.createElement("button");
  close.type = "button";
  close.className = "toast-close";
  close.setAttribute("aria-label", "×");
  close.textContent = "×";
  div.append(span, close);
  region.append(div);
}

let drag = null;

function revert(d) {
  d.bar.removeAttribute("transform");
  d.bar.setAttribute("width", String(d.w0));
  d.bar.classList.remove("gantt-saving");
}

// a click on a bar (not the end of a drag) opens the task's form
let dragged = false;
document.addEventListener("click", (ev) => {
  const bar = ev.target.closest && ev.target.closest(".gantt-bar[data-edit]");
  if (!bar) return;
  if (dragged) { dragged = false; return; }
  window.location.href = bar.dataset.edit;
});

document.addEventListener("pointerdown", (ev) => {
  const el = ev.target.closest && ev.target.closest(".gantt-bar, .gantt-handle");
  if (!el || ev.button !== 0) return;
  const svg = el.closest("svg[data-gantt]");
  if (!svg || svg.dataset.canEdit !== "true") return;
  const isHandle = el.classList.contains("gantt-handle");
  const bar = isHandle ? svg.querySelector('.gantt-bar[data-task="' + el.dataset.task + '"]') : el;
  if (!bar || (!isHandle && bar.classList.contains("gantt-pinned"))) return;
  ev.preventDefault();
  const scale = svg.getBoundingClientRect().width / Number(svg.getAttribute("width"));
  drag = { svg, bar, isHandle, x0: ev.clientX, dayW: Number(svg.dataset.dayWidth) * scale, unit: Number(svg.dataset.dayWidth),
    w0: Number(bar.getAttribute("width")), days: 0 };
});

// pointermove only records the offset; the bar moves once per frame
// (pointer events can fire several times a frame) and the move handler
// reads no layout: the chart's scale is read once, on pointerdown.
let frame = 0;
function paint() {
  frame = 0;
  if (!drag) return;
  if (drag.isHandle) {
    drag.bar.setAttribute("width", String(Math.max(drag.unit - 2, drag.w0 + drag.days * drag.unit)));
  } else {
    drag.bar.setAttribute("transform", "translate(" + drag.days * drag.unit + ",0)");
  }
}

document.addEventListener("pointermove", (ev) => {
  if (!drag) return;
  const days = Math.round((ev.clientX - drag.x0) / drag.dayW);
  if (days === drag.days) return;
  drag.days = days;
  if (!frame) frame = requestAnimationFrame(paint);
});

document.addEventListener("pointerup", async () => {
  if (!drag) return;
  const d = drag;
  if (frame) { cancelAnimationFrame(frame); paint(); }
  drag = null;
  if (d.days === 0) { revert(d); return; }
  dragged = true;
  const off = new Set((d.svg.dataset.off || "").split(",").filter(Boolean));
  const body = new URLSearchParams();
  if (d.isHandle) {
    const start = parse(d.bar.dataset.start);
    const end = snap(Math.max(start, parse(d.bar.dataset.end) + d.days * DAY), off);
    body.set("start", d.bar.dataset.start);
    body.set("end", fmt(end));
  } else {
    body.set("start", fmt(snap(parse(d.bar.dataset.start) + d.days * DAY, off)));
  }
  d.bar.classList.add("gantt-saving");
  try {
    const res = await fetch(d.bar.dataset.url, { method: "POST", headers: { Accept: "application/json" }, body, credentials: "same-origin" });
    if (!res.ok) {
      const p = await res.json().catch(() => ({}));
      revert(d);
      toast(p.message || res.statusText);
    }
    // on success the stream re-renders the chart for every viewer; without
    // a live stream (it dropped), reload to show the new schedule.
    setTimeout(() => { if (d.bar.isConnected && d.bar.classList.contains("gantt-saving")) window.location.reload(); }, 3000);
  } catch (err) {
    revert(d);
    toast(String(err));
  }
});
