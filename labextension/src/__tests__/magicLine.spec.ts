import { firstLineLength, isIonCellText, tokenizeMagicLine } from '../magicLine';

describe('isIonCellText', () => {
  it.each([
    ['%%ion', true],
    ['%%ion\n{ runs { edges { node { id } } } }', true],
    ['%%ion --page-size 50 runs_df\n{ a }', true],
    ['%%ion\t-v', true],
    ['%%ionic\n{ a }', false],
    [' %%ion\n{ a }', false],
    ['%ion_login --sandbox', false],
    ['%%sql\nselect 1', false],
    ['x = 1\n%%ion', false],
    ['', false]
  ])('%j -> %s', (text, expected) => {
    expect(isIonCellText(text)).toBe(expected);
  });
});

describe('firstLineLength', () => {
  it('stops at the first line break of any kind', () => {
    expect(firstLineLength('%%ion\n{a}')).toBe(5);
    expect(firstLineLength('%%ion -x\r\n{a}')).toBe(8);
    expect(firstLineLength('%%ion')).toBe(5);
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
  });
});
