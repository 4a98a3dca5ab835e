// Longlist's own front-end code. htmx sends the CSRF token on every request through the
// hx-headers attribute on <body>.

document.documentElement.classList.add("js");

// On a phone the sidebar's menu folds behind a "Menu" button (CSS shows the button only on narrow screens).
document.addEventListener("click", (event) => {
  const toggle = event.target.closest(".nav-toggle");
  if (!toggle) return;
  const open = document.getElementById("sidebar").classList.toggle("menu-open");
  toggle.setAttribute("aria-expanded", String(open));
});

// Validation errors come back as 422 with the form fragment to show: swap them in like a success.
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr.status === 422 || event.detail.xhr.status === 409) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// Focus is never lost to an htmx swap: when the focused element is swapped away (a completed task's button,
// a row's form), focus goes to its replacement (the same id) or to the swapped-in element, which becomes
// focusable for that; htmx itself keeps the focus of a text field that comes back with the same id.
let swapFocus = null;
document.addEventListener("htmx:beforeSwap", (event) => {
  const focused = document.activeElement;
  const target = event.detail.target;
  swapFocus = focused && focused !== document.body && target && target.contains(focused)
    ? { focused, id: target.id, parent: target.parentElement } : null;
});
document.addEventListener("htmx:afterSettle", () => {
  if (!swapFocus) return;
  const { focused, id, parent } = swapFocus;
  swapFocus = null;
  setTimeout(() => restoreFocus(focused, id, parent));  // after the page's own handlers (cardMoved) had their turn
});
function restoreFocus(focused, id, parent) {
  if (focused.isConnected || (document.activeElement && document.activeElement !== document.body)) return;
  const next = (id && document.getElementById(id)) || (parent && parent.isConnected ? parent : document.getElementById("main"));
  if (!next) return;
  if (!next.matches("a[href], button, input, select, textarea, summary, [tabindex]")) next.setAttribute("tabindex", "-1");
  next.focus({ preventScroll: true });
}

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

// Search forms (data-search-form) leave empty filters out of the request, so the URL pushed to the history
// stays short and shareable: ?seeking_status=passive rather than ?q=&seeking_status=passive&source=&…
document.addEventListener("htmx:configRequest", (event) => {
  if (event.detail.verb !== "get" || !event.detail.elt.matches("[data-search-form]")) return;
  for (const [name, value] of [...event.detail.formData.entries()]) {
    if (value === "") event.detail.formData.delete(name);
  }
});

// Checkbox selection: a checkbox with data-select-all="NAME" ticks every checkbox named NAME, and an
// element with data-selected-count="NAME" says how many are ticked.
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || box.type !== "checkbox") return;
  const name = box.dataset.selectAll || box.name;
  if (box.dataset.selectAll) {
    for (const other of document.querySelectorAll(`input[type=checkbox][name="${name}"]`)) other.checked = box.checked;
  }
  const ticked = document.querySelectorAll(`input[type=checkbox][name="${name}"]:checked`).length;
  for (const counter of document.querySelectorAll(`[data-selected-count="${name}"]`)) {
    counter.textContent = ticked ? `${ticked} selected` : "None selected";
  }
});

// Kanban boards: a card dropped in a column posts its new stage and position. The server answers with the
// changed columns (out of band), or 409 and the columns as they are now when someone else moved it first.
document.addEventListener("end", (event) => {
  const card = event.item;
  const board = card && card.closest("[data-move-url]");
  if (!board || !card.dataset.card) return;
  if (event.from === event.to && event.oldIndex === event.newIndex) return;
  const filters = document.getElementById("board-filters");
  const url = board.dataset.moveUrl.replace("/0/", `/${card.dataset.card}/`);
  htmx.ajax("POST", url, {
    source: card,
    swap: "none",
    values: {
      ...(filters ? Object.fromEntries(new FormData(filters)) : {}),
      stage: event.to.dataset.stage,
      position: event.newIndex,
      version: card.dataset.version,
    },
  });
});

