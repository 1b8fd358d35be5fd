/*
 * Xinglin lesson player: progressive enhancement of
 *
 *   <video data-xl-player controls src="...mp4 or .m3u8" data-heartbeat-url="..."
 *          data-resume-position="123.4" data-lesson-id="42" data-duration="600"></video>
 *
 * - Resumes at data-resume-position (the last position on any device, rendered by the server),
 *   unless that is the very end.
 * - Plays HLS (.m3u8) natively where the browser can, else with hls.js when the page loaded
 *   /static/vendor/hls.min.js before this script.
 * - Reports heartbeats to data-heartbeat-url: {"session", "seq", "position", "playing", "rate",
 *   "visible"} every 15 s while playing in a visible tab, and on play, pause, seeking (the position
 *   before the seek, so the part played just before it is not lost), seeked, ratechange, ended,
 *   visibilitychange and pagehide. Nothing is sent before the first play. The server credits watch
 *   time from them (academy/watchtime.py), so this script never decides what counts.
 * - A failed POST is retried once with the same seq (the server keeps the first copy).
 * - Shows the server's answer in [data-xl-progress] (a <progress>, or an element holding a
 *   <progress> and/or [data-xl-progress-text], or plain text) and reveals [data-xl-quiz-link] once
 *   the lesson is completed or covered >= 90% with a quiz. A data-xl-progress / data-xl-quiz-link
 *   value, if any, must equal the lesson id (for pages with several players).
 * No inline script is needed (CSP script-src 'self'); missing elements are simply skipped.
 */
