/**
 * Parses the expanded document into {@link XmlNode}s that carry their ORIGINAL
 * file:line.
 *
 * Well-formedness is checked by fast-xml-parser's `XMLValidator`, whose errors
 * give a line and column in the expanded text; those lines go through the
 * preprocessor's {@link LineMap}, so an unclosed tag in directory/default/1000.xml
 * is reported against that file, not against the `.fsxml` dump.
 *
 * The tree itself is built by the small tokenizer below rather than by
 * `XMLParser`, because (a) `XMLParser` reports no line for an element (its
 * `captureMetaData` gives a character offset on the ordered output, which must
 * then be converted and re-shaped into our nodes anyway) and (b) measured on a
 * 10,000-user directory, validation plus this tokenizer take well under half the
 * time of `XMLParser` alone. The tokenizer only ever sees text the validator has
 * accepted, so it can stay simple; it still refuses mismatched tags defensively.
 */
import { XMLValidator } from 'fast-xml-parser';
import { formatLocation, TswError } from '../core/errors.js';
import type { LineMap } from './line-map.js';
import type { XmlNode } from './xml-node.js';

const NAME = /[^\s/>]+/y;
const ATTR = /\s*([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;
const TAG_END = /\s*(\/?)>/y;
const ENTITY = /&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the five predefined entities and character references. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(ENTITY, (_m, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return NAMED[e] ?? '';
  });
}

/** Parses `text` and returns its root element. Throws TSW_ERR_CONFIG_PARSE with the original file:line. */
export function parseXml(text: string, lineMap: LineMap): XmlNode {
  const verdict = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (verdict === true) return new Tokenizer(text, lineMap).run();
  // For tags left open at the end of input the validator gives no position; the tokenizer does.
  if (verdict.err.code === 'InvalidXml') new Tokenizer(text, lineMap).run();
  const { line, message } = describe(verdict.err, lineMap);
  throw new TswError('TSW_ERR_CONFIG_PARSE', `XML error: ${message}`, { location: lineMap.locate(line) });
}

/**
 * Rewords a validator error for the operator. A tag that is never closed is only
 * noticed at some later closing tag, often in another file; the useful place to
 * point at is where the unclosed tag was opened, so that becomes the location.
 */
function describe(err: { msg: string; line: number }, lineMap: LineMap): { line: number; message: string } {
  const where = (n: number): string => formatLocation(lineMap.locate(n));
  const mismatch =
    /^Expected closing tag '([^']*)' \(opened in line (\d+)[^)]*\) instead of closing tag '([^']*)'/.exec(
      err.msg,
    );
  if (mismatch) {
    const opened = Number(mismatch[2]);
    return {
      line: opened,
      message: `<${mismatch[1]}> is never closed (found </${mismatch[3]}> at ${where(err.line)})`,
    };
  }
  // Any other mention of an expanded line is mapped too.
  const message = err.msg.replace(/\bline (\d+)(, col \d+)?/g, (_m, n: string) => where(Number(n)));
  return { line: err.line, message };
}

class Tokenizer {
  private pos = 0;
  private line = 1;
  private lineScan = 0;
  private readonly stack: XmlNode[] = [];
  private readonly texts: string[] = [];
  private root: XmlNode | undefined;

  constructor(
    private readonly text: string,
    private readonly lineMap: LineMap,
  ) {}

  run(): XmlNode {
    const { text } = this;
    while (this.pos < text.length) {
      const lt = text.indexOf('<', this.pos);
      if (lt < 0) break;
      if (lt > this.pos) this.addText(text.slice(this.pos, lt), true);
      const next = text[lt + 1];
      if (next === '/') this.endTag(lt);
      else if (next === '?') this.pos = this.skipPast('?>', lt);
      else if (next === '!') this.bang(lt);
      else this.startTag(lt);
    }
    const open = this.stack[this.stack.length - 1];
    if (open) {
      throw new TswError('TSW_ERR_CONFIG_PARSE', `XML error: <${open.name}> is never closed`, {
        location: open.loc,
      });
    }
    if (!this.root) {
      throw new TswError('TSW_ERR_CONFIG_PARSE', 'XML error: the document has no root element', {
        location: this.lineMap.locate(this.lineAt(text.length)),
      });
    }
    return this.root;
  }

  /** The expanded line of character index `idx`; indices only grow, so this scans once overall. */
  private lineAt(idx: number): number {
    for (;;) {
      const nl = this.text.indexOf('\n', this.lineScan);
      if (nl < 0 || nl >= idx) return this.line;
      this.line++;
      this.lineScan = nl + 1;
    }
  }

  private skipPast(marker: string, from: number): number {
    const i = this.text.indexOf(marker, from);
    return i < 0 ? this.text.length : i + marker.length;
  }

  private bang(lt: number): void {
    const { text } = this;
    if (text.startsWith('<!--', lt)) this.pos = this.skipPast('-->', lt + 4);
    else if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt + 9);
      this.addText(text.slice(lt + 9, end < 0 ? text.length : end), false);
      this.pos = end < 0 ? text.length : end + 3;
    } else {
      // <!DOCTYPE ...> possibly with an internal subset in brackets: skip it whole.
      const bracket = text.indexOf('[', lt);
      const gt = text.indexOf('>', lt);
      this.pos = bracket >= 0 && bracket < gt ? this.skipPast(']>', bracket) : gt + 1;
    }
  }

  private startTag(lt: number): void {
    const { text } = this;
    NAME.lastIndex = lt + 1;
    const name = NAME.exec(text)?.[0] ?? '';
    let p = NAME.lastIndex;
    const attrs: Record<string, string> = {};
    for (;;) {
      ATTR.lastIndex = p;
      const m = ATTR.exec(text);
      if (!m) break;
      attrs[m[1] ?? ''] = decodeEntities(m[2] ?? m[3] ?? '');
      p = ATTR.lastIndex;
    }
    TAG_END.lastIndex = p;
    const end = TAG_END.exec(text);
    const loc = this.lineMap.locate(this.lineAt(lt));
    if (!end)
      throw new TswError('TSW_ERR_CONFIG_PARSE', `XML error: malformed start tag <${name}>`, {
        location: loc,
      });
    const node: XmlNode = { name, attrs, children: [], text: '', loc };
    const parent = this.stack[this.stack.length - 1];
    if (parent) parent.children.push(node);
    else if (!this.root) this.root = node;
    else {
      throw new TswError(
        'TSW_ERR_CONFIG_PARSE',
        `XML error: <${name}> follows the root element <${this.root.name}>`,
        {
          location: loc,
        },
      );
    }
    if (end[1] !== '/') {
      this.stack.push(node);
      this.texts.push('');
    }
    this.pos = TAG_END.lastIndex;
  }

  private endTag(lt: number): void {
    const gt = this.text.indexOf('>', lt);
    const name = this.text.slice(lt + 2, gt < 0 ? this.text.length : gt).trim();
    const node = this.stack.pop();
    const raw = this.texts.pop() ?? '';
    if (!node || node.name !== name) {
      throw new TswError('TSW_ERR_CONFIG_PARSE', `XML error: unexpected closing tag </${name}>`, {
        location: this.lineMap.locate(this.lineAt(lt)),
      });
    }
    node.text = raw.trim();
    this.pos = gt < 0 ? this.text.length : gt + 1;
  }

  private addText(s: string, decode: boolean): void {
    const top = this.texts.length - 1;
    // Indentation between elements is the common case; skip it without allocating.
    if (top < 0 || !/\S/.test(s)) return;
    this.texts[top] += decode ? decodeEntities(s) : s;
  }
}
