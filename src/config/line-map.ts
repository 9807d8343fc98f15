/**
 * Maps each line of the expanded document back to the file and line it came from.
 * The preprocessor appends one entry per emitted line; the parser and every error
 * message then speak about the operator's files, never about the `.fsxml` dump.
 */
import type { SourceLocation } from '../core/errors.js';

export class LineMap {
  private readonly fileNames: string[] = [];
  private readonly fileIndex = new Map<string, number>();
  // Parallel arrays keep 100k-line documents cheap (no object per line until asked).
  private readonly lineFile: number[] = [];
  private readonly lineNo: number[] = [];
  private readonly cache: (SourceLocation | undefined)[] = [];

  /** Records that the next expanded line came from `file` at `line` (1-based). */
  push(file: string, line: number): void {
    let idx = this.fileIndex.get(file);
    if (idx === undefined) {
      idx = this.fileNames.length;
      this.fileNames.push(file);
      this.fileIndex.set(file, idx);
    }
    this.lineFile.push(idx);
    this.lineNo.push(line);
  }

  /** How many expanded lines are mapped. */
  get length(): number {
    return this.lineNo.length;
  }

  /**
   * The original location of expanded line `line` (1-based). Lines past the end map
   * to the last known line, which is where an "unexpected end of input" belongs.
   */
  locate(line: number): SourceLocation {
    const n = this.lineNo.length;
    if (n === 0) return { file: '<empty>', line: 0 };
    const i = Math.min(Math.max(line, 1), n) - 1;
    let loc = this.cache[i];
    if (!loc) {
      loc = { file: this.fileNames[this.lineFile[i] ?? 0] ?? '<unknown>', line: this.lineNo[i] ?? 0 };
      this.cache[i] = loc;
    }
    return loc;
  }
}