(function () {
  "use strict";

  const HEARTBEAT_MS = 15000;
  const SEEKING_MIN_GAP_MS = 1000; // a scrub fires many "seeking": report the first one only
  const SEEKED_SETTLE_MS = 250; // ...and the position where the scrub settled
  const RETRY_DELAY_MS = 1000;
  const REQUEST_TIMEOUT_MS = 10000;
  const QUIZ_COVERAGE_PERCENT = 90;
  const RESUME_END_MARGIN_SECONDS = 5;
  const MAX_HLS_RECOVERIES = 3;
  const KEEPALIVE_SUPPORTED = typeof Request !== "undefined" && "keepalive" in Request.prototype;

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) {
      return decodeURIComponent(match[1]);
    }
    // Fallback: base.html puts the token in <body hx-headers='{"X-CSRFToken": "..."}'>.
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function newSessionId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    // randomUUID needs a secure context; plain-http development servers fall back to this.
    const bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function numberAttribute(element, name) {
    const value = parseFloat(element.getAttribute(name));
    return Number.isFinite(value) ? value : null;
  }

  // ---- source: native or hls.js ----

  function sourceUrl(video) {
    const source = video.querySelector("source[src]");
    return video.getAttribute("src") || (source && source.getAttribute("src")) || "";
  }

  function isHlsUrl(url) {
    try {
      return new URL(url, window.location.href).pathname.toLowerCase().endsWith(".m3u8");
    } catch (error) {
      return false;
    }
  }

  function attachHls(video) {
    const url = sourceUrl(video);
    if (!isHlsUrl(url) || video.canPlayType("application/vnd.apple.mpegurl")) {
      return; // not HLS, or played natively (Safari, iOS, recent Chrome)
    }
    const Hls = window.Hls;
    if (!Hls || !Hls.isSupported()) {
      return; // nothing more we can do; the browser shows its own error
    }
    // No web worker: the CSP allows no blob: scripts, and hls.js works fine without one.
    const hls = new Hls({ enableWorker: false });
    let recoveries = 0;
    hls.on(Hls.Events.ERROR, (event, data) => {
      if (!data.fatal) {
        return;
      }
      recoveries += 1;
      if (recoveries > MAX_HLS_RECOVERIES) {
        hls.destroy();
      } else if (data.type === Hls.ErrorTypes.NETWORK_ERROR) {
        hls.startLoad();
      } else if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
        hls.recoverMediaError();
      } else {
        hls.destroy();
      }
    });
    hls.loadSource(url);
    hls.attachMedia(video);
  }

  function resume(video) {
    const at = numberAttribute(video, "data-resume-position");
    if (!at || at <= 0) {
      return;
    }
    const apply = () => {
      const end = Number.isFinite(video.duration) ? video.duration : numberAttribute(video, "data-duration");
      if (end && at >= end - RESUME_END_MARGIN_SECONDS) {
        return; // finished last time: start again from the beginning
      }
      try {
        video.currentTime = at;
      } catch (error) {
        /* not seekable: play from the start */
      }
    };
    if (video.readyState >= HTMLMediaElement.HAVE_METADATA) {
      apply();
    } else {
      video.addEventListener("loadedmetadata", apply, { once: true });
    }
  }

  // ---- showing the server's answer ----

  function forLesson(attribute, lessonId) {
    return Array.from(document.querySelectorAll(`[${attribute}]`)).filter((element) => {
      const value = element.getAttribute(attribute);
      return !value || value === lessonId;
    });
  }

  function showProgress(result, lessonId) {
    if (!result || typeof result !== "object") {
      return;
    }
    const percent = Number(result.coverage_percent);
    if (Number.isFinite(percent)) {
      const text = `${Math.round(percent * 10) / 10}%`;
      for (const element of forLesson("data-xl-progress", lessonId)) {
        const bars = element instanceof HTMLProgressElement ? [element] : element.querySelectorAll("progress");
        const labels = element.querySelectorAll("[data-xl-progress-text]");
        for (const bar of bars) {
          bar.max = 100;
          bar.value = percent;
          bar.textContent = text; // fallback content
        }
        for (const label of labels) {
          label.textContent = text;
        }
        if (!bars.length && !labels.length) {
          element.textContent = text;
        }
      }
    }
    const quizUrl = typeof result.quiz_url === "string" && result.quiz_url ? result.quiz_url : null;
    if (result.completed === true || (quizUrl && percent >= QUIZ_COVERAGE_PERCENT)) {
      for (const link of forLesson("data-xl-quiz-link", lessonId)) {
        if (quizUrl && link instanceof HTMLAnchorElement) {
          link.href = quizUrl;
        }
        link.hidden = false;
      }
    }
  }

  // ---- heartbeats ----

  async function post(url, payload, keepalive) {
    const controller = typeof AbortController === "function" ? new AbortController() : null;
    const timer = controller && window.setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    try {
      const response = await window.fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify(payload),
        keepalive: keepalive && KEEPALIVE_SUPPORTED,
        signal: controller ? controller.signal : undefined,
      });
      if (response.status >= 500 || response.status === 429) {
        throw new Error(`heartbeat failed: ${response.status}`);
      }
      // Other refusals (403, 404, 400) are final: sending the same heartbeat again cannot help.
      return response.ok ? await response.json().catch(() => null) : null;
    } finally {
      if (timer) {
        window.clearTimeout(timer);
      }
    }
  }

  function beacon(url, payload) {
    // sendBeacon cannot set headers, so this fallback is a form post carrying the CSRF token.
    const form = new URLSearchParams({ csrfmiddlewaretoken: csrfToken() });
    for (const [key, value] of Object.entries(payload)) {
      form.append(key, String(value));
    }
    return navigator.sendBeacon(url, form);
  }

  function initPlayer(video) {
    if (video.xlPlayer) {
      return; // already enhanced (htmx can load the same content twice)
    }
    video.xlPlayer = true;
    attachHls(video);
    resume(video);

    const url = video.getAttribute("data-heartbeat-url");
    if (!url || !window.fetch) {
      return; // the video still plays; nothing is credited
    }
    const lessonId = video.getAttribute("data-lesson-id") || "";
    const session = newSessionId();
    let seq = 0;
    let started = false; // nothing is reported before the first play (e.g. the resume seek)
    let lastPosition = video.currentTime; // the last position before any seek
    let lastSentAt = 0;
    let settleTimer = null;

    function isPlaying() {
      return !video.paused && !video.ended;
    }

    function heartbeat({ position = video.currentTime, leaving = false } = {}) {
      if (!started || !video.isConnected) {
        return;
      }
      const payload = {
        session,
        seq: seq++,
        position: Math.round(position * 1000) / 1000,
        playing: isPlaying(),
        rate: video.playbackRate,
        visible: document.visibilityState === "visible",
      };
      lastSentAt = Date.now();
      if (leaving && !KEEPALIVE_SUPPORTED && navigator.sendBeacon) {
        beacon(url, payload);
        return;
      }
      const retry = () => new Promise((done) => window.setTimeout(done, RETRY_DELAY_MS)).then(() => post(url, payload, leaving));
      post(url, payload, leaving)
        .catch(() => (leaving ? null : retry()))
        .then((result) => showProgress(result, lessonId))
        .catch(() => {
          /* lost: the next heartbeat carries on from where the player is */
        });
    }

    video.addEventListener("play", () => {
      started = true;
      heartbeat();
    });
    for (const name of ["pause", "ended", "ratechange"]) {
      video.addEventListener(name, () => heartbeat());
    }
    video.addEventListener("timeupdate", () => {
      if (!video.seeking) {
        lastPosition = video.currentTime;
      }
    });
    video.addEventListener("seeking", () => {
      if (isPlaying() && Date.now() - lastSentAt >= SEEKING_MIN_GAP_MS) {
        heartbeat({ position: lastPosition });
      }
    });
    video.addEventListener("seeked", () => {
      window.clearTimeout(settleTimer);
      settleTimer = window.setTimeout(() => {
        lastPosition = video.currentTime;
        heartbeat();
      }, SEEKED_SETTLE_MS);
    });
    document.addEventListener("visibilitychange", () => {
      heartbeat({ leaving: document.visibilityState === "hidden" });
    });
    window.addEventListener("pagehide", () => heartbeat({ leaving: true }));

    const ticker = window.setInterval(() => {
      if (!video.isConnected) {
        window.clearInterval(ticker); // the player was swapped out of the page
      } else if (isPlaying() && document.visibilityState === "visible") {
        heartbeat();
      }
    }, HEARTBEAT_MS);
  }

  function initAll(root) {
    if (root instanceof Element && root.matches("video[data-xl-player]")) {
      initPlayer(root);
    } else if (root && root.querySelectorAll) {
      root.querySelectorAll("video[data-xl-player]").forEach(initPlayer);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => initAll(document));
  } else {
    initAll(document);
  }
  // Players inside content htmx swaps in later.
  document.addEventListener("htmx:load", (event) => initAll(event.target));
})();
