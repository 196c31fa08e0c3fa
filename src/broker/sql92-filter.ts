// SQL92 message selectors (ExpressionType.SQL92), evaluated against a message's properties:
// the grammar of rocketmq filter/.../parser/SelectorParser.jj and the semantics of its
// expression classes (ComparisonExpression, LogicExpression, UnaryExpression) — store.md §13.2.
//   or     := and (OR and)*
//   and    := eq (AND eq)*
//   eq     := cmp ( ('=' | '<>') cmp | IS [NOT] NULL )*
//   cmp    := unary ( ('>'|'>='|'<'|'<=') unary | [NOT] BETWEEN unary AND unary | [NOT] IN '(' str {, str} ')'
//                   | [NOT] (CONTAINS|STARTSWITH|ENDSWITH) str )*
//   unary  := '+' unary | '-' unary | NOT unary | primary
//   primary:= literal | identifier | '(' or ')'
// Values: property values are strings; a comparison with a number or boolean converts the string
// to that type (Java valueOf; failure = evaluation error = message not matched); missing
// property = null; three-valued logic; only TRUE matches. `compileSql92` never throws.

type NumKind = 'int' | 'long' | 'double';
type Value = string | boolean | null | { readonly num: number; readonly kind: NumKind };

class EvalError extends Error {}

type Props = ReadonlyMap<string, string>;

interface Node {
  eval(p: Props): Value;
  /** For parse-time checks (Java checkLessThanOperand / checkEqualOperand). */
  readonly constant?: Value;
  readonly isBoolean?: boolean;
  readonly isProperty?: string;
}

const isNum = (v: Value): v is { num: number; kind: NumKind } => typeof v === 'object' && v !== null;

const INT_RE = /^[+-]?\d+$/;

function parseJavaNumber(s: string, kind: NumKind): number {
  if (kind === 'double') {
    const t = s.trim();
    const n = Number(t);
    if (t === '' || Number.isNaN(n) && t !== 'NaN') throw new EvalError(`For input string: "${s}"`);
    return n;
  }
  if (!INT_RE.test(s)) throw new EvalError(`For input string: "${s}"`);
  const n = Number(s);
  if (kind === 'int' && (n < -2147483648 || n > 2147483647)) throw new EvalError(`For input string: "${s}"`);
  return n;
}

/** ComparisonExpression.__compare with string conversion on; undefined = "-1 (not comparable)". */
function compareValues(lv: Value, rv: Value): number {
  if (lv === null || rv === null) return -1;
  let l = lv;
  let r = rv;
  if (typeof l === 'string' && isNum(r)) l = { num: parseJavaNumber(l, r.kind), kind: r.kind };
  else if (isNum(l) && typeof r === 'string') r = { num: parseJavaNumber(r, l.kind), kind: l.kind };
  else if (typeof l === 'string' && typeof r === 'boolean') l = l.toLowerCase() === 'true';
  else if (typeof l === 'boolean' && typeof r === 'string') r = r.toLowerCase() === 'true';
  if (isNum(l) && isNum(r)) return l.num < r.num ? -1 : l.num > r.num ? 1 : 0;
  if (typeof l === 'string' && typeof r === 'string') return l < r ? -1 : l > r ? 1 : 0;
  if (typeof l === 'boolean' && typeof r === 'boolean') return l === r ? 0 : l ? 1 : -1;
  return -1;
}

function valueEquals(a: Value, b: Value): boolean {
  if (isNum(a) && isNum(b)) return a.kind === b.kind && a.num === b.num;
  return a === b;
}

function asBool(v: Value): boolean | null {
  if (v === null) return null;
  if (typeof v !== 'boolean') throw new EvalError('not a boolean');
  return v;
}

const equalNode = (l: Node, r: Node): Node => ({
  isBoolean: true,
  eval(p) {
    const lv = l.eval(p);
    const rv = r.eval(p);
    if ((lv === null) !== (rv === null)) return lv === null ? null : false;
    if (lv === rv || valueEquals(lv, rv)) return true;
    return compareValues(lv, rv) === 0;
  },
});

const notNode = (n: Node): Node => ({
  isBoolean: true,
  eval(p) {
    const v = asBool(n.eval(p));
    return v === null ? null : !v;
  },
});

const andNode = (l: Node, r: Node): Node => ({
  isBoolean: true,
  eval(p) {
    const lv = asBool(l.eval(p));
    if (lv === null) return null;
    if (!lv) return false;
    return asBool(r.eval(p));
  },
});

const orNode = (l: Node, r: Node): Node => ({
  isBoolean: true,
  eval(p) {
    const lv = asBool(l.eval(p));
    if (lv === true) return true;
    return asBool(r.eval(p));
  },
});

function relNode(l: Node, r: Node, test: (c: number) => boolean): Node {
  return {
    isBoolean: true,
    eval(p) {
      const lv = l.eval(p);
      if (lv === null) return null;
      const rv = r.eval(p);
      if (rv === null) return null;
      return test(compareValues(lv, rv));
    },
  };
}

