/**
 * The extension's commands: every change the sidebar makes goes through one of them, so it is
 * also reachable from the command palette, keyboard shortcuts and tests.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import type { AnalysisRegistry } from './analysis';
import { ApiError, exportNotebook, exportTargets } from './api';
import { AnswerState, CommandIDs, PHASES } from './tokens';
import { IExportChoice, chooseExport, confirmReplace } from './widgets/exportdialog';
import { notifyNotWritten } from './notify';
import { setAnswer, setCellPhase, suppressInCell, unsuppress } from './writers';

function text(args: ReadonlyPartialJSONObject, name: string): string | undefined {
  const value = args[name];
  return typeof value === 'string' ? value : undefined;
}

function hasCell(panel: NotebookPanel, cellId: string): boolean {
  const cells = panel.context.model.cells;
  for (let i = 0; i < cells.length; i++) {
    if (cells.get(i).id === cellId) {
      return true;
    }
  }
  return false;
}

/** Select a cell by id, scroll it into view and give the notebook the focus. */
export async function goToCell(
  app: JupyterFrontEnd,
  panel: NotebookPanel,
  cellId: string
): Promise<boolean> {
  const notebook = panel.content;
  const index = notebook.widgets.findIndex(c => c.model.id === cellId);
  if (index < 0) {
    return false;
  }
  app.shell.activateById(panel.id);
  notebook.mode = 'command';
  notebook.deselectAll();
  notebook.activeCellIndex = index;
  await notebook.scrollToItem(index, 'center');
  notebook.activate();
  return true;
}

export function addCommands(
  app: JupyterFrontEnd,
  tracker: INotebookTracker,
  analyses: AnalysisRegistry,
  sidebarId: string
): void {
  const { commands } = app;
  const current = (): NotebookPanel | null => tracker.currentWidget;
  const hasNotebook = (): boolean => current() !== null;
  const reanalyse = (panel: NotebookPanel): void => void analyses.get(panel).analyseNow();
  /** Once the core's answer is written, analyse again; a failure is told, never swallowed. */
  const written = (panel: NotebookPanel, what: string, writing: Promise<unknown>): Promise<void> =>
    writing.then(
      () => reanalyse(panel),
      reason => notifyNotWritten(what, reason)
    );

  commands.addCommand(CommandIDs.analyse, {
    label: 'Analyse the Notebook against the ML Lens',
    caption: 'Re-run the Well-Architected checks on the current notebook',
    isEnabled: hasNotebook,
    execute: () => {
      const panel = current();
      return panel ? analyses.get(panel).analyseNow() : undefined;
    }
  });

  commands.addCommand(CommandIDs.setPhase, {
    label: args => `Set Cell Phase${text(args, 'phase') ? `: ${text(args, 'phase')}` : ''}`,
    caption: 'Set the lifecycle phase of a cell (no phase: back to the inferred one)',
    isEnabled: hasNotebook,
    execute: args => {
      const panel = current();
      const cellId = text(args, 'cellId') ?? panel?.content.activeCell?.model.id;
      const phase = text(args, 'phase') || null;
      if (
        !panel ||
        !cellId ||
        !hasCell(panel, cellId) ||
        (phase !== null && !(PHASES as readonly string[]).includes(phase))
      ) {
        return;
      }
      return written(panel, 'the phase', setCellPhase(panel.context.model, cellId, phase));
    }
  });

  commands.addCommand(CommandIDs.setAnswer, {
    label: 'Answer a Checklist Item',
    isEnabled: hasNotebook,
    execute: args => {
      const panel = current();
      const bp = text(args, 'bp');
      const state = text(args, 'state');
      if (!panel || !bp || !state) {
        return; // the core checks the state against the schema (a bad one is answered 400)
      }
      // Who answered, so a reviewer can trust an attested answer: JupyterLab's own identity.
      const identity = app.serviceManager.user?.identity;
      return written(
        panel,
        'the answer',
        setAnswer(panel.context.model, bp, state as AnswerState, {
          note: text(args, 'note'),
          reason: text(args, 'reason'),
          by: identity?.display_name || identity?.name || ''
        })
      );
    }
  });

  commands.addCommand(CommandIDs.suppress, {
    label: 'Suppress a Finding in its Cell',
    isEnabled: hasNotebook,
    execute: args => {
      const panel = current();
      const cellId = text(args, 'cellId');
      const code = text(args, 'code');
      const reason = text(args, 'reason') ?? '';
      if (!panel || !cellId || !code || !hasCell(panel, cellId)) {
        return;
      }
      return written(
        panel,
        'the suppression',
        suppressInCell(panel.context.model, cellId, code, reason)
      );
    }
  });

  commands.addCommand(CommandIDs.unsuppress, {
    label: 'Count a Suppressed Finding Again',
    isEnabled: hasNotebook,
    execute: args => {
      const panel = current();
      const key = text(args, 'key');
      if (!panel || !key) {
        return;
      }
      if (text(args, 'scope') === 'notebook') {
        return written(panel, 'the change', unsuppress(panel.context.model, key));
      }
      const cellId = text(args, 'cellId');
      if (!cellId || !hasCell(panel, cellId)) {
        return;
      }
      const via = text(args, 'via') === 'tag' ? 'tag' : 'metadata';
      return written(panel, 'the change', unsuppress(panel.context.model, key, cellId, via));
    }
  });

  commands.addCommand(CommandIDs.goToCell, {
    label: 'Go to Cell',
    isEnabled: hasNotebook,
    execute: args => {
      const panel = current();
      const cellId = text(args, 'cellId');
      return panel && cellId ? goToCell(app, panel, cellId) : false;
    }
  });

  commands.addCommand(CommandIDs.exportNotebook, {
    label: 'Export the Annotated Notebook (ML Lens review)',
    caption:
      'Write the review (ipynb, HTML, Markdown…) beside the notebook; asks before replacing one',
    isEnabled: hasNotebook,
    execute: async args => {
      const panel = current();
      if (!panel) {
        return;
      }
      const path = panel.context.path;
      try {
        // Asked for a format (a shortcut, a test): the file is replaced only when asked too.
        const format = text(args, 'format');
        let choice: IExportChoice | null;
        if (format) {
          choice = {
            target: { format, path: '', exists: false },
            overwrite: args['overwrite'] === true
          };
        } else {
          choice = await chooseExport(await exportTargets(path));
        }
        if (!choice) {
          return;
        }
        const notebook = panel.context.model.toJSON();
        let answer;
        try {
          answer = await exportNotebook(notebook, path, choice.target.format, choice.overwrite);
        } catch (error) {
          // written meanwhile (another tab, the CLI): ask, as for a file that was there
          if (!(error instanceof ApiError && error.status === 409 && !choice.overwrite)) {
            throw error;
          }
          if (!(await confirmReplace(choice.target.path || error.message))) {
            return;
          }
          answer = await exportNotebook(notebook, path, choice.target.format, true);
        }
        const written = answer.path;
        Notification.success(answer.message, {
          autoClose: 6000,
          actions: [
            {
              label: 'Open',
              callback: () => void commands.execute('docmanager:open', { path: written })
            }
          ]
        });
      } catch (error) {
        const e = error instanceof ApiError ? error : null;
        Notification.error(
          e ? `Export failed: ${e.message}. ${e.hint}` : `Export failed: ${String(error)}`,
          { autoClose: false }
        );
      }
    }
  });

  commands.addCommand(CommandIDs.showPanel, {
    label: 'Show the ML Well-Architected Panel',
    execute: () => app.shell.activateById(sidebarId)
  });
}
