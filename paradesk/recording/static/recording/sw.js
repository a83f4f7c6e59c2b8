/*
 * Paradesk service worker, served at /sw.js (scope "/") by paradesk.recording.views.service_worker,
 * which fills in SHELL (the static files of the app shell) and VERSION. It holds no student data
 * itself; the Today page it caches does, and is removed on sign-out.
 *
 * - Static files: cache first (their names change when their content does in production).
 * - The Today page: network first, so a para always sees the newest plan; the cached copy when the
 *   network is down, so a reload offline still shows her students and every record in IndexedDB.
 */
"use strict";

const VERSION = "dev";
const SHELL = [];
const SHELL_CACHE = "paradesk-shell-" + VERSION;
const PAGES = "paradesk-pages";
const OFFLINE_PAGES = ["/today/"];
const SIGN_OUT = "/accounts/logout/";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith("paradesk-shell-") && name !== SHELL_CACHE)
            .map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

async function cacheFirst(request) {
  const cached = await caches.match(request, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(SHELL_CACHE);
    cache.put(request, response.clone());
  }
  return response;
}

async function networkFirst(request, path) {
  try {
    const response = await fetch(request);
    const cache = await caches.open(PAGES);
    // Signed out (sent to the sign-in page) or refused: the copy must not outlive the session.
    if (response.ok && !response.redirected) await cache.put(path, response.clone());
    else await cache.delete(path);
    return response;
  } catch (error) {
    const cached = await caches.match(path, { cacheName: PAGES, ignoreVary: true });
    if (cached) return cached;
    throw error;
  }
}

// A sign-out made offline (store.js) is kept in IndexedDB until the server has ended the session:
// until then every page is "signed out", never a page of the session the person left.
function pendingSignOut() {
  return new Promise((resolve) => {
    const opened = indexedDB.open("paradesk");
    opened.onerror = () => resolve(null);
    opened.onsuccess = () => {
      const db = opened.result;
      if (!db.objectStoreNames.contains("meta")) {
        db.close();
        resolve(null);
        return;
      }
      const read = db.transaction("meta").objectStore("meta").get("sign_out_pending");
      read.onsuccess = () => { db.close(); resolve(read.result || null); };
      read.onerror = () => { db.close(); resolve(null); };
    };
  });
}

function forgetSignOut() {
  return new Promise((resolve) => {
    const opened = indexedDB.open("paradesk");
    opened.onerror = () => resolve();
    opened.onsuccess = () => {
      const db = opened.result;
      const tx = db.transaction("meta", "readwrite");
      tx.objectStore("meta").delete("sign_out_pending");
      tx.oncomplete = tx.onerror = () => { db.close(); resolve(); };
    };
  });
}

// Filled in, translated, by the view that serves this script.
const SIGNED_OUT_TEXT = "Signed out on this device. Records waiting stay here and are sent the next time you sign in.";
const SIGNED_OUT_PAGE = '<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" ' +
  'content="width=device-width, initial-scale=1"><title>Paradesk</title></head><body><main><p role="status">' +
  SIGNED_OUT_TEXT.replace(/&/g, "&amp;").replace(/</g, "&lt;") + "</p></main></body></html>";

async function navigateSignedOut(request, pending) {
  try {
    const ended = await fetch(pending.value.url, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: { "X-CSRFToken": pending.value.csrf },
    });
    if (ended.type === "opaqueredirect" || ended.ok) {
      await forgetSignOut();
      return fetch(request);
    }
  } catch (error) {
    // offline still: the device stays signed out
  }
  return new Response(SIGNED_OUT_PAGE, { headers: { "Content-Type": "text/html; charset=utf-8" } });
}

async function navigate(request, url) {
  const pending = await pendingSignOut();
  if (pending) return navigateSignedOut(request, pending);
  if (OFFLINE_PAGES.includes(url.pathname)) return networkFirst(request, url.pathname);
  return fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === SIGN_OUT) {
    event.waitUntil(caches.delete(PAGES));
    return;
  }
  if (request.method !== "GET") return;
  if (SHELL.includes(url.pathname) || url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate") {
    event.respondWith(navigate(request, url));
  }
});
