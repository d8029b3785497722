/**
 * The JupyterLab glue of the explorer and the status bar item: the panel in the left sidebar, the
 * `ion-magic:open-explorer` command, and both following the active notebook, its active cell and its
 * kernel's ION state.
 */
import { ILayoutRestorer, JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ICellModel } from '@jupyterlab/cells';
import { INotebookTracker, NotebookActions } from '@jupyterlab/notebook';
import { IStatusBar } from '@jupyterlab/statusbar';
import { LabIcon } from '@jupyterlab/ui-components';

import { minimalChange } from './builder';
import { EXPLORER_LABEL, ExplorerPanel, IExplorerHost } from './explorerPanel';
import { NotebookIonState, NotebookStates } from './ionState';
import { IonStatusItem } from './statusItem';

export const OPEN_EXPLORER = 'ion-magic:open-explorer';
const PANEL_ID = 'ion-magic-explorer';

/** A ring around "ION", in the theme's icon colour. */
const ionIcon = new LabIcon({
  name: 'ion-magic:ion',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">' +
    '<g class="jp-icon3" fill="#616161"><path fill-rule="evenodd" d="M12 1a11 11 0 1 0 .001 0zM12 2.8a9.2 9.2 0 1 ' +
    '1-.001 0z"/><text x="12" y="15" font-family="sans-serif" font-size="8" font-weight="bold" ' +
    'text-anchor="middle">ION</text></g></svg>'
});

/** The explorer's view of the tracker's current notebook. */
class NotebookHost implements IExplorerHost {
  constructor(
    private readonly tracker: INotebookTracker,
    private readonly states: NotebookStates
  ) {}

  get state(): NotebookIonState | null {
    const panel = this.tracker.currentWidget;
    return panel ? this.states.stateFor(panel) : null;
  }

  activeCellText(): string | null {
    const model = this.tracker.activeCell?.model;
    return model?.type === 'code' ? model.sharedModel.getSource() : null;
  }

  replaceActiveCell(text: string): void {
    const shared = this.tracker.activeCell?.model.sharedModel;
    if (shared) {
      const change = minimalChange(shared.getSource(), text);
      shared.updateSource(change.from, change.to, change.insert);
    }
  }

  insertCellBelow(text: string): void {
    const panel = this.tracker.currentWidget;
    if (!panel) {
      return;
    }
    NotebookActions.insertBelow(panel.content);
    panel.content.activeCell?.model.sharedModel.setSource(text);
  }
}

/** Add the explorer panel, its command and the status bar item. */
export function activateExplorer(
  app: JupyterFrontEnd,
  tracker: INotebookTracker,
  states: NotebookStates,
  palette: ICommandPalette | null,
  restorer: ILayoutRestorer | null,
  statusBar: IStatusBar | null
): void {
  const host = new NotebookHost(tracker, states);
  const panel = new ExplorerPanel(host);
  panel.id = PANEL_ID;
  panel.title.icon = ionIcon;
  app.shell.add(panel, 'left', { rank: 650 });
  restorer?.add(panel, PANEL_ID);

  app.commands.addCommand(OPEN_EXPLORER, {
    label: EXPLORER_LABEL,
    caption: 'Browse the ION schema and build %%ion queries by ticking fields',
    execute: () => app.shell.activateById(PANEL_ID)
  });
  palette?.addItem({ command: OPEN_EXPLORER, category: 'ION' });

  const status = new IonStatusItem();
  statusBar?.registerStatusItem('ion-magic:status', {
    item: status,
    align: 'left',
    rank: 4,
    isActive: () => status.isActive,
    activeStateChanged: status.activeStateChanged
  });

  let stopFollowing = (): void => undefined;
  const followNotebook = (): void => {
    stopFollowing();
    const state = host.state;
    const changed = (): void => {
      panel.stateChanged();
      status.showState(state);
    };
    stopFollowing = state ? state.subscribe(changed) : () => undefined;
    changed();
  };

  let watched: ICellModel | null = null;
  const refreshTicks = (): void => panel.refreshTicks();
  const followActiveCell = (): void => {
    watched?.contentChanged.disconnect(refreshTicks);
    watched = tracker.activeCell?.model ?? null;
    watched?.contentChanged.connect(refreshTicks);
    panel.refreshTicks();
  };

  tracker.currentChanged.connect(() => {
    followNotebook();
    followActiveCell();
  });
  tracker.activeCellChanged.connect(followActiveCell);
  followNotebook();
}
