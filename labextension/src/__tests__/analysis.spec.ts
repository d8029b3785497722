import { Text } from '@codemirror/state';

import { graphqlText, hoverAt, problemsIn, suggestionsAt } from '../analysis';
import { smallSchema } from './fixtures';

const doc = (text: string) => Text.of(text.split('\n'));

describe('graphqlText', () => {
  it('blanks the magic line, keeping every offset', () => {
    const cell = '%%ion --page-size 5 df\n{ runs }';
    const text = graphqlText(cell);
    expect(text.length).toBe(cell.length);
    expect(text.split('\n')[0].trim()).toBe('');
    expect(text.slice(cell.indexOf('{'))).toBe('{ runs }');
  });

  it('leaves text without the magic unchanged', () => {
    expect(graphqlText('{ runs }')).toBe('{ runs }');
  });
});

describe('suggestionsAt', () => {
  it('describes fields with their type and description, arguments as snippets', () => {
    const schema = smallSchema();
    const fields = suggestionsAt(schema, doc('%%ion\n{ runs { edges { node { t } } } }'), 31);
    const title = fields.find(s => s.label === 'title');
    expect(title).toMatchObject({
      type: 'property',
      detail: 'String',
      documentation: "The run's title, as shown in ION."
    });
    const args = suggestionsAt(schema, doc('%%ion\n{ runs(fil) }'), 16);
    expect(args.find(s => s.label === 'filters')?.snippet).toMatch(/^filters: +\{[\s\S]*\$\{1\}[\s\S]*\}$/);
  });
});

describe('problemsIn', () => {
  it('reports a syntax error at the right line', () => {
    const text = '%%ion\n{ runs {\n  edges { node ) } } }';
    const problems = problemsIn(smallSchema(), doc(text));
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toMatch(/Syntax Error/);
    expect(text.slice(problems[0].from, problems[0].to)).toBe(')');
  });
});

describe('hoverAt', () => {
  it("shows a field's type and description", () => {
    const text = '%%ion\n{ runs { edges { node { title } } } }';
    const hover = hoverAt(smallSchema(), doc(text), text.indexOf('title') + 1);
    expect(hover).toContain('Run.title: String');
    expect(hover).toContain("The run's title, as shown in ION.");
  });

  it("shows an argument's type", () => {
    const text = '%%ion\n{ runs(first: 3) { edges { node { id } } } }';
    expect(hoverAt(smallSchema(), doc(text), text.indexOf('first') + 1)).toContain('first: Int');
  });

  it('shows nothing over the magic line', () => {
    expect(hoverAt(smallSchema(), doc('%%ion --runs\n{ runs }'), 9)).toBeNull();
  });
});
