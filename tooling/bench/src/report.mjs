// Markdown rendering of the results.

export const fmt = (value, digits = 1) => (value === undefined || value === null || Number.isNaN(value) ? "—" : value.toFixed(digits));

/** A markdown table from a header row and body rows (cells already strings). */
export function table(header, rows) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? "---" : "---:"))), ...rows.map(line)].join("\n");
}

/** GFLOP/s per implementation and shape, then the ratios of each of ours to each peer. */
export function gemmTables(shapes, results, ours, peers) {
  const label = ({ m, k, n }) => (m === k && k === n ? `${m}³` : `${m}×${k}×${n}`);
  const header = ["GFLOP/s (median)", ...shapes.map(label)];
  const value = (impl, shape) => results.find((r) => r.impl === impl && r.shape === label(shape))?.gflops;
  const impls = [...new Set(results.map((r) => r.impl))];
  const absolute = table(header, impls.map((impl) => [impl, ...shapes.map((s) => fmt(value(impl, s)))]));
  const ratioRows = [];
  for (const mine of ours.filter((o) => impls.includes(o))) {
    for (const peer of peers.filter((p) => impls.includes(p))) {
      ratioRows.push([`${mine} ÷ ${peer}`, ...shapes.map((s) => {
        const a = value(mine, s);
        const b = value(peer, s);
        return a && b ? `${fmt(a / b, 2)}×` : "—";
      })]);
    }
  }
  return `${absolute}\n\n${table(["ratio (higher: ours faster)", ...shapes.map(label)], ratioRows)}`;
}
