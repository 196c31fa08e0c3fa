import { compileSql92 } from './sql92-filter';

const props = new Map<string, string>([['a', '6'], ['b', 'x'], ['TAGS', 'TagA'], ['f', '1.5'], ['t', 'TRUE'], ['big', '3000000000']]);

function m(sql: string, p: ReadonlyMap<string, string> = props): boolean {
  const r = compileSql92(sql);
  if (!r.ok) throw new Error(`compile failed: ${sql}: ${r.error}`);
  return r.expression.matches(p);
}

describe('SQL92 selectors', () => {
  test.each([
    ['a > 5', true], ['a > 6', false], ['a >= 6', true], ['a < 7 AND a <> 5', true], ['a = 6', true], ['a = \'6\'', true],
    ['b = \'x\'', true], ['b <> \'x\'', false], ['b = \'y\' OR a = 6', true], ['NOT (a = 6)', false],
    ['a BETWEEN 1 AND 6', true], ['a NOT BETWEEN 1 AND 6', false], ['a between 7 and 9', false],
    ['b IN (\'x\', \'y\')', true], ['b NOT IN (\'x\')', false], ['TAGS IN (\'TagB\')', false],
    ['missing IS NULL', true], ['a IS NOT NULL', true], ['missing = 1', false], ['missing <> 1', false], ['NOT missing = 1', false],
    ['f > 1.2', true], ['f < 1', false], ['t = TRUE', true], ['big > 2147483648', true],
    ['b > 1', false], // 'x' is not a number: evaluation error, not matched
    ['a > -1', true], ['b CONTAINS \'x\'', true], ['b STARTSWITH \'y\'', false], ['b NOT ENDSWITH \'y\'', true],
    ['(a > 5 AND b = \'x\') OR missing = 3', true], ['a > 5 -- comment', true], ['/* c */ a = 6', true],
    ['b = \'it\'\'s\'', false],
  ])('%s -> %s', (sql, want) => {
    expect(m(sql as string)).toBe(want);
  });

  test('keywords are case-insensitive', () => {
    expect(m('a > 5 and b = \'x\' or false')).toBe(true);
  });

  test.each(['a >', 'a = = 1', '\'x\' > a', 'a IN (1)', '(a = 1', 'a @ 1', 'a = NULL', ''])('compile error: %s', (sql) => {
    expect(compileSql92(sql).ok).toBe(false);
  });
});
