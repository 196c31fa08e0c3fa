// Java String.hashCode and the RocketMQ hashes derived from it.
// Java: s[0]*31^(n-1) + ... + s[n-1] over UTF-16 code units with int32 wrap-around.

/** java.lang.String#hashCode. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** MessageExtBrokerInner.tagsString2tagsCode: 0 for absent/empty tags, else the hash (sign kept). */
export function tagsString2tagsCode(tags: string | undefined | null): number {
  if (tags === undefined || tags === null || tags.length === 0) return 0;
  return javaStringHashCode(tags);
}

/** IndexFile.indexKeyHashMethod: abs(hashCode), Integer.MIN_VALUE -> 0. */
export function indexKeyHash(key: string): number {
  const h = javaStringHashCode(key);
  return h === -2147483648 ? 0 : Math.abs(h);
}
