// Longlist's own front-end code. htmx sends the CSRF token on every request through the
// hx-headers attribute on <body>.

// Validation errors come back as 422 with the form fragment to show: swap them in like a success.
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr.status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
