import { highlightTree, classHighlighter } from '@lezer/highlight';
import { Tree } from '@lezer/common';

import { ionCellLanguage, magicLineHighlighter } from '../language';

function parse(text: string): Tree {
  return ionCellLanguage.parser.parse(text);
}

/** Classes given to each highlighted range, as [text, classes, from] triples. */
function highlighted(text: string): Array<[string, string, number]> {
  const spans: Array<[string, string, number]> = [];
  highlightTree(parse(text), [classHighlighter, magicLineHighlighter], (from, to, classes) => {
    spans.push([text.slice(from, to), classes, from]);
  });
  return spans;
}

function errorNodes(tree: Tree): string[] {
  const errors: string[] = [];
  tree.iterate({
    enter: node => {
      if (node.type.isError) {
        errors.push(`${node.from}-${node.to}`);
      }
    }
  });
  return errors;
}

const CELL = '%%ion --page-size 50 runs\nquery Runs($n: Int) {\n  runs(first: $n) { edges { node { title } } }\n}';

describe('the %%ion cell language', () => {
  it('parses the magic line on its own and the rest as GraphQL', () => {
    const tree = parse(CELL);
    const top = tree.topNode;
    expect(top.type.name).toBe('IonCell');
    expect(top.firstChild?.type.name).toBe('MagicLine');
    expect(top.firstChild?.to).toBe(CELL.indexOf('\n'));
    const inBody = tree.resolveInner(CELL.indexOf('title') + 1, 1);
    const ancestry: string[] = [];
    for (let node: typeof inBody | null = inBody; node; node = node.parent) {
      ancestry.push(node.type.name);
    }
    expect(ancestry).toContain('SelectionSet');
    expect(ancestry[ancestry.length - 1]).toBe('IonCell');
  });

  it('takes blank lines above the magic as part of the head, as the kernel does', () => {
    const cell = '\n  \n' + CELL;
    const tree = parse(cell);
    expect(tree.topNode.firstChild?.type.name).toBe('MagicLine');
    expect(tree.topNode.firstChild?.to).toBe(cell.indexOf('runs\n') + 4);
    expect(tree.resolveInner(cell.indexOf('title') + 1, 1).parent?.type.name).toBe('Field');
    expect(highlighted(cell).find(([text]) => text === '%%ion')?.[2]).toBe(4);
    expect(errorNodes(tree)).toEqual([]);
  });

  it('finds no GraphQL error in a valid cell, magic flags included', () => {
    expect(errorNodes(parse(CELL))).toEqual([]);
  });

  it('still flags broken GraphQL in the body', () => {
    expect(errorNodes(parse('%%ion\n{ runs { ) }'))).not.toEqual([]);
  });

  it('gives the magic line its own token classes and the body tok-* GraphQL classes', () => {
    const spans = highlighted(CELL);
    const classesOf = (text: string) => spans.find(([t]) => t === text)?.[1] ?? '';
    expect(classesOf('%%ion')).toContain('ion-magic-keyword');
    expect(classesOf('%%ion')).toContain('tok-meta');
    expect(classesOf('--page-size')).toContain('ion-magic-option');
    expect(classesOf('50')).toContain('ion-magic-number');
    expect(classesOf('runs')).toContain('ion-magic-word');
    expect(classesOf('query')).toContain('tok-keyword');
    expect(classesOf('title')).toContain('tok-propertyName');
    expect(classesOf('$n')).toContain('tok-variableName');
    const bodySpans = spans.filter(([, , from]) => from > CELL.indexOf('\n'));
    expect(bodySpans.length).toBeGreaterThan(5);
    expect(bodySpans.filter(([, classes]) => classes.includes('ion-magic'))).toEqual([]);
  });

  it('handles a cell that is only the magic line', () => {
    const tree = parse('%%ion -x');
    expect(tree.topNode.lastChild?.type.name).toBe('MagicLine');
    expect(tree.length).toBe(8);
  });
});
