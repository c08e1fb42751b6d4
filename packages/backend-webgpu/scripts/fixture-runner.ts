// Runs every conformance fixture case (f32 values and gradients at 1e-5, exact integer outputs, no leaked
// buffers) on a backend without vitest: used by the browser smoke test and the GPU check.
import { tensor, tidy, type Backend, type Tensor } from "@adaptive-sparse/core";
// The conformance package's index pulls in vitest, so take its cases, comparison and fixtures directly.
import { CASES } from "../../../tooling/conformance/src/cases.js";
import { relativeError } from "../../../tooling/conformance/src/compare.js";
import fixtures from "../../../tooling/conformance/fixtures/ops.json";

interface FixtureTensor { dtype: "f32" | "i32" | "u8"; shape: number[]; data: (number | null)[] }
interface FixtureCase { name: string; inputs: FixtureTensor[]; requiresGrad: boolean[]; output: FixtureTensor; cotangent?: (number | null)[]; grads?: ((number | null)[] | null)[] }

const numbers = (data: (number | null)[]) => data.map((v) => v ?? NaN);

async function runCase(backend: Backend, fixture: FixtureCase): Promise<string | null> {
  const before = backend.liveBuffers();
  const inputs = fixture.inputs.map((input, k) => tensor(numbers(input.data), { shape: input.shape, dtype: input.dtype, backend, requiresGrad: fixture.requiresGrad[k] }));
  const { output, grads } = tidy(() => {
    const out = CASES[fixture.name](...inputs);
    if (fixture.cotangent) out.backward(tensor(numbers(fixture.cotangent), { shape: out.shape, backend }));
    return { output: out, grads: inputs.map((input) => input.grad) };
  });
  const values = Array.from(await output.data());
  const expected = numbers(fixture.output.data);
  const problems: string[] = [];
  if (fixture.output.dtype === "f32") {
    const error = relativeError(values, expected);
    if (!(error <= 1e-5)) problems.push(`forward error ${error}`);
  } else if (JSON.stringify(values) !== JSON.stringify(expected)) problems.push("exact output differs");
  for (const [k, want] of (fixture.grads ?? []).entries()) {
    if (!want) continue;
    const grad = grads[k] as Tensor | null;
    const error = grad ? relativeError(Array.from(await grad.data()), want) : Infinity;
    if (!(error <= 1e-5)) problems.push(`gradient ${k} error ${error}`);
  }
  output.dispose();
  inputs.forEach((input) => { input.zeroGrad(); input.dispose(); });
  if (backend.liveBuffers() !== before) problems.push("buffers leaked");
  return problems.length ? problems.join("; ") : null;
}

/** Case name → problem for every failing case (the backend must be the default backend). */
export async function runFixtures(backend: Backend): Promise<{ passed: number; failures: Record<string, string> }> {
  const failures: Record<string, string> = {};
  let passed = 0;
  for (const fixture of (fixtures as { cases: FixtureCase[] }).cases) {
    try {
      const problem = await runCase(backend, fixture);
      if (problem) failures[fixture.name] = problem;
      else passed++;
    } catch (error) {
      failures[fixture.name] = String((error as Error).message ?? error);
    }
  }
  return { passed, failures };
}
