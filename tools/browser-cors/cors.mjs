// cors.mjs drives Debian's Chromium with Playwright: it opens PAGE_URL (a
// page on one origin) and, from that page, calls the GraphQL API at
// API_URL (another origin) as Apollo Client does, with its client-awareness
// headers. It prints one JSON object with what the page could see and
// exits 0; the Go test (TestBrowserCORS) judges it.
//
// usage: node cors.mjs PAGE_URL API_URL [TOKEN]
// CHROMIUM (default /usr/bin/chromium) names the browser.
import { chromium } from "playwright-core";

const [pageURL, apiURL, token = ""] = process.argv.slice(2);
if (!pageURL || !apiURL) {
  console.error("usage: node cors.mjs PAGE_URL API_URL [TOKEN]");
  process.exit(2);
}

// Playwright's 30 s defaults (the launch, each navigation and wait) are
// hang guards here, and a loaded machine (go test niced at a load average
// of 30) can pass them starting Chromium or loading the explorer's bundle:
// three minutes each, inside TestBrowserCORS's own limit.
const limit = 180000;
const browser = await chromium.launch({
  timeout: limit,
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
  ],
});
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(limit);
  const consoleErrors = [];
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  await page.goto(pageURL);
  const result = await page.evaluate(
    async ({ apiURL, token }) => {
      // One request as Apollo Client sends it (client awareness on), then
      // more until the rate limiter answers 429.
      const send = async () => {
        const headers = {
          "content-type": "application/json",
          accept: "application/graphql-response+json, application/json",
          "apollographql-client-name": "browser-test",
          "apollographql-client-version": "1.0.0",
        };
        if (token) headers.authorization = "Bearer " + token;
        const res = await fetch(apiURL, {
          method: "POST",
          headers,
          body: JSON.stringify({ query: "query Browser { provinces(first: 1) { totalCount } }" }),
        });
        return {
          status: res.status,
          requestId: res.headers.get("X-Request-ID"),
          retryAfter: res.headers.get("Retry-After"),
          body: await res.text(),
        };
      };
      const out = { responses: [] };
      try {
        for (let i = 0; i < 5; i++) {
          const r = await send();
          out.responses.push(r);
          if (r.status === 429) break;
        }
      } catch (e) {
        out.error = String(e);
      }
      return out;
    },
    { apiURL, token },
  );
  result.consoleErrors = consoleErrors;

  // The explorer, on the API's own origin: nothing it loads may fail
  // (the favicon included).
  if (process.env.EXPLORER_URL) {
    const failed = [];
    const explorer = await browser.newPage();
    explorer.setDefaultTimeout(limit);
    explorer.on("response", (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    await explorer.goto(process.env.EXPLORER_URL, { waitUntil: "networkidle" });
    const favicon = await explorer.evaluate(async () => (await fetch("/favicon.ico")).status);
    result.explorer = { failed, favicon, title: await explorer.title() };
  }
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
}
