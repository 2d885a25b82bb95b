/* kg: autocomplete on labels and aliases for every <input data-autocomplete>.
 *
 * Progressive enhancement: without this script the inputs are plain text
 * fields of plain GET forms. With it, each becomes an ARIA combobox whose
 * suggestions come from the canned query `search` (GET /queries/search?text=).
 *   data-autocomplete="navigate"  choosing a suggestion opens the entity's page
 *   data-autocomplete="fill"      choosing one fills in its short id (usdol, sdg:8.7)
 *   data-types="IRI IRI"          keep only entities of these classes (as asserted)
 */
(function () {
  "use strict";

  var ID_NS = document.documentElement.getAttribute("data-id-ns") || "";
  var PREFIXES = [["sdg:", "http://metadata.un.org/sdg/"]];
  var counter = 0;

  function shortName(iri) {
    if (ID_NS && iri.indexOf(ID_NS) === 0) return iri.slice(ID_NS.length);
    for (var i = 0; i < PREFIXES.length; i++) {
      if (iri.indexOf(PREFIXES[i][1]) === 0) return PREFIXES[i][0] + iri.slice(PREFIXES[i][1].length);
    }
    return iri;
  }

  function pageOf(iri) {
    return ID_NS && iri.indexOf(ID_NS) === 0 ? "/id/" + iri.slice(ID_NS.length) : iri;
  }

  function typeName(iri) {
    var local = (iri || "").split(/[#/]/).pop();
    return local.replace(/([a-z])([A-Z])/g, "$1 $2");
  }

  function entries(rows, types) {
    var byEntity = {};
    var order = [];
    rows.forEach(function (row) {
      if (!row.entity) return;
      if (types && row.type && types.indexOf(row.type) < 0) return;
      var e = byEntity[row.entity];
      if (!e) {
        e = byEntity[row.entity] = { iri: row.entity, label: row.label || row.matched || shortName(row.entity), type: row.type, aliases: [] };
        order.push(e);
      }
      if (row.matched && row.matched !== e.label && e.aliases.indexOf(row.matched) < 0) e.aliases.push(row.matched);
    });
    return order.slice(0, 12);
  }

  function Combo(input) {
    this.input = input;
    this.mode = input.getAttribute("data-autocomplete");
    var types = input.getAttribute("data-types");
    this.types = types ? types.split(/\s+/) : null;
    this.items = [];
    this.active = -1;
    this.timer = null;
    this.controller = null;
    this.list = document.createElement("ul");
    this.list.id = (input.id || "combo" + ++counter) + "-listbox";
    this.list.className = "suggestions";
    this.list.setAttribute("role", "listbox");
    this.list.setAttribute("aria-label", "Suggestions");
    this.list.hidden = true;
    input.insertAdjacentElement("afterend", this.list);
    this.status = document.createElement("div");
    this.status.className = "visually-hidden";
    this.status.setAttribute("role", "status");
    this.status.setAttribute("style", "position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)");
    input.parentNode.appendChild(this.status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", this.list.id);
    var self = this;
    input.addEventListener("input", function () { self.schedule(); });
    input.addEventListener("keydown", function (event) { self.key(event); });
    input.addEventListener("blur", function () { window.setTimeout(function () { self.close(); }, 150); });
    this.list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    this.list.addEventListener("click", function (event) {
      var li = event.target.closest("li[data-index]");
      if (li) self.choose(Number(li.getAttribute("data-index")));
    });
  }

  Combo.prototype.schedule = function () {
    var self = this;
    window.clearTimeout(this.timer);
    var text = this.input.value.trim();
    if (text.length < 2) { this.close(); return; }
    this.timer = window.setTimeout(function () { self.fetch(text); }, 150);
  };

  Combo.prototype.fetch = function (text) {
    var self = this;
    if (this.controller) this.controller.abort();
    this.controller = new AbortController();
    fetch("/queries/search?" + new URLSearchParams({ text: text }), {
      headers: { Accept: "application/json" },
      signal: this.controller.signal
    })
      .then(function (response) { return response.ok ? response.json() : { rows: [] }; })
      .then(function (data) {
        if (self.input.value.trim() !== text) return;
        self.show(entries(data.rows || [], self.types));
      })
      .catch(function () { /* aborted by a newer request, or offline: no suggestions */ });
  };

  Combo.prototype.show = function (items) {
    var self = this;
    this.items = items;
    this.active = -1;
    this.list.textContent = "";
    if (!items.length) {
      var none = document.createElement("li");
      none.className = "none";
      none.textContent = "No match";
      none.setAttribute("aria-disabled", "true");
      this.list.appendChild(none);
    }
    items.forEach(function (item, i) {
      var li = document.createElement("li");
      li.id = self.list.id + "-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.setAttribute("data-index", String(i));
      var name = document.createElement("span");
      name.textContent = item.label;
      li.appendChild(name);
      if (item.type) {
        var type = document.createElement("span");
        type.className = "type";
        type.textContent = typeName(item.type);
        li.appendChild(type);
      }
      if (item.aliases.length) {
        var alias = document.createElement("span");
        alias.className = "alias";
        alias.textContent = item.aliases.slice(0, 2).join(", ");
        li.appendChild(alias);
      }
      self.list.appendChild(li);
    });
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
    this.status.textContent = items.length ? items.length + " suggestions; use the arrow keys" : "No match";
  };

  Combo.prototype.close = function () {
    this.list.hidden = true;
    this.active = -1;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  };

  Combo.prototype.highlight = function (index) {
    var options = this.list.querySelectorAll("[role=option]");
    if (!options.length) return;
    this.active = (index + options.length) % options.length;
    for (var i = 0; i < options.length; i++) options[i].setAttribute("aria-selected", i === this.active ? "true" : "false");
    var current = options[this.active];
    this.input.setAttribute("aria-activedescendant", current.id);
    current.scrollIntoView({ block: "nearest" });
  };

  Combo.prototype.key = function (event) {
    var open = !this.list.hidden;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!open) { this.schedule(); return; }
      this.highlight(this.active + 1);
    } else if (event.key === "ArrowUp") {
      if (!open) return;
      event.preventDefault();
      this.highlight(this.active - 1);
    } else if (event.key === "Enter") {
      if (open && this.active >= 0) {
        event.preventDefault();
        this.choose(this.active);
      }
    } else if (event.key === "Escape") {
      if (open) { event.preventDefault(); this.close(); }
    }
  };

  Combo.prototype.choose = function (index) {
    var item = this.items[index];
    if (!item) return;
    this.close();
    if (this.mode === "navigate") {
      this.input.value = item.label;
      window.location.assign(pageOf(item.iri));
      return;
    }
    this.input.value = shortName(item.iri);
    this.input.setAttribute("title", item.label);
    this.input.dispatchEvent(new Event("change", { bubbles: true }));
  };

  function setup() {
    var inputs = document.querySelectorAll("input[data-autocomplete]");
    for (var i = 0; i < inputs.length; i++) new Combo(inputs[i]);
    var share = document.getElementById("share");
    if (share) share.addEventListener("focus", function () { share.select(); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
