// Accessibility check with axe-core in Debian's Chromium (playwright-core).
// Usage: node scripts/a11y/axe.mjs BASE_URL EMAIL PASSWORD PATH...
// Checks /login, signs in, then checks each PATH. Prints one JSON report
// and exits 1 when any serious or critical WCAG 2.1 A/AA violation exists.
import { chromium } from "playwright-core";
import { AxeBuilder } from "@axe-core/playwright";

const [base, email, password, ...paths] = process.argv.slice(2);
if (!base || !email || !password) {
  console.error("usage: axe.mjs BASE_URL EMAIL PASSWORD PATH...");
  process.exit(2);
}
// CDP_URL: connect to a running Chromium (the Go browser tests share one)
// instead of launching another.
const browser = process.env.CDP_URL ? await chromium.connectOverCDP(process.env.CDP_URL) : await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
const report = { pages: [], blocking: 0 };
try {
  const context = await browser.newContext({ locale: "fr-FR" });
  const page = await context.newPage();
  const check = async (path) => {
    await page.goto(base + path, { waitUntil: "load" });
    const res = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    const violations = res.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
    const blocking = violations.filter((v) => v.impact === "serious" || v.impact === "critical").length;
    report.blocking += blocking;
    report.pages.push({ path, url: page.url(), passes: res.passes.length, violations, blocking });
  };
  await check("/login");
  await page.fill("#f-email", email);
  await page.fill("#f-password", password);
  await Promise.all([page.waitForNavigation(), page.click('[data-testid="login-submit"]')]);
  for (const p of paths) await check(p);
} finally {
  await browser.close();
}
console.log(JSON.stringify(report, null, 2));
process.exit(report.blocking > 0 ? 1 : 0);
