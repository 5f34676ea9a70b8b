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

watchToasts();
printButtons();
confirmForms();
uploadProgress();
