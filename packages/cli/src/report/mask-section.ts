import { slug } from "./chart-spec.js";
import { escapeHtml } from "./html-escape.js";
import type { MaskLayer, Masks } from "./masks-schema.js";

/** Widest a heat map is drawn, in CSS pixels; each weight gets a square block of at most MAX_BLOCK pixels. */
const TARGET_WIDTH = 560;
const MAX_BLOCK = 10;

/** A mask layer as the page script needs it: where to draw and what. */
export interface MaskPicture {
  id: string;
  rows: number;
  cols: number;
  block: number;
  data: string;
}

/** The canvas id and block size of each layer, shared by the HTML and the page data. */
export function maskPictures(masks: Masks): MaskPicture[] {
  return masks.layers.map((layer: MaskLayer, index) => ({
    id: `mask-${index}-${slug(layer.name)}`,
    rows: layer.rows,
    cols: layer.cols,
    block: Math.max(1, Math.min(MAX_BLOCK, Math.floor(TARGET_WIDTH / layer.cols))),
    data: layer.data,
  }));
}

/** Figures with one `<canvas>` heat map per layer (kept weights dark, pruned light) and its kept share. */
export function maskSection(masks: Masks | undefined): string {
  if (masks === undefined || masks.layers.length === 0) {
    return `<p class="empty">No masks.json in this run folder, so there are no mask pictures.</p>`;
  }
  const pictures = maskPictures(masks);
  const figures = masks.layers.map((layer, index) => {
    const picture = pictures[index]!;
    const bytes = Buffer.from(layer.data, "base64");
    const kept = bytes.reduce((sum, value) => sum + (value !== 0 ? 1 : 0), 0);
    const share = ((100 * kept) / bytes.length).toFixed(1);
    return [
      `<figure class="card mask-card">`,
      `<header><h3>${escapeHtml(layer.name)}</h3><p>${layer.rows} × ${layer.cols} slice · ${share}% kept</p></header>`,
      `<div class="mask-box"><canvas id="${picture.id}" class="mask" data-kind="mask" data-series="1" data-kept="${kept}"`,
      ` width="${layer.cols * picture.block}" height="${layer.rows * picture.block}"`,
      ` role="img" aria-label="keep mask of ${escapeHtml(layer.name)}"></canvas></div>`,
      `</figure>`,
    ].join("");
  });
  const legend = `<p class="legend"><span class="swatch kept"></span>kept <span class="swatch pruned"></span>pruned · one block per weight, rows top to bottom, input columns left to right</p>`;
  return `${legend}\n<div class="grid grid-masks">\n${figures.join("\n")}\n</div>`;
}