// After a move (a drag or the "Move to…" menu) the server names the card in a cardMoved event, once the new
// columns are in and the move has been announced in #board-announcer. The columns were redrawn, so the focus
// was lost with the old card: it goes back to the moved card's menu button, where a keyboard user left off.
document.addEventListener("cardMoved", (event) => {
  const card = document.getElementById(`card-${event.detail.card}`);
  const focused = document.activeElement;
  if (!card || (focused && focused !== document.body && focused.isConnected)) return;
  card.querySelector("summary").focus();
});

// A link with data-selection-link="NAME" carries the ticked NAME checkboxes along as one comma-separated
// parameter (data-selection-param), e.g. "Enroll selected…" -> /enroll/?candidates=3,5,8.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-selection-link]");
  if (!link) return;
  const name = link.dataset.selectionLink;
  const ids = [...document.querySelectorAll(`input[type=checkbox][name="${name}"]:checked`)].map((box) => box.value);
  event.preventDefault();
  if (!ids.length) {
    for (const counter of document.querySelectorAll(`[data-selected-count="${name}"]`)) counter.textContent = "Tick people first";
    return;
  }
  const url = new URL(link.href, window.location.href);
  url.searchParams.set(link.dataset.selectionParam, ids.join(","));
  window.location.assign(url);
});

// An open <details class="popover"> closes on a click outside it, or on Escape.
document.addEventListener("click", (event) => {
  for (const open of document.querySelectorAll("details.popover[open]")) {
    if (!open.contains(event.target)) open.open = false;
  }
});
// "/" anywhere but in a field focuses the navigation's search box.
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
  const box = document.getElementById("global-search");
  if (!box) return;
  event.preventDefault();
  box.focus();
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  for (const open of document.querySelectorAll("details.popover[open]")) open.open = false;
});

// The Content-Security-Policy allows no inline script or style attribute, so what they did is here:
// a meter's or bar's fill takes its width from data-percent;
htmx.onLoad((content) => {
  const fills = content.matches && content.matches("[data-percent]") ? [content] : [];
  fills.push(...content.querySelectorAll("[data-percent]"));
  for (const fill of fills) fill.style.width = `${Math.max(0, Math.min(100, Number(fill.dataset.percent) || 0))}%`;
});

// a board column's "Show more" (data-column-more) asks for the cards after those the column shows now, and its
// "N in all" (data-column-total="STAGE") follows the column's count after a move: a card moved into or out of a
// column since it was drawn changed both;
document.addEventListener("htmx:configRequest", (event) => {
  const column = event.detail.elt.matches("[data-column-more]") && event.detail.elt.closest(".column");
  if (column) event.detail.formData.set("offset", column.querySelectorAll(".column-cards .board-card").length);
});
document.addEventListener("cardMoved", () => {
  for (const total of document.querySelectorAll("[data-column-total]")) {
    const count = document.getElementById(`stage-count-${total.dataset.columnTotal}`);
    if (count) total.textContent = count.textContent;
  }
});

// an element with data-remove-after-request (a "Show more" button) goes once its request is done;
document.addEventListener("htmx:afterRequest", (event) => {
  if (event.detail.elt.matches("[data-remove-after-request]")) event.detail.elt.remove();
});

// a button with data-copy-from="ID" copies that field's text and says so.
document.addEventListener("click", (event) => {
  const button = event.target.closest && event.target.closest("[data-copy-from]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copyFrom);
  if (!field) return;
  navigator.clipboard.writeText(field.value);
  button.textContent = "Copied";
});

// A plain form with data-confirm asks before it is sent (htmx's hx-confirm covers htmx requests only).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
});

// Date fields: the browser shows a date input in its own locale's digits (12/02/2026 in a US browser), while
// the app writes dates as "2 Dec 2026". Each date input gets the chosen date written the app's way beside it,
// so nobody has to guess which number is the day. The input keeps its own accessible name; the echo is
// linked as its description.
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function echoDate(input) {
  const [year, month, day] = (input.value || "").split("-").map(Number);
  input.dateEcho.textContent = year && month && day ? `${day} ${MONTHS[month - 1]} ${year}` : "";
}

