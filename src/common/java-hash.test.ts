import { indexKeyHash, javaStringHashCode, tagsString2tagsCode } from './java-hash';
import { bodyCrc32, crc32 } from './crc32';

// Reference values printed by fixtures/store/JavaHashReference.java, compiled and run once with
// OpenJDK 17.0.15 (`javac JavaHashReference.java && java JavaHashReference`): [string, String.hashCode(),
// IndexFile.indexKeyHashMethod (abs, MIN_VALUE -> 0)].
const JAVA: [string, number, number][] = [
  ['', 0, 0],
  ['a', 97, 97],
  ['TagA', 2598919, 2598919],
  ['TagB', 2598920, 2598920],
  ['*', 42, 42],
  ['TopicTest#order-1', -1829193424, 1829193424],
  ['TopicTest#C0A80002D43118B4AAC2000000000000', -293482626, 293482626],
  ['polygenelubricants', -2147483648, 0],
  ['\u4e2d\u6587\u6807\u7b7e', 622041809, 622041809],
  ['emoji\ud83d\ude00', -1623288791, 1623288791],
  ['The quick brown fox jumps over the lazy dog 0123456789', 909983474, 909983474],
  ['%RETRY%please_rename_unique_group_name_4#K1', -1929946743, 1929946743],
];

test.each(JAVA)('String.hashCode(%j) matches Java', (s, hash, keyHash) => {
  expect(javaStringHashCode(s)).toBe(hash);
  expect(indexKeyHash(s)).toBe(keyHash);
});

test('tags code: 0 for absent/empty tags', () => {
  expect(tagsString2tagsCode(undefined)).toBe(0);
  expect(tagsString2tagsCode('')).toBe(0);
  expect(tagsString2tagsCode('TagA')).toBe(2598919);
});

// fixtures/store/JavaCrcReference.java (OpenJDK 17.0.15): java.util.zip.CRC32 and the 31-bit mask.
test('CRC32 matches java.util.zip.CRC32', () => {
  const b = Buffer.alloc(1000);
  for (let i = 0; i < 1000; i++) b[i] = i % 251;
  expect(crc32(b)).toBe(1914128038);
  expect(bodyCrc32(b)).toBe(1914128038);
  expect(crc32(Buffer.from('Hello'))).toBe(4157704578);
  expect(bodyCrc32(Buffer.from('Hello'))).toBe(2010220930);
});
