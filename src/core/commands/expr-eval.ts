/**
 * A small arithmetic evaluator for the `expr` API command: a recursive-descent
 * parser over numbers, `+ - * / %`, `^` (power, right-associative), unary signs,
 * parentheses, the constants `pi` and `e`, and a few functions. It never calls
 * `eval`, so an expression taken from a channel variable can do no harm.
 *
 * ```
 *   sum     := product (('+' | '-') product)*
 *   product := unary (('*' | '/' | '%') unary)*
 *   unary   := ('+' | '-') unary | power
 *   power   := atom ('^' unary)?
 *   atom    := number | name | name '(' sum (',' sum)* ')' | '(' sum ')'
 * ```
 */
export class ExprError extends Error {}

const FUNCTIONS: Readonly<Record<string, (...xs: number[]) => number>> = {
  abs: Math.abs,
  ceil: Math.ceil,
  floor: Math.floor,
  round: Math.round,
  trunc: Math.trunc,
  sqrt: Math.sqrt,
  exp: Math.exp,
  log: Math.log,
  log10: Math.log10,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  min: Math.min,
  max: Math.max,
  pow: Math.pow,
};

const CONSTANTS: Readonly<Record<string, number>> = { pi: Math.PI, e: Math.E };

type Tok = { kind: 'num'; value: number } | { kind: 'name'; value: string } | { kind: 'op'; value: string };

function lex(text: string): Tok[] {
  const out: Tok[] = [];
  const re = /\s*(?:(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_]\w*)|([-+*/%^(),]))/y;
  let i = 0;
  while (i < text.length) {
    if (/^\s*$/.test(text.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) throw new ExprError(`unexpected "${text.slice(i).trim().slice(0, 10)}"`);
    if (m[1] !== undefined) out.push({ kind: 'num', value: Number(m[1]) });
    else if (m[2] !== undefined) out.push({ kind: 'name', value: m[2].toLowerCase() });
    else out.push({ kind: 'op', value: m[3] ?? '' });
    i = re.lastIndex;
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  parse(): number {
    if (this.toks.length === 0) throw new ExprError('empty expression');
    const v = this.sum();
    if (this.i < this.toks.length) throw new ExprError(`unexpected "${String(this.toks[this.i]?.value)}"`);
    return v;
  }

  private peekOp(...ops: string[]): string | undefined {
    const t = this.toks[this.i];
    return t?.kind === 'op' && ops.includes(t.value) ? t.value : undefined;
  }

  private expect(op: string): void {
    if (!this.peekOp(op)) throw new ExprError(`expected "${op}"`);
    this.i++;
  }

  private sum(): number {
    let v = this.product();
    for (let op = this.peekOp('+', '-'); op; op = this.peekOp('+', '-')) {
      this.i++;
      const r = this.product();
      v = op === '+' ? v + r : v - r;
    }
    return v;
  }

  private product(): number {
    let v = this.unary();
    for (let op = this.peekOp('*', '/', '%'); op; op = this.peekOp('*', '/', '%')) {
      this.i++;
      const r = this.unary();
      if ((op === '/' || op === '%') && r === 0) throw new ExprError('division by zero');
      v = op === '*' ? v * r : op === '/' ? v / r : v % r;
    }
    return v;
  }

  private unary(): number {
    const op = this.peekOp('+', '-');
    if (op) {
      this.i++;
      const v = this.unary();
      return op === '-' ? -v : v;
    }
    return this.power();
  }

  private power(): number {
    const base = this.atom();
    if (!this.peekOp('^')) return base;
    this.i++;
    return Math.pow(base, this.unary());
  }

  private atom(): number {
    const t = this.toks[this.i++];
    if (!t) throw new ExprError('unexpected end of expression');
    if (t.kind === 'num') return t.value;
    if (t.kind === 'op') {
      if (t.value !== '(') throw new ExprError(`unexpected "${t.value}"`);
      const v = this.sum();
      this.expect(')');
      return v;
    }
    if (this.peekOp('(')) {
      const fn = FUNCTIONS[t.value];
      if (!fn) throw new ExprError(`unknown function "${t.value}"`);
      this.i++;
      const args = [this.sum()];
      while (this.peekOp(',')) {
        this.i++;
        args.push(this.sum());
      }
      this.expect(')');
      return fn(...args);
    }
    const c = CONSTANTS[t.value];
    if (c === undefined) throw new ExprError(`unknown name "${t.value}"`);
    return c;
  }
}

export function evaluateExpr(text: string): number {
  const v = new Parser(lex(text)).parse();
  if (!Number.isFinite(v)) throw new ExprError('result is not a finite number');
  return v;
}

/** Ten decimal places with trailing zeros (and a bare point) removed: `2`, `3.3333333333`. */
export function formatExprResult(v: number): string {
  const s = v.toFixed(10).replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}
