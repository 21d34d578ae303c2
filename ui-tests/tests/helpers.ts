/**
 * What the browser specs share: the example notebook, opening a notebook with the sidebar, and
 * reading the application's state (never a mock: the real JupyterLab in the page).
 */
import { IJupyterLabPageFixture, expect } from '@jupyterlab/galata';
import * as path from 'path';

export const EXAMPLE = '02-messy-experiment.ipynb';
export const SOURCE = path.resolve(__dirname, '..', '..', 'example_notebooks', EXAMPLE);
export const ROOT = process.env.JUPYTERLAB_GALATA_ROOT_DIR ?? '';
export const SCREENSHOTS = path.resolve(__dirname, '..', '..', 'docs', 'images');

type App = {
  commands: { execute(id: string, args?: object): Promise<unknown> };
  shell: { currentWidget: unknown };
};

/** Open a notebook of the server's root through the document manager. */
export async function openNotebook(page: IJupyterLabPageFixture, file: string): Promise<void> {
  // after a reload the file browser may show another folder: open by path
  await page.evaluate(async target => {
    const app = (window as unknown as { jupyterapp: App }).jupyterapp;
    await app.commands.execute('docmanager:open', { path: target });
  }, file);
  await expect(page.locator('.jp-NotebookPanel .jp-Cell').first()).toBeVisible();
  await page.notebook.activate(path.basename(file));
}

/** Open the example in the test's folder and show the sidebar once its report has arrived. */
export async function openExample(
  page: IJupyterLabPageFixture,
  tmpPath: string,
  width = 420
): Promise<void> {
  const target = `${tmpPath}/${EXAMPLE}`;
  if (!(await page.contents.fileExists(target))) {
    await page.contents.uploadFile(SOURCE, target);
  }
  await openNotebook(page, target);
  await page.sidebar.openTab('mlwa-sidebar');
  await page.sidebar.setWidth(width, 'right');
  await expect(page.locator('.mlwa-Sidebar [data-testid="mlwa-finding"]').first()).toBeVisible();
}

/** The id of the notebook's active cell, from the application itself. */
export async function activeCellId(page: IJupyterLabPageFixture): Promise<string | undefined> {
  return page.evaluate(() => {
    const app = (window as unknown as { jupyterapp: App }).jupyterapp;
    const panel = app.shell.currentWidget as {
      content?: { activeCell?: { model: { id: string } } };
    };
    return panel.content?.activeCell?.model.id;
  });
}

/** Make the cell at `index` active, in command mode, with the focus in the notebook. */
export async function selectCell(page: IJupyterLabPageFixture, index: number): Promise<void> {
  await page.evaluate(i => {
    const app = (window as unknown as { jupyterapp: App }).jupyterapp;
    const panel = app.shell.currentWidget as {
      content: { mode: string; activeCellIndex: number; activate(): void };
    };
    panel.content.mode = 'command';
    panel.content.activeCellIndex = i;
    panel.content.activate();
  }, index);
}
