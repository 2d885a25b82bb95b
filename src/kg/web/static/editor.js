/* kg: the SPARQL editor page. YASGUI (served from /vendor/yasgui/, installed with npm)
 * pointed at this service's /sparql, with the canned queries as examples.
 *
 * Nothing is fetched from elsewhere: YASGUI's prefix lookups (prefix.cc) are off by
 * default (prefixCcApi: null, its bundled list is used) and the class/property
 * autocompleters, which ask Linked Open Vocabularies, are removed; the endpoint
 * list offers only this service.
 */
(function () {
  "use strict";

  var root = document.getElementById("yasgui");
  if (!root || !window.Yasgui) return;
  var Yasgui = window.Yasgui;
  var endpoint = new URL(root.getAttribute("data-endpoint") || "/sparql", window.location.href).toString();

  var offline = function (name) { return name !== "class" && name !== "property"; };
  if (Yasgui.Yasqe && Yasgui.Yasqe.defaults) {
    Yasgui.Yasqe.defaults.autocompleters = Yasgui.Yasqe.defaults.autocompleters.filter(offline);
  }

  var starter = [
    "# Which projects does the Department of State fund, and where?",
    "PREFIX kg: <" + root.getAttribute("data-kg-ns") + ">",
    "PREFIX id: <" + root.getAttribute("data-id-ns") + ">",
    "PREFIX schema: <https://schema.org/>",
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>",
    "",
    "SELECT ?project ?projectLabel ?country ?countryLabel WHERE {",
    "  ?funding a kg:Funding ; schema:funder id:usdos ; schema:fundedItem ?project .",
    "  ?project skos:prefLabel ?projectLabel .",
    "  OPTIONAL { ?project kg:country ?country . ?country skos:prefLabel ?countryLabel }",
    "}",
    "ORDER BY ?projectLabel ?countryLabel"
  ].join("\n");

  var yasgui = new Yasgui(root, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    populateFromUrl: false,
    autofocus: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] },
    yasqe: { value: starter, prefixCcApi: null }
  });

  // Every tab asks this service, whatever was stored in the browser before.
  Object.keys(yasgui._tabs || {}).forEach(function (id) {
    var tab = yasgui.getTab(id);
    if (tab && tab.getEndpoint && tab.getEndpoint() !== endpoint) tab.setEndpoint(endpoint);
  });

  function openTab(name, text) {
    var tab = yasgui.addTab(true, { name: name, yasqe: { value: text }, requestConfig: { endpoint: endpoint } });
    var yasqe = tab.getYasqe && tab.getYasqe();
    if (yasqe && yasqe.getValue() !== text) yasqe.setValue(text);
    return tab;
  }

  function openExample(name) {
    return fetch("/api/queries/" + encodeURIComponent(name), { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("no canned query " + name);
        return response.json();
      })
      .then(function (query) { return openTab(query.title, query.editorText); });
  }

  document.querySelectorAll("[data-example]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      openExample(link.getAttribute("data-example")).catch(function () {
        window.location.assign(link.href);
      });
    });
  });

  var params = new URLSearchParams(window.location.search);
  if (params.get("example")) {
    openExample(params.get("example")).catch(function () { /* unknown name: keep the editor as it is */ });
  } else if (params.get("query")) {
    openTab("Query", params.get("query"));
  }
  window.kgYasgui = yasgui;
})();
