/**
 * Jupyter counts cursor positions in Unicode code points; JavaScript strings
 * index UTF-16 units. These convert between the two.
 */
export function toUtf16Offset(text: string, codePoints: number): number {
  let units = 0;
  let points = 0;
  while (points < codePoints && units < text.length) {
    const code = text.codePointAt(units)!;
    units += code > 0xffff ? 2 : 1;
    points++;
  }
  return units;
}

export function toCodePoints(text: string, utf16Offset: number): number {
  let points = 0;
  for (let units = 0; units < utf16Offset && units < text.length; points++) {
    units += text.codePointAt(units)! > 0xffff ? 2 : 1;
  }
  return points;
}
