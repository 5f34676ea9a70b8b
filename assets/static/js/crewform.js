// FieldOps360 crew app — form checks on the phone. Before a form is
// queued in the outbox its required fields, numbers and bounds are
// checked here, with a message under each field at fault (the server
// checks again: a refusal it answers is shown the same way). Messages
// come from the page (#crew-texts, in the user's language).

let cache = null;

// texts returns the crew app's messages.
export function texts() {
  if (!cache) {
    const el = document.getElementById("crew-texts");
    try { cache = el ? JSON.parse(el.textContent) : {}; } catch { cache = {}; }
  }
  return cache;
}

// fmt replaces each %s or %d of a message with the next argument.
export function fmt(msg, ...args) {
  let i = 0;
  return String(msg || "").replace(/%[sd]/g, () => String(args[i++] ?? ""));
}

function labelOf(form, el) {
  const l = el.id ? form.querySelector(`label[for="${el.id}"]`) : null;
  return ((l ? l.textContent : el.name) || "").replace("*", "").trim();
}

// clearErrors removes the messages of an earlier check or refusal.
export function clearErrors(form) {
  for (const p of form.querySelectorAll("[data-client-error]")) p.remove();
  for (const f of form.querySelectorAll(".field-invalid")) f.classList.remove("field-invalid");
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  const box = form.querySelector("[data-form-error]");
  if (box) {
    box.textContent = "";
    box.hidden = true;
  }
}

// fieldError shows msg under the form control named name; false when the
// form has no such control.
export function fieldError(form, name, msg) {
  const el = name && form.elements[name];
  if (!el || !el.closest) return false;
  const wrap = el.closest(".field") || el.parentElement;
  wrap.classList.add("field-invalid");
  let p = wrap.querySelector(".field-error");
  if (!p) {
    p = document.createElement("p");
    p.className = "field-error";
    p.dataset.clientError = "";
    p.dataset.testid = "error-" + name;
    p.id = "e-" + name;
    wrap.append(p);
  }
  p.textContent = msg;
  el.setAttribute("aria-invalid", "true");
  el.setAttribute("aria-describedby", p.id || "");
  return true;
}

// formError shows msg at the top of the form.
export function formError(form, msg) {
  let box = form.querySelector("[data-form-error]");
  if (!box) {
    box = document.createElement("p");
    box.className = "form-error";
    box.setAttribute("role", "alert");
    box.dataset.formError = "";
    box.dataset.testid = "form-error";
    form.prepend(box);
  }
  box.textContent = msg;
  box.hidden = !msg;
}

// validate checks the visible controls of form: required values, ticked
// confirmations, a chosen file, numbers within min and max. It shows a
// message under each control at fault, focuses the first and answers
// whether the form may be sent.
export function validate(form) {
  const t = texts();
  clearErrors(form);
  let first = null;
  for (const el of form.elements) {
    if (el.disabled || el.type === "hidden" || el.type === "submit" || el.type === "button" || el.closest("[hidden]")) continue;
    const v = typeof el.value === "string" ? el.value.trim() : "";
    const label = labelOf(form, el);
    let msg = "";
    if (el.required) {
      if (el.type === "checkbox") msg = el.checked ? "" : t.check;
      else if (el.type === "file") msg = el.files && el.files.length > 0 ? "" : t.file;
      else if (v === "") msg = fmt(el.tagName === "SELECT" ? t.choose : t.required, label);
    }
    if (!msg && v !== "" && (el.type === "number" || el.inputMode === "decimal")) {
      const n = Number(v.replace(/\s/g, "").replace(",", "."));
      if (!Number.isFinite(n)) msg = fmt(t.number, label);
      else if (el.min !== "" && el.min !== undefined && n < Number(el.min)) msg = fmt(t.min, label, el.min);
      else if (el.max !== "" && el.max !== undefined && n > Number(el.max)) msg = fmt(t.max, label, el.max);
    }
    if (msg && fieldError(form, el.name, msg) && !first) first = el;
  }
  if (first) first.focus();
  return first === null;
}

// fill puts values back in a form (a refused operation reopened for
// correction): text, selects, check boxes.
export function fill(form, data) {
  for (const [k, v] of Object.entries(data || {})) {
    const el = form.elements[k];
    if (!el || el.type === "file" || v === null || typeof v === "object") continue;
    if (el.type === "checkbox") el.checked = v === true || v === "true" || v === el.value;
    else el.value = String(v);
  }
}
