// Buttons marked data-xl-print open the browser's print dialog (inline handlers are blocked by the CSP).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-xl-print]")) window.print();
});
