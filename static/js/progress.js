// Polls the state of a revision being analysed and reloads the page once it is done or failed.
(function () {
  "use strict";
  const root = document.querySelector("[data-testid=progress]");
  if (!root || root.dataset.state === "failed") return;
  const url = root.dataset.stateUrl;
  let delay = 1000;

  async function poll() {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const state = (await response.json()).state;
        if (state === "done") {
          window.location.assign(root.dataset.doneUrl);
          return;
        }
        if (state === "failed") {
          window.location.reload();
          return;
        }
        root.dataset.state = state;
      }
    } catch (e) {
      // A network hiccup: try again later.
    }
    delay = Math.min(delay * 1.5, 10000);
    window.setTimeout(poll, delay);
  }
  window.setTimeout(poll, delay);
})();
