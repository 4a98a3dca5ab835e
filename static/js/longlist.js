// Longlist's own front-end code. htmx sends the CSRF token on every request through the
// hx-headers attribute on <body>.

// Validation errors come back as 422 with the form fragment to show: swap them in like a success.
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr.status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// Drag and drop: any element with data-sortable becomes a Sortable list. Sortable fires an "end" event on
// the element when a drag ends; the element's hx-post (with hx-trigger="end") sends the new order.
htmx.onLoad((content) => {
  const lists = content.matches && content.matches("[data-sortable]") ? [content] : [];
  lists.push(...content.querySelectorAll("[data-sortable]"));
  for (const list of lists) {
    if (list.sortable) continue;
    list.sortable = new Sortable(list, {
      animation: 150,
      handle: list.dataset.sortableHandle || null,
      group: list.dataset.sortableGroup || undefined,
      ghostClass: "sortable-ghost",
    });
  }
});
