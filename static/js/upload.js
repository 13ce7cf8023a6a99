// Upload forms: dropping files onto the zone puts them into the file input and lists them.
"use strict";

function listFiles(zone, input) {
  const list = zone.querySelector("[data-chosen]");
  if (!list) return;
  list.replaceChildren();
  for (const file of input.files) {
    const item = document.createElement("li");
    item.textContent = `${file.name} (${Math.max(1, Math.round(file.size / 1024))} KB)`;
    list.append(item);
  }
}

function wire(zone) {
  const input = zone.querySelector("input[type=file]");
  if (!input) return;
  input.addEventListener("change", () => listFiles(zone, input));
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    // Keep what was chosen before and add the dropped files after it.
    const merged = new DataTransfer();
    for (const file of input.files) merged.items.add(file);
    for (const file of event.dataTransfer.files) merged.items.add(file);
    input.files = merged.files;
    listFiles(zone, input);
  });
}

document.querySelectorAll("[data-dropzone]").forEach(wire);
