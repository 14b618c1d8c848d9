/**
 * A headless Chromium driven over the DevTools protocol (CDP, plain WebSocket, no dependency), for the
 * tests that need a real browser — hover, layout, theme — and for taking screenshots. `openBrowser()`
 * returns undefined when no Chromium is installed, so such tests can be ignored.
 */

const CANDIDATES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

/** The Chromium binary on the PATH (or `QUANTNB_CHROMIUM`), or undefined. */
export async function chromiumPath(): Promise<string | undefined> {
  const given = Deno.env.get("QUANTNB_CHROMIUM");
  for (const name of given ? [given] : CANDIDATES) {
    try {
      const { code } = await new Deno.Command(name, { args: ["--version"], stdout: "null", stderr: "null" })
        .output();
      if (code === 0) return name;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** One page of a headless Chromium, and the few CDP calls the tests use. */
export interface BrowserPage {
  /** Loads a URL (file:// or data:) and waits for its load event (not for a jump to a #fragment). */
  goto(url: string): Promise<void>;
  /** Viewport size in CSS pixels; `dark` emulates `prefers-color-scheme: dark`. */
  viewport(width: number, height: number, options?: { dark?: boolean }): Promise<void>;
  /** Evaluates an expression in the page and returns its value (JSON-serialisable). */
  evaluate<T>(expression: string): Promise<T>;
  /** Moves the mouse to page coordinates (fires pointermove / mousemove). */
  mouse(x: number, y: number): Promise<void>;
  /** Clicks at page coordinates (press and release of the left button). */
  click(x: number, y: number): Promise<void>;
  /** A PNG of the viewport, or of the whole page with `fullPage`. */
  screenshot(options?: { fullPage?: boolean }): Promise<Uint8Array>;
  close(): Promise<void>;
}

/**
 * Starts headless Chromium (no sandbox, no network services, a throw-away profile) and opens one page.
 * Returns undefined when Chromium is not installed.
 *
 * @example
 * ```ts
 * const page = await openBrowser();
 * if (page) { await page.goto("file:///tmp/x.html"); await page.close(); }
 * ```
 */
export async function openBrowser(): Promise<BrowserPage | undefined> {
  const binary = await chromiumPath();
  if (!binary) return undefined;
  const profile = await Deno.makeTempDir({ prefix: "quantnb-chromium-" });
  const child = new Deno.Command(binary, {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--hide-scrollbars",
      `--user-data-dir=${profile}`,
      "--remote-debugging-port=0",
      "about:blank",
    ],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  let endpoint: string | undefined;
  while (!endpoint) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`chromium exited before DevTools started:\n${seen}`);
    seen += value;
    endpoint = /DevTools listening on (ws:\/\/\S+)/.exec(seen)?.[1];
  }
  // Keep draining stderr so Chromium never blocks on a full pipe.
  (async () => {
    try {
      while (!(await reader.read()).done) { /* drain */ }
    } catch { /* closed */ }
  })();
  const port = new URL(endpoint).port;
  const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json() as {
    type: string;
    webSocketDebuggerUrl: string;
  }[];
  const page = targets.find((t) => t.type === "page");
  if (!page) throw new Error("chromium: no page target");
  const socket = new WebSocket(page.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Map<string, (() => void)[]>();
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data as string);
    if (message.id && pending.has(message.id)) {
      const { resolve, reject } = pending.get(message.id)!;
      pending.delete(message.id);
      if (message.error) reject(new Error(`${message.error.message} (${message.error.code})`));
      else resolve(message.result);
    } else if (message.method) {
      for (const fn of listeners.get(message.method) ?? []) fn();
      listeners.delete(message.method);
    }
  };
  const send = <T>(method: string, params: Record<string, unknown> = {}) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      socket.send(JSON.stringify({ id, method, params }));
    });
  const once = (method: string) =>
    new Promise<void>((resolve) => listeners.set(method, [...(listeners.get(method) ?? []), resolve]));
  await send("Page.enable");
  await send("Runtime.enable");
  const browserPage: BrowserPage = {
    async goto(url) {
      const loaded = once("Page.loadEventFired");
      const { loaderId, errorText } = await send<{ loaderId?: string; errorText?: string }>("Page.navigate", {
        url,
      });
      if (errorText) throw new Error(`chromium: ${url}: ${errorText}`);
      if (!loaderId) return; // same-document navigation (a #fragment): no load event comes
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        loaded,
        new Promise((_, reject) =>
          timer = setTimeout(() => reject(new Error(`chromium: ${url} did not load`)), 60_000)
        ),
      ]).finally(() => clearTimeout(timer));
    },
    async viewport(width, height, { dark = false } = {}) {
      await send("Emulation.setDeviceMetricsOverride", {
        width,
        height,
        deviceScaleFactor: 1,
        mobile: false,
      });
      await send("Emulation.setEmulatedMedia", {
        features: [{ name: "prefers-color-scheme", value: dark ? "dark" : "light" }],
      });
    },
    async evaluate<T>(expression: string) {
      const result = await send<{ result: { value: T }; exceptionDetails?: { text: string } }>(
        "Runtime.evaluate",
        { expression, returnByValue: true, awaitPromise: true },
      );
      if (result.exceptionDetails) {
        throw new Error(`page: ${result.exceptionDetails.text} in ${expression.slice(0, 120)}`);
      }
      return result.result.value;
    },
    async mouse(x, y) {
      await send("Input.dispatchMouseEvent", { type: "mouseMoved", x, y });
    },
    async click(x, y) {
      for (const type of ["mousePressed", "mouseReleased"]) {
        await send("Input.dispatchMouseEvent", { type, x, y, button: "left", clickCount: 1 });
      }
    },
    async screenshot({ fullPage = false } = {}) {
      const { data } = await send<{ data: string }>("Page.captureScreenshot", {
        format: "png",
        captureBeyondViewport: fullPage,
        ...(fullPage
          ? {
            clip: {
              x: 0,
              y: 0,
              scale: 1,
              ...(await browserPage.evaluate<{ width: number; height: number }>(
                "({width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight})",
              )),
            },
          }
          : {}),
      });
      return Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    },
    async close() {
      try {
        await send("Browser.close");
      } catch { /* already closing */ }
      socket.close();
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
      await child.status;
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
  return browserPage;
}
