/**
 * The JupyterLab plugins of mlwa-notebook (plugins only; the work is in the modules they wire).
 */
import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStateDB } from '@jupyterlab/statedb';

import { AnalysisRegistry } from './analysis';
import { addCommands } from './commands';
import { LiveCells } from './livecells';
import { fetchRuleChoices, withRuleChoices } from './rulechoices';
import { CommandIDs, DEFAULT_SETTINGS, ISettings, LIVE_CELLS_PLUGIN_ID, PLUGIN_ID } from './tokens';
import { CellBadges } from './widgets/badges';
import { MlwaSidebar, SIDEBAR_ID } from './widgets/sidebar';

/** Read the user's settings, falling back to the defaults for anything malformed. */
function readSettings(settings: ISettingRegistry.ISettings): ISettings {
  const auto = settings.get('autoAnalyse').composite;
  const rules = settings.get('disabledRules').composite;
  const delay = settings.get('debounceMs').composite;
  return {
    autoAnalyse: typeof auto === 'boolean' ? auto : DEFAULT_SETTINGS.autoAnalyse,
    disabledRules: Array.isArray(rules) ? rules.map(String) : DEFAULT_SETTINGS.disabledRules,
    debounceMs: typeof delay === 'number' ? delay : DEFAULT_SETTINGS.debounceMs
  };
}

/** The sidebar, the cell badges, the commands and the analysis of every open notebook. */
const sidebarPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'Checks notebooks against the AWS Well-Architected ML Lens while you work.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ISettingRegistry, ILayoutRestorer, IStateDB, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    registry: ISettingRegistry | null,
    restorer: ILayoutRestorer | null,
    stateDB: IStateDB | null,
    palette: ICommandPalette | null
  ) => {
    let settings: ISettings = { ...DEFAULT_SETTINGS };
    const current = (): ISettings => settings;
    const analyses = new AnalysisRegistry(current);
    analyses.added.connect((_, analysis) => new CellBadges(analysis));

    const sidebar = new MlwaSidebar(tracker, analyses, app.commands, current, stateDB);
    // The right area exists in JupyterLab and in Notebook 7's notebook view alike.
    app.shell.add(sidebar, 'right', { rank: 850 });
    restorer?.add(sidebar, SIDEBAR_ID);
    void app.restored.then(() => sidebar.restoreState());

    addCommands(app, tracker, analyses, SIDEBAR_ID);
    for (const command of [CommandIDs.analyse, CommandIDs.exportNotebook, CommandIDs.showPanel]) {
      palette?.addItem({ command, category: 'ML Well-Architected' });
    }

    tracker.widgetAdded.connect((_, panel) => void analyses.get(panel));
    tracker.forEach(panel => void analyses.get(panel));

    if (registry) {
      // The schema waits for this transform (`jupyter.lab.transform`): it adds the rule list.
      void fetchRuleChoices()
        .then(rules => {
          registry.transform(PLUGIN_ID, {
            fetch: plugin => withRuleChoices(plugin, rules),
            compose: plugin => plugin
          });
          return registry.load(PLUGIN_ID);
        })
        .then(loaded => {
          const apply = (): void => {
            const before = JSON.stringify(settings);
            settings = readSettings(loaded);
            if (JSON.stringify(settings) !== before) {
              analyses.all().forEach(a => a.schedule());
            }
          };
          apply();
          loaded.changed.connect(apply);
        })
        .catch(reason => console.warn(`mlwa: settings could not be loaded (${reason})`));
    }
  }
};

/** Live cells for the kernel's `%mlwa` (and metadata the kernel writes back). */
const liveCellsPlugin: JupyterFrontEndPlugin<void> = {
  id: LIVE_CELLS_PLUGIN_ID,
  description: 'Sends the unsaved notebook to the kernel before each execution, for %mlwa.',
  autoStart: true,
  requires: [INotebookTracker],
  activate: (_app: JupyterFrontEnd, tracker: INotebookTracker) => {
    new LiveCells(tracker);
  }
};

export default [sidebarPlugin, liveCellsPlugin];
