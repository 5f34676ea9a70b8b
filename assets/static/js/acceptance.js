// Acceptance report signatures (procès-verbal de réception): one form may
// carry several pads (the company's and the client's, signed together on
// the tablet). Each pad's PNG goes into its hidden field when the form
// posts; the position, when the device gives one, goes with it.
import SignaturePad from "/assets/vendor/signature_pad/signature_pad.js";

for (const form of document.querySelectorAll("[data-acceptance-sign]")) {
  const pads = [];
  for (const box of form.querySelectorAll("fieldset")) {
    const canvas = box.querySelector("[data-pad]");
    const value = box.querySelector("[data-pad-value]");
    if (!canvas || !value) continue;
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
    box.querySelector("[data-pad-clear]")?.addEventListener("click", () => pad.clear());
    pads.push({ pad, value });
  }
  if (navigator.geolocation && form.elements.lat) {
    navigator.geolocation.getCurrentPosition((p) => {
      form.elements.lat.value = p.coords.latitude.toFixed(6);
      form.elements.lng.value = p.coords.longitude.toFixed(6);
      form.elements.accuracy.value = String(Math.round(p.coords.accuracy));
    }, () => {}, { enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 });
  }
  form.addEventListener("submit", () => {
    for (const { pad, value } of pads) value.value = pad.isEmpty() ? "" : pad.toDataURL("image/png");
  }, true);
}