function stringTest(l: Node, search: string, test: (s: string) => boolean, negate: boolean): Node {
  return {
    isBoolean: true,
    eval(p) {
      if (search.length === 0) return false;
      const v = l.eval(p);
      if (typeof v !== 'string') return false;
      return test(v) !== negate;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Lexer

type Tok =
  | { t: 'id'; v: string }
  | { t: 'kw'; v: string }
  | { t: 'str'; v: string }
  | { t: 'num'; v: number; kind: NumKind }
  | { t: 'op'; v: string }
  | { t: 'eof' };

const KEYWORDS = new Set(['NOT', 'AND', 'OR', 'BETWEEN', 'IN', 'IS', 'NULL', 'TRUE', 'FALSE', 'CONTAINS', 'STARTSWITH', 'ENDSWITH']);

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) { i++; continue; }
    if (src.startsWith('--', i)) { while (i < src.length && src[i] !== '\n') i++; continue; }
    if (src.startsWith('/*', i)) {
      const e = src.indexOf('*/', i + 2);
      if (e < 0) throw new EvalError('unterminated comment');
      i = e + 2;
      continue;
    }
    if (c === '\'') {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new EvalError('unterminated string literal');
        if (src[i] === '\'') {
          if (src[i + 1] === '\'') { s += '\''; i += 2; continue; }
          i++;
          break;
        }
        s += src[i++];
      }
      out.push({ t: 'str', v: s });
      continue;
    }
    const num = /^(\d+\.\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|\d+[lL]?)/.exec(src.slice(i));
    if (num) {
      const text = num[1] as string;
      i += text.length;
      if (/[.eE]/.test(text)) out.push({ t: 'num', v: Number(text), kind: 'double' });
      else {
        const long = /[lL]$/.test(text);
        const n = Number(long ? text.slice(0, -1) : text);
        out.push({ t: 'num', v: n, kind: long || n > 2147483647 ? 'long' : 'int' });
      }
      continue;
    }
    const id = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(src.slice(i));
    if (id) {
      const w = id[0];
      i += w.length;
      const up = w.toUpperCase();
      out.push(KEYWORDS.has(up) ? { t: 'kw', v: up } : { t: 'id', v: w });
      continue;
    }
    const op = /^(<>|>=|<=|=|>|<|\(|\)|,|\+|-)/.exec(src.slice(i));
    if (op) {
      out.push({ t: 'op', v: op[0] });
      i += op[0].length;
      continue;
    }
    throw new EvalError(`Lexical error at column ${i + 1}: "${c}"`);
  }
  out.push({ t: 'eof' });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Parser

class Parser {
  private pos = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok { return this.toks[this.pos] as Tok; }
  private next(): Tok { return this.toks[this.pos++] as Tok; }
  private isKw(v: string, k = 0): boolean { const t = this.toks[this.pos + k]; return t?.t === 'kw' && t.v === v; }
  private isOp(v: string): boolean { const t = this.peek(); return t.t === 'op' && t.v === v; }
  private expectKw(v: string): void { if (!this.isKw(v)) throw new EvalError(`expected ${v}`); this.pos++; }
  private expectOp(v: string): void { if (!this.isOp(v)) throw new EvalError(`expected "${v}"`); this.pos++; }

  parse(): Node {
    const n = this.or();
    if (this.peek().t !== 'eof') throw new EvalError('unexpected input after the expression');
    if (!n.isBoolean && n.constant === undefined && n.isProperty === undefined) throw new EvalError('the expression is not a boolean expression');
    return n;
  }

  private or(): Node {
    let l = this.and();
    while (this.isKw('OR')) { this.pos++; l = orNode(l, this.and()); }
    return l;
  }

  private and(): Node {
    let l = this.eq();
    while (this.isKw('AND')) { this.pos++; l = andNode(l, this.eq()); }
    return l;
  }

  private eq(): Node {
    let l = this.cmp();
    for (;;) {
      if (this.isOp('=') || this.isOp('<>')) {
        const op = (this.next() as { v: string }).v;
        const r = this.cmp();
        for (const x of [l, r]) if (x.constant === null) throw new EvalError('\'NULL\' cannot be compared.');
        l = op === '=' ? equalNode(l, r) : notNode(equalNode(l, r));
      } else if (this.isKw('IS')) {
        this.pos++;
        const not = this.isKw('NOT');
        if (not) this.pos++;
        this.expectKw('NULL');
        const isNull = equalNode(l, { eval: () => null, constant: null });
        l = not ? notNode(isNull) : isNull;
      } else return l;
    }
  }

  private checkComparable(n: Node): void {
    if (n.constant !== undefined && !isNum(n.constant)) throw new EvalError(`Value '${String(n.constant)}' cannot be compared.`);
    if (n.isBoolean) throw new EvalError('a boolean expression cannot be compared.');
  }

  private stringLiteral(): string {
    const t = this.next();
    if (t.t !== 'str') throw new EvalError('expected a string literal');
    return t.v;
  }

