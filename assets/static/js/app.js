// FieldOps360 — small progressive enhancements (pages work without it).
// Toasts fade out after a while; forms with data-confirm ask first;
// file inputs with data-progress show upload progress.
const TOAST_MS = 7000;

function armToast(el) {
  if (el.dataset.armed) return;
  el.dataset.armed = "1";
  if (el.classList.contains("toast-error")) return; // errors stay until closed
  setTimeout(() => el.remove(), TOAST_MS);
}

function watchToasts() {
  const region = document.getElementById("toasts");
  if (!region) return;
  region.querySelectorAll(".toast").forEach(armToast);
  new MutationObserver(() => region.querySelectorAll(".toast").forEach(armToast))
    .observe(region, { childList: true });
  region.addEventListener("click", (ev) => {
    const btn = ev.target.closest(".toast-close");
    if (btn) btn.parentElement.remove();
  });
}

function confirmForms() {
  document.addEventListener("submit", (ev) => {
    const msg = ev.target.dataset && ev.target.dataset.confirm;
    if (msg && !window.confirm(msg)) ev.preventDefault();
  });
}

function uploadProgress() {
  document.addEventListener("submit", (ev) => {
    const form = ev.target;
    const input = form.querySelector("input[type=file][data-progress]");
    if (!input || !input.files.length || form.dataset.plain) return;
    ev.preventDefault();
    const bar = document.getElementById(input.dataset.progress);
    const xhr = new XMLHttpRequest();
    xhr.open(form.method || "POST", form.action);
    xhr.upload.onprogress = (e) => {
      if (!bar || !e.lengthComputable) return;
      bar.hidden = false;
      bar.value = Math.round((e.loaded / e.total) * 100);
    };
    xhr.onload = () => {
      if (xhr.responseURL) window.location.assign(xhr.responseURL);
      else document.documentElement.innerHTML = xhr.responseText;
    };
    xhr.send(new FormData(form));
  });
}

function printButtons() {
  document.addEventListener("click", (ev) => {
    if (ev.target.closest("[data-print]")) window.print();
  });
}

// Copy buttons (data-copy="<input id>"): the clipboard when the page may
// use it, else the field is selected for a manual copy; either way a
// status line says what happened. Fields with data-select-on-focus select
// their whole value on focus.
function copyButtons() {
  document.addEventListener("click", async (ev) => {
    const btn = ev.target.closest("[data-copy]");
    if (!btn) return;
    const input = document.getElementById(btn.dataset.copy);
    if (!input) return;
    let status = btn.parentElement.querySelector(".copy-status");
    if (!status) {
      status = document.createElement("span");
      status.className = "copy-status";
      status.setAttribute("role", "status");
      status.dataset.testid = "copy-status";
      btn.parentElement.appendChild(status);
    }
    input.focus();
    input.select();
    try {
      await navigator.clipboard.writeText(input.value);
      status.textContent = btn.dataset.copied || "";
    } catch {
      status.textContent = document.execCommand && document.execCommand("copy") ? btn.dataset.copied || "" : "";
    }
  });
  document.addEventListener("focusin", (ev) => {
    if (ev.target.matches && ev.target.matches("[data-select-on-focus]")) ev.target.select();
  });
}
copyButtons();

watchToasts();
printButtons();
confirmForms();
uploadProgress();
