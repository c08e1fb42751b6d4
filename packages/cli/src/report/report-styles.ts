/** The report's stylesheet: light theme, system fonts, a responsive card grid. Inlined into report.html. */
export const REPORT_STYLES = `
:root {
  --bg: #f5f6f8; --card: #ffffff; --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb;
  --accent: #1d4e89; --good: #e7f5ec; --good-ink: #166534; --warn: #fdf3e1; --warn-ink: #92400e;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif;
  color: var(--ink); background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; line-height: 1.45; font-size: 14px; }
main { max-width: 1360px; margin: 0 auto; padding: 0 24px 48px; }
.page-head { background: var(--card); border-bottom: 1px solid var(--line); margin-bottom: 24px; }
.page-head .inner { max-width: 1360px; margin: 0 auto; padding: 22px 24px 18px; }
.eyebrow { margin: 0; color: var(--accent); font-size: 12px; font-weight: 600; letter-spacing: .06em; text-transform: uppercase; }
h1 { margin: 4px 0 10px; font-size: 24px; font-weight: 650; letter-spacing: -.01em; }
h2 { font-size: 17px; font-weight: 650; margin: 32px 0 4px; }
h2 + .section-note { margin: 0 0 14px; color: var(--muted); }
h3 { margin: 0; font-size: 14px; font-weight: 600; }
.meta { display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 0; padding: 0; list-style: none; color: var(--muted); font-size: 13px; }
.meta b { color: var(--ink); font-weight: 600; }
.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; margin-top: 16px; }
.stat { border: 1px solid var(--line); border-radius: 10px; padding: 10px 14px; background: #fafbfc; }
.stat .value { font-size: 20px; font-weight: 650; font-variant-numeric: tabular-nums; }
.stat .label { color: var(--muted); font-size: 12px; }
.grid { display: grid; gap: 16px; grid-template-columns: repeat(auto-fill, minmax(400px, 1fr)); }
.grid-two { grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); }
.grid-compare { grid-template-columns: minmax(0, 5fr) minmax(0, 7fr); }
@media (max-width: 1100px) { .grid-compare { grid-template-columns: 1fr; } }
.grid-masks { grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 14px 16px 12px;
  box-shadow: 0 1px 2px rgba(16, 24, 40, .04); margin: 0; min-width: 0; }
.card header { margin-bottom: 8px; }
.card header p { margin: 2px 0 0; color: var(--muted); font-size: 12.5px; }
.chart-box { position: relative; height: 300px; }
.chart-box.tall { height: 380px; }
.chart-box.small { height: 250px; }
.chart-error { position: absolute; inset: 40% 10% auto; text-align: center; color: #b91c1c; background: #fef2f2; padding: 8px; border-radius: 6px; }
.empty { color: var(--muted); background: var(--card); border: 1px dashed var(--line); border-radius: 12px; padding: 18px; }
.table-wrap { overflow-x: auto; }
.data-table { width: 100%; border-collapse: collapse; font-size: 13px; }
.data-table th, .data-table td { padding: 7px 9px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
.data-table thead th { color: var(--muted); font-weight: 600; font-size: 12px; border-bottom: 1.5px solid #d1d5db; }
.data-table tbody tr:hover { background: #f9fafb; }
.data-table tbody th { font-weight: 600; }
.data-table .num { text-align: right; font-variant-numeric: tabular-nums; }
.data-table .best { background: var(--good); color: var(--good-ink); font-weight: 650; }
.data-table .muted, .data-table .spread, .unit { color: var(--muted); font-weight: 400; }
.data-table .spread { font-size: 12px; }
.method-key { display: block; color: var(--muted); font-weight: 400; font-size: 11.5px; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.pill { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 11.5px; background: #eef0f3; color: #4b5563; }
.pill-yes { background: var(--good); color: var(--good-ink); }
.pill-warn { background: var(--warn); color: var(--warn-ink); }
.mask-box { overflow-x: auto; }
canvas.mask { display: block; max-width: 100%; height: auto; image-rendering: pixelated; border-radius: 4px; }
.legend { color: var(--muted); font-size: 12.5px; margin: 0 0 12px; display: flex; align-items: center; gap: 6px; flex-wrap: wrap; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; }
.swatch.kept { background: #1d4e89; } .swatch.pruned { background: #dde4ec; margin-left: 8px; }
details { margin-top: 8px; font-size: 13px; }
summary { cursor: pointer; color: var(--accent); }
pre { background: #f8f9fb; border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; overflow-x: auto; font-size: 12px; }
footer { color: var(--muted); font-size: 12px; margin-top: 40px; border-top: 1px solid var(--line); padding-top: 12px; }
@media (max-width: 600px) { .grid, .grid-two { grid-template-columns: 1fr; } main { padding: 0 12px 32px; } }
@media print { body { background: #fff; } .card { box-shadow: none; break-inside: avoid; } }
`;
