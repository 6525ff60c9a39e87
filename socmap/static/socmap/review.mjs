// Keyboard first review of possible matches: m same, n not the same (then a reason), u unsure, s skip.
// Keys are ignored while typing in a field, except Enter in the reason box, which sends the decision.
const form = document.getElementById("judge-form");
const reason = document.getElementById("id_reason");
let chosen = "no_match";

function send(decision) {
  const button = form.querySelector(`button[name="decision"][value="${decision}"]`);
  form.requestSubmit(button);
}

document.addEventListener("keydown", (event) => {
  if (!form || event.ctrlKey || event.metaKey || event.altKey) return;
  const typing = event.target instanceof HTMLElement && event.target.closest("input, textarea, select");
  if (typing) {
    if (event.target === reason && event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      send(chosen);
    }
    if (event.key === "Escape") event.target.blur();
    return;
  }
  const key = event.key.toLowerCase();
  if (key === "m") {
    event.preventDefault();
    send("match");
  } else if (key === "u") {
    event.preventDefault();
    send("unsure");
  } else if (key === "n") {
    event.preventDefault();
    chosen = "no_match";
    if (reason.value.trim() === "") reason.focus();
    else send("no_match");
  } else if (key === "s") {
    event.preventDefault();
    document.getElementById("skip-form").requestSubmit();
  }
});
