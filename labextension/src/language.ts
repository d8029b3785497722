/**
 * The language of an `%%ion` cell: the magic line tokenised on its own, the rest parsed as GraphQL.
 *
 * A tiny hand-written outer parser splits the cell into `MagicLine` and `GraphQLBody`; `parseMixed` mounts
 * cm6-graphql's Lezer parser on the body, so `%%ion --flags` never reaches the GraphQL grammar.
 */
import {
  defineLanguageFacet,
  Language,
  languageDataProp,
  LanguageSupport,
  syntaxHighlighting
} from '@codemirror/language';
import { Input, NodeSet, NodeType, Parser, parseMixed, PartialParse, Tree, TreeFragment } from '@lezer/common';
import { classHighlighter, styleTags, Tag, tagHighlighter, tags } from '@lezer/highlight';
import { graphqlLanguage } from 'cm6-graphql';

import { cellHeadLength, MagicTokenKind, tokenizeMagicLine } from './magicLine';

/** Highlighting tags of the magic line: each a sub-tag of a standard one, so themes colour them sensibly. */
export const magicTags: Record<MagicTokenKind, Tag> = {
  keyword: Tag.define(tags.processingInstruction),
  option: Tag.define(tags.attributeName),
  string: Tag.define(tags.string),
  number: Tag.define(tags.number),
  operator: Tag.define(tags.operator),
  word: Tag.define(tags.variableName)
};

/** Classes of their own on magic-line tokens (`ion-magic-<kind>`), on top of the theme's colours. */
export const magicLineHighlighter = tagHighlighter(
  Object.entries(magicTags).map(([kind, tag]) => ({ tag, class: `ion-magic-${kind}` }))
);

const TOKEN_NODE_NAMES: Record<MagicTokenKind, string> = {
  keyword: 'MagicKeyword',
  option: 'MagicOption',
  string: 'MagicString',
  number: 'MagicNumber',
  operator: 'MagicOperator',
  word: 'MagicWord'
};

const ionLanguageData = defineLanguageFacet({ commentTokens: { line: '#' } });

const NODE_NAMES = ['IonCell', 'MagicLine', 'GraphQLBody', ...Object.values(TOKEN_NODE_NAMES)];

const nodeSet = new NodeSet(
  NODE_NAMES.map((name, id) =>
    NodeType.define({
      id,
      name,
      top: id === 0,
      props: id === 0 ? [[languageDataProp, ionLanguageData]] : []
    })
  )
).extend(
  styleTags(
    Object.fromEntries(
      Object.entries(TOKEN_NODE_NAMES).map(([kind, name]) => [name, magicTags[kind as MagicTokenKind]])
    )
  )
);

function nodeType(name: string): NodeType {
  return nodeSet.types[NODE_NAMES.indexOf(name)];
}

/** Read the head of the parsed range (see `cellHeadLength`): blank leading lines, then the magic line. */
function readHead(input: Input, from: number, to: number): string {
  let text = '';
  for (let pos = from; pos < to;) {
    const chunk = input.chunk(pos);
    if (!chunk.length) {
      break;
    }
    const piece = chunk.slice(0, to - pos);
    text += piece;
    pos += piece.length;
    const headEnd = cellHeadLength(text);
    if (headEnd < text.length) {
      return text.slice(0, headEnd);
    }
  }
  return text;
}

/** The outer tree of a cell: its head (the magic line and any blank line above it) with the magic's tokens, then
 * the body (after the magic line's break). */
export function buildCellTree(head: string, length: number): Tree {
  const tokens = tokenizeMagicLine(head);
  const magicLine = new Tree(
    nodeType('MagicLine'),
    tokens.map(token => new Tree(nodeType(TOKEN_NODE_NAMES[token.kind]), [], [], token.to - token.from)),
    tokens.map(token => token.from),
    head.length
  );
  const children: Tree[] = [magicLine];
  const positions = [0];
  const lineBreak = head.length < length ? 1 : 0;
  const bodyStart = Math.min(head.length + lineBreak, length);
  if (bodyStart < length) {
    children.push(new Tree(nodeType('GraphQLBody'), [], [], length - bodyStart));
    positions.push(bodyStart);
  }
  return new Tree(nodeType('IonCell'), children, positions, length);
}

/** The outer parse: one step, since only the head (up to the magic line's end) needs reading. */
class IonCellParse implements PartialParse {
  parsedPos: number;
  stoppedAt: number | null = null;

  constructor(
    private readonly input: Input,
    private readonly from: number,
    private readonly to: number
  ) {
    this.parsedPos = from;
  }

  advance(): Tree {
    const end = this.stoppedAt ?? this.to;
    const head = readHead(this.input, this.from, end);
    this.parsedPos = end;
    return buildCellTree(head, end - this.from);
  }

  stopAt(pos: number): void {
    this.stoppedAt = pos;
  }
}

const mountGraphQL = parseMixed(node => (node.type.name === 'GraphQLBody' ? { parser: graphqlLanguage.parser } : null));

class IonCellParser extends Parser {
  createParse(
    input: Input,
    fragments: readonly TreeFragment[],
    ranges: readonly { from: number; to: number }[]
  ): PartialParse {
    const from = ranges[0].from;
    const to = ranges[ranges.length - 1].to;
    return mountGraphQL(new IonCellParse(input, from, to), input, fragments, ranges);
  }
}

/** The `%%ion` cell language (magic line + GraphQL). */
export const ionCellLanguage = new Language(ionLanguageData, new IonCellParser(), [], 'ion');

/** GraphQL on its own, for `.graphql` files (with the same `tok-*` classes as `%%ion` cells). */
export function graphqlFileLanguage(): LanguageSupport {
  return new LanguageSupport(graphqlLanguage, [syntaxHighlighting(classHighlighter)]);
}
