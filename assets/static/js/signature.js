// Signature capture (signature_pad from npm): draws in the canvas and puts
// the PNG into the form's hidden field on submit.
import SignaturePad from "/assets/vendor/signature_pad/signature_pad.js";

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
  form.addEventListener("submit", () => {
    value.value = pad.isEmpty() ? "" : pad.toDataURL("image/png");
  }, true);
}
