// Colleague picker for nomination questions on the answering page.
// Each .picker holds server-rendered chips (hidden inputs q<Q>_nominee), a combobox that searches
// the people endpoint as you type, and a <template> for new chips. Data is only ever written with
// textContent, so names can never become markup.
"use strict";

(() => {
  const DEBOUNCE_MS = 150;

  function setUpPicker(picker) {
    const max = Number(picker.dataset.max);
    const url = picker.dataset.peopleUrl;
    const question = picker.dataset.question;
    const chips = picker.querySelector(".chips");
    const combo = picker.querySelector(".combo");
    const input = picker.querySelector(".combo-input");
    const list = picker.querySelector(".combo-list");
    const note = picker.querySelector(".combo-note");
    const live = picker.querySelector(".combo-live");
    const template = picker.querySelector(".chip-template");
    let results = [];
    let active = -1;
    let timer = 0;
    let controller = null;

    const chosen = () => [...chips.querySelectorAll(".chip")];

    function announce(text) {
      live.textContent = text;
    }

    function open() {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function updateLimit() {
      const full = chosen().length >= max;
      input.disabled = full;
      if (full) {
        close();
        input.value = "";
        note.dataset.kind = "limit";
        note.textContent = `You chose the maximum of ${max}. Remove someone to choose another.`;
      } else if (note.dataset.kind !== "search") {
        note.textContent = "";
      }
    }

    function setNote(text) {
      note.textContent = text;
      note.dataset.kind = text ? "search" : "";
    }

    function detailOf(person) {
      return [person.title, person.team].filter(Boolean).join(" · ");
    }

    function option(person, index) {
      const item = document.createElement("li");
      item.id = `${list.id}-${index}`;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      const name = document.createElement("span");
      name.className = "opt-name";
      name.textContent = person.name;
      const detail = document.createElement("span");
      detail.className = "opt-detail";
      detail.textContent = detailOf(person);
      item.append(name, detail);
      // mousedown (also fired after a tap) would move focus away and close the list first.
      item.addEventListener("mousedown", (event) => event.preventDefault());
      item.addEventListener("click", () => choose(index));
      return item;
    }

    function highlight(index) {
      if (!results.length) return;
      active = (index + results.length) % results.length;
      [...list.children].forEach((item, i) => {
        item.setAttribute("aria-selected", String(i === active));
      });
      const current = list.children[active];
      input.setAttribute("aria-activedescendant", current.id);
      current.scrollIntoView({ block: "nearest" });
    }

    function show(people, query) {
      const taken = new Set(chosen().map((chip) => chip.dataset.person));
      results = people.filter((person) => !taken.has(String(person.id)));
      list.replaceChildren(...results.map(option));
      if (!results.length) {
        close();
        setNote(`Nobody on the list matches “${query}”.`);
        announce(note.textContent);
        return;
      }
      setNote("");
      open();
      highlight(0);
      const noun = results.length === 1 ? "colleague" : "colleagues";
      announce(`${results.length} ${noun} found. Use the arrow keys and Enter to choose.`);
    }

    function search() {
      const query = input.value.trim();
      if (controller) controller.abort();
      controller = null;
      if (!query) {
        close();
        setNote("");
        return;
      }
      const mine = new AbortController();
      controller = mine;
      fetch(`${url}?q=${encodeURIComponent(query)}`, {
        signal: mine.signal,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then((response) => {
          if (!response.ok) throw new Error(`people search answered ${response.status}`);
          return response.json();
        })
        .then((data) => {
          if (controller === mine) show(data.results || [], query);
        })
        .catch((error) => {
          if (error.name === "AbortError" || controller !== mine) return;
          close();
          setNote("Search is not working right now. Check your connection and try again.");
        });
    }

    function wireChip(chip) {
      const name = chip.querySelector(".chip-name").textContent;
      const button = chip.querySelector(".chip-remove");
      button.hidden = false;
      button.setAttribute("aria-label", `Remove ${name}`);
      button.addEventListener("click", () => {
        chip.remove();
        updateLimit();
        announce(`Removed ${name}. ${chosen().length} of ${max} chosen.`);
        input.focus();
      });
    }

    function choose(index) {
      const person = results[index];
      if (!person || chosen().length >= max) return;
      const chip = template.content.firstElementChild.cloneNode(true);
      chip.dataset.person = String(person.id);
      chip.querySelector('input[type="hidden"]').value = String(person.id);
      chip.querySelector(".chip-name").textContent = person.name;
      chip.querySelector(".chip-detail").textContent = detailOf(person);
      const strength = chip.querySelector("select");
      if (strength) strength.name = `q${question}_strength_${person.id}`;
      chips.append(chip);
      wireChip(chip);
      input.value = "";
      results = [];
      list.replaceChildren();
      close();
      setNote("");
      updateLimit();
      announce(`Added ${person.name}. ${chosen().length} of ${max} chosen.`);
      // Keep typing the next name; when the limit is reached, go on to "How often?".
      (input.disabled ? strength || chip.querySelector(".chip-remove") : input).focus();
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(search, DEBOUNCE_MS);
    });

    input.addEventListener("keydown", (event) => {
      if (event.isComposing) return;
      const isOpen = !list.hidden;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!results.length) return;
        if (!isOpen) open();
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter") {
        // Never let Enter in the search box send the whole form.
        event.preventDefault();
        if (isOpen && active >= 0) choose(active);
      } else if (event.key === "Escape") {
        if (isOpen) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
          setNote("");
        }
      }
    });

    input.addEventListener("blur", close);

    chosen().forEach(wireChip);
    combo.hidden = false;
    updateLimit();
  }

  document.querySelectorAll(".picker").forEach(setUpPicker);
})();
