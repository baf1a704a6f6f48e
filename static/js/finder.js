/* Shelter finder: progressive enhancement of the list page (the list, filters and paging all work without it).
   - "Near me": asks the browser for the position only after a click, rounds it to two decimals (about 1 km) and
     posts it with the page's filters (a POST body stays out of URLs, logs and caches).
   - The map: Leaflet and the clustering plugin load only when the map is shown (at once on wide screens,
     after "Show map" on phones); it draws the same filtered shelters, from the API's GeoJSON.
   - "Share": the system share sheet where there is one, else the link is copied. */
(function () {
  "use strict";

  function $(selector, root) { return (root || document).querySelector(selector); }
  function $all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }

  /* ---- near me ---- */
  var nearForm = $("#near-form");
  if (nearForm && "geolocation" in navigator) {
    nearForm.hidden = false;
    var status = $(".near-status", nearForm);
    var button = $("[data-near-button]", nearForm);
    button.addEventListener("click", function () {
      button.disabled = true;
      status.textContent = "…";
      navigator.geolocation.getCurrentPosition(function (position) {
        nearForm.elements.lat.value = position.coords.latitude.toFixed(2);
        nearForm.elements.lon.value = position.coords.longitude.toFixed(2);
        nearForm.submit();
      }, function () {
        button.disabled = false;
        status.textContent = button.getAttribute("data-error");
      }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 });
    });
    if (nearForm.hasAttribute("data-active")) {
      // Keep sorting by distance when the visitor changes a filter or removes a chip.
      var postTo = function (url) { nearForm.action = url; nearForm.submit(); };
      $all("[data-autosubmit]", nearForm).forEach(function (select) {
        select.addEventListener("change", function () { nearForm.submit(); });
      });
      $all("form.filters").forEach(function (form) {
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          var params = new URLSearchParams();
          new FormData(form).forEach(function (value, name) { if (value) { params.append(name, value); } });
          postTo(form.action + "?" + params.toString());
        });
      });
      $all(".active-filters a.chip").forEach(function (chip) {
        chip.addEventListener("click", function (event) { event.preventDefault(); postTo(chip.href); });
      });
    }
  }

  /* ---- share ---- */
  $all("[data-share]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var data = { title: link.getAttribute("data-title") || document.title, url: link.href };
      if (navigator.share) {
        event.preventDefault();
        navigator.share(data).catch(function () { /* the visitor closed the sheet */ });
      } else if (navigator.clipboard && window.isSecureContext) {
        event.preventDefault();
        navigator.clipboard.writeText(data.url).then(function () {
          link.setAttribute("data-copied", "1");
          link.classList.add("copied");
        });
      }
    });
  });

  /* ---- map ---- */
  var section = $(".list-map");
  var canvas = $("#shelter-list-map");
  if (!section || !canvas) {
    return;
  }
  section.hidden = false;
  var toggle = $(".map-toggle", section);
  var loaded = null;

  function load(tag, attrs) {
    return new Promise(function (resolve, reject) {
      var el = document.createElement(tag);
      Object.keys(attrs).forEach(function (name) { el[name] = attrs[name]; });
      el.onload = resolve;
      el.onerror = reject;
      document.head.appendChild(el);
    });
  }

  function draw() {
    var L = window.L;
    var map = L.map(canvas, { scrollWheelZoom: false }).setView([23.6, -102.5], 5);
    L.tileLayer("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", {
      subdomains: "abc",
      maxZoom: 19,
      attribution: canvas.getAttribute("data-attribution")
    }).addTo(map);
    var detailUrl = canvas.getAttribute("data-detail-url");
    var icon = L.divIcon({ className: "shelter-marker", iconSize: [18, 18] });
    return fetch(canvas.getAttribute("data-geojson"), { headers: { Accept: "application/geo+json" } })
      .then(function (response) { return response.ok ? response.json() : { features: [] }; })
      .then(function (collection) {
        var group = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50 });
        var withoutLocation = 0;
        collection.features.forEach(function (feature) {
          if (!feature.geometry) { withoutLocation += 1; return; }
          var props = feature.properties;
          var coords = feature.geometry.coordinates;
          var marker = L.marker([coords[1], coords[0]], { icon: icon, title: props.name, alt: props.name });
          var popup = document.createElement("div");
          var link = document.createElement("a");
          link.href = detailUrl.replace("__slug__", encodeURIComponent(props.slug));
          link.textContent = props.name;
          popup.appendChild(link);
          var place = document.createElement("div");
          place.textContent = [props.municipality, props.state_name].filter(Boolean).join(", ");
          popup.appendChild(place);
          marker.bindPopup(popup);
          group.addLayer(marker);
        });
        map.addLayer(group);
        if (group.getLayers().length) {
          map.fitBounds(group.getBounds(), { maxZoom: 12, padding: [20, 20] });
        }
        var note = $(".map-note", section);
        if (withoutLocation && note) {
          note.textContent = withoutLocation + " " + canvas.getAttribute("data-no-location");
          note.hidden = false;
        }
        canvas.setAttribute("data-markers", String(group.getLayers().length));
      });
  }

  function show() {
    canvas.hidden = false;
    section.classList.add("map-open");
    if (toggle) {
      toggle.setAttribute("aria-expanded", "true");
      toggle.textContent = toggle.getAttribute("data-hide");
    }
    if (!loaded) {
      loaded = Promise.all([
        load("link", { rel: "stylesheet", href: canvas.getAttribute("data-leaflet-css") }),
        load("link", { rel: "stylesheet", href: canvas.getAttribute("data-cluster-css") }),
        load("script", { src: canvas.getAttribute("data-leaflet-js") })
      ]).then(function () {
        return load("script", { src: canvas.getAttribute("data-cluster-js") });
      }).then(draw).catch(function () {
        canvas.setAttribute("data-failed", "1");
      });
    }
  }

  function hide() {
    canvas.hidden = true;
    section.classList.remove("map-open");
    toggle.setAttribute("aria-expanded", "false");
    toggle.textContent = toggle.getAttribute("data-show");
  }

  var wide = window.matchMedia("(min-width: 64rem)");
  if (wide.matches) {
    toggle.hidden = true;
    show();
  } else {
    toggle.addEventListener("click", function () {
      if (canvas.hidden) { show(); } else { hide(); }
    });
  }
})();
