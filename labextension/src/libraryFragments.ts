/**
 * The kernel's fragment library (the fragments of the `.graphql` files in its operations folder), on the
 * front end's side: read from the schema message, and what an `%%ion` editor needs of it (pure: no JupyterLab).
 */
import { FragmentDefinitionNode, Kind, parse } from 'graphql';

/** One fragment of the library, as the kernel sends it in the `fragments` field of the schema message. */
export interface ILibraryFragment {
  name: string;
  typeCondition: string;
  text: string;
}

function isLibraryFragment(value: unknown): value is ILibraryFragment {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const { name, typeCondition, text } = value as Record<string, unknown>;
  return typeof name === 'string' && typeof typeCondition === 'string' && typeof text === 'string';
}

/** The `fragments` field of a schema message (absent: none); an entry that is not a fragment is left out. */
export function readFragments(data: unknown): ILibraryFragment[] {
  if (!Array.isArray(data)) {
    return [];
  }
  return data.filter(isLibraryFragment).map(({ name, typeCondition, text }) => ({ name, typeCondition, text }));
}

const parsed = new WeakMap<readonly ILibraryFragment[], FragmentDefinitionNode[]>();

function definitionsOf(fragments: readonly ILibraryFragment[]): FragmentDefinitionNode[] {
  let definitions = parsed.get(fragments);
  if (!definitions) {
    definitions = [];
    for (const fragment of fragments) {
      try {
        for (const definition of parse(fragment.text).definitions) {
          if (definition.kind === Kind.FRAGMENT_DEFINITION) {
            definitions.push(definition);
          }
        }
      } catch {
        // The kernel names a library file that does not parse when a cell uses it; the editor skips it.
      }
    }
    parsed.set(fragments, definitions);
  }
  return definitions;
}

/** The names of the fragments a cell's GraphQL defines itself. */
function ownFragmentNames(text: string): Set<string> {
  return new Set([...text.matchAll(/\bfragment\s+([_A-Za-z]\w*)/g)].map(match => match[1]));
}

/** The library fragments a cell can spread, parsed: all but those it defines itself (the cell's own win). */
export function libraryDefinitions(fragments: readonly ILibraryFragment[], text: string): FragmentDefinitionNode[] {
  const own = ownFragmentNames(text);
  return definitionsOf(fragments).filter(definition => !own.has(definition.name.value));
}

/** The library fragment whose spread (`...RunBasics`) has its name under `offset`, when the cell does not define it. */
export function librarySpreadAt(
  fragments: readonly ILibraryFragment[],
  text: string,
  offset: number
): ILibraryFragment | null {
  let from = offset;
  let to = offset;
  while (from > 0 && /\w/.test(text[from - 1])) {
    from--;
  }
  while (to < text.length && /\w/.test(text[to])) {
    to++;
  }
  if (from === to || !/\.\.\.\s*$/.test(text.slice(0, from))) {
    return null;
  }
  const name = text.slice(from, to);
  if (ownFragmentNames(text).has(name)) {
    return null;
  }
  return fragments.find(fragment => fragment.name === name) ?? null;
}

/** The hover card of a library fragment: its signature, then its text. */
export function describeFragment(fragment: ILibraryFragment): string {
  return `fragment ${fragment.name} on ${fragment.typeCondition} (operations folder)\n${fragment.text}`;
}
