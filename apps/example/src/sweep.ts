/**
 * `npm run sweep -w @adaptive-sparse/example`: the (λmax, lr) sweep of AST's decay on the embedded default
 * (tracker issue 5). Runs one method (AST-Naive by default) for every grid point through the example's own
 * runExample, then prints one markdown row per point: perplexities and how settled the masks are (flips vs
 * the initial mask, and the mean flip rate per refresh over the last fifth of training).
 *
 * Extra `--set` arguments apply to every point, e.g. `-- --set seeds=[2]`; `--backend` picks the backend.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { formatError } from "@adaptive-sparse/cli";
import type { RefreshEvent } from "@adaptive-sparse/trainer";
import { parseScriptArgs, runExample } from "./run.js";

interface Point {
  readonly label: string;
  readonly set: readonly string[];
}

const lrs = [5e-4, 1e-3, 2e-3];
const lambdas = [0.01, 0.1, 1.0];
const placements = ["gradient", "decoupled"] as const;

/** The grid: every lr × λmax with the decay added to the gradient, the paper's decoupled placement at the default lr, and the flip-rate controller. */
function grid(): Point[] {
  const points: Point[] = [];
  for (const mode of placements) {
    for (const lr of mode === "gradient" ? lrs : [1e-3]) {
      for (const lambda of lambdas) {
        points.push({ label: `linear-ramp λmax ${lambda}, ${mode}, lr ${lr}`, set: [`trainer.lr.options.max=${lr}`, `trainer.decay.options.max=${lambda}`, `trainer.decay.mode=${mode}`] });
      }
    }
  }
  // The controller starts at the paper's GPT-2 λ and raises it until the flip rate per refresh falls to 0.2% (the paper's end value) by mid-run.
  const controller = { initialLambda: 1e-4, rampSteps: 150, totalSteps: 300, startFlipRate: 0.05, endFlipRate: 0.002, maxLambda: 10, cooldownSteps: 20 };
  points.push({ label: "flip-target from λ 1e-4, gradient, lr 0.001", set: ["trainer.decay.schedule=flip-target", `trainer.decay.options=${JSON.stringify(controller)}`, "trainer.decay.mode=gradient"] });
  return points;
}

function flipStats(metricsFile: string) {
  const refreshes = readFileSync(metricsFile, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RefreshEvent & { run?: string })
    .filter((event) => event.type === "refresh");
  const last = refreshes[refreshes.length - 1];
  const lastStep = last?.step ?? 0;
  const tail = refreshes.filter((r) => r.step >= 0.8 * lastStep && r !== last);
  const tailRate = tail.reduce((a, r) => a + r.ratioPrevious, 0) / Math.max(tail.length, 1);
  return { vsInitial: last?.ratioInitial ?? NaN, tailRate };
}

async function main() {
  const { set: extra, backend } = parseScriptArgs("the sweep", process.argv.slice(2));
  const out = join("runs", `sweep-${new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19)}`);
  const lines: string[] = [];
  let index = 0;
  for (const point of grid()) {
    const folder = join(out, String(index++));
    const started = performance.now();
    const { rows, sets } = await runExample({ quick: false, pretrain: false, out: folder, verbose: false, backend, set: ['methods=["ast-naive"]', "seeds=[1]", ...point.set, ...extra] });
    const row = rows[0];
    const { vsInitial, tailRate } = flipStats(join(folder, "metrics.jsonl"));
    const cells = sets.map((s) => row.perplexity[s].mean.toFixed(2));
    if (lines.length === 0) lines.push(`| decay | ${sets.map((s) => `${s} PPL`).join(" | ")} | flips vs initial | flips per refresh, last 20% | wall s |`, `| --- | ${sets.map(() => "---").join(" | ")} | --- | --- | --- |`);
    const line = `| ${point.label} | ${cells.join(" | ")} | ${(vsInitial * 100).toFixed(2)}% | ${(tailRate * 100).toFixed(3)}% | ${((performance.now() - started) / 1000).toFixed(0)} |`;
    console.log(line);
    lines.push(line);
  }
  console.log(`\n${lines.join("\n")}\n\nsweep: run folders under ${out}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${formatError(error)}\n`);
    process.exit(1);
  },
);
