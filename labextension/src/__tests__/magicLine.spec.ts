import { blankMagicLine, cellHeadLength, isIonCellText, magicLineSpan, tokenizeMagicLine } from '../magicLine';
import cases from '../../../tests/ion_cell_cases.json';

// The cases the kernel's test (tests/test_ion_cell.py) checks too, against IPython itself.
describe('isIonCellText, on the cases shared with the kernel', () => {
  it.each(cases.map(c => [c.case, c.cell, c.ion, c.line] as const))('%s', (_, cell, ion, line) => {
    expect(isIonCellText(cell)).toBe(ion);
    const span = magicLineSpan(cell);
    expect(span && [span.from, span.to]).toEqual(line);
  });
});

describe('cellHeadLength', () => {
  it('ends at the first line that is not blank, at a line break of any kind', () => {
    expect(cellHeadLength('%%ion\n{a}')).toBe(5);
    expect(cellHeadLength('%%ion -x\r\n{a}')).toBe(8);
    expect(cellHeadLength('%%ion')).toBe(5);
    expect(cellHeadLength('\n  \n%%ion -x\n{a}')).toBe(12);
    expect(cellHeadLength('\n  \n')).toBe(4);
  });
});

describe('blankMagicLine', () => {
  it('blanks the magic line and the blank lines above it, keeping every offset and line break', () => {
    expect(blankMagicLine('\n\t\r\n%%ion x\n{ a }')).toBe('\n \r\n       \n{ a }');
    expect(blankMagicLine('%%sql\n{ a }')).toBe('%%sql\n{ a }');
  });
});

describe('tokenizeMagicLine', () => {
  const tokens = (line: string) => tokenizeMagicLine(line).map(t => [t.kind, line.slice(t.from, t.to)]);

  it('splits the magic, options, values and the assigned name', () => {
    expect(tokens('%%ion --page-size 50 -q runs_df')).toEqual([
      ['keyword', '%%ion'],
      ['option', '--page-size'],
      ['number', '50'],
      ['option', '-q'],
      ['word', 'runs_df']
    ]);
  });

  it('keeps quoted strings (even unterminated ones) and operators whole', () => {
    expect(tokens(`%%ion --title="a b" 'half`)).toEqual([
      ['keyword', '%%ion'],
      ['option', '--title'],
      ['operator', '='],
      ['string', '"a b"'],
      ['string', "'half"]
    ]);
  });

  it('covers every non-blank character of the line exactly once', () => {
    const line = '%%ion  -x=1,2 "q\\"uote" 3.5 name -7 --a-b:c {x} $y';
    const found = tokenizeMagicLine(line);
    const covered = new Set(found.flatMap(t => Array.from({ length: t.to - t.from }, (_, i) => t.from + i)));
    const nonBlank = [...line].flatMap((c, i) => (/\s/.test(c) ? [] : [i]));
    expect([...covered].sort((a, b) => a - b)).toEqual(nonBlank);
    expect(found.every((t, i) => i === 0 || t.from >= found[i - 1].to)).toBe(true);
  });

  it('has nothing to say about other lines', () => {
    expect(tokenizeMagicLine('%%sql select')).toEqual([]);
    expect(tokenizeMagicLine(' %%ion -x')).toEqual([]);
  });

  it('finds the magic below blank lines', () => {
    expect(tokens('\n  \n%%ion -x 5')).toEqual([
      ['keyword', '%%ion'],
      ['option', '-x'],
      ['number', '5']
    ]);
  });
});
