/**
 * Keeps at most `limit` points, evenly spread, always including the first and last. Long runs log tens of
 * thousands of steps; a chart a few hundred pixels wide cannot show more, and the HTML stays small.
 */
export function downsample<T>(points: readonly T[], limit = 1000): T[] {
  if (points.length <= limit) return [...points];
  const kept: T[] = [];
  const stride = (points.length - 1) / (limit - 1);
  for (let index = 0; index < limit; index++) kept.push(points[Math.round(index * stride)]!);
  return kept;
}
