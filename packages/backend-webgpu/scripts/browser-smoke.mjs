// Browser smoke test: bundles scripts/browser-entry.ts with esbuild, serves it on localhost (WebGPU needs a
// secure context) and runs it in headless Chromium through playwright-core, which finds a SwiftShader
// WebGPU adapter without a GPU. Usage: node scripts/browser-smoke.mjs [path-to-chromium]
// Exit code 0 when every conformance fixture case passes in the browser and the tiny GPT's training losses
// on WebGPU match the cpu backend's within 1e-3 relative at every step and fall.
import { build } from "esbuild";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const { chromium } = createRequire(import.meta.url)("playwright-core");
const executablePath = process.argv[2] ?? "/usr/bin/chromium";

const bundle = await build({
  entryPoints: [join(here, "browser-entry.ts")],
  bundle: true,
  write: false,
  format: "esm",
  platform: "browser",
  target: "es2022",
  conditions: ["@adaptive-sparse/source"],
  logLevel: "warning",
});
const script = bundle.outputFiles[0].text;
const html = `<!doctype html><html><body><script type="module" src="/entry.js"></script></body></html>`;
const server = createServer((req, res) => {
  const js = req.url === "/entry.js";
  res.setHeader("content-type", js ? "text/javascript" : "text/html");
  res.end(js ? script : html);
}).listen(0, "127.0.0.1");
await new Promise((resolve) => server.once("listening", resolve));

const browser = await chromium.launch({
  executablePath,
  headless: true,
  // The last five flags keep Chromium off the network.
  args: ["--headless=new", "--no-sandbox", "--enable-unsafe-webgpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let code = 1;
try {
  const page = await browser.newPage();
  page.on("pageerror", (error) => console.error("page error:", error.message));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => globalThis.__smoke !== undefined, null, { timeout: 240_000 });
  const result = await page.evaluate(() => globalThis.__smoke);
  if (result.error) {
    console.error(`browser smoke: no backend: ${result.error}`);
  } else {
    const failed = Object.entries(result.failures);
    console.log(`browser smoke (${result.adapter}): ${result.passed} cases passed, ${failed.length} failed`);
    for (const [name, why] of failed) console.log(`  ${name}: ${why}`);
    const { webgpu, cpu } = result.training;
    const worst = Math.max(...webgpu.map((loss, i) => Math.abs(loss - cpu[i]) / Math.abs(cpu[i])));
    const trained = webgpu.length === cpu.length && webgpu.every(Number.isFinite) && worst <= 1e-3 && webgpu.at(-1) < webgpu[0];
    console.log(`browser smoke: tiny GPT, ${webgpu.length} AdamW steps on WebGPU, losses ${webgpu.map((l) => l.toFixed(4)).join(" ")}; cpu ${cpu.map((l) => l.toFixed(4)).join(" ")}; worst relative difference ${worst.toExponential(2)} (limit 1e-3)`);
    code = failed.length === 0 && trained ? 0 : 1;
  }
} finally {
  await browser.close();
  server.close();
}
process.exit(code);
