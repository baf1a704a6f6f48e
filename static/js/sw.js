/* The registry's service worker: pages a visitor opened, and the compact list of every public shelter, stay
   readable without signal. Served from /sw.js (config.pwa) so that its scope is the whole site. */
"use strict";

const VERSION = "v1";
const PAGES = `pages-${VERSION}`;
const ASSETS = `assets-${VERSION}`;
const OFFLINE_LISTS = ["/es/offline/", "/en/offline/"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(PAGES).then((cache) => cache.addAll(OFFLINE_LISTS)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => ![PAGES, ASSETS].includes(key)).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

function storable(response) {
  // Pages shown to staff carry confidential locations and say no-store: they never go into the device's cache.
  const control = (response.headers.get("Cache-Control") || "").toLowerCase();
  return response.ok && response.type === "basic" && !control.includes("no-store");
}

function offlineListFor(url) {
  return url.pathname.startsWith("/en/") ? "/en/offline/" : "/es/offline/";
}

async function page(request) {
  const cache = await caches.open(PAGES);
  try {
    const response = await fetch(request);
    if (storable(response)) {
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const url = new URL(request.url);
    return (await cache.match(request)) || (await cache.match(offlineListFor(url))) || Response.error();
  }
}

async function asset(request) {
  const cache = await caches.open(ASSETS);
  const cached = await cache.match(request);
  if (cached) {
    return cached;
  }
  const response = await fetch(request);
  if (storable(response)) {
    await cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (url.pathname.startsWith("/admin/") || url.pathname.startsWith("/api/")) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(page(request));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(asset(request));
  }
});