htmx.onLoad((content) => {
  const inputs = content.matches && content.matches("input[type=date]") ? [content] : [];
  inputs.push(...content.querySelectorAll("input[type=date]"));
  for (const input of inputs) {
    if (input.dateEcho) continue;
    const echo = document.createElement("span");
    echo.className = "date-echo";
    echo.id = `${input.id || input.name}-written`;
    input.after(echo);
    input.dateEcho = echo;
    const described = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", described ? `${described} ${echo.id}` : echo.id);
    echoDate(input);
  }
});

document.addEventListener("input", (event) => {
  if (event.target.matches("input[type=date]") && event.target.dateEcho) echoDate(event.target);
});
document.addEventListener("change", (event) => {
  if (event.target.matches("input[type=date]") && event.target.dateEcho) echoDate(event.target);
});

// Bulk on a role's board: "Select cards" puts a checkbox on each card (Tab and Space tick one; shift-click
// ticks the range from the last one ticked); the bar sends the ticked cards as id:version, as the page shows
// them, and its "Enroll…" / "Add to role…" / "Add to pool…" links carry the people (data-selection-link, above).
(() => {
  let lastTicked = null;
  const board = () => document.getElementById("board");
  const bar = () => document.getElementById("bulk-bar");
  const ticked = () => [...document.querySelectorAll("#board .card-select:checked")];

  function addBoxes(root) {
    if (!board() || !board().classList.contains("selecting")) return;
    for (const card of root.querySelectorAll ? root.querySelectorAll(".board-card") : []) {
      if (card.querySelector(".card-select")) continue;
      const box = document.createElement("input");
      box.type = "checkbox";
      box.className = "card-select";
      box.name = "candidate_ids";
      box.value = card.dataset.candidate;
      box.setAttribute("aria-label", `Select ${card.querySelector(".name").textContent}`);
      card.prepend(box);
    }
  }

  function refresh() {
    const boxes = ticked();
    const cards = boxes.map((box) => box.closest(".board-card"));
    document.getElementById("bulk-cards").value = cards.map((c) => `${c.dataset.card}:${c.dataset.version}`).join(",");
    document.getElementById("bulk-count").textContent = boxes.length ? `${boxes.length} selected` : "None selected";
    bar().hidden = boxes.length === 0;
  }

  document.addEventListener("click", (event) => {
    const toggle = event.target.closest && event.target.closest("[data-bulk-toggle]");
    if (toggle && board()) {
      const on = board().classList.toggle("selecting");
      toggle.setAttribute("aria-pressed", String(on));
      if (on) addBoxes(board());
      else for (const box of board().querySelectorAll(".card-select")) box.remove();
      refresh();
      return;
    }
    const box = event.target.closest && event.target.closest(".card-select");
    if (!box) return;
    if (event.shiftKey && lastTicked && lastTicked !== box) {
      const all = [...board().querySelectorAll(".card-select")];
      const [from, to] = [all.indexOf(lastTicked), all.indexOf(box)].sort((a, b) => a - b);
      for (const other of all.slice(from, to + 1)) other.checked = box.checked;
    }
    lastTicked = box;
    refresh();
  });

  htmx.onLoad((content) => {
    addBoxes(content.parentNode || content);
    if (bar()) refresh();
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.elt.id !== "bulk-bar") return;
    for (const box of document.querySelectorAll("#board .card-select:checked")) box.checked = false;
    refresh();
  });
})();

// Booking pages: times are shown in the browser's timezone unless the visitor chose one (?tz= in the address).
// Without JavaScript the page shows the person's timezone, and the select changes it.
document.addEventListener("DOMContentLoaded", () => {
  const select = document.querySelector("select[data-detect-timezone]");
  if (!select || new URLSearchParams(window.location.search).has("tz")) return;
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && zone !== select.value && [...select.options].some((option) => option.value === zone)) {
    select.value = zone;
    select.form.submit();
  }
});
