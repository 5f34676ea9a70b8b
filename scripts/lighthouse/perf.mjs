// Lighthouse mobile performance of a list of pages, in one Chromium.
// Usage: CDP_URL=ws://127.0.0.1:PORT/devtools/browser/ID [COOKIE=name=value] \
//        node scripts/lighthouse/perf.mjs BASE_URL PATH...
// Each PATH is audited in turn (Lighthouse's default mobile settings:
// Moto G Power screen, simulated slow 4G, 4x CPU slowdown), signed in with
// COOKIE when given; only the performance category, no screenshots.
// Prints one JSON report: per page the score, the metrics, the top
// opportunities and diagnostics, and the seconds it took.
import lighthouse from "lighthouse";

const [base, ...paths] = process.argv.slice(2);
if (!base || !process.env.CDP_URL) {
  console.error("usage: CDP_URL=ws://… [COOKIE=…] perf.mjs BASE_URL PATH...");
  process.exit(2);
}
const port = Number(new URL(process.env.CDP_URL).port);
const flags = {
  port,
  hostname: "127.0.0.1",
  output: "json",
  logLevel: "error",
  onlyCategories: ["performance"],
  disableFullPageScreenshot: true,
  extraHeaders: process.env.COOKIE ? { Cookie: process.env.COOKIE } : undefined,
};
const config = {
  extends: "lighthouse:default",
  settings: {
    onlyCategories: ["performance"],
    skipAudits: ["screenshot-thumbnails", "final-screenshot", "full-page-screenshot", "bf-cache"],
    // A page's live stream (Datastar @get of …/stream) stays open as long
    // as the page: Lighthouse would count it as a critical request in
    // flight and wait its 45 s limit. It is not part of the first paint.
    blockedUrlPatterns: ["*/stream?*", "*/stream"],
  },
};

const top = (lhr) => {
  const out = [];
  for (const a of Object.values(lhr.audits)) {
    if (a.score === null || a.score >= 0.9 || a.scoreDisplayMode === "informative") continue;
    const ms = a.details?.overallSavingsMs ?? a.metricSavings?.TBT ?? a.metricSavings?.LCP ?? 0;
    out.push({ id: a.id, title: a.title, savingsMs: Math.round(ms), display: a.displayValue || "" });
  }
  return out.sort((x, y) => y.savingsMs - x.savingsMs).slice(0, 5);
};

const report = { pages: [], seconds: 0 };
const t0 = Date.now();
for (const p of paths) {
  const t = Date.now();
  const res = await lighthouse(base + p, flags, config);
  const lhr = res.lhr;
  const m = (id) => lhr.audits[id]?.numericValue ?? null;
  report.pages.push({
    path: p,
    finalUrl: lhr.finalDisplayedUrl,
    score: lhr.categories.performance.score,
    metrics: {
      fcpMs: m("first-contentful-paint"), lcpMs: m("largest-contentful-paint"), tbtMs: m("total-blocking-time"),
      cls: m("cumulative-layout-shift"), siMs: m("speed-index"),
    },
    opportunities: top(lhr),
    runtimeError: lhr.runtimeError?.message || null,
    seconds: (Date.now() - t) / 1000,
    benchmarkIndex: lhr.environment.benchmarkIndex,
    warnings: lhr.runWarnings,
  });
}
report.seconds = (Date.now() - t0) / 1000;
console.log(JSON.stringify(report, null, 2));
