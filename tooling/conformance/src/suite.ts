import { getDefaultBackend, setDefaultBackend, tensor, tidy, type Backend, type DType, type Tensor } from "@adaptive-sparse/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fixtures from "../fixtures/ops.json" with { type: "json" };
import { CASES } from "./cases.js";
import { relativeError } from "./compare.js";
import { finiteDifference } from "./finite-difference.js";
import { describeAdamWStep } from "./adamw-step-cases.js";
import { describeCausalSoftmax } from "./causal-softmax-cases.js";

interface FixtureTensor {
  dtype: DType;
  shape: number[];
  data: (number | null)[];
}
interface FixtureCase {
  name: string;
  inputs: FixtureTensor[];
  requiresGrad: boolean[];
  output: FixtureTensor;
  cotangent?: (number | null)[];
  grads?: ((number | null)[] | null)[];
}

export interface ConformanceOptions {
  /** Label of the backend under test. */
  name: string;
  create: () => Backend | Promise<Backend>;
  /** Case name → reason. A skipped case prints its reason; an empty reason fails the run. */
  skip?: Record<string, string>;
  /** Also check float64 against PyTorch (1e-10) and finite differences (backends with f64 support). */
  float64?: boolean;
  /** Relative error bound for f32 values and gradients (default 1e-5). */
  tolerance?: number;
}

/** Cases whose inputs sit exactly on a kink (ties), where finite differences are undefined. */
const NON_SMOOTH = new Set(["maximum", "minimum", "max_axis_ties"]);
const ALL = fixtures.cases as FixtureCase[];

const toNumbers = (data: (number | null)[]) => data.map((v) => v ?? NaN);

function makeInputs(fixture: FixtureCase, floatType: DType, backend: Backend): Tensor[] {
  return fixture.inputs.map((input, k) => {
    const dtype = input.dtype === "f32" ? floatType : input.dtype;
    return tensor(toNumbers(input.data), { shape: input.shape, dtype, backend, requiresGrad: fixture.requiresGrad[k] });
  });
}

/** Runs one case: forward, then backward with the fixture's cotangent; returns what to read back. */
function evaluate(fixture: FixtureCase, inputs: Tensor[], floatType: DType): { output: Tensor; grads: (Tensor | null)[] } {
  const run = CASES[fixture.name];
  return tidy(() => {
    const output = run(...inputs);
    if (fixture.cotangent) {
      output.backward(tensor(toNumbers(fixture.cotangent), { shape: output.shape, dtype: floatType, backend: output.backend }));
    }
    return { output, grads: inputs.map((input) => input.grad) };
  });
}

async function check(fixture: FixtureCase, backend: Backend, floatType: DType, tolerance: number): Promise<void> {
  const before = backend.liveBuffers();
  const inputs = makeInputs(fixture, floatType, backend);
  const { output, grads } = evaluate(fixture, inputs, floatType);
  expect(output.shape, `${fixture.name}: output shape`).toEqual(fixture.output.shape);
  const values = await output.data();
  if (fixture.output.dtype === "f32") {
    expect(relativeError(values, fixture.output.data), `${fixture.name}: forward relative error`).toBeLessThanOrEqual(tolerance);
  } else {
    expect(output.dtype).toBe(fixture.output.dtype);
    expect(Array.from(values), `${fixture.name}: exact ${output.dtype} output`).toEqual(toNumbers(fixture.output.data));
  }
  for (const [k, expected] of (fixture.grads ?? []).entries()) {
    if (!expected) continue;
    expect(grads[k], `${fixture.name}: input ${k} got no gradient`).not.toBeNull();
    const error = relativeError(await grads[k]!.data(), expected);
    expect(error, `${fixture.name}: gradient of input ${k} relative error`).toBeLessThanOrEqual(tolerance);
  }
  output.dispose();
  inputs.forEach((input) => {
    input.zeroGrad();
    input.dispose();
  });
  expect(backend.liveBuffers(), `${fixture.name}: buffers leaked`).toBe(before);
}

function checkFiniteDifferences(fixture: FixtureCase, backend: Backend): void {
  const inputs = makeInputs(fixture, "f64", backend).map((input) => input.requireGrad(false));
  const run = CASES[fixture.name];
  fixture.requiresGrad.forEach((needed, k) => {
    if (!needed) return;
    const numeric = finiteDifference(run, inputs, k, Float64Array.from(toNumbers(fixture.cotangent!)));
    const error = relativeError(numeric, fixture.grads![k]!);
    expect(error, `${fixture.name}: finite-difference gradient of input ${k}`).toBeLessThanOrEqual(1e-6);
  });
  inputs.forEach((input) => input.dispose());
}

/**
 * The suite every backend runs: each op's forward values and gradients against PyTorch fixtures (f32, and
 * f64 plus finite differences where supported), exact integer/mask outputs, async reads and buffer leaks.
 */
export function describeBackendConformance(options: ConformanceOptions): void {
  const { name, skip = {}, tolerance = 1e-5 } = options;
  describe(`conformance: ${name}`, () => {
    let backend: Backend;
    let previous: Backend;
    beforeAll(async () => {
      previous = getDefaultBackend();
      backend = await options.create();
      setDefaultBackend(backend);
    });
    afterAll(() => setDefaultBackend(previous));

    it("covers every fixture case, and every skip has a reason", () => {
      expect(ALL.map((c) => c.name).filter((n) => !CASES[n])).toEqual([]);
      expect(Object.keys(CASES).filter((n) => !ALL.some((c) => c.name === n))).toEqual([]);
      expect(Object.entries(skip).filter(([, reason]) => !reason.trim())).toEqual([]);
    });

    describeAdamWStep(() => backend, Math.max(tolerance, 1e-5));
    describeCausalSoftmax(() => backend, Math.max(tolerance, 1e-5), options.float64 ?? false);

    for (const fixture of ALL) {
      const reason = skip[fixture.name];
      if (reason) {
        it.skip(`${fixture.name} (skipped: ${reason})`, () => {});
        console.log(`conformance ${name}: skipping ${fixture.name}: ${reason}`);
        continue;
      }
      it(`${fixture.name}: f32 values and gradients match PyTorch`, () => check(fixture, backend, "f32", tolerance));
      if (options.float64) {
        it(`${fixture.name}: f64 values and gradients match PyTorch to 1e-10`, () => check(fixture, backend, "f64", 1e-10));
        if (fixture.grads && !NON_SMOOTH.has(fixture.name)) {
          it(`${fixture.name}: f64 gradients match finite differences`, () => checkFiniteDifferences(fixture, backend));
        }
      }
    }
  });
}
