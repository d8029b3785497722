/**
 * ion-magic's JupyterLab plugins: `%%ion` cells become a GraphQL editor that knows the notebook kernel's
 * ION schema, the ION Schema Explorer builds queries and lists the runs, the status bar names the ION
 * environment, and `.graphql` files get GraphQL highlighting.
 */
import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import {
  EditorExtensionRegistry,
  IEditorExtensionRegistry,
  IEditorLanguageRegistry
} from '@jupyterlab/codemirror';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { IStatusBar } from '@jupyterlab/statusbar';

import { ionCellExtension } from './editor';
import { activateExplorer } from './explorerPlugin';
import { NotebookStates } from './ionState';
import { KernelSchemaLink } from './kernelLink';
import { graphqlFileLanguage } from './language';
import { NotebookSchemas } from './schemaStore';

/** The parts of a cell's shared model this extension reads (a code cell knows its notebook). */
interface ISharedCellModel {
  readonly cell_type?: string;
  readonly notebook?: object | null;
  getSource(): string;
}

/** Does a notebook use ion_magic? Only then is its kernel asked for a schema. */
const USES_ION_MAGIC = /%%ion\b|%ion_|ion_magic/;

function usesIonMagic(panel: NotebookPanel): boolean {
  const cells = panel.context.model?.sharedModel.cells ?? [];
  return cells.some(cell => USES_ION_MAGIC.test(cell.getSource()));
}

/** Each notebook's login and runs, shared by the editor plugin (which fills them) and the explorer. */
const notebookStates = new NotebookStates();

const editorPlugin: JupyterFrontEndPlugin<void> = {
  id: 'ion-magic:editor',
  description: '%%ion cells: GraphQL highlighting, and completion, lint and hover from the kernel schema.',
  autoStart: true,
  requires: [IEditorExtensionRegistry],
  optional: [INotebookTracker],
  activate: (
    _app: JupyterFrontEnd,
    extensions: IEditorExtensionRegistry,
    notebooks: INotebookTracker | null
  ): void => {
    const schemas = new NotebookSchemas();
    extensions.addExtension({
      name: 'ion-magic:ion-cell',
      factory: ({ model }) => {
        const cell = model.sharedModel as unknown as ISharedCellModel;
        if (cell.cell_type !== 'code') {
          return null;
        }
        const slot = cell.notebook ? schemas.slotFor(cell.notebook) : null;
        return EditorExtensionRegistry.createImmutableExtension(
          ionCellExtension({ initialText: cell.getSource(), schemas: slot })
        );
      }
    });
    notebooks?.widgetAdded.connect((_tracker, panel) => {
      const slot = schemas.slotFor(panel.context.model.sharedModel);
      const state = notebookStates.stateFor(panel);
      const link = new KernelSchemaLink({
        session: panel.sessionContext,
        onUpdate: update => {
          slot.set(update.schema);
          slot.fragments.set(update.fragments);
          state.setLogin(update);
        },
        onRun: record => state.addRun(record),
        shouldRequest: () => usesIonMagic(panel)
      });
      panel.disposed.connect(() => link.dispose());
    });
  }
};

const explorerPlugin: JupyterFrontEndPlugin<void> = {
  id: 'ion-magic:explorer',
  description: 'The ION Schema Explorer side panel, its history of runs, and the ION status bar item.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ICommandPalette, ILayoutRestorer, IStatusBar],
  activate: (
    app: JupyterFrontEnd,
    notebooks: INotebookTracker,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    statusBar: IStatusBar | null
  ): void => activateExplorer(app, notebooks, notebookStates, palette, restorer, statusBar)
};

const graphqlPlugin: JupyterFrontEndPlugin<void> = {
  id: 'ion-magic:graphql-files',
  description: 'GraphQL highlighting for .graphql and .gql files.',
  autoStart: true,
  requires: [IEditorLanguageRegistry],
  activate: (app: JupyterFrontEnd, languages: IEditorLanguageRegistry): void => {
    languages.addLanguage({
      name: 'graphql',
      displayName: 'GraphQL',
      mime: 'application/graphql',
      extensions: ['graphql', 'gql'],
      support: graphqlFileLanguage()
    });
    if (!app.docRegistry.getFileType('graphql')) {
      app.docRegistry.addFileType({
        name: 'graphql',
        displayName: 'GraphQL',
        extensions: ['.graphql', '.gql'],
        mimeTypes: ['application/graphql'],
        fileFormat: 'text',
        contentType: 'file'
      });
    }
  }
};

export default [editorPlugin, explorerPlugin, graphqlPlugin];