  private cmp(): Node {
    let l = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.t === 'op' && (t.v === '>' || t.v === '>=' || t.v === '<' || t.v === '<=')) {
        this.pos++;
        const r = this.unary();
        this.checkComparable(l);
        this.checkComparable(r);
        const test = t.v === '>' ? (c: number) => c > 0 : t.v === '>=' ? (c: number) => c >= 0 : t.v === '<' ? (c: number) => c < 0 : (c: number) => c <= 0;
        l = relNode(l, r, test);
        continue;
      }
      const not = this.isKw('NOT') && (this.isKw('BETWEEN', 1) || this.isKw('IN', 1) || this.isKw('CONTAINS', 1) || this.isKw('STARTSWITH', 1) || this.isKw('ENDSWITH', 1));
      if (not) this.pos++;
      if (this.isKw('BETWEEN')) {
        this.pos++;
        const a = this.unary();
        this.expectKw('AND');
        const b = this.unary();
        for (const x of [l, a, b]) this.checkComparable(x);
        l = not
          ? orNode(relNode(l, a, (c) => c < 0), relNode(l, b, (c) => c > 0))
          : andNode(relNode(l, a, (c) => c >= 0), relNode(l, b, (c) => c <= 0));
        continue;
      }
      if (this.isKw('IN')) {
        this.pos++;
        if (l.isProperty === undefined) throw new EvalError('Expected a property for In expression');
        this.expectOp('(');
        const list = new Set<string>([this.stringLiteral()]);
        while (this.isOp(',')) { this.pos++; list.add(this.stringLiteral()); }
        this.expectOp(')');
        const left = l;
        l = {
          isBoolean: true,
          eval(p) {
            const v = left.eval(p);
            if (typeof v !== 'string') return null;
            return list.has(v) !== not;
          },
        };
        continue;
      }
      const t2 = this.peek();
      if (t2.t === 'kw' && (t2.v === 'CONTAINS' || t2.v === 'STARTSWITH' || t2.v === 'ENDSWITH')) {
        this.pos++;
        const s = this.stringLiteral();
        const test = t2.v === 'CONTAINS' ? (v: string) => v.includes(s) : t2.v === 'STARTSWITH' ? (v: string) => v.startsWith(s) : (v: string) => v.endsWith(s);
        l = stringTest(l, s, test, not);
        continue;
      }
      return l;
    }
  }

  private unary(): Node {
    if (this.isOp('+')) { this.pos++; return this.unary(); }
    if (this.isOp('-')) {
      this.pos++;
      const n = this.unary();
      if (n.constant !== undefined && isNum(n.constant)) {
        const c = { num: -n.constant.num, kind: n.constant.kind };
        return { eval: () => c, constant: c };
      }
      return {
        eval(p) {
          const v = n.eval(p);
          if (v === null) return null;
          if (!isNum(v)) throw new EvalError('cannot negate a non-number');
          return { num: -v.num, kind: v.kind };
        },
      };
    }
    if (this.isKw('NOT')) { this.pos++; return notNode(this.unary()); }
    return this.primary();
  }

  private primary(): Node {
    const t = this.next();
    switch (t.t) {
      case 'str': return { eval: () => t.v, constant: t.v };
      case 'num': { const c = { num: t.v, kind: t.kind }; return { eval: () => c, constant: c }; }
      case 'id': return { eval: (p) => p.get(t.v) ?? null, isProperty: t.v };
      case 'kw':
        if (t.v === 'TRUE' || t.v === 'FALSE') { const b = t.v === 'TRUE'; return { eval: () => b, constant: b, isBoolean: true }; }
        if (t.v === 'NULL') return { eval: () => null, constant: null };
        throw new EvalError(`unexpected keyword ${t.v}`);
      case 'op':
        if (t.v === '(') {
          const n = this.or();
          this.expectOp(')');
          return n;
        }
        throw new EvalError(`unexpected "${t.v}"`);
      case 'eof': throw new EvalError('unexpected end of the expression');
      default: {
        const never: never = t;
        throw new EvalError(`unexpected token ${String(never)}`);
      }
    }
  }
}

/** A compiled selector: `matches` is true only when the expression evaluates to TRUE. */
export interface Sql92Expression {
  readonly source: string;
  matches(properties: Props): boolean;
}

export type CompileResult = { ok: true; expression: Sql92Expression } | { ok: false; error: string };

export function compileSql92(source: string): CompileResult {
  let root: Node;
  try {
    root = new Parser(lex(source)).parse();
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  return {
    ok: true,
    expression: {
      source,
      matches(properties) {
        try {
          return root.eval(properties) === true;
        } catch {
          return false;
        }
      },
    },
  };
}

const cache = new Map<string, CompileResult>();

/** Compiled once per distinct source (heartbeats repeat the same text). */
export function compileSql92Cached(source: string): CompileResult {
  let r = cache.get(source);
  if (!r) {
    r = compileSql92(source);
    if (cache.size > 10000) cache.clear();
    cache.set(source, r);
  }
  return r;
}
