// Signature capture (signature_pad from npm). With the crew app's outbox
// (crew.js) the signature works offline: the PNG, the signer's name and
// role, the explicit consent, the device time and one position are queued in
// IndexedDB and sent through the resumable upload protocol; the server
// computes the SHA-256 of the signed job document itself when it stores
// the signature. Without the outbox the PNG goes into the form's hidden
// field and the form posts as usual.
import SignaturePad from "/assets/vendor/signature_pad/signature_pad.js";
import { ulid } from "./outbox.js";

function position() {
  return new Promise((resolve) => {
    if (!navigator.geolocation) return resolve(null);
    navigator.geolocation.getCurrentPosition((p) => resolve(p.coords), () => resolve(null),
      { enableHighAccuracy: true, timeout: 8000, maximumAge: 30000 });
  });
}

// check shows the first missing field (the server checks again).
function check(form, pad) {
  const box = form.querySelector("[data-signature-error]");
  let msg = "";
  if (!form.elements.signer_name.value.trim()) msg = form.dataset.errName;
  else if (pad.isEmpty()) msg = form.dataset.errPad;
  else if (!form.elements.consent.checked) msg = form.dataset.errConsent;
  if (box) {
    box.textContent = msg;
    box.hidden = msg === "";
  }
  return msg === "";
}

let fixing = null; // the refused signature being corrected

async function queue(form, pad) {
  const button = form.querySelector("[type=submit]");
  if (button) button.disabled = true;
  const now = new Date();
  const coords = await position();
  const { dataURLBlob, sha256Hex } = await import("./upload.js");
  const blob = dataURLBlob(pad.toDataURL("image/png"));
  const meta = { task: form.dataset.task, signer_name: form.elements.signer_name.value.trim(), signer_role: form.elements.signer_role.value,
    consent: form.elements.consent.checked === true, signed_at: now.toISOString() };
  if (coords) {
    meta.lat = coords.latitude.toFixed(6);
    meta.lng = coords.longitude.toFixed(6);
    meta.accuracy = String(Math.round(coords.accuracy));
  }
  const upload = { purpose: "signature", blob, content_type: "image/png", size: blob.size, sha256: await sha256Hex(blob), meta };
  // a correction replaces the refused signature (reopened, or refused on this page)
  const replaces = fixing ? fixing.seq : (form.dataset.fixSeq || null);
  fixing = null;
  delete form.dataset.fixSeq;
  document.dispatchEvent(new CustomEvent("fieldops:upload", { detail: { key: ulid(now), upload, form, replaces, onQueued: () => pad.clear() } }));
}

for (const form of document.querySelectorAll("[data-signature-form]")) {
  const canvas = form.querySelector("[data-signature-pad]");
  const value = form.querySelector("[data-signature-value]");
  const pad = new SignaturePad(canvas, { penColor: "#0d2440", backgroundColor: "rgba(0,0,0,0)" });
  const resize = () => {
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    const data = pad.toData();
    canvas.width = canvas.offsetWidth * ratio;
    canvas.height = canvas.offsetHeight * ratio;
    canvas.getContext("2d").scale(ratio, ratio);
    pad.fromData(data);
  };
  window.addEventListener("resize", resize);
  resize();
  form.querySelector("[data-signature-clear]")?.addEventListener("click", () => pad.clear());
  // a refused signature reopened: its signer, its drawing and the reason
  const reopen = (it) => {
    if (!it || !it.upload || it.upload.purpose !== "signature") return;
    fixing = it;
    form.elements.signer_name.value = it.upload.meta.signer_name || "";
    if (it.upload.meta.signer_role) form.elements.signer_role.value = it.upload.meta.signer_role;
    const reader = new FileReader();
    reader.onload = () => { pad.fromDataURL(reader.result, { ratio: 1, width: canvas.offsetWidth, height: canvas.offsetHeight }).catch(() => {}); };
    reader.readAsDataURL(it.upload.blob);
    const box = form.querySelector("[data-signature-error]");
    if (box) {
      box.textContent = it.refused.error;
      box.hidden = false;
    }
  };
  document.addEventListener("fieldops:fix-upload", (ev) => reopen(ev.detail));
  if (window.fieldopsFixing) reopen(window.fieldopsFixing);
  form.addEventListener("submit", (ev) => {
    if (window.fieldopsOutbox && form.dataset.upload === "signature") {
      ev.preventDefault();
      if (check(form, pad)) queue(form, pad).catch(() => {});
      return;
    }
    value.value = pad.isEmpty() ? "" : pad.toDataURL("image/png");
  }, true);
}
