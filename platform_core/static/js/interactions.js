/*
 * Xinglin interactions client: records `page.viewed` (value = seconds the page was visible) and
 * posts batches to /api/v1/interactions/batch.
 *
 * - One event per visible stretch, recorded when the page is hidden or left.
 * - The queue lives in localStorage per user, so events survive navigation and a failed batch is
 *   sent again later with the same client_event_id and occurred_at: the server stores it once.
 * - Sent on visibilitychange/pagehide (fetch keepalive) and every 30 seconds.
 * Loaded only for logged-in users (base.html); no inline script is needed (CSP script-src 'self').
 */
(function () {
  "use strict";

  var ENDPOINT = "/api/v1/interactions/batch";
  var FLUSH_EVERY_MS = 30000;
  var MAX_BATCH = 200;
  var MAX_QUEUE = 1000;
  var KEEPALIVE_LIMIT_BYTES = 60000;

  var userId = document.body && document.body.getAttribute("data-user-id");
  if (!userId || !window.fetch) {
    return;
  }
  var storageKey = "xinglin.interactions." + userId;
  var memoryQueue = [];
  var inFlight = {};
  var retryAt = 0;
  var failures = 0;

  function newId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    // Fallback for old browsers and plain-http origins where randomUUID is unavailable.
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function load() {
    try {
      var stored = JSON.parse(window.localStorage.getItem(storageKey) || "[]");
      return Array.isArray(stored) ? stored : [];
    } catch (error) {
      return memoryQueue;
    }
  }

  function save(queue) {
    queue = queue.slice(-MAX_QUEUE);
    memoryQueue = queue;
    try {
      window.localStorage.setItem(storageKey, JSON.stringify(queue));
    } catch (error) {
      /* storage full or disabled: keep the in-memory copy */
    }
  }

  function enqueue(event) {
    var queue = load();
    queue.push(event);
    save(queue);
  }

  function removeSent(ids) {
    var sent = {};
    ids.forEach(function (id) { sent[id] = true; });
    save(load().filter(function (event) { return !sent[event.client_event_id]; }));
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  // ---- visible time of this page ----
  var objectId = (window.location.pathname || "/").slice(0, 64);
  var visibleSince = document.visibilityState === "visible" ? Date.now() : null;
  var stretchStartedAt = visibleSince ? new Date(visibleSince) : null;

  function recordVisibleStretch() {
    if (visibleSince === null) {
      return;
    }
    var seconds = Math.round((Date.now() - visibleSince) / 100) / 10;
    var startedAt = stretchStartedAt;
    visibleSince = null;
    stretchStartedAt = null;
    if (seconds <= 0) {
      return;
    }
    enqueue({
      client_event_id: newId(),
      verb: "page.viewed",
      object_type: "page",
      object_id: objectId,
      occurred_at: startedAt.toISOString(),
      value: seconds
    });
  }

  // ---- sending ----
  function flush(leaving) {
    if (!leaving && Date.now() < retryAt) {
      return;
    }
    // Never send an event twice at the same time; a replay after a failure is harmless.
    var batch = load().filter(function (event) { return !inFlight[event.client_event_id]; }).slice(0, MAX_BATCH);
    if (!batch.length) {
      return;
    }
    var body = JSON.stringify({ events: batch });
    var options = {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: body
    };
    // keepalive lets the request outlive the page; browsers cap its body at 64 KB.
    if (leaving && body.length < KEEPALIVE_LIMIT_BYTES) {
      options.keepalive = true;
    }
    var ids = batch.map(function (event) { return event.client_event_id; });
    ids.forEach(function (id) { inFlight[id] = true; });
    function settle() {
      ids.forEach(function (id) { delete inFlight[id]; });
    }
    window.fetch(ENDPOINT, options).then(function (response) {
      settle();
      if (response.ok || response.status === 422 || response.status === 400 || response.status === 413) {
        // Stored, or rejected for good (422: the valid ones were stored; 400/413: never valid).
        removeSent(ids);
        failures = 0;
        retryAt = 0;
        return;
      }
      scheduleRetry();
    }).catch(function () {
      settle();
      scheduleRetry();
    });
  }

  function scheduleRetry() {
    failures += 1;
    retryAt = Date.now() + Math.min(FLUSH_EVERY_MS * Math.pow(2, failures - 1), 10 * 60 * 1000);
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      recordVisibleStretch();
      flush(true);
    } else if (visibleSince === null) {
      visibleSince = Date.now();
      stretchStartedAt = new Date(visibleSince);
    }
  });

  window.addEventListener("pagehide", function () {
    recordVisibleStretch();
    flush(true);
  });

  window.setInterval(function () { flush(false); }, FLUSH_EVERY_MS);
  // Whatever an earlier page could not send goes out now.
  window.setTimeout(function () { flush(false); }, 2000);
})();
