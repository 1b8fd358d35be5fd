// One order per click: a form marked data-submit-once disables its buttons while it is sent.
// (The server is idempotent on the form key anyway; this only spares the doctor a second wait.)
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.matches("[data-submit-once]")) return;
  if (form.dataset.sending === "1") {
    event.preventDefault();
    return;
  }
  form.dataset.sending = "1";
  form.querySelectorAll("button[type=submit]").forEach((button) => {
    button.setAttribute("aria-disabled", "true");
    button.classList.add("is-busy");
  });
});
