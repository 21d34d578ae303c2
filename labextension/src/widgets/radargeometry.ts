/**
 * Where the radar's points go on the screen (drawing only: the values are the report's).
 */
/** Points of a radar polygon: one axis per value (0..1), the first pointing up. */
export function radarPoints(
  values: readonly number[],
  radius: number,
  cx: number,
  cy: number
): Array<[number, number]> {
  return values.map((value, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / values.length;
    const r = radius * Math.max(0, Math.min(1, value));
    return [round2(cx + r * Math.cos(angle)), round2(cy + r * Math.sin(angle))];
  });
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
