import { z } from "zod";

/** One layer slice in masks.json: a base64 u8 keep-mask of shape [rows, cols] (nonzero = kept). */
export const maskLayerSchema = z.object({
  name: z.string().min(1),
  rows: z.number().int().positive(),
  cols: z.number().int().positive(),
  data: z.string(),
});

/** masks.json: slices of a few layers' masks of the AST-Boosted model. */
export const masksSchema = z.object({ layers: z.array(maskLayerSchema) });

export type MaskLayer = z.infer<typeof maskLayerSchema>;
/** Parsed masks.json. */
export type Masks = z.infer<typeof masksSchema>;
