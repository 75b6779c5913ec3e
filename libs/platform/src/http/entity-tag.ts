/** A strong ETag: a version alone identifies a cart's state, on either side. */
export function entityTag(version: number): string {
  return `"${version}"`;
}
