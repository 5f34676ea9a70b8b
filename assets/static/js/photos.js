// Photos page: on submit, take one position (if the user allows it, 8 s
// at most) and the device time, then send the form. No continuous
// tracking: the position is read once, when the photo is sent.
const form = document.querySelector("form[data-photo-form]");
if (form) {
  let ready = false;
  form.addEventListener("submit", (ev) => {
    if (ready) return;
    ev.preventDefault();
    const button = form.querySelector("[type=submit]");
    if (button) button.disabled = true;
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
    if (!navigator.geolocation) return send(null);
    navigator.geolocation.getCurrentPosition((p) => send(p.coords), () => send(null),
      { enableHighAccuracy: true, timeout: 8000, maximumAge: 30000 });
  });
}
