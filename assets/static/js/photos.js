// Photos page. With the crew app's outbox (crew.js), a photo is resized
// on the phone (longest side 2560 px, JPEG 0.85, orientation applied; a
// smaller JPEG or PNG is kept as is), hashed, and queued in IndexedDB with
// its site, job, caption, the device time and one position taken now;
// it is sent (resumable upload) at once when online, later otherwise.
// The file sent is the original of record: the server records its
// SHA-256. Without the outbox the form posts as a plain upload. No
// continuous tracking: the position is read once, when the photo is sent.
import { ulid } from "./outbox.js";
import { resizePhoto, sha256Hex } from "./upload.js";
import { validate, fill, formError, fieldError } from "./crewform.js";

const form = document.querySelector("form[data-photo-form]");
let fixing = null; // the refused photo being corrected

// reopen puts a refused photo back in the form (its file, site, caption)
// with the server's message; sent again, it replaces the refused one.
function reopen(it) {
  if (!form || !it || !it.upload || it.upload.purpose !== "photo") return;
  fixing = it;
  fill(form, it.upload.meta);
  try {
    const dt = new DataTransfer();
    dt.items.add(new File([it.upload.blob], "photo.jpg", { type: it.upload.content_type }));
    form.elements.file.files = dt.files;
  } catch { /* the user chooses the file again */ }
  formError(form, it.refused.error);
  if (it.refused.field) fieldError(form, it.refused.field, it.refused.error);
}
document.addEventListener("fieldops:fix-upload", (ev) => reopen(ev.detail));
if (window.fieldopsFixing) reopen(window.fieldopsFixing);

function position() {
  return new Promise((resolve) => {
    if (!navigator.geolocation) return resolve(null);
    navigator.geolocation.getCurrentPosition((p) => resolve(p.coords), () => resolve(null),
      { enableHighAccuracy: true, timeout: 8000, maximumAge: 30000 });
  });
}

async function queue(button) {
  const now = new Date();
  const file = form.elements.file.files[0];
  const [coords, blob] = await Promise.all([position(), resizePhoto(file)]);
  const meta = { taken_at: now.toISOString() };
  for (const k of ["site", "subject", "caption", "checklist_item"]) {
    const v = (form.elements[k] && form.elements[k].value || "").trim();
    if (v) meta[k] = v;
  }
  if (coords) {
    meta.lat = coords.latitude.toFixed(6);
    meta.lng = coords.longitude.toFixed(6);
    meta.accuracy = String(Math.round(coords.accuracy));
  }
  const upload = { purpose: "photo", blob, content_type: blob.type || file.type, size: blob.size, sha256: await sha256Hex(blob), meta };
  // crew.js re-enables the button once the photo is sent or queued
  // a correction replaces the refused photo (reopened, or refused on this page)
  const replaces = fixing ? fixing.seq : (form.dataset.fixSeq || null);
  fixing = null;
  delete form.dataset.fixSeq;
  document.dispatchEvent(new CustomEvent("fieldops:upload", { detail: { key: ulid(now), upload, form, replaces } }));
}

if (form) {
  let ready = false;
  form.addEventListener("submit", (ev) => {
    if (ready) return;
    ev.preventDefault();
    if (!validate(form)) return;
    const button = form.querySelector("[type=submit]");
    if (button) button.disabled = true;
    if (window.fieldopsOutbox && form.elements.file.files.length > 0) {
      queue(button).catch(() => { if (button) button.disabled = false; });
      return;
    }
    // plain upload (no outbox): one position, the device time, then post
    const send = (coords) => {
      if (coords) {
        form.elements.lat.value = coords.latitude.toFixed(6);
        form.elements.lng.value = coords.longitude.toFixed(6);
        form.elements.accuracy.value = Math.round(coords.accuracy);
      }
      form.elements.taken_at.value = new Date().toISOString();
      ready = true;
      form.requestSubmit ? form.requestSubmit() : form.submit();
    };
    position().then(send);
  });
}
